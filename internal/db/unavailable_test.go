package db_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing"
	"zhenxing/internal/db"
	"zhenxing/internal/testdb"
)

// closedPortURL is dbURL with its address replaced by a loopback port nothing listens on.
func closedPortURL(t *testing.T, dbURL string) string {
	t.Helper()
	addr := testdb.ClosedAddr(t)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = addr
	return u.String()
}

// TestIsUnavailable classifies errors that real calls on PostgreSQL return: the ones that mean
// "cannot be reached now" are unavailable, those of a database that answered are not.
func TestIsUnavailable(t *testing.T) {
	pool, dbURL := testdb.NewWithURL(t)
	ctx := context.Background()
	connect := func(t *testing.T, u string) *pgx.Conn {
		t.Helper()
		c, err := pgx.Connect(ctx, u)
		if err != nil {
			t.Fatalf("connect: %v", err)
		}
		t.Cleanup(func() { c.Close(ctx) })
		return c
	}
	// A deadline for the calls meant to run out of time; the test asserts on the error, never
	// on how long anything took.
	short := func() (context.Context, context.CancelFunc) { return context.WithTimeout(ctx, 100*time.Millisecond) }

	tests := []struct {
		name string
		err  func(t *testing.T) error
		want bool
	}{
		{"connection refused", func(t *testing.T) error {
			_, err := pgx.Connect(ctx, closedPortURL(t, dbURL))
			return err
		}, true},
		{"pool on a closed port", func(t *testing.T) error {
			p, err := pgxpool.New(ctx, closedPortURL(t, dbURL))
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			return fmt.Errorf("list products: %w", p.Ping(ctx))
		}, true},
		{"terminated by the administrator (57P01)", func(t *testing.T) error {
			_, err := connect(t, dbURL).Exec(ctx, "SELECT pg_terminate_backend(pg_backend_pid())")
			return err
		}, true},
		{"query on a connection the server closed", func(t *testing.T) error {
			c := connect(t, dbURL)
			c.Exec(ctx, "SELECT pg_terminate_backend(pg_backend_pid())")
			_, err := c.Exec(ctx, "SELECT 1")
			return err
		}, true},
		{"connection exception (class 08)", func(t *testing.T) error {
			return fmt.Errorf("load: %w", &pgconn.PgError{Severity: "FATAL", Code: "08006"})
		}, true},
		{"waiting for a connection from a full pool", func(t *testing.T) error {
			cfg, err := pgxpool.ParseConfig(dbURL)
			if err != nil {
				t.Fatal(err)
			}
			cfg.MaxConns = 1
			p, err := pgxpool.NewWithConfig(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			held, err := p.Acquire(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer held.Release()
			qctx, cancel := short()
			defer cancel()
			_, err = p.Exec(qctx, "SELECT 1")
			return fmt.Errorf("list products: %w", err)
		}, true},
		{"a query that ran out of time", func(t *testing.T) error {
			qctx, cancel := short()
			defer cancel()
			_, err := pool.Exec(qctx, "SELECT pg_sleep(30)")
			return err
		}, false},
		{"a database that does not exist", func(t *testing.T) error {
			u, _ := url.Parse(dbURL)
			u.Path = "/zx_no_such_database"
			_, err := pgx.Connect(ctx, u.String())
			return err
		}, false},
		{"syntax error", func(t *testing.T) error {
			_, err := pool.Exec(ctx, "SELEC 1")
			return err
		}, false},
		{"no rows", func(t *testing.T) error {
			var n int
			return pool.QueryRow(ctx, "SELECT 1 WHERE false").Scan(&n)
		}, false},
		{"the server gone in the middle of a message", func(t *testing.T) error {
			return fmt.Errorf("read catalog version: %w", io.ErrUnexpectedEOF)
		}, true},
		{"nil", func(t *testing.T) error { return nil }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err(t)
			if tt.name != "nil" && err == nil {
				t.Fatal("the call did not fail")
			}
			if got := db.IsUnavailable(err); got != tt.want {
				t.Errorf("IsUnavailable(%v) = %v, want %v", err, got, tt.want)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	refused := fmt.Errorf("list products: %w", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")})
	got := db.Classify(refused)
	if zhenxing.ErrorCode(got) != zhenxing.EUnavailable || zhenxing.ErrorMessage(got) != "暂时无法访问，请稍后再试。" || !errors.Is(got, refused) {
		t.Errorf("Classify(refused) = %v: code %s, message %q", got, zhenxing.ErrorCode(got), zhenxing.ErrorMessage(got))
	}
	coded := &zhenxing.Error{Code: zhenxing.ENotFound, Message: "未找到。", Err: refused}
	if got := db.Classify(coded); got != error(coded) {
		t.Errorf("a coded error was changed: %v", got)
	}
	plain := errors.New("template failed")
	if got := db.Classify(plain); got != plain {
		t.Errorf("an internal error was changed: %v", got)
	}
	if db.Classify(nil) != nil {
		t.Error("Classify(nil) is not nil")
	}
}
