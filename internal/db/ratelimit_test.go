package db_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"zhenxing"
	"zhenxing/internal/db"
	"zhenxing/internal/testdb"
)

func TestLimiter(t *testing.T) {
	pool := testdb.New(t)
	ctx := context.Background()
	lim := db.NewLimiter(pool)
	rate := db.Rate{Max: 3, Window: time.Hour}
	now := time.Date(2026, 11, 28, 10, 20, 0, 0, time.UTC)

	for i := range rate.Max {
		if err := lim.Allow(ctx, "register:10.0.0.1", rate, now); err != nil {
			t.Fatalf("use %d: %v", i+1, err)
		}
	}
	err := lim.Allow(ctx, "register:10.0.0.1", rate, now.Add(time.Minute))
	if zhenxing.ErrorCode(err) != zhenxing.ETooMany {
		t.Fatalf("use past the limit = %v, want ETooMany", err)
	}
	var rl *db.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != 39*time.Minute || rl.Seconds() != 39*60 {
		t.Fatalf("cause = %v, want retry after 39m", rl)
	}
	if msg := zhenxing.ErrorMessage(err); msg != "操作过于频繁，请 39 分钟后再试。" {
		t.Errorf("message = %q", msg)
	}
	// Another key, and the same key in the next window, are not limited.
	if err := lim.Allow(ctx, "register:10.0.0.2", rate, now); err != nil {
		t.Errorf("other key: %v", err)
	}
	if err := lim.Allow(ctx, "register:10.0.0.1", rate, now.Add(40*time.Minute)); err != nil {
		t.Errorf("next window: %v", err)
	}
	if n, err := lim.Purge(ctx, now.Add(40*time.Minute)); err != nil || n != 2 {
		t.Errorf("Purge = %d, %v; want the two counters of the first window", n, err)
	}
	if err := lim.Allow(ctx, "x", db.Rate{}, now); err == nil || zhenxing.ErrorCode(err) != zhenxing.EInternal {
		t.Errorf("zero rate = %v, want an internal error", err)
	}
}

// Concurrent uses, as from several replicas, are counted one by one: exactly Max pass.
func TestLimiterConcurrent(t *testing.T) {
	pool := testdb.New(t)
	lim := db.NewLimiter(pool)
	rate := db.Rate{Max: 5, Window: time.Hour}
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	var mu sync.Mutex
	passed, refused := 0, 0
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := lim.Allow(context.Background(), "invite:10.0.0.9", rate, now)
			mu.Lock()
			defer mu.Unlock()
			switch zhenxing.ErrorCode(err) {
			case "":
				passed++
			case zhenxing.ETooMany:
				refused++
			default:
				t.Errorf("Allow: %v", err)
			}
		}()
	}
	wg.Wait()
	if passed != rate.Max || refused != 20-rate.Max {
		t.Fatalf("passed %d, refused %d; want %d and %d", passed, refused, rate.Max, 20-rate.Max)
	}
}
