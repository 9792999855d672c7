package catalog

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"zhenxing"
	"zhenxing/internal/db"
)

// Stock is the store of the products' stock and its movements. Stock never goes below zero,
// whatever the concurrency: every change is one conditional UPDATE, with a CHECK behind it.
type Stock struct {
	db *catalogDB
}

// MaxStockDelta bounds one stock adjustment.
const MaxStockDelta = 1_000_000

// Adjust adds delta (negative to take stock away) to the stock of the product with the slug,
// records the movement with its reason and the audit entry under actor, and returns the new
// stock. An adjustment that would take the stock below zero is an EConflict error saying how much
// there is, and changes nothing. A zero or too large delta, or a missing or too long reason, is
// EInvalid; a missing product ENotFound.
func (s *Stock) Adjust(ctx context.Context, actor db.Actor, slug string, delta int, reason string) (int, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case delta == 0:
		return 0, zhenxing.Errorf(zhenxing.EInvalid, "调整数量不能为 0。")
	case delta > MaxStockDelta || delta < -MaxStockDelta:
		return 0, zhenxing.Errorf(zhenxing.EInvalid, "一次调整不能超过 %d。", MaxStockDelta)
	case reason == "":
		return 0, zhenxing.Errorf(zhenxing.EInvalid, "请填写调整库存的原因。")
	case utf8.RuneCountInString(reason) > 200:
		return 0, zhenxing.Errorf(zhenxing.EInvalid, "原因不能超过 200 个字。")
	}
	var id int64
	if err := s.db.pool.QueryRow(ctx, `SELECT id FROM products WHERE slug = $1`, slug).Scan(&id); errors.Is(err, pgx.ErrNoRows) {
		return 0, notFound("产品“%s”不存在。", slug)
	} else if err != nil {
		return 0, fmt.Errorf("find product %q: %w", slug, err)
	}
	var after int
	err := s.db.write(ctx, func(tx pgx.Tx) error {
		var err error
		after, err = adjustStock(ctx, tx, actor, id, delta, reason, "")
		return err
	})
	return after, err
}

// adjustStock is the conditional update behind Adjust: the row lock taken by UPDATE serializes
// concurrent adjustments, and the condition is evaluated again on the locked row.
func adjustStock(ctx context.Context, tx pgx.Tx, actor db.Actor, id int64, delta int, reason, note string) (int, error) {
	var after int
	var slug string
	err := tx.QueryRow(ctx, `UPDATE products SET stock = stock + $2 WHERE id = $1 AND stock + $2 >= 0
		RETURNING stock, slug`, id, delta).Scan(&after, &slug)
	if errors.Is(err, pgx.ErrNoRows) {
		var stock int
		var name, unit string
		err := tx.QueryRow(ctx, `SELECT stock, name, unit FROM products WHERE id = $1`, id).Scan(&stock, &name, &unit)
		if errors.Is(err, pgx.ErrNoRows) {
			return 0, notFound("产品不存在。")
		}
		if err != nil {
			return 0, fmt.Errorf("read stock: %w", err)
		}
		return 0, zhenxing.Errorf(zhenxing.EConflict, "“%s”库存不足：现有 %d%s，不能减少 %d%s。", name, stock, unit, -delta, unit)
	}
	if err != nil {
		return 0, dbError(err, "adjust stock")
	}
	if err := recordMovement(ctx, tx, actor, id, delta, after, reason); err != nil {
		return 0, err
	}
	if note == "" {
		note = reason
	}
	err = db.RecordAudit(ctx, tx, actor, "product.stock", "product", slug,
		map[string]int{"stock": after - delta}, map[string]int{"stock": after}, note)
	return after, err
}

func recordMovement(ctx context.Context, tx pgx.Tx, actor db.Actor, productID int64, delta, after int, reason string) error {
	var actorID *int64
	if actor.ID != 0 {
		actorID = &actor.ID
	}
	_, err := tx.Exec(ctx, `INSERT INTO stock_movements (product_id, delta, stock_after, reason, actor_id, actor_name)
		VALUES ($1, $2, $3, $4, $5, $6)`, productID, delta, after, reason, actorID, actor.Name)
	if err != nil {
		return fmt.Errorf("record stock movement: %w", err)
	}
	return nil
}

// StockMovement is one change of a product's stock.
type StockMovement struct {
	ID         int64     `json:"id"`
	ProductID  int64     `json:"-"`
	Delta      int       `json:"delta"`
	StockAfter int       `json:"stock_after"`
	Reason     string    `json:"reason"`
	ActorID    *int64    `json:"-"`
	ActorName  string    `json:"actor_name"`
	At         time.Time `json:"at"`
}

// Movements lists the stock movements of the product with the ID, latest first (in the order
// the row lock serialized them); limit 0, or one above 500, means 50. An unknown product has
// none: an empty list. It returns only database errors.
func (s *Stock) Movements(ctx context.Context, productID int64, limit int) ([]StockMovement, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := s.db.pool.Query(ctx, `SELECT id, product_id, delta, stock_after, reason, actor_id, actor_name, at
		FROM stock_movements WHERE product_id = $1 ORDER BY id DESC LIMIT $2`, productID, limit)
	if err != nil {
		return nil, fmt.Errorf("list stock movements: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (StockMovement, error) {
		var m StockMovement
		err := row.Scan(&m.ID, &m.ProductID, &m.Delta, &m.StockAfter, &m.Reason, &m.ActorID, &m.ActorName, &m.At)
		return m, err
	})
}
