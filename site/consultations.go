package site

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"zhenxing"
	"zhenxing/content"
	"zhenxing/interact"
	"zhenxing/internal/db"
)

// 意见征集 (consultations on drafts): a document whose front matter has consultation: {opens,
// closes} shows a comment form on its page while the period runs (the form posts to
// /interact/consultations/{slug}), and after it the feedback summary staff publish from
// /admin/consultations. /interact/consultations lists them all.

var commentRate = db.Rate{Max: 10, Window: time.Hour} // comments per client address

// consultView is a document's consultation: its state against today, the comment form (fresh,
// refused or done) while open, and the published summary once closed.
type consultView struct {
	Period       *content.Consultation
	Open, Closed bool
	Guard        Guard
	Form         interact.CommentInput
	Errors       zhenxing.FieldErrors
	Error        string
	Done         bool
	Summary      *interact.Summary
}

func period(d *content.Document) interact.Period {
	return interact.Period{Opens: d.Consultation.Opens, Ends: d.Consultation.Ends()}
}

// fillConsult completes v for the document's page: a guard for the form while the period runs
// (with the anonymous session it needs), the summary once it is over.
func (s *Server) fillConsult(ctx context.Context, c *fiber.Ctx, d *content.Document, v *consultView) error {
	now := s.now()
	v.Period, v.Open, v.Closed = d.Consultation, d.Consultation.OpenAt(now), d.Consultation.ClosedAt(now)
	switch {
	case v.Open && !v.Done:
		if sessionOf(c) == nil {
			if err := s.readSession(c); err != nil {
				return err
			}
		}
		g, err := s.newGuard(c)
		if err != nil {
			return err
		}
		v.Guard = g
	case v.Closed:
		sum, err := s.deps.Consultations.Summary(ctx, d.Slug)
		if err != nil {
			return err
		}
		v.Summary = sum
	}
	return nil
}

// consultationDoc is the document in the path that has a consultation. Errors: ENotFound.
func (s *Server) consultationDoc(c *fiber.Ctx) (*content.Document, error) {
	d, err := s.deps.Content.Library().Document(c.Params("slug"))
	if err != nil {
		return nil, err
	}
	if d.Consultation == nil {
		return nil, zhenxing.Errorf(zhenxing.ENotFound, "该文件没有征求意见。")
	}
	return d, nil
}

// consultationComment receives a comment on the document in the path, and shows its page again:
// with thanks, or with the form as typed and the messages (400, 409 outside the period, 429).
func (s *Server) consultationComment(c *fiber.Ctx) error {
	d, err := s.consultationDoc(c)
	if err != nil {
		return err
	}
	v := &consultView{Form: interact.CommentInput{Body: formField(c, "body"), Name: formField(c, "name"), Contact: formField(c, "contact")}}
	err = s.checkGuard(c, "comment", commentRate)
	if err == nil {
		ctx, cancel := dbContext(c)
		defer cancel()
		err = s.deps.Consultations.Comment(ctx, d.Slug, period(d), v.Form)
	}
	if err != nil {
		status, message, fields, err := s.refusedForm(c, err, "意见未能提交，请按提示修改标出的各项。")
		if err != nil {
			return err
		}
		v.Error, v.Errors = message, fields
		return s.renderLiveDocument(c, status, d, v)
	}
	v.Done = true
	return s.renderLiveDocument(c, fiber.StatusOK, d, v)
}

// consultationRow is a consultation in a list: the document, its state and its tally.
type consultationRow struct {
	Doc          *content.Document
	Open, Closed bool
	Tally        interact.Tally
}

func (s *Server) consultationRows(ctx context.Context) ([]consultationRow, error) {
	tallies, err := s.deps.Consultations.Tallies(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var rows []consultationRow
	for _, d := range s.deps.Content.Library().Consultations() {
		rows = append(rows, consultationRow{Doc: d, Open: d.Consultation.OpenAt(now), Closed: d.Consultation.ClosedAt(now), Tally: tallies[d.Slug]})
	}
	return rows, nil
}

type consultationsView struct {
	Layout
	Rows []consultationRow
}

// consultations lists the consultations, the latest first, with their state and summaries.
func (s *Server) consultations(c *fiber.Ctx) error {
	ctx, cancel := dbContext(c)
	defer cancel()
	rows, err := s.consultationRows(ctx)
	if err != nil {
		return err
	}
	l := interactLayout("意见征集")
	l.NoIndex = false
	l.Description = "本局就政策文件草案公开征求意见的列表：征求期限、提交意见的入口和意见采纳情况。"
	return s.renderPage(c, fiber.StatusOK, "consultations", &consultationsView{Layout: l, Rows: rows})
}

type adminConsultationsView struct {
	Layout
	Admin adminBase
	Rows  []consultationRow
}

func (s *Server) adminConsultations(c *fiber.Ctx) error {
	ctx, cancel := dbContext(c)
	defer cancel()
	rows, err := s.consultationRows(ctx)
	if err != nil {
		return err
	}
	return s.renderPage(c, fiber.StatusOK, "admin_consultations", &adminConsultationsView{Rows: rows,
		Admin: adminBaseOf(c, "consultations"), Layout: adminLayout("意见征集", crumb{Name: "意见征集"})})
}

type adminConsultationView struct {
	Layout
	Admin     adminBase
	Doc       *content.Document
	Open      bool
	Closed    bool
	Comments  []interact.ConsultComment
	Decisions []struct{ Code, Label string }
	Summary   *interact.Summary
	Draft     string // the summary's text as typed
	Undecided int
	Notice    string
	Error     string
	ErrorFor  int64 // the comment the error is about, 0 for the summary
}

var consultationNotices = map[string]string{"decided": "已保存采纳情况。", "published": "已公布意见采纳情况。"}

func adminConsultationURL(slug string) string { return "/admin/consultations/" + url.PathEscape(slug) }

func (s *Server) renderAdminConsultation(c *fiber.Ctx, status int, v adminConsultationView) error {
	d, err := s.consultationDoc(c)
	if err != nil {
		return err
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	if v.Comments, err = s.deps.Consultations.Comments(ctx, d.Slug); err != nil {
		return err
	}
	if v.Summary, err = s.deps.Consultations.Summary(ctx, d.Slug); err != nil {
		return err
	}
	for _, m := range v.Comments {
		if m.Decision == nil {
			v.Undecided++
		}
	}
	now := s.now()
	v.Doc, v.Open, v.Closed, v.Decisions = d, d.Consultation.OpenAt(now), d.Consultation.ClosedAt(now), interact.Decisions
	v.Admin = adminBaseOf(c, "consultations")
	v.Layout = adminLayout("意见征集："+d.Title, crumb{Name: "意见征集", URL: "/admin/consultations"}, crumb{Name: d.Title})
	return s.renderPage(c, status, "admin_consultation", &v)
}

func (s *Server) adminConsultation(c *fiber.Ctx) error {
	return s.renderAdminConsultation(c, fiber.StatusOK, adminConsultationView{Notice: consultationNotices[c.Query("done")]})
}

// adminConsultationStep records a comment's decision or publishes the summary, then shows the
// consultation again: after a redirect with a notice, or with the refusal.
func (s *Server) adminConsultationStep(c *fiber.Ctx, do func(ctx context.Context, d *content.Document) (done string, commentID int64, err error)) error {
	d, err := s.consultationDoc(c)
	if err != nil {
		return err
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	done, id, err := do(ctx, d)
	if err == nil {
		return c.Redirect(adminConsultationURL(d.Slug)+"?done="+done, fiber.StatusSeeOther)
	}
	switch code := zhenxing.ErrorCode(err); code {
	case zhenxing.EInvalid, zhenxing.EConflict:
		return s.renderAdminConsultation(c, statusOf[code], adminConsultationView{Error: zhenxing.ErrorMessage(err), ErrorFor: id,
			Draft: formField(c, "summary")})
	}
	return err
}

func (s *Server) adminConsultationDecide(c *fiber.Ctx) error {
	return s.adminConsultationStep(c, func(ctx context.Context, d *content.Document) (string, int64, error) {
		id, err := strconv.ParseInt(c.Params("id"), 10, 64)
		if err != nil {
			return "", 0, zhenxing.Errorf(zhenxing.ENotFound, "没有这条意见。")
		}
		return "decided", id, s.deps.Consultations.Decide(ctx, userOf(c).Actor(), d.Slug, id, interact.Decision{
			Decision: formField(c, "decision"), Point: formField(c, "point"), Reason: formField(c, "reason")})
	})
}

func (s *Server) adminConsultationPublish(c *fiber.Ctx) error {
	return s.adminConsultationStep(c, func(ctx context.Context, d *content.Document) (string, int64, error) {
		return "published", 0, s.deps.Consultations.Publish(ctx, userOf(c).Actor(), d.Slug, period(d), formField(c, "summary"))
	})
}
