package site

import (
	"hash/crc32"
	"strconv"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"zhenxing/content"
)

// pageCache keeps rendered pages of one content library, so a document page is rendered once per
// load and display mode, not per request. It holds only what the content determines, so replicas
// never disagree; a reload starts a fresh cache.
type pageCache struct {
	mu    sync.RWMutex
	lib   *content.Library
	pages map[string]cachedPage
}

// cachedPage is a rendered page with its ETag, computed once: hashing a page per request
// (the etag middleware's table-driven CRC) was half the cost of serving it.
type cachedPage struct {
	body []byte
	etag string
}

func newCachedPage(body []byte) cachedPage {
	return cachedPage{body: body, etag: `"` + strconv.Itoa(len(body)) + "-" + strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 36) + `"`}
}

// send writes the page, or 304 Not Modified when the client holds it already.
func (p cachedPage) send(c *fiber.Ctx) error {
	c.Set(fiber.HeaderETag, p.etag)
	if match := c.Get(fiber.HeaderIfNoneMatch); match != "" && strings.Contains(match, p.etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	return sendHTML(c, fiber.StatusOK, p.body)
}

// maxCachedPages bounds the cache: past it pages are rendered per request.
const maxCachedPages = 4000

func (pc *pageCache) get(lib *content.Library, key string) (cachedPage, bool) {
	pc.mu.RLock()
	defer pc.mu.RUnlock()
	if pc.lib != lib {
		return cachedPage{}, false
	}
	b, ok := pc.pages[key]
	return b, ok
}

func (pc *pageCache) put(lib *content.Library, key string, page cachedPage) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.lib != lib {
		pc.lib, pc.pages = lib, map[string]cachedPage{}
	}
	if len(pc.pages) < maxCachedPages {
		pc.pages[key] = page
	}
}
