package interact

import (
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Consultations is the store of the comments on draft documents (意见征集) and of the feedback
// summaries staff publish after a consultation closes. Which documents are open for comment, and
// when, is in their front matter (content.Consultation).
type Consultations struct {
	pool *pgxpool.Pool
	now  func() time.Time
}

// NewConsultations returns the store on pool; now is the clock (time.Now when nil).
func NewConsultations(pool *pgxpool.Pool, now func() time.Time) *Consultations {
	if now == nil {
		now = time.Now
	}
	return &Consultations{pool: pool, now: now}
}
