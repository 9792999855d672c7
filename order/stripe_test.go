package order_test

import (
	"strings"
	"testing"
	"time"

	"zhenxing"
	"zhenxing/internal/stripetest"
	"zhenxing/order"
	"zhenxing/payment"
)

func stripeClient(t *testing.T) *payment.Client {
	t.Helper()
	c, err := payment.New(payment.Config{SecretKey: stripetest.SecretKey, WebhookSecret: stripetest.WebhookSecret, APIURL: stripetest.URL(t)})
	if err != nil {
		t.Fatalf("payment.New: %v", err)
	}
	return c
}

// stripeCheckout places a checkout of one order per supplier: 2 × 128.00 and 3 × 99.90.
func (f *fixture) stripeCheckout() *order.Placed {
	f.t.Helper()
	f.product("wuji", "略阳乌鸡", "lueyang-wuji", 12800, 50, 1, 1)
	f.product("cherry", "狄寨樱桃", "dizhai-cherry", 9990, 50, 1, 1)
	b := f.org("某区总工会", true, nil)
	f.add(b, "wuji", "2")
	f.add(b, "cherry", "3")
	return f.place(b)
}

func (f *fixture) count(sql string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.pool.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
		f.t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// TestStripeRefunds: a staff refund through Stripe is recorded with its Stripe id, and the
// charge.refunded event of it adds nothing; a refund made at Stripe is recorded as the increase;
// a bank-transfer order cannot be refunded through Stripe.
func TestStripeRefunds(t *testing.T) {
	f := newFixture(t)
	stripe := stripeClient(t)
	p := f.stripeCheckout()
	staff := f.staff()

	// A refund event before its payment's: not recorded, Stripe delivers it again.
	early := order.StripeEvent{ID: "evt_refund_1", Type: payment.EventChargeRefunded, Kind: order.StripeRefunded,
		Reference: p.Reference, PaymentIntent: "pi_1", Refunded: 5000}
	_, err := f.svc.Payments.ApplyStripeEvent(ctx, early)
	assertMessage(t, err, zhenxing.EConflict, "尚未登记")

	out, err := f.svc.Payments.ApplyStripeEvent(ctx, order.StripeEvent{ID: "evt_paid", Type: payment.EventCheckoutCompleted,
		Kind: order.StripePaid, Reference: strings.ToLower(p.Reference), PaymentIntent: "pi_1", Amount: p.Total})
	if err != nil || out.Paid == nil || out.Paid.PaymentID == 0 || len(out.Paid.Orders) != 2 {
		t.Fatalf("paid: %+v, %v", out, err)
	}
	first := p.Orders[0].Number
	if pi, err := f.svc.Orders.StripePaymentOf(ctx, first); err != nil || pi != "pi_1" {
		t.Fatalf("StripePaymentOf = %q, %v", pi, err)
	}
	if err := f.svc.Orders.RefundThroughStripe(ctx, staff, first, 5000, "少发一盒", stripe.Refund); err != nil {
		t.Fatalf("RefundThroughStripe: %v", err)
	}
	if n := f.count(`SELECT count(*) FROM refunds WHERE stripe_refund LIKE 're_%'`); n != 1 {
		t.Fatalf("%d refunds with a Stripe id", n)
	}
	// Its event: nothing more.
	out, err = f.svc.Payments.ApplyStripeEvent(ctx, early)
	if err != nil || out.Refunded != 0 {
		t.Fatalf("refund event: %+v, %v", out, err)
	}
	// A refund made at Stripe of the rest of the first order and 10.00 of the second.
	out, err = f.svc.Payments.ApplyStripeEvent(ctx, order.StripeEvent{ID: "evt_refund_2", Type: payment.EventChargeRefunded,
		Kind: order.StripeRefunded, PaymentIntent: "pi_1", Refunded: 25600 + 1000})
	if err != nil || out.Refunded != 25600+1000-5000 {
		t.Fatalf("refund at Stripe: %+v, %v", out, err)
	}
	if s := f.state(first); s != order.StateRefunded {
		t.Errorf("first order %s", s)
	}
	if s := f.state(p.Orders[1].Number); s != order.StatePaid {
		t.Errorf("second order %s", s)
	}
	if n := f.count(`SELECT count(*) FROM refunds`); n != 3 {
		t.Errorf("%d refunds, want 3", n)
	}
	// Over what is left, and an order not paid through Stripe.
	err = f.svc.Orders.RefundThroughStripe(ctx, staff, p.Orders[1].Number, 29970, "退货", stripe.Refund)
	assertMessage(t, err, zhenxing.EInvalid, "超过可退金额")

	f.product("wuji2", "略阳乌鸡礼盒", "lueyang-wuji", 10000, 50, 1, 1)
	b := f.org("另一个工会", true, nil)
	f.add(b, "wuji2", "1")
	q := f.place(b)
	if _, err := f.svc.Payments.RecordTransfer(ctx, staff, transfer(q.Reference, q.Total, "BANK-1")); err != nil {
		t.Fatal(err)
	}
	if pi, err := f.svc.Orders.StripePaymentOf(ctx, q.Orders[0].Number); err != nil || pi != "" {
		t.Fatalf("StripePaymentOf(transfer) = %q, %v", pi, err)
	}
	err = f.svc.Orders.RefundThroughStripe(ctx, staff, q.Orders[0].Number, 100, "退货", stripe.Refund)
	assertMessage(t, err, zhenxing.EInvalid, "不是在线支付")
}

// TestStripeLatePayment: a payment after the orders expired flags them; RefundLate sends each
// order's amount back once and leaves them cancelled.
func TestStripeLatePayment(t *testing.T) {
	f := newFixture(t)
	stripe := stripeClient(t)
	p := f.stripeCheckout()
	f.clk.Add(order.DefaultPayWithin + time.Hour)
	if n, err := f.svc.Orders.Expire(ctx); err != nil || n != 2 {
		t.Fatalf("Expire = %d, %v", n, err)
	}
	out, err := f.svc.Payments.ApplyStripeEvent(ctx, order.StripeEvent{ID: "evt_late", Type: payment.EventCheckoutCompleted,
		Kind: order.StripePaid, Reference: p.Reference, PaymentIntent: "pi_late", Amount: p.Total})
	if err != nil || out.Paid == nil || !out.Paid.Late {
		t.Fatalf("late payment: %+v, %v", out, err)
	}
	refunded, err := f.svc.Payments.RefundLate(ctx, "pi_late", stripe.Refund)
	if err != nil || len(refunded) != 2 {
		t.Fatalf("RefundLate = %v, %v", refunded, err)
	}
	if again, err := f.svc.Payments.RefundLate(ctx, "pi_late", stripe.Refund); err != nil || len(again) != 0 {
		t.Fatalf("RefundLate again = %v, %v", again, err)
	}
	for _, o := range p.Orders {
		if s := f.state(o.Number); s != order.StateCanceled {
			t.Errorf("%s is %s", o.Number, s)
		}
	}
	if n := f.count(`SELECT count(*) FROM refunds r JOIN orders o ON o.id = r.order_id WHERE r.stripe_refund LIKE 're_%' AND o.refunded = o.total`); n != 2 {
		t.Errorf("%d orders refunded in full with a Stripe id, want 2", n)
	}
	// The same delivery again changes nothing.
	out, err = f.svc.Payments.ApplyStripeEvent(ctx, order.StripeEvent{ID: "evt_late", Type: payment.EventCheckoutCompleted,
		Kind: order.StripePaid, Reference: p.Reference, PaymentIntent: "pi_late", Amount: p.Total})
	if err != nil || !out.Seen {
		t.Fatalf("again: %+v, %v", out, err)
	}
}

func TestRecordStripeSession(t *testing.T) {
	f := newFixture(t)
	p := f.stripeCheckout()
	for _, attempt := range []int{1, 1, 2} {
		if err := f.svc.Checkouts.RecordStripeSession(ctx, p.CheckoutID, attempt, "cs_test_"+string(rune('0'+attempt))); err != nil {
			t.Fatal(err)
		}
	}
	k, err := f.svc.Checkouts.ByID(ctx, p.CheckoutID)
	if err != nil || k.StripeAttempts != 2 || k.StripeSession == nil || *k.StripeSession != "cs_test_2" {
		t.Fatalf("checkout %+v, %v", k, err)
	}
	assertCode(t, f.svc.Checkouts.RecordStripeSession(ctx, 999999, 1, "cs_x"), zhenxing.ENotFound)
}
