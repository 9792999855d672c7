package site

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"zhenxing"
	"zhenxing/internal/account"
	"zhenxing/order"
	"zhenxing/payment"
)

// The buyer's orders (/account/orders): the organisation's orders with filters and the pager,
// one order's page with its lines, timeline, payment instructions, shipments and the buyer's
// actions (confirm receipt, report a problem, request the invoice and download it, reorder,
// cancel), and its print view. Every read and action is the buyer's organisation's: another
// organisation's number is 404.

// buyerOf is the request's buyer as the order package knows them, with the organisation.
func (s *Server) buyerOf(c *fiber.Ctx) (order.Buyer, *account.Organization, error) {
	u := userOf(c)
	org, err := sessionOf(c).BuyerOrganization()
	if err != nil {
		return order.Buyer{}, nil, err
	}
	name := u.Name
	if name == "" {
		name = u.Login()
	}
	return order.Buyer{UserID: u.ID, OrganizationID: org.ID, Name: name, Admin: u.IsOrgAdmin(),
		Approved: org.Approved(), ApprovalThreshold: org.ApprovalThreshold}, org, nil
}

// orderState is a state the lists filter by: its value in the query, its Chinese name.
type orderState struct{ Value, Label string }

func orderStates() []orderState {
	list := make([]orderState, len(order.States))
	for i, st := range order.States {
		list[i] = orderState{st, order.StateLabel(st)}
	}
	return list
}

// orderFilter reads the state and number filters of an order list; an unknown state is EInvalid.
func orderFilter(c *fiber.Ctx, pg pageNumber) (order.Filter, error) {
	f := order.Filter{State: utils.CopyString(c.Query("state")), Number: utils.CopyString(strings.TrimSpace(c.Query("number"))),
		Offset: pg.Offset(), Limit: pg.Limit()}
	if f.State != "" && !order.ValidState(f.State) {
		return f, zhenxing.Errorf(zhenxing.EInvalid, "订单状态“%s”无效。", f.State)
	}
	return f, nil
}

// buyerNav is the links every buyer page of the hall shows above its content.
type buyerNav struct {
	Current string // cart, orders, approvals
	Admin   bool   // an administrator of the organisation: the approvals link is shown
}

func buyerNavOf(c *fiber.Ctx, current string) buyerNav {
	return buyerNav{Current: current, Admin: userOf(c).IsOrgAdmin()}
}

// ordersView is the organisation's orders.
type ordersView struct {
	Layout
	Nav    buyerNav
	Orders []order.Summary
	State  string
	Number string
	States []orderState
	Total  int
	Pager  pager
}

// accountOrders lists the organisation's orders, newest first, filtered by state and number.
func (s *Server) accountOrders(c *fiber.Ctx) error {
	pg, err := pageParam(c)
	if err != nil {
		return err
	}
	f, err := orderFilter(c, pg)
	if err != nil {
		return err
	}
	b, _, err := s.buyerOf(c)
	if err != nil {
		return err
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	page, err := s.deps.Orders.Orders.List(ctx, b.OrganizationID, f)
	if err != nil {
		return err
	}
	return s.renderPage(c, fiber.StatusOK, "orders", &ordersView{
		Layout: accountLayout("我的订单"),
		Nav:    buyerNavOf(c, "orders"),
		Orders: page.Orders, State: f.State, Number: f.Number, States: orderStates(), Total: page.Total,
		Pager: pg.Pager(requestLink(c), page.Total),
	})
}

// paymentInfo is what a buyer needs to pay a checkout by bank transfer.
type paymentInfo struct {
	Bank      payment.BankAccount
	Reference string         // the checkout's payment reference code (识别码)
	Amount    zhenxing.Money // what is still to pay under it
	PayBy     string         // the deadline, Beijing time; "" while it waits for approval
	Online    bool           // Stripe is configured: the buyer may pay online instead
	CSRF      string         // of the online payment's form
}

// paymentOf is the payment instructions of the buyer's checkout with the reference code, nil
// when nothing of it is left to pay.
func (s *Server) paymentOf(c *fiber.Ctx, orgID int64, reference string) (*paymentInfo, *order.Checkout, error) {
	ctx, cancel := dbContext(c)
	defer cancel()
	k, err := s.deps.Orders.Checkouts.Find(ctx, orgID, reference)
	if err != nil {
		return nil, nil, err
	}
	if k.Unpaid == 0 {
		return nil, k, nil
	}
	p := &paymentInfo{Bank: s.cfg.Bank, Reference: k.Reference, Amount: k.Unpaid, CSRF: csrfOf(c)}
	for _, o := range k.Orders {
		if o.State == order.StateUnpaid && o.PayBy != nil {
			p.PayBy = o.PayBy.In(zhenxing.Beijing).Format("2006-01-02 15:04")
			p.Online = s.stripeEnabled()
			break
		}
	}
	return p, k, nil
}

// orderView is one order of the organisation.
type orderView struct {
	Layout
	Nav     buyerNav
	CSRF    string
	Order   *order.Detail
	Payment *paymentInfo // while the order is unpaid
	Notice  string
	Error   string
	Notes   []string // what changed since, after a reorder
	Problem string   // the problem text as typed, after a refusal
}

// CanCancel reports whether the buyer can cancel the order: before payment.
func (v *orderView) CanCancel() bool {
	return v.Order.State == order.StateApproval || v.Order.State == order.StateUnpaid
}

// CanConfirm reports whether the buyer can confirm receipt.
func (v *orderView) CanConfirm() bool { return v.Order.State == order.StateShipped }

// CanReport reports whether the buyer can report a problem on receipt.
func (v *orderView) CanReport() bool {
	return v.Order.State == order.StateShipped || v.Order.State == order.StateReceived
}

// CanRequestInvoice reports whether the buyer can ask for the invoice.
func (v *orderView) CanRequestInvoice() bool {
	switch v.Order.State {
	case order.StatePaid, order.StateShipped, order.StateReceived:
		return v.Order.InvoiceRequest == nil
	}
	return false
}

var orderNotices = map[string]string{
	"received":  "已确认收货。",
	"problem":   "问题已提交，馆务工作人员会尽快联系您。",
	"invoice":   "发票申请已提交，开具后可在本页下载。",
	"cancelled": "订单已取消，预留的库存已释放。",
}

// orderNumber is the :number of the path, copied out of Fiber's buffers.
func orderNumber(c *fiber.Ctx) string { return strings.ToUpper(utils.CopyString(c.Params("number"))) }

func orderURL(number string) string { return "/account/orders/" + url.PathEscape(number) }

// renderOrder shows the organisation's order with v's notice or error and status.
func (s *Server) renderOrder(c *fiber.Ctx, status int, number string, v *orderView) error {
	b, _, err := s.buyerOf(c)
	if err != nil {
		return err
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	if v.Order, err = s.deps.Orders.Orders.Get(ctx, b.OrganizationID, number); err != nil {
		return err
	}
	if v.Order.State == order.StateUnpaid {
		if v.Payment, _, err = s.paymentOf(c, b.OrganizationID, v.Order.Reference); err != nil {
			return err
		}
	}
	v.Nav, v.CSRF = buyerNavOf(c, "orders"), csrfOf(c)
	v.Layout = accountLayout("订单 "+v.Order.Number, crumb{"我的订单", "/account/orders"}, crumb{Name: v.Order.Number})
	return s.renderPage(c, status, "order", v)
}

// accountOrder shows one order of the organisation; another organisation's is 404.
func (s *Server) accountOrder(c *fiber.Ctx) error {
	return s.renderOrder(c, fiber.StatusOK, orderNumber(c), &orderView{Notice: orderNotices[c.Query("done")]})
}

// orderAction runs a buyer's POST on an order: success goes back to the order with the notice
// done; an error the buyer can act on (bad input, the state forbids it, a refusal) shows the
// order again with the message and its status; another organisation's number is 404.
func (s *Server) orderAction(done string, act func(c *fiber.Ctx, b order.Buyer, number string) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		number := orderNumber(c)
		b, _, err := s.buyerOf(c)
		if err != nil {
			return err
		}
		err = act(c, b, number)
		if err == nil {
			return c.Redirect(orderURL(number)+"?done="+done, fiber.StatusSeeOther)
		}
		switch code := zhenxing.ErrorCode(err); code {
		case zhenxing.EInvalid, zhenxing.EConflict, zhenxing.EForbidden, zhenxing.ETooMany:
			return s.renderOrder(c, statusOf[code], number, &orderView{Error: zhenxing.ErrorMessage(err), Problem: formField(c, "text")})
		}
		return err
	}
}

// accountOrderReceipt confirms receipt of a shipped order.
func (s *Server) accountOrderReceipt(c *fiber.Ctx) error {
	return s.orderAction("received", func(c *fiber.Ctx, b order.Buyer, number string) error {
		ctx, cancel := dbContext(c)
		defer cancel()
		return s.deps.Orders.Orders.ConfirmReceipt(ctx, b, number)
	})(c)
}

// accountOrderCancel cancels an order waiting for approval or payment.
func (s *Server) accountOrderCancel(c *fiber.Ctx) error {
	return s.orderAction("cancelled", func(c *fiber.Ctx, b order.Buyer, number string) error {
		ctx, cancel := dbContext(c)
		defer cancel()
		return s.deps.Orders.Orders.Cancel(ctx, b, number)
	})(c)
}

// accountOrderInvoice asks for the invoice of a paid order.
func (s *Server) accountOrderInvoice(c *fiber.Ctx) error {
	return s.orderAction("invoice", func(c *fiber.Ctx, b order.Buyer, number string) error {
		ctx, cancel := dbContext(c)
		defer cancel()
		return s.deps.Orders.Invoices.Request(ctx, b, number)
	})(c)
}

// accountOrderProblem reports a problem on receipt: a text and an optional photo (multipart
// field "photo").
func (s *Server) accountOrderProblem(c *fiber.Ctx) error {
	return s.orderAction("problem", func(c *fiber.Ctx, b order.Buyer, number string) error {
		photo, err := uploadedFile(c, "photo", order.MaxPhotoSize, "照片")
		if err != nil {
			return err
		}
		ctx, cancel := dbContext(c)
		defer cancel()
		return s.deps.Orders.Orders.ReportProblem(ctx, b, number, formField(c, "text"), photo)
	})(c)
}

// uploadedFile reads the optional file of the multipart field, nil when none was sent; one over
// limit bytes is EInvalid naming what (照片, 发票文件).
func uploadedFile(c *fiber.Ctx, field string, limit int64, what string) ([]byte, error) {
	fh, err := c.FormFile(field)
	if err != nil || fh.Size == 0 {
		return nil, nil
	}
	if fh.Size > limit {
		return nil, zhenxing.Errorf(zhenxing.EInvalid, "%s不能超过 %s。", what, humanSize(limit))
	}
	data, err := readUpload(fh, limit+1)
	if err != nil {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	return data, nil
}

// accountOrderInvoicePDF sends the invoice PDF of the organisation's order; none is 404.
func (s *Server) accountOrderInvoicePDF(c *fiber.Ctx) error {
	b, _, err := s.buyerOf(c)
	if err != nil {
		return err
	}
	number := orderNumber(c)
	ctx, cancel := dbContext(c)
	defer cancel()
	pdf, err := s.deps.Orders.Invoices.PDF(ctx, b.OrganizationID, number)
	if err != nil {
		return err
	}
	return sendPDF(c, "发票-"+number+".pdf", pdf)
}

// sendPDF sends a PDF as a download named name.
func sendPDF(c *fiber.Ctx, name string, pdf []byte) error {
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, "attachment; filename*=UTF-8''"+url.PathEscape(name))
	return c.Send(pdf)
}

// accountProblemPhoto sends the photo of a problem report of the organisation's order.
func (s *Server) accountProblemPhoto(c *fiber.Ctx) error {
	b, _, err := s.buyerOf(c)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return zhenxing.Errorf(zhenxing.ENotFound, "没有找到这张照片。")
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	data, ctype, err := s.deps.Orders.Orders.ProblemPhoto(ctx, b.OrganizationID, orderNumber(c), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, ctype)
	return c.Send(data)
}

// accountOrderReorder puts the order's lines into the cart again, at today's prices, and shows
// the cart with the domain's notes of what changed: a price, a product off sale, a quantity cut
// to the stock. Another organisation's order is 404.
func (s *Server) accountOrderReorder(c *fiber.Ctx) error {
	b, _, err := s.buyerOf(c)
	if err != nil {
		return err
	}
	number := orderNumber(c)
	ctx, cancel := dbContext(c)
	defer cancel()
	notes, err := s.deps.Orders.Carts.Reorder(ctx, b, number)
	if err != nil {
		return err
	}
	return s.renderCart(c, fiber.StatusOK, &cartView{
		Notice: "已将订单 " + number + " 的产品加入采购单，请核对后下单。",
		Notes:  notes,
	})
}

// orderPrintView is the one-page 订单确认单 of an order.
type orderPrintView struct {
	Layout
	Order   *order.Detail
	OrgName string
	Payment *paymentInfo
	Printed string
}

// accountOrderPrint shows the order as a one-page 订单确认单, without the site's navigation.
func (s *Server) accountOrderPrint(c *fiber.Ctx) error {
	b, org, err := s.buyerOf(c)
	if err != nil {
		return err
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	d, err := s.deps.Orders.Orders.Get(ctx, b.OrganizationID, orderNumber(c))
	if err != nil {
		return err
	}
	v := &orderPrintView{Order: d, OrgName: org.Name, Printed: s.now().Format("2006-01-02 15:04")}
	if d.State == order.StateUnpaid {
		if v.Payment, _, err = s.paymentOf(c, b.OrganizationID, d.Reference); err != nil {
			return err
		}
		if v.Payment != nil {
			v.Payment.Online = false // paper has no buttons
		}
	}
	v.Layout = Layout{Title: "订单确认单 " + d.Number, NoIndex: true}
	return s.renderStandalone(c, "order_print", v)
}

// renderStandalone executes the template "page" of the page file name, a whole document of its
// own without the site's layout, with the layout's identity filled in.
func (s *Server) renderStandalone(c *fiber.Ctx, name string, p pageData) error {
	t, ok := s.views.pages[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	l := p.layout()
	l.Site = s.cfg.Identity
	l.Year = s.now().Year()
	var buf strings.Builder
	if err := t.ExecuteTemplate(&buf, "page", p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	return sendHTML(c, fiber.StatusOK, []byte(buf.String()))
}
