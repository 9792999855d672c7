package account_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"zhenxing"
	"zhenxing/internal/account"
	"zhenxing/internal/testdb"
)

func TestCreateUser(t *testing.T) {
	store, pool := mustStore(t)
	ctx := context.Background()
	u := mustStaffAccount(t, store, "Wang.Li", "correct horse battery")
	if u.ID == 0 || u.Kind != account.KindStaff || !slices.Equal(u.Roles, []account.Role{account.RoleHall}) ||
		u.Name != "测试员" || u.Disabled || u.MustChangePassword {
		t.Fatalf("created user = %+v", u)
	}
	staff := func(roles ...account.Role) account.NewUser {
		return account.NewUser{Username: "zhang", Password: "correct horse battery", Kind: account.KindStaff, Roles: roles}
	}
	with := func(nu account.NewUser, edit func(*account.NewUser)) account.NewUser {
		edit(&nu)
		return nu
	}
	tests := []struct {
		name          string
		user          account.NewUser
		code, message string
	}{
		{"short password", with(staff(account.RoleHall), func(nu *account.NewUser) { nu.Password = "123456789" }), zhenxing.EInvalid, "至少需要 10 个字符"},
		{"bad username", with(staff(account.RoleHall), func(nu *account.NewUser) { nu.Username = "张三" }), zhenxing.EInvalid, "用户名"},
		{"bad kind", with(staff(account.RoleHall), func(nu *account.NewUser) { nu.Kind = "admin" }), zhenxing.EInvalid, "账号类型"},
		{"unknown role", staff("boss"), zhenxing.EInvalid, "未知角色“boss”"},
		{"staff without a role", staff(), zhenxing.EInvalid, "至少需要一个角色"},
		{"buyer with a role", with(staff(account.RoleOpen), func(nu *account.NewUser) { nu.Kind = account.KindBuyer }), zhenxing.EInvalid, "没有后台角色"},
		{"taken, other case", with(staff(account.RoleHall), func(nu *account.NewUser) { nu.Username = "wang.li" }), zhenxing.EConflict, "已被使用"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := store.CreateUser(ctx, tt.user)
			wantAccountCode(t, err, tt.code)
			if msg := zhenxing.ErrorMessage(err); !strings.Contains(msg, tt.message) {
				t.Errorf("message %q lacks %q", msg, tt.message)
			}
		})
	}
	var hash string
	if err := pool.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = $1`, u.ID).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(hash, "correct horse") {
		t.Errorf("stored hash %q is not an argon2id PHC string", hash)
	}

	// Roles are kept once each, in the order of account.Roles, and read back as stored.
	multi, err := store.CreateUser(ctx, staff(account.RoleAdmin, account.RoleMessages, "Hall", account.RoleMessages))
	if err != nil {
		t.Fatal(err)
	}
	want := []account.Role{account.RoleHall, account.RoleMessages, account.RoleAdmin}
	if again, err := store.User(ctx, multi.ID); err != nil || !slices.Equal(multi.Roles, want) || !slices.Equal(again.Roles, want) {
		t.Errorf("roles = %v, read back %v (%v), want %v", multi.Roles, again, err, want)
	}
	buyer, err := store.CreateUser(ctx, account.NewUser{Username: "union1", Password: "correct horse battery", Kind: account.KindBuyer})
	if err != nil || buyer.Kind != account.KindBuyer || len(buyer.Roles) != 0 || buyer.IsStaff() {
		t.Errorf("buyer = %+v, %v", buyer, err)
	}
	_, err = store.User(ctx, buyer.ID+100)
	wantAccountCode(t, err, zhenxing.ENotFound)
}

func TestHasRole(t *testing.T) {
	staff := func(roles ...account.Role) *account.User {
		return &account.User{Kind: account.KindStaff, Roles: roles}
	}
	disabled := staff(account.RoleAdmin)
	disabled.Disabled = true
	tests := []struct {
		name  string
		user  *account.User
		roles []account.Role
		want  bool
	}{
		{"nobody", nil, nil, false},
		{"hall, any role", staff(account.RoleHall), nil, true},
		{"hall, hall", staff(account.RoleHall), []account.Role{account.RoleHall}, true},
		{"hall, open", staff(account.RoleHall), []account.Role{account.RoleOpen}, false},
		{"hall, open or hall", staff(account.RoleHall), []account.Role{account.RoleOpen, account.RoleHall}, true},
		{"messages and open, hall", staff(account.RoleMessages, account.RoleOpen), []account.Role{account.RoleHall}, false},
		{"admin, messages", staff(account.RoleAdmin), []account.Role{account.RoleMessages}, true},
		{"admin, hall", staff(account.RoleAdmin), []account.Role{account.RoleHall}, true},
		{"disabled admin", disabled, nil, false},
		{"staff without roles", staff(), nil, false},
		{"buyer", &account.User{Kind: account.KindBuyer}, nil, false},
		{"buyer claiming a role", &account.User{Kind: account.KindBuyer, Roles: []account.Role{account.RoleAdmin}}, []account.Role{account.RoleHall}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.user.HasRole(tt.roles...); got != tt.want {
				t.Errorf("HasRole(%v) = %v, want %v", tt.roles, got, tt.want)
			}
		})
	}
	if got := staff(account.RoleHall, account.RoleAdmin).RoleLabels(); got != "馆务、管理员" {
		t.Errorf("RoleLabels = %q", got)
	}
}

func TestParseRole(t *testing.T) {
	for name, want := range map[string]account.Role{"hall": account.RoleHall, " Open ": account.RoleOpen, "MESSAGES": account.RoleMessages, "admin": account.RoleAdmin} {
		if got, err := account.ParseRole(name); err != nil || got != want {
			t.Errorf("ParseRole(%q) = %q, %v; want %q", name, got, err, want)
		}
	}
	_, err := account.ParseRole("boss")
	wantAccountCode(t, err, zhenxing.EInvalid)
	if msg := zhenxing.ErrorMessage(err); msg != "未知角色“boss”，可选：hall（馆务）、open（政务公开）、messages（留言办理）、admin（管理员）。" {
		t.Errorf("message = %q", msg)
	}
}

func TestCreateFirstAdmin(t *testing.T) {
	t.Run("fresh", func(t *testing.T) {
		store, pool := mustStore(t)
		ctx := context.Background()
		// A buyer is not staff: the first administrator is still made.
		if _, err := store.CreateUser(ctx, account.NewUser{Username: "union1", Password: "correct horse battery", Kind: account.KindBuyer}); err != nil {
			t.Fatal(err)
		}
		u, password, err := store.CreateFirstAdmin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if u.Username != account.FirstAdminUsername || !u.MustChangePassword || !slices.Equal(u.Roles, []account.Role{account.RoleAdmin}) || !u.IsStaff() {
			t.Errorf("first admin = %+v", u)
		}
		if len(password) < 20 || account.ValidatePassword(password) != nil {
			t.Errorf("password %q is too weak", password)
		}
		logged, err := store.Authenticate(ctx, "admin", password, "", accountsNow)
		if err != nil || logged.ID != u.ID || !logged.MustChangePassword {
			t.Fatalf("login with the printed password: %+v, %v", logged, err)
		}
		var stored int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM users WHERE password_hash LIKE '%' || $1 || '%'`, password).Scan(&stored); err != nil || stored != 0 {
			t.Errorf("the password is stored in clear (%d rows, %v)", stored, err)
		}

		// A second run finds staff and makes nothing.
		_, again, err := store.CreateFirstAdmin(ctx)
		wantAccountCode(t, err, zhenxing.EConflict)
		if again != "" {
			t.Errorf("a second run gave a password")
		}
		if _, err := store.Authenticate(ctx, "admin", password, "", accountsNow); err != nil {
			t.Errorf("a second run changed the first password: %v", err)
		}
	})
	t.Run("staff exists", func(t *testing.T) {
		store, pool := mustStore(t)
		mustStaffAccount(t, store, "liu", "correct horse battery")
		_, _, err := store.CreateFirstAdmin(context.Background())
		wantAccountCode(t, err, zhenxing.EConflict)
		var n int
		if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM users`).Scan(&n); err != nil || n != 1 {
			t.Errorf("%d accounts (%v), want 1", n, err)
		}
	})
	t.Run("concurrent", func(t *testing.T) {
		store, pool := mustStore(t)
		const n = 6
		codes := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				_, _, err := store.CreateFirstAdmin(context.Background())
				codes[i] = zhenxing.ErrorCode(err)
			})
		}
		wg.Wait()
		count := map[string]int{}
		for _, c := range codes {
			count[c]++
		}
		if count[""] != 1 || count[zhenxing.EConflict] != n-1 {
			t.Errorf("outcomes %v, want one success and %d conflicts", count, n-1)
		}
		var staff int
		if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM users WHERE kind = 'staff'`).Scan(&staff); err != nil || staff != 1 {
			t.Errorf("%d staff accounts (%v), want 1", staff, err)
		}
	})
}

// The roles migration makes every existing staff account an administrator and leaves buyers
// without roles; afterwards the database refuses staff without a role.
func TestRolesMigration(t *testing.T) {
	pool := testdb.New(t)
	ctx := context.Background()
	sqlDB := stdlib.OpenDBFromPool(pool)
	defer sqlDB.Close()
	migrations, err := goose.NewProvider(goose.DialectPostgres, sqlDB, os.DirFS("../db/migrations"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := migrations.DownTo(ctx, 4); err != nil {
		t.Fatalf("down to 4: %v", err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO users (username, password_hash, role) VALUES ('old-staff', 'x', 'staff'), ('old-buyer', 'x', 'buyer')`); err != nil {
		t.Fatal(err)
	}
	if _, err := migrations.UpTo(ctx, 5); err != nil {
		t.Fatalf("up to 5: %v", err)
	}
	got := map[string]string{}
	rows, err := pool.Query(ctx, `SELECT username, kind || ' ' || array_to_string(roles, ',') || ' ' || must_change_password FROM users`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name, v string
		if err := rows.Scan(&name, &v); err != nil {
			t.Fatal(err)
		}
		got[name] = v
	}
	if rows.Err() != nil || got["old-staff"] != "staff admin false" || got["old-buyer"] != "buyer  false" {
		t.Errorf("after the migration: %q (%v)", got, rows.Err())
	}
	for _, bad := range []string{
		`INSERT INTO users (username, password_hash, kind) VALUES ('no-role', 'x', 'staff')`,
		`INSERT INTO users (username, password_hash, kind, roles) VALUES ('buyer-role', 'x', 'buyer', '{hall}')`,
		`INSERT INTO users (username, password_hash, kind, roles) VALUES ('bad-role', 'x', 'staff', '{boss}')`,
	} {
		if _, err := pool.Exec(ctx, bad); err == nil {
			t.Errorf("accepted: %s", bad)
		}
	}
	if _, err := migrations.Up(ctx); err != nil {
		t.Fatalf("up: %v", err)
	}
}
