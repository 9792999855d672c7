// Package payment is the site's Stripe client: Checkout Sessions in CNY, refunds and verified
// webhook events. It knows nothing of orders: callers pass a reference (their checkout's) and get
// it back in events. It uses its own stripe-go client and backend, never the package-global key.
package payment

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"zhenxing"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"
)

// The payment methods a Checkout Session may offer.
const (
	MethodCard      = "card"
	MethodAlipay    = "alipay"
	MethodWeChatPay = "wechat_pay"
)

// Methods lists the payment methods STRIPE_PAYMENT_METHODS may name, in the order shown.
var Methods = []string{MethodCard, MethodAlipay, MethodWeChatPay}

// ValidMethod reports whether m is one of Methods.
func ValidMethod(m string) bool {
	for _, v := range Methods {
		if m == v {
			return true
		}
	}
	return false
}

// DefaultAPIURL is Stripe's API base URL.
const DefaultAPIURL = stripe.APIURL

// WebhookTolerance is how old a webhook's signed timestamp may be.
const WebhookTolerance = 300 * time.Second

// Config is what the client needs. SecretKey and WebhookSecret are required; APIURL defaults to
// DefaultAPIURL (tests point it at stripe-mock) and PaymentMethods to card.
type Config struct {
	SecretKey      string
	WebhookSecret  string
	APIURL         string
	PaymentMethods []string
}

// Client talks to Stripe with the keys of one Config. It is safe for concurrent use.
type Client struct {
	api           *client.API
	webhookSecret string
	methods       []string
}

// New checks the configuration and returns a client. It makes no request. An incomplete or
// invalid Config is an EInvalid error.
func New(cfg Config) (*Client, error) {
	if cfg.SecretKey == "" {
		return nil, zhenxing.Errorf(zhenxing.EInvalid, "未配置 Stripe 密钥。")
	}
	if cfg.WebhookSecret == "" {
		return nil, zhenxing.Errorf(zhenxing.EInvalid, "未配置 Stripe 回调签名密钥。")
	}
	apiURL := strings.TrimSuffix(cfg.APIURL, "/")
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	if u, err := url.Parse(apiURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, zhenxing.Errorf(zhenxing.EInvalid, "Stripe 接口地址“%s”无效。", cfg.APIURL)
	}
	methods := []string{MethodCard}
	if len(cfg.PaymentMethods) > 0 {
		methods = nil
		for _, m := range cfg.PaymentMethods {
			if !ValidMethod(m) {
				return nil, zhenxing.Errorf(zhenxing.EInvalid, "支付方式“%s”无效，应为 card、alipay 或 wechat_pay。", m)
			}
			if !contains(methods, m) {
				methods = append(methods, m)
			}
		}
	}
	backend := stripe.GetBackendWithConfig(stripe.APIBackend, &stripe.BackendConfig{
		URL: stripe.String(apiURL),
		// A request waits at most 10 s per try; retries reuse its idempotency key.
		HTTPClient:        &http.Client{Timeout: 10 * time.Second},
		MaxNetworkRetries: stripe.Int64(2),
		// Errors reach the caller as coded errors and are logged there, once.
		LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull},
	})
	api := &client.API{}
	// The site uploads no files and uses no Connect: one backend serves all three.
	api.Init(cfg.SecretKey, &stripe.Backends{API: backend, Connect: backend, Uploads: backend})
	return &Client{api: api, webhookSecret: cfg.WebhookSecret, methods: methods}, nil
}

// PaymentMethods returns the payment methods the client's Checkout Sessions offer.
func (c *Client) PaymentMethods() []string { return append([]string(nil), c.methods...) }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// wrap gives a Stripe failure the context of the call.
func wrap(what string, err error) error { return fmt.Errorf("stripe %s: %w", what, classify(err)) }
