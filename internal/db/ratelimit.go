package db

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing"
)

// Limiter counts uses of a key in fixed windows in the rate_limits table, so that every replica
// of the site counts against the same limit.
type Limiter struct {
	pool *pgxpool.Pool
}

// NewLimiter returns a limiter on the pool. The schema must be migrated (Migrate).
func NewLimiter(pool *pgxpool.Pool) *Limiter { return &Limiter{pool: pool} }

// Rate is a limit: at most Max uses in each Window.
type Rate struct {
	Max    int
	Window time.Duration
}

// RateLimitError is the cause inside the ETooMany error of Allow: when the window ends.
type RateLimitError struct {
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("rate limited, retry after %s", e.RetryAfter)
}

// Seconds is RetryAfter in whole seconds, rounded up and at least 1: the value of a Retry-After
// header.
func (e *RateLimitError) Seconds() int { return max(1, int(math.Ceil(e.RetryAfter.Seconds()))) }

// Allow counts one use of key at now in the window of rate that holds now. It returns nil while
// the count is within rate.Max, and once past it an ETooMany error with a Chinese message and a
// *RateLimitError cause saying when the window ends (a refused use is counted too). A rate with
// Max or Window below 1 is an internal error; a database failure is returned wrapped.
func (l *Limiter) Allow(ctx context.Context, key string, rate Rate, now time.Time) error {
	if err := rate.check(key); err != nil {
		return err
	}
	var count int
	err := l.pool.QueryRow(ctx, countSQL, key, now.Truncate(rate.Window)).Scan(&count)
	if err != nil {
		return fmt.Errorf("rate limit %q: %w", key, err)
	}
	return rate.verdict(count, now)
}

// QueueUse queues onto b the count of one use of key at now, as Allow makes it, for a change that
// counts its use in its own transaction and so saves a round trip: the query's callback fails
// the batch with Allow's ETooMany error past rate.Max. A transaction that rolls back rolls the
// count back too; its caller counts the use again with Allow.
func QueueUse(b *pgx.Batch, key string, rate Rate, now time.Time) {
	b.Queue(countSQL, key, now.Truncate(rate.Window)).QueryRow(func(row pgx.Row) error {
		if err := rate.check(key); err != nil {
			return err
		}
		var count int
		if err := row.Scan(&count); err != nil {
			return fmt.Errorf("rate limit %q: %w", key, err)
		}
		return rate.verdict(count, now)
	})
}

// countSQL counts one use of a key ($1) in the window that starts at $2 and returns the count.
const countSQL = `INSERT INTO rate_limits (key, window_start, count) VALUES ($1, $2, 1)
	ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1
	RETURNING count`

func (r Rate) check(key string) error {
	if r.Max < 1 || r.Window <= 0 {
		return fmt.Errorf("rate limit %q: bad rate %+v", key, r)
	}
	return nil
}

// verdict is nil for the count'th use in the window of now, or past Max the ETooMany error.
func (r Rate) verdict(count int, now time.Time) error {
	if count <= r.Max {
		return nil
	}
	wait := now.Truncate(r.Window).Add(r.Window).Sub(now)
	minutes := max(1, int(math.Ceil(wait.Minutes())))
	return &zhenxing.Error{
		Code:    zhenxing.ETooMany,
		Message: fmt.Sprintf("操作过于频繁，请 %d 分钟后再试。", minutes),
		Err:     &RateLimitError{RetryAfter: wait},
	}
}

// Purge deletes the counters of windows that started before before, and returns how many. It
// returns only internal errors.
func (l *Limiter) Purge(ctx context.Context, before time.Time) (int64, error) {
	tag, err := l.pool.Exec(ctx, `DELETE FROM rate_limits WHERE window_start < $1`, before)
	if err != nil {
		return 0, fmt.Errorf("purge rate limits: %w", err)
	}
	return tag.RowsAffected(), nil
}
