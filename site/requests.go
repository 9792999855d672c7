package site

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"zhenxing"
	"zhenxing/interact"
	"zhenxing/internal/db"
	"zhenxing/internal/workdays"
)

// 依申请公开 (disclosure on request): the public form /open/apply and the status page
// /open/apply/status, and the staff queue /admin/requests with one request's page and its steps.

const applyColumn = "依申请公开"

var (
	requestRate = db.Rate{Max: 5, Window: time.Hour}         // submissions per client address
	statusRate  = db.Rate{Max: 10, Window: 10 * time.Minute} // status lookups per client address
)

func applyLayout(title string) Layout {
	crumbs := []crumb{{"首页", "/"}, {openColumn, "/open/"}, {applyColumn, "/open/apply"}}
	if title != applyColumn {
		crumbs = append(crumbs, crumb{Name: title})
	} else {
		crumbs[2].URL = ""
	}
	return Layout{Title: title, Column: openColumn, Section: sectionOpen, NoIndex: title != applyColumn, Crumbs: crumbs}
}

// applyForm is the request form as typed.
type applyForm struct {
	Kind, Name, IDType, IDNumber, OrgName, OrgCategory, CreditCode, LegalRep, Contact string
	Phone, Email, Address, Description, DocumentNumber, Purpose, Delivery             string
}

func readApplyForm(c *fiber.Ctx) applyForm {
	f := func(name string) string { return formField(c, name) }
	return applyForm{Kind: f("kind"), Name: f("name"), IDType: f("id_type"), IDNumber: f("id_number"),
		OrgName: f("org_name"), OrgCategory: f("org_category"), CreditCode: f("credit_code"), LegalRep: f("legal_rep"), Contact: f("contact"),
		Phone: f("phone"), Email: f("email"), Address: f("address"), Description: f("description"),
		DocumentNumber: f("document_number"), Purpose: f("purpose"), Delivery: f("delivery")}
}

func (f applyForm) input() interact.RequestInput {
	return interact.RequestInput{
		Applicant: interact.Applicant{Kind: f.Kind, Name: f.Name, IDType: f.IDType, IDNumber: f.IDNumber,
			OrgName: f.OrgName, CreditCode: f.CreditCode, LegalRep: f.LegalRep, Contact: f.Contact,
			Phone: f.Phone, Email: f.Email, Address: f.Address},
		Description: f.Description, DocumentNumber: f.DocumentNumber, Purpose: f.Purpose, Delivery: f.Delivery,
		OrgCategory: f.OrgCategory,
	}
}

// applyView is the form, empty, refused or done.
type applyView struct {
	Layout
	Guard      Guard
	Form       applyForm
	Errors     zhenxing.FieldErrors
	Error      string
	IDTypes    []string
	Categories []interact.ApplicantCategory
	Deliveries []option
	Done       *interact.Submitted
}

// option is one choice of a select or a group of radio buttons.
type option struct{ Value, Label string }

var deliveryOptions = []option{{"email", interact.Deliveries["email"]}, {"post", interact.Deliveries["post"]}, {"pickup", interact.Deliveries["pickup"]}}

func (s *Server) renderApply(c *fiber.Ctx, status int, v applyView) error {
	if v.Done == nil {
		g, err := s.newGuard(c)
		if err != nil {
			return err
		}
		v.Guard = g
	}
	v.Layout = applyLayout(applyColumn)
	if v.Done != nil {
		v.Layout = applyLayout("申请已提交")
	}
	v.IDTypes, v.Categories, v.Deliveries = interact.IDTypes, interact.OrgCategories, deliveryOptions
	return s.renderPage(c, status, "open_apply", &v)
}

func (s *Server) applyPage(c *fiber.Ctx) error {
	return s.renderApply(c, fiber.StatusOK, applyView{Form: applyForm{Kind: "citizen", IDType: interact.IDTypes[0], Delivery: "email"}})
}

// applySubmit checks the guard and records the request. A refused form comes back with what was
// typed and the messages beside their fields (400), or the limit (429).
func (s *Server) applySubmit(c *fiber.Ctx) error {
	v := applyView{Form: readApplyForm(c)}
	refuse := func(err error) error {
		status, message, fields, err := s.refusedForm(c, err, "申请未能提交，请按提示修改标出的各项。")
		if err != nil {
			return err
		}
		v.Error, v.Errors = message, fields
		return s.renderApply(c, status, v)
	}
	if err := s.checkGuard(c, "request", requestRate); err != nil {
		return refuse(err)
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	done, err := s.deps.Requests.Submit(ctx, v.Form.input())
	if err != nil {
		return refuse(err)
	}
	v.Done = done
	return s.renderApply(c, fiber.StatusOK, v)
}

// statusView is the status lookup and, for the right pair, the request's state and reply. Secret
// is kept only to download the reply's files, whose forms post the pair again.
type statusView struct {
	Layout
	CSRF   string
	Number string
	Secret string
	Status *interact.Status
	Error  string
}

func (s *Server) renderStatus(c *fiber.Ctx, status int, v statusView) error {
	if err := s.ensureSession(c); err != nil {
		return err
	}
	v.CSRF = csrfOf(c)
	v.Layout = applyLayout("申请办理进度查询")
	return s.renderPage(c, status, "open_apply_status", &v)
}

func (s *Server) applyStatusPage(c *fiber.Ctx) error {
	return s.renderStatus(c, fiber.StatusOK, statusView{})
}

// applyStatus shows the request to whoever has its number and secret code; every lookup counts
// against statusRate per client address, so codes cannot be guessed.
func (s *Server) applyStatus(c *fiber.Ctx) error {
	v := statusView{Number: formField(c, "number")}
	status, message, err := s.lookupByCode(c, "request-status", statusRate, func(ctx context.Context) (err error) {
		v.Status, err = s.deps.Requests.Status(ctx, v.Number, formField(c, "secret"))
		return err
	})
	if err != nil {
		return err
	}
	v.Error = message
	if v.Status != nil && len(v.Status.Files) > 0 {
		v.Secret = formField(c, "secret")
	}
	return s.renderStatus(c, status, v)
}

// applyFile sends a file of the reply to whoever posts the request's number and secret code; a
// wrong pair is the status page's refusal, counted against the same limit.
func (s *Server) applyFile(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return zhenxing.Errorf(zhenxing.ENotFound, "没有这个附件。")
	}
	var f *interact.StoredFile
	status, message, err := s.lookupByCode(c, "request-status", statusRate, func(ctx context.Context) (err error) {
		f, err = s.deps.Requests.File(ctx, formField(c, "number"), formField(c, "secret"), id)
		return err
	})
	if err != nil {
		return err
	}
	if f == nil {
		return s.renderStatus(c, status, statusView{Number: formField(c, "number"), Error: message})
	}
	return sendFile(c, f)
}

// sendFile sends a reply's file as a download.
func sendFile(c *fiber.Ctx, f *interact.StoredFile) error {
	c.Set(fiber.HeaderContentType, f.ContentType)
	c.Set(fiber.HeaderContentDisposition, "attachment; filename*=UTF-8''"+url.PathEscape(f.Name))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(f.Data)
}

// requestRow is a request in the staff queue, with its deadline read against today.
type requestRow struct {
	interact.Request
	DaysLeft int
	Overdue  bool
	NearDue  bool
}

// nearDueDays is how many working days before its deadline a request is marked 即将到期.
const nearDueDays = 3

func requestRowOf(q interact.Request, now time.Time, cal *workdays.Calendar) requestRow {
	r := requestRow{Request: q}
	if q.State.Closed() || q.State == interact.NeedsInfo {
		return r
	}
	r.Overdue = now.After(q.DueAt)
	r.DaysLeft = cal.Between(now, q.DueAt)
	r.NearDue = !r.Overdue && r.DaysLeft <= nearDueDays
	return r
}

type adminRequestsView struct {
	Layout
	Admin   adminBase
	Rows    []requestRow
	Missing []int // years a deadline crosses with no holiday calendar
}

func (s *Server) adminRequests(c *fiber.Ctx) error {
	ctx, cancel := dbContext(c)
	defer cancel()
	queue, err := s.deps.Requests.Queue(ctx)
	if err != nil {
		return err
	}
	now, cal := s.now(), workdays.Default()
	v := adminRequestsView{Layout: adminLayout("依申请公开", crumb{Name: "依申请公开"}), Admin: adminBaseOf(c, "requests")}
	last := now
	for _, q := range queue {
		v.Rows = append(v.Rows, requestRowOf(q, now, cal))
		if q.DueAt.After(last) {
			last = q.DueAt
		}
	}
	v.Missing = cal.Missing(now, last)
	return s.renderPage(c, fiber.StatusOK, "admin_requests", &v)
}

type adminRequestView struct {
	Layout
	Admin         adminBase
	Request       requestRow
	OutcomeGroups []outcomeGroup
	Formats       string
	MaxFiles      int
	Reasons       []interact.RefusalReason
	Notice        string
	Error         string
	Missing       []int
	Deliveries    map[string]string
}

// outcomeGroup is a group of the answer form's outcomes: an optgroup, or (Label "") options of
// their own.
type outcomeGroup struct {
	Label    string
	Outcomes []interact.Outcome
}

// outcomeGroups are the outcomes staff choose from; a request waiting for more information can
// only be closed as not supplemented.
func outcomeGroups(needsInfo bool) []outcomeGroup {
	var groups []outcomeGroup
	for _, o := range interact.AnswerOutcomes {
		if needsInfo && o.Code != interact.OutcomeNoSupplement {
			continue
		}
		label := o.Group
		if o.Row == "" {
			label = ""
		}
		if n := len(groups); n == 0 || groups[n-1].Label != label || label == "" {
			groups = append(groups, outcomeGroup{Label: label})
		}
		groups[len(groups)-1].Outcomes = append(groups[len(groups)-1].Outcomes, o)
	}
	return groups
}

var requestNotices = map[string]string{
	"accept": "已受理。", "ask": "已要求申请人补正，答复期限暂停计算。", "supplemented": "已登记补正，答复期限继续计算。",
	"extend": "已延期答复。", "answer": "已答复申请人。", "refuse": "已作出不予公开的决定。",
}

func adminRequestURL(number string) string { return "/admin/requests/" + url.PathEscape(number) }

func (s *Server) renderAdminRequest(c *fiber.Ctx, status int, number string, v adminRequestView) error {
	ctx, cancel := dbContext(c)
	defer cancel()
	q, err := s.deps.Requests.Find(ctx, number)
	if err != nil {
		return err
	}
	cal := workdays.Default()
	v.Request = requestRowOf(*q, s.now(), cal)
	v.Missing = cal.Missing(s.now(), q.DueAt)
	v.Reasons, v.Deliveries = interact.RefusalReasons, interact.Deliveries
	v.OutcomeGroups = outcomeGroups(q.State == interact.NeedsInfo)
	v.Formats, v.MaxFiles = interact.FileFormats, interact.MaxReplyFiles
	v.Admin = adminBaseOf(c, "requests")
	v.Layout = adminLayout("申请 "+q.Number, crumb{Name: "依申请公开", URL: "/admin/requests"}, crumb{Name: q.Number})
	return s.renderPage(c, status, "admin_request", &v)
}

func (s *Server) adminRequest(c *fiber.Ctx) error {
	return s.renderAdminRequest(c, fiber.StatusOK, c.Params("number"), adminRequestView{Notice: requestNotices[c.Query("done")]})
}

// adminRequestStep takes the staff step named in the URL, then shows the request again: with a
// notice after a redirect, or with the refusal's message and status.
func (s *Server) adminRequestStep(c *fiber.Ctx) error {
	number, step := c.Params("number"), c.Params("step")
	actor := userOf(c).Actor()
	ctx, cancel := dbContext(c)
	defer cancel()
	r := s.deps.Requests
	var err error
	switch step {
	case "accept":
		err = r.Accept(ctx, actor, number)
	case "ask":
		err = r.AskForMore(ctx, actor, number, formField(c, "note"))
	case "supplemented":
		err = r.Supplemented(ctx, actor, number, formField(c, "note"))
	case "extend":
		err = r.Extend(ctx, actor, number, formField(c, "reason"))
	case "answer", "refuse":
		reply := interact.RequestReply{Outcome: formField(c, "outcome"), Reason: formField(c, "reason"), Text: formField(c, "reply")}
		if reply.Files, err = replyFiles(c); err != nil {
			break
		}
		if step == "answer" {
			err = r.Answer(ctx, actor, number, reply)
		} else {
			err = r.Refuse(ctx, actor, number, reply)
		}
	default:
		return zhenxing.Errorf(zhenxing.ENotFound, "没有这项操作。")
	}
	if err == nil {
		return c.Redirect(adminRequestURL(number)+"?done="+step, fiber.StatusSeeOther)
	}
	switch code := zhenxing.ErrorCode(err); code {
	case zhenxing.EInvalid, zhenxing.EConflict:
		return s.renderAdminRequest(c, statusOf[code], number, adminRequestView{Error: zhenxing.ErrorMessage(err)})
	}
	return err
}

// replyFiles reads the files chosen in the reply form's files field; the store checks their
// formats.
func replyFiles(c *fiber.Ctx) ([]interact.File, error) {
	form, err := c.MultipartForm()
	if err != nil {
		return nil, nil // a form without files
	}
	var files []interact.File
	for _, fh := range form.File["files"] {
		if fh.Size == 0 && fh.Filename == "" {
			continue
		}
		if fh.Size > interact.MaxReplyFileSize {
			return nil, zhenxing.Errorf(zhenxing.EInvalid, "附件“%s”超过 %d MB。", fh.Filename, interact.MaxReplyFileSize>>20)
		}
		data, err := readUpload(fh, interact.MaxReplyFileSize)
		if err != nil {
			return nil, err
		}
		files = append(files, interact.File{Name: fh.Filename, Data: data})
	}
	return files, nil
}

// adminRequestFile sends a file of a request's reply to staff.
func (s *Server) adminRequestFile(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return zhenxing.Errorf(zhenxing.ENotFound, "没有这个附件。")
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	f, err := s.deps.Requests.StaffFile(ctx, c.Params("number"), id)
	if err != nil {
		return err
	}
	return sendFile(c, f)
}

// adminRequestTableView is the annual report's request table for a year.
type adminRequestTableView struct {
	Layout
	Admin adminBase
	Table *interact.RequestTable
	Years []int
}

// requestTableYear is the year in ?year=, by default the last full year.
func (s *Server) requestTableYear(c *fiber.Ctx) (int, error) {
	this := s.now().In(zhenxing.Beijing).Year()
	year := this - 1
	if q := c.Query("year"); q != "" {
		y, err := strconv.Atoi(q)
		if err != nil || y < 2000 || y > this {
			return 0, zhenxing.Errorf(zhenxing.EInvalid, "年份须是 2000 年到 %d 年之间的整数。", this)
		}
		year = y
	}
	return year, nil
}

// adminRequestTable shows the request table of the annual report (政府信息公开工作年度报告) for
// the year, computed from the requests, with its CSV.
func (s *Server) adminRequestTable(c *fiber.Ctx) error {
	year, err := s.requestTableYear(c)
	if err != nil {
		return err
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	t, err := s.deps.Requests.YearTable(ctx, year)
	if err != nil {
		return err
	}
	v := adminRequestTableView{Table: t, Admin: adminBaseOf(c, "requests"),
		Layout: adminLayout(fmt.Sprintf("%d年政府信息公开申请情况", year),
			crumb{Name: "依申请公开", URL: "/admin/requests"}, crumb{Name: "年度报告统计表"})}
	for y := s.now().In(zhenxing.Beijing).Year(); y >= 2019 && len(v.Years) < 8; y-- {
		v.Years = append(v.Years, y)
	}
	return s.renderPage(c, fiber.StatusOK, "admin_request_table", &v)
}

func (s *Server) adminRequestTableCSV(c *fiber.Ctx) error {
	year, err := s.requestTableYear(c)
	if err != nil {
		return err
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	return sendCSV(c, fmt.Sprintf("政府信息公开申请情况-%d.csv", year), func(w io.Writer) error {
		t, err := s.deps.Requests.YearTable(ctx, year)
		if err != nil {
			return err
		}
		return t.WriteCSV(w)
	})
}
