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

// The contact of an error report goes once it has been closed long enough.
func TestFeedbackRetention(t *testing.T) {
	ctx := context.Background()
	pool := testdb.New(t)
	clock := time.Date(2022, 6, 1, 10, 0, 0, 0, zhenxing.Beijing)
	store := interact.NewFeedback(pool, func() time.Time { return clock })
	if err := store.Report(ctx, "/open/", "栏目页的日期显示错误。", "13900000000"); err != nil {
		t.Fatal(err)
	}
	if err := store.Report(ctx, "https://evil.example/", "x", ""); zhenxing.ErrorCode(err) != zhenxing.EInvalid {
		t.Errorf("another site's page: %v", err)
	}
	list, _ := store.List(ctx, 10)
	if err := store.Handle(ctx, staff, list[0].ID, "fixed", "已修正。"); err != nil {
		t.Fatal(err)
	}
	n, err := interact.PurgeExpired(ctx, time.Date(2026, 1, 5, 0, 0, 0, 0, zhenxing.Beijing), 3, store)
	if err != nil || n != 1 {
		t.Fatalf("PurgeExpired = %d, %v", n, err)
	}
	list, _ = store.List(ctx, 10)
	if list[0].Contact != nil || list[0].Body == "" || list[0].State != "fixed" {
		t.Errorf("after retention: %+v", list[0])
	}
}
