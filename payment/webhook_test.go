package payment_test

import (
	"testing"
	"time"

	"zhenxing"
	"zhenxing/internal/stripetest"
	"zhenxing/payment"
)

func webhookClient(t *testing.T) *payment.Client {
	t.Helper()
	// ParseWebhook makes no request: the API URL is never dialled.
	return newClient(t, "http://127.0.0.1:9")
}

func session(status string) map[string]any {
	return map[string]any{
		"id":                  "cs_test_a1b2c3",
		"object":              "checkout.session",
		"client_reference_id": "CK20270512-000123",
		"metadata":            map[string]string{"reference": "CK20270512-000123"},
		"payment_intent":      "pi_3PgafyB7WZ01zgkW1",
		"amount_total":        138300,
		"currency":            "cny",
		"mode":                "payment",
		"payment_status":      status,
		"status":              "complete",
	}
}

func TestParseWebhook(t *testing.T) {
	now := time.Now()
	created := now.Add(-2 * time.Second).Unix()
	sessionEvent := func(id, typ string, paid bool) payment.Event {
		return payment.Event{ID: id, Type: typ, Created: time.Unix(created, 0), Reference: "CK20270512-000123",
			SessionID: "cs_test_a1b2c3", PaymentIntent: "pi_3PgafyB7WZ01zgkW1", Paid: paid, AmountTotal: 138300, Currency: "cny"}
	}
	noIntent := session("unpaid")
	delete(noIntent, "payment_intent")
	noIntent["status"] = "expired"
	tests := []struct {
		name, id, typ string
		object        map[string]any
		want          payment.Event
	}{
		{"completed and paid", "evt_1", "checkout.session.completed", session("paid"), sessionEvent("evt_1", payment.EventCheckoutCompleted, true)},
		{"completed, payment pending", "evt_2", "checkout.session.completed", session("unpaid"), sessionEvent("evt_2", payment.EventCheckoutCompleted, false)},
		{"async succeeded", "evt_3", "checkout.session.async_payment_succeeded", session("paid"), sessionEvent("evt_3", payment.EventCheckoutAsyncSucceeded, true)},
		{"async failed", "evt_4", "checkout.session.async_payment_failed", session("unpaid"), sessionEvent("evt_4", payment.EventCheckoutAsyncFailed, false)},
		{"expired", "evt_5", "checkout.session.expired", noIntent, payment.Event{ID: "evt_5", Type: payment.EventCheckoutExpired, Created: time.Unix(created, 0),
			Reference: "CK20270512-000123", SessionID: "cs_test_a1b2c3", AmountTotal: 138300, Currency: "cny"}},
		{"charge refunded", "evt_6", "charge.refunded", map[string]any{
			"id": "ch_3PgafyB7WZ01zgkW1", "object": "charge", "payment_intent": "pi_3PgafyB7WZ01zgkW1",
			"amount": 138300, "amount_refunded": 25600, "refunded": false, "paid": true, "currency": "cny",
			"metadata": map[string]string{"reference": "CK20270512-000123"},
		}, payment.Event{ID: "evt_6", Type: payment.EventChargeRefunded, Created: time.Unix(created, 0), Reference: "CK20270512-000123",
			PaymentIntent: "pi_3PgafyB7WZ01zgkW1", AmountTotal: 138300, Currency: "cny", ChargeID: "ch_3PgafyB7WZ01zgkW1", Refunded: 25600}},
		{"another type", "evt_7", "customer.created", map[string]any{"id": "cus_1", "object": "customer", "email": "buyer@example.cn"},
			payment.Event{ID: "evt_7", Type: "customer.created", Created: time.Unix(created, 0)}},
	}
	c := webhookClient(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := stripetest.EventAt(t, tt.id, tt.typ, time.Unix(created, 0), tt.object)
			got, err := c.ParseWebhook(body, stripetest.Sign(body, stripetest.WebhookSecret, now.Add(-time.Second)), now)
			if err != nil {
				t.Fatalf("ParseWebhook: %v", err)
			}
			if got != tt.want {
				t.Errorf("event\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseWebhookRefusesBadSignatures(t *testing.T) {
	now := time.Now()
	body := stripetest.Event(t, "evt_1", payment.EventCheckoutCompleted, session("paid"))
	good := stripetest.Sign(body, stripetest.WebhookSecret, now)
	changed := []byte(string(body[:len(body)-1]) + ` ,"extra":1}`)
	tests := []struct {
		name, header string
		body         []byte
		want         string
	}{
		{"forged: another secret", stripetest.Sign(body, "whsec_someone_else", now), body, "签名无效"},
		{"changed after signing", good, changed, "签名无效"},
		{"stale: older than 300 s", stripetest.Sign(body, stripetest.WebhookSecret, now.Add(-301*time.Second)), body, "签名已过期"},
		{"no signature", "", body, "签名无效"},
		{"garbage header", "t=abc,v1=zz", body, "签名无效"},
		{"signature without a timestamp", "v1=" + good[len("t=1234567890,v1="):], body, "签名"},
	}
	c := webhookClient(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.ParseWebhook(tt.body, tt.header, now)
			assertError(t, err, zhenxing.EInvalid, tt.want)
		})
	}

	// The tolerance is measured from the caller's now: 299 s is still good, 301 s is not.
	sig := stripetest.Sign(body, stripetest.WebhookSecret, now)
	if _, err := c.ParseWebhook(body, sig, now.Add(299*time.Second)); err != nil {
		t.Errorf("signed 299 s before now: %v", err)
	}
	_, err := c.ParseWebhook(body, sig, now.Add(301*time.Second))
	assertError(t, err, zhenxing.EInvalid, "签名已过期")
}
