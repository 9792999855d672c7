package account_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"zhenxing"
	"zhenxing/internal/account"
)

func TestAuthenticate(t *testing.T) {
	store, _ := mustStore(t)
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
	store, _ := mustStore(t)
	ctx := context.Background()
	mustStaffAccount(t, store, "zhao", "correct horse battery")
	now := accountsNow
	// Failures from different addresses: the account's counter alone locks it.
	for i := range account.AccountFreeFailures {
		_, err := store.Authenticate(ctx, "zhao", "wrong password!", "10.1.0."+string(rune('1'+i)), now)
		wantAccountCode(t, err, zhenxing.EUnauthorized)
	}
	_, err := store.Authenticate(ctx, "zhao", "correct horse battery", "10.9.9.9", now.Add(30*time.Second))
	wantAccountCode(t, err, zhenxing.ETooMany)
	var lock *account.LockoutError
	if !errors.As(err, &lock) || !lock.Until.Equal(now.Add(account.LockBase)) {
		t.Fatalf("lockout = %v, want until %v", lock, now.Add(account.LockBase))
	}
	// 10:00 UTC + 1 min is 18:01 in Beijing.
	if msg := zhenxing.ErrorMessage(err); !strings.Contains(msg, "2026年11月28日 18:01") {
		t.Errorf("message %q lacks the retry time", msg)
	}

	// After the lock the next failure locks for twice as long.
	later := now.Add(account.LockBase + time.Second)
	_, err = store.Authenticate(ctx, "zhao", "wrong again!!", "10.9.9.9", later)
	wantAccountCode(t, err, zhenxing.EUnauthorized)
	_, err = store.Authenticate(ctx, "zhao", "correct horse battery", "10.9.9.9", later.Add(time.Minute))
	if !errors.As(err, &lock) || !lock.Until.Equal(later.Add(2*account.LockBase)) {
		t.Fatalf("second lockout = %v, want until %v", err, later.Add(2*account.LockBase))
	}

	// Once the lock has passed the right password works and clears the counter.
	free := later.Add(2*account.LockBase + time.Second)
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
	store, _ := mustStore(t)
	ctx := context.Background()
	mustStaffAccount(t, store, "qian", "correct horse battery")
	// Spraying many accounts from one address locks the address, for every account.
	for i := range account.AddressFreeFailures {
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
	store, _ := mustStore(t)
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
	if count[zhenxing.EUnauthorized] != account.AccountFreeFailures || count[zhenxing.ETooMany] != n-account.AccountFreeFailures {
		t.Fatalf("outcomes = %v, want %d unauthorized and %d locked", count, account.AccountFreeFailures, n-account.AccountFreeFailures)
	}
}

func TestAuthenticateDisabled(t *testing.T) {
	store, pool := mustStore(t)
	ctx := context.Background()
	u := mustStaffAccount(t, store, "zhou", "correct horse battery")
	if _, err := pool.Exec(ctx, `UPDATE users SET disabled = true WHERE id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	_, err := store.Authenticate(ctx, "zhou", "correct horse battery", "10.0.0.1", accountsNow)
	wantAccountCode(t, err, zhenxing.EForbidden)
}

// The retry time in the lockout message is rounded up to the minute: trying again at the time
// shown always works, while a moment before the lock ends is still refused.
func TestLockoutTimeRoundsUp(t *testing.T) {
	store, _ := mustStore(t)
	ctx := context.Background()
	tests := []struct {
		name  string
		start time.Time // of the failures; the lock ends LockBase later
		shown string    // the retry time in the message, Beijing time
	}{
		{"on the minute", accountsNow, "2026年11月28日 18:01"},
		{"a microsecond past", accountsNow.Add(time.Microsecond), "2026年11月28日 18:02"},
		{"half a minute past", accountsNow.Add(30 * time.Second), "2026年11月28日 18:02"},
		{"just before the next minute", accountsNow.Add(59*time.Second + 999*time.Millisecond), "2026年11月28日 18:02"},
		{"across the hour", accountsNow.Add(58*time.Minute + 1*time.Second), "2026年11月28日 19:00"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			username := "round" + string(rune('a'+i))
			mustStaffAccount(t, store, username, "correct horse battery")
			for range account.AccountFreeFailures {
				_, err := store.Authenticate(ctx, username, "wrong password!", "", tt.start)
				wantAccountCode(t, err, zhenxing.EUnauthorized)
			}
			until := tt.start.Add(account.LockBase)
			_, err := store.Authenticate(ctx, username, "correct horse battery", "", until.Add(-time.Microsecond))
			wantAccountCode(t, err, zhenxing.ETooMany)
			msg := zhenxing.ErrorMessage(err)
			if !strings.Contains(msg, "请于 "+tt.shown+" 之后再试") {
				t.Fatalf("message %q, want the retry time %s", msg, tt.shown)
			}
			shown, err := time.ParseInLocation("2006年1月2日 15:04", tt.shown, zhenxing.Beijing)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := store.Authenticate(ctx, username, "correct horse battery", "", shown); err != nil {
				t.Errorf("retry at the time shown (%v): %v", shown, err)
			}
		})
	}
}

func TestChangePassword(t *testing.T) {
	store, pool := mustStore(t)
	ctx := context.Background()
	const old, next = "correct horse battery", "a brand new secret"
	u, err := store.CreateUser(ctx, account.NewUser{Username: "chen", Password: old, Kind: account.KindStaff,
		Roles: []account.Role{account.RoleOpen}, MustChangePassword: true})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := store.RotateSession(ctx, "", u.ID, accountsNow, time.Hour)
	b, _ := store.RotateSession(ctx, "", u.ID, accountsNow, time.Hour)

	tests := []struct {
		name, current, next, code, message string
	}{
		{"too short", old, "short", zhenxing.EInvalid, "至少需要 10 个字符"},
		{"same as before", old, old, zhenxing.EInvalid, "不能与当前密码相同"},
		{"wrong current", "not the password", next, zhenxing.EUnauthorized, "当前密码不正确"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := store.ChangePassword(ctx, u.ID, tt.current, tt.next, "10.0.0.1", accountsNow)
			wantAccountCode(t, err, tt.code)
			if msg := zhenxing.ErrorMessage(err); !strings.Contains(msg, tt.message) {
				t.Errorf("message %q lacks %q", msg, tt.message)
			}
		})
	}
	if _, err := store.Session(ctx, a.Token, accountsNow, time.Hour); err != nil {
		t.Fatalf("a refused change ended the sessions: %v", err)
	}

	if err := store.ChangePassword(ctx, u.ID, old, next, "10.0.0.1", accountsNow); err != nil {
		t.Fatal(err)
	}
	after, err := store.Authenticate(ctx, "chen", next, "", accountsNow)
	if err != nil || after.MustChangePassword {
		t.Fatalf("login with the new password: %+v, %v", after, err)
	}
	_, err = store.Authenticate(ctx, "chen", old, "", accountsNow)
	wantAccountCode(t, err, zhenxing.EUnauthorized)
	for _, s := range []*account.Session{a, b} {
		_, err := store.Session(ctx, s.Token, accountsNow, time.Hour)
		wantAccountCode(t, err, zhenxing.ENotFound)
	}

	err = store.ChangePassword(ctx, u.ID+100, next, "another new secret", "", accountsNow)
	wantAccountCode(t, err, zhenxing.ENotFound)
	if _, err := pool.Exec(ctx, `UPDATE users SET disabled = true WHERE id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	err = store.ChangePassword(ctx, u.ID, next, "another new secret", "", accountsNow)
	wantAccountCode(t, err, zhenxing.ENotFound)
}

// Guessing the current password on the change form counts against the account like a login.
func TestChangePasswordThrottled(t *testing.T) {
	store, _ := mustStore(t)
	ctx := context.Background()
	u := mustStaffAccount(t, store, "yang", "correct horse battery")
	for range account.AccountFreeFailures {
		err := store.ChangePassword(ctx, u.ID, "a wrong guess", "a brand new secret", "", accountsNow)
		wantAccountCode(t, err, zhenxing.EUnauthorized)
	}
	err := store.ChangePassword(ctx, u.ID, "correct horse battery", "a brand new secret", "", accountsNow)
	wantAccountCode(t, err, zhenxing.ETooMany)
	var lock *account.LockoutError
	if !errors.As(err, &lock) {
		t.Errorf("no lockout cause in %v", err)
	}
	_, err = store.Authenticate(ctx, "yang", "correct horse battery", "", accountsNow)
	wantAccountCode(t, err, zhenxing.ETooMany)
}
