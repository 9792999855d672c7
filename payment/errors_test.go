package payment

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"zhenxing"

	"github.com/stripe/stripe-go/v76"
)

// TestClassify covers the answers stripe-mock does not give: declines, outages, rate limits,
// conflicts. The errors are stripe-go's own, as its backend decodes them from Stripe's answers.
func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		err  error
		code string
		msg  string
	}{
		{"card declined", &stripe.Error{HTTPStatusCode: 402, Type: stripe.ErrorTypeCard, Code: stripe.ErrorCodeCardDeclined}, zhenxing.EInvalid, "付款方式被拒绝"},
		{"invalid request", &stripe.Error{HTTPStatusCode: 400, Type: stripe.ErrorTypeInvalidRequest, Code: stripe.ErrorCodeParameterInvalidInteger}, zhenxing.EInvalid, "拒绝了这次请求"},
		{"refund too large", &stripe.Error{HTTPStatusCode: 400, Type: stripe.ErrorTypeInvalidRequest, Code: stripe.ErrorCodeAmountTooLarge}, zhenxing.EInvalid, "超过了可退金额"},
		{"already refunded", &stripe.Error{HTTPStatusCode: 400, Type: stripe.ErrorTypeInvalidRequest, Code: stripe.ErrorCodeChargeAlreadyRefunded}, zhenxing.EConflict, "已全额退款"},
		{"unknown payment", &stripe.Error{HTTPStatusCode: 404, Type: stripe.ErrorTypeInvalidRequest, Code: stripe.ErrorCodeResourceMissing}, zhenxing.ENotFound, "找不到这笔付款"},
		{"idempotency key reused", &stripe.Error{HTTPStatusCode: 400, Type: stripe.ErrorTypeIdempotency}, zhenxing.EConflict, "刷新页面"},
		{"bad key", &stripe.Error{HTTPStatusCode: 401, Type: stripe.ErrorTypeInvalidRequest}, zhenxing.EUnavailable, "对公转账"},
		{"rate limited", &stripe.Error{HTTPStatusCode: 429, Type: stripe.ErrorTypeInvalidRequest, Code: stripe.ErrorCodeRateLimit}, zhenxing.EUnavailable, "繁忙"},
		{"stripe down", &stripe.Error{HTTPStatusCode: 500, Type: stripe.ErrorTypeAPI}, zhenxing.EUnavailable, "繁忙"},
		{"no answer", fmt.Errorf("Post %q: %w", "https://api.stripe.com/v1/refunds", errors.New("connection refused")), zhenxing.EUnavailable, "无法连接"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := wrap("refund", tt.err)
			if got := zhenxing.ErrorCode(err); got != tt.code {
				t.Errorf("code %q, want %q", got, tt.code)
			}
			if m := zhenxing.ErrorMessage(err); !strings.Contains(m, tt.msg) {
				t.Errorf("message %q lacks %q", m, tt.msg)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("%v does not wrap the cause", err)
			}
		})
	}
}
