package account_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing"
	"zhenxing/internal/account"
	"zhenxing/internal/testdb"
)

var accountsNow = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

// mustStore returns a store on a fresh database, and the database's pool for direct checks.
func mustStore(t *testing.T) (*account.Store, *pgxpool.Pool) {
	t.Helper()
	pool := testdb.New(t)
	return account.NewStore(pool), pool
}

// mustStaffAccount creates a staff account with the hall role.
func mustStaffAccount(t *testing.T, store *account.Store, username, password string) *account.User {
	t.Helper()
	u, err := store.CreateUser(context.Background(), account.NewUser{Username: username, Name: "测试员", Password: password,
		Kind: account.KindStaff, Roles: []account.Role{account.RoleHall}})
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
