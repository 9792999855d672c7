package catalog

import (
	"github.com/jackc/pgx/v5/pgxpool"
)

// Store is the catalogue's PostgreSQL store. Its methods live in one file per aggregate
// (products_store.go, suppliers_store.go, ...). Every method takes a context; "not found" is a
// zhenxing.ENotFound error, never a nil result.
type Store struct {
	pool *pgxpool.Pool
}

// NewStore returns a store on the pool. The schema must be migrated (Migrate).
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Pool is the store's connection pool, for readiness checks.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }
