package site

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"zhenxing"
	"zhenxing/internal/account"
)

// The organisation's page (/account/): its status, users, invitations, delivery addresses,
// invoice details, approval amount and yearly plan with this year's paid purchases. Every user
// of the organisation sees it; only its administrators get the forms, and a purchaser's POST is
// 403 (the store refuses it).

// accountView is the organisation's page.
type accountView struct {
	Layout
	CSRF        string
	User        *account.User
	Org         *account.Organization
	Members     []account.User
	Invitations []account.Invitation
	Addresses   []account.Address
	Progress    *account.PlanProgress
	Admin       bool   // the user administers the organisation: the forms are shown
	Notice      string // what the last action did
	Error       string // why the last action was refused
	InviteLink  string // the link of the invitation just made, shown once
	now         time.Time
}

// ThresholdYuan is the approval amount in yuan for its form field, "" for none.
func (v *accountView) ThresholdYuan() string {
	if v.Org.ApprovalThreshold == nil {
		return ""
	}
	return v.Org.ApprovalThreshold.Yuan()
}

// PlanYuan is the year's plan in yuan for its form field, "" for none.
func (v *accountView) PlanYuan() string {
	if v.Progress.Plan == nil {
		return ""
	}
	return v.Progress.Plan.Yuan()
}

// InvitationState says where an invitation stands.
func (v *accountView) InvitationState(inv account.Invitation) string {
	switch {
	case inv.Accepted():
		return "已接受"
	case inv.Expired(v.now):
		return "已过期"
	}
	return "待接受"
}

var accountNotices = map[string]string{
	"registered": "注册申请已提交，请等待消费帮扶馆工作人员审核。审核通过前可以浏览产品、加入采购单，但不能下单。",
	"joined":     "您已加入本单位，可以开始采购。",
	"address":    "收货地址已保存。",
	"deleted":    "收货地址已删除。",
	"default":    "默认收货地址已更改。",
	"invoice":    "开票信息已保存。",
	"approval":   "审批金额已保存。",
	"plan":       "年度采购计划已保存。",
	"member":     "用户状态已更改。",
}

// accountPage loads the organisation's page for the request's buyer.
func (s *Server) accountPage(c *fiber.Ctx) (*accountView, error) {
	u := userOf(c)
	org, err := sessionOf(c).BuyerOrganization()
	if err != nil {
		return nil, err
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	v := &accountView{CSRF: csrfOf(c), User: u, Org: org, Admin: u.IsOrgAdmin(), now: s.cfg.Now()}
	if v.Members, err = s.deps.Accounts.Members(ctx, org.ID); err != nil {
		return nil, err
	}
	if v.Admin {
		if v.Invitations, err = s.deps.Accounts.Invitations(ctx, org.ID); err != nil {
			return nil, err
		}
	}
	if v.Addresses, err = s.deps.Accounts.Addresses(ctx, org.ID); err != nil {
		return nil, err
	}
	if v.Progress, err = s.deps.Accounts.PlanProgress(ctx, org.ID, s.now().Year()); err != nil {
		return nil, err
	}
	v.Layout = accountLayout(org.Name, crumb{Name: "单位账户"})
	return v, nil
}

// accountHome shows the organisation's page, with the notice of the action just done.
func (s *Server) accountHome(c *fiber.Ctx) error {
	v, err := s.accountPage(c)
	if err != nil {
		return err
	}
	v.Notice = accountNotices[c.Query("done")]
	return s.renderPage(c, fiber.StatusOK, "account_home", v)
}

// accountAction runs a POST of the organisation's page: done on success goes back to the page
// with its notice; an error the user can act on shows the page again with the message and its
// status (403 for a purchaser).
func (s *Server) accountAction(c *fiber.Ctx, notice string, act func(u *account.User) error) error {
	err := act(userOf(c))
	if err == nil {
		return c.Redirect("/account/?done="+notice, fiber.StatusSeeOther)
	}
	status, message, shown := s.formStatus(c, err)
	if !shown {
		return err
	}
	v, perr := s.accountPage(c)
	if perr != nil {
		return perr
	}
	v.Error = message
	return s.renderPage(c, status, "account_home", v)
}

// pathID reads the numeric id in the path; anything else is 404.
func pathID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, zhenxing.Errorf(zhenxing.ENotFound, "该记录不存在。")
	}
	return id, nil
}

// optionalYuan reads an amount in yuan; "" is nil.
func optionalYuan(v string) (*zhenxing.Money, error) {
	if strings.TrimSpace(v) == "" {
		return nil, nil
	}
	m, err := zhenxing.ParseYuan(v)
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// accountInvite makes an invitation and shows its link once, on the organisation's page.
func (s *Server) accountInvite(c *fiber.Ctx) error {
	ctx, cancel := dbContext(c)
	defer cancel()
	inv, err := s.deps.Accounts.Invite(ctx, userOf(c), formField(c, "contact"), account.OrgRole(formField(c, "role")), s.cfg.Now())
	if err != nil {
		return s.accountAction(c, "", func(*account.User) error { return err })
	}
	v, err := s.accountPage(c)
	if err != nil {
		return err
	}
	v.InviteLink = s.absURL("/account/invite/" + inv.Token)
	v.Notice = "邀请已生成。请把下面的链接发给被邀请人，链接 7 天内有效，只能使用一次，离开本页后不再显示。"
	return s.renderPage(c, fiber.StatusOK, "account_home", v)
}

func (s *Server) accountAddAddress(c *fiber.Ctx) error {
	return s.accountAction(c, "address", func(u *account.User) error {
		ctx, cancel := dbContext(c)
		defer cancel()
		_, err := s.deps.Accounts.AddAddress(ctx, u, account.NewAddress{Recipient: formField(c, "recipient"),
			Phone: formField(c, "phone"), Address: formField(c, "address"), Default: formField(c, "default") != ""})
		return err
	})
}

func (s *Server) accountDefaultAddress(c *fiber.Ctx) error {
	return s.accountAction(c, "default", func(u *account.User) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		ctx, cancel := dbContext(c)
		defer cancel()
		return s.deps.Accounts.SetDefaultAddress(ctx, u, id)
	})
}

func (s *Server) accountDeleteAddress(c *fiber.Ctx) error {
	return s.accountAction(c, "deleted", func(u *account.User) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		ctx, cancel := dbContext(c)
		defer cancel()
		return s.deps.Accounts.DeleteAddress(ctx, u, id)
	})
}

func (s *Server) accountInvoice(c *fiber.Ctx) error {
	return s.accountAction(c, "invoice", func(u *account.User) error {
		ctx, cancel := dbContext(c)
		defer cancel()
		return s.deps.Accounts.UpdateInvoice(ctx, u, account.Invoice{Title: formField(c, "invoice_title"),
			TaxID: formField(c, "invoice_tax_id"), Kind: account.InvoiceKind(formField(c, "invoice_kind")),
			Bank: formField(c, "invoice_bank"), Account: formField(c, "invoice_account"),
			Address: formField(c, "invoice_address"), Phone: formField(c, "invoice_phone")})
	})
}

func (s *Server) accountApproval(c *fiber.Ctx) error {
	return s.accountAction(c, "approval", func(u *account.User) error {
		amount, err := optionalYuan(formField(c, "amount"))
		if err != nil {
			return err
		}
		ctx, cancel := dbContext(c)
		defer cancel()
		return s.deps.Accounts.SetApprovalThreshold(ctx, u, amount)
	})
}

func (s *Server) accountPlan(c *fiber.Ctx) error {
	return s.accountAction(c, "plan", func(u *account.User) error {
		amount, err := optionalYuan(formField(c, "amount"))
		if err != nil {
			return err
		}
		ctx, cancel := dbContext(c)
		defer cancel()
		return s.deps.Accounts.SetPurchasePlan(ctx, u, s.now().Year(), amount)
	})
}

func (s *Server) accountMember(c *fiber.Ctx) error {
	return s.accountAction(c, "member", func(u *account.User) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		ctx, cancel := dbContext(c)
		defer cancel()
		return s.deps.Accounts.SetMemberDisabled(ctx, u, id, formField(c, "disabled") == "1")
	})
}
