package interact

import (
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing/internal/workdays"
)

// Messages is the store of the director's mailbox (领导信箱): citizens' questions, suggestions
// and complaints, and the bureau's answers.
type Messages struct {
	pool      *pgxpool.Pool
	calendar  *workdays.Calendar
	now       func() time.Time
	replyDays int
}

// DefaultMessageReplyDays is the working days within which a message is answered by default.
const DefaultMessageReplyDays = 5

// NewMessages returns the store on pool; replyDays is the deadline in working days
// (DefaultMessageReplyDays when below 1), calendar and now as for NewRequests.
func NewMessages(pool *pgxpool.Pool, calendar *workdays.Calendar, now func() time.Time, replyDays int) *Messages {
	if calendar == nil {
		calendar = workdays.Default()
	}
	if now == nil {
		now = time.Now
	}
	if replyDays < 1 {
		replyDays = DefaultMessageReplyDays
	}
	return &Messages{pool: pool, calendar: calendar, now: now, replyDays: replyDays}
}
