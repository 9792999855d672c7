package site

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"zhenxing"
	"zhenxing/internal/db"
	"zhenxing/order"
	"zhenxing/payment"
)

// Paying a checkout through Stripe (when Deps.Stripe is set): the buyer's button makes a Checkout
// Session and goes to its payment page; Stripe's webhook reports the payment, its failure or
// expiry and refunds; staff refunds of Stripe-paid orders go back through Stripe (refundOrder).

// stripeCallTimeout bounds a request's calls to Stripe and the database work around them: the
// client waits 10 s per try and tries up to three times.
const stripeCallTimeout = 35 * time.Second

// Checkout Sessions stay open at least 30 minutes and at most 24 hours (Stripe's limits).
const (
	minSessionTime = 31 * time.Minute
	maxSessionTime = 24 * time.Hour
)

// stripeEnabled reports whether the site takes payments through Stripe.
func (s *Server) stripeEnabled() bool { return s.deps.Stripe != nil && s.deps.Orders != nil }

// stripeCheckout is POST /account/checkouts/{reference}/stripe: a Checkout Session for the
// unpaid orders of the buyer's checkout, one line per order, and a 303 to its payment page. The
// attempt is the checkout's next, so a double click of one attempt gets one session from Stripe.
// Another organisation's reference, or no Stripe, is 404; nothing left to pay 409; Stripe out of
// reach 503.
func (s *Server) stripeCheckout(c *fiber.Ctx) error {
	if !s.stripeEnabled() {
		return zhenxing.Errorf(zhenxing.ENotFound, "您访问的页面不存在，可能已被移动或删除。")
	}
	u := userOf(c)
	ctx, cancel := context.WithTimeout(c.UserContext(), stripeCallTimeout)
	defer cancel()
	orders := s.deps.Orders
	k, err := orders.Checkouts.Find(ctx, *u.OrganizationID, utils.CopyString(c.Params("reference")))
	if err != nil {
		return err
	}
	req := payment.CheckoutRequest{Reference: k.Reference, Attempt: k.StripeAttempts + 1}
	var payBy *time.Time
	for _, o := range k.Orders {
		if o.State != order.StateUnpaid || o.Total <= 0 {
			continue
		}
		req.Lines = append(req.Lines, payment.Line{Name: "采购订单 " + o.Number + "（" + o.SupplierName + "）", Quantity: 1, UnitAmount: o.Total})
		if o.PayBy != nil && (payBy == nil || o.PayBy.Before(*payBy)) {
			payBy = o.PayBy
		}
	}
	if len(req.Lines) == 0 {
		return zhenxing.Errorf(zhenxing.EConflict, "付款识别码 %s 下没有待付款的订单。", k.Reference)
	}
	// The session closes with the orders' deadline, within Stripe's limits; a payment that comes
	// after the deadline anyway is sent back (RefundLate).
	if payBy != nil {
		now := s.cfg.Now()
		req.ExpiresAt = now.Add(min(max(payBy.Sub(now), minSessionTime), maxSessionTime))
	}
	back := s.cfg.BaseURL.JoinPath("/account/orders").String() + "?checkout=" + k.Reference
	req.SuccessURL, req.CancelURL = back, back
	id, url, err := s.deps.Stripe.CreateCheckoutSession(ctx, req)
	if err != nil {
		return err
	}
	if err := orders.Checkouts.RecordStripeSession(ctx, k.ID, req.Attempt, id); err != nil {
		return err
	}
	return c.Redirect(url, fiber.StatusSeeOther)
}

// stripeKinds says what each event type the site handles does.
var stripeKinds = map[string]string{
	payment.EventCheckoutCompleted:      order.StripePaid, // order.StripeNoted unless Paid
	payment.EventCheckoutAsyncSucceeded: order.StripePaid,
	payment.EventCheckoutAsyncFailed:    order.StripeNoted,
	payment.EventCheckoutExpired:        order.StripeNoted,
	payment.EventChargeRefunded:         order.StripeRefunded,
}

// stripeWebhook is POST /webhooks/stripe. The signature is verified on the raw body (400 with a
// Chinese JSON error when forged or stale); the event is recorded once with its effect (a
// delivery seen before answers 200 and changes nothing). An event for a checkout the site does
// not know answers 200, logged at WARN, so that Stripe does not deliver it again and again; an
// event that cannot be applied yet (a refund before its payment) or that fails answers with its
// error status, and Stripe delivers it again later.
func (s *Server) stripeWebhook(c *fiber.Ctx) error {
	if !s.stripeEnabled() {
		return webhookAnswer(c, fiber.StatusNotFound, "未启用在线支付。")
	}
	body := append([]byte(nil), c.Body()...)
	ev, err := s.deps.Stripe.ParseWebhook(body, c.Get("Stripe-Signature"), s.cfg.Now())
	if err != nil {
		s.log.Warn("stripe webhook refused", "request_id", requestID(c), "err", err)
		return webhookAnswer(c, fiber.StatusBadRequest, zhenxing.ErrorMessage(err))
	}
	kind, ok := stripeKinds[ev.Type]
	if !ok {
		s.log.Info("stripe event ignored", "event_id", ev.ID, "type", ev.Type)
		return webhookAnswer(c, fiber.StatusOK, "")
	}
	if ev.Type == payment.EventCheckoutCompleted && !ev.Paid {
		kind = order.StripeNoted // a delayed payment method: paid at async_payment_succeeded
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), stripeCallTimeout)
	defer cancel()
	payments := s.deps.Orders.Payments
	out, err := payments.ApplyStripeEvent(ctx, order.StripeEvent{ID: ev.ID, Type: ev.Type, Kind: kind,
		Reference: ev.Reference, PaymentIntent: ev.PaymentIntent, Amount: ev.AmountTotal, Refunded: ev.Refunded})
	if zhenxing.ErrorCode(err) == zhenxing.ENotFound {
		s.log.Warn("stripe event for an unknown checkout", "event_id", ev.ID, "type", ev.Type, "err", err)
		return webhookAnswer(c, fiber.StatusOK, "")
	}
	if zhenxing.ErrorCode(err) == zhenxing.EConflict && kind == order.StripePaid && ev.PaymentIntent != "" {
		// A payment of a checkout with nothing left to pay (a second session paid as well, say)
		// goes back whole; a delivery seen before finds it refunded already.
		_, rerr := s.deps.Stripe.Refund(ctx, ev.PaymentIntent, ev.AmountTotal, "订单已付款，重复支付原路退回", "refund-duplicate-"+ev.PaymentIntent)
		if rerr != nil && zhenxing.ErrorCode(rerr) != zhenxing.EConflict {
			return s.webhookFailed(c, ev, rerr)
		}
		s.log.Warn("stripe payment of a checkout with nothing left to pay, refunded", "event_id", ev.ID, "type", ev.Type)
		return webhookAnswer(c, fiber.StatusOK, "")
	}
	if err != nil {
		return s.webhookFailed(c, ev, err)
	}
	switch {
	case out.Seen:
		s.log.Info("stripe event seen before", "event_id", ev.ID, "type", ev.Type)
	case out.Paid != nil && out.Paid.Late:
		s.log.Warn("stripe payment after its orders were cancelled", "event_id", ev.ID, "orders", out.Paid.Orders)
	case out.Paid != nil && !out.Paid.Duplicate:
		s.log.Info("stripe payment recorded", "event_id", ev.ID, "payment_id", out.Paid.PaymentID, "orders", out.Paid.Orders)
	case out.Refunded > 0:
		s.log.Info("stripe refund recorded", "event_id", ev.ID, "amount", out.Refunded.String())
	}
	if kind == order.StripePaid && ev.PaymentIntent != "" {
		// A payment of cancelled orders goes back; a delivery seen before finishes a refund that
		// failed the first time.
		refunded, err := payments.RefundLate(ctx, ev.PaymentIntent, s.deps.Stripe.Refund)
		if len(refunded) > 0 {
			s.log.Info("stripe late payment refunded", "event_id", ev.ID, "orders", refunded)
		}
		if err != nil {
			return s.webhookFailed(c, ev, err)
		}
	}
	return webhookAnswer(c, fiber.StatusOK, "")
}

// webhookFailed answers an event that could not be applied with the status of its error, so
// that Stripe delivers it again.
func (s *Server) webhookFailed(c *fiber.Ctx, ev payment.Event, err error) error {
	err = db.Classify(err)
	status, ok := statusOf[zhenxing.ErrorCode(err)]
	if !ok {
		status = fiber.StatusInternalServerError
	}
	level := "stripe event not applied"
	if status >= 500 {
		s.log.Error(level, "request_id", requestID(c), "event_id", ev.ID, "type", ev.Type, "err", err)
	} else {
		s.log.Warn(level, "request_id", requestID(c), "event_id", ev.ID, "type", ev.Type, "err", err)
	}
	if status == fiber.StatusServiceUnavailable {
		c.Set(fiber.HeaderRetryAfter, retryAfter)
	}
	message := zhenxing.ErrorMessage(err)
	if status >= 500 && zhenxing.ErrorCode(err) != zhenxing.EUnavailable {
		message = "支付回调暂时无法处理，请稍后重试。"
	}
	return webhookAnswer(c, status, message)
}

// webhookAnswer is the JSON answer to Stripe: {"received": true} or {"error": {...}}.
func webhookAnswer(c *fiber.Ctx, status int, message string) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if status == fiber.StatusOK {
		return c.Status(status).JSON(fiber.Map{"received": true})
	}
	return c.Status(status).JSON(fiber.Map{"error": fiber.Map{"status": status, "message": message, "request_id": requestID(c)}})
}

// refundOrder refunds amount of the order with the number, for the staff member of the request,
// with the reason: an order paid through Stripe is refunded through Stripe and recorded with the
// Stripe refund's id (order.Orders.RefundThroughStripe); any other order is only recorded
// (order.Orders.Refund). Errors: EInvalid for a bad amount or reason, ENotFound for an unknown
// number, EConflict for an order that cannot be refunded, EUnavailable when Stripe cannot be
// reached or when a Stripe-paid order is refunded on a site without Stripe (nothing is recorded
// then).
func (s *Server) refundOrder(c *fiber.Ctx, number string, amount zhenxing.Money, reason string) error {
	orders := s.deps.Orders
	actor := userOf(c).Actor()
	ctx, cancel := context.WithTimeout(c.UserContext(), stripeCallTimeout)
	defer cancel()
	pi, err := orders.Orders.StripePaymentOf(ctx, number)
	if err != nil {
		return err
	}
	if pi == "" {
		return orders.Orders.Refund(ctx, actor, number, amount, reason, "")
	}
	if s.deps.Stripe == nil {
		return zhenxing.Errorf(zhenxing.EUnavailable, "订单 %s 是在线支付的，但本站未启用在线支付，无法原路退款。", number)
	}
	return orders.Orders.RefundThroughStripe(ctx, actor, number, amount, reason, s.deps.Stripe.Refund)
}
