package payment

import (
	"errors"
	"net/http"

	"zhenxing"

	"github.com/stripe/stripe-go/v76"
)

// classify turns an error of stripe-go into a coded error: Stripe out of reach, overloaded or
// refusing the site's key is EUnavailable (the site answers 503; the cause is in the log); a
// declined payment or a request Stripe finds invalid is EInvalid; an unknown object ENotFound; a
// refund of a payment already refunded or an idempotency key reused with other parameters
// EConflict. The stripe-go error stays wrapped for the log.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var se *stripe.Error
	if !errors.As(err, &se) {
		// No answer from Stripe: a connection refused, a timeout, a cancelled request.
		return &zhenxing.Error{Code: zhenxing.EUnavailable, Message: "在线支付暂时无法连接，请稍后再试，或改用对公转账。", Err: err}
	}
	e := &zhenxing.Error{Err: err}
	switch {
	case se.HTTPStatusCode == http.StatusUnauthorized || se.HTTPStatusCode == http.StatusForbidden:
		e.Code, e.Message = zhenxing.EUnavailable, "在线支付暂不可用，请改用对公转账，或联系网站管理员。"
	case se.HTTPStatusCode == http.StatusTooManyRequests || se.HTTPStatusCode >= 500 || se.Type == stripe.ErrorTypeAPI:
		e.Code, e.Message = zhenxing.EUnavailable, "在线支付暂时繁忙，请稍后再试，或改用对公转账。"
	case se.Type == stripe.ErrorTypeCard:
		e.Code, e.Message = zhenxing.EInvalid, "支付未成功：付款方式被拒绝，请更换付款方式，或改用对公转账。"
	case se.Type == stripe.ErrorTypeIdempotency:
		e.Code, e.Message = zhenxing.EConflict, "这笔支付已以不同的内容发起过，请刷新页面后重试。"
	case se.Code == stripe.ErrorCodeChargeAlreadyRefunded:
		e.Code, e.Message = zhenxing.EConflict, "这笔付款已全额退款。"
	case se.Code == stripe.ErrorCodeAmountTooLarge:
		e.Code, e.Message = zhenxing.EInvalid, "退款金额超过了可退金额。"
	case se.Code == stripe.ErrorCodeResourceMissing || se.HTTPStatusCode == http.StatusNotFound:
		e.Code, e.Message = zhenxing.ENotFound, "在线支付中找不到这笔付款。"
	default:
		e.Code, e.Message = zhenxing.EInvalid, "在线支付拒绝了这次请求，请核对后重试，或改用对公转账。"
	}
	return e
}
