package db_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing/internal/db"
	"zhenxing/internal/testdb"
)

// TestInTwoTrips: what the first trip locks and reads is there when write decides; the writes
// are committed with it, or, when a callback, write or a query fails, nothing is, and the
// connection goes back to the pool outside any transaction.
func TestInTwoTrips(t *testing.T) {
	pool := testdb.New(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `CREATE TABLE counters (name text PRIMARY KEY, n integer NOT NULL CHECK (n >= 0));
		INSERT INTO counters VALUES ('a', 1)`); err != nil {
		t.Fatal(err)
	}
	// take reads counter a under lock and writes it less by, marking the read with a row.
	take := func(by int, failWrite error) error {
		var n int
		read := &pgx.Batch{}
		read.Queue(`INSERT INTO counters VALUES ('read', 0) ON CONFLICT (name) DO UPDATE SET n = counters.n + 1`)
		read.Queue(`SELECT n FROM counters WHERE name = 'a' FOR UPDATE`).QueryRow(func(row pgx.Row) error {
			return row.Scan(&n)
		})
		return db.InTwoTrips(ctx, pool, read, func() (*pgx.Batch, error) {
			if failWrite != nil {
				return nil, failWrite
			}
			write := &pgx.Batch{}
			write.Queue(`UPDATE counters SET n = $1 WHERE name = 'a'`, n-by)
			return write, nil
		})
	}
	count := func(name string) int {
		t.Helper()
		var n int
		if err := pool.QueryRow(ctx, `SELECT coalesce((SELECT n FROM counters WHERE name = $1), -1)`, name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := take(1, nil); err != nil {
		t.Fatal(err)
	}
	if count("a") != 0 || count("read") != 0 {
		t.Fatalf("after a take: a = %d, read = %d", count("a"), count("read"))
	}
	// A write that fails the check rolls back the read's insert as well.
	if err := take(1, nil); err == nil {
		t.Fatal("taking below zero worked")
	}
	// So does an error from write.
	refused := errors.New("refused")
	if err := take(0, refused); !errors.Is(err, refused) {
		t.Fatalf("error from write = %v", err)
	}
	// And a failing read.
	bad := &pgx.Batch{}
	bad.Queue(`INSERT INTO counters VALUES ('read', 0) ON CONFLICT (name) DO UPDATE SET n = counters.n + 1`)
	bad.Queue(`SELECT n FROM no_such_table`)
	if err := db.InTwoTrips(ctx, pool, bad, func() (*pgx.Batch, error) { return &pgx.Batch{}, nil }); err == nil {
		t.Fatal("a read from a missing table worked")
	}
	if count("a") != 0 || count("read") != 0 {
		t.Fatalf("after the failures: a = %d, read = %d", count("a"), count("read"))
	}
	assertIdle(t, pool)
}

// assertIdle fails if a connection to the test's database was left in a transaction.
func assertIdle(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	var open int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND state LIKE 'idle in transaction%'`).Scan(&open); err != nil || open != 0 {
		t.Fatalf("%d connections left in a transaction (%v)", open, err)
	}
}
