package main

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing/internal/testdb"
)

// zhenxing reindex builds the whole index here and asks every server to rebuild its own: the
// search generation moves once per run.
func TestReindexCommand(t *testing.T) {
	_, dbURL := testdb.NewWithURL(t)
	env := dbEnv(dbURL)
	var stdout, stderr bytes.Buffer
	if status := run(context.Background(), []string{"seed"}, env, nil, &stdout, &stderr); status != 0 {
		t.Fatalf("seed: status %d: %s", status, stderr.String())
	}
	for want := 1; want <= 2; want++ {
		stdout.Reset()
		if status := run(context.Background(), []string{"reindex"}, env, nil, &stdout, &stderr); status != 0 {
			t.Fatalf("reindex: status %d: %s", status, stderr.String())
		}
		m := regexp.MustCompile(`已请求重建索引（第 (\d+) 次）：(\d+) 条记录`).FindStringSubmatch(stdout.String())
		if m == nil || m[1] != strconv.Itoa(want) {
			t.Fatalf("reindex said %q", stdout.String())
		}
		if m[2] == "0" {
			t.Errorf("no records indexed: %q", stdout.String())
		}
	}
	pool, err := pgxpool.New(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var gen int
	if err := pool.QueryRow(context.Background(), `SELECT generation FROM search_state`).Scan(&gen); err != nil || gen != 2 {
		t.Errorf("generation %d (%v), want 2", gen, err)
	}
}
