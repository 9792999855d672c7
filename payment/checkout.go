package payment

import (
	"context"
	"strconv"
	"time"

	"zhenxing"

	"github.com/stripe/stripe-go/v76"
)

// MetadataReference is the metadata key under which a Checkout Session and its PaymentIntent
// carry the caller's reference.
const MetadataReference = "reference"

// maxReference is the longest reference, in bytes: Stripe takes 200 characters as
// client_reference_id and 255 bytes as an idempotency key.
const maxReference = 200

// CheckoutRequest is one attempt to pay a checkout through Stripe. Reference identifies the
// checkout (it comes back in every event as Event.Reference); Attempt numbers the attempts to pay
// it, so that a new attempt, after one expired or failed, makes a new session while a repeated
// request of the same attempt gets the same one.
type CheckoutRequest struct {
	Reference  string
	Lines      []Line
	SuccessURL string
	CancelURL  string
	Attempt    int
	// ExpiresAt, if set, is when the session stops taking payment (Stripe takes 30 minutes to 24
	// hours from now); zero leaves Stripe's default of 24 hours.
	ExpiresAt time.Time
}

// Line is one line of a Checkout Session: a product, its quantity and its unit price.
type Line struct {
	Name       string
	Quantity   int64
	UnitAmount zhenxing.Money
}

// IdempotencyKey is the key a Checkout Session request is sent with: the same reference and
// attempt always give the same key, so Stripe answers a repeat with the session it made first.
func (r CheckoutRequest) IdempotencyKey() string {
	return "checkout-" + r.Reference + "-" + strconv.Itoa(r.Attempt)
}

func (r CheckoutRequest) validate() error {
	if r.Reference == "" || len(r.Reference) > maxReference {
		return zhenxing.Errorf(zhenxing.EInvalid, "支付参考号应为 1 至 %d 个字节。", maxReference)
	}
	if r.Attempt < 0 {
		return zhenxing.Errorf(zhenxing.EInvalid, "支付尝试序号不能为负数。")
	}
	if len(r.Lines) == 0 {
		return zhenxing.Errorf(zhenxing.EInvalid, "没有要支付的商品。")
	}
	for _, l := range r.Lines {
		if l.Name == "" {
			return zhenxing.Errorf(zhenxing.EInvalid, "商品名称不能为空。")
		}
		if l.Quantity <= 0 {
			return zhenxing.Errorf(zhenxing.EInvalid, "“%s”的数量应为正整数。", l.Name)
		}
		if l.UnitAmount <= 0 {
			return zhenxing.Errorf(zhenxing.EInvalid, "“%s”的单价应大于 0。", l.Name)
		}
	}
	if r.SuccessURL == "" || r.CancelURL == "" {
		return zhenxing.Errorf(zhenxing.EInvalid, "缺少支付完成或取消后返回的网址。")
	}
	return nil
}

// params builds the Checkout Session request: mode payment in CNY, the reference as
// client_reference_id and in the metadata of the session and of its PaymentIntent, the client's
// payment methods, a Chinese payment page, and the request's idempotency key.
func (c *Client) params(ctx context.Context, r CheckoutRequest) *stripe.CheckoutSessionParams {
	p := &stripe.CheckoutSessionParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModePayment)),
		Currency:          stripe.String(string(stripe.CurrencyCNY)),
		ClientReferenceID: stripe.String(r.Reference),
		Metadata:          map[string]string{MetadataReference: r.Reference},
		PaymentIntentData: &stripe.CheckoutSessionPaymentIntentDataParams{
			Metadata: map[string]string{MetadataReference: r.Reference},
		},
		SuccessURL: stripe.String(r.SuccessURL),
		CancelURL:  stripe.String(r.CancelURL),
		Locale:     stripe.String("zh"),
	}
	for _, m := range c.methods {
		p.PaymentMethodTypes = append(p.PaymentMethodTypes, stripe.String(m))
		if m == MethodWeChatPay {
			// Stripe requires the client type for WeChat Pay; the site's is a web page.
			p.PaymentMethodOptions = &stripe.CheckoutSessionPaymentMethodOptionsParams{
				WeChatPay: &stripe.CheckoutSessionPaymentMethodOptionsWeChatPayParams{Client: stripe.String("web")},
			}
		}
	}
	for _, l := range r.Lines {
		p.LineItems = append(p.LineItems, &stripe.CheckoutSessionLineItemParams{
			Quantity: stripe.Int64(l.Quantity),
			PriceData: &stripe.CheckoutSessionLineItemPriceDataParams{
				Currency:    stripe.String(string(stripe.CurrencyCNY)),
				UnitAmount:  stripe.Int64(int64(l.UnitAmount)),
				ProductData: &stripe.CheckoutSessionLineItemPriceDataProductDataParams{Name: stripe.String(l.Name)},
			},
		})
	}
	if !r.ExpiresAt.IsZero() {
		p.ExpiresAt = stripe.Int64(r.ExpiresAt.Unix())
	}
	p.Context = ctx
	p.SetIdempotencyKey(r.IdempotencyKey())
	return p
}

// CreateCheckoutSession creates the Checkout Session of one attempt to pay and returns its ID
// and the URL of its payment page. Repeating a request with the same reference and attempt
// returns the same session. Errors: EInvalid for an incomplete request or one Stripe refuses,
// EConflict for a repeated attempt with other lines, EUnavailable when Stripe cannot be reached
// or refuses the key.
func (c *Client) CreateCheckoutSession(ctx context.Context, r CheckoutRequest) (id, url string, err error) {
	if err := r.validate(); err != nil {
		return "", "", err
	}
	s, err := c.api.CheckoutSessions.New(c.params(ctx, r))
	if err != nil {
		return "", "", wrap("create checkout session", err)
	}
	return s.ID, s.URL, nil
}
