package order_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing"
	"zhenxing/catalog"
	"zhenxing/internal/db"
	"zhenxing/internal/testdb"
	"zhenxing/order"
)

// fixture is a migrated database with a catalogue, the order service on it and a clock the
// test moves.
type fixture struct {
	t    testing.TB
	pool *pgxpool.Pool
	cat  *catalog.Catalog
	svc  *order.Service
	clk  *clock
	seq  int
	addr map[int64]int64 // organisation id -> its delivery address
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

func newFixture(t testing.TB) *fixture {
	t.Helper()
	return newFixtureOn(t, testdb.New(t))
}

func newFixtureOn(t testing.TB, pool *pgxpool.Pool) *fixture {
	t.Helper()
	clk := &clock{now: time.Date(2027, 5, 12, 2, 30, 0, 0, time.UTC)} // 10:30 in Beijing
	f := &fixture{t: t, pool: pool, cat: catalog.New(pool, catalog.Config{}), clk: clk,
		svc: order.New(pool, order.Config{Now: clk.Now, CheckoutRate: db.Rate{Max: 1000, Window: time.Hour}}), addr: map[int64]int64{}}
	f.supplier("lueyang-wuji", "略阳乌鸡合作社", catalog.CountyPaired)
	f.supplier("dizhai-cherry", "狄寨樱桃合作社", catalog.CountyLocal)
	return f
}

var ctx = context.Background()

func (f *fixture) supplier(slug, name, county string) {
	f.t.Helper()
	f.seq++
	code, ok := catalog.CreditCodeCheckChar(fmt.Sprintf("93610727MA63PW%03d", f.seq))
	if !ok {
		f.t.Fatal("credit code")
	}
	sp := &catalog.Supplier{Slug: slug, Name: name, Kind: "合作社", County: county, Township: "某镇",
		CreditCode: fmt.Sprintf("93610727MA63PW%03d", f.seq) + string(code), Households: 12, Linkage: "订单收购"}
	if err := f.cat.Suppliers.Create(ctx, db.CommandLine, sp); err != nil {
		f.t.Fatalf("create supplier %s: %v", slug, err)
	}
}

// product creates a listed product of the supplier: price in fen, stock, minimum order and
// multiple, and tiers.
func (f *fixture) product(slug, name, supplier string, price zhenxing.Money, stock, minQty, multiple int, tiers ...catalog.PriceTier) *catalog.Product {
	f.t.Helper()
	county := catalog.CountyPaired
	if strings.HasPrefix(supplier, "dizhai") {
		county = catalog.CountyLocal
	}
	p := &catalog.Product{Slug: slug, Name: name, Category: "禽蛋肉类", County: county, Township: "某镇",
		Spec: "1只/盒", Unit: "盒", Price: price, Tiers: tiers, MinQty: minQty, Multiple: multiple, Stock: stock, Listed: true}
	if err := f.cat.Products.Create(ctx, db.CommandLine, p, supplier); err != nil {
		f.t.Fatalf("create product %s: %v", slug, err)
	}
	return p
}

// org creates an organisation (approved or not, with an approval threshold or none) and
// returns it as its administrator sees it.
func (f *fixture) org(name string, approved bool, threshold *zhenxing.Money) order.Buyer {
	f.t.Helper()
	f.seq++
	status := "pending"
	if approved {
		status = "approved"
	}
	var id int64
	err := f.pool.QueryRow(ctx, `INSERT INTO organizations (name, credit_code, contact_name, contact_phone, status, approval_threshold)
		VALUES ($1, $2, '张三', '13800000000', $3, $4) RETURNING id`,
		name, fmt.Sprintf("81610000MC%08d", f.seq), status, threshold).Scan(&id)
	if err != nil {
		f.t.Fatalf("insert organization: %v", err)
	}
	var addr int64
	if err := f.pool.QueryRow(ctx, `INSERT INTO delivery_addresses (organization_id, recipient, phone, address, is_default)
		VALUES ($1, '李四', '029-83330000', '西安市灞桥区纺织城正街 1 号', true) RETURNING id`, id).Scan(&addr); err != nil {
		f.t.Fatalf("insert address: %v", err)
	}
	f.addr[id] = addr
	b := f.user(order.Buyer{OrganizationID: id, Approved: approved, ApprovalThreshold: threshold}, "admin")
	return b
}

// user adds a user to the buyer's organisation with the role (admin or purchaser).
func (f *fixture) user(of order.Buyer, role string) order.Buyer {
	f.t.Helper()
	f.seq++
	name := fmt.Sprintf("user%d", f.seq)
	var id int64
	err := f.pool.QueryRow(ctx, `INSERT INTO users (username, display_name, password_hash, kind, organization_id, organization_role)
		VALUES ($1, $2, 'x', 'buyer', $3, $4) RETURNING id`, name, "采购员"+name, of.OrganizationID, role).Scan(&id)
	if err != nil {
		f.t.Fatalf("insert user: %v", err)
	}
	of.UserID, of.Name, of.Admin = id, "采购员"+name, role == "admin"
	return of
}

// staff is a staff account for the back office's actions.
func (f *fixture) staff() db.Actor {
	f.t.Helper()
	var id int64
	err := f.pool.QueryRow(ctx, `INSERT INTO users (username, display_name, password_hash, kind, roles)
		VALUES ('hall', '王会计', 'x', 'staff', '{hall}') RETURNING id`).Scan(&id)
	if err != nil {
		f.t.Fatalf("insert staff: %v", err)
	}
	return db.Actor{ID: id, Name: "王会计"}
}

func (f *fixture) add(b order.Buyer, slug, qty string) {
	f.t.Helper()
	if _, err := f.svc.Carts.Add(ctx, b.UserID, slug, qty); err != nil {
		f.t.Fatalf("Carts.Add(%s, %s): %v", slug, qty, err)
	}
}

func (f *fixture) stock(slug string) int {
	f.t.Helper()
	var n int
	if err := f.pool.QueryRow(ctx, `SELECT stock FROM products WHERE slug = $1`, slug).Scan(&n); err != nil {
		f.t.Fatalf("read stock: %v", err)
	}
	return n
}

func (f *fixture) state(number string) string {
	f.t.Helper()
	d, err := f.svc.Orders.StaffGet(ctx, number)
	if err != nil {
		f.t.Fatalf("StaffGet(%s): %v", number, err)
	}
	return d.State
}

// input is a valid checkout form of the buyer, to the organisation's address.
func (f *fixture) input(b order.Buyer) order.CheckoutInput {
	return order.CheckoutInput{AddressID: f.addr[b.OrganizationID],
		Invoice:     order.InvoiceDetails{Title: "某区总工会", TaxID: "81610000MC0000001X", Kind: order.InvoiceOrdinary},
		PurchaseRef: "GH-2027-018", Note: "工作日送货"}
}

func (f *fixture) place(b order.Buyer) *order.Placed {
	f.t.Helper()
	p, err := f.svc.Checkouts.Place(ctx, b, f.input(b))
	if err != nil {
		f.t.Fatalf("Checkouts.Place: %v", err)
	}
	return p
}

func assertCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := zhenxing.ErrorCode(err); got != code {
		t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
}

// assertMessage checks the code and that the user's message contains each of parts.
func assertMessage(t testing.TB, err error, code string, parts ...string) {
	t.Helper()
	assertCode(t, err, code)
	msg := zhenxing.ErrorMessage(err)
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Fatalf("message %q does not contain %q", msg, p)
		}
	}
}

func money(yuan int64) *zhenxing.Money { m := zhenxing.YuanOf(yuan); return &m }

// transfer is a bank transfer against target paid today.
func transfer(target string, amount zhenxing.Money, ref string) order.Transfer {
	return order.Transfer{Target: target, PaidOn: time.Date(2027, 5, 12, 0, 0, 0, 0, time.UTC), Amount: amount,
		Payer: "某区总工会", BankReference: ref}
}
