package order_test

import (
	"strings"
	"testing"

	"zhenxing"
	"zhenxing/catalog"
	"zhenxing/internal/db"
	"zhenxing/order"
)

func TestParseQuantity(t *testing.T) {
	good := map[string]int{"1": 1, " 12 ": 12, "１２": 12, "+5": 5, "007": 7, "1000000": 1_000_000}
	for in, want := range good {
		if got, err := order.ParseQuantity(in); err != nil || got != want {
			t.Errorf("ParseQuantity(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	bad := map[string]string{
		"":                     "请填写数量",
		"0":                    "不能为 0",
		"-3":                   "必须大于 0",
		"-1.5":                 "必须大于 0",
		"1.5":                  "请填写整数",
		"十":                    "请填写整数",
		"3e2":                  "请填写整数",
		"1000001":              "过大",
		"99999999999999999999": "过大",
	}
	for in, want := range bad {
		_, err := order.ParseQuantity(in)
		assertMessage(t, err, zhenxing.EInvalid, want)
	}
}

func TestCartRules(t *testing.T) {
	f := newFixture(t)
	f.product("wuji", "略阳乌鸡", "lueyang-wuji", 12800, 100, 10, 5,
		catalog.PriceTier{MinQty: 30, Price: 12000}, catalog.PriceTier{MinQty: 60, Price: 11000})
	b := f.org("某区总工会", false, nil)

	cases := []struct {
		qty  string
		code string
		msg  []string
	}{
		{"0", zhenxing.EInvalid, []string{"不能为 0"}},
		{"-10", zhenxing.EInvalid, []string{"必须大于 0"}},
		{"10.5", zhenxing.EInvalid, []string{"整数"}},
		{"5", zhenxing.EInvalid, []string{"起订量为 10盒"}},
		{"12", zhenxing.EInvalid, []string{"5盒的整数倍"}},
		{"105", zhenxing.EInvalid, []string{"库存不足", "现有 100盒", "105盒"}},
		{"2147483648", zhenxing.EInvalid, []string{"过大"}},
	}
	for _, c := range cases {
		_, err := f.svc.Carts.Add(ctx, b.UserID, "wuji", c.qty)
		assertMessage(t, err, c.code, c.msg...)
	}
	_, err := f.svc.Carts.Add(ctx, b.UserID, "nothing", "10")
	assertMessage(t, err, zhenxing.ENotFound, "不存在或已下架")
	if cart, _ := f.svc.Carts.Get(ctx, b.UserID); len(cart.Lines) != 0 {
		t.Fatalf("refused adds left lines: %+v", cart.Lines)
	}

	// An unapproved organisation's user may fill a cart; adding again adds up.
	if n, err := f.svc.Carts.Add(ctx, b.UserID, "wuji", "10"); err != nil || n != 10 {
		t.Fatalf("Add = %d, %v", n, err)
	}
	if n, err := f.svc.Carts.Add(ctx, b.UserID, "wuji", "20"); err != nil || n != 30 {
		t.Fatalf("second Add = %d, %v", n, err)
	}
	_, err = f.svc.Carts.Add(ctx, b.UserID, "wuji", "75")
	assertMessage(t, err, zhenxing.EInvalid, "已有 30盒", "库存不足")

	cart, err := f.svc.Carts.Get(ctx, b.UserID)
	if err != nil {
		t.Fatal(err)
	}
	l := cart.Lines[0]
	if l.Quantity != 30 || l.UnitPrice != 12000 || l.TierMinQty != 30 || !l.Tiered || l.Total != 360000 || l.PriceChanged || l.Problem != "" {
		t.Fatalf("line at 30 = %+v", l)
	}
	if !cart.Orderable || cart.Total != 360000 || l.SupplierName != "略阳乌鸡合作社" {
		t.Fatalf("cart = %+v", cart)
	}

	// Setting the quantity re-prices the line at its tier.
	if err := f.svc.Carts.SetQuantity(ctx, b.UserID, "wuji", "60"); err != nil {
		t.Fatal(err)
	}
	assertMessage(t, f.svc.Carts.SetQuantity(ctx, b.UserID, "wuji", "63"), zhenxing.EInvalid, "5盒的整数倍")
	assertCode(t, f.svc.Carts.SetQuantity(ctx, b.UserID, "other", "10"), zhenxing.ENotFound)
	cart, _ = f.svc.Carts.Get(ctx, b.UserID)
	if l := cart.Lines[0]; l.Quantity != 60 || l.UnitPrice != 11000 || l.TierMinQty != 60 || l.Total != 660000 {
		t.Fatalf("line at 60 = %+v", l)
	}
	if err := f.svc.Carts.SetQuantity(ctx, b.UserID, "wuji", "10"); err != nil {
		t.Fatal(err)
	}
	cart, _ = f.svc.Carts.Get(ctx, b.UserID)
	if l := cart.Lines[0]; l.UnitPrice != 12800 || l.TierMinQty != 10 || l.Tiered {
		t.Fatalf("line at 10 = %+v", l)
	}

	// A price change since the line was added is said; so is an unlisting.
	p, err := f.cat.Products.Find(ctx, "wuji")
	if err != nil {
		t.Fatal(err)
	}
	p.Product.Price = 13800
	if err := f.cat.Products.Update(ctx, db.CommandLine, &p.Product, "lueyang-wuji"); err != nil {
		t.Fatal(err)
	}
	cart, _ = f.svc.Carts.Get(ctx, b.UserID)
	if l := cart.Lines[0]; !l.PriceChanged || l.PriceAtAdd != 12800 || l.UnitPrice != 13800 || l.Problem != "" ||
		l.PriceNote() != "加入采购单后单价由 ¥128.00调整为 ¥138.00。" {
		t.Fatalf("line after price change = %+v", l)
	}
	if err := f.cat.Products.SetListed(ctx, db.CommandLine, "wuji", false); err != nil {
		t.Fatal(err)
	}
	cart, _ = f.svc.Carts.Get(ctx, b.UserID)
	if l := cart.Lines[0]; !l.Unlisted || !strings.Contains(l.Problem, "已下架") || cart.Orderable {
		t.Fatalf("unlisted line = %+v, orderable %v", l, cart.Orderable)
	}
	assertMessage(t, f.svc.Carts.SetQuantity(ctx, b.UserID, "wuji", "20"), zhenxing.EInvalid, "已下架")
	_, err = f.svc.Carts.Add(ctx, b.UserID, "wuji", "10")
	assertCode(t, err, zhenxing.ENotFound)

	// The cart is the user's, in the database: another user of the organisation has none, and a
	// new service on the same pool (another replica, a new login) sees the same cart.
	other := f.user(b, "purchaser")
	if n, _ := f.svc.Carts.Count(ctx, other.UserID); n != 0 {
		t.Fatalf("other user's cart has %d lines", n)
	}
	again := order.New(f.pool, order.Config{})
	if n, _ := again.Carts.Count(ctx, b.UserID); n != 1 {
		t.Fatalf("cart seen from another service has %d lines", n)
	}
	if err := f.svc.Carts.Remove(ctx, b.UserID, "wuji"); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Carts.Remove(ctx, b.UserID, "wuji"); err != nil {
		t.Fatalf("second Remove: %v", err)
	}
	if n, _ := f.svc.Carts.Count(ctx, b.UserID); n != 0 {
		t.Fatalf("after Remove %d lines", n)
	}
}

// TestCartStockShrinks: a line that was fine when added says so when the stock falls below it.
func TestCartStockShrinks(t *testing.T) {
	f := newFixture(t)
	f.product("wuji", "略阳乌鸡", "lueyang-wuji", 12800, 20, 1, 1)
	b := f.org("某区总工会", true, nil)
	f.add(b, "wuji", "15")
	if _, err := f.cat.Stock.Adjust(ctx, db.CommandLine, "wuji", -10, "盘点"); err != nil {
		t.Fatal(err)
	}
	cart, _ := f.svc.Carts.Get(ctx, b.UserID)
	if l := cart.Lines[0]; !strings.Contains(l.Problem, "现有 10盒") || cart.Orderable {
		t.Fatalf("line = %+v", l)
	}
	_, err := f.svc.Checkouts.Place(ctx, b, f.input(b))
	assertMessage(t, err, zhenxing.EConflict, "库存不足", "现有 10盒")
}

func TestParseDate(t *testing.T) {
	for _, in := range []string{"2027-05-12", "2027/5/12", "2027年5月12日", " 2027-5-12 "} {
		d, err := order.ParseDate(in)
		if err != nil || d.Format("2006-01-02") != "2027-05-12" {
			t.Errorf("ParseDate(%q) = %v, %v", in, d, err)
		}
	}
	if d, err := order.ParseDate(""); err != nil || !d.IsZero() {
		t.Errorf("ParseDate(\"\") = %v, %v", d, err)
	}
	_, err := order.ParseDate("2027-13-01")
	assertMessage(t, err, zhenxing.EInvalid, "日期“2027-13-01”无效")
}
