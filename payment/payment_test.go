package payment_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"zhenxing"
	"zhenxing/internal/stripetest"
	"zhenxing/payment"
)

// sent is one request the client sent to Stripe, as it went over the wire.
type sent struct {
	Method, Path, IdempotencyKey string
	Form                         url.Values
}

// recorder is a reverse proxy in front of stripe-mock that keeps each request it passes on.
type recorder struct {
	URL  string
	mu   sync.Mutex
	reqs []sent
}

func (r *recorder) requests() []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sent(nil), r.reqs...)
}

func newRecorder(t *testing.T) *recorder {
	t.Helper()
	target, err := url.Parse(stripetest.URL(t))
	if err != nil {
		t.Fatalf("STRIPE_MOCK_URL: %v", err)
	}
	rec := &recorder{}
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(string(body))
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, sent{req.Method, req.URL.Path, req.Header.Get("Idempotency-Key"), form})
		rec.mu.Unlock()
		proxy.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	rec.URL = srv.URL
	return rec
}

func newClient(t *testing.T, apiURL string, methods ...string) *payment.Client {
	t.Helper()
	c, err := payment.New(payment.Config{
		SecretKey:      stripetest.SecretKey,
		WebhookSecret:  stripetest.WebhookSecret,
		APIURL:         apiURL,
		PaymentMethods: methods,
	})
	if err != nil {
		t.Fatalf("payment.New: %v", err)
	}
	return c
}

func checkoutRequest(ref string, attempt int) payment.CheckoutRequest {
	return payment.CheckoutRequest{
		Reference: ref,
		Lines: []payment.Line{
			{Name: "略阳乌鸡 2 只装", Quantity: 3, UnitAmount: 12800},
			{Name: "灞桥樱桃 5 斤", Quantity: 10, UnitAmount: 9990},
		},
		SuccessURL: "https://xczx.example.cn/account/orders?paid=1",
		CancelURL:  "https://xczx.example.cn/hall/checkout",
		Attempt:    attempt,
	}
}

func TestCreateCheckoutSession(t *testing.T) {
	tests := []struct {
		name    string
		methods []string
		want    []string
	}{
		{"default card", nil, []string{"card"}},
		{"alipay", []string{"alipay"}, []string{"alipay"}},
		{"all three", []string{"card", "alipay", "wechat_pay", "card"}, []string{"card", "alipay", "wechat_pay"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder(t)
			c := newClient(t, rec.URL, tt.methods...)
			id, u, err := c.CreateCheckoutSession(context.Background(), checkoutRequest("CK20270512-000123", 1))
			if err != nil {
				t.Fatalf("CreateCheckoutSession: %v", err)
			}
			if !strings.HasPrefix(id, "cs_") {
				t.Errorf("session id %q", id)
			}
			if pu, err := url.Parse(u); err != nil || pu.Scheme != "https" || pu.Host == "" {
				t.Errorf("session URL %q", u)
			}
			reqs := rec.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests sent, want 1: %+v", len(reqs), reqs)
			}
			r := reqs[0]
			if r.Method != "POST" || r.Path != "/v1/checkout/sessions" {
				t.Errorf("sent %s %s", r.Method, r.Path)
			}
			if r.IdempotencyKey != "checkout-CK20270512-000123-1" {
				t.Errorf("idempotency key %q", r.IdempotencyKey)
			}
			want := map[string]string{
				"mode":                "payment",
				"currency":            "cny",
				"locale":              "zh",
				"client_reference_id": "CK20270512-000123",
				"metadata[reference]": "CK20270512-000123",
				"payment_intent_data[metadata][reference]": "CK20270512-000123",
				"success_url":                                   "https://xczx.example.cn/account/orders?paid=1",
				"cancel_url":                                    "https://xczx.example.cn/hall/checkout",
				"line_items[0][quantity]":                       "3",
				"line_items[0][price_data][currency]":           "cny",
				"line_items[0][price_data][unit_amount]":        "12800",
				"line_items[0][price_data][product_data][name]": "略阳乌鸡 2 只装",
				"line_items[1][quantity]":                       "10",
				"line_items[1][price_data][unit_amount]":        "9990",
				"line_items[1][price_data][product_data][name]": "灞桥樱桃 5 斤",
			}
			for i, m := range tt.want {
				want["payment_method_types["+string(rune('0'+i))+"]"] = m
			}
			for k, v := range want {
				if got := r.Form.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if n := len(tt.want); r.Form.Has("payment_method_types[" + string(rune('0'+n)) + "]") {
				t.Errorf("more payment methods than %v: %v", tt.want, r.Form)
			}
			wechat := r.Form.Get("payment_method_options[wechat_pay][client]")
			if hasWeChat := len(tt.want) == 3; (wechat == "web") != hasWeChat {
				t.Errorf("payment_method_options[wechat_pay][client] = %q with methods %v", wechat, tt.want)
			}
			if got := c.PaymentMethods(); strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("PaymentMethods() = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestCheckoutIdempotencyKey: a double click or a retry of the same attempt sends the same key,
// so Stripe makes one session; the next attempt sends another.
func TestCheckoutIdempotencyKey(t *testing.T) {
	rec := newRecorder(t)
	c := newClient(t, rec.URL)
	ctx := context.Background()
	for _, attempt := range []int{1, 1, 2} {
		if _, _, err := c.CreateCheckoutSession(ctx, checkoutRequest("CK20270512-000124", attempt)); err != nil {
			t.Fatalf("attempt %d: %v", attempt, err)
		}
	}
	var keys []string
	for _, r := range rec.requests() {
		keys = append(keys, r.IdempotencyKey)
	}
	want := []string{"checkout-CK20270512-000124-1", "checkout-CK20270512-000124-1", "checkout-CK20270512-000124-2"}
	if strings.Join(keys, " ") != strings.Join(want, " ") {
		t.Errorf("idempotency keys %q, want %q", keys, want)
	}
	if got := checkoutRequest("CK20270512-000124", 7).IdempotencyKey(); got != "checkout-CK20270512-000124-7" {
		t.Errorf("IdempotencyKey() = %q", got)
	}
}

func TestCheckoutRequestRefused(t *testing.T) {
	tests := []struct {
		name   string
		change func(*payment.CheckoutRequest)
		want   string
	}{
		{"no reference", func(r *payment.CheckoutRequest) { r.Reference = "" }, "支付参考号"},
		{"long reference", func(r *payment.CheckoutRequest) { r.Reference = strings.Repeat("x", 201) }, "支付参考号"},
		{"no lines", func(r *payment.CheckoutRequest) { r.Lines = nil }, "没有要支付的商品"},
		{"zero quantity", func(r *payment.CheckoutRequest) { r.Lines[0].Quantity = 0 }, "“略阳乌鸡 2 只装”的数量应为正整数"},
		{"negative price", func(r *payment.CheckoutRequest) { r.Lines[1].UnitAmount = -1 }, "“灞桥樱桃 5 斤”的单价应大于 0"},
		{"no name", func(r *payment.CheckoutRequest) { r.Lines[1].Name = "" }, "商品名称不能为空"},
		{"no success url", func(r *payment.CheckoutRequest) { r.SuccessURL = "" }, "返回的网址"},
		{"negative attempt", func(r *payment.CheckoutRequest) { r.Attempt = -1 }, "不能为负数"},
	}
	rec := newRecorder(t)
	c := newClient(t, rec.URL)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := checkoutRequest("CK20270512-000125", 1)
			tt.change(&r)
			_, _, err := c.CreateCheckoutSession(context.Background(), r)
			assertError(t, err, zhenxing.EInvalid, tt.want)
		})
	}
	if n := len(rec.requests()); n != 0 {
		t.Errorf("%d requests reached Stripe", n)
	}
}

func TestRefund(t *testing.T) {
	rec := newRecorder(t)
	c := newClient(t, rec.URL)
	id, err := c.Refund(context.Background(), "pi_3PgafyB7WZ01zgkW1", 12800, "买家退回一箱，按箱退款", "refund-XF20270512-000123-0-12800")
	if err != nil {
		t.Fatalf("Refund: %v", err)
	}
	if !strings.HasPrefix(id, "re_") {
		t.Errorf("refund id %q", id)
	}
	reqs := rec.requests()
	if len(reqs) != 1 || reqs[0].Path != "/v1/refunds" {
		t.Fatalf("requests %+v", reqs)
	}
	if reqs[0].IdempotencyKey != "refund-XF20270512-000123-0-12800" {
		t.Errorf("idempotency key %q", reqs[0].IdempotencyKey)
	}
	for k, v := range map[string]string{"payment_intent": "pi_3PgafyB7WZ01zgkW1", "amount": "12800", "reason": "requested_by_customer", "metadata[reason]": "买家退回一箱，按箱退款"} {
		if got := reqs[0].Form.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}

	for _, tt := range []struct {
		name, pi string
		amount   zhenxing.Money
		want     string
	}{
		{"no payment", "", 100, "没有在线支付记录"},
		{"zero", "pi_1", 0, "退款金额应大于 0"},
		{"negative", "pi_1", -100, "退款金额应大于 0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Refund(context.Background(), tt.pi, tt.amount, "", "")
			assertError(t, err, zhenxing.EInvalid, tt.want)
		})
	}
	if n := len(rec.requests()); n != 1 {
		t.Errorf("%d requests reached Stripe, want the 1 valid refund", n)
	}
}

// TestStripeUnavailable: Stripe out of reach, or refusing the key, is EUnavailable with a
// Chinese message that points to bank transfer.
func TestStripeUnavailable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()

	badKey, err := payment.New(payment.Config{SecretKey: "not-a-key", WebhookSecret: stripetest.WebhookSecret, APIURL: stripetest.URL(t)})
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*payment.Client{"unreachable": newClient(t, closed), "refused key": badKey} {
		t.Run(name, func(t *testing.T) {
			_, _, err := c.CreateCheckoutSession(context.Background(), checkoutRequest("CK20270512-000126", 1))
			assertError(t, err, zhenxing.EUnavailable, "对公转账")
			_, err = c.Refund(context.Background(), "pi_1", 100, "", "")
			assertError(t, err, zhenxing.EUnavailable, "对公转账")
		})
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	good := payment.Config{SecretKey: stripetest.SecretKey, WebhookSecret: stripetest.WebhookSecret}
	tests := []struct {
		name   string
		change func(*payment.Config)
		want   string
	}{
		{"no key", func(c *payment.Config) { c.SecretKey = "" }, "Stripe 密钥"},
		{"no webhook secret", func(c *payment.Config) { c.WebhookSecret = "" }, "回调签名密钥"},
		{"bad url", func(c *payment.Config) { c.APIURL = "api.stripe.com" }, "接口地址"},
		{"bad method", func(c *payment.Config) { c.PaymentMethods = []string{"card", "paypal"} }, "“paypal”无效"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good
			tt.change(&cfg)
			_, err := payment.New(cfg)
			assertError(t, err, zhenxing.EInvalid, tt.want)
		})
	}
}

func assertError(t *testing.T, err error, code, msg string) {
	t.Helper()
	if got := zhenxing.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
	if m := zhenxing.ErrorMessage(err); !strings.Contains(m, msg) {
		t.Errorf("message %q lacks %q", m, msg)
	}
}
