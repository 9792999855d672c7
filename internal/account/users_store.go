package account

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"zhenxing"
	"zhenxing/internal/db"
)

// MinPasswordLength is the shortest password accepted, in characters.
const MinPasswordLength = 10

// FirstAdminUsername is the username of the account CreateFirstAdmin makes.
const FirstAdminUsername = "admin"

// userColumns are the columns of users that make a User, in the order of its fields.
const userColumns = `id, username, display_name, kind, roles, organization_id,
	coalesce(organization_role, '') AS organization_role, coalesce(email, '') AS email, coalesce(phone, '') AS phone,
	disabled, must_change_password, created_at, last_login_at`

// dest is where the columns of userColumns go, in their order, for a row that has more.
func (u *User) dest() []any {
	return []any{&u.ID, &u.Username, &u.Name, &u.Kind, &u.Roles, &u.OrganizationID, &u.OrgRole, &u.Email, &u.Phone,
		&u.Disabled, &u.MustChangePassword, &u.CreatedAt, &u.LastLoginAt}
}

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

// ValidatePassword returns nil for an acceptable password, and an EInvalid error with a Chinese
// message when it is shorter than MinPasswordLength characters or longer than 1024 bytes.
func ValidatePassword(password string) error {
	if utf8.RuneCountInString(password) < MinPasswordLength {
		return zhenxing.Errorf(zhenxing.EInvalid, "密码至少需要 %d 个字符。", MinPasswordLength)
	}
	if len(password) > 1024 {
		return zhenxing.Errorf(zhenxing.EInvalid, "密码过长，请不要超过 1024 个字符。")
	}
	return nil
}

// hashPassword returns the argon2id PHC string of password.
func hashPassword(password string) (string, error) {
	hash, err := argon2id.CreateHash(password, passwordParams)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return hash, nil
}

// NewUser is an account to create.
type NewUser struct {
	Username           string // 2 to 32 letters, digits, dots, underscores or hyphens; unique whatever the case
	Name               string // display name, at most 64 characters; may be empty
	Password           string // see ValidatePassword
	Kind               Kind
	Roles              []Role // at least one for staff; none for a buyer
	MustChangePassword bool   // the back office asks for a new password before anything else
}

// validate checks nu and returns it cleaned: names trimmed, roles without repeats in the order
// of Roles. Every problem is an EInvalid error with a Chinese message.
func (nu NewUser) validate() (NewUser, error) {
	nu.Username = strings.TrimSpace(nu.Username)
	nu.Name = strings.TrimSpace(nu.Name)
	if !usernamePattern.MatchString(nu.Username) {
		return nu, zhenxing.Errorf(zhenxing.EInvalid, "用户名应为 2 至 32 位字母、数字、点、下划线或连字符，并以字母或数字开头。")
	}
	if utf8.RuneCountInString(nu.Name) > 64 {
		return nu, zhenxing.Errorf(zhenxing.EInvalid, "显示名称请不要超过 64 个字符。")
	}
	given := make([]Role, len(nu.Roles))
	for i, name := range nu.Roles {
		r, err := ParseRole(string(name))
		if err != nil {
			return nu, err
		}
		given[i] = r
	}
	nu.Roles = nil
	for _, r := range Roles {
		if slices.Contains(given, r) {
			nu.Roles = append(nu.Roles, r)
		}
	}
	switch nu.Kind {
	case KindStaff:
		if len(nu.Roles) == 0 {
			return nu, zhenxing.Errorf(zhenxing.EInvalid, "工作人员账号至少需要一个角色。")
		}
	case KindBuyer:
		if len(nu.Roles) > 0 {
			return nu, zhenxing.Errorf(zhenxing.EInvalid, "采购人员账号没有后台角色。")
		}
		nu.Roles = []Role{}
	default:
		return nu, zhenxing.Errorf(zhenxing.EInvalid, "账号类型应为工作人员或采购人员。")
	}
	return nu, ValidatePassword(nu.Password)
}

// CreateUser creates an account with an argon2id hash of its password. It returns EInvalid
// for a bad username, name, kind, role or password (a staff account needs at least one role, a
// buyer has none), and EConflict when the username, compared case-insensitively, is taken.
func (s *Store) CreateUser(ctx context.Context, nu NewUser) (*User, error) {
	nu, err := nu.validate()
	if err != nil {
		return nil, err
	}
	return insertUser(ctx, s.pool, nu)
}

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// insertUser hashes the password of a validated nu and inserts the account.
func insertUser(ctx context.Context, q querier, nu NewUser) (*User, error) {
	hash, err := hashPassword(nu.Password)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `INSERT INTO users (username, display_name, password_hash, kind, roles, must_change_password)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+userColumns,
		nu.Username, nu.Name, hash, nu.Kind, nu.Roles, nu.MustChangePassword)
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	u, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[User])
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return nil, zhenxing.Errorf(zhenxing.EConflict, "用户名“%s”已被使用。", nu.Username)
	}
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	return &u, nil
}

// CreateFirstAdmin makes the first back-office account of a new installation: the administrator
// FirstAdminUsername with a random password, which it returns (it is stored only as a hash), to
// be changed at the first login. It returns EConflict, creating nothing, when a staff account
// exists already or the username is taken. Concurrent calls create at most one account.
func (s *Store) CreateFirstAdmin(ctx context.Context) (*User, string, error) {
	password := rand.Text() // 26 characters of base32: 130 random bits
	var u *User
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		// Writers wait until this transaction ends, so "no staff yet" stays true until the insert.
		if _, err := tx.Exec(ctx, `LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return fmt.Errorf("lock users: %w", err)
		}
		var staff bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE kind = 'staff')`).Scan(&staff); err != nil {
			return fmt.Errorf("count staff: %w", err)
		}
		if staff {
			return zhenxing.Errorf(zhenxing.EConflict, "已有工作人员账号，未新建账号。")
		}
		nu, err := NewUser{Username: FirstAdminUsername, Name: "管理员", Password: password, Kind: KindStaff,
			Roles: []Role{RoleAdmin}, MustChangePassword: true}.validate()
		if err != nil {
			return err
		}
		u, err = insertUser(ctx, tx, nu)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return u, password, nil
}

// User returns the account with the id, or ENotFound.
func (s *Store) User(ctx context.Context, id int64) (*User, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id)
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
