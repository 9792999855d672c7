package site

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"zhenxing"
	"zhenxing/internal/account"
)

// The back office's buyer organisations (/admin/buyers, hall role): the list by status, the
// pending first, and one organisation with its users, addresses and the approve and reject forms.
// The store writes the audit entries.

// buyerStatus is a status the list filters by: its value in the query, its Chinese name.
type buyerStatus struct{ Value, Label string }

// adminBuyersView is the list of organisations.
type adminBuyersView struct {
	Layout
	Admin         adminBase
	Organizations []account.Organization
	Status        string
	Statuses      []buyerStatus
	Total         int
	Pager         pager
}

// adminBuyers lists the organisations, filtered by status, one page at a time.
func (s *Server) adminBuyers(c *fiber.Ctx) error {
	pg, err := pageParam(c)
	if err != nil {
		return err
	}
	status := account.OrgStatus(c.Query("status"))
	ctx, cancel := dbContext(c)
	defer cancel()
	list, total, err := s.deps.Accounts.Organizations(ctx, account.OrganizationQuery{Status: status, Limit: pg.Limit(), Offset: pg.Offset()})
	if err != nil {
		return err
	}
	statuses := []buyerStatus{}
	for _, st := range account.OrgStatuses {
		statuses = append(statuses, buyerStatus{string(st), st.Label()})
	}
	return s.renderPage(c, fiber.StatusOK, "admin_buyers", &adminBuyersView{
		Layout:        adminLayout("采购单位", crumb{Name: "采购单位"}),
		Admin:         adminBaseOf(c, "buyers"),
		Organizations: list,
		Status:        string(status),
		Statuses:      statuses,
		Total:         total,
		Pager:         pg.Pager(requestLink(c), total),
	})
}

// adminBuyerView is one organisation.
type adminBuyerView struct {
	Layout
	Admin     adminBase
	Org       *account.Organization
	Members   []account.User
	Addresses []account.Address
	Notice    string
	Error     string
	Reload    string // unused: the review forms never conflict with an older copy
	Reason    string
}

var adminBuyerNotices = map[string]string{"approved": "已审核通过。", "rejected": "已标记为审核不通过，原因会显示给该单位。"}

func (s *Server) renderAdminBuyer(c *fiber.Ctx, status int, id int64, v *adminBuyerView) error {
	ctx, cancel := dbContext(c)
	defer cancel()
	var err error
	if v.Org, err = s.deps.Accounts.Organization(ctx, id); err != nil {
		return err
	}
	if v.Members, err = s.deps.Accounts.Members(ctx, id); err != nil {
		return err
	}
	if v.Addresses, err = s.deps.Accounts.Addresses(ctx, id); err != nil {
		return err
	}
	v.Admin = adminBaseOf(c, "buyers")
	v.Layout = adminLayout("采购单位："+v.Org.Name, crumb{Name: "采购单位", URL: "/admin/buyers"}, crumb{Name: v.Org.Name})
	return s.renderPage(c, status, "admin_buyer", v)
}

// adminBuyer shows one organisation; an unknown id is 404.
func (s *Server) adminBuyer(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.renderAdminBuyer(c, fiber.StatusOK, id, &adminBuyerView{Notice: adminBuyerNotices[c.Query("done")]})
}

// adminBuyerReview approves (approve is true) or rejects the organisation, rejection with a
// reason. A refusal shows the page again with its message: 400 without a reason, 409 for an
// organisation in that state already.
func (s *Server) adminBuyerReview(approve bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		ctx, cancel := dbContext(c)
		defer cancel()
		actor, now := userOf(c).Actor(), s.cfg.Now()
		reason := formField(c, "reason")
		done := "approved"
		if approve {
			err = s.deps.Accounts.Approve(ctx, actor, id, now)
		} else {
			err, done = s.deps.Accounts.Reject(ctx, actor, id, reason, now), "rejected"
		}
		if err == nil {
			return c.Redirect("/admin/buyers/"+strconv.FormatInt(id, 10)+"?done="+done, fiber.StatusSeeOther)
		}
		if code := zhenxing.ErrorCode(err); code != zhenxing.EInvalid && code != zhenxing.EConflict {
			return err
		}
		return s.renderAdminBuyer(c, statusOf[zhenxing.ErrorCode(err)], id, &adminBuyerView{Error: zhenxing.ErrorMessage(err), Reason: reason})
	}
}
