package site

import (
	"log/slog"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"zhenxing"
)

const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every response carries, errors included.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	s.setSecurityHeaders(c)
	return c.Next()
}

func (s *Server) setSecurityHeaders(c *fiber.Ctx) {
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
}

// observe writes the access log line and the metrics of each request. It runs the error handler
// itself, so both see the status the client gets.
func (s *Server) observe(c *fiber.Ctx) error {
	start := time.Now()
	if err := c.Next(); err != nil {
		s.answerError(c, err)
	}
	took := time.Since(start)
	route := c.Route().Path
	if c.Route().Method == "USE" || route == "" {
		route = "unmatched"
	}
	s.metrics.observe(c.Method(), route, c.Response().StatusCode(), took)
	s.logRequest(c, route, took)
	return nil
}

// routeRejected is the route label of the requests answered before routing: those fasthttp
// refuses itself (408 when the request is not read in time, 413 for a body over the limit, 431
// for headers over the read buffer), and any that the middleware before observe fails.
const routeRejected = "rejected"

// handleRejected is the application's error handler, which Fiber calls for the errors observe
// never sees. It gives them what observe gives every other answer: a request ID, the security
// headers, a Chinese page, an access log line and a count in the metrics. Their duration is not
// known, so they are counted but not timed.
func (s *Server) handleRejected(c *fiber.Ctx, err error) error {
	if requestID(c) == "" {
		c.Locals(requestid.ConfigDefault.ContextKey, requestid.ConfigDefault.Generator())
		c.Set(fiber.HeaderXRequestID, requestID(c))
	}
	s.setSecurityHeaders(c)
	s.answerError(c, err)
	s.metrics.count(c.Method(), routeRejected, c.Response().StatusCode())
	s.logRequest(c, routeRejected, -1)
	return nil
}

// answerError runs the error handler; should that fail, the answer is a bare 500.
func (s *Server) answerError(c *fiber.Ctx, err error) {
	if herr := s.handleError(c, err); herr != nil {
		s.log.Error("error handler", "request_id", requestID(c), "err", herr)
		c.Status(fiber.StatusInternalServerError)
	}
}

// logRequest writes the access log line of an answer; a negative took means not timed. The log
// is written before the handler returns, so the request's strings need no copy.
func (s *Server) logRequest(c *fiber.Ctx, route string, took time.Duration) {
	status := c.Response().StatusCode()
	level := slogLevel(status)
	if !s.log.Enabled(c.UserContext(), level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("request_id", requestID(c)),
		slog.String("method", c.Method()),
		slog.String("path", c.Path()),
		slog.String("route", route),
		slog.Int("status", status),
		slog.Int("bytes", len(c.Response().Body())),
	}
	if took >= 0 {
		attrs = append(attrs, slog.Float64("duration_ms", float64(took.Microseconds())/1000))
	}
	attrs = append(attrs, slog.String("ip", c.IP()))
	s.log.LogAttrs(c.UserContext(), level, "request", attrs...)
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
