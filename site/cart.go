package site

import (
	"net/url"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"zhenxing"
	"zhenxing/order"
)

// The buyer's cart (采购单, /hall/cart): one per user, kept in PostgreSQL. The product page's
// form adds to it; the cart page changes quantities and removes lines. A bad quantity shows the
// cart again with the domain's message and 400, and changes nothing.

// cartView is the cart page.
type cartView struct {
	Layout
	Nav    buyerNav
	CSRF   string
	Cart   *order.Cart
	Notice string
	Error  string
	Notes  []string // what changed, after a reorder
}

var cartNotices = map[string]string{
	"added":   "已加入采购单。",
	"updated": "数量已更改。",
	"removed": "已从采购单中删除。",
}

// renderCart shows the request's user's cart with v's notice or error and status.
func (s *Server) renderCart(c *fiber.Ctx, status int, v *cartView) error {
	ctx, cancel := dbContext(c)
	defer cancel()
	var err error
	if v.Cart, err = s.deps.Orders.Carts.Get(ctx, userOf(c).ID); err != nil {
		return err
	}
	v.Nav, v.CSRF = buyerNavOf(c, "cart"), csrfOf(c)
	v.Layout = accountLayout("采购单")
	return s.renderPage(c, status, "cart", v)
}

// cartPage shows the cart.
func (s *Server) cartPage(c *fiber.Ctx) error {
	return s.renderCart(c, fiber.StatusOK, &cartView{Notice: cartNotices[c.Query("done")]})
}

// cartAction runs a POST of the cart: success goes back to the cart with the notice done; bad
// input (a quantity) or an unknown product shows the cart with the message and its status.
func (s *Server) cartAction(c *fiber.Ctx, done string, act func() error) error {
	err := act()
	if err == nil {
		return c.Redirect("/hall/cart?done="+done, fiber.StatusSeeOther)
	}
	switch code := zhenxing.ErrorCode(err); code {
	case zhenxing.EInvalid, zhenxing.ENotFound, zhenxing.EConflict:
		return s.renderCart(c, statusOf[code], &cartView{Error: zhenxing.ErrorMessage(err)})
	}
	return err
}

// cartAdd adds the quantity of the product (form fields product and quantity) to the cart.
func (s *Server) cartAdd(c *fiber.Ctx) error {
	return s.cartAction(c, "added", func() error {
		ctx, cancel := dbContext(c)
		defer cancel()
		_, err := s.deps.Orders.Carts.Add(ctx, userOf(c).ID, formField(c, "product"), formField(c, "quantity"))
		return err
	})
}

// cartUpdate sets the quantity of the cart's line of the product in the path.
func (s *Server) cartUpdate(c *fiber.Ctx) error {
	slug := utils.CopyString(c.Params("slug"))
	return s.cartAction(c, "updated", func() error {
		ctx, cancel := dbContext(c)
		defer cancel()
		return s.deps.Orders.Carts.SetQuantity(ctx, userOf(c).ID, slug, formField(c, "quantity"))
	})
}

// cartRemove takes the product in the path out of the cart.
func (s *Server) cartRemove(c *fiber.Ctx) error {
	slug := utils.CopyString(c.Params("slug"))
	return s.cartAction(c, "removed", func() error {
		ctx, cancel := dbContext(c)
		defer cancel()
		return s.deps.Orders.Carts.Remove(ctx, userOf(c).ID, slug)
	})
}

// CartLineURL is the address of the forms of a cart line.
func (v *cartView) CartLineURL(slug string) string { return "/hall/cart/" + url.PathEscape(slug) }
