package catalog

import (
	"context"
	"errors"
	"fmt"
	"zhenxing/internal/db"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing"
)

// Store is the catalogue's PostgreSQL store. Its methods live in one file per aggregate
// (products_store.go, suppliers_store.go, ...). Every method takes a context; "not found" is a
// zhenxing.ENotFound error, never a nil result.
type Store struct {
	pool  *pgxpool.Pool
	index catalogIndex // the listing index, see index.go
}

// NewStore returns a store on the pool. The schema must be migrated (Migrate).
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Pool is the store's connection pool, for readiness checks.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// write runs fn in a transaction that first takes the catalogue's version row, so that changes
// to what the listing index holds are serialized (no deadlock between two of them) and every
// replica sees a new version once the transaction commits.
func (s *Store) write(ctx context.Context, fn func(pgx.Tx) error) error {
	return db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE catalog_state SET version = version + 1`); err != nil {
			return fmt.Errorf("bump catalog version: %w", err)
		}
		return fn(tx)
	})
}

func notFound(format string, args ...any) error {
	return zhenxing.Errorf(zhenxing.ENotFound, format, args...)
}

// dbError turns the constraint violations a user can cause into coded errors with Chinese
// messages and wraps anything else with context.
func dbError(err error, context string) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", context, err)
	}
	msg, code := "", zhenxing.EInvalid
	switch pe.Code {
	case "23505": // unique_violation
		code = zhenxing.EConflict
		switch pe.ConstraintName {
		case "suppliers_slug_key":
			msg = "已有供应商使用这个网址标识。"
		case "suppliers_credit_code_key":
			msg = "已有供应商使用这个统一社会信用代码。"
		case "products_slug_key":
			msg = "已有商品使用这个网址标识。"
		default:
			msg = "与已有记录重复。"
		}
	case "23503": // foreign_key_violation
		msg = "所选供应商不存在。"
	case "23514": // check_violation
		msg = "数据不符合要求(" + pe.ConstraintName + ")。"
		if pe.ConstraintName == "products_stock_check" {
			code, msg = zhenxing.EConflict, "库存不足。"
		}
	case "22003": // numeric_value_out_of_range
		msg = "数值超出范围。"
	default:
		return fmt.Errorf("%s: %w", context, err)
	}
	return &zhenxing.Error{Code: code, Message: msg, Err: fmt.Errorf("%s: %w", context, err)}
}
