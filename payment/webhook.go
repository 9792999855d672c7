package payment

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"zhenxing"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"
)

// The webhook event types the site acts on.
const (
	EventCheckoutCompleted      = "checkout.session.completed"
	EventCheckoutAsyncSucceeded = "checkout.session.async_payment_succeeded"
	EventCheckoutAsyncFailed    = "checkout.session.async_payment_failed"
	EventCheckoutExpired        = "checkout.session.expired"
	EventChargeRefunded         = "charge.refunded"
)

// Event is a verified webhook event. ID and Type are always set; the other fields only for the
// types above.
type Event struct {
	ID      string
	Type    string
	Created time.Time

	// Reference is the CheckoutRequest's: the session's client_reference_id, or for a charge the
	// reference in the metadata of its PaymentIntent, when Stripe copied it onto the charge.
	Reference string
	// SessionID is the Checkout Session's ID (checkout.session.* events).
	SessionID string
	// PaymentIntent is the ID of the PaymentIntent that carries the payment; Refund takes it.
	PaymentIntent string
	// Paid says the money is received: a completed session with payment_status "paid", or an
	// async_payment_succeeded event. A session completed with a delayed payment method is not paid
	// until its async_payment_succeeded event.
	Paid bool
	// AmountTotal is what the buyer paid or is to pay (the session's amount_total, or the charge's
	// amount).
	AmountTotal zhenxing.Money
	// Currency is the lower-case ISO code, "cny" for the site's sessions.
	Currency string

	// ChargeID and Refunded are set for charge.refunded: the charge and the total refunded of it
	// so far (not just the latest refund).
	ChargeID string
	Refunded zhenxing.Money
}

// ParseWebhook verifies a webhook delivery and returns its event. The signature (the
// Stripe-Signature header) must be the webhook secret's over the raw body, made at most
// WebhookTolerance before now. The event's API version may differ from stripe-go's: only the
// fields read here matter. Errors: EInvalid for a missing, forged or stale signature or a body
// that is not an event.
func (c *Client) ParseWebhook(payload []byte, signatureHeader string, now time.Time) (Event, error) {
	// stripe-go measures the tolerance against the wall clock; the caller's now decides here.
	se, err := webhook.ConstructEventWithOptions(payload, signatureHeader, c.webhookSecret, webhook.ConstructEventOptions{
		IgnoreTolerance:          true,
		IgnoreAPIVersionMismatch: true,
	})
	if err != nil {
		return Event{}, &zhenxing.Error{Code: zhenxing.EInvalid, Message: "支付回调签名无效。", Err: err}
	}
	signed, ok := signedAt(signatureHeader)
	if !ok || now.Sub(signed) > WebhookTolerance {
		return Event{}, &zhenxing.Error{Code: zhenxing.EInvalid, Message: "支付回调签名已过期。", Err: webhook.ErrTooOld}
	}
	ev := Event{ID: se.ID, Type: string(se.Type), Created: time.Unix(se.Created, 0)}
	if ev.ID == "" || ev.Type == "" || se.Data == nil {
		return Event{}, zhenxing.Errorf(zhenxing.EInvalid, "支付回调内容不是有效的事件。")
	}
	switch ev.Type {
	case EventCheckoutCompleted, EventCheckoutAsyncSucceeded, EventCheckoutAsyncFailed, EventCheckoutExpired:
		var s stripe.CheckoutSession
		if err := json.Unmarshal(se.Data.Raw, &s); err != nil {
			return Event{}, &zhenxing.Error{Code: zhenxing.EInvalid, Message: "支付回调中的支付会话无法解析。", Err: err}
		}
		ev.SessionID = s.ID
		ev.Reference = s.ClientReferenceID
		if ev.Reference == "" {
			ev.Reference = s.Metadata[MetadataReference]
		}
		if s.PaymentIntent != nil {
			ev.PaymentIntent = s.PaymentIntent.ID
		}
		ev.AmountTotal = zhenxing.Money(s.AmountTotal)
		ev.Currency = string(s.Currency)
		ev.Paid = ev.Type == EventCheckoutAsyncSucceeded ||
			(ev.Type == EventCheckoutCompleted && s.PaymentStatus == stripe.CheckoutSessionPaymentStatusPaid)
	case EventChargeRefunded:
		var ch stripe.Charge
		if err := json.Unmarshal(se.Data.Raw, &ch); err != nil {
			return Event{}, &zhenxing.Error{Code: zhenxing.EInvalid, Message: "支付回调中的付款记录无法解析。", Err: err}
		}
		ev.ChargeID = ch.ID
		if ch.PaymentIntent != nil {
			ev.PaymentIntent = ch.PaymentIntent.ID
		}
		ev.Reference = ch.Metadata[MetadataReference]
		ev.AmountTotal = zhenxing.Money(ch.Amount)
		ev.Refunded = zhenxing.Money(ch.AmountRefunded)
		ev.Currency = string(ch.Currency)
	}
	return ev, nil
}

// signedAt reads the timestamp of a Stripe-Signature header ("t=1495999758,v1=..."), the one
// stripe-go verified the signature with: the last t.
func signedAt(header string) (time.Time, bool) {
	var t time.Time
	ok := false
	for _, pair := range strings.Split(header, ",") {
		if v, found := strings.CutPrefix(pair, "t="); found {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return time.Time{}, false
			}
			t, ok = time.Unix(n, 0), true
		}
	}
	return t, ok
}
