package site

import (
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"zhenxing"
)

const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every response carries, errors included.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	h := &c.Response().Header
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if s.cfg.BaseURL != nil && s.cfg.BaseURL.Scheme == "https" {
		h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	}
	return c.Next()
}

// observe writes the access log line and the metrics of each request. It runs the error handler
// itself, so both see the status the client gets.
func (s *Server) observe(c *fiber.Ctx) error {
	start := time.Now()
	if err := c.Next(); err != nil {
		if herr := s.handleError(c, err); herr != nil {
			s.log.Error("error handler", "request_id", requestID(c), "err", herr)
			c.Status(fiber.StatusInternalServerError)
		}
	}
	took := time.Since(start)
	status := c.Response().StatusCode()
	route := c.Route().Path
	if c.Route().Method == "USE" || route == "" {
		route = "unmatched"
	}
	s.metrics.observe(c.Method(), route, status, took)
	level := slogLevel(status)
	if !s.log.Enabled(c.UserContext(), level) {
		return nil
	}
	s.log.Log(c.UserContext(), level, "request",
		"request_id", requestID(c),
		"method", c.Method(),
		"path", c.Path(),
		"route", route,
		"status", status,
		"bytes", len(c.Response().Body()),
		"duration_ms", float64(took.Microseconds())/1000,
		"ip", c.IP(),
	)
	return nil
}

// maxQuery is the longest query string accepted; no page of the site needs more.
const maxQuery = 2048

// rejectBadRequests turns malformed paths and queries into 400 before any handler runs.
func (s *Server) rejectBadRequests(c *fiber.Ctx) error {
	// fasthttp decodes percent-escapes in URI().Path(); both forms must be valid UTF-8.
	if !utf8.Valid(c.Request().URI().Path()) || !utf8.Valid(c.Request().URI().PathOriginal()) {
		return zhenxing.Errorf(zhenxing.EInvalid, "网址中含有无法识别的字符。")
	}
	if len(c.Request().URI().QueryString()) > maxQuery {
		return zhenxing.Errorf(zhenxing.EInvalid, "网址的查询参数过长。")
	}
	for k, v := range c.Context().QueryArgs().All() {
		if !utf8.Valid(k) || !utf8.Valid(v) {
			return zhenxing.Errorf(zhenxing.EInvalid, "网址的查询参数中含有无法识别的字符。")
		}
	}
	return c.Next()
}
