package interact

import (
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Feedback is the store of the reports of errors on the site (我为政府网站找错) sent through the
// site's own form, and of how staff handled them.
type Feedback struct {
	pool *pgxpool.Pool
	now  func() time.Time
}

// NewFeedback returns the store on pool; now is the clock (time.Now when nil).
func NewFeedback(pool *pgxpool.Pool, now func() time.Time) *Feedback {
	if now == nil {
		now = time.Now
	}
	return &Feedback{pool: pool, now: now}
}
