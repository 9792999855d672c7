package order_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"zhenxing"
	"zhenxing/order"
)

func TestBankTransfer(t *testing.T) {
	f := newFixture(t)
	f.product("wuji", "略阳乌鸡", "lueyang-wuji", 12800, 100, 1, 1)
	f.product("cherry", "白鹿原樱桃", "dizhai-cherry", 7800, 100, 1, 1)
	b := f.org("某区总工会", true, nil)
	staff := f.staff()
	f.add(b, "wuji", "2")
	f.add(b, "cherry", "1")
	p := f.place(b) // 256 + 78 yuan in two orders

	// Against the reference code: the whole checkout, and nothing else.
	_, err := f.svc.Payments.RecordTransfer(ctx, staff, transfer(strings.ToLower(p.Reference), 25600, "B-100"))
	assertMessage(t, err, zhenxing.EInvalid, "金额不符", "应付 ¥334.00", "¥256.00", p.Orders[0].Number, p.Orders[1].Number)
	_, err = f.svc.Payments.RecordTransfer(ctx, staff, transfer("ZZZZZZZZ", 33400, "B-100"))
	assertCode(t, err, zhenxing.ENotFound)
	future := transfer(p.Reference, 33400, "B-100")
	future.PaidOn = f.clk.Now().Add(48 * time.Hour)
	_, err = f.svc.Payments.RecordTransfer(ctx, staff, future)
	assertMessage(t, err, zhenxing.EInvalid, "晚于今天")
	_, err = f.svc.Payments.RecordTransfer(ctx, staff, transfer(p.Reference, 33400, " "))
	assertMessage(t, err, zhenxing.EInvalid, "银行流水号")
	if f.state(p.Orders[0].Number) != order.StateUnpaid {
		t.Fatal("a refused payment changed the order")
	}

	rec, err := f.svc.Payments.RecordTransfer(ctx, staff, transfer(p.Reference, 33400, "B-100"))
	if err != nil || len(rec.Orders) != 2 || rec.Late {
		t.Fatalf("RecordTransfer = %+v, %v", rec, err)
	}
	for _, o := range p.Orders {
		if f.state(o.Number) != order.StatePaid {
			t.Fatalf("%s is %s", o.Number, f.state(o.Number))
		}
	}
	d, _ := f.svc.Orders.Get(ctx, b.OrganizationID, p.Orders[1].Number)
	if len(d.Payments) != 1 || d.Payments[0].Amount != 7800 || d.Payments[0].BankReference != "B-100" {
		t.Fatalf("payments of the order = %+v", d.Payments)
	}

	// A bank reference is recorded once; a paid order takes no second payment.
	f.add(b, "wuji", "1")
	p2 := f.place(b)
	_, err = f.svc.Payments.RecordTransfer(ctx, staff, transfer(p2.Orders[0].Number, 12800, "B-100"))
	assertMessage(t, err, zhenxing.EConflict, "B-100", "已登记过")
	_, err = f.svc.Payments.RecordTransfer(ctx, staff, transfer(p.Orders[0].Number, 25600, "B-101"))
	assertMessage(t, err, zhenxing.EConflict, "订单已付款，不能登记付款。")
	_, err = f.svc.Payments.RecordTransfer(ctx, staff, transfer(p.Reference, 33400, "B-101"))
	assertMessage(t, err, zhenxing.EConflict, "都已付款")

	// Against one order number.
	_, err = f.svc.Payments.RecordTransfer(ctx, staff, transfer(p2.Orders[0].Number, 12700, "B-102"))
	assertMessage(t, err, zhenxing.EInvalid, "应付 ¥128.00")
	if _, err := f.svc.Payments.RecordTransfer(ctx, staff, transfer(strings.ToLower(p2.Orders[0].Number), 12800, "B-102")); err != nil {
		t.Fatal(err)
	}

	// Money that arrives after the deadline cancelled the order is recorded and flagged.
	f.add(b, "cherry", "2")
	late := f.place(b)
	f.clk.Add(49 * time.Hour)
	if n, err := f.svc.Orders.Expire(ctx); err != nil || n != 1 {
		t.Fatalf("Expire = %d, %v", n, err)
	}
	rec, err = f.svc.Payments.RecordTransfer(ctx, staff, transfer(late.Reference, 15600, "B-103"))
	if err != nil || !rec.Late {
		t.Fatalf("late RecordTransfer = %+v, %v", rec, err)
	}
	d, _ = f.svc.Orders.StaffGet(ctx, late.Orders[0].Number)
	if d.State != order.StateCanceled || !d.LatePayment || len(d.Payments) != 1 {
		t.Fatalf("late order = %+v", d.Summary)
	}
	_, err = f.svc.Payments.RecordTransfer(ctx, staff, transfer(late.Orders[0].Number, 15600, "B-104"))
	assertMessage(t, err, zhenxing.EConflict, "已登记过一笔取消后到账的付款")
	flagged, err := f.svc.Orders.StaffList(ctx, order.Filter{LatePayment: true})
	if err != nil || flagged.Total != 1 || flagged.Orders[0].Number != late.Orders[0].Number {
		t.Fatalf("late list = %+v, %v", flagged, err)
	}

	// The staff list and its CSV.
	list, total, err := f.svc.Payments.List(ctx, order.PaymentFilter{})
	if err != nil || total != 3 || len(list) != 3 || list[0].BankReference != "B-103" || !list[0].Late || list[2].RecordedBy != "王会计" {
		t.Fatalf("payments = %+v (%d), %v", list, total, err)
	}
	if list, total, _ := f.svc.Payments.List(ctx, order.PaymentFilter{Query: p.Orders[1].Number}); total != 1 || list[0].BankReference != "B-100" {
		t.Fatalf("payments of an order = %+v", list)
	}
	var buf bytes.Buffer
	if err := f.svc.Payments.ExportCSV(ctx, &buf, order.PaymentFilter{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xef\xbb\xbf")) {
		t.Fatal("payments CSV has no byte-order mark")
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	if err != nil || len(records) != 4 || records[0][0] != "付款编号" || records[3][3] != "334.00" || records[3][5] != "B-100" {
		t.Fatalf("payments CSV = %q, %v", records, err)
	}
}

func TestMarkCheckoutPaid(t *testing.T) {
	f := newFixture(t)
	f.product("wuji", "略阳乌鸡", "lueyang-wuji", 12800, 100, 1, 1)
	b := f.org("某区总工会", true, nil)
	f.add(b, "wuji", "1")
	p := f.place(b)

	_, err := f.svc.Payments.MarkCheckoutPaid(ctx, p.CheckoutID, "pi_1", 100)
	assertMessage(t, err, zhenxing.EInvalid, "应付 ¥128.00")
	_, err = f.svc.Payments.MarkCheckoutPaid(ctx, p.CheckoutID+100, "pi_1", 12800)
	assertCode(t, err, zhenxing.ENotFound)
	for i := range 3 {
		rec, err := f.svc.Payments.MarkCheckoutPaid(ctx, p.CheckoutID, "pi_1", 12800)
		if err != nil || rec.Duplicate != (i > 0) {
			t.Fatalf("call %d: %+v, %v", i, rec, err)
		}
	}
	d, _ := f.svc.Orders.Get(ctx, b.OrganizationID, p.Orders[0].Number)
	if d.State != order.StatePaid || len(d.Payments) != 1 || d.Payments[0].Method != order.MethodStripe {
		t.Fatalf("order = %+v", d)
	}
	// Another Stripe payment for the same checkout is refused: nothing is left to pay.
	_, err = f.svc.Payments.MarkCheckoutPaid(ctx, p.CheckoutID, "pi_2", 12800)
	assertCode(t, err, zhenxing.EConflict)
}

// TestTransferToReferenceLikeANumber: a reference code that begins with XF, as order numbers do,
// still names its checkout.
func TestTransferToReferenceLikeANumber(t *testing.T) {
	f := newFixture(t)
	f.product("wuji", "略阳乌鸡", "lueyang-wuji", 12800, 100, 1, 1)
	b := f.org("某区总工会", true, nil)
	f.add(b, "wuji", "1")
	p := f.place(b)
	if _, err := f.pool.Exec(ctx, `UPDATE checkouts SET reference = 'XF4KFT4Q' WHERE id = $1`, p.CheckoutID); err != nil {
		t.Fatal(err)
	}
	if rec, err := f.svc.Payments.RecordTransfer(ctx, f.staff(), transfer("xf4kft4q", 12800, "B-200")); err != nil || len(rec.Orders) != 1 {
		t.Fatalf("RecordTransfer to XF4KFT4Q = %+v, %v", rec, err)
	}
	if f.state(p.Orders[0].Number) != order.StatePaid {
		t.Errorf("the order is %s", f.state(p.Orders[0].Number))
	}
}
