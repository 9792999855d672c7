package catalog

import (
	"github.com/jackc/pgx/v5/pgxpool"
)

// Store holds the accounts: users, the login throttle and sessions (accounts_store.go,
// sessions_store.go). The catalogue's own stores are those of Catalog.
type Store struct {
	pool *pgxpool.Pool
}

// NewStore returns the accounts' store on the pool. The schema must be migrated (db.Migrate).
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Pool is the store's connection pool.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }
