package interact

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing"
	"zhenxing/internal/db"
)

// Consultations is the store of the comments on draft documents (意见征集) and of the feedback
// summaries staff publish after a consultation closes. Which documents are open for comment, and
// when, is in their front matter (content.Consultation); the store is told the period with each
// call that depends on it.
type Consultations struct {
	pool *pgxpool.Pool
	now  func() time.Time
}

// NewConsultations returns the store on pool; now is the clock (time.Now when nil).
func NewConsultations(pool *pgxpool.Pool, now func() time.Time) *Consultations {
	if now == nil {
		now = time.Now
	}
	return &Consultations{pool: pool, now: now}
}

// Period is when a consultation takes comments: from Opens until Ends.
type Period struct {
	Opens, Ends time.Time
}

// CommentInput is a comment as the form submits it.
type CommentInput struct {
	Body    string
	Name    string // optional
	Contact string // optional: a phone number or an e-mail address
}

// Comment records a comment on the document with the slug while its consultation is open.
// Errors: EConflict before it opens or after it ends; EInvalid with FieldErrors.
func (c *Consultations) Comment(ctx context.Context, slug string, p Period, in CommentInput) error {
	now := c.now()
	switch {
	case now.Before(p.Opens):
		return zhenxing.Errorf(zhenxing.EConflict, "本次征求意见尚未开始，请于%s后再提交。", cnDate(p.Opens))
	case !now.Before(p.Ends):
		return zhenxing.Errorf(zhenxing.EConflict, "本次征求意见已于%s截止，不再接收意见。", cnDate(p.Ends.AddDate(0, 0, -1)))
	}
	in.Body, in.Name, in.Contact = strings.TrimSpace(in.Body), strings.TrimSpace(in.Name), strings.TrimSpace(in.Contact)
	var fe zhenxing.FieldErrors
	switch n := utf8.RuneCountInString(in.Body); {
	case n == 0:
		fe.Add("body", "请填写您的意见或建议。")
	case n > maxLong:
		fe.Add("body", "意见不能超过 %d 个字（现有 %d 个字）。", maxLong, n)
	}
	if n := utf8.RuneCountInString(in.Name); n > maxShort {
		fe.Add("name", "姓名或单位不能超过 %d 个字（现有 %d 个字）。", maxShort, n)
	}
	if n := utf8.RuneCountInString(in.Contact); n > maxShort {
		fe.Add("contact", "联系方式不能超过 %d 个字（现有 %d 个字）。", maxShort, n)
	}
	if err := fe.Err("意见"); err != nil {
		return err
	}
	_, err := c.pool.Exec(ctx, `INSERT INTO consultation_comments (doc_slug, body, name, contact, received_at)
		VALUES ($1, $2, $3, $4, $5)`, slug, in.Body, nullable(in.Name), nullable(in.Contact), now)
	if err != nil {
		return fmt.Errorf("insert comment: %w", err)
	}
	return nil
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func cnDate(t time.Time) string {
	t = t.In(zhenxing.Beijing)
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// Decisions are how staff handled a comment, by code.
var Decisions = []struct{ Code, Label string }{
	{"adopted", "采纳"}, {"partly", "部分采纳"}, {"not_adopted", "未采纳"},
}

// DecisionLabel is the decision as the summary names it, "" for none.
func DecisionLabel(code string) string {
	for _, d := range Decisions {
		if d.Code == code {
			return d.Label
		}
	}
	return ""
}

// ConsultComment is one comment as staff see it: with the commenter's name and contact.
type ConsultComment struct {
	ID         int64
	Body       string
	Name       *string
	Contact    *string
	ReceivedAt time.Time
	Decision   *string
	Point      string
	Reason     string
}

// DecisionCode is the code of how the comment was handled, "" while it is not.
func (m ConsultComment) DecisionCode() string {
	if m.Decision == nil {
		return ""
	}
	return *m.Decision
}

// DecisionLabel is how the comment was handled, "" while it is not.
func (m ConsultComment) DecisionLabel() string { return DecisionLabel(m.DecisionCode()) }

// Comments lists the comments on the document with the slug, the first received first.
func (c *Consultations) Comments(ctx context.Context, slug string) ([]ConsultComment, error) {
	rows, err := c.pool.Query(ctx, `SELECT id, body, name, contact, received_at, decision, point, reason
		FROM consultation_comments WHERE doc_slug = $1 ORDER BY id`, slug)
	if err != nil {
		return nil, fmt.Errorf("list comments: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[ConsultComment])
}

// Decision is staff's handling of a comment: whether it was adopted, the comment's point as the
// summary publishes it (with no personal data), and why.
type Decision struct {
	Decision string // a code of Decisions
	Point    string
	Reason   string
}

// Decide records how comment id on the document with the slug was handled. Errors: ENotFound;
// EConflict once the summary is published; EInvalid for an unknown decision, a missing point or
// reason, or over-long text.
func (c *Consultations) Decide(ctx context.Context, actor db.Actor, slug string, id int64, d Decision) error {
	d.Point, d.Reason = strings.TrimSpace(d.Point), strings.TrimSpace(d.Reason)
	var fe zhenxing.FieldErrors
	if DecisionLabel(d.Decision) == "" {
		fe.Add("decision", "请选择采纳情况。")
	}
	for _, f := range []struct{ field, value, what string }{{"point", d.Point, "意见要点"}, {"reason", d.Reason, "采纳情况说明"}} {
		switch n := utf8.RuneCountInString(f.value); {
		case n == 0:
			fe.Add(f.field, "请填写%s。", f.what)
		case n > 500:
			fe.Add(f.field, "%s不能超过 500 个字（现有 %d 个字）。", f.what, n)
		}
	}
	if err := fe.Err("采纳情况"); err != nil {
		return err
	}
	return db.InTx(ctx, c.pool, func(tx pgx.Tx) error {
		if err := unpublished(ctx, tx, slug); err != nil {
			return err
		}
		var before *string
		err := tx.QueryRow(ctx, `SELECT decision FROM consultation_comments WHERE id = $1 AND doc_slug = $2 FOR UPDATE`, id, slug).Scan(&before)
		if errors.Is(err, pgx.ErrNoRows) {
			return zhenxing.Errorf(zhenxing.ENotFound, "没有这条意见。")
		}
		if err != nil {
			return fmt.Errorf("lock comment: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE consultation_comments SET decision = $2, point = $3, reason = $4, decided_at = $5 WHERE id = $1`,
			id, d.Decision, d.Point, d.Reason, c.now()); err != nil {
			return fmt.Errorf("update comment: %w", err)
		}
		return db.RecordAudit(ctx, tx, actor, "consultation.decide", "consultation_comment", fmt.Sprint(id),
			map[string]any{"decision": before}, map[string]string{"decision": d.Decision}, slug)
	})
}

// unpublished returns EConflict when the summary of the document is published: its comments'
// handling is then final.
func unpublished(ctx context.Context, tx pgx.Tx, slug string) error {
	var published bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM consultation_summaries WHERE doc_slug = $1)`, slug).Scan(&published); err != nil {
		return fmt.Errorf("read summary: %w", err)
	}
	if published {
		return zhenxing.Errorf(zhenxing.EConflict, "意见采纳情况已公布，不能再修改。")
	}
	return nil
}

// Publish publishes the feedback summary of the document with the slug, once its consultation
// has ended and every comment is handled. Errors: EConflict before it ends, with comments not
// handled, or when published already; EInvalid without a text or with an over-long one.
func (c *Consultations) Publish(ctx context.Context, actor db.Actor, slug string, p Period, body string) error {
	body = strings.TrimSpace(body)
	if c.now().Before(p.Ends) {
		return zhenxing.Errorf(zhenxing.EConflict, "征求意见截止后才能公布采纳情况。")
	}
	if err := text(body, "意见采纳情况说明"); err != nil {
		return err
	}
	return db.InTx(ctx, c.pool, func(tx pgx.Tx) error {
		if err := unpublished(ctx, tx, slug); err != nil {
			return err
		}
		var open int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM consultation_comments WHERE doc_slug = $1 AND decision IS NULL`, slug).Scan(&open); err != nil {
			return fmt.Errorf("count comments: %w", err)
		}
		if open > 0 {
			return zhenxing.Errorf(zhenxing.EConflict, "还有 %d 条意见没有填写采纳情况，全部处理后才能公布。", open)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO consultation_summaries (doc_slug, body, published_at, published_by) VALUES ($1, $2, $3, $4)`,
			slug, body, c.now(), actor.Name); err != nil {
			return fmt.Errorf("insert summary: %w", err)
		}
		return db.RecordAudit(ctx, tx, actor, "consultation.publish", "consultation", slug, nil, nil, "")
	})
}

// Summary is the published feedback of a consultation: the counts, staff's text, and each
// comment's point, decision and reason, with no personal data.
type Summary struct {
	Body                             string
	PublishedAt                      time.Time
	Received, Adopted, Partly, Other int
	Items                            []SummaryItem
}

// SummaryItem is one comment in a summary.
type SummaryItem struct {
	Point    string
	Decision string // its label
	Reason   string
}

// Summary returns the published summary of the document with the slug, nil while there is none.
func (c *Consultations) Summary(ctx context.Context, slug string) (*Summary, error) {
	var s Summary
	err := c.pool.QueryRow(ctx, `SELECT body, published_at FROM consultation_summaries WHERE doc_slug = $1`, slug).Scan(&s.Body, &s.PublishedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read summary: %w", err)
	}
	comments, err := c.Comments(ctx, slug)
	if err != nil {
		return nil, err
	}
	s.Received = len(comments)
	for _, m := range comments {
		switch m.DecisionCode() {
		case "adopted":
			s.Adopted++
		case "partly":
			s.Partly++
		default:
			s.Other++
		}
		s.Items = append(s.Items, SummaryItem{Point: m.Point, Decision: m.DecisionLabel(), Reason: m.Reason})
	}
	return &s, nil
}

// Tally is how far a consultation has got: its comments, those handled, and whether its summary
// is published.
type Tally struct {
	Comments, Decided int
	Published         bool
}

// Tallies returns the tally of every document with comments or a summary, by slug.
func (c *Consultations) Tallies(ctx context.Context) (map[string]Tally, error) {
	rows, err := c.pool.Query(ctx, `SELECT coalesce(m.doc_slug, s.doc_slug), coalesce(m.n, 0), coalesce(m.decided, 0), s.doc_slug IS NOT NULL
		FROM (SELECT doc_slug, count(*) n, count(decision) decided FROM consultation_comments GROUP BY doc_slug) m
		FULL JOIN consultation_summaries s ON s.doc_slug = m.doc_slug`)
	if err != nil {
		return nil, fmt.Errorf("count comments: %w", err)
	}
	defer rows.Close()
	out := map[string]Tally{}
	for rows.Next() {
		var slug string
		var t Tally
		if err := rows.Scan(&slug, &t.Comments, &t.Decided, &t.Published); err != nil {
			return nil, fmt.Errorf("count comments: %w", err)
		}
		out[slug] = t
	}
	return out, rows.Err()
}

// PurgePersonal clears the name and contact of every comment handled before decidedBefore.
func (c *Consultations) PurgePersonal(ctx context.Context, decidedBefore time.Time) (int64, error) {
	tag, err := c.pool.Exec(ctx, `UPDATE consultation_comments SET name = NULL, contact = NULL
		WHERE decided_at < $1 AND (name IS NOT NULL OR contact IS NOT NULL)`, decidedBefore)
	if err != nil {
		return 0, fmt.Errorf("purge commenters: %w", err)
	}
	return tag.RowsAffected(), nil
}
