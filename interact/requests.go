// Package interact holds what citizens send the bureau and the bureau's answers: requests for
// government information (依申请公开, this file), and, to come, the director's mailbox,
// consultations and error reports. Everything lives in PostgreSQL; deadlines are in working days
// (internal/workdays).
package interact

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing"
	"zhenxing/internal/db"
	"zhenxing/internal/workdays"
)

// RequestState is where a request stands.
type RequestState string

// The states of a request. Received is the state of a request just submitted, before staff
// accept it.
const (
	Received  RequestState = "received"
	Accepted  RequestState = "accepted"
	NeedsInfo RequestState = "needs_info"
	Extended  RequestState = "extended"
	Answered  RequestState = "answered"
	Refused   RequestState = "refused"
)

var stateLabels = map[RequestState]string{
	Received: "已提交", Accepted: "已受理", NeedsInfo: "需补正", Extended: "已延期", Answered: "已答复", Refused: "不予公开",
}

// Label is the state as the applicant and staff read it.
func (s RequestState) Label() string { return stateLabels[s] }

// Closed reports whether the request has its final answer.
func (s RequestState) Closed() bool { return s == Answered || s == Refused }

// The deadlines of the Regulations on the Disclosure of Government Information (2019), art. 33:
// 20 working days, extended once by at most 20 with the reason given.
const (
	ReplyDays     = 20
	ExtensionDays = 20
)

// RefusalReason is one of the regulation's grounds for not disclosing (arts. 14 to 16), with
// the row of the annual report's table it counts in.
type RefusalReason struct {
	Code  string
	Label string
	Row   string
}

// RefusalReasons are the grounds staff choose from, in the table's order.
var RefusalReasons = []RefusalReason{
	{"state_secret", "属于国家秘密（《中华人民共和国政府信息公开条例》第十四条）", "属于国家秘密"},
	{"law_forbidden", "法律、行政法规禁止公开（第十四条）", "其他法律行政法规禁止公开"},
	{"security", "公开后可能危及国家安全、公共安全、经济安全、社会稳定（第十四条）", "危及“三安全一稳定”"},
	{"third_party", "涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害（第十五条）", "保护第三方合法权益"},
	{"internal", "属于人事管理、后勤管理、内部工作流程等内部事务信息（第十六条第一款）", "属于三类内部事务信息"},
	{"process", "属于讨论记录、过程稿、磋商信函、请示报告等过程性信息（第十六条第二款）", "属于四类过程性信息"},
	{"case_file", "属于行政执法案卷信息（第十六条第二款）", "属于行政执法案卷"},
	{"inquiry", "属于行政查询事项，应按有关法律、行政法规的规定办理（第三十六条第七项）", "属于行政查询事项"},
}

func refusalLabel(code string) (string, bool) {
	for _, r := range RefusalReasons {
		if r.Code == code {
			return r.Label, true
		}
	}
	return "", false
}

// Applicant is who asks: a citizen or an organisation. It is personal data: only staff with the
// open-government role see it, and it is never logged.
type Applicant struct {
	Kind string `json:"kind"` // "citizen" or "organization"
	// A citizen.
	Name     string `json:"name,omitempty"`
	IDType   string `json:"id_type,omitempty"` // one of IDTypes
	IDNumber string `json:"id_number,omitempty"`
	// An organisation.
	OrgName    string `json:"org_name,omitempty"`
	CreditCode string `json:"credit_code,omitempty"`
	LegalRep   string `json:"legal_rep,omitempty"`
	Contact    string `json:"contact,omitempty"`
	// Both.
	Phone   string `json:"phone"`
	Email   string `json:"email,omitempty"`
	Address string `json:"address,omitempty"`
}

// IDTypes are the identity documents a citizen may give; only the resident ID's check digit can
// be verified.
var IDTypes = []string{"居民身份证", "港澳居民来往内地通行证", "台湾居民来往大陆通行证", "护照", "外国人永久居留身份证"}

// Deliveries are how the reply may be received.
var Deliveries = map[string]string{"email": "电子邮件", "post": "邮寄", "pickup": "当面领取"}

// RequestInput is a request as the form submits it.
type RequestInput struct {
	Applicant      Applicant
	Description    string // the information wanted
	DocumentNumber string // its 文号 or other features
	Purpose        string
	Delivery       string // a key of Deliveries
	OrgCategory    string // an organisation's category, a code of OrgCategories
}

// Field limits, in characters.
const (
	maxShort = 100
	maxLong  = 2000
)

// Validate trims the input and checks it, returning an EInvalid error wrapping
// zhenxing.FieldErrors (named by the form's fields) with Chinese messages.
func (in *RequestInput) Validate(now time.Time) error {
	a := &in.Applicant
	for _, s := range []*string{&a.Name, &a.IDType, &a.IDNumber, &a.OrgName, &a.CreditCode, &a.LegalRep, &a.Contact,
		&a.Phone, &a.Email, &a.Address, &in.Description, &in.DocumentNumber, &in.Purpose, &in.Delivery, &in.OrgCategory} {
		*s = strings.TrimSpace(*s)
	}
	var fe zhenxing.FieldErrors
	need := func(field, value, what string, max int) {
		switch n := utf8.RuneCountInString(value); {
		case n == 0:
			fe.Add(field, "请填写%s。", what)
		case n > max:
			fe.Add(field, "%s不能超过 %d 个字（现有 %d 个字）。", what, max, n)
		}
	}
	limit := func(field, value, what string, max int) {
		if n := utf8.RuneCountInString(value); n > max {
			fe.Add(field, "%s不能超过 %d 个字（现有 %d 个字）。", what, max, n)
		}
	}
	switch a.Kind {
	case "citizen":
		need("name", a.Name, "姓名", maxShort)
		switch {
		case !contains(IDTypes, a.IDType):
			fe.Add("id_type", "请选择证件类型。")
		case a.IDType == "居民身份证":
			a.IDNumber = zhenxing.NormalizeResidentID(a.IDNumber)
			if err := zhenxing.CheckResidentID(a.IDNumber, now); err != nil {
				fe.Add("id_number", "%s", zhenxing.ErrorMessage(err))
			}
		default:
			need("id_number", a.IDNumber, "证件号码", 40)
		}
	case "organization":
		need("org_name", a.OrgName, "单位名称", maxShort)
		a.CreditCode = zhenxing.NormalizeCreditCode(a.CreditCode)
		if err := zhenxing.CheckCreditCode(a.CreditCode); err != nil {
			fe.Add("credit_code", "%s", zhenxing.ErrorMessage(err))
		}
		need("legal_rep", a.LegalRep, "法定代表人或负责人", maxShort)
		need("contact", a.Contact, "联系人", maxShort)
		if !isOrgCategory(in.OrgCategory) {
			fe.Add("org_category", "请选择单位类别。")
		}
	default:
		fe.Add("kind", "请选择申请人是公民还是法人或其他组织。")
	}
	need("phone", a.Phone, "联系电话", 30)
	limit("address", a.Address, "通信地址", 200)
	if a.Email != "" {
		if addr, err := mail.ParseAddress(a.Email); err != nil || addr.Address != a.Email || len(a.Email) > 200 {
			fe.Add("email", "电子邮箱的格式不正确。")
		}
	}
	need("description", in.Description, "所需信息的内容描述", maxLong)
	limit("document_number", in.DocumentNumber, "文号或其他特征描述", 200)
	need("purpose", in.Purpose, "所需信息的用途", maxLong)
	switch _, ok := Deliveries[in.Delivery]; {
	case !ok:
		fe.Add("delivery", "请选择获取信息的方式。")
	case in.Delivery == "email" && a.Email == "":
		fe.Add("email", "选择通过电子邮件获取时，请填写电子邮箱。")
	case in.Delivery == "post" && a.Address == "":
		fe.Add("address", "选择邮寄时，请填写通信地址。")
	}
	return fe.Err("申请")
}

func isOrgCategory(code string) bool {
	for _, c := range OrgCategories {
		if c.Code == code {
			return true
		}
	}
	return false
}

// category is the request's column in the annual report's table.
func (in *RequestInput) category() string {
	if in.Applicant.Kind == "citizen" {
		return "citizen"
	}
	return in.OrgCategory
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Request is a request as staff see it.
type Request struct {
	ID              int64
	Number          string
	Applicant       *Applicant // nil once retention cleared it
	Description     string
	DocumentNumber  string
	Purpose         string
	Delivery        string
	State           RequestState
	ReceivedAt      time.Time
	DueAt           time.Time
	RemainingDays   *int // while NeedsInfo: the working days left when the clock stopped
	Extended        bool
	ExtensionReason string
	Reply           string
	RefusalReason   string // the label of the ground, when refused
	Outcome         string // a code of AnswerOutcomes or refused_ and a code of RefusalReasons, once closed
	Category        string // a code of ApplicantCategories
	ClosedAt        *time.Time
	Files           []FileInfo // sent with the reply
	Events          []RequestEvent
}

// OutcomeLabel is how the request was handled, "" while it is open.
func (q *Request) OutcomeLabel() string {
	o, _ := OutcomeOf(q.Outcome)
	return o.Label()
}

// CategoryLabel is the applicant's category, as the annual report's table names it.
func (q *Request) CategoryLabel() string { return ApplicantCategories[categoryIndex(q.Category)].Label }

// RequestEvent is one step of a request.
type RequestEvent struct {
	At        time.Time
	From      *RequestState
	To        RequestState
	ActorName string
	Note      string
}

// Status is what the applicant sees at /open/apply/status: no personal data.
type Status struct {
	Number     string
	State      RequestState
	ReceivedAt time.Time
	DueAt      time.Time
	Reply      string
	Refusal    string
	Outcome    string // the outcome's label once closed
	ClosedAt   *time.Time
	Files      []FileInfo
}

// Requests is the store of disclosure requests.
type Requests struct {
	pool     *pgxpool.Pool
	calendar *workdays.Calendar
	now      func() time.Time
}

// NewRequests returns the store on pool; now is the clock (time.Now when nil), calendar the
// working days (workdays.Default() when nil).
func NewRequests(pool *pgxpool.Pool, calendar *workdays.Calendar, now func() time.Time) *Requests {
	if calendar == nil {
		calendar = workdays.Default()
	}
	if now == nil {
		now = time.Now
	}
	return &Requests{pool: pool, calendar: calendar, now: now}
}

// Submitted is what the applicant keeps: the tracking number and the secret code, shown once.
type Submitted struct {
	Number string
	Secret string
	DueAt  time.Time
}

// secretChars are the characters of a secret code: no 0/O, 1/I/L.
const secretChars = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

func newSecret() string {
	out := make([]byte, 0, 10)
	var b [1]byte
	for len(out) < cap(out) {
		rand.Read(b[:])
		if int(b[0]) < 256-256%len(secretChars) { // no bias towards the first characters
			out = append(out, secretChars[int(b[0])%len(secretChars)])
		}
	}
	return string(out)
}

func secretHash(secret string) []byte {
	h := sha256.Sum256([]byte(strings.ToUpper(strings.TrimSpace(secret))))
	return h[:]
}

// secretMatches reports whether secret is the code whose hash is stored, in constant time.
func secretMatches(hash []byte, secret string) bool {
	return subtle.ConstantTimeCompare(hash, secretHash(secret)) == 1
}

// Submit validates and records a request; its reply is due ReplyDays working days after the day
// it arrives. Errors: EInvalid (with FieldErrors).
func (r *Requests) Submit(ctx context.Context, in RequestInput) (*Submitted, error) {
	now := r.now()
	if err := in.Validate(now); err != nil {
		return nil, err
	}
	applicant, err := json.Marshal(in.Applicant)
	if err != nil {
		return nil, err
	}
	secret := newSecret()
	sub := &Submitted{Secret: secret, DueAt: r.calendar.Add(now, ReplyDays)}
	err = db.InTx(ctx, r.pool, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO disclosure_requests (number, secret_hash, applicant_kind, applicant_category,
				applicant, description, document_number, purpose, delivery, state, received_at, due_at, updated_at)
			SELECT 'YSQ' || $1 || '-' || lpad(n::text, greatest(6, length(n::text)), '0'), $2, $3, $4, $5, $6, $7, $8, $9,
				'received', $10, $11, $10 FROM nextval('disclosure_request_seq') n
			RETURNING id, number`,
			now.In(zhenxing.Beijing).Format("2006"), secretHash(secret), in.Applicant.Kind, in.category(), applicant,
			in.Description, in.DocumentNumber, in.Purpose, in.Delivery, now, sub.DueAt).Scan(&id, &sub.Number)
		if err != nil {
			return fmt.Errorf("insert request: %w", err)
		}
		return addEvent(ctx, tx, id, nil, Received, db.Actor{Name: "申请人"}, "提交申请", now)
	})
	if err != nil {
		return nil, err
	}
	return sub, nil
}

func addEvent(ctx context.Context, tx pgx.Tx, id int64, from *RequestState, to RequestState, actor db.Actor, note string, at time.Time) error {
	var actorID *int64
	if actor.ID != 0 {
		actorID = &actor.ID
	}
	_, err := tx.Exec(ctx, `INSERT INTO disclosure_request_events (request_id, at, from_state, to_state, actor_id, actor_name, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, at, from, to, actorID, actor.Name, note)
	if err != nil {
		return fmt.Errorf("record request step: %w", err)
	}
	return nil
}

// Status returns the state and reply of the request with the number to whoever has its secret
// code. A wrong code and an unknown number are the same ENotFound, so neither can be told from
// the other; the site rate-limits the attempts.
func (r *Requests) Status(ctx context.Context, number, secret string) (*Status, error) {
	id, st, err := r.byCode(ctx, number, secret)
	if err != nil {
		return nil, err
	}
	if st.Files, err = r.files(ctx, id); err != nil {
		return nil, err
	}
	return st, nil
}

// byCode is the request with the number, without its files, when secret is its code. Errors:
// as Status.
func (r *Requests) byCode(ctx context.Context, number, secret string) (int64, *Status, error) {
	var st Status
	var id int64
	var hash []byte
	var outcome string
	err := r.pool.QueryRow(ctx, `SELECT id, number, secret_hash, state, received_at, due_at, reply, refusal_reason, outcome, closed_at
		FROM disclosure_requests WHERE number = $1`, strings.ToUpper(strings.TrimSpace(number))).
		Scan(&id, &st.Number, &hash, &st.State, &st.ReceivedAt, &st.DueAt, &st.Reply, &st.Refusal, &outcome, &st.ClosedAt)
	notFound := zhenxing.Errorf(zhenxing.ENotFound, "申请编号或查询码不正确，请核对后再试。")
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil, notFound
	}
	if err != nil {
		return 0, nil, fmt.Errorf("read request: %w", err)
	}
	if !secretMatches(hash, secret) {
		return 0, nil, notFound
	}
	o, _ := OutcomeOf(outcome)
	st.Outcome = o.Label()
	return id, &st, nil
}

// Queue lists the open requests, the earliest due first. Errors: internal only.
func (r *Requests) Queue(ctx context.Context) ([]Request, error) {
	rows, err := r.pool.Query(ctx, `SELECT `+requestColumns+` FROM disclosure_requests WHERE closed_at IS NULL ORDER BY due_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list requests: %w", err)
	}
	return pgx.CollectRows(rows, scanRequest)
}

const requestColumns = `id, number, applicant, description, document_number, purpose, delivery, state, received_at,
	due_at, remaining_days, extended, extension_reason, reply, refusal_reason, outcome, applicant_category, closed_at`

func scanRequest(row pgx.CollectableRow) (Request, error) {
	var q Request
	var applicant []byte
	err := row.Scan(&q.ID, &q.Number, &applicant, &q.Description, &q.DocumentNumber, &q.Purpose, &q.Delivery, &q.State,
		&q.ReceivedAt, &q.DueAt, &q.RemainingDays, &q.Extended, &q.ExtensionReason, &q.Reply, &q.RefusalReason, &q.Outcome,
		&q.Category, &q.ClosedAt)
	if err == nil && applicant != nil {
		q.Applicant = &Applicant{}
		err = json.Unmarshal(applicant, q.Applicant)
	}
	return q, err
}

// Find returns the request with the number and its steps. Errors: ENotFound.
func (r *Requests) Find(ctx context.Context, number string) (*Request, error) {
	rows, err := r.pool.Query(ctx, `SELECT `+requestColumns+` FROM disclosure_requests WHERE number = $1`, number)
	if err != nil {
		return nil, fmt.Errorf("read request: %w", err)
	}
	q, err := pgx.CollectExactlyOneRow(rows, scanRequest)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, zhenxing.Errorf(zhenxing.ENotFound, "没有编号为 %s 的申请。", number)
	}
	if err != nil {
		return nil, fmt.Errorf("read request: %w", err)
	}
	rows, err = r.pool.Query(ctx, `SELECT at, from_state, to_state, actor_name, note FROM disclosure_request_events
		WHERE request_id = $1 ORDER BY id`, q.ID)
	if err != nil {
		return nil, fmt.Errorf("read request steps: %w", err)
	}
	q.Events, err = pgx.CollectRows(rows, pgx.RowToStructByPos[RequestEvent])
	if err != nil {
		return nil, fmt.Errorf("read request steps: %w", err)
	}
	if q.Files, err = r.files(ctx, q.ID); err != nil {
		return nil, err
	}
	return &q, nil
}

// A step staff take: what it changes, given the request as it is. Files the step sends go in
// q.Files without an ID, and are stored with it.
type step func(q *Request, now time.Time) (note string, err error)

// act takes a step on the request with the number, in a transaction that locks it, records the
// step and writes the audit entry. Errors: ENotFound; EConflict when the step does not apply to
// the request's state (with a Chinese message saying why); EInvalid from the step.
func (r *Requests) act(ctx context.Context, actor db.Actor, number, action string, do step) error {
	return r.actSending(ctx, actor, number, action, nil, do)
}

// actSending is act for a step that sends the applicant files with its reply.
func (r *Requests) actSending(ctx context.Context, actor db.Actor, number, action string, sending []File, do step) error {
	now := r.now()
	return db.InTx(ctx, r.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+requestColumns+` FROM disclosure_requests WHERE number = $1 FOR UPDATE`, number)
		if err != nil {
			return fmt.Errorf("lock request: %w", err)
		}
		q, err := pgx.CollectExactlyOneRow(rows, scanRequest)
		if errors.Is(err, pgx.ErrNoRows) {
			return zhenxing.Errorf(zhenxing.ENotFound, "没有编号为 %s 的申请。", number)
		}
		if err != nil {
			return fmt.Errorf("lock request: %w", err)
		}
		from := q.State
		note, err := do(&q, now)
		if err != nil {
			return err
		}
		if err := checkFiles(sending); err != nil {
			return err
		}
		if q.State.Closed() {
			q.ClosedAt = &now
		}
		_, err = tx.Exec(ctx, `UPDATE disclosure_requests SET state = $2, due_at = $3, remaining_days = $4, extended = $5,
				extension_reason = $6, reply = $7, refusal_reason = $8, outcome = $9, closed_at = $10, updated_at = $11 WHERE id = $1`,
			q.ID, q.State, q.DueAt, q.RemainingDays, q.Extended, q.ExtensionReason, q.Reply, q.RefusalReason, q.Outcome, q.ClosedAt, now)
		if err != nil {
			return fmt.Errorf("update request: %w", err)
		}
		if err := storeFiles(ctx, tx, q.ID, sending, now); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, q.ID, &from, q.State, actor, note, now); err != nil {
			return err
		}
		// The audit entry names the step, never the applicant.
		return db.RecordAudit(ctx, tx, actor, action, "disclosure_request", q.Number,
			map[string]string{"state": string(from)}, map[string]string{"state": string(q.State)}, note)
	})
}

func conflict(q *Request, what string) error {
	return zhenxing.Errorf(zhenxing.EConflict, "申请 %s 当前为“%s”，不能%s。", q.Number, q.State.Label(), what)
}

// Accept accepts a submitted request. Errors: as act.
func (r *Requests) Accept(ctx context.Context, actor db.Actor, number string) error {
	return r.act(ctx, actor, number, "request.accept", func(q *Request, now time.Time) (string, error) {
		if q.State != Received {
			return "", conflict(q, "受理")
		}
		q.State = Accepted
		return "受理申请", nil
	})
}

// AskForMore asks the applicant for more information: the clock stops, keeping the working days
// left, until Supplemented. Errors: as act; EInvalid without a note saying what is needed.
func (r *Requests) AskForMore(ctx context.Context, actor db.Actor, number, what string) error {
	return r.act(ctx, actor, number, "request.ask", func(q *Request, now time.Time) (string, error) {
		if q.State != Received && q.State != Accepted && q.State != Extended {
			return "", conflict(q, "要求补正")
		}
		if err := text(what, "需要补正的内容"); err != nil {
			return "", err
		}
		left := r.calendar.Between(now, q.DueAt)
		q.RemainingDays = &left
		q.State = NeedsInfo
		return "要求补正：" + strings.TrimSpace(what), nil
	})
}

// Supplemented records that the applicant sent what was asked: the clock runs again with the
// working days it had left. Errors: as act.
func (r *Requests) Supplemented(ctx context.Context, actor db.Actor, number, note string) error {
	return r.act(ctx, actor, number, "request.supplemented", func(q *Request, now time.Time) (string, error) {
		if q.State != NeedsInfo || q.RemainingDays == nil {
			return "", conflict(q, "登记补正")
		}
		q.DueAt = r.calendar.Add(now, *q.RemainingDays)
		q.RemainingDays = nil
		q.State = Accepted
		if q.Extended {
			q.State = Extended
		}
		return strings.TrimSpace("申请人已补正 " + strings.TrimSpace(note)), nil
	})
}

// Extend extends the deadline once, by ExtensionDays working days, with the reason. Errors: as
// act; EConflict when already extended; EInvalid without a reason.
func (r *Requests) Extend(ctx context.Context, actor db.Actor, number, reason string) error {
	return r.act(ctx, actor, number, "request.extend", func(q *Request, now time.Time) (string, error) {
		if q.Extended {
			return "", zhenxing.Errorf(zhenxing.EConflict, "申请 %s 已延期过一次，依照条例不能再次延期。", q.Number)
		}
		if q.State != Accepted {
			return "", conflict(q, "延期")
		}
		if err := text(reason, "延期理由"); err != nil {
			return "", err
		}
		q.Extended, q.ExtensionReason = true, strings.TrimSpace(reason)
		q.DueAt = r.calendar.Add(q.DueAt, ExtensionDays)
		q.State = Extended
		return "延期答复：" + q.ExtensionReason, nil
	})
}

// RequestReply is staff's reply to a request: how it was handled, the text, and the files sent
// with it.
type RequestReply struct {
	Outcome string // a code of AnswerOutcomes, for Answer
	Reason  string // a code of RefusalReasons, for Refuse
	Text    string
	Files   []File
}

// Answer closes the request with one of AnswerOutcomes and the reply. A request waiting for more
// information can only be closed as not supplemented. Errors: as act; EInvalid for an unknown
// outcome, no reply, or a file that cannot be sent.
func (r *Requests) Answer(ctx context.Context, actor db.Actor, number string, reply RequestReply) error {
	return r.actSending(ctx, actor, number, "request.answer", reply.Files, func(q *Request, now time.Time) (string, error) {
		o, ok := OutcomeOf(reply.Outcome)
		switch {
		case !ok || o.Group == groupRefused:
			return "", zhenxing.Errorf(zhenxing.EInvalid, "请选择办理结果。")
		case o.Code == OutcomeNoSupplement && q.State != NeedsInfo:
			return "", zhenxing.Errorf(zhenxing.EConflict, "只有正在等待补正的申请才能以“申请人逾期不补正”办结。")
		case q.State == NeedsInfo && o.Code != OutcomeNoSupplement:
			return "", zhenxing.Errorf(zhenxing.EConflict, "申请 %s 正在等待补正，只能以“申请人逾期不补正”办结，或先登记补正。", q.Number)
		case q.State != Accepted && q.State != Extended && q.State != NeedsInfo:
			return "", conflict(q, "答复")
		}
		if err := text(reply.Text, "答复内容"); err != nil {
			return "", err
		}
		q.Reply, q.Outcome, q.State, q.RemainingDays = strings.TrimSpace(reply.Text), o.Code, Answered, nil
		return "答复申请人：" + o.Label(), nil
	})
}

// Refuse refuses disclosure on one of RefusalReasons (its code), with the reply explaining it.
// Errors: as act; EInvalid for an unknown reason, no reply, or a file that cannot be sent.
func (r *Requests) Refuse(ctx context.Context, actor db.Actor, number string, reply RequestReply) error {
	return r.actSending(ctx, actor, number, "request.refuse", reply.Files, func(q *Request, now time.Time) (string, error) {
		if q.State != Accepted && q.State != Extended {
			return "", conflict(q, "作出不予公开的决定")
		}
		label, ok := refusalLabel(reply.Reason)
		if !ok {
			return "", zhenxing.Errorf(zhenxing.EInvalid, "请从条例规定的理由中选择不予公开的理由。")
		}
		if err := text(reply.Text, "告知书内容"); err != nil {
			return "", err
		}
		q.RefusalReason, q.Reply, q.State = label, strings.TrimSpace(reply.Text), Refused
		q.Outcome = "refused_" + reply.Reason
		return "不予公开：" + label, nil
	})
}

func text(s, what string) error {
	switch n := utf8.RuneCountInString(strings.TrimSpace(s)); {
	case n == 0:
		return zhenxing.Errorf(zhenxing.EInvalid, "请填写%s。", what)
	case n > 5000:
		return zhenxing.Errorf(zhenxing.EInvalid, "%s不能超过 5000 个字（现有 %d 个字）。", what, n)
	}
	return nil
}
