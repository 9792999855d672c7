package site

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

// dbTimeout bounds each request's database work.
const dbTimeout = 10 * time.Second

// dbContext derives the deadline of a request's database work from the request.
func dbContext(c *fiber.Ctx) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.UserContext(), dbTimeout)
}
