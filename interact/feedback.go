package interact

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing"
	"zhenxing/internal/db"
)

// Feedback is the store of the reports of errors on the site (我为政府网站找错) sent through the
// site's own form, and of how staff handled them.
type Feedback struct {
	pool *pgxpool.Pool
	now  func() time.Time
}

// NewFeedback returns the store on pool; now is the clock (time.Now when nil).
func NewFeedback(pool *pgxpool.Pool, now func() time.Time) *Feedback {
	if now == nil {
		now = time.Now
	}
	return &Feedback{pool: pool, now: now}
}

// FeedbackStates are the states of a report, in order, by code.
var FeedbackStates = []struct{ Code, Label string }{
	{"new", "待处理"}, {"handling", "处理中"}, {"fixed", "已修正"}, {"declined", "不予采纳"},
}

// FeedbackStateLabel is the state as staff read it.
func FeedbackStateLabel(code string) string {
	for _, s := range FeedbackStates {
		if s.Code == code {
			return s.Label
		}
	}
	return code
}

// FeedbackPage checks that page is a path of this site (no scheme, no host, at most 500
// characters) and returns it cleaned. Errors: EInvalid.
func FeedbackPage(page string) (string, error) {
	page = strings.TrimSpace(page)
	u, err := url.Parse(page)
	if err != nil || page == "" || !strings.HasPrefix(page, "/") || strings.HasPrefix(page, "//") || u.Scheme != "" || u.Host != "" || len(page) > 500 {
		return "", zhenxing.Errorf(zhenxing.EInvalid, "纠错只能针对本网站的页面，请从出错页面底部的“本站纠错”链接进入。")
	}
	return page, nil
}

// FeedbackReport is one report.
type FeedbackReport struct {
	ID         int64
	Page       string
	Body       string
	Contact    *string
	State      string
	Reply      string
	ReceivedAt time.Time
	ClosedAt   *time.Time
}

// StateLabel is the report's state as staff read it.
func (r FeedbackReport) StateLabel() string { return FeedbackStateLabel(r.State) }

// Report records a report about page. Errors: EInvalid with FieldErrors.
func (f *Feedback) Report(ctx context.Context, page, body, contact string) error {
	var fe zhenxing.FieldErrors
	page, err := FeedbackPage(page)
	if err != nil {
		fe.Add("page", "%s", zhenxing.ErrorMessage(err))
	}
	body, contact = strings.TrimSpace(body), strings.TrimSpace(contact)
	switch n := utf8.RuneCountInString(body); {
	case n == 0:
		fe.Add("body", "请写明页面上有什么错误。")
	case n > 1000:
		fe.Add("body", "错误描述不能超过 1000 个字（现有 %d 个字）。", n)
	}
	if n := utf8.RuneCountInString(contact); n > 100 {
		fe.Add("contact", "联系方式不能超过 100 个字（现有 %d 个字）。", n)
	}
	if err := fe.Err("纠错"); err != nil {
		return err
	}
	var c *string
	if contact != "" {
		c = &contact
	}
	if _, err := f.pool.Exec(ctx, `INSERT INTO feedback_reports (page, body, contact, received_at) VALUES ($1, $2, $3, $4)`,
		page, body, c, f.now()); err != nil {
		return fmt.Errorf("insert feedback: %w", err)
	}
	return nil
}

// List returns the reports, the open ones first, then the latest closed (at most limit in all).
func (f *Feedback) List(ctx context.Context, limit int) ([]FeedbackReport, error) {
	rows, err := f.pool.Query(ctx, `SELECT id, page, body, contact, state, reply, received_at, closed_at FROM feedback_reports
		ORDER BY closed_at IS NOT NULL, CASE WHEN closed_at IS NULL THEN received_at END, closed_at DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("list feedback: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[FeedbackReport])
}

// Handle sets the state of report id with staff's reply; fixed and declined close it. Errors:
// ENotFound; EInvalid for an unknown state or an over-long reply.
func (f *Feedback) Handle(ctx context.Context, actor db.Actor, id int64, state, reply string) error {
	if FeedbackStateLabel(state) == state {
		return zhenxing.Errorf(zhenxing.EInvalid, "请选择处理状态。")
	}
	reply = strings.TrimSpace(reply)
	if n := utf8.RuneCountInString(reply); n > 2000 {
		return zhenxing.Errorf(zhenxing.EInvalid, "处理意见不能超过 2000 个字（现有 %d 个字）。", n)
	}
	now := f.now()
	var closed *time.Time
	if state == "fixed" || state == "declined" {
		closed = &now
	}
	return db.InTx(ctx, f.pool, func(tx pgx.Tx) error {
		var before string
		err := tx.QueryRow(ctx, `SELECT state FROM feedback_reports WHERE id = $1 FOR UPDATE`, id).Scan(&before)
		if errors.Is(err, pgx.ErrNoRows) {
			return zhenxing.Errorf(zhenxing.ENotFound, "没有这条纠错。")
		}
		if err != nil {
			return fmt.Errorf("lock feedback: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE feedback_reports SET state = $2, reply = $3, closed_at = $4 WHERE id = $1`,
			id, state, reply, closed); err != nil {
			return fmt.Errorf("update feedback: %w", err)
		}
		return db.RecordAudit(ctx, tx, actor, "feedback.handle", "feedback_report", fmt.Sprint(id),
			map[string]string{"state": before}, map[string]string{"state": state}, "")
	})
}

// PurgePersonal clears the contact of every report closed before closedBefore.
func (f *Feedback) PurgePersonal(ctx context.Context, closedBefore time.Time) (int64, error) {
	tag, err := f.pool.Exec(ctx, `UPDATE feedback_reports SET contact = NULL WHERE closed_at < $1 AND contact IS NOT NULL`, closedBefore)
	if err != nil {
		return 0, fmt.Errorf("purge feedback contacts: %w", err)
	}
	return tag.RowsAffected(), nil
}
