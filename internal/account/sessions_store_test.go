package account_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"zhenxing"
)

func TestSessionLifecycle(t *testing.T) {
	store, pool := mustStore(t)
	ctx := context.Background()
	u := mustStaffAccount(t, store, "wu", "correct horse battery")
	idle, maxAge := 30*time.Minute, 12*time.Hour

	anon, err := store.CreateSession(ctx, 0, accountsNow, idle)
	if err != nil {
		t.Fatal(err)
	}
	got, err := store.Session(ctx, anon.Token, accountsNow, idle)
	if err != nil || got.User != nil || got.Organization != nil || got.CSRFToken != anon.CSRFToken {
		t.Fatalf("anonymous session = %+v, %v", got, err)
	}
	_, err = got.BuyerOrganization()
	wantAccountCode(t, err, zhenxing.EForbidden)
	var stored int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM sessions WHERE encode(id, 'escape') LIKE '%' || $1 || '%' OR csrf_token = $1`, anon.Token).Scan(&stored); err != nil || stored != 0 {
		t.Fatalf("raw token stored in the database (%d rows, %v)", stored, err)
	}

	sess, err := store.RotateSession(ctx, anon.Token, u.ID, accountsNow, maxAge)
	if err != nil {
		t.Fatal(err)
	}
	if sess.Token == anon.Token || sess.CSRFToken == anon.CSRFToken {
		t.Fatal("rotation kept the token")
	}
	_, err = store.Session(ctx, anon.Token, accountsNow, idle)
	wantAccountCode(t, err, zhenxing.ENotFound)

	tests := []struct {
		name string
		at   time.Duration // since the previous successful read
		ok   bool
	}{
		{"fresh", time.Minute, true},
		{"just inside idle", idle - time.Second, true},
		{"again inside idle", idle - time.Second, true},
		{"idle too long", idle, false},
	}
	at := accountsNow
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			when := at.Add(tt.at)
			got, err := store.Session(ctx, sess.Token, when, idle)
			if !tt.ok {
				wantAccountCode(t, err, zhenxing.ENotFound)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.User == nil || got.User.ID != u.ID || !got.LastSeenAt.Equal(when) || got.Organization != nil {
				t.Fatalf("session = %+v", got)
			}
			at = when
		})
	}
	// Gone for good: even a read "in the past" does not bring it back.
	_, err = store.Session(ctx, sess.Token, accountsNow, idle)
	wantAccountCode(t, err, zhenxing.ENotFound)

	for _, bad := range []string{"", "short", strings.Repeat("A", 43) + "!"} {
		_, err = store.Session(ctx, bad, accountsNow, idle)
		wantAccountCode(t, err, zhenxing.ENotFound)
	}
}

// TestSessionTouchedEveryMinute: reads within a minute of the last mark leave it; the idle time
// counts from it.
func TestSessionTouchedEveryMinute(t *testing.T) {
	store, _ := mustStore(t)
	ctx := context.Background()
	u := mustStaffAccount(t, store, "wu", "correct horse battery")
	idle := 30 * time.Minute
	sess, err := store.CreateSession(ctx, u.ID, accountsNow, 12*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		at   time.Duration // since the session was created
		seen time.Duration // when it was last marked seen, since it was created
	}{{30 * time.Second, 0}, {59 * time.Second, 0}, {time.Minute, time.Minute}, {90 * time.Second, time.Minute}} {
		got, err := store.Session(ctx, sess.Token, accountsNow.Add(tt.at), idle)
		if err != nil || !got.LastSeenAt.Equal(accountsNow.Add(tt.seen)) {
			t.Fatalf("read at +%s: last seen %v, want +%s (%v)", tt.at, got, tt.seen, err)
		}
	}
	_, err = store.Session(ctx, sess.Token, accountsNow.Add(time.Minute+idle), idle)
	wantAccountCode(t, err, zhenxing.ENotFound)
}

// TestBuyerSession: a buyer's session comes with the organisation as it is now.
func TestBuyerSession(t *testing.T) {
	store, pool := mustStore(t)
	ctx := context.Background()
	org, admin := mustRegister(t, store, registration(t, "81610111MA6W00031", "13800138031", ""))
	sess, err := store.CreateSession(ctx, admin.ID, accountsNow, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	got, err := store.Session(ctx, sess.Token, accountsNow, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if o, err := got.BuyerOrganization(); err != nil || o.ID != org.ID || o.Name != "灞桥区纺织城街道总工会" || o.Approved() {
		t.Fatalf("organisation = %+v, %v", o, err)
	}
	if _, err := pool.Exec(ctx, `UPDATE organizations SET status = 'approved' WHERE id = $1`, org.ID); err != nil {
		t.Fatal(err)
	}
	if got, err = store.Session(ctx, sess.Token, accountsNow, time.Hour); err != nil || !got.Organization.Approved() {
		t.Fatalf("after approval: %+v, %v", got, err)
	}
}

func TestSessionAbsoluteTimeout(t *testing.T) {
	store, _ := mustStore(t)
	ctx := context.Background()
	u := mustStaffAccount(t, store, "zheng", "correct horse battery")
	idle, maxAge := 30*time.Minute, 2*time.Hour
	sess, err := store.RotateSession(ctx, "", u.ID, accountsNow, maxAge)
	if err != nil {
		t.Fatal(err)
	}
	// Active every 20 minutes: alive until the absolute end, then gone.
	at := accountsNow
	for at.Add(20 * time.Minute).Before(accountsNow.Add(maxAge)) {
		at = at.Add(20 * time.Minute)
		if _, err := store.Session(ctx, sess.Token, at, idle); err != nil {
			t.Fatalf("at %v: %v", at.Sub(accountsNow), err)
		}
	}
	_, err = store.Session(ctx, sess.Token, accountsNow.Add(maxAge), idle)
	wantAccountCode(t, err, zhenxing.ENotFound)
}

func TestDeleteSessionAndPurge(t *testing.T) {
	store, _ := mustStore(t)
	ctx := context.Background()
	u := mustStaffAccount(t, store, "feng", "correct horse battery")
	idle := 30 * time.Minute
	a, _ := store.RotateSession(ctx, "", u.ID, accountsNow, 12*time.Hour)
	b, _ := store.RotateSession(ctx, "", u.ID, accountsNow, 12*time.Hour)
	c, _ := store.RotateSession(ctx, "", u.ID, accountsNow.Add(time.Hour), 12*time.Hour)
	if err := store.DeleteSession(ctx, a.Token); err != nil {
		t.Fatal(err)
	}
	_, err := store.Session(ctx, a.Token, accountsNow, idle)
	wantAccountCode(t, err, zhenxing.ENotFound)
	if err := store.DeleteSession(ctx, "not a token"); err != nil {
		t.Errorf("unknown token: %v", err)
	}

	n, err := store.PurgeExpired(ctx, accountsNow.Add(time.Hour), idle)
	if err != nil || n != 1 {
		t.Fatalf("purged %d (%v), want 1 (b, idle)", n, err)
	}
	if _, err := store.Session(ctx, c.Token, accountsNow.Add(time.Hour), idle); err != nil {
		t.Errorf("purge removed a live session: %v", err)
	}
	_ = b
}
