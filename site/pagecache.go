package site

import (
	"hash/crc32"
	"strconv"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"zhenxing/content"
)

// rendered is a response computed once and served many times. Its ETag and its compressed forms
// are made at most once, not per request: hashing a page per request (the etag middleware's
// table-driven CRC) was half the cost of serving it, and compressing it per request more still.
type rendered struct {
	body        []byte
	contentType string
	etag        string
	best        bool // compress as hard as possible: worth it for pages kept for a whole load
	borrowed    bool // body is reused after the handler: the response gets a copy

	gzipOnce, brOnce sync.Once
	gzipBody, brBody []byte
}

func newRendered(contentType string, body []byte, best bool) *rendered {
	return &rendered{
		body:        body,
		contentType: contentType,
		etag:        strconv.Itoa(len(body)) + "-" + strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 36),
		best:        best,
	}
}

func (r *rendered) gzip() []byte {
	r.gzipOnce.Do(func() {
		level := fasthttp.CompressDefaultCompression
		if r.best {
			level = fasthttp.CompressBestCompression
		}
		r.gzipBody = fasthttp.AppendGzipBytesLevel(nil, r.body, level)
	})
	return r.gzipBody
}

func (r *rendered) brotli() []byte {
	r.brOnce.Do(func() {
		level := fasthttp.CompressBrotliDefaultCompression
		if r.best {
			level = fasthttp.CompressBrotliBestCompression
		}
		r.brBody = fasthttp.AppendBrotliBytesLevel(nil, r.body, level)
	})
	return r.brBody
}

// send writes the response in the best encoding the client accepts, or 304 Not Modified when the
// client holds that representation already. Each encoding has its own ETag.
func (r *rendered) send(c *fiber.Ctx) error {
	body, etag := r.body, r.etag
	c.Vary(fiber.HeaderAcceptEncoding)
	switch h := &c.Request().Header; {
	case h.HasAcceptEncoding("br"):
		body, etag = r.brotli(), etag+"-br"
		c.Set(fiber.HeaderContentEncoding, "br")
	case h.HasAcceptEncoding("gzip"):
		body, etag = r.gzip(), etag+"-gz"
		c.Set(fiber.HeaderContentEncoding, "gzip")
	}
	etag = `"` + etag + `"`
	c.Set(fiber.HeaderETag, etag)
	if match := c.Get(fiber.HeaderIfNoneMatch); match != "" && strings.Contains(match, etag) {
		c.Response().Header.Del(fiber.HeaderContentEncoding)
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Status(fiber.StatusOK)
	c.Set(fiber.HeaderContentType, r.contentType)
	if r.borrowed {
		c.Response().SetBody(body)
		return nil
	}
	return c.Send(body)
}

// pageCache keeps rendered pages of one content library, so a document page is rendered once per
// load and display mode, not per request. It holds only what the content determines, so replicas
// never disagree. A reload starts a fresh cache: the first lookup or insert with the new library
// drops the old library's pages, and with them the last reference to that library.
type pageCache struct {
	mu    sync.RWMutex
	lib   *content.Library
	pages map[string]*rendered
}

// maxCachedPages bounds the cache: past it pages are rendered per request.
const maxCachedPages = 4000

func (pc *pageCache) get(lib *content.Library, key string) (*rendered, bool) {
	pc.mu.RLock()
	r, ok := pc.pages[key]
	current := pc.lib == lib
	pc.mu.RUnlock()
	if !current {
		pc.mu.Lock()
		pc.use(lib)
		pc.mu.Unlock()
		return nil, false
	}
	return r, ok
}

func (pc *pageCache) put(lib *content.Library, key string, page *rendered) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.use(lib)
	if len(pc.pages) < maxCachedPages {
		pc.pages[key] = page
	}
}

// use makes lib the cached library, dropping the pages of any other. The caller holds mu for
// writing.
func (pc *pageCache) use(lib *content.Library) {
	if pc.lib != lib || pc.pages == nil {
		pc.lib, pc.pages = lib, map[string]*rendered{}
	}
}

// size is the number of pages held.
func (pc *pageCache) size() int {
	pc.mu.RLock()
	defer pc.mu.RUnlock()
	return len(pc.pages)
}
