package site

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgxpool"
)

// healthz answers while the process is alive.
func (s *Server) healthz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString("ok")
}

// readyz answers 200 when the server should get traffic, and 503 from the moment it begins to
// shut down (Drain) or while the database does not answer.
func (s *Server) readyz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if s.draining() {
		return c.Status(fiber.StatusServiceUnavailable).SendString("正在停止服务")
	}
	if s.deps.DB != nil {
		ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
		defer cancel()
		if err := s.deps.DB.Ping(ctx); err != nil {
			s.outage.failed(err)
			return c.Status(fiber.StatusServiceUnavailable).SendString("数据库不可用")
		}
	}
	return c.SendString("ok")
}

// databaseOutage follows the database while it cannot be reached, so that an outage is two WARN
// lines in the log instead of a line per request: the first failure logs the error and starts
// one goroutine that pings the database every recheck; once it answers, a second line gives how
// long the outage lasted and how many answers were 503 because of it. Failures in between only
// add to the count. It is safe for concurrent use.
type databaseOutage struct {
	log     *slog.Logger
	db      *pgxpool.Pool   // nil: nothing to ping, the first outage is never seen to end
	stop    <-chan struct{} // closed when the server shuts down; the watcher then logs and ends
	recheck time.Duration

	mu    sync.Mutex
	down  bool
	since time.Time
	count int // 503 answers since the outage began
}

func newDatabaseOutage(log *slog.Logger, db *pgxpool.Pool, stop <-chan struct{}) *databaseOutage {
	return &databaseOutage{log: log, db: db, stop: stop, recheck: time.Second}
}

// failed counts one answer that failed because the database cannot be reached, err being why.
func (o *databaseOutage) failed(err error) { o.note(err, 1) }

// seen notes that the database cannot be reached, err being why, for a page that answered
// without what it needed the database for (the home page without its products in season).
func (o *databaseOutage) seen(err error) { o.note(err, 0) }

func (o *databaseOutage) note(err error, answered503 int) {
	o.mu.Lock()
	o.count += answered503
	if o.down {
		o.mu.Unlock()
		return
	}
	o.down, o.since, o.count = true, time.Now(), answered503
	o.mu.Unlock()
	o.log.Warn("database unavailable: answering 503 until it answers again", "err", err)
	if o.db != nil {
		go o.watch()
	}
}

// watch pings the database until it answers or the server shuts down, then ends the outage.
func (o *databaseOutage) watch() {
	tick := time.NewTicker(o.recheck)
	defer tick.Stop()
	for {
		select {
		case <-o.stop:
			o.mu.Lock()
			n, took := o.count, time.Since(o.since)
			o.mu.Unlock()
			o.log.Warn("database still unavailable at shutdown", "answered_503", n, "outage", took.Round(time.Millisecond))
			return
		case <-tick.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		err := o.db.Ping(ctx)
		cancel()
		if err == nil {
			break
		}
	}
	o.mu.Lock()
	n, took := o.count, time.Since(o.since)
	o.down, o.count = false, 0
	o.mu.Unlock()
	o.log.Warn("database available again", "answered_503", n, "outage", took.Round(time.Millisecond))
}
