package site

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"zhenxing/internal/account"
	"zhenxing/order"
)

// Checkout (/hall/checkout): the buyer chooses one of the organisation's delivery addresses,
// checks its invoice details, adds a purchase reference (采购单号) and a note, and places the
// cart: one order per supplier under one payment reference code (识别码). The page after shows
// the orders placed and how to pay them by bank transfer. Placing is limited per user.

// checkoutForm is the checkout form as typed.
type checkoutForm struct {
	AddressID                                                 int64
	PurchaseRef, Note                                         string
	InvoiceTitle, InvoiceTaxID, InvoiceKind                   string
	InvoiceBank, InvoiceAccount, InvoiceAddress, InvoicePhone string
}

func readCheckoutForm(c *fiber.Ctx) checkoutForm {
	f := func(name string) string { return strings.TrimSpace(formField(c, name)) }
	id, _ := strconv.ParseInt(f("address"), 10, 64)
	return checkoutForm{AddressID: id, PurchaseRef: f("purchase_ref"), Note: f("note"),
		InvoiceTitle: f("invoice_title"), InvoiceTaxID: f("invoice_tax_id"), InvoiceKind: f("invoice_kind"),
		InvoiceBank: f("invoice_bank"), InvoiceAccount: f("invoice_account"), InvoiceAddress: f("invoice_address"),
		InvoicePhone: f("invoice_phone")}
}

// formOf is the form prefilled with the organisation's default address and invoice details.
func formOf(org *account.Organization, addrs []account.Address) checkoutForm {
	f := checkoutForm{InvoiceTitle: org.Invoice.Title, InvoiceTaxID: org.Invoice.TaxID, InvoiceKind: string(org.Invoice.Kind),
		InvoiceBank: org.Invoice.Bank, InvoiceAccount: org.Invoice.Account, InvoiceAddress: org.Invoice.Address,
		InvoicePhone: org.Invoice.Phone}
	if f.InvoiceTitle == "" {
		f.InvoiceTitle = org.Name
	}
	for _, a := range addrs {
		if a.IsDefault || f.AddressID == 0 {
			f.AddressID = a.ID
		}
	}
	return f
}

// checkoutView is the checkout page.
type checkoutView struct {
	Layout
	Nav       buyerNav
	CSRF      string
	Org       *account.Organization
	Cart      *order.Cart
	Addresses []account.Address
	Form      checkoutForm
	Error     string
	Blocked   string // why the organisation cannot place orders; "" when it can
	Approval  bool   // the buyer is a purchaser and the cart is above the approval amount
}

func (s *Server) renderCheckout(c *fiber.Ctx, status int, v *checkoutView, form *checkoutForm) error {
	b, org, err := s.buyerOf(c)
	if err != nil {
		return err
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	if v.Cart, err = s.deps.Orders.Carts.Get(ctx, b.UserID); err != nil {
		return err
	}
	if v.Addresses, err = s.deps.Accounts.Addresses(ctx, org.ID); err != nil {
		return err
	}
	v.Org, v.Nav, v.CSRF = org, buyerNavOf(c, "cart"), csrfOf(c)
	v.Approval = !b.Admin && org.NeedsApproval(v.Cart.Total)
	if form != nil {
		v.Form = *form
	} else {
		v.Form = formOf(org, v.Addresses)
	}
	switch org.Status {
	case account.OrgApproved:
	case account.OrgRejected:
		v.Blocked = "本单位的注册审核未通过（原因：" + org.ReviewReason + "），暂时不能下单。请联系消费帮扶馆工作人员。"
	default:
		v.Blocked = "本单位的注册申请正在等待消费帮扶馆工作人员审核，审核通过后才能下单。"
	}
	v.Layout = accountLayout("确认下单", crumb{"采购单", "/hall/cart"}, crumb{Name: "确认下单"})
	return s.renderPage(c, status, "checkout", v)
}

// checkoutPage shows the checkout form, or why the organisation cannot place orders; an empty
// cart says so.
func (s *Server) checkoutPage(c *fiber.Ctx) error {
	return s.renderCheckout(c, fiber.StatusOK, &checkoutView{}, nil)
}

// checkoutPlace places the cart's orders, limited per user (429 past order.Config.CheckoutRate). A refusal
// shows the form again with the message: 400 for bad input or a cart that cannot be ordered,
// 403 for an organisation not approved, 404 for an address not the organisation's, 409 for
// stock that ran out. Success goes to the page of the checkout.
func (s *Server) checkoutPlace(c *fiber.Ctx) error {
	form := readCheckoutForm(c)
	b, _, err := s.buyerOf(c)
	if err != nil {
		return err
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	placed, err := s.deps.Orders.Checkouts.Place(ctx, b, order.CheckoutInput{
		AddressID: form.AddressID,
		Invoice: order.InvoiceDetails{Title: form.InvoiceTitle, TaxID: form.InvoiceTaxID, Kind: form.InvoiceKind,
			Bank: form.InvoiceBank, Account: form.InvoiceAccount, Address: form.InvoiceAddress, Phone: form.InvoicePhone},
		PurchaseRef: form.PurchaseRef, Note: form.Note,
	})
	if err != nil {
		status, message, shown := s.formStatus(c, err)
		if !shown {
			return err
		}
		setRetryAfter(c, err)
		return s.renderCheckout(c, status, &checkoutView{Error: message}, &form)
	}
	return c.Redirect("/hall/checkout/"+url.PathEscape(placed.Reference), fiber.StatusSeeOther)
}

// placedView is the page of a checkout: its orders and how to pay them.
type placedView struct {
	Layout
	Nav      buyerNav
	Checkout *order.Checkout
	Payment  *paymentInfo // nil when nothing is left to pay
	Approval bool         // the orders wait for an administrator of the organisation
}

// checkoutDone shows the organisation's checkout with the reference code in the path: the orders
// placed, one per supplier, and the payment instructions. Another organisation's code is 404.
func (s *Server) checkoutDone(c *fiber.Ctx) error {
	b, _, err := s.buyerOf(c)
	if err != nil {
		return err
	}
	p, k, err := s.paymentOf(c, b.OrganizationID, utils.CopyString(c.Params("reference")))
	if err != nil {
		return err
	}
	v := &placedView{Nav: buyerNavOf(c, "orders"), Checkout: k, Payment: p}
	for _, o := range k.Orders {
		if o.State == order.StateApproval {
			v.Approval = true
		}
	}
	v.Layout = accountLayout("订单已提交", crumb{"我的订单", "/account/orders"}, crumb{Name: "订单已提交"})
	return s.renderPage(c, fiber.StatusOK, "checkout_done", v)
}
