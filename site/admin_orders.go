package site

import (
	"bytes"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"zhenxing"
	"zhenxing/order"
)

// The back office's orders (/admin/orders, hall role): the queue by state with filters and the
// pager, its CSV export, and one order's page with the staff actions: ship (carrier, tracking
// number), refund (amount, reason) and cancel (reason). The order package writes the timeline and
// the audit entries.

// dateParam reads an optional date parameter (2026-01-31) named name in Chinese; a bad one is
// EInvalid.
func dateParam(v, name string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02", v, zhenxing.Beijing)
	if err != nil {
		return time.Time{}, zhenxing.Errorf(zhenxing.EInvalid, "%s“%s”无效，应为 2026-01-31 这样的日期。", name, v)
	}
	return t, nil
}

// staffOrderFilter reads the filters of the staff queue: state, number, organisation, dates and
// late payments.
func staffOrderFilter(c *fiber.Ctx, pg pageNumber) (order.Filter, error) {
	f, err := orderFilter(c, pg)
	if err != nil {
		return f, err
	}
	f.Organization = utils.CopyString(strings.TrimSpace(c.Query("org")))
	f.LatePayment = c.Query("late") == "1"
	if f.From, err = dateParam(c.Query("from"), "开始日期"); err != nil {
		return f, err
	}
	if f.To, err = dateParam(c.Query("to"), "结束日期"); err != nil {
		return f, err
	}
	return f, nil
}

// adminOrdersView is the staff queue of orders.
type adminOrdersView struct {
	Layout
	Admin  adminBase
	Orders []order.Summary
	Filter order.Filter
	From   string
	To     string
	States []orderState
	Total  int
	Pager  pager
	CSV    string // the export of the same filters
}

// adminOrders lists every organisation's orders, newest first, with the filters.
func (s *Server) adminOrders(c *fiber.Ctx) error {
	pg, err := pageParam(c)
	if err != nil {
		return err
	}
	f, err := staffOrderFilter(c, pg)
	if err != nil {
		return err
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	page, err := s.deps.Orders.Orders.StaffList(ctx, f)
	if err != nil {
		return err
	}
	here := requestLink(c)
	csvLink := here
	csvLink.path = "/admin/orders.csv"
	return s.renderPage(c, fiber.StatusOK, "admin_orders", &adminOrdersView{
		Layout: adminLayout("订单", crumb{Name: "订单"}),
		Admin:  adminBaseOf(c, "orders"),
		Orders: page.Orders, Filter: f, From: c.Query("from"), To: c.Query("to"), States: orderStates(),
		Total: page.Total, Pager: pg.Pager(here, page.Total), CSV: csvLink.Page(1).String(),
	})
}

// sendCSV sends the CSV that export writes as a download named name; an error before anything
// is sent (a bad filter) goes to the error page.
func sendCSV(c *fiber.Ctx, name string, export func(w io.Writer) error) error {
	var buf bytes.Buffer
	if err := export(&buf); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, "attachment; filename*=UTF-8''"+url.PathEscape(name))
	return c.Send(buf.Bytes())
}

// adminOrdersCSV exports every order the filters select (not one page) as CSV.
func (s *Server) adminOrdersCSV(c *fiber.Ctx) error {
	f, err := staffOrderFilter(c, 1)
	if err != nil {
		return err
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	return sendCSV(c, "订单-"+s.now().Format("20060102")+".csv", func(w io.Writer) error {
		return s.deps.Orders.Orders.ExportCSV(ctx, w, f)
	})
}

// adminOrderView is one order in the back office.
type adminOrderView struct {
	Layout
	Admin    adminBase
	Order    *order.Detail
	Notice   string
	Error    string
	Carrier  string
	Tracking string
	Amount   string
	Reason   string
}

// CanShip reports whether staff can record a shipment: a paid order, or one shipped already (a
// further parcel).
func (v *adminOrderView) CanShip() bool {
	return v.Order.State == order.StatePaid || v.Order.State == order.StateShipped
}

// CanRefund reports whether money can be paid back for the order.
func (v *adminOrderView) CanRefund() bool {
	switch v.Order.State {
	case order.StatePaid, order.StateShipped, order.StateReceived, order.StateInvoiced:
		return v.Order.Refunded < v.Order.Total
	}
	return false
}

// CanCancel reports whether staff can cancel the order.
func (v *adminOrderView) CanCancel() bool {
	return v.Order.State == order.StateApproval || v.Order.State == order.StateUnpaid
}

var adminOrderNotices = map[string]string{
	"shipped":   "发货信息已保存。",
	"refunded":  "退款已记录。",
	"cancelled": "订单已取消，预留的库存已释放。",
}

func adminOrderURL(number string) string { return "/admin/orders/" + url.PathEscape(number) }

func (s *Server) renderAdminOrder(c *fiber.Ctx, status int, number string, v *adminOrderView) error {
	ctx, cancel := dbContext(c)
	defer cancel()
	var err error
	if v.Order, err = s.deps.Orders.Orders.StaffGet(ctx, number); err != nil {
		return err
	}
	v.Admin = adminBaseOf(c, "orders")
	v.Layout = adminLayout("订单 "+v.Order.Number, crumb{"订单", "/admin/orders"}, crumb{Name: v.Order.Number})
	return s.renderPage(c, status, "admin_order", v)
}

// adminOrder shows one order; an unknown number is 404.
func (s *Server) adminOrder(c *fiber.Ctx) error {
	return s.renderAdminOrder(c, fiber.StatusOK, orderNumber(c), &adminOrderView{Notice: adminOrderNotices[c.Query("done")]})
}

// adminOrderAction runs a staff POST on an order: success goes back to it with the notice done;
// bad input (400) or an action the state does not allow (409, e.g. shipping an unpaid order)
// shows the order again with the message and what was typed.
func (s *Server) adminOrderAction(done string, act func(c *fiber.Ctx, number string) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		number := orderNumber(c)
		err := act(c, number)
		if err == nil {
			return c.Redirect(adminOrderURL(number)+"?done="+done, fiber.StatusSeeOther)
		}
		switch code := zhenxing.ErrorCode(err); code {
		case zhenxing.EInvalid, zhenxing.EConflict:
			return s.renderAdminOrder(c, statusOf[code], number, &adminOrderView{Error: zhenxing.ErrorMessage(err),
				Carrier: formField(c, "carrier"), Tracking: formField(c, "tracking"), Amount: formField(c, "amount"), Reason: formField(c, "reason")})
		}
		return err
	}
}

// adminOrderShip records a shipment of a paid order.
func (s *Server) adminOrderShip(c *fiber.Ctx) error {
	return s.adminOrderAction("shipped", func(c *fiber.Ctx, number string) error {
		ctx, cancel := dbContext(c)
		defer cancel()
		return s.deps.Orders.Orders.Ship(ctx, userOf(c).Actor(), number, formField(c, "carrier"), formField(c, "tracking"))
	})(c)
}

// adminOrderRefund refunds (amount in yuan, reason) a paid order: through Stripe for an order
// paid online, else recorded only (the bureau pays a bank transfer back itself); see refundOrder.
func (s *Server) adminOrderRefund(c *fiber.Ctx) error {
	return s.adminOrderAction("refunded", func(c *fiber.Ctx, number string) error {
		amount, err := zhenxing.ParseYuan(formField(c, "amount"))
		if err != nil {
			return err
		}
		return s.refundOrder(c, number, amount, formField(c, "reason"))
	})(c)
}

// adminOrderCancel cancels an order waiting for approval or payment, with a reason.
func (s *Server) adminOrderCancel(c *fiber.Ctx) error {
	return s.adminOrderAction("cancelled", func(c *fiber.Ctx, number string) error {
		ctx, cancel := dbContext(c)
		defer cancel()
		return s.deps.Orders.Orders.StaffCancel(ctx, userOf(c).Actor(), number, formField(c, "reason"))
	})(c)
}

// adminOrderInvoicePDF sends the invoice PDF of any order; none is 404.
func (s *Server) adminOrderInvoicePDF(c *fiber.Ctx) error {
	number := orderNumber(c)
	ctx, cancel := dbContext(c)
	defer cancel()
	pdf, err := s.deps.Orders.Invoices.StaffPDF(ctx, number)
	if err != nil {
		return err
	}
	return sendPDF(c, "发票-"+number+".pdf", pdf)
}

// adminProblemPhoto sends the photo of a problem report of any order.
func (s *Server) adminProblemPhoto(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return zhenxing.Errorf(zhenxing.ENotFound, "没有找到这张照片。")
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	data, ctype, err := s.deps.Orders.Orders.StaffProblemPhoto(ctx, orderNumber(c), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, ctype)
	return c.Send(data)
}
