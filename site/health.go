package site

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

// healthz answers while the process is alive.
func (s *Server) healthz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString("ok")
}

// readyz answers 200 when the database is reachable, 503 otherwise.
func (s *Server) readyz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if s.deps.DB != nil {
		ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
		defer cancel()
		if err := s.deps.DB.Ping(ctx); err != nil {
			s.log.Warn("readiness: database unreachable", "err", err)
			return c.Status(fiber.StatusServiceUnavailable).SendString("数据库不可用")
		}
	}
	return c.SendString("ok")
}
