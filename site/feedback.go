package site

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"zhenxing"
	"zhenxing/interact"
	"zhenxing/internal/db"
)

// 本站纠错: /feedback?page=/path is the site's own form for reporting an error on one of its
// pages (the footer of every page links to it); staff handle the reports in /admin/feedback.

var feedbackRate = db.Rate{Max: 10, Window: time.Hour} // reports per client address

type feedbackView struct {
	Layout
	Guard   Guard
	Page    string
	Body    string
	Contact string
	Errors  zhenxing.FieldErrors
	Error   string
	Done    bool
}

func (s *Server) renderFeedback(c *fiber.Ctx, status int, v feedbackView) error {
	if !v.Done {
		g, err := s.newGuard(c)
		if err != nil {
			return err
		}
		v.Guard = g
	}
	v.Layout = Layout{Title: "本站纠错", Column: "本站纠错", NoIndex: true, Crumbs: []crumb{{"首页", "/"}, {Name: "本站纠错"}}}
	return s.renderPage(c, status, "feedback", &v)
}

// feedbackPage shows the form for the page named by ?page=, which must be a path of this site.
func (s *Server) feedbackPage(c *fiber.Ctx) error {
	page, err := interact.FeedbackPage(c.Query("page"))
	if err != nil {
		return err
	}
	return s.renderFeedback(c, fiber.StatusOK, feedbackView{Page: page})
}

func (s *Server) feedbackSubmit(c *fiber.Ctx) error {
	v := feedbackView{Page: formField(c, "page"), Body: formField(c, "body"), Contact: formField(c, "contact")}
	if _, err := interact.FeedbackPage(v.Page); err != nil {
		return err
	}
	err := s.checkGuard(c, "feedback", feedbackRate)
	if err == nil {
		ctx, cancel := dbContext(c)
		defer cancel()
		err = s.deps.Feedback.Report(ctx, v.Page, v.Body, v.Contact)
	}
	if err != nil {
		status, message, fields, err := s.refusedForm(c, err, "纠错未能提交，请按提示修改。")
		if err != nil {
			return err
		}
		v.Error, v.Errors = message, fields
		return s.renderFeedback(c, status, v)
	}
	v.Done = true
	return s.renderFeedback(c, fiber.StatusOK, v)
}

type adminFeedbackView struct {
	Layout
	Admin   adminBase
	Reports []interact.FeedbackReport
	States  []struct{ Code, Label string }
	Notice  string
	Error   string
}

func (s *Server) renderAdminFeedback(c *fiber.Ctx, status int, v adminFeedbackView) error {
	ctx, cancel := dbContext(c)
	defer cancel()
	list, err := s.deps.Feedback.List(ctx, 100)
	if err != nil {
		return err
	}
	v.Reports, v.States = list, interact.FeedbackStates
	v.Admin = adminBaseOf(c, "feedback")
	v.Layout = adminLayout("网站纠错", crumb{Name: "网站纠错"})
	return s.renderPage(c, status, "admin_feedback", &v)
}

func (s *Server) adminFeedback(c *fiber.Ctx) error {
	v := adminFeedbackView{}
	if c.Query("done") == "1" {
		v.Notice = "已保存处理结果。"
	}
	return s.renderAdminFeedback(c, fiber.StatusOK, v)
}

func (s *Server) adminFeedbackHandle(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return zhenxing.Errorf(zhenxing.ENotFound, "没有这条纠错。")
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	err = s.deps.Feedback.Handle(ctx, userOf(c).Actor(), id, formField(c, "state"), formField(c, "reply"))
	if zhenxing.ErrorCode(err) == zhenxing.EInvalid {
		return s.renderAdminFeedback(c, fiber.StatusBadRequest, adminFeedbackView{Error: zhenxing.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/feedback?done=1", fiber.StatusSeeOther)
}
