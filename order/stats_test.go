package order_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing"
	"zhenxing/catalog"
	"zhenxing/internal/testdb"
	"zhenxing/order"
)

// salesLine is a line of a test order: a product of the sample catalogue and a quantity.
type salesLine struct {
	product  string
	quantity int
}

// salesOrder is a test order: its organisation, state, refunded amount, the date of its payment
// ("" for none) and when it was placed.
type salesOrder struct {
	org      string
	state    string
	refunded zhenxing.Money
	paidOn   string
	placed   time.Time
	lines    []salesLine
}

// seededPool is a database with the sample catalogue and the organisations A, B, C and D.
func seededPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool := testdb.New(t)
	ctx := context.Background()
	if _, err := catalog.New(pool, catalog.Config{}).Seed(ctx, catalog.SeedFS()); err != nil {
		t.Fatalf("seed: %v", err)
	}
	for i, name := range []string{"A", "B", "C", "D"} {
		if _, err := pool.Exec(ctx, `INSERT INTO organizations (name, credit_code, contact_name, contact_phone, status)
			VALUES ($1, $2, '联系人', '029-00000000', 'approved')`, name, fmt.Sprintf("81610111MA6T00000%d", i)); err != nil {
			t.Fatalf("organisation %s: %v", name, err)
		}
	}
	return pool
}

// insertOrders writes each order in a checkout of its own, with its lines at the products'
// prices and, when it has a payment date, a bank transfer paying it.
func insertOrders(t *testing.T, pool *pgxpool.Pool, orders []salesOrder) {
	t.Helper()
	ctx := context.Background()
	for i, o := range orders {
		var checkout, orderID int64
		if err := pool.QueryRow(ctx, `INSERT INTO checkouts (organization_id, reference, total)
			SELECT id, $2, 0 FROM organizations WHERE name = $1 RETURNING id`, o.org, fmt.Sprintf("REF%04d", i)).Scan(&checkout); err != nil {
			t.Fatalf("checkout %d: %v", i, err)
		}
		if err := pool.QueryRow(ctx, `INSERT INTO orders (number, checkout_id, organization_id, supplier_id, state, total, refunded,
				recipient, phone, address, invoice, created_at)
			SELECT $1, $2, c.organization_id, p.supplier_id, $4, 0, 0, '收货人', '13800000000', '西安市灞桥区', '{}', $5
			FROM checkouts c, products p WHERE c.id = $2 AND p.slug = $3 RETURNING id`,
			fmt.Sprintf("XF20261101-%06d", i+1), checkout, o.lines[0].product, o.state, o.placed).Scan(&orderID); err != nil {
			t.Fatalf("order %d: %v", i, err)
		}
		for _, l := range o.lines {
			if _, err := pool.Exec(ctx, `INSERT INTO order_lines (order_id, product_id, name, spec, unit, quantity, unit_price, total)
				SELECT $1, id, name, spec, unit, $3::integer, price, price * $3::integer FROM products WHERE slug = $2`, orderID, l.product, l.quantity); err != nil {
				t.Fatalf("order %d line %s: %v", i, l.product, err)
			}
		}
		var total zhenxing.Money
		if err := pool.QueryRow(ctx, `UPDATE orders SET total = (SELECT sum(total) FROM order_lines WHERE order_id = $1), refunded = $2
			WHERE id = $1 RETURNING total`, orderID, o.refunded).Scan(&total); err != nil {
			t.Fatalf("order %d total: %v", i, err)
		}
		if _, err := pool.Exec(ctx, `UPDATE checkouts SET total = $2 WHERE id = $1`, checkout, total); err != nil {
			t.Fatal(err)
		}
		if o.paidOn == "" {
			continue
		}
		if _, err := pool.Exec(ctx, `WITH p AS (
				INSERT INTO payments (checkout_id, method, amount, paid_on, payer, bank_reference)
				VALUES ($1, 'transfer', $3, $4, 'A', $5) RETURNING id)
			INSERT INTO payment_orders (payment_id, order_id, amount) SELECT id, $2, $3 FROM p`,
			checkout, orderID, total, o.paidOn, fmt.Sprintf("BANK%04d", i)); err != nil {
			t.Fatalf("payment %d: %v", i, err)
		}
	}
}

// beijing is a time on a Beijing clock.
func beijing(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, zhenxing.Beijing)
	if err != nil {
		panic(err)
	}
	return t
}

// salesOrders are orders in every state. Those that count, with what they count for:
//
//	A  嘉陵源    paid      162000 less a refund of 16200 = 145800 (中药材 115200, 茶叶 30600), paid in September
//	A  狄寨      received  156000 (樱桃), paid in September
//	B  白水江    invoiced  117000 (菌菇), paid in August
//	B  白鹿原食品 shipped   12400 less 1 fen = 12399 (干果 9600, 其他 2800, less the fen), paid in November
//	D  郭镇      paid      33600 (茶叶), no payment recorded, placed on 1 December in Beijing
//
// and those that do not: a refunded order paid in October (so October shows no sales), an
// unpaid, a cancelled and an awaiting-approval order (C has only such orders).
var salesOrders = []salesOrder{
	{org: "A", state: "paid", refunded: 16200, paidOn: "2026-09-03", placed: beijing("2026-09-01 09:00"),
		lines: []salesLine{{"lueyang-tianma-slices", 10}, {"lueyang-eucommia-flower-tea", 5}}},
	{org: "A", state: "received", paidOn: "2026-09-03", placed: beijing("2026-09-01 09:00"),
		lines: []salesLine{{"bailuyuan-hongdeng-cherry-1kg", 20}}},
	{org: "B", state: "invoiced", paidOn: "2026-08-31", placed: beijing("2026-08-30 10:00"),
		lines: []salesLine{{"lueyang-black-fungus-250g", 30}}},
	{org: "B", state: "shipped", refunded: 1, paidOn: "2026-11-02", placed: beijing("2026-10-28 10:00"),
		lines: []salesLine{{"bailuyuan-dried-cherry", 3}, {"bailuyuan-cherry-jam", 1}}},
	{org: "D", state: "paid", placed: beijing("2026-12-01 01:00"),
		lines: []salesLine{{"lueyang-green-tea", 2}}},
	{org: "A", state: "refunded", refunded: 64000, paidOn: "2026-10-10", placed: beijing("2026-10-09 10:00"),
		lines: []salesLine{{"lueyang-black-chicken", 5}}},
	{org: "B", state: "unpaid", placed: beijing("2026-10-20 10:00"), lines: []salesLine{{"lueyang-walnuts", 10}}},
	{org: "C", state: "cancelled", placed: beijing("2026-10-20 10:00"), lines: []salesLine{{"lueyang-tianma-gift", 10}}},
	{org: "C", state: "approval", placed: beijing("2026-10-21 10:00"), lines: []salesLine{{"bailuyuan-hongdeng-cherry-1kg", 100}}},
}

func TestSalesCountsPaidOrdersOnly(t *testing.T) {
	pool := seededPool(t)
	insertOrders(t, pool, salesOrders)
	f, err := order.NewStats(pool).Sales(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	const total = 145800 + 156000 + 117000 + 12399 + 33600
	if f.Total != total || f.Orders != 5 || f.Buyers != 3 || f.Households != 412+312+158+265+187 {
		t.Errorf("total %d (want %d), orders %d (want 5), buyers %d (want 3), households %d (want 1334)",
			f.Total, total, f.Orders, f.Buyers, f.Households)
	}
	if f.Empty() {
		t.Error("Empty with five paid orders")
	}

	wantSuppliers := []order.SupplierSales{
		{Slug: "dizhai-cherry-coop", Name: "西安市灞桥区狄寨白鹿原樱桃专业合作社", County: "灞桥区", Households: 312, Amount: 156000, Orders: 1},
		{Slug: "jialingyuan-herbs", Name: "略阳县嘉陵源中药材有限公司", County: "略阳县", Households: 412, Amount: 145800, Orders: 1},
		{Slug: "baishuijiang-fungus-coop", Name: "略阳县白水江镇秦岭山珍食用菌专业合作社", County: "略阳县", Households: 158, Amount: 117000, Orders: 1},
		{Slug: "guozhen-tea-coop", Name: "略阳县郭镇云雾茶叶专业合作社", County: "略阳县", Households: 187, Amount: 33600, Orders: 1},
		{Slug: "xinzhu-cherry-foods", Name: "西安灞桥白鹿原樱桃食品有限公司", County: "灞桥区", Households: 265, Amount: 12399, Orders: 1},
	}
	if fmt.Sprint(f.BySupplier) != fmt.Sprint(wantSuppliers) {
		t.Errorf("by supplier\n%v\nwant\n%v", f.BySupplier, wantSuppliers)
	}

	wantCounties := []order.SalesShare{{Name: "略阳县", Amount: 145800 + 117000 + 33600, Orders: 3}, {Name: "灞桥区", Amount: 156000 + 12399, Orders: 2}}
	if fmt.Sprint(f.ByCounty) != fmt.Sprint(wantCounties) {
		t.Errorf("by county %v, want %v", f.ByCounty, wantCounties)
	}

	// The fen refunded from the 12400 order comes off one of its two lines, whichever is first.
	if len(f.ByCategory) != 6 {
		t.Fatalf("by category %v, want 6 categories", f.ByCategory)
	}
	wantCategories := []order.SalesShare{{"樱桃", 156000, 1}, {"菌菇", 117000, 1}, {"中药材", 115200, 1}, {"茶叶", 30600 + 33600, 2}}
	if fmt.Sprint(f.ByCategory[:4]) != fmt.Sprint(wantCategories) {
		t.Errorf("by category %v, want %v first", f.ByCategory, wantCategories)
	}
	dried, other := f.ByCategory[4], f.ByCategory[5]
	if dried.Name != "干果" || other.Name != "其他" || dried.Amount+other.Amount != 12399 ||
		!(dried.Amount == 9599 && other.Amount == 2800 || dried.Amount == 9600 && other.Amount == 2799) {
		t.Errorf("got %v and %v, want 干果 9600 and 其他 2800, less a fen from one", dried, other)
	}
	var sum zhenxing.Money
	for _, c := range f.ByCategory {
		sum += c.Amount
	}
	if sum != total {
		t.Errorf("the categories add up to %d, want %d", sum, total)
	}

	month := func(y int, m time.Month) time.Time { return time.Date(y, m, 1, 0, 0, 0, 0, zhenxing.Beijing) }
	wantMonths := []order.MonthSales{
		{month(2026, 8), 117000, 1}, {month(2026, 9), 145800 + 156000, 2}, {month(2026, 10), 0, 0},
		{month(2026, 11), 12399, 1}, {month(2026, 12), 33600, 1},
	}
	if len(f.ByMonth) != len(wantMonths) {
		t.Fatalf("by month %v, want %v", f.ByMonth, wantMonths)
	}
	for i, m := range f.ByMonth {
		if w := wantMonths[i]; !m.Month.Equal(w.Month) || m.Amount != w.Amount || m.Orders != w.Orders {
			t.Errorf("month %d: %s %d %d, want %s %d %d", i, m.Month.Format("2006-01"), m.Amount, m.Orders,
				w.Month.Format("2006-01"), w.Amount, w.Orders)
		}
	}
}

func TestSalesEmpty(t *testing.T) {
	pool := seededPool(t)
	insertOrders(t, pool, []salesOrder{
		{org: "C", state: "unpaid", placed: beijing("2026-10-20 10:00"), lines: []salesLine{{"lueyang-walnuts", 10}}},
		{org: "C", state: "refunded", refunded: 36000, paidOn: "2026-10-21", placed: beijing("2026-10-20 10:00"), lines: []salesLine{{"lueyang-walnuts", 10}}},
	})
	f, err := order.NewStats(pool).Sales(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !f.Empty() || f.Total != 0 || f.Buyers != 0 || f.Households != 0 ||
		len(f.ByCounty)+len(f.BySupplier)+len(f.ByCategory)+len(f.ByMonth) != 0 {
		t.Errorf("figures without a paid order: %+v", f)
	}
	if f.ByCounty == nil || f.BySupplier == nil || f.ByCategory == nil || f.ByMonth == nil {
		t.Error("a list is nil rather than empty")
	}
}
