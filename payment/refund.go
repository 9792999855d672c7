package payment

import (
	"context"

	"zhenxing"

	"github.com/stripe/stripe-go/v76"
)

// MetadataReason is the metadata key under which a refund carries the staff's reason.
const MetadataReason = "reason"

// maxMetadataValue is the longest metadata value Stripe takes, in characters.
const maxMetadataValue = 500

// Refund refunds amount of the payment made through the PaymentIntent paymentIntentID and
// returns the refund's ID. reason, the staff's words, is kept in the refund's metadata (its
// first 500 characters). A refund
// is not idempotent: the caller records it and must not send it twice. Errors: EInvalid for a
// missing payment, an amount that is not positive or exceeds what is left; EConflict when the
// payment is refunded already; ENotFound when Stripe does not know the payment; EUnavailable when
// Stripe cannot be reached or refuses the key.
func (c *Client) Refund(ctx context.Context, paymentIntentID string, amount zhenxing.Money, reason, idempotencyKey string) (string, error) {
	if paymentIntentID == "" {
		return "", zhenxing.Errorf(zhenxing.EInvalid, "这笔订单没有在线支付记录，无法原路退款。")
	}
	if amount <= 0 {
		return "", zhenxing.Errorf(zhenxing.EInvalid, "退款金额应大于 0。")
	}
	p := &stripe.RefundParams{
		PaymentIntent: stripe.String(paymentIntentID),
		Amount:        stripe.Int64(int64(amount)),
		Reason:        stripe.String(string(stripe.RefundReasonRequestedByCustomer)),
	}
	if reason != "" {
		if r := []rune(reason); len(r) > maxMetadataValue {
			reason = string(r[:maxMetadataValue])
		}
		p.AddMetadata(MetadataReason, reason)
	}
	if idempotencyKey != "" {
		p.SetIdempotencyKey(idempotencyKey)
	}
	p.Context = ctx
	r, err := c.api.Refunds.New(p)
	if err != nil {
		return "", wrap("refund", err)
	}
	return r.ID, nil
}
