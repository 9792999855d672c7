package site

import (
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"zhenxing"
	"zhenxing/order"
)

// The back office's payments (/admin/payments, hall role): the form that records a bank transfer
// (date, amount, payer, bank reference) against an order number or a checkout's payment
// reference code, the list of payments with filters and the pager, and its CSV export.

// transferForm is the transfer form as typed.
type transferForm struct {
	Target, PaidOn, Amount, Payer, BankReference string
}

// adminPaymentsView is the payments page.
type adminPaymentsView struct {
	Layout
	Admin    adminBase
	Payments []order.PaymentSummary
	Method   string
	Query    string
	From, To string
	Total    int
	Pager    pager
	CSV      string
	Form     transferForm
	Notice   string
	Error    string
}

// paymentFilter reads the filters of the payments list: method, text, dates.
func paymentFilter(c *fiber.Ctx, pg pageNumber) (order.PaymentFilter, error) {
	f := order.PaymentFilter{Method: utils.CopyString(c.Query("method")), Query: utils.CopyString(strings.TrimSpace(c.Query("q"))),
		Offset: pg.Offset(), Limit: pg.Limit()}
	var err error
	if f.From, err = dateParam(c.Query("from"), "开始日期"); err != nil {
		return f, err
	}
	if f.To, err = dateParam(c.Query("to"), "结束日期"); err != nil {
		return f, err
	}
	return f, nil
}

func (s *Server) renderAdminPayments(c *fiber.Ctx, status int, v *adminPaymentsView) error {
	pg, err := pageParam(c)
	if err != nil {
		return err
	}
	f, err := paymentFilter(c, pg)
	if err != nil {
		return err
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	if v.Payments, v.Total, err = s.deps.Orders.Payments.List(ctx, f); err != nil {
		return err
	}
	here := requestLink(c)
	csvLink := here
	csvLink.path = "/admin/payments.csv"
	v.Method, v.Query, v.From, v.To = f.Method, f.Query, c.Query("from"), c.Query("to")
	v.Pager, v.CSV = pg.Pager(here, v.Total), csvLink.Page(1).String()
	if v.Form.PaidOn == "" {
		v.Form.PaidOn = s.now().Format("2006-01-02")
	}
	v.Admin = adminBaseOf(c, "payments")
	v.Layout = adminLayout("收款", crumb{Name: "收款"})
	return s.renderPage(c, status, "admin_payments", v)
}

// adminPayments shows the transfer form and the list of payments.
func (s *Server) adminPayments(c *fiber.Ctx) error {
	v := &adminPaymentsView{}
	if n := c.Query("paid"); n != "" {
		v.Notice = "转账已记录，已付款的订单：" + n + "。"
		if c.Query("late") == "1" {
			v.Notice = "转账已记录，但订单 " + n + " 已取消：已标记为逾期到账，请联系采购单位退款或补单。"
		}
	}
	return s.renderAdminPayments(c, fiber.StatusOK, v)
}

// adminPaymentRecord records a bank transfer. A refusal shows the form again with what was typed
// and the message: 400 for a bad field or an amount that does not match, 404 for an unknown
// number or code, 409 for a bank reference recorded before or orders that cannot take a payment.
func (s *Server) adminPaymentRecord(c *fiber.Ctx) error {
	f := transferForm{Target: formField(c, "target"), PaidOn: formField(c, "paid_on"), Amount: formField(c, "amount"),
		Payer: formField(c, "payer"), BankReference: formField(c, "bank_reference")}
	rec, err := s.recordTransfer(c, f)
	if err == nil {
		target := linkTo("/admin/payments", nil).Set("paid", strings.Join(rec.Orders, "、"))
		if rec.Late {
			target = target.Set("late", "1")
		}
		return c.Redirect(target.String(), fiber.StatusSeeOther)
	}
	switch code := zhenxing.ErrorCode(err); code {
	case zhenxing.EInvalid, zhenxing.ENotFound, zhenxing.EConflict:
		return s.renderAdminPayments(c, statusOf[code], &adminPaymentsView{Form: f, Error: zhenxing.ErrorMessage(err)})
	}
	return err
}

func (s *Server) recordTransfer(c *fiber.Ctx, f transferForm) (*order.Recorded, error) {
	paidOn, err := dateParam(f.PaidOn, "到账日期")
	if err != nil {
		return nil, err
	}
	amount, err := zhenxing.ParseYuan(f.Amount)
	if err != nil {
		return nil, err
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	return s.deps.Orders.Payments.RecordTransfer(ctx, userOf(c).Actor(), order.Transfer{
		Target: f.Target, PaidOn: paidOn, Amount: amount, Payer: f.Payer, BankReference: f.BankReference})
}

// adminPaymentsCSV exports every payment the filters select (not one page) as CSV.
func (s *Server) adminPaymentsCSV(c *fiber.Ctx) error {
	f, err := paymentFilter(c, 1)
	if err != nil {
		return err
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	return sendCSV(c, "收款-"+s.now().Format("20060102")+".csv", func(w io.Writer) error {
		return s.deps.Orders.Payments.ExportCSV(ctx, w, f)
	})
}
