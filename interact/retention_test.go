package interact_test

import (
	"context"
	"testing"
	"time"

	"zhenxing"
	"zhenxing/interact"
	"zhenxing/internal/testdb"
)

// Personal data goes RETENTION_YEARS after a case closes; the case stays for the statistics.
func TestRetention(t *testing.T) {
	ctx := context.Background()
	pool := testdb.New(t)
	clock := time.Date(2022, 6, 1, 10, 0, 0, 0, zhenxing.Beijing)
	store := interact.NewRequests(pool, nil, func() time.Time { return clock })
	old, err := store.Submit(ctx, citizen())
	if err != nil {
		t.Fatal(err)
	}
	recent, _ := store.Submit(ctx, citizen())
	open, _ := store.Submit(ctx, citizen())
	// Two cases closed, one in 2022 and one in 2025; the third is still open.
	closeAt := func(number string, at time.Time) {
		if _, err := pool.Exec(ctx, `UPDATE disclosure_requests SET state = 'answered', reply = '已答复', closed_at = $2
			WHERE number = $1`, number, at); err != nil {
			t.Fatal(err)
		}
	}
	closeAt(old.Number, time.Date(2022, 6, 20, 10, 0, 0, 0, zhenxing.Beijing))
	closeAt(recent.Number, time.Date(2025, 6, 20, 10, 0, 0, 0, zhenxing.Beijing))

	now := time.Date(2026, 1, 5, 3, 0, 0, 0, zhenxing.Beijing)
	n, err := interact.PurgeExpired(ctx, now, interact.DefaultRetentionYears, store)
	if err != nil || n != 1 {
		t.Fatalf("PurgeExpired = %d, %v; want 1", n, err)
	}
	for number, kept := range map[string]bool{old.Number: false, recent.Number: true, open.Number: true} {
		q, err := store.Find(ctx, number)
		if err != nil {
			t.Fatalf("%s: %v", number, err)
		}
		if (q.Applicant != nil) != kept {
			t.Errorf("%s: applicant kept = %v, want %v", number, q.Applicant != nil, kept)
		}
		if q.Description == "" {
			t.Errorf("%s: the request itself was deleted", number)
		}
	}
	// Again, as a second replica would: nothing more to clear.
	if n, err := interact.PurgeExpired(ctx, now, interact.DefaultRetentionYears, store); err != nil || n != 0 {
		t.Errorf("second run = %d, %v; want 0", n, err)
	}
}
