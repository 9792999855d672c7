package order

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"zhenxing"
	"zhenxing/catalog"
	"zhenxing/internal/db"
)

// Reorder copies the lines of the organisation's order into the buyer's cart, at today's prices
// and stock, on top of what the cart holds, and returns what changed as Chinese notes: a product
// taken off sale or out of stock is left out, a quantity is cut to the stock (in whole multiples),
// a price that changed is said. Another organisation's order is ENotFound.
func (c *Carts) Reorder(ctx context.Context, b Buyer, number string) ([]string, error) {
	if b.OrganizationID <= 0 {
		return nil, orderNotFound(number)
	}
	var notes []string
	err := db.InTx(ctx, c.db.pool, func(tx pgx.Tx) error {
		var orderID int64
		err := tx.QueryRow(ctx, `SELECT id FROM orders WHERE number = $1 AND organization_id = $2`,
			normNumber(number), b.OrganizationID).Scan(&orderID)
		if errors.Is(err, pgx.ErrNoRows) {
			return orderNotFound(number)
		}
		if err != nil {
			return fmt.Errorf("find order: %w", err)
		}
		rows, err := tx.Query(ctx, `SELECT `+productCols+`, l.quantity, l.unit_price, coalesce(c.quantity, 0)
			FROM order_lines l JOIN products p ON p.id = l.product_id
			LEFT JOIN cart_lines c ON c.product_id = p.id AND c.user_id = $2
			WHERE l.order_id = $1 ORDER BY l.name, p.id`, orderID, b.UserID)
		if err != nil {
			return fmt.Errorf("read order lines: %w", err)
		}
		type item struct {
			p         catalog.Product
			qty, have int
			soldAt    zhenxing.Money
		}
		items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (item, error) {
			var it item
			return it, r.Scan(append(productDest(&it.p), &it.qty, &it.soldAt, &it.have)...)
		})
		if err != nil {
			return fmt.Errorf("read order lines: %w", err)
		}
		for _, it := range items {
			p := &it.p
			if !p.Listed {
				notes = append(notes, fmt.Sprintf("“%s”已下架，没有加入采购单。", p.Name))
				continue
			}
			want := it.have + it.qty
			qty, m := max(want, p.MinQty), max(p.Multiple, 1)
			if r := qty % m; r != 0 {
				qty += m - r
			}
			if qty != want {
				notes = append(notes, fmt.Sprintf("“%s”现在起订量为 %d%s、须按 %d%s的整数倍订购，采购单中的数量由 %d%s改为 %d%s。",
					p.Name, p.MinQty, p.Unit, m, p.Unit, want, p.Unit, qty, p.Unit))
				want = qty
			}
			if qty > p.Stock {
				qty = p.Stock - p.Stock%m
			}
			if qty < p.MinQty || qty <= it.have {
				notes = append(notes, fmt.Sprintf("“%s”库存不足（现有 %d%s），没有加入采购单。", p.Name, p.Stock, p.Unit))
				continue
			}
			if qty < want {
				notes = append(notes, fmt.Sprintf("“%s”库存只有 %d%s，采购单中的数量由 %d%s改为 %d%s。",
					p.Name, p.Stock, p.Unit, want, p.Unit, qty, p.Unit))
			}
			price, _ := tierOf(p, qty)
			if price != it.soldAt {
				notes = append(notes, fmt.Sprintf("“%s”单价由上次的 %s变为 %s。", p.Name, it.soldAt, price))
			}
			if err := c.put(ctx, tx, b.UserID, p, qty); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return notes, nil
}
