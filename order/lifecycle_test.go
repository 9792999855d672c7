package order_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"zhenxing"
	"zhenxing/internal/db"
	"zhenxing/order"
)

// TestLifecycle walks an order forward through every state; each step out of turn is refused
// with a message naming the state, and the timeline records who did what.
func TestLifecycle(t *testing.T) {
	f := newFixture(t)
	f.product("wuji", "略阳乌鸡", "lueyang-wuji", 12800, 100, 1, 1)
	b := f.org("某区总工会", true, nil)
	staff := f.staff()
	f.add(b, "wuji", "2")
	p := f.place(b)
	n := p.Orders[0].Number

	assertMessage(t, f.svc.Orders.Ship(ctx, staff, n, "顺丰速运", "SF1"), zhenxing.EConflict, "订单尚未付款，不能发货。")
	assertMessage(t, f.svc.Orders.ConfirmReceipt(ctx, b, n), zhenxing.EConflict, "订单尚未付款，不能确认收货。")
	assertMessage(t, f.svc.Invoices.Request(ctx, b, n), zhenxing.EConflict, "不能申请发票")
	assertMessage(t, f.svc.Orders.Refund(ctx, staff, n, 100, "测试", ""), zhenxing.EConflict, "不能退款")
	if _, err := f.svc.Payments.RecordTransfer(ctx, staff, transfer(n, 25600, "B-1")); err != nil {
		t.Fatal(err)
	}
	assertMessage(t, f.svc.Orders.Cancel(ctx, b, n), zhenxing.EConflict, "订单已付款，不能取消。")
	assertCode(t, f.svc.Orders.Ship(ctx, staff, n, "", "SF1"), zhenxing.EInvalid)
	if err := f.svc.Orders.Ship(ctx, staff, n, "顺丰速运", "SF1"); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Orders.Ship(ctx, staff, n, "中国邮政", "EMS2"); err != nil {
		t.Fatal(err)
	}
	assertMessage(t, f.svc.Orders.Cancel(ctx, b, n), zhenxing.EConflict, "订单已发货，不能取消。")
	if err := f.svc.Invoices.Request(ctx, b, n); err != nil {
		t.Fatal(err)
	}
	assertMessage(t, f.svc.Invoices.Request(ctx, b, n), zhenxing.EConflict, "已经申请过")
	pdf := []byte("%PDF-1.4 invoice")
	inv := order.IssuedInvoice{Number: "61002700001", IssuedOn: f.clk.Now(), Amount: 25600, PDF: pdf}
	assertMessage(t, f.svc.Invoices.Record(ctx, staff, n, inv), zhenxing.EConflict, "订单已发货，不能登记发票。")

	// A problem on receipt, with a photo.
	png := []byte("\x89PNG\r\n\x1a\n0000000000000000")
	assertCode(t, f.svc.Orders.ReportProblem(ctx, b, n, "", nil), zhenxing.EInvalid)
	assertMessage(t, f.svc.Orders.ReportProblem(ctx, b, n, "破损", []byte("GIF89a......")), zhenxing.EInvalid, "JPEG")
	if err := f.svc.Orders.ReportProblem(ctx, b, n, "两盒包装破损", png); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Orders.ConfirmReceipt(ctx, b, n); err != nil {
		t.Fatal(err)
	}
	assertMessage(t, f.svc.Orders.ConfirmReceipt(ctx, b, n), zhenxing.EConflict, "订单已收货，不能确认收货。")
	assertMessage(t, f.svc.Invoices.Record(ctx, staff, n, order.IssuedInvoice{Number: "1", IssuedOn: f.clk.Now(), Amount: 25600, PDF: []byte("nope")}),
		zhenxing.EInvalid, "PDF")
	if _, err := f.svc.Invoices.PDF(ctx, b.OrganizationID, n); zhenxing.ErrorCode(err) != zhenxing.ENotFound {
		t.Fatalf("PDF before recording: %v", err)
	}
	if err := f.svc.Invoices.Record(ctx, staff, n, inv); err != nil {
		t.Fatal(err)
	}
	if got, err := f.svc.Invoices.PDF(ctx, b.OrganizationID, n); err != nil || !bytes.Equal(got, pdf) {
		t.Fatalf("PDF = %q, %v", got, err)
	}

	// A part refund leaves the state; the rest refunds in full. A Stripe refund id is recorded once.
	assertMessage(t, f.svc.Orders.Refund(ctx, staff, n, 30000, "破损", ""), zhenxing.EInvalid, "超过可退金额 ¥256.00")
	if err := f.svc.Orders.Refund(ctx, staff, n, 12800, "两盒破损", "re_1"); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Orders.Refund(ctx, staff, n, 12800, "两盒破损", "re_1"); err != nil {
		t.Fatalf("repeated Stripe refund: %v", err)
	}
	if f.state(n) != order.StateInvoiced {
		t.Fatalf("after a part refund: %s", f.state(n))
	}
	if err := f.svc.Orders.Refund(ctx, staff, n, 12800, "协商全部退款", ""); err != nil {
		t.Fatal(err)
	}
	assertMessage(t, f.svc.Orders.Ship(ctx, staff, n, "顺丰速运", "SF3"), zhenxing.EConflict, "订单已退款，不能发货。")

	d, err := f.svc.Orders.Get(ctx, b.OrganizationID, n)
	if err != nil {
		t.Fatal(err)
	}
	if d.State != order.StateRefunded || d.Refunded != 25600 || len(d.Refunds) != 2 || len(d.Shipments) != 2 ||
		len(d.Problems) != 1 || !d.Problems[0].HasPhoto || d.InvoiceRequest == nil || d.InvoiceRequest.Number != "61002700001" || !d.InvoiceRequest.HasPDF {
		t.Fatalf("order = %+v", d)
	}
	var path []string
	for _, e := range d.Events {
		path = append(path, e.To)
	}
	want := "unpaid paid shipped shipped shipped received invoiced invoiced refunded"
	if strings.Join(path, " ") != want {
		t.Fatalf("timeline %v, want %s", path, want)
	}
	if d.Events[1].ActorName != "王会计" || d.Events[5].ActorName != b.Name {
		t.Fatalf("actors %q %q", d.Events[1].ActorName, d.Events[5].ActorName)
	}
	if photo, ctype, err := f.svc.Orders.ProblemPhoto(ctx, b.OrganizationID, n, d.Problems[0].ID); err != nil || ctype != "image/png" || !bytes.Equal(photo, png) {
		t.Fatalf("photo %q %q %v", photo, ctype, err)
	}
	if _, _, err := f.svc.Orders.ProblemPhoto(ctx, b.OrganizationID+1, n, d.Problems[0].ID); zhenxing.ErrorCode(err) != zhenxing.ENotFound {
		t.Fatalf("another organisation's photo: %v", err)
	}
	if _, _, err := f.svc.Orders.StaffProblemPhoto(ctx, n, d.Problems[0].ID); err != nil {
		t.Fatal(err)
	}
	audit, err := db.Audit(ctx, f.pool, db.AuditQuery{Entity: "order", EntityID: n})
	if err != nil || len(audit) != 5 {
		t.Fatalf("audit entries %d, %v", len(audit), err)
	}
}

// TestBuyerCancel: a buyer cancels an unpaid order and its stock comes back; a staff
// cancellation needs a reason.
func TestBuyerCancel(t *testing.T) {
	f := newFixture(t)
	f.product("wuji", "略阳乌鸡", "lueyang-wuji", 12800, 100, 1, 1)
	b := f.org("某区总工会", true, nil)
	f.add(b, "wuji", "4")
	p := f.place(b)
	if err := f.svc.Orders.Cancel(ctx, b, p.Orders[0].Number); err != nil {
		t.Fatal(err)
	}
	if f.stock("wuji") != 100 || f.state(p.Orders[0].Number) != order.StateCanceled {
		t.Fatalf("stock %d", f.stock("wuji"))
	}
	assertMessage(t, f.svc.Orders.Cancel(ctx, b, p.Orders[0].Number), zhenxing.EConflict, "订单已取消，不能取消。")
	f.add(b, "wuji", "4")
	p = f.place(b)
	assertCode(t, f.svc.Orders.StaffCancel(ctx, f.staff(), p.Orders[0].Number, ""), zhenxing.EInvalid)
}

// TestIsolation: one organisation's user sees and acts on none of another's orders, checkouts
// or invoices: each is ENotFound, as an unknown number is.
func TestIsolation(t *testing.T) {
	f := newFixture(t)
	f.product("wuji", "略阳乌鸡", "lueyang-wuji", 12800, 100, 1, 1)
	a := f.org("甲工会", true, nil)
	c := f.org("乙工会", true, nil)
	staff := f.staff()
	f.add(a, "wuji", "1")
	p := f.place(a)
	n := p.Orders[0].Number
	if _, err := f.svc.Payments.RecordTransfer(ctx, staff, transfer(n, 12800, "B-1")); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Orders.Ship(ctx, staff, n, "顺丰速运", "SF1"); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.Orders.Get(ctx, c.OrganizationID, n)
	assertMessage(t, err, zhenxing.ENotFound, "没有找到订单")
	_, err = f.svc.Orders.Get(ctx, 0, n)
	assertCode(t, err, zhenxing.ENotFound)
	assertCode(t, f.svc.Orders.ConfirmReceipt(ctx, c, n), zhenxing.ENotFound)
	assertCode(t, f.svc.Orders.Cancel(ctx, c, n), zhenxing.ENotFound)
	assertCode(t, f.svc.Orders.ReportProblem(ctx, c, n, "坏了", nil), zhenxing.ENotFound)
	assertCode(t, f.svc.Invoices.Request(ctx, c, n), zhenxing.ENotFound)
	_, err = f.svc.Invoices.PDF(ctx, c.OrganizationID, n)
	assertCode(t, err, zhenxing.ENotFound)
	_, err = f.svc.Checkouts.Find(ctx, c.OrganizationID, p.Reference)
	assertCode(t, err, zhenxing.ENotFound)
	_, err = f.svc.Carts.Reorder(ctx, c, n)
	assertCode(t, err, zhenxing.ENotFound)
	if page, err := f.svc.Orders.List(ctx, c.OrganizationID, order.Filter{}); err != nil || page.Total != 0 {
		t.Fatalf("other organisation's list = %+v, %v", page, err)
	}
	if page, err := f.svc.Orders.List(ctx, a.OrganizationID, order.Filter{}); err != nil || page.Total != 1 {
		t.Fatalf("own list = %+v, %v", page, err)
	}
	if d, err := f.svc.Orders.Get(ctx, a.OrganizationID, strings.ToLower(n)); err != nil || d.State != order.StateShipped {
		t.Fatalf("own order = %v", err)
	}
}

func TestListFiltersAndExport(t *testing.T) {
	f := newFixture(t)
	f.product("wuji", "略阳乌鸡", "lueyang-wuji", 12800, 100, 1, 1)
	b := f.org("某区总工会", true, nil)
	var numbers []string
	for range 3 {
		f.add(b, "wuji", "1")
		numbers = append(numbers, f.place(b).Orders[0].Number)
		f.clk.Add(24 * time.Hour)
	}
	if err := f.svc.Orders.Cancel(ctx, b, numbers[0]); err != nil {
		t.Fatal(err)
	}
	day := func(d int) time.Time { return time.Date(2027, 5, d, 0, 0, 0, 0, time.UTC) }
	cases := []struct {
		f    order.Filter
		want []string
	}{
		{order.Filter{}, []string{numbers[2], numbers[1], numbers[0]}},
		{order.Filter{State: order.StateUnpaid}, []string{numbers[2], numbers[1]}},
		{order.Filter{From: day(13)}, []string{numbers[2], numbers[1]}},
		{order.Filter{From: day(12), To: day(12)}, []string{numbers[0]}},
		{order.Filter{Number: numbers[1][len(numbers[1])-6:]}, []string{numbers[1]}},
		{order.Filter{Number: "gh-2027"}, []string{numbers[2], numbers[1], numbers[0]}},
		{order.Filter{Limit: 1, Offset: 1}, []string{numbers[1]}},
	}
	for _, c := range cases {
		page, err := f.svc.Orders.List(ctx, b.OrganizationID, c.f)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, o := range page.Orders {
			got = append(got, o.Number)
		}
		if strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("List(%+v) = %v, want %v", c.f, got, c.want)
		}
	}
	_, err := f.svc.Orders.List(ctx, b.OrganizationID, order.Filter{State: "lost"})
	assertCode(t, err, zhenxing.EInvalid)
	_, err = f.svc.Orders.StaffList(ctx, order.Filter{From: day(14), To: day(12)})
	assertMessage(t, err, zhenxing.EInvalid, "结束日期")
	if page, _ := f.svc.Orders.StaffList(ctx, order.Filter{Organization: "区总工"}); page.Total != 3 {
		t.Fatalf("staff list by organisation: %d", page.Total)
	}

	var buf bytes.Buffer
	if err := f.svc.Orders.ExportCSV(ctx, &buf, order.Filter{State: order.StateCanceled}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	// The CSV's own commas are ASCII: join the fields rather than write them in Chinese text.
	header := "\ufeff" + strings.Join([]string{"订单号", "下单时间", "采购单位", "供应商", "状态", "金额（元）"}, ",")
	row := strings.Join([]string{numbers[0], "2027-05-12 10:30", "某区总工会", "略阳乌鸡合作社", "已取消", "128.00"}, ",")
	if !strings.HasPrefix(out, header) || !strings.Contains(out, row) ||
		strings.Count(out, "\n") != 2 {
		t.Fatalf("orders CSV:\n%s", out)
	}
}

func TestReorder(t *testing.T) {
	f := newFixture(t)
	f.product("wuji", "略阳乌鸡", "lueyang-wuji", 12800, 100, 1, 1)
	f.product("eggs", "土鸡蛋", "lueyang-wuji", 4500, 100, 1, 1)
	f.product("honey", "土蜂蜜", "lueyang-wuji", 6800, 100, 1, 1)
	f.product("cherry", "白鹿原樱桃", "dizhai-cherry", 7800, 100, 1, 1)
	b := f.org("某区总工会", true, nil)
	f.add(b, "wuji", "10")
	f.add(b, "eggs", "20")
	f.add(b, "honey", "5")
	f.add(b, "cherry", "3")
	p := f.place(b)

	// Since then: eggs cost more, honey is off sale, the chicken is short.
	eggs, _ := f.cat.Products.Find(ctx, "eggs")
	eggs.Product.Price = 5000
	if err := f.cat.Products.Update(ctx, db.CommandLine, &eggs.Product, "lueyang-wuji"); err != nil {
		t.Fatal(err)
	}
	if err := f.cat.Products.SetListed(ctx, db.CommandLine, "honey", false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.cat.Stock.Adjust(ctx, db.CommandLine, "wuji", -84, "盘点"); err != nil {
		t.Fatal(err)
	}
	notes, err := f.svc.Carts.Reorder(ctx, b, p.Orders[0].Number)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(notes, "\n")
	for _, want := range []string{"“土蜂蜜”已下架", "“土鸡蛋”单价由上次的 ¥45.00变为 ¥50.00", "“略阳乌鸡”库存只有 6盒，采购单中的数量由 10盒改为 6盒"} {
		if !strings.Contains(all, want) {
			t.Errorf("notes %q lack %q", notes, want)
		}
	}
	if len(notes) != 3 {
		t.Errorf("notes = %q", notes)
	}
	cart, _ := f.svc.Carts.Get(ctx, b.UserID)
	if len(cart.Lines) != 2 || !cart.Orderable {
		t.Fatalf("cart after reorder = %+v", cart)
	}
	for _, l := range cart.Lines {
		if l.Slug == "wuji" && l.Quantity != 6 || l.Slug == "eggs" && (l.Quantity != 20 || l.UnitPrice != 5000 || l.PriceChanged) {
			t.Fatalf("line %+v", l)
		}
	}
}
