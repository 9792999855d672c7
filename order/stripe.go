package order

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"zhenxing"
	"zhenxing/internal/db"
)

// The Stripe side of the payments: the webhook's events, each recorded once in stripe_events in
// the same transaction as its effect; refunds of payments that came after their orders were
// cancelled; and staff refunds of Stripe-paid orders. The package does not call Stripe: a
// RefundFunc does, and it is called while the order's row is locked, so that the charge.refunded
// event of the same refund, which locks the row too, finds the refund recorded and adds nothing.

// What a Stripe event does, as StripeEvent.Kind.
const (
	StripePaid     = "paid"     // the money is received: the checkout's unpaid orders become paid
	StripeNoted    = "noted"    // a payment failed or a session expired: recorded, nothing changes
	StripeRefunded = "refunded" // a charge was refunded: the increase is recorded on its orders
)

// stripeActor is who appears in the timeline for what Stripe reports.
var stripeActor = db.Actor{Name: "在线支付"}

// StripeEvent is a verified Stripe webhook event, as the order domain needs it.
type StripeEvent struct {
	ID            string // Stripe's event id: recorded once
	Type          string // Stripe's event type, recorded with the id
	Kind          string // StripePaid, StripeNoted or StripeRefunded
	Reference     string // the checkout's payment reference code (the session's client_reference_id)
	PaymentIntent string // the PaymentIntent that carries the payment
	Amount        zhenxing.Money
	Refunded      zhenxing.Money // StripeRefunded: the total refunded of the charge so far
}

// StripeOutcome is what an event did.
type StripeOutcome struct {
	Seen     bool           // the event was recorded before: nothing changed
	Paid     *Recorded      // StripePaid: what the payment paid (Duplicate: recorded under another event)
	Refunded zhenxing.Money // StripeRefunded: the increase recorded now (0: none)
}

// RefundFunc refunds amount of the Stripe payment paymentIntent and returns the refund's id;
// the site passes the Stripe client's Refund. idempotencyKey names the refund: a call repeated
// with it (after a failure to record the first) gets the same refund from Stripe, not a second.
type RefundFunc func(ctx context.Context, paymentIntent string, amount zhenxing.Money, reason, idempotencyKey string) (string, error)

// ApplyStripeEvent records the event once and applies it, in one transaction: a StripePaid event
// records the payment of the checkout named by Reference, as MarkCheckoutPaid does (orders
// cancelled before it are flagged late: the caller then calls RefundLate); a StripeNoted event
// is only recorded; a StripeRefunded event records on the orders of the payment the part of
// Refunded not recorded yet, as refunds without a Stripe refund id, moving an order refunded in
// full to refunded. An event recorded before changes nothing (Seen).
//
// Errors (nothing is recorded then, so Stripe's next delivery tries again): an event without id
// or of an unknown kind is EInvalid; a checkout reference that is unknown, or a refund of a
// payment that is not the site's, ENotFound; a refund of a known checkout's payment that is not
// recorded yet EConflict; and the errors of MarkCheckoutPaid for a payment.
func (s *Payments) ApplyStripeEvent(ctx context.Context, e StripeEvent) (*StripeOutcome, error) {
	if e.ID == "" {
		return nil, invalid("支付回调缺少事件编号。")
	}
	switch e.Kind {
	case StripePaid, StripeNoted, StripeRefunded:
	default:
		return nil, invalid("支付回调的事件类型“%s”无法处理。", e.Type)
	}
	out := &StripeOutcome{}
	err := db.InTx(ctx, s.db.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO stripe_events (id, type, received_at) VALUES ($1, $2, $3)
			ON CONFLICT (id) DO NOTHING`, e.ID, e.Type, s.db.now())
		if err != nil {
			return fmt.Errorf("record stripe event: %w", err)
		}
		if tag.RowsAffected() == 0 {
			out.Seen = true
			return nil
		}
		switch e.Kind {
		case StripePaid:
			checkoutID, err := lockCheckoutByReference(ctx, tx, e.Reference)
			if err != nil {
				return err
			}
			out.Paid, err = s.markPaid(ctx, tx, checkoutID, e.PaymentIntent, e.Amount)
			return err
		case StripeNoted:
			_, err := lockCheckoutByReference(ctx, tx, e.Reference)
			return err
		default:
			out.Refunded, err = s.recordChargeRefunded(ctx, tx, e)
			return err
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// lockCheckoutByReference locks the checkout with the reference code; an unknown one is
// ENotFound.
func lockCheckoutByReference(ctx context.Context, tx pgx.Tx, reference string) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM checkouts WHERE reference = $1 FOR UPDATE`, NormReference(reference)).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, notFound("没有找到这笔支付对应的付款识别码。")
	}
	if err != nil {
		return 0, fmt.Errorf("lock checkout: %w", err)
	}
	return id, nil
}

// markPaid is MarkCheckoutPaid inside the caller's transaction, the checkout locked.
func (s *Payments) markPaid(ctx context.Context, tx pgx.Tx, checkoutID int64, stripePaymentID string, amount zhenxing.Money) (*Recorded, error) {
	stripePaymentID = strings.TrimSpace(stripePaymentID)
	if stripePaymentID == "" {
		return nil, invalid("缺少支付编号。")
	}
	if amount <= 0 {
		return nil, invalid("支付金额必须大于 0。")
	}
	var seen bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM payments WHERE stripe_payment = $1)`, stripePaymentID).Scan(&seen); err != nil {
		return nil, fmt.Errorf("find stripe payment: %w", err)
	}
	if seen {
		return &Recorded{Duplicate: true}, nil
	}
	orders, late, err := payableOrders(ctx, tx, checkoutID)
	if err != nil {
		return nil, err
	}
	if err := checkAmount(amount, orders); err != nil {
		return nil, err
	}
	now := s.db.now()
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO payments (checkout_id, method, amount, paid_on, stripe_payment, recorded_at)
		VALUES ($1, 'stripe', $2, $3, $4, $5) RETURNING id`,
		checkoutID, amount, beijingDate(now), stripePaymentID, now).Scan(&id); err != nil {
		return nil, fmt.Errorf("insert payment: %w", err)
	}
	rec := &Recorded{PaymentID: id, Late: late}
	if err := s.apply(ctx, tx, stripeActor, id, orders, late, "在线支付到账", &rec.Orders); err != nil {
		return nil, err
	}
	return rec, nil
}

// recordChargeRefunded records the part of e.Refunded not yet recorded on the orders of the
// payment, order by order in id order, each up to what is left of it.
func (s *Payments) recordChargeRefunded(ctx context.Context, tx pgx.Tx, e StripeEvent) (zhenxing.Money, error) {
	var paymentID, checkoutID int64
	err := tx.QueryRow(ctx, `SELECT id, checkout_id FROM payments WHERE stripe_payment = $1`, strings.TrimSpace(e.PaymentIntent)).
		Scan(&paymentID, &checkoutID)
	if errors.Is(err, pgx.ErrNoRows) {
		if e.Reference == "" {
			return 0, notFound("没有找到这笔退款对应的在线支付。")
		}
		if _, err := lockCheckoutByReference(ctx, tx, e.Reference); err != nil {
			return 0, err
		}
		// The payment's own event has not arrived yet: Stripe delivers this one again later.
		return 0, zhenxing.Errorf(zhenxing.EConflict, "这笔退款对应的在线支付尚未登记，请稍后重试。")
	}
	if err != nil {
		return 0, fmt.Errorf("find stripe payment: %w", err)
	}
	// The checkout first, then its orders in id order, as MarkCheckoutPaid locks them.
	if _, err := tx.Exec(ctx, `SELECT 1 FROM checkouts WHERE id = $1 FOR UPDATE`, checkoutID); err != nil {
		return 0, fmt.Errorf("lock checkout: %w", err)
	}
	rows, err := tx.Query(ctx, `SELECT o.id, o.number, o.checkout_id, o.state, o.total, o.refunded, o.pay_by, o.late_payment
		FROM payment_orders x JOIN orders o ON o.id = x.order_id WHERE x.payment_id = $1 ORDER BY o.id FOR UPDATE OF o`, paymentID)
	if err != nil {
		return 0, fmt.Errorf("lock paid orders: %w", err)
	}
	orders, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (lockedOrder, error) {
		var o lockedOrder
		return o, r.Scan(&o.ID, &o.Number, &o.CheckoutID, &o.State, &o.Total, &o.Refunded, &o.PayBy, &o.Late)
	})
	if err != nil {
		return 0, fmt.Errorf("lock paid orders: %w", err)
	}
	var recorded zhenxing.Money
	for _, o := range orders {
		recorded += o.Refunded
	}
	increase := e.Refunded - recorded
	if increase <= 0 {
		return 0, nil
	}
	now := s.db.now()
	var added zhenxing.Money
	for i := range orders {
		o := &orders[i]
		left := o.Total - o.Refunded
		if left <= 0 || increase <= 0 {
			continue
		}
		amount := min(left, increase)
		if err := recordRefund(ctx, tx, o, stripeActor, amount, "在线支付平台退款", nil, now); err != nil {
			return 0, err
		}
		increase -= amount
		added += amount
	}
	return added, nil
}

// recordRefund records a refund of amount (at most what is left) on the locked order: the
// refunds row, the order's refunded total, the timeline and the audit log. A refund of the whole remainder of
// a paid order moves it to refunded; a cancelled order (a late payment sent back) stays
// cancelled, and is no longer flagged as paid late once all of it is sent back.
func recordRefund(ctx context.Context, tx pgx.Tx, o *lockedOrder, actor db.Actor, amount zhenxing.Money, reason string, stripeRefund *string, now time.Time) error {
	left := o.Total - o.Refunded
	if _, err := tx.Exec(ctx, `INSERT INTO refunds (order_id, amount, reason, stripe_refund, recorded_by, at)
		VALUES ($1, $2, $3, $4, $5, $6)`, o.ID, amount, reason, stripeRefund, actorRef(actor), now); err != nil {
		return fmt.Errorf("insert refund: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE orders SET refunded = refunded + $2, updated_at = $3 WHERE id = $1`, o.ID, amount, now); err != nil {
		return fmt.Errorf("update refunded: %w", err)
	}
	o.Refunded += amount
	note := fmt.Sprintf("退款 %s：%s", amount, reason)
	before := o.State
	if amount == left && o.State != StateCanceled {
		if err := o.moveTo(ctx, tx, StateRefunded, actor, "全额"+note, now, nil); err != nil {
			return err
		}
	} else {
		if amount == left {
			note = "全额" + note
		} else {
			note = "部分" + note
		}
		if amount == left && o.State == StateCanceled {
			// A late payment sent back in full is settled: staff have nothing left to do.
			if _, err := tx.Exec(ctx, `UPDATE orders SET late_payment = false WHERE id = $1`, o.ID); err != nil {
				return fmt.Errorf("settle late payment: %w", err)
			}
		}
		if err := recordEvent(ctx, tx, o.ID, &before, before, actor, note, now); err != nil {
			return err
		}
	}
	return o.audit(ctx, tx, actor, "order.refund", before, note)
}

// lateRefundReason is the reason of the refund of a payment that came after its orders were
// cancelled.
const lateRefundReason = "订单已取消后收到的在线支付，原路退回"

// RefundLate sends back, through refund, what the Stripe payment paymentIntent paid for orders
// that were cancelled before it arrived and that are not refunded yet, one order at a time, and
// records each refund with its Stripe id. Each order's row stays locked from before the call to
// Stripe until its refund is recorded. It returns the numbers of the orders refunded now; a
// second call refunds nothing more, so a delivery of the payment's event seen before may call it
// again to finish a refund that Stripe failed. Errors: those of refund (EUnavailable when Stripe
// cannot be reached), with the orders refunded before the failure recorded.
func (s *Payments) RefundLate(ctx context.Context, paymentIntent string, refund RefundFunc) ([]string, error) {
	rows, err := s.db.pool.Query(ctx, `SELECT o.number FROM payments p JOIN payment_orders x ON x.payment_id = p.id
		JOIN orders o ON o.id = x.order_id
		WHERE p.stripe_payment = $1 AND o.state = 'cancelled' AND o.late_payment AND o.refunded < o.total ORDER BY o.id`,
		strings.TrimSpace(paymentIntent))
	if err != nil {
		return nil, fmt.Errorf("find late payments: %w", err)
	}
	numbers, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("find late payments: %w", err)
	}
	var done []string
	for _, number := range numbers {
		err := db.InTx(ctx, s.db.pool, func(tx pgx.Tx) error {
			o, err := lockOrder(ctx, tx, 0, number)
			if err != nil {
				return err
			}
			if o.State != StateCanceled || !o.Late || o.Refunded >= o.Total {
				return nil
			}
			amount := o.Total - o.Refunded
			id, err := refund(ctx, paymentIntent, amount, lateRefundReason+"（订单 "+o.Number+"）", "refund-late-"+o.Number)
			if err != nil {
				return err
			}
			if err := recordRefund(ctx, tx, o, stripeActor, amount, lateRefundReason, &id, s.db.now()); err != nil {
				return err
			}
			done = append(done, o.Number)
			return nil
		})
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

// StripePaymentOf returns the PaymentIntent of the Stripe payment that paid the order with the
// number, of any organisation, or "" when it was not paid through Stripe. An unknown number is
// ENotFound.
func (s *Orders) StripePaymentOf(ctx context.Context, number string) (string, error) {
	var pi *string
	err := s.db.pool.QueryRow(ctx, `SELECT (SELECT p.stripe_payment FROM payment_orders x JOIN payments p ON p.id = x.payment_id
		WHERE x.order_id = o.id AND p.method = 'stripe' ORDER BY p.id DESC LIMIT 1) FROM orders o WHERE o.number = $1`,
		normNumber(number)).Scan(&pi)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", orderNotFound(normNumber(number))
	}
	if err != nil {
		return "", fmt.Errorf("find stripe payment: %w", err)
	}
	if pi == nil {
		return "", nil
	}
	return *pi, nil
}

// RefundThroughStripe refunds amount of an order paid through Stripe, for staff: it checks the
// refund as Refund does, sends it through refund while the order's row is locked, and records it
// with the Stripe refund's id. A refund of the whole remainder moves the order to refunded.
// Errors: a bad amount or reason is EInvalid, and so is an order not paid through Stripe; an
// unknown number ENotFound; an order not paid EConflict; and the errors of refund (EUnavailable
// when Stripe cannot be reached: nothing is recorded then).
func (s *Orders) RefundThroughStripe(ctx context.Context, actor db.Actor, number string, amount zhenxing.Money, reason string, refund RefundFunc) error {
	reason, err := reasonText(reason, "退款原因")
	if err != nil {
		return err
	}
	if amount <= 0 {
		return invalid("退款金额必须大于 0。")
	}
	return db.InTx(ctx, s.db.pool, func(tx pgx.Tx) error {
		o, err := lockOrder(ctx, tx, 0, number)
		if err != nil {
			return err
		}
		if err := o.allow("退款", StatePaid, StateShipped, StateReceived, StateInvoiced); err != nil {
			return err
		}
		if left := o.Total - o.Refunded; amount > left {
			return invalid("退款金额 %s 超过可退金额 %s。", amount, left)
		}
		var pi *string
		if err := tx.QueryRow(ctx, `SELECT (SELECT p.stripe_payment FROM payment_orders x JOIN payments p ON p.id = x.payment_id
			WHERE x.order_id = $1 AND p.method = 'stripe' ORDER BY p.id DESC LIMIT 1)`, o.ID).Scan(&pi); err != nil {
			return fmt.Errorf("find stripe payment: %w", err)
		}
		if pi == nil {
			return invalid("订单 %s 不是在线支付的，不能原路退款。", o.Number)
		}
		// The key names this refund: the order, what was refunded of it before, and the amount.
		id, err := refund(ctx, *pi, amount, reason, fmt.Sprintf("refund-%s-%d-%d", o.Number, o.Refunded, amount))
		if err != nil {
			return err
		}
		return recordRefund(ctx, tx, o, actor, amount, reason, &id, s.db.now())
	})
}

// RecordStripeSession records the Checkout Session of an attempt to pay the checkout: the
// session becomes the latest and the number of attempts becomes at least attempt, so a double
// click of one attempt counts once. An unknown checkout is ENotFound.
func (c *Checkouts) RecordStripeSession(ctx context.Context, checkoutID int64, attempt int, sessionID string) error {
	tag, err := c.db.pool.Exec(ctx, `UPDATE checkouts SET stripe_session = $3, stripe_attempts = GREATEST(stripe_attempts, $2)
		WHERE id = $1`, checkoutID, attempt, sessionID)
	if err != nil {
		return fmt.Errorf("record stripe session: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return notFound("没有找到这个付款识别码。")
	}
	return nil
}
