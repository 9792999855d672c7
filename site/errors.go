package site

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"zhenxing"
	"zhenxing/internal/db"
)

var statusOf = map[string]int{
	zhenxing.ENotFound:     fiber.StatusNotFound,
	zhenxing.EInvalid:      fiber.StatusBadRequest,
	zhenxing.EConflict:     fiber.StatusConflict,
	zhenxing.EUnauthorized: fiber.StatusUnauthorized,
	zhenxing.EForbidden:    fiber.StatusForbidden,
	zhenxing.ETooMany:      fiber.StatusTooManyRequests,
	zhenxing.EUnavailable:  fiber.StatusServiceUnavailable,
	zhenxing.EInternal:     fiber.StatusInternalServerError,
}

// retryAfter is the Retry-After of a 503 answer, in seconds: about as long as a database restart.
const retryAfter = "30"

// fiberMessages are the Chinese texts for errors Fiber itself raises.
var fiberMessages = map[int]string{
	fiber.StatusBadRequest:                  "请求无效。",
	fiber.StatusNotFound:                    "您访问的页面不存在，可能已被移动或删除。",
	fiber.StatusMethodNotAllowed:            "不支持该请求方式。",
	fiber.StatusRequestEntityTooLarge:       "提交的内容过大，请减小文件或内容后重试。",
	fiber.StatusRequestTimeout:              "请求超时，请稍后再试。",
	fiber.StatusTooManyRequests:             "请求过于频繁，请稍后再试。",
	fiber.StatusRequestHeaderFieldsTooLarge: "请求头过大，请清除本站的 Cookie 后重试。",
}

var statusTitles = map[int]string{
	fiber.StatusBadRequest:                  "请求有误",
	fiber.StatusUnauthorized:                "需要登录",
	fiber.StatusForbidden:                   "没有访问权限",
	fiber.StatusNotFound:                    "页面不存在",
	fiber.StatusMethodNotAllowed:            "请求方式不受支持",
	fiber.StatusRequestTimeout:              "请求超时",
	fiber.StatusConflict:                    "操作冲突",
	fiber.StatusRequestEntityTooLarge:       "提交内容过大",
	fiber.StatusTooManyRequests:             "请求过于频繁",
	fiber.StatusRequestHeaderFieldsTooLarge: "请求头过大",
	fiber.StatusInternalServerError:         "服务器错误",
	fiber.StatusServiceUnavailable:          "暂时无法访问",
}

// handleError maps an error to a status and a Chinese page (or JSON under /api/). Internal details
// go to the log with the request ID, never to the client. An error that means the database cannot
// be reached (db.Classify) is a 503 with Retry-After; the log gets the outage (health.go), not a
// line per request.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	err = db.Classify(err)
	status := fiber.StatusInternalServerError
	message := zhenxing.ErrorMessage(err)
	var fe *fiber.Error
	switch {
	case errors.As(err, &fe):
		status = fe.Code
		if m, ok := fiberMessages[status]; ok {
			message = m
		} else if status < 500 {
			message = "请求无法处理。"
		}
	default:
		status = statusOf[zhenxing.ErrorCode(err)]
	}
	switch {
	case status == fiber.StatusServiceUnavailable:
		c.Set(fiber.HeaderRetryAfter, retryAfter)
		if zhenxing.ErrorCode(err) == zhenxing.EUnavailable {
			s.outage.failed(err)
		}
	case status >= 500:
		s.log.Error("request failed", "request_id", requestID(c), "path", c.Path(), "err", err)
	}
	title := statusTitles[status]
	if title == "" {
		title = "请求无法处理"
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if strings.HasPrefix(c.Path(), "/api/") {
		return c.Status(status).JSON(fiber.Map{"error": fiber.Map{"status": status, "message": message, "request_id": requestID(c)}})
	}
	return s.renderPage(c, status, "error", &errorView{
		Layout:    Layout{Title: title, NoIndex: true},
		Reason:    message,
		RequestID: requestID(c),
	})
}

// errorView is the page of a request that failed. The message is Reason: the layout shows its
// own Message as a notice above the content.
type errorView struct {
	Layout
	Reason    string // what went wrong, in Chinese, fit to show the user
	RequestID string // for the user to quote when reporting the problem
}
