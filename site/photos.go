package site

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"zhenxing"
	"zhenxing/catalog"
)

// productPhoto serves a photo's bytes by content hash: immutable, with the stored content type.
// An SVG gets a policy of its own so that nothing inside it could ever run.
func (s *Server) productPhoto(c *fiber.Ctx) error {
	hash := strings.ToLower(c.Params("hash"))
	if len(hash) != 64 || strings.Trim(hash, "0123456789abcdef") != "" {
		return zhenxing.Errorf(zhenxing.ENotFound, "图片不存在。")
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	data, ctype, err := s.deps.Photos.Content(ctx, hash)
	if err != nil {
		return err
	}
	if want := (catalog.Photo{Hash: hash, ContentType: ctype}).URL(); want != c.Path() {
		return c.Redirect(want, fiber.StatusMovedPermanently)
	}
	c.Set(fiber.HeaderContentType, ctype)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	if ctype == "image/svg+xml" {
		c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; style-src 'unsafe-inline'")
	}
	return c.Send(data)
}
