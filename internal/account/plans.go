package account

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"zhenxing"
	"zhenxing/internal/db"
)

// SetPurchasePlan records amount as the yearly consumption-assistance purchase plan (预留份额) of
// the organisation that by administers for year; a nil amount removes the year's plan. It
// returns EForbidden when by is not an administrator and EInvalid for a year outside 2000-2100
// or a negative amount.
func (s *Store) SetPurchasePlan(ctx context.Context, by *User, year int, amount *zhenxing.Money) error {
	orgID, err := orgAdminOf(by)
	if err != nil {
		return err
	}
	if year < 2000 || year > 2100 {
		return zhenxing.Errorf(zhenxing.EInvalid, "年度“%d”无效。", year)
	}
	if amount != nil && *amount < 0 {
		return zhenxing.Errorf(zhenxing.EInvalid, "计划金额不能为负数。")
	}
	return db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if amount == nil {
			_, err = tx.Exec(ctx, `DELETE FROM purchase_plans WHERE organization_id = $1 AND year = $2`, orgID, year)
		} else {
			_, err = tx.Exec(ctx, `INSERT INTO purchase_plans (organization_id, year, amount) VALUES ($1, $2, $3)
				ON CONFLICT (organization_id, year) DO UPDATE SET amount = EXCLUDED.amount`, orgID, year, *amount)
		}
		if err != nil {
			return fmt.Errorf("set purchase plan: %w", err)
		}
		return db.RecordAudit(ctx, tx, by.Actor(), "organization.plan", "organization", strconv.FormatInt(orgID, 10), nil,
			map[string]any{"year": year, "amount": amount}, "")
	})
}

// PurchasePlan returns the plan of the organisation orgID for year, or nil when it recorded none.
func (s *Store) PurchasePlan(ctx context.Context, orgID int64, year int) (*zhenxing.Money, error) {
	var amount zhenxing.Money
	err := s.pool.QueryRow(ctx, `SELECT amount FROM purchase_plans WHERE organization_id = $1 AND year = $2`, orgID, year).Scan(&amount)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load purchase plan: %w", err)
	}
	return &amount, nil
}

// CountyPurchases is what an organisation bought from one county in a year.
type CountyPurchases struct {
	County string         `db:"county"`
	Amount zhenxing.Money `db:"amount"`
}

// PlanProgress is an organisation's yearly plan against its paid purchases of the year.
type PlanProgress struct {
	Year     int
	Plan     *zhenxing.Money   // nil when no plan is recorded
	ByCounty []CountyPurchases // largest first
	Total    zhenxing.Money
}

// Percent is the share of the plan bought so far, in whole percent (0 without a plan).
func (p *PlanProgress) Percent() int {
	if p.Plan == nil || *p.Plan <= 0 {
		return 0
	}
	return int(p.Total * 100 / *p.Plan)
}

// PlanProgress returns the plan of the organisation orgID for year (in Beijing time) and its
// paid purchases of the year by the county of the products: the lines of its orders that are
// paid, shipped, received or invoiced, less what was refunded of each order (shared among its
// lines by their totals). An order counts in the year of its first payment, or of its placing
// when no payment is recorded. It returns only internal errors.
func (s *Store) PlanProgress(ctx context.Context, orgID int64, year int) (*PlanProgress, error) {
	plan, err := s.PurchasePlan(ctx, orgID, year)
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `
		WITH paid AS (
			SELECT o.id, o.total, o.refunded, coalesce(
				(SELECT min(p.paid_on) FROM payment_orders po JOIN payments p ON p.id = po.payment_id WHERE po.order_id = o.id),
				(o.created_at AT TIME ZONE 'Asia/Shanghai')::date) AS paid_on
			FROM orders o
			WHERE o.organization_id = $1 AND o.state IN ('paid', 'shipped', 'received', 'invoiced')
		)
		SELECT pr.county, sum(l.total - CASE WHEN paid.total > 0 THEN l.total * paid.refunded / paid.total ELSE 0 END)::bigint AS amount
		FROM paid
		JOIN order_lines l ON l.order_id = paid.id
		JOIN products pr ON pr.id = l.product_id
		WHERE extract(year FROM paid.paid_on) = $2
		GROUP BY pr.county
		ORDER BY amount DESC, pr.county`, orgID, year)
	if err != nil {
		return nil, fmt.Errorf("plan progress: %w", err)
	}
	by, err := pgx.CollectRows(rows, pgx.RowToStructByName[CountyPurchases])
	if err != nil {
		return nil, fmt.Errorf("plan progress: %w", err)
	}
	p := &PlanProgress{Year: year, Plan: plan, ByCounty: by}
	for _, c := range by {
		p.Total += c.Amount
	}
	return p, nil
}
