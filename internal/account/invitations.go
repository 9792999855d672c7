package account

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"zhenxing"
	"zhenxing/internal/db"
)

// InvitationTTL is how long an invitation link can be accepted.
const InvitationTTL = 7 * 24 * time.Hour

// Invitation is an invitation to join an organisation. The database knows it only by the
// SHA-256 of its token; the token itself is in the link the administrator passes on.
type Invitation struct {
	Token            string     `db:"-"` // the raw token; set only by Invite
	OrganizationID   int64      `db:"organization_id"`
	OrganizationName string     `db:"organization_name"`
	Contact          string     `db:"contact"` // the phone or e-mail it was meant for
	Role             OrgRole    `db:"role"`
	InvitedBy        *int64     `db:"invited_by"`
	CreatedAt        time.Time  `db:"created_at"`
	ExpiresAt        time.Time  `db:"expires_at"`
	AcceptedBy       *int64     `db:"accepted_by"`
	AcceptedAt       *time.Time `db:"accepted_at"`
}

// Accepted reports whether the invitation was used.
func (inv *Invitation) Accepted() bool { return inv.AcceptedAt != nil }

// Expired reports whether the invitation can no longer be accepted at now (it was not yet).
func (inv *Invitation) Expired(now time.Time) bool {
	return !inv.Accepted() && !now.Before(inv.ExpiresAt)
}

const invitationColumns = `i.organization_id, o.name AS organization_name, i.contact, i.role, i.invited_by,
	i.created_at, i.expires_at, i.accepted_by, i.accepted_at`

// Invite makes an invitation at now to join the organisation that by administers with role,
// for the person reachable at contact (a mobile number or an e-mail address), valid for
// InvitationTTL. The returned invitation carries its token, which is stored only as a hash. It
// returns EForbidden when by is not an administrator and EInvalid for a bad contact or role.
func (s *Store) Invite(ctx context.Context, by *User, contact string, role OrgRole, now time.Time) (*Invitation, error) {
	orgID, err := orgAdminOf(by)
	if err != nil {
		return nil, err
	}
	if role, err = ParseOrgRole(string(role)); err != nil {
		return nil, err
	}
	contact = strings.TrimSpace(contact)
	if phone := normalizePhone(contact); mobilePattern.MatchString(phone) {
		contact = phone
	} else if !emailPattern.MatchString(contact) || len(contact) > 254 {
		return nil, zhenxing.Errorf(zhenxing.EInvalid, "请填写被邀请人的手机号或电子邮箱。")
	}
	token, err := randomToken()
	if err != nil {
		return nil, err
	}
	id, _ := sessionID(token)
	var inv *Invitation
	err = db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO invitations (id, organization_id, contact, role, invited_by, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, orgID, contact, role, by.ID, now, now.Add(InvitationTTL)); err != nil {
			return fmt.Errorf("create invitation: %w", err)
		}
		var err error
		if inv, err = loadInvitation(ctx, tx, id, ""); err != nil {
			return err
		}
		return db.RecordAudit(ctx, tx, by.Actor(), "member.invite", "organization", strconv.FormatInt(orgID, 10), nil,
			map[string]any{"role": role, "expires_at": inv.ExpiresAt}, "")
	})
	if err != nil {
		return nil, err
	}
	inv.Token = token
	return inv, nil
}

// loadInvitation reads the invitation id through q, with suffix ("FOR UPDATE OF i" or "").
func loadInvitation(ctx context.Context, q querier, id []byte, suffix string) (*Invitation, error) {
	rows, err := q.Query(ctx, `SELECT `+invitationColumns+` FROM invitations i JOIN organizations o ON o.id = i.organization_id
		WHERE i.id = $1 `+suffix, id)
	if err != nil {
		return nil, fmt.Errorf("load invitation: %w", err)
	}
	inv, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Invitation])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errNoInvitation()
	}
	if err != nil {
		return nil, fmt.Errorf("load invitation: %w", err)
	}
	return &inv, nil
}

func errNoInvitation() error {
	return zhenxing.Errorf(zhenxing.ENotFound, "邀请链接无效，请核对链接，或请单位管理员重新邀请。")
}

// usable returns nil when inv can be accepted at now: ENotFound once it has expired, EConflict
// once it was accepted.
func (inv *Invitation) usable(now time.Time) error {
	switch {
	case inv.Accepted():
		return zhenxing.Errorf(zhenxing.EConflict, "该邀请链接已被使用。请直接登录，或请单位管理员重新邀请。")
	case inv.Expired(now):
		return zhenxing.Errorf(zhenxing.ENotFound, "该邀请链接已过期（有效期 7 天），请单位管理员重新邀请。")
	}
	return nil
}

// InvitationByToken returns the invitation of the token as it stands at now, for the page that
// accepts it. An unknown or malformed token and an expired invitation are ENotFound; one
// accepted already is EConflict.
func (s *Store) InvitationByToken(ctx context.Context, token string, now time.Time) (*Invitation, error) {
	id, ok := sessionID(token)
	if !ok {
		return nil, errNoInvitation()
	}
	inv, err := loadInvitation(ctx, s.pool, id, "")
	if err != nil {
		return nil, err
	}
	return inv, inv.usable(now)
}

// AcceptInvitation accepts the invitation of token at now: it creates nb as a user of the
// organisation with the invitation's role and marks the invitation used, in one transaction, so
// a token works once. It returns ENotFound for an unknown, malformed or expired token, EConflict
// for a token used before or a phone or e-mail in use, and EInvalid for bad user details.
func (s *Store) AcceptInvitation(ctx context.Context, token string, nb NewBuyer, now time.Time) (*User, error) {
	id, ok := sessionID(token)
	if !ok {
		return nil, errNoInvitation()
	}
	nb, err := nb.validate()
	if err != nil {
		return nil, err
	}
	var u *User
	err = db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		inv, err := loadInvitation(ctx, tx, id, "FOR UPDATE OF i")
		if err != nil {
			return err
		}
		if err := inv.usable(now); err != nil {
			return err
		}
		if u, err = insertBuyer(ctx, tx, inv.OrganizationID, inv.Role, nb); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE invitations SET accepted_by = $2, accepted_at = $3 WHERE id = $1`, id, u.ID, now); err != nil {
			return fmt.Errorf("accept invitation: %w", err)
		}
		return db.RecordAudit(ctx, tx, u.Actor(), "member.join", "organization", strconv.FormatInt(inv.OrganizationID, 10), nil,
			map[string]any{"user_id": u.ID, "role": inv.Role}, "")
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// Invitations returns the invitations of the organisation orgID, newest first. None is an empty
// list.
func (s *Store) Invitations(ctx context.Context, orgID int64) ([]Invitation, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+invitationColumns+` FROM invitations i JOIN organizations o ON o.id = i.organization_id
		WHERE i.organization_id = $1 ORDER BY i.created_at DESC`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list invitations: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[Invitation])
}
