package catalog_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"zhenxing"
	"zhenxing/catalog"
	"zhenxing/internal/testdb"
)

var accountsNow = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

func mustStaffAccount(t *testing.T, store *catalog.Store, username, password string) *catalog.User {
	t.Helper()
	u, err := store.CreateUser(context.Background(), username, "测试员", password, catalog.RoleStaff)
	if err != nil {
		t.Fatalf("CreateUser(%q): %v", username, err)
	}
	return u
}

func wantAccountCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := zhenxing.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func TestCreateUser(t *testing.T) {
	store := catalog.NewStore(testdb.New(t))
	ctx := context.Background()
	u := mustStaffAccount(t, store, "Wang.Li", "correct horse battery")
	if u.ID == 0 || u.Role != catalog.RoleStaff || u.Name != "测试员" || u.Disabled {
		t.Fatalf("created user = %+v", u)
	}
	tests := []struct {
		name, username, password, role, code, message string
	}{
		{"short password", "zhang", "123456789", catalog.RoleStaff, zhenxing.EInvalid, "至少需要 10 个字符"},
		{"bad username", "张三", "correct horse battery", catalog.RoleStaff, zhenxing.EInvalid, "用户名"},
		{"bad role", "zhang", "correct horse battery", "admin", zhenxing.EInvalid, "账号类型"},
		{"taken, other case", "wang.li", "correct horse battery", catalog.RoleStaff, zhenxing.EConflict, "已被使用"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := store.CreateUser(ctx, tt.username, "", tt.password, tt.role)
			wantAccountCode(t, err, tt.code)
			if msg := zhenxing.ErrorMessage(err); !strings.Contains(msg, tt.message) {
				t.Errorf("message %q lacks %q", msg, tt.message)
			}
		})
	}
	var hash string
	if err := store.Pool().QueryRow(ctx, `SELECT password_hash FROM users WHERE id = $1`, u.ID).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(hash, "correct horse") {
		t.Errorf("stored hash %q is not an argon2id PHC string", hash)
	}
}

func TestAuthenticate(t *testing.T) {
	store := catalog.NewStore(testdb.New(t))
	ctx := context.Background()
	mustStaffAccount(t, store, "liu", "correct horse battery")

	u, err := store.Authenticate(ctx, "LIU", "correct horse battery", "10.0.0.1", accountsNow)
	if err != nil {
		t.Fatalf("right password: %v", err)
	}
	if u.Username != "liu" || u.LastLoginAt == nil || !u.LastLoginAt.Equal(accountsNow) {
		t.Errorf("user = %+v", u)
	}
	for _, tt := range []struct{ name, user, pass string }{
		{"wrong password", "liu", "wrong password!"},
		{"unknown user", "nobody", "correct horse battery"},
		{"empty", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := store.Authenticate(ctx, tt.user, tt.pass, "10.0.0.2", accountsNow)
			wantAccountCode(t, err, zhenxing.EUnauthorized)
			if zhenxing.ErrorMessage(err) != "用户名或密码错误。" {
				t.Errorf("message = %q", zhenxing.ErrorMessage(err))
			}
		})
	}
}

func TestAuthenticateLockoutPerAccount(t *testing.T) {
	store := catalog.NewStore(testdb.New(t))
	ctx := context.Background()
	mustStaffAccount(t, store, "zhao", "correct horse battery")
	now := accountsNow
	// Failures from different addresses: the account's counter alone locks it.
	for i := range catalog.AccountFreeFailures {
		_, err := store.Authenticate(ctx, "zhao", "wrong password!", "10.1.0."+string(rune('1'+i)), now)
		wantAccountCode(t, err, zhenxing.EUnauthorized)
	}
	_, err := store.Authenticate(ctx, "zhao", "correct horse battery", "10.9.9.9", now.Add(30*time.Second))
	wantAccountCode(t, err, zhenxing.ETooMany)
	var lock *catalog.LockoutError
	if !errors.As(err, &lock) || !lock.Until.Equal(now.Add(catalog.LockBase)) {
		t.Fatalf("lockout = %v, want until %v", lock, now.Add(catalog.LockBase))
	}
	// 10:00 UTC + 1 min is 18:01 in Beijing.
	if msg := zhenxing.ErrorMessage(err); !strings.Contains(msg, "2026年11月28日 18:01") {
		t.Errorf("message %q lacks the retry time", msg)
	}

	// After the lock the next failure locks for twice as long.
	later := now.Add(catalog.LockBase + time.Second)
	_, err = store.Authenticate(ctx, "zhao", "wrong again!!", "10.9.9.9", later)
	wantAccountCode(t, err, zhenxing.EUnauthorized)
	_, err = store.Authenticate(ctx, "zhao", "correct horse battery", "10.9.9.9", later.Add(time.Minute))
	if !errors.As(err, &lock) || !lock.Until.Equal(later.Add(2*catalog.LockBase)) {
		t.Fatalf("second lockout = %v, want until %v", err, later.Add(2*catalog.LockBase))
	}

	// Once the lock has passed the right password works and clears the counter.
	free := later.Add(2*catalog.LockBase + time.Second)
	if _, err := store.Authenticate(ctx, "zhao", "correct horse battery", "10.9.9.9", free); err != nil {
		t.Fatalf("after the lock: %v", err)
	}
	_, err = store.Authenticate(ctx, "zhao", "wrong password!", "10.9.9.9", free)
	wantAccountCode(t, err, zhenxing.EUnauthorized) // counting from zero again: not locked
	if _, err := store.Authenticate(ctx, "zhao", "correct horse battery", "10.9.9.9", free); err != nil {
		t.Fatalf("one failure after success locked the account: %v", err)
	}
}

func TestAuthenticateLockoutPerAddress(t *testing.T) {
	store := catalog.NewStore(testdb.New(t))
	ctx := context.Background()
	mustStaffAccount(t, store, "qian", "correct horse battery")
	// Spraying many accounts from one address locks the address, for every account.
	for i := range catalog.AddressFreeFailures {
		_, err := store.Authenticate(ctx, "user"+string(rune('a'+i)), "wrong password!", "192.0.2.7", accountsNow)
		wantAccountCode(t, err, zhenxing.EUnauthorized)
	}
	_, err := store.Authenticate(ctx, "qian", "correct horse battery", "192.0.2.7", accountsNow)
	wantAccountCode(t, err, zhenxing.ETooMany)
	if _, err := store.Authenticate(ctx, "qian", "correct horse battery", "192.0.2.8", accountsNow); err != nil {
		t.Fatalf("another address: %v", err)
	}
}

// Concurrent guesses are counted one after the other: no more than the allowed number of
// password checks happen before the lock.
func TestAuthenticateConcurrentGuesses(t *testing.T) {
	store := catalog.NewStore(testdb.New(t))
	ctx := context.Background()
	mustStaffAccount(t, store, "sun", "correct horse battery")
	const n = 12
	codes := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := store.Authenticate(ctx, "sun", "wrong password!", "", accountsNow)
			codes[i] = zhenxing.ErrorCode(err)
		}()
	}
	wg.Wait()
	count := map[string]int{}
	for _, c := range codes {
		count[c]++
	}
	if count[zhenxing.EUnauthorized] != catalog.AccountFreeFailures || count[zhenxing.ETooMany] != n-catalog.AccountFreeFailures {
		t.Fatalf("outcomes = %v, want %d unauthorized and %d locked", count, catalog.AccountFreeFailures, n-catalog.AccountFreeFailures)
	}
}

func TestAuthenticateDisabled(t *testing.T) {
	store := catalog.NewStore(testdb.New(t))
	ctx := context.Background()
	u := mustStaffAccount(t, store, "zhou", "correct horse battery")
	if _, err := store.Pool().Exec(ctx, `UPDATE users SET disabled = true WHERE id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	_, err := store.Authenticate(ctx, "zhou", "correct horse battery", "10.0.0.1", accountsNow)
	wantAccountCode(t, err, zhenxing.EForbidden)
}

func TestSessionLifecycle(t *testing.T) {
	store := catalog.NewStore(testdb.New(t))
	ctx := context.Background()
	u := mustStaffAccount(t, store, "wu", "correct horse battery")
	idle, maxAge := 30*time.Minute, 12*time.Hour

	anon, err := store.CreateSession(ctx, 0, accountsNow, idle)
	if err != nil {
		t.Fatal(err)
	}
	got, err := store.Session(ctx, anon.Token, accountsNow, idle)
	if err != nil || got.User != nil || got.CSRFToken != anon.CSRFToken {
		t.Fatalf("anonymous session = %+v, %v", got, err)
	}
	var stored int
	if err := store.Pool().QueryRow(ctx, `SELECT count(*) FROM sessions WHERE encode(id, 'escape') LIKE '%' || $1 || '%' OR csrf_token = $1`, anon.Token).Scan(&stored); err != nil || stored != 0 {
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
			if got.User == nil || got.User.ID != u.ID || !got.LastSeenAt.Equal(when) {
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

func TestSessionAbsoluteTimeout(t *testing.T) {
	store := catalog.NewStore(testdb.New(t))
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
	store := catalog.NewStore(testdb.New(t))
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
