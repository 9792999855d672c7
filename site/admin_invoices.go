package site

import (
	"github.com/gofiber/fiber/v2"

	"zhenxing"
	"zhenxing/order"
)

// The back office's invoices (/admin/invoices, hall role): the invoices buyers asked for and
// staff have not recorded, oldest first, each with the form that records the issued invoice
// (number, date, amount, PDF upload) and moves its received order to invoiced.

// invoiceForm is the form of one invoice as typed.
type invoiceForm struct {
	Order, Number, IssuedOn, Amount string
}

// adminInvoicesView is the queue of invoice requests.
type adminInvoicesView struct {
	Layout
	Admin    adminBase
	Requests []order.Requested
	Pager    pager
	Today    string
	Form     invoiceForm // the form refused, shown again with its order
	Notice   string
	Error    string
}

func (s *Server) renderAdminInvoices(c *fiber.Ctx, status int, v *adminInvoicesView) error {
	pg, err := pageParam(c)
	if err != nil {
		return err
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	list, err := s.deps.Orders.Invoices.Pending(ctx, pg.Offset(), pg.Limit()+1)
	if err != nil {
		return err
	}
	v.Pager = pg.Pager(requestLink(c), pg.Offset()+len(list))
	v.Requests = list[:min(len(list), pg.Limit())]
	v.Today = s.now().Format("2006-01-02")
	v.Admin = adminBaseOf(c, "invoices")
	v.Layout = adminLayout("发票", crumb{Name: "发票"})
	return s.renderPage(c, status, "admin_invoices", v)
}

// adminInvoices lists the invoices waiting to be recorded.
func (s *Server) adminInvoices(c *fiber.Ctx) error {
	v := &adminInvoicesView{}
	if n := c.Query("done"); n != "" {
		v.Notice = "订单 " + n + " 的发票已记录，采购单位可以在订单页下载。"
	}
	return s.renderAdminInvoices(c, fiber.StatusOK, v)
}

// adminInvoiceRecord records the issued invoice of the order in the path (multipart: number,
// issued_on, amount, pdf). A refusal shows the queue again with the message: 400 for a bad
// field or file, 409 for an order not received; an unknown order is 404.
func (s *Server) adminInvoiceRecord(c *fiber.Ctx) error {
	number := orderNumber(c)
	f := invoiceForm{Order: number, Number: formField(c, "number"), IssuedOn: formField(c, "issued_on"), Amount: formField(c, "amount")}
	err := func() error {
		issued, err := dateParam(f.IssuedOn, "开票日期")
		if err != nil {
			return err
		}
		amount, err := zhenxing.ParseYuan(f.Amount)
		if err != nil {
			return err
		}
		pdf, err := uploadedFile(c, "pdf", order.MaxInvoicePDF, "发票文件")
		if err != nil {
			return err
		}
		ctx, cancel := dbContext(c)
		defer cancel()
		return s.deps.Orders.Invoices.Record(ctx, userOf(c).Actor(), number, order.IssuedInvoice{
			Number: f.Number, IssuedOn: issued, Amount: amount, PDF: pdf})
	}()
	if err == nil {
		return c.Redirect(linkTo("/admin/invoices", nil).Set("done", number).String(), fiber.StatusSeeOther)
	}
	switch code := zhenxing.ErrorCode(err); code {
	case zhenxing.EInvalid, zhenxing.EConflict:
		return s.renderAdminInvoices(c, statusOf[code], &adminInvoicesView{Form: f, Error: zhenxing.ErrorMessage(err)})
	}
	return err
}
