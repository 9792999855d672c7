package interact

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing"
	"zhenxing/internal/db"
	"zhenxing/internal/workdays"
)

// Messages is the store of the director's mailbox (领导信箱): citizens' questions, suggestions
// and complaints, and the bureau's answers, published when the writer agreed.
type Messages struct {
	pool      *pgxpool.Pool
	calendar  *workdays.Calendar
	now       func() time.Time
	replyDays int
}

// DefaultMessageReplyDays is the working days within which a message is answered by default.
const DefaultMessageReplyDays = 5

// NewMessages returns the store on pool; replyDays is the deadline in working days
// (DefaultMessageReplyDays when below 1), calendar and now as for NewRequests.
func NewMessages(pool *pgxpool.Pool, calendar *workdays.Calendar, now func() time.Time, replyDays int) *Messages {
	if calendar == nil {
		calendar = workdays.Default()
	}
	if now == nil {
		now = time.Now
	}
	if replyDays < 1 {
		replyDays = DefaultMessageReplyDays
	}
	return &Messages{pool: pool, calendar: calendar, now: now, replyDays: replyDays}
}

// MessageKinds are the kinds of message, by code, as the writer chooses them.
var MessageKinds = map[string]string{"consult": "咨询", "suggest": "建议", "complain": "投诉"}

// MessageKindOrder is the order the form offers the kinds in.
var MessageKindOrder = []string{"consult", "suggest", "complain"}

// Contact is how the writer may be reached: personal data, shown only to staff with the messages
// role, never published.
type Contact struct {
	Name  string `json:"name,omitempty"`
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

func (c Contact) empty() bool { return c == Contact{} }

// MessageInput is a message as the form submits it.
type MessageInput struct {
	Kind    string
	Subject string
	Body    string
	Contact Contact
	Publish bool // the writer agrees to publication, personal data removed
}

// Validate trims the input and checks it: EInvalid wrapping FieldErrors with Chinese messages.
func (in *MessageInput) Validate() error {
	for _, s := range []*string{&in.Kind, &in.Subject, &in.Body, &in.Contact.Name, &in.Contact.Phone, &in.Contact.Email} {
		*s = strings.TrimSpace(*s)
	}
	var fe zhenxing.FieldErrors
	if _, ok := MessageKinds[in.Kind]; !ok {
		fe.Add("kind", "请选择来信类型：咨询、建议或投诉。")
	}
	for _, f := range []struct {
		field, value, what string
		min, max           int
	}{
		{"subject", in.Subject, "标题", 1, 50}, {"body", in.Body, "来信内容", 1, maxLong},
		{"name", in.Contact.Name, "姓名", 0, 50}, {"phone", in.Contact.Phone, "联系电话", 0, 30},
	} {
		switch n := utf8.RuneCountInString(f.value); {
		case n < f.min:
			fe.Add(f.field, "请填写%s。", f.what)
		case n > f.max:
			fe.Add(f.field, "%s不能超过 %d 个字（现有 %d 个字）。", f.what, f.max, n)
		}
	}
	if e := in.Contact.Email; e != "" {
		if addr, err := mail.ParseAddress(e); err != nil || addr.Address != e || len(e) > 200 {
			fe.Add("email", "电子邮箱的格式不正确。")
		}
	}
	return fe.Err("来信")
}

// Message is a message as staff see it.
type Message struct {
	ID                int64
	Number            string
	Kind              string
	Subject           string
	Body              string
	Contact           *Contact // nil when none was given, or once retention cleared it
	PublishConsent    bool
	ReceivedAt        time.Time
	DueAt             time.Time
	Answer            string
	AnsweredAt        *time.Time
	AnsweredBy        string
	PublishedQuestion *string
	PublishedAnswer   *string
	PublishedAt       *time.Time
}

// KindLabel is the kind as a reader reads it.
func (m *Message) KindLabel() string { return MessageKinds[m.Kind] }

// Answered reports whether the message has its answer.
func (m *Message) Answered() bool { return m.AnsweredAt != nil }

// Submit validates and records a message, due to be answered replyDays working days after the
// day it arrives. Errors: EInvalid (with FieldErrors).
func (ms *Messages) Submit(ctx context.Context, in MessageInput) (*Submitted, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var contact []byte
	if !in.Contact.empty() {
		var err error
		if contact, err = json.Marshal(in.Contact); err != nil {
			return nil, err
		}
	}
	now := ms.now()
	secret := newSecret()
	sub := &Submitted{Secret: secret, DueAt: ms.calendar.Add(now, ms.replyDays)}
	err := ms.pool.QueryRow(ctx, `INSERT INTO messages (number, secret_hash, kind, subject, body, contact, publish_consent, received_at, due_at)
		SELECT 'XX' || $1 || '-' || lpad(n::text, greatest(6, length(n::text)), '0'), $2, $3, $4, $5, $6, $7, $8, $9
		FROM nextval('message_seq') n RETURNING number`,
		now.In(zhenxing.Beijing).Format("2006"), secretHash(secret), in.Kind, in.Subject, in.Body, contact, in.Publish, now, sub.DueAt).
		Scan(&sub.Number)
	if err != nil {
		return nil, fmt.Errorf("insert message: %w", err)
	}
	return sub, nil
}

const messageColumns = `id, number, kind, subject, body, contact, publish_consent, received_at, due_at, answer, answered_at,
	answered_by, published_question, published_answer, published_at`

func scanMessage(row pgx.CollectableRow) (Message, error) {
	var m Message
	var contact []byte
	err := row.Scan(&m.ID, &m.Number, &m.Kind, &m.Subject, &m.Body, &contact, &m.PublishConsent, &m.ReceivedAt, &m.DueAt,
		&m.Answer, &m.AnsweredAt, &m.AnsweredBy, &m.PublishedQuestion, &m.PublishedAnswer, &m.PublishedAt)
	if err == nil && contact != nil {
		m.Contact = &Contact{}
		err = json.Unmarshal(contact, m.Contact)
	}
	return m, err
}

// Status returns the message with the number, without its contact, to whoever has its secret
// code; a wrong code and an unknown number are the same ENotFound.
func (ms *Messages) Status(ctx context.Context, number, secret string) (*Message, error) {
	number = strings.ToUpper(strings.TrimSpace(number))
	var hash []byte
	err := ms.pool.QueryRow(ctx, `SELECT secret_hash FROM messages WHERE number = $1`, number).Scan(&hash)
	notFound := zhenxing.Errorf(zhenxing.ENotFound, "来信编号或查询码不正确，请核对后再试。")
	if errors.Is(err, pgx.ErrNoRows) || err == nil && !secretMatches(hash, secret) {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("read message: %w", err)
	}
	m, err := ms.Find(ctx, number)
	if err != nil {
		return nil, err
	}
	m.Contact, m.AnsweredBy = nil, ""
	return m, nil
}

// Queue lists the messages not yet answered, the earliest due first.
func (ms *Messages) Queue(ctx context.Context) ([]Message, error) {
	return ms.list(ctx, `WHERE answered_at IS NULL ORDER BY due_at, id`)
}

// Answered lists the latest answered messages, at most limit.
func (ms *Messages) Answered(ctx context.Context, limit int) ([]Message, error) {
	return ms.list(ctx, `WHERE answered_at IS NOT NULL ORDER BY answered_at DESC, id DESC LIMIT $1`, limit)
}

func (ms *Messages) list(ctx context.Context, where string, args ...any) ([]Message, error) {
	rows, err := ms.pool.Query(ctx, `SELECT `+messageColumns+` FROM messages `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list messages: %w", err)
	}
	return pgx.CollectRows(rows, scanMessage)
}

// Find returns the message with the number, with its contact. Errors: ENotFound.
func (ms *Messages) Find(ctx context.Context, number string) (*Message, error) {
	rows, err := ms.pool.Query(ctx, `SELECT `+messageColumns+` FROM messages WHERE number = $1`, number)
	if err != nil {
		return nil, fmt.Errorf("read message: %w", err)
	}
	m, err := pgx.CollectExactlyOneRow(rows, scanMessage)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, zhenxing.Errorf(zhenxing.ENotFound, "没有编号为 %s 的来信。", number)
	}
	if err != nil {
		return nil, fmt.Errorf("read message: %w", err)
	}
	return &m, nil
}

// Reply is staff's answer to a message and, when the writer agreed, what is published: the
// question and answer as staff checked them (Redact gives the starting point).
type Reply struct {
	Answer            string
	Publish           bool
	PublishedQuestion string
	PublishedAnswer   string
}

// Answer records the answer to a message not yet answered, and publishes it when asked and the
// writer agreed; the published texts are redacted once more, whatever staff left in them.
// Errors: ENotFound; EConflict when answered already or publication was not agreed; EInvalid
// for an empty or over-long text.
func (ms *Messages) Answer(ctx context.Context, actor db.Actor, number string, r Reply) error {
	if err := text(r.Answer, "答复内容"); err != nil {
		return err
	}
	now := ms.now()
	return db.InTx(ctx, ms.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+messageColumns+` FROM messages WHERE number = $1 FOR UPDATE`, number)
		if err != nil {
			return fmt.Errorf("lock message: %w", err)
		}
		m, err := pgx.CollectExactlyOneRow(rows, scanMessage)
		if errors.Is(err, pgx.ErrNoRows) {
			return zhenxing.Errorf(zhenxing.ENotFound, "没有编号为 %s 的来信。", number)
		}
		if err != nil {
			return fmt.Errorf("lock message: %w", err)
		}
		if m.Answered() {
			return zhenxing.Errorf(zhenxing.EConflict, "来信 %s 已经答复过了。", number)
		}
		var question, answer *string
		var publishedAt *time.Time
		if r.Publish {
			if !m.PublishConsent {
				return zhenxing.Errorf(zhenxing.EConflict, "来信人没有同意公开，不能公开这封来信。")
			}
			if err := text(r.PublishedQuestion, "公开的来信内容"); err != nil {
				return err
			}
			q, a := Redact(r.PublishedQuestion, m.Contact), Redact(r.PublishedAnswer, m.Contact)
			if strings.TrimSpace(a) == "" {
				a = Redact(r.Answer, m.Contact)
			}
			question, answer, publishedAt = &q, &a, &now
		}
		_, err = tx.Exec(ctx, `UPDATE messages SET answer = $2, answered_at = $3, answered_by = $4,
				published_question = $5, published_answer = $6, published_at = $7 WHERE id = $1`,
			m.ID, strings.TrimSpace(r.Answer), now, actor.Name, question, answer, publishedAt)
		if err != nil {
			return fmt.Errorf("answer message: %w", err)
		}
		return db.RecordAudit(ctx, tx, actor, "message.answer", "message", m.Number, nil,
			map[string]bool{"published": r.Publish}, "")
	})
}

var (
	idNumberRE = regexp.MustCompile(`\d{17}[\dXx]|\d{15}`)
	mobileRE   = regexp.MustCompile(`(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}`)
	landlineRE = regexp.MustCompile(`0\d{2,3}[- ]?\d{7,8}`)
	emailRE    = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
)

// Redact removes personal data from a text to be published: resident ID numbers, mobile and
// landline numbers, e-mail addresses, and the writer's name (given in contact) become
// “[已隐去]”.
func Redact(s string, contact *Contact) string {
	const hidden = "[已隐去]"
	for _, re := range []*regexp.Regexp{idNumberRE, mobileRE, landlineRE, emailRE} {
		s = re.ReplaceAllString(s, hidden)
	}
	if contact != nil && utf8.RuneCountInString(contact.Name) >= 2 {
		s = strings.ReplaceAll(s, contact.Name, hidden)
	}
	return strings.TrimSpace(s)
}

// PublishedMessage is one published question and answer.
type PublishedMessage struct {
	Number     string
	Kind       string
	Subject    string
	Question   string
	Answer     string
	ReceivedAt time.Time
	AnsweredAt time.Time
}

// KindLabel is the kind as a reader reads it.
func (p PublishedMessage) KindLabel() string { return MessageKinds[p.Kind] }

// Published returns the published messages, latest answered first, from offset, at most limit,
// and how many there are in all.
func (ms *Messages) Published(ctx context.Context, offset, limit int) ([]PublishedMessage, int, error) {
	var total int
	if err := ms.pool.QueryRow(ctx, `SELECT count(*) FROM messages WHERE published_at IS NOT NULL`).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count published messages: %w", err)
	}
	rows, err := ms.pool.Query(ctx, `SELECT number, kind, subject, published_question, published_answer, received_at, answered_at
		FROM messages WHERE published_at IS NOT NULL ORDER BY answered_at DESC, id DESC OFFSET $1 LIMIT $2`, offset, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("list published messages: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[PublishedMessage])
	return list, total, err
}

// MonthStats are the counts of one month: messages received, messages answered, and the
// average working days the answered ones took.
type MonthStats struct {
	Month       time.Time // the first day, Beijing time
	Received    int
	Answered    int
	AverageDays float64
}

// MonthlyStats returns the counts of the last months months up to now, the latest first,
// months with nothing included.
func (ms *Messages) MonthlyStats(ctx context.Context, months int) ([]MonthStats, error) {
	now := ms.now().In(zhenxing.Beijing)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, zhenxing.Beijing).AddDate(0, -(months - 1), 0)
	out := make([]MonthStats, months)
	index := map[string]int{}
	for i := range out {
		m := first.AddDate(0, months-1-i, 0)
		out[i].Month = m
		index[m.Format("2006-01")] = i
	}
	rows, err := ms.pool.Query(ctx, `SELECT received_at, answered_at FROM messages WHERE received_at >= $1 OR answered_at >= $1`, first)
	if err != nil {
		return nil, fmt.Errorf("message statistics: %w", err)
	}
	var received time.Time
	var answered *time.Time
	days := make([]int, months)
	_, err = pgx.ForEachRow(rows, []any{&received, &answered}, func() error {
		if i, ok := index[received.In(zhenxing.Beijing).Format("2006-01")]; ok {
			out[i].Received++
		}
		if answered != nil {
			if i, ok := index[answered.In(zhenxing.Beijing).Format("2006-01")]; ok {
				out[i].Answered++
				days[i] += ms.calendar.Between(received, *answered)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("message statistics: %w", err)
	}
	for i := range out {
		if out[i].Answered > 0 {
			out[i].AverageDays = float64(days[i]) / float64(out[i].Answered)
		}
	}
	return out, nil
}

// PurgePersonal clears the contact of every message answered before closedBefore.
func (ms *Messages) PurgePersonal(ctx context.Context, closedBefore time.Time) (int64, error) {
	tag, err := ms.pool.Exec(ctx, `UPDATE messages SET contact = NULL WHERE answered_at < $1 AND contact IS NOT NULL`, closedBefore)
	if err != nil {
		return 0, fmt.Errorf("purge message contacts: %w", err)
	}
	return tag.RowsAffected(), nil
}
