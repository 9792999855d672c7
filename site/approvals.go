package site

import (
	"github.com/gofiber/fiber/v2"

	"zhenxing"
	"zhenxing/order"
)

// Approvals (/account/approvals): an administrator of the organisation approves the orders its
// purchasers placed above the approval amount (待审批), or sends one back with a reason. A
// purchaser gets 403.

// approvalsView is the list of orders waiting for approval.
type approvalsView struct {
	Layout
	Nav    buyerNav
	CSRF   string
	Orders []order.Summary
	Notice string
	Error  string
	Reason string
}

var approvalNotices = map[string]string{
	"approved": "订单已审批通过，请按付款说明转账。",
	"returned": "订单已退回，预留的库存已释放。",
}

func (s *Server) renderApprovals(c *fiber.Ctx, status int, v *approvalsView) error {
	b, _, err := s.buyerOf(c)
	if err != nil {
		return err
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	if v.Orders, err = s.deps.Orders.Orders.Approvals(ctx, b); err != nil {
		return err
	}
	v.Nav, v.CSRF = buyerNavOf(c, "approvals"), csrfOf(c)
	v.Layout = accountLayout("订单审批")
	return s.renderPage(c, status, "approvals", v)
}

// accountApprovals lists the organisation's orders waiting for approval, oldest first.
func (s *Server) accountApprovals(c *fiber.Ctx) error {
	return s.renderApprovals(c, fiber.StatusOK, &approvalsView{Notice: approvalNotices[c.Query("done")]})
}

// accountApprovalDecide approves the order in the path (approve true) or sends it back with the
// form's reason. A refusal shows the list again with its message: 400 without a reason, 403 for a
// purchaser, 409 for an order no longer waiting; another organisation's order is 404.
func (s *Server) accountApprovalDecide(approve bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		b, _, err := s.buyerOf(c)
		if err != nil {
			return err
		}
		number, reason := orderNumber(c), formField(c, "reason")
		ctx, cancel := dbContext(c)
		defer cancel()
		done := "approved"
		if approve {
			err = s.deps.Orders.Orders.Approve(ctx, b, number)
		} else {
			err, done = s.deps.Orders.Orders.SendBack(ctx, b, number, reason), "returned"
		}
		if err == nil {
			return c.Redirect("/account/approvals?done="+done, fiber.StatusSeeOther)
		}
		switch code := zhenxing.ErrorCode(err); code {
		case zhenxing.EInvalid, zhenxing.EConflict:
			return s.renderApprovals(c, statusOf[code], &approvalsView{Error: zhenxing.ErrorMessage(err), Reason: reason})
		}
		return err
	}
}
