package order

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing"
)

// Stats computes the hall's public sales statistics from the paid orders.
//
// An order counts when its state is paid, shipped, received or invoiced (已付款, 已发货, 已收货,
// 已开票) and less than all of it was refunded; it counts for its total less what was refunded.
// Unpaid, awaiting approval, cancelled and refunded (已退款) orders count for nothing. An order's
// amount is shared among its lines in proportion to their totals (to the fen, the shares adding
// up to the amount), which gives the figures by county and category of the products; the figures
// by supplier take the order's supplier, and the month is that of the order's first payment
// (payments.paid_on, a date in Beijing time) or, for an order without a recorded payment, of its
// placing in Beijing time.
type Stats struct {
	pool *pgxpool.Pool
}

// NewStats returns the statistics over the pool.
func NewStats(pool *pgxpool.Pool) *Stats { return &Stats{pool: pool} }

// SalesFigures are the sales to date, computed from the paid orders (see Stats).
type SalesFigures struct {
	Total      zhenxing.Money // every counted order, less refunds
	Orders     int            // counted orders
	Buyers     int            // buyer organisations with at least one counted order
	Households int            // farming households linked (联农带农) by the suppliers of BySupplier
	ByCounty   []SalesShare   // by the county of the products, largest first
	BySupplier []SupplierSales
	ByCategory []SalesShare // by the category of the products, largest first
	ByMonth    []MonthSales // from the first month with sales to the last, months without sales included
}

// Empty reports whether no order counts yet.
func (f *SalesFigures) Empty() bool { return f.Orders == 0 }

// SalesShare is what one county or category sold: the shares of the counted orders' lines, and
// how many counted orders have a line in it.
type SalesShare struct {
	Name   string
	Amount zhenxing.Money
	Orders int
}

// SupplierSales is what one supplier sold through its counted orders.
type SupplierSales struct {
	Slug       string
	Name       string
	County     string
	Households int // 联农带农, from the supplier record
	Amount     zhenxing.Money
	Orders     int
}

// MonthSales is what the orders first paid in one month (Beijing time) came to.
type MonthSales struct {
	Month  time.Time // the first day of the month, 00:00 in Beijing
	Amount zhenxing.Money
	Orders int
}

// countedOrders is the CTE of the orders that count, with what each counts for.
const countedOrders = `WITH counted AS (
    SELECT o.id, o.organization_id, o.supplier_id, o.created_at, o.total - o.refunded AS net
    FROM orders o
    WHERE o.state IN ('paid', 'shipped', 'received', 'invoiced') AND o.total > o.refunded
)`

const salesTotalsSQL = countedOrders + `
SELECT coalesce(sum(net), 0)::bigint, count(*), count(DISTINCT organization_id) FROM counted`

const salesBySupplierSQL = countedOrders + `
SELECT s.slug, s.name, s.county, s.households, sum(c.net)::bigint AS amount, count(*)
FROM counted c JOIN suppliers s ON s.id = c.supplier_id
GROUP BY s.id
ORDER BY amount DESC, s.name, s.id`

// salesByProductSQL shares each order's amount among its lines: the share of the lines up to
// and including a line (in product order) is the floor of the amount times their part of the
// lines' total, and a line gets its share less that of the lines before it. The shares of an
// order therefore add up to its amount exactly.
const salesByProductSQL = countedOrders + `,
lines AS (
    SELECT c.id AS order_id, l.product_id, p.county, p.category, c.net,
           sum(l.total) OVER (PARTITION BY l.order_id ORDER BY l.product_id) AS upto,
           sum(l.total) OVER (PARTITION BY l.order_id) AS whole
    FROM counted c
    JOIN order_lines l ON l.order_id = c.id
    JOIN products p ON p.id = l.product_id
),
cumulative AS (
    SELECT order_id, product_id, county, category,
           CASE WHEN whole > 0 THEN floor(upto::numeric * net / whole)::bigint ELSE 0 END AS share
    FROM lines
),
shares AS (
    SELECT order_id, county, category,
           share - coalesce(lag(share) OVER (PARTITION BY order_id ORDER BY product_id), 0) AS amount
    FROM cumulative
)
SELECT GROUPING(county) = 0 AS by_county, coalesce(county, category) AS name,
       sum(amount)::bigint AS amount, count(DISTINCT order_id)
FROM shares
GROUP BY GROUPING SETS ((county), (category))
ORDER BY by_county DESC, amount DESC, name`

const salesByMonthSQL = countedOrders + `
SELECT date_trunc('month', coalesce(
           (SELECT min(p.paid_on) FROM payment_orders po JOIN payments p ON p.id = po.payment_id WHERE po.order_id = c.id),
           (c.created_at AT TIME ZONE 'Asia/Shanghai')::date))::date AS month,
       sum(c.net)::bigint, count(*)
FROM counted c
GROUP BY month
ORDER BY month`

// Sales returns the sales to date. The figures are read in one read-only snapshot, so that they
// agree with each other. It returns only database errors (wrapped).
func (s *Stats) Sales(ctx context.Context) (*SalesFigures, error) {
	f := &SalesFigures{ByCounty: []SalesShare{}, BySupplier: []SupplierSales{}, ByCategory: []SalesShare{}, ByMonth: []MonthSales{}}
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(salesTotalsSQL).QueryRow(func(row pgx.Row) error {
			return row.Scan(&f.Total, &f.Orders, &f.Buyers)
		})
		b.Queue(salesBySupplierSQL).Query(func(rows pgx.Rows) error {
			var err error
			f.BySupplier, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (SupplierSales, error) {
				var v SupplierSales
				err := row.Scan(&v.Slug, &v.Name, &v.County, &v.Households, &v.Amount, &v.Orders)
				return v, err
			})
			return err
		})
		b.Queue(salesByProductSQL).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var byCounty bool
				var v SalesShare
				if err := rows.Scan(&byCounty, &v.Name, &v.Amount, &v.Orders); err != nil {
					return err
				}
				if byCounty {
					f.ByCounty = append(f.ByCounty, v)
				} else {
					f.ByCategory = append(f.ByCategory, v)
				}
			}
			return rows.Err()
		})
		b.Queue(salesByMonthSQL).Query(func(rows pgx.Rows) error {
			var err error
			f.ByMonth, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (MonthSales, error) {
				var v MonthSales
				var d time.Time
				err := row.Scan(&d, &v.Amount, &v.Orders)
				v.Month = time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, zhenxing.Beijing)
				return v, err
			})
			return err
		})
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return nil, fmt.Errorf("sales statistics: %w", err)
	}
	f.ByMonth = fillMonths(f.ByMonth)
	for _, sup := range f.BySupplier {
		f.Households += sup.Households
	}
	return f, nil
}

// fillMonths adds the months without sales between those of months, which is in order.
func fillMonths(months []MonthSales) []MonthSales {
	if len(months) < 2 {
		return months
	}
	out := make([]MonthSales, 0, len(months))
	for _, m := range months {
		if n := len(out); n > 0 {
			for next := out[n-1].Month.AddDate(0, 1, 0); next.Before(m.Month); next = next.AddDate(0, 1, 0) {
				out = append(out, MonthSales{Month: next})
			}
		}
		out = append(out, m)
	}
	return out
}
