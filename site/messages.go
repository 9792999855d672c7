package site

import (
	"context"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"zhenxing"
	"zhenxing/interact"
	"zhenxing/internal/db"
	"zhenxing/internal/workdays"
)

// 互动交流 (interaction): the section page /interact/ with the published answers of the
// director's mailbox and its monthly counts, the letter form /interact/write, the status page
// /interact/status, and the staff queue /admin/messages.

const interactColumn = "互动交流"

var (
	messageRate       = db.Rate{Max: 5, Window: time.Hour}         // letters per client address
	messageStatusRate = db.Rate{Max: 10, Window: 10 * time.Minute} // status lookups per client address
)

func interactLayout(title string) Layout {
	l := Layout{Title: title, Column: interactColumn, Section: sectionInteract, NoIndex: title != interactColumn,
		Crumbs: []crumb{{"首页", "/"}, {interactColumn, "/interact/"}, {Name: title}}}
	if title == interactColumn {
		l.Crumbs = l.Crumbs[:2]
		l.Crumbs[1].URL = ""
		l.Description = "领导信箱来信的公开答复和每月办理情况，在线写信、查询办理结果和依申请公开。"
	}
	return l
}

// interactView is the section page.
type interactView struct {
	Layout
	Stats     []interact.MonthStats
	Published []interact.PublishedMessage
	Total     int
	Pager     pager
}

func (s *Server) interactIndex(c *fiber.Ctx) error {
	pg, err := pageParam(c)
	if err != nil {
		return err
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	stats, err := s.deps.Messages.MonthlyStats(ctx, 12)
	if err != nil {
		return err
	}
	list, total, err := s.deps.Messages.Published(ctx, pg.Offset(), pg.Limit())
	if err != nil {
		return err
	}
	return s.renderPage(c, fiber.StatusOK, "interact", &interactView{Layout: interactLayout(interactColumn),
		Stats: stats, Published: list, Total: total, Pager: pg.Pager(linkTo("/interact/", nil), total)})
}

// writeView is the letter form, empty, refused or done.
type writeView struct {
	Layout
	Guard  Guard
	Form   interact.MessageInput
	Kinds  []option
	Errors zhenxing.FieldErrors
	Error  string
	Done   *interact.Submitted
}

func (s *Server) renderWrite(c *fiber.Ctx, status int, v writeView) error {
	v.Layout = interactLayout("领导信箱")
	if v.Done != nil {
		v.Layout = interactLayout("来信已提交")
	} else {
		g, err := s.newGuard(c)
		if err != nil {
			return err
		}
		v.Guard = g
	}
	for _, k := range interact.MessageKindOrder {
		v.Kinds = append(v.Kinds, option{k, interact.MessageKinds[k]})
	}
	return s.renderPage(c, status, "interact_write", &v)
}

func (s *Server) writePage(c *fiber.Ctx) error {
	return s.renderWrite(c, fiber.StatusOK, writeView{Form: interact.MessageInput{Kind: "consult"}})
}

// writeSubmit checks the guard and records the letter; a refused form keeps what was typed.
func (s *Server) writeSubmit(c *fiber.Ctx) error {
	v := writeView{Form: interact.MessageInput{Kind: formField(c, "kind"), Subject: formField(c, "subject"), Body: formField(c, "body"),
		Contact: interact.Contact{Name: formField(c, "name"), Phone: formField(c, "phone"), Email: formField(c, "email")},
		Publish: formField(c, "publish") == "yes"}}
	refuse := func(err error) error {
		status, message, fields, err := s.refusedForm(c, err, "来信未能提交，请按提示修改标出的各项。")
		if err != nil {
			return err
		}
		v.Error, v.Errors = message, fields
		return s.renderWrite(c, status, v)
	}
	if err := s.checkGuard(c, "message", messageRate); err != nil {
		return refuse(err)
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	done, err := s.deps.Messages.Submit(ctx, v.Form)
	if err != nil {
		return refuse(err)
	}
	v.Done = done
	return s.renderWrite(c, fiber.StatusOK, v)
}

// messageStatusView is the lookup and, for the right pair, the letter and its answer.
type messageStatusView struct {
	Layout
	CSRF    string
	Number  string
	Message *interact.Message
	Error   string
}

func (s *Server) renderMessageStatus(c *fiber.Ctx, status int, v messageStatusView) error {
	if err := s.ensureSession(c); err != nil {
		return err
	}
	v.CSRF = csrfOf(c)
	v.Layout = interactLayout("来信办理结果查询")
	return s.renderPage(c, status, "interact_status", &v)
}

func (s *Server) messageStatusPage(c *fiber.Ctx) error {
	return s.renderMessageStatus(c, fiber.StatusOK, messageStatusView{})
}

// messageStatus shows the letter to whoever has its number and code; lookups are limited per
// client address.
func (s *Server) messageStatus(c *fiber.Ctx) error {
	v := messageStatusView{Number: formField(c, "number")}
	status, message, err := s.lookupByCode(c, "message-status", messageStatusRate, func(ctx context.Context) (err error) {
		v.Message, err = s.deps.Messages.Status(ctx, v.Number, formField(c, "secret"))
		return err
	})
	if err != nil {
		return err
	}
	v.Error = message
	return s.renderMessageStatus(c, status, v)
}

// messageRow is a letter in the staff queue, with its deadline read against today.
type messageRow struct {
	interact.Message
	DaysLeft int
	Overdue  bool
	NearDue  bool
}

func messageRowOf(m interact.Message, now time.Time, cal *workdays.Calendar) messageRow {
	r := messageRow{Message: m}
	if !m.Answered() {
		r.Overdue = now.After(m.DueAt)
		r.DaysLeft = cal.Between(now, m.DueAt)
		r.NearDue = !r.Overdue && r.DaysLeft <= 1
	}
	return r
}

type adminMessagesView struct {
	Layout
	Admin    adminBase
	Open     []messageRow
	Answered []messageRow
	Missing  []int
}

func (s *Server) adminMessages(c *fiber.Ctx) error {
	ctx, cancel := dbContext(c)
	defer cancel()
	open, err := s.deps.Messages.Queue(ctx)
	if err != nil {
		return err
	}
	answered, err := s.deps.Messages.Answered(ctx, perPage)
	if err != nil {
		return err
	}
	now, cal := s.now(), workdays.Default()
	v := adminMessagesView{Layout: adminLayout("领导信箱", crumb{Name: "领导信箱"}), Admin: adminBaseOf(c, "messages")}
	last := now
	for _, m := range open {
		v.Open = append(v.Open, messageRowOf(m, now, cal))
		if m.DueAt.After(last) {
			last = m.DueAt
		}
	}
	for _, m := range answered {
		v.Answered = append(v.Answered, messageRowOf(m, now, cal))
	}
	v.Missing = cal.Missing(now, last)
	return s.renderPage(c, fiber.StatusOK, "admin_messages", &v)
}

type adminMessageView struct {
	Layout
	Admin    adminBase
	Message  messageRow
	Redacted string // the letter with personal data removed: the published question's start
	Reply    interact.Reply
	Notice   string
	Error    string
}

func adminMessageURL(number string) string { return "/admin/messages/" + url.PathEscape(number) }

func (s *Server) renderAdminMessage(c *fiber.Ctx, status int, number string, v adminMessageView) error {
	ctx, cancel := dbContext(c)
	defer cancel()
	m, err := s.deps.Messages.Find(ctx, number)
	if err != nil {
		return err
	}
	v.Message = messageRowOf(*m, s.now(), workdays.Default())
	if v.Reply.PublishedQuestion == "" {
		v.Reply.PublishedQuestion = interact.Redact(m.Body, m.Contact)
	}
	v.Admin = adminBaseOf(c, "messages")
	v.Layout = adminLayout("来信 "+m.Number, crumb{Name: "领导信箱", URL: "/admin/messages"}, crumb{Name: m.Number})
	return s.renderPage(c, status, "admin_message", &v)
}

func (s *Server) adminMessage(c *fiber.Ctx) error {
	v := adminMessageView{}
	if c.Query("done") == "answer" {
		v.Notice = "已答复。"
	}
	return s.renderAdminMessage(c, fiber.StatusOK, c.Params("number"), v)
}

// adminMessageAnswer records the answer, and publishes it when asked and agreed.
func (s *Server) adminMessageAnswer(c *fiber.Ctx) error {
	number := c.Params("number")
	r := interact.Reply{Answer: formField(c, "answer"), Publish: formField(c, "publish") == "yes",
		PublishedQuestion: formField(c, "published_question"), PublishedAnswer: formField(c, "published_answer")}
	ctx, cancel := dbContext(c)
	defer cancel()
	err := s.deps.Messages.Answer(ctx, userOf(c).Actor(), number, r)
	if err == nil {
		return c.Redirect(adminMessageURL(number)+"?done=answer", fiber.StatusSeeOther)
	}
	switch code := zhenxing.ErrorCode(err); code {
	case zhenxing.EInvalid, zhenxing.EConflict:
		return s.renderAdminMessage(c, statusOf[code], number, adminMessageView{Error: zhenxing.ErrorMessage(err), Reply: r})
	}
	return err
}
