package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/jackc/pgx/v5"

	"zhenxing"
	"zhenxing/internal/db"
)

// The login throttle. A key (an account or a client address) may fail this many times within
// FailureWindow; the failure that reaches the limit and every further one locks the key for
// LockBase, then twice as long each time, at most LockMax. A success clears the account's
// counter; the address's counter only ages out, so one good account cannot reset it.
const (
	AccountFreeFailures = 5
	AddressFreeFailures = 20
	LockBase            = time.Minute
	LockMax             = time.Hour
	FailureWindow       = time.Hour
)

// LockoutError is the cause inside the ETooMany error of Authenticate and ChangePassword: when
// to try again.
type LockoutError struct {
	Until time.Time
}

func (e *LockoutError) Error() string { return "login locked until " + e.Until.Format(time.RFC3339) }

// lockout is the ETooMany error telling when to try again, in Beijing time. The time shown is
// rounded up to the minute, so that trying again at the time shown is never refused.
func lockout(until time.Time) error {
	shown := until.Truncate(time.Minute)
	if shown.Before(until) {
		shown = shown.Add(time.Minute)
	}
	return &zhenxing.Error{
		Code:    zhenxing.ETooMany,
		Message: fmt.Sprintf("登录失败次数过多，已暂时锁定。请于 %s 之后再试。", shown.In(zhenxing.Beijing).Format("2006年1月2日 15:04")),
		Err:     &LockoutError{Until: until},
	}
}

// userWithHash is a user row with its password hash, read only to check a password.
type userWithHash struct {
	User
	PasswordHash string `db:"password_hash"`
}

// throttleKey is one row of login_throttle.
type throttleKey struct {
	kind, key string
	free      int
}

// throttleState is a throttle row as read at the start of an attempt.
type throttleState struct {
	Failures      int        `db:"failures"`
	LastFailureAt *time.Time `db:"last_failure_at"`
	LockedUntil   *time.Time `db:"locked_until"`
}

// verifyPassword checks the password of username inside tx, under the login throttle of the
// account and of the address ip ("" for none). It returns the account and true when the password
// matches (clearing the account's failures); nil and false for an unknown user or a wrong
// password, after counting the failure in tx (which the caller must commit); and the ETooMany
// lockout error while the account or the address is locked, whatever the password. The throttle
// rows stay locked until tx ends, so concurrent attempts are counted one after the other.
func verifyPassword(ctx context.Context, tx pgx.Tx, username, password, ip string, now time.Time) (*userWithHash, bool, error) {
	keys := []throttleKey{{"user", strings.ToLower(username), AccountFreeFailures}}
	if ip != "" {
		keys = append(keys, throttleKey{"ip", ip, AddressFreeFailures})
	}
	// Lock the rows in a fixed order (account, then address), creating them when new.
	states := make([]throttleState, len(keys))
	var lockedUntil time.Time
	for i, k := range keys {
		rows, err := tx.Query(ctx, `INSERT INTO login_throttle (kind, key) VALUES ($1, $2)
			ON CONFLICT (kind, key) DO UPDATE SET kind = EXCLUDED.kind
			RETURNING failures, last_failure_at, locked_until`, k.kind, k.key)
		if err != nil {
			return nil, false, fmt.Errorf("throttle %s: %w", k.kind, err)
		}
		if states[i], err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[throttleState]); err != nil {
			return nil, false, fmt.Errorf("throttle %s: %w", k.kind, err)
		}
		if lu := states[i].LockedUntil; lu != nil && lu.After(now) && lu.After(lockedUntil) {
			lockedUntil = *lu
		}
	}
	if !lockedUntil.IsZero() {
		return nil, false, lockout(lockedUntil)
	}

	// A buyer may log in with the phone or the e-mail of the account as well; a username that
	// happens to equal another account's phone wins.
	rows, err := tx.Query(ctx, `SELECT `+userColumns+`, password_hash FROM users
		WHERE lower(username) = lower($1) OR (kind = 'buyer' AND (phone = $1 OR lower(email) = lower($1)))
		ORDER BY lower(username) = lower($1) DESC LIMIT 1`, username)
	if err != nil {
		return nil, false, fmt.Errorf("load user %q: %w", username, err)
	}
	found, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[userWithHash])
	exists := err == nil
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, false, fmt.Errorf("load user %q: %w", username, err)
	}
	hash := dummyHash()
	if exists {
		hash = found.PasswordHash
	}
	match, err := argon2id.ComparePasswordAndHash(password, hash)
	if err != nil {
		return nil, false, fmt.Errorf("check password of %q: %w", username, err)
	}
	if exists && match && username != "" {
		if _, err := tx.Exec(ctx, `DELETE FROM login_throttle WHERE kind = 'user' AND key = $1`, keys[0].key); err != nil {
			return nil, false, fmt.Errorf("clear throttle: %w", err)
		}
		return &found, true, nil
	}
	for i, k := range keys {
		st := states[i]
		failures := st.Failures
		if st.LastFailureAt == nil || now.Sub(*st.LastFailureAt) > FailureWindow {
			failures = 0
		}
		failures++
		var until *time.Time
		if failures >= k.free {
			d := LockBase << min(failures-k.free, 20)
			if d > LockMax || d <= 0 {
				d = LockMax
			}
			t := now.Add(d)
			until = &t
		}
		if _, err := tx.Exec(ctx, `UPDATE login_throttle SET failures = $3, last_failure_at = $4, locked_until = $5
			WHERE kind = $1 AND key = $2`, k.kind, k.key, failures, now, until); err != nil {
			return nil, false, fmt.Errorf("count failure: %w", err)
		}
	}
	return nil, false, nil
}

// Authenticate checks a login attempt at time now from the client address ip ("" for none):
// username is a username, or for a buyer the phone or the e-mail of the account. It
// returns the account on success, recording the login; EUnauthorized ("用户名或密码错误") for an
// unknown user or a wrong password, counting the failure against the account and the address;
// ETooMany, with a *LockoutError cause and the retry time in the message, while either is locked
// (even with the right password); EForbidden for a disabled account.
func (s *Store) Authenticate(ctx context.Context, username, password, ip string, now time.Time) (*User, error) {
	username = strings.TrimSpace(username)
	if phone := normalizePhone(username); mobilePattern.MatchString(phone) {
		username = phone // a mobile number as typed, with spaces or +86, is the same account
	}
	var u *User
	var refused error
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		found, ok, err := verifyPassword(ctx, tx, username, password, ip, now)
		switch {
		case err != nil:
			return err
		case !ok:
			refused = zhenxing.Errorf(zhenxing.EUnauthorized, "用户名或密码错误。")
			return nil // commit the counted failure
		case found.Disabled:
			refused = zhenxing.Errorf(zhenxing.EForbidden, "该账号已停用，请联系管理员。")
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET last_login_at = $2 WHERE id = $1`, found.ID, now); err != nil {
			return fmt.Errorf("record login: %w", err)
		}
		u = &found.User
		u.LastLoginAt = &now
		return nil
	})
	if err != nil {
		return nil, err
	}
	if refused != nil {
		return nil, refused
	}
	return u, nil
}

// ChangePassword replaces the password of the account userID by next once current is checked
// under the login throttle (as a login from ip at now), clears the account's must-change mark and
// ends every session of the account. It returns EInvalid when next is too short or too long or
// the same as current; EUnauthorized ("当前密码不正确") for a wrong current password, counting the
// failure; ETooMany with a *LockoutError cause while the account or the address is locked;
// ENotFound for an account that does not exist or is disabled.
func (s *Store) ChangePassword(ctx context.Context, userID int64, current, next, ip string, now time.Time) error {
	if err := ValidatePassword(next); err != nil {
		return err
	}
	if next == current {
		return zhenxing.Errorf(zhenxing.EInvalid, "新密码不能与当前密码相同。")
	}
	u, err := s.User(ctx, userID)
	if err != nil {
		return err
	}
	if u.Disabled {
		return zhenxing.Errorf(zhenxing.ENotFound, "账号不存在。")
	}
	hash, err := hashPassword(next)
	if err != nil {
		return err
	}
	var refused error
	err = db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		_, ok, err := verifyPassword(ctx, tx, u.Username, current, ip, now)
		if err != nil {
			return err
		}
		if !ok {
			refused = zhenxing.Errorf(zhenxing.EUnauthorized, "当前密码不正确。")
			return nil // commit the counted failure
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = $2, must_change_password = false WHERE id = $1`, userID, hash); err != nil {
			return fmt.Errorf("change password: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return refused
}
