// Package stripetest helps tests talk to stripe-mock, Stripe's API simulator, which scripts/test
// starts and names in STRIPE_MOCK_URL, and sign webhook deliveries as Stripe does. Tests that need
// it fail, not skip, when it is not configured: a test that cannot fail is a defect.
package stripetest

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"
)

// SecretKey is a test-mode key; stripe-mock takes any that looks like one.
const SecretKey = "sk_test_zhenxing"

// WebhookSecret is the signing secret tests sign webhook deliveries with.
const WebhookSecret = "whsec_zhenxing_test"

// URL returns the base URL of the stripe-mock server, for payment.Config.APIURL.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("STRIPE_MOCK_URL")
	if u == "" {
		t.Fatal("STRIPE_MOCK_URL is not set: run the tests with `make test`, which starts stripe-mock")
	}
	return u
}

// Sign returns the Stripe-Signature header of payload signed with secret at the given time, made
// by stripe-go's webhook.GenerateTestSignedPayload.
func Sign(payload []byte, secret string, at time.Time) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: at}).Header
}

// Event returns the JSON body of a webhook delivery: an event with the ID and type given whose
// data.object is object (a map or struct marshalled as JSON). Its api_version is an older one
// than stripe-go's, as an account's webhook endpoint may well have.
func Event(t testing.TB, id, typ string, object any) []byte {
	t.Helper()
	return EventAt(t, id, typ, time.Now(), object)
}

// EventAt is Event created at the given time.
func EventAt(t testing.TB, id, typ string, created time.Time, object any) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{
		"id":          id,
		"object":      "event",
		"type":        typ,
		"api_version": "2020-08-27",
		"created":     created.Unix(),
		"livemode":    false,
		"data":        map[string]any{"object": object},
	})
	if err != nil {
		t.Fatalf("marshal event: %v", err)
	}
	return b
}
