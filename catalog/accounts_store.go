package catalog

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"zhenxing/internal/db"

	"github.com/alexedwards/argon2id"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"zhenxing"
)

// Account roles. Only staff may enter the back office; buyers (union purchasers) come with the
// next issue.
const (
	RoleStaff = "staff"
	RoleBuyer = "buyer"
)

// MinPasswordLength is the shortest password CreateUser accepts, in characters.
const MinPasswordLength = 10

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

// User is an account: a staff member or (next issue) a buyer of a union.
type User struct {
	ID             int64      `db:"id"`
	Username       string     `db:"username"`
	Name           string     `db:"display_name"`
	Role           string     `db:"role"`
	OrganizationID *int64     `db:"organization_id"`
	Disabled       bool       `db:"disabled"`
	CreatedAt      time.Time  `db:"created_at"`
	LastLoginAt    *time.Time `db:"last_login_at"`
}

// IsStaff reports whether the account may use the back office.
func (u *User) IsStaff() bool { return u != nil && u.Role == RoleStaff && !u.Disabled }

// Actor is the user as the author of audited changes.
func (u *User) Actor() db.Actor {
	name := u.Name
	if name == "" {
		name = u.Username
	}
	return db.Actor{ID: u.ID, Name: name}
}

// LockoutError is the cause inside the ETooMany error of Authenticate: when to try again.
type LockoutError struct {
	Until time.Time
}

func (e *LockoutError) Error() string { return "login locked until " + e.Until.Format(time.RFC3339) }

// passwordParams are the argon2id parameters of new hashes: OWASP's baseline (19 MiB, two
// passes, one lane), which keeps a burst of logins on many accounts from exhausting memory.
// Existing hashes carry their own parameters in the PHC string, so these can be raised later.
var passwordParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// dummyHash is compared against when the account does not exist, so that the answer takes about
// as long as for a wrong password.
var dummyHash = sync.OnceValue(func() string {
	h, err := argon2id.CreateHash("zhenxing-no-such-account", passwordParams)
	if err != nil {
		panic(err) // only fails when the system has no random source
	}
	return h
})

var usernamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{1,31}$`)

// ValidatePassword returns an EInvalid error with a Chinese message when password is too short.
func ValidatePassword(password string) error {
	if utf8.RuneCountInString(password) < MinPasswordLength {
		return zhenxing.Errorf(zhenxing.EInvalid, "密码至少需要 %d 个字符。", MinPasswordLength)
	}
	if len(password) > 1024 {
		return zhenxing.Errorf(zhenxing.EInvalid, "密码过长，请不要超过 1024 个字符。")
	}
	return nil
}

// CreateUser creates an account with an argon2id hash of password. It returns EInvalid for a
// bad username, role or password, and EConflict when the username (compared case-insensitively)
// is taken.
func (s *Store) CreateUser(ctx context.Context, username, name, password, role string) (*User, error) {
	username = strings.TrimSpace(username)
	name = strings.TrimSpace(name)
	if !usernamePattern.MatchString(username) {
		return nil, zhenxing.Errorf(zhenxing.EInvalid, "用户名应为 2 至 32 位字母、数字、点、下划线或连字符，并以字母或数字开头。")
	}
	if role != RoleStaff && role != RoleBuyer {
		return nil, zhenxing.Errorf(zhenxing.EInvalid, "账号类型应为工作人员或采购人员。")
	}
	if utf8.RuneCountInString(name) > 64 {
		return nil, zhenxing.Errorf(zhenxing.EInvalid, "显示名称请不要超过 64 个字符。")
	}
	if err := ValidatePassword(password); err != nil {
		return nil, err
	}
	hash, err := argon2id.CreateHash(password, passwordParams)
	if err != nil {
		return nil, fmt.Errorf("hash password: %w", err)
	}
	rows, err := s.pool.Query(ctx, `INSERT INTO users (username, display_name, password_hash, role)
		VALUES ($1, $2, $3, $4)
		RETURNING id, username, display_name, role, organization_id, disabled, created_at, last_login_at`,
		username, name, hash, role)
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	u, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[User])
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return nil, zhenxing.Errorf(zhenxing.EConflict, "用户名“%s”已被使用。", username)
	}
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	return &u, nil
}

// User returns the account with the id, or ENotFound.
func (s *Store) User(ctx context.Context, id int64) (*User, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, username, display_name, role, organization_id, disabled, created_at, last_login_at
		FROM users WHERE id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("load user %d: %w", id, err)
	}
	u, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[User])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, zhenxing.Errorf(zhenxing.ENotFound, "账号不存在。")
	}
	if err != nil {
		return nil, fmt.Errorf("load user %d: %w", id, err)
	}
	return &u, nil
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

// Authenticate checks a login attempt at time now from the client address ip. It returns the
// account on success; EUnauthorized ("用户名或密码错误") for an unknown user or a wrong password,
// counting the failure against the account and the address; ETooMany, with a *LockoutError
// cause and the retry time in the message, while either is locked (even with the right
// password); EForbidden for a disabled account. The attempt holds the throttle rows locked, so
// concurrent attempts on one account or address are counted one after the other.
func (s *Store) Authenticate(ctx context.Context, username, password, ip string, now time.Time) (*User, error) {
	username = strings.TrimSpace(username)
	keys := []throttleKey{{"user", strings.ToLower(username), AccountFreeFailures}}
	if ip != "" {
		keys = append(keys, throttleKey{"ip", ip, AddressFreeFailures})
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	defer tx.Rollback(ctx)

	// Lock the rows in a fixed order (account, then address), creating them when new.
	states := make([]throttleState, len(keys))
	var lockedUntil time.Time
	for i, k := range keys {
		rows, err := tx.Query(ctx, `INSERT INTO login_throttle (kind, key) VALUES ($1, $2)
			ON CONFLICT (kind, key) DO UPDATE SET kind = EXCLUDED.kind
			RETURNING failures, last_failure_at, locked_until`, k.kind, k.key)
		if err != nil {
			return nil, fmt.Errorf("throttle %s: %w", k.kind, err)
		}
		if states[i], err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[throttleState]); err != nil {
			return nil, fmt.Errorf("throttle %s: %w", k.kind, err)
		}
		if lu := states[i].LockedUntil; lu != nil && lu.After(now) && lu.After(lockedUntil) {
			lockedUntil = *lu
		}
	}
	if !lockedUntil.IsZero() {
		if err := tx.Commit(ctx); err != nil {
			return nil, fmt.Errorf("authenticate: %w", err)
		}
		return nil, lockout(lockedUntil)
	}

	rows, err := tx.Query(ctx, `SELECT id, username, display_name, role, organization_id, disabled, created_at, last_login_at, password_hash
		FROM users WHERE lower(username) = lower($1)`, username)
	if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	found, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[userWithHash])
	exists := err == nil
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	hash := dummyHash()
	if exists {
		hash = found.PasswordHash
	}
	match, err := argon2id.ComparePasswordAndHash(password, hash)
	if err != nil {
		return nil, fmt.Errorf("authenticate %q: %w", username, err)
	}
	if !exists || !match || username == "" {
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
				return nil, fmt.Errorf("count failure: %w", err)
			}
		}
		if err := tx.Commit(ctx); err != nil {
			return nil, fmt.Errorf("authenticate: %w", err)
		}
		return nil, zhenxing.Errorf(zhenxing.EUnauthorized, "用户名或密码错误。")
	}
	if found.Disabled {
		if err := tx.Commit(ctx); err != nil {
			return nil, fmt.Errorf("authenticate: %w", err)
		}
		return nil, zhenxing.Errorf(zhenxing.EForbidden, "该账号已停用，请联系管理员。")
	}
	if _, err := tx.Exec(ctx, `DELETE FROM login_throttle WHERE kind = 'user' AND key = $1`, keys[0].key); err != nil {
		return nil, fmt.Errorf("clear throttle: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE users SET last_login_at = $2 WHERE id = $1`, found.ID, now); err != nil {
		return nil, fmt.Errorf("record login: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	u := found.User
	u.LastLoginAt = &now
	return &u, nil
}

// lockout is the ETooMany error telling when to try again, in Beijing time.
func lockout(until time.Time) error {
	beijing := time.FixedZone("CST", 8*60*60) // China keeps no daylight saving time
	return &zhenxing.Error{
		Code:    zhenxing.ETooMany,
		Message: fmt.Sprintf("登录失败次数过多，已暂时锁定。请于 %s 之后再试。", until.In(beijing).Format("2006年1月2日 15:04")),
		Err:     &LockoutError{Until: until},
	}
}
