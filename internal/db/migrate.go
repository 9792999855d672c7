// Package db is the product's PostgreSQL plumbing: the schema migrations (one numbered sequence for
// every package, embedded in the binary), the transaction helper and the audit log.
package db

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrations embed.FS

// MigrationResult is one migration applied by Migrate.
type MigrationResult struct {
	Version int64
	Source  string
}

// Migrate applies every pending migration, each in its own transaction, and returns those it
// applied. It is safe to run from several replicas at once: goose takes a session lock.
func Migrate(ctx context.Context, pool *pgxpool.Pool) ([]MigrationResult, error) {
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	return migrate(ctx, db)
}

func migrate(ctx context.Context, db *sql.DB) ([]MigrationResult, error) {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys, goose.WithSessionLocker(locker))
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	out := make([]MigrationResult, len(results))
	for i, r := range results {
		out[i] = MigrationResult{Version: r.Source.Version, Source: r.Source.Path}
	}
	return out, nil
}
