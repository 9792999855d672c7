package order_test

import (
	"errors"
	"regexp"
	"sync"
	"testing"
	"time"

	"zhenxing"
	"zhenxing/catalog"
	"zhenxing/internal/db"
	"zhenxing/order"
)

var numberRE = regexp.MustCompile(`^XF20270512-\d{6}$`)

func TestCheckoutSplitsBySupplier(t *testing.T) {
	f := newFixture(t)
	f.product("wuji", "略阳乌鸡", "lueyang-wuji", 12800, 100, 1, 1, catalog.PriceTier{MinQty: 10, Price: 12000})
	f.product("eggs", "土鸡蛋", "lueyang-wuji", 4500, 100, 1, 1)
	f.product("cherry", "白鹿原樱桃", "dizhai-cherry", 7800, 50, 1, 1)
	b := f.org("某区总工会", true, nil)
	f.add(b, "wuji", "10")
	f.add(b, "eggs", "2")
	f.add(b, "cherry", "3")

	p := f.place(b)
	if len(p.Orders) != 2 || p.State != order.StateUnpaid || p.PayBy == nil || !p.PayBy.Equal(f.clk.Now().Add(48*60*60e9)) {
		t.Fatalf("placed = %+v", p)
	}
	if want := zhenxing.Money(10*12000 + 2*4500 + 3*7800); p.Total != want {
		t.Fatalf("total = %d, want %d", p.Total, want)
	}
	if len(p.Reference) != order.ReferenceLength || regexp.MustCompile(`[01OIL]`).MatchString(p.Reference) {
		t.Fatalf("reference %q", p.Reference)
	}
	for _, o := range p.Orders {
		if !numberRE.MatchString(o.Number) {
			t.Fatalf("order number %q", o.Number)
		}
	}
	d, err := f.svc.Orders.Get(ctx, b.OrganizationID, p.Orders[0].Number)
	if err != nil {
		t.Fatal(err)
	}
	if d.SupplierName != "略阳乌鸡合作社" || len(d.Lines) != 2 || d.Total != 10*12000+2*4500 || d.Reference != p.Reference ||
		d.Invoice.Title != "某区总工会" || d.PurchaseRef != "GH-2027-018" || d.Recipient != "李四" || len(d.Events) != 1 ||
		d.Supplier.Households != 12 {
		t.Fatalf("order = %+v", d)
	}
	for _, l := range d.Lines {
		if l.Slug == "wuji" && (l.UnitPrice != 12000 || l.TierMinQty != 10 || l.Total != 120000) {
			t.Fatalf("line sold = %+v", l)
		}
	}
	if f.stock("wuji") != 90 || f.stock("eggs") != 98 || f.stock("cherry") != 47 {
		t.Fatalf("stock %d %d %d", f.stock("wuji"), f.stock("eggs"), f.stock("cherry"))
	}
	var reason string
	if err := f.pool.QueryRow(ctx, `SELECT m.reason FROM stock_movements m JOIN products p ON p.id = m.product_id
		WHERE p.slug = 'cherry' AND m.delta = -3`).Scan(&reason); err != nil || reason != "订单 "+p.Orders[1].Number {
		t.Fatalf("movement reason %q, %v", reason, err)
	}
	if n, _ := f.svc.Carts.Count(ctx, b.UserID); n != 0 {
		t.Fatalf("cart keeps %d lines", n)
	}
	k, err := f.svc.Checkouts.Find(ctx, b.OrganizationID, p.Reference)
	if err != nil || k.Unpaid != p.Total || len(k.Orders) != 2 {
		t.Fatalf("checkout = %+v, %v", k, err)
	}
	_, err = f.svc.Checkouts.Place(ctx, b, f.input(b))
	assertMessage(t, err, zhenxing.EInvalid, "采购单是空的")
}

func TestCheckoutRefusals(t *testing.T) {
	f := newFixture(t)
	f.product("wuji", "略阳乌鸡", "lueyang-wuji", 12800, 100, 1, 1)
	f.product("eggs", "土鸡蛋", "lueyang-wuji", 4500, 5, 1, 1)

	pending := f.org("待审核工会", false, nil)
	f.add(pending, "wuji", "1")
	_, err := f.svc.Checkouts.Place(ctx, pending, f.input(pending))
	assertMessage(t, err, zhenxing.EForbidden, "尚未通过审核")

	b := f.org("某区总工会", true, nil)
	in := f.input(b)
	in.AddressID, in.Invoice.TaxID, in.Invoice.Kind = 0, "abc", order.InvoiceSpecial
	f.add(b, "wuji", "1")
	_, err = f.svc.Checkouts.Place(ctx, b, in)
	assertMessage(t, err, zhenxing.EInvalid, "请选择收货地址", "税号", "开户行")
	if fe := catalog.AsFieldErrors(err); fe.For("address") == "" || fe.For("invoice_bank") == "" {
		t.Fatalf("field errors %v", fe)
	}
	// Another organisation's address is not found, and nothing is placed.
	in = f.input(pending)
	_, err = f.svc.Checkouts.Place(ctx, b, in)
	assertMessage(t, err, zhenxing.ENotFound, "该收货地址不存在")
	if f.stock("wuji") != 100 {
		t.Fatalf("stock after refused address: %d", f.stock("wuji"))
	}

	// All or none: one line short of stock leaves every stock and the cart as they were.
	f.add(b, "eggs", "5")
	other := f.user(b, "purchaser")
	f.add(other, "eggs", "3")
	f.place(other)
	_, err = f.svc.Checkouts.Place(ctx, b, f.input(b))
	assertMessage(t, err, zhenxing.EConflict, "“土鸡蛋”库存不足", "现有 2盒")
	if f.stock("wuji") != 100 || f.stock("eggs") != 2 {
		t.Fatalf("stock after refused checkout: %d %d", f.stock("wuji"), f.stock("eggs"))
	}
	if n, _ := f.svc.Carts.Count(ctx, b.UserID); n != 2 {
		t.Fatalf("cart after refused checkout has %d lines", n)
	}
}

func TestCheckoutApprovalThreshold(t *testing.T) {
	f := newFixture(t)
	f.product("wuji", "略阳乌鸡", "lueyang-wuji", 10000, 100, 1, 1)
	admin := f.org("某区总工会", true, money(500))
	buyer := f.user(admin, "purchaser")

	f.add(buyer, "wuji", "5") // 500 yuan: not above
	if p := f.place(buyer); p.State != order.StateUnpaid {
		t.Fatalf("at the threshold: %s", p.State)
	}
	f.add(buyer, "wuji", "6")
	p := f.place(buyer)
	if p.State != order.StateApproval || p.PayBy != nil {
		t.Fatalf("above the threshold: %+v", p)
	}
	f.add(admin, "wuji", "6") // an administrator's own order needs no approval
	if p := f.place(admin); p.State != order.StateUnpaid {
		t.Fatalf("administrator's order: %s", p.State)
	}

	number := p.Orders[0].Number
	assertCode(t, f.svc.Orders.Approve(ctx, buyer, number), zhenxing.EForbidden)
	if list, err := f.svc.Orders.Approvals(ctx, admin); err != nil || len(list) != 1 || list[0].Number != number {
		t.Fatalf("approvals = %+v, %v", list, err)
	}
	f.clk.Add(3 * 60 * 60e9)
	if err := f.svc.Orders.Approve(ctx, admin, number); err != nil {
		t.Fatal(err)
	}
	d, _ := f.svc.Orders.Get(ctx, admin.OrganizationID, number)
	if d.State != order.StateUnpaid || d.PayBy == nil || !d.PayBy.Equal(f.clk.Now().Add(48*60*60e9)) || len(d.Events) != 2 {
		t.Fatalf("approved = %+v", d)
	}
	assertMessage(t, f.svc.Orders.Approve(ctx, admin, number), zhenxing.EConflict, "订单尚未付款，不能审批。")

	// Sent back: cancelled with the reason, stock released.
	f.add(buyer, "wuji", "6")
	p = f.place(buyer)
	before := f.stock("wuji")
	assertCode(t, f.svc.Orders.SendBack(ctx, admin, p.Orders[0].Number, " "), zhenxing.EInvalid)
	if err := f.svc.Orders.SendBack(ctx, admin, p.Orders[0].Number, "超出本季度预算"); err != nil {
		t.Fatal(err)
	}
	if f.stock("wuji") != before+6 || f.state(p.Orders[0].Number) != order.StateCanceled {
		t.Fatalf("sent back: stock %d, state %s", f.stock("wuji"), f.state(p.Orders[0].Number))
	}
}

// TestConcurrentCheckouts: a thousand buyers, each with a cart of one unit of a product with
// stock 10, check out at once: exactly ten orders, stock zero, never below.
func TestConcurrentCheckouts(t *testing.T) {
	f := newFixture(t)
	p := f.product("cherry", "白鹿原樱桃", "dizhai-cherry", 7800, 10, 1, 1)
	org := f.org("某区总工会", true, nil)
	const n = 1000
	rows, err := f.pool.Query(ctx, `INSERT INTO users (username, password_hash, kind, organization_id, organization_role)
		SELECT 'buyer' || i, 'x', 'buyer', $1, 'admin' FROM generate_series(1, $2) i RETURNING id`, org.OrganizationID, n)
	if err != nil {
		t.Fatal(err)
	}
	var buyers []order.Buyer
	for rows.Next() {
		b := org
		if err := rows.Scan(&b.UserID); err != nil {
			t.Fatal(err)
		}
		buyers = append(buyers, b)
	}
	if rows.Err() != nil || len(buyers) != n {
		t.Fatalf("buyers: %d, %v", len(buyers), rows.Err())
	}
	if _, err := f.pool.Exec(ctx, `INSERT INTO cart_lines (user_id, product_id, quantity, price_at_add)
		SELECT id, $1, 1, 7800 FROM users WHERE username LIKE 'buyer%'`, p.ID); err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[string]int{}
	start := make(chan struct{})
	for _, b := range buyers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := f.svc.Checkouts.Place(ctx, b, f.input(b))
			mu.Lock()
			codes[zhenxing.ErrorCode(err)]++
			if c := zhenxing.ErrorCode(err); c != "" && c != zhenxing.EConflict {
				t.Errorf("checkout: %v", err)
			}
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	if codes[""] != 10 || codes[zhenxing.EConflict] != n-10 {
		t.Fatalf("outcomes %v, want 10 placed and %d refused", codes, n-10)
	}
	var orders, negative, sold int
	if err := f.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM stock_movements WHERE stock_after < 0),
		(SELECT coalesce(sum(quantity), 0) FROM order_lines)`).Scan(&orders, &negative, &sold); err != nil {
		t.Fatal(err)
	}
	if orders != 10 || sold != 10 || negative != 0 || f.stock("cherry") != 0 {
		t.Fatalf("orders %d, sold %d, negative movements %d, stock %d", orders, sold, negative, f.stock("cherry"))
	}
}

// TestCheckoutRate: every attempt counts against the buyer's limit, placed or refused; past it
// the attempt is refused and nothing is written.
func TestCheckoutRate(t *testing.T) {
	f := newFixture(t)
	svc := order.New(f.pool, order.Config{Now: f.clk.Now, CheckoutRate: db.Rate{Max: 3, Window: time.Hour}})
	f.product("wuji", "略阳乌鸡", "lueyang-wuji", 12800, 100, 1, 1)
	b := f.org("某区总工会", true, nil)
	f.add(b, "wuji", "1")
	if _, err := svc.Checkouts.Place(ctx, b, f.input(b)); err != nil {
		t.Fatal(err)
	}
	_, err := svc.Checkouts.Place(ctx, b, f.input(b)) // the cart is empty now
	assertMessage(t, err, zhenxing.EInvalid, "采购单是空的")
	bad := f.input(b)
	bad.AddressID = 0
	_, err = svc.Checkouts.Place(ctx, b, bad)
	assertCode(t, err, zhenxing.EInvalid)
	f.add(b, "wuji", "1")
	_, err = svc.Checkouts.Place(ctx, b, f.input(b))
	assertMessage(t, err, zhenxing.ETooMany, "操作过于频繁")
	var rl *db.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter <= 0 {
		t.Fatalf("cause = %v", err)
	}
	if f.stock("wuji") != 99 {
		t.Fatalf("stock after the refused attempt: %d", f.stock("wuji"))
	}
	// Another buyer has a limit of their own.
	other := f.user(b, "purchaser")
	f.add(other, "wuji", "1")
	if _, err := svc.Checkouts.Place(ctx, other, f.input(other)); err != nil {
		t.Fatal(err)
	}
}
