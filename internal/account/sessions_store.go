package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"zhenxing"
	"zhenxing/internal/db"
)

// Session is a server-side session. The database knows it only by the SHA-256 of its token; the
// token itself is in the client's cookie.
type Session struct {
	Token  string // the raw token; set only by CreateSession and RotateSession
	UserID *int64 // nil for an anonymous session (the login form's CSRF token)
	User   *User  // the account, loaded by Session; nil when anonymous
	// Organization is the buyer's organisation, loaded by Session with the user; nil for a staff
	// account and when anonymous.
	Organization *Organization
	CSRFToken    string
	CreatedAt    time.Time
	LastSeenAt   time.Time
	ExpiresAt    time.Time // absolute end, whatever the activity
}

// errNoSession is what a missing, expired or malformed session token gives.
func errNoSession() error {
	return zhenxing.Errorf(zhenxing.ENotFound, "登录已过期，请重新登录。")
}

// randomToken returns 32 random bytes in URL-safe base64.
func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// sessionID is the key a token is stored under; ok is false for a string that no token of ours
// can be.
func sessionID(token string) (id []byte, ok bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != 32 {
		return nil, false
	}
	sum := sha256.Sum256([]byte(token))
	return sum[:], true
}

// CreateSession starts a session at now that ends at now+lifetime at the latest. userID 0 makes
// an anonymous session. It returns only internal errors.
func (s *Store) CreateSession(ctx context.Context, userID int64, now time.Time, lifetime time.Duration) (*Session, error) {
	return insertSession(ctx, s.pool, userID, now, lifetime)
}

// insertSession makes a session with fresh random tokens through q.
func insertSession(ctx context.Context, q querier, userID int64, now time.Time, lifetime time.Duration) (*Session, error) {
	token, err := randomToken()
	if err != nil {
		return nil, err
	}
	csrf, err := randomToken()
	if err != nil {
		return nil, err
	}
	id, _ := sessionID(token)
	var uid *int64
	if userID != 0 {
		uid = &userID
	}
	sess := &Session{Token: token, UserID: uid, CSRFToken: csrf, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(lifetime)}
	rows, err := q.Query(ctx, `INSERT INTO sessions (id, user_id, csrf_token, created_at, last_seen_at, expires_at)
		VALUES ($1, $2, $3, $4, $4, $5)`, id, uid, csrf, now, sess.ExpiresAt)
	if err != nil {
		return nil, fmt.Errorf("create session: %w", err)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("create session: %w", err)
	}
	return sess, nil
}

// touchEvery is how often Session marks a session seen: its idle time is measured to within it.
const touchEvery = time.Minute

// Session returns the live session of token at now and marks it seen (unless it was within
// touchEvery), loading its user and a buyer's organisation. A session unseen for longer than idle
// or past its absolute end is deleted; it, like an unknown or malformed token or a disabled
// account, gives ENotFound.
func (s *Store) Session(ctx context.Context, token string, now time.Time, idle time.Duration) (*Session, error) {
	id, ok := sessionID(token)
	if !ok {
		return nil, errNoSession()
	}
	sess, err := s.readSession(ctx, id, now, idle)
	if errors.Is(err, pgx.ErrNoRows) {
		// Expired (or never existed): make sure it is gone for good.
		if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE id = $1`, id); err != nil {
			return nil, fmt.Errorf("delete expired session: %w", err)
		}
		return nil, errNoSession()
	}
	if err != nil {
		return nil, fmt.Errorf("load session: %w", err)
	}
	// Marked seen at most once every touchEvery: most requests only read the session.
	if !sess.LastSeenAt.After(now.Add(-touchEvery)) {
		if _, err := s.pool.Exec(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE id = $1 AND last_seen_at < $2`, id, now); err != nil {
			return nil, fmt.Errorf("mark session seen: %w", err)
		}
		sess.LastSeenAt = now
	}
	if sess.UserID != nil && (sess.User == nil || sess.User.Disabled) {
		return nil, errNoSession()
	}
	if !sess.User.IsBuyer() {
		sess.Organization = nil
	}
	return sess, nil
}

// readSession reads the live session id at now with its user and the user's organisation, if
// any, in one statement; a session that is not there (or not live) is pgx.ErrNoRows.
func (s *Store) readSession(ctx context.Context, id []byte, now time.Time, idle time.Duration) (*Session, error) {
	rows, err := s.pool.Query(ctx, `SELECT s.user_id, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at, u.*, o.*
		FROM sessions s
		LEFT JOIN LATERAL (SELECT `+userColumns+` FROM users WHERE id = s.user_id) u ON true
		LEFT JOIN LATERAL (SELECT `+organizationColumns+` FROM organizations WHERE id = u.organization_id) o ON true
		WHERE s.id = $1 AND s.expires_at > $2 AND s.last_seen_at > $3`, id, now, now.Add(-idle))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, err
		}
		return nil, pgx.ErrNoRows
	}
	sess := &Session{}
	dest := []any{&sess.UserID, &sess.CSRFToken, &sess.CreatedAt, &sess.LastSeenAt, &sess.ExpiresAt}
	// The first column of the user and of the organisation is its id, NULL when there is none:
	// then its columns are skipped (nil destinations).
	var u User
	var o Organization
	userDest, orgDest := u.dest(), o.dest()
	raw := rows.RawValues()
	if raw[len(dest)] != nil {
		sess.User = &u
	} else {
		userDest = make([]any, len(userDest))
	}
	if raw[len(dest)+len(userDest)] != nil {
		sess.Organization = &o
	} else {
		orgDest = make([]any, len(orgDest))
	}
	dest = append(append(dest, userDest...), orgDest...)
	if err := rows.Scan(dest...); err != nil {
		return nil, err
	}
	return sess, rows.Err()
}

// BuyerOrganization returns the organisation of the session's buyer, loaded with the session;
// a staff account or an anonymous session is EForbidden.
func (s *Session) BuyerOrganization() (*Organization, error) {
	if s == nil || s.Organization == nil {
		return nil, errNotBuyer()
	}
	return s.Organization, nil
}

// RotateSession replaces the session of oldToken (if any; "" or an unknown token for none) by a
// new one for userID, in one transaction: a token known before login is worthless after it. It
// returns only internal errors.
func (s *Store) RotateSession(ctx context.Context, oldToken string, userID int64, now time.Time, lifetime time.Duration) (*Session, error) {
	var sess *Session
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if id, ok := sessionID(oldToken); ok {
			if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE id = $1`, id); err != nil {
				return fmt.Errorf("rotate session: %w", err)
			}
		}
		var err error
		sess, err = insertSession(ctx, tx, userID, now, lifetime)
		return err
	})
	if err != nil {
		return nil, err
	}
	return sess, nil
}

// DeleteSession ends the session of token on the server. An unknown or malformed token is not an
// error; it returns only internal errors.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	id, ok := sessionID(token)
	if !ok {
		return nil
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// PurgeExpired deletes the sessions past their absolute end or idle for longer than idle at
// now, and throttle rows that are neither locked nor recent. It returns the number of sessions
// deleted, and only internal errors. The server calls it periodically; reads never return an
// expired session anyway.
func (s *Store) PurgeExpired(ctx context.Context, now time.Time, idle time.Duration) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2`, now, now.Add(-idle))
	if err != nil {
		return 0, fmt.Errorf("purge sessions: %w", err)
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM login_throttle
		WHERE (locked_until IS NULL OR locked_until <= $1) AND (last_failure_at IS NULL OR last_failure_at <= $2)`,
		now, now.Add(-FailureWindow)); err != nil {
		return 0, fmt.Errorf("purge login throttle: %w", err)
	}
	return tag.RowsAffected(), nil
}
