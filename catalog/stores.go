package catalog

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing"
	"zhenxing/internal/db"
)

// Catalog is the catalogue in PostgreSQL: one store per aggregate over one shared pool, each in a
// file of its own (suppliers_store.go, products_store.go, photos_store.go, stock_store.go), and
// the listing index the product store keeps in memory (index.go). Import, export and seed
// (import.go, export.go, seed.go) write across the aggregates in one transaction. Every method
// takes a context; "not found" is a zhenxing.ENotFound error, never a nil result.
type Catalog struct {
	Suppliers *Suppliers
	Products  *Products
	Photos    *Photos
	Stock     *Stock

	db *catalogDB
}

// catalogDB is what the stores of one Catalog share: the pool and the listing index, which every
// write through any of them marks stale once it commits.
type catalogDB struct {
	pool     *pgxpool.Pool
	index    listingIndex
	onChange func()
}

// New returns the catalogue on the pool. The schema must be migrated (db.Migrate). A zero
// cfg is the default configuration.
func New(pool *pgxpool.Pool, cfg Config) *Catalog {
	d := &catalogDB{pool: pool, onChange: cfg.OnChange}
	d.index.recheck = cfg.Recheck
	if d.index.recheck <= 0 {
		d.index.recheck = DefaultRecheck
	}
	return &Catalog{
		Suppliers: &Suppliers{d},
		Products:  &Products{d},
		Photos:    &Photos{d},
		Stock:     &Stock{d},
		db:        d,
	}
}

// Pool is the connection pool the stores share, for readiness checks and the audit log.
func (c *Catalog) Pool() *pgxpool.Pool { return c.db.pool }

// write runs fn in a transaction that first takes the catalogue's version row, so that every
// change to what the listing index holds is serialized (no deadlock between two of them) and
// every replica sees a new version once the transaction commits. After a commit the index of
// this process is stale at once: the next listing reloads it.
func (d *catalogDB) write(ctx context.Context, fn func(pgx.Tx) error) error {
	err := db.InTx(ctx, d.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE catalog_state SET version = version + 1`); err != nil {
			return fmt.Errorf("bump catalog version: %w", err)
		}
		return fn(tx)
	})
	if err == nil {
		d.index.stale.Store(true)
		d.changed()
	}
	return err
}

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func notFound(format string, args ...any) error {
	return zhenxing.Errorf(zhenxing.ENotFound, format, args...)
}

// ErrModified is in the chain of the EConflict error of an update whose row version is not the
// stored one: someone saved the record after the caller read it, and nothing was written.
var ErrModified = errors.New("modified since it was read")

// modified is the EConflict error of an update based on an old version of a record.
func modified(what, name string) error {
	return &zhenxing.Error{Code: zhenxing.EConflict, Err: ErrModified,
		Message: fmt.Sprintf("%s“%s”已被他人修改：您打开表单之后，有人保存了新的内容。为免覆盖，本次修改没有保存。", what, name)}
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
