// Package account holds the accounts of the site: staff members with their roles and the buyers
// of unions, argon2id password hashes, the login throttle, and server-side sessions with the CSRF
// token of their forms. It knows nothing of HTTP: the site package turns requests into calls on
// Store.
package account

import (
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing"
	"zhenxing/internal/db"
)

// Kind is what an account is for: the back office (staff) or buying in the hall (buyer).
type Kind string

// The kinds of account.
const (
	KindStaff Kind = "staff"
	KindBuyer Kind = "buyer"
)

// Role is what a staff account may do in the back office. An administrator may do what every
// role may.
type Role string

// The staff roles.
const (
	RoleHall     Role = "hall"     // 馆务: suppliers, products, stock and the audit log of the hall
	RoleOpen     Role = "open"     // 政务公开: the open-government section
	RoleMessages Role = "messages" // 留言办理: citizens' messages
	RoleAdmin    Role = "admin"    // 管理员: everything
)

// Roles are the staff roles in display order.
var Roles = []Role{RoleHall, RoleOpen, RoleMessages, RoleAdmin}

var roleLabels = map[Role]string{
	RoleHall:     "馆务",
	RoleOpen:     "政务公开",
	RoleMessages: "留言办理",
	RoleAdmin:    "管理员",
}

// Label returns the Chinese name of the role, or the role's code for a role that does not exist.
func (r Role) Label() string {
	if l, ok := roleLabels[r]; ok {
		return l
	}
	return string(r)
}

// ParseRole returns the role named by its code (hall, open, messages, admin; case and surrounding
// space ignored). Any other name gives EInvalid with a message that lists the roles.
func ParseRole(name string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(name)))
	if _, ok := roleLabels[r]; ok {
		return r, nil
	}
	choices := make([]string, len(Roles))
	for i, r := range Roles {
		choices[i] = string(r) + "（" + r.Label() + "）"
	}
	return "", zhenxing.Errorf(zhenxing.EInvalid, "未知角色“%s”，可选：%s。", name, strings.Join(choices, "、"))
}

// User is an account: a staff member with one or more roles, or a buyer of a union.
type User struct {
	ID                 int64      `db:"id"`
	Username           string     `db:"username"`
	Name               string     `db:"display_name"`
	Kind               Kind       `db:"kind"`
	Roles              []Role     `db:"roles"`             // staff only, at least one; empty for buyers
	OrganizationID     *int64     `db:"organization_id"`   // buyers of an organisation only
	OrgRole            OrgRole    `db:"organization_role"` // buyers of an organisation only; "" otherwise
	Email              string     `db:"email"`             // a buyer's login e-mail, "" for none
	Phone              string     `db:"phone"`             // a buyer's login mobile number, "" for none
	Disabled           bool       `db:"disabled"`
	MustChangePassword bool       `db:"must_change_password"` // set for the first-run account
	CreatedAt          time.Time  `db:"created_at"`
	LastLoginAt        *time.Time `db:"last_login_at"`
}

// IsStaff reports whether the account may use the back office: an enabled staff account. It is
// false for nil.
func (u *User) IsStaff() bool { return u != nil && u.Kind == KindStaff && !u.Disabled }

// HasRole reports whether the account is enabled staff holding one of roles, an administrator
// holding them all. With no roles it reports whether the account holds any staff role. It is
// false for nil, for a buyer and for a disabled account.
func (u *User) HasRole(roles ...Role) bool {
	if !u.IsStaff() || len(u.Roles) == 0 {
		return false
	}
	if len(roles) == 0 || slices.Contains(u.Roles, RoleAdmin) {
		return true
	}
	for _, r := range roles {
		if slices.Contains(u.Roles, r) {
			return true
		}
	}
	return false
}

// RoleLabels returns the Chinese names of the account's roles joined with "、", "" for none.
func (u *User) RoleLabels() string {
	labels := make([]string, len(u.Roles))
	for i, r := range u.Roles {
		labels[i] = r.Label()
	}
	return strings.Join(labels, "、")
}

// Actor returns the user as the author of audited changes, named by the display name or, when
// it is empty, the username.
func (u *User) Actor() db.Actor {
	name := u.Name
	if name == "" {
		name = u.Username
	}
	return db.Actor{ID: u.ID, Name: name}
}

// Store is the PostgreSQL store of accounts, sessions and the login throttle, and of the buyer
// organisations with their addresses, invitations and purchase plans. Every method
// takes a context; "not found" is a zhenxing.ENotFound error, never a nil result.
type Store struct {
	pool *pgxpool.Pool
}

// NewStore returns a store on the pool. The schema must be migrated (db.Migrate).
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }
