package account

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"zhenxing"
	"zhenxing/internal/db"
)

// OrgRole is what a buyer may do for its organisation: administer it, or order for it.
type OrgRole string

// The roles of a buyer in its organisation.
const (
	OrgAdmin     OrgRole = "admin"     // 单位管理员: invites users, keeps addresses, invoice details, approval amount and plan
	OrgPurchaser OrgRole = "purchaser" // 采购员: orders
)

// Label returns the Chinese name of the role, or its code for a role that does not exist.
func (r OrgRole) Label() string {
	switch r {
	case OrgAdmin:
		return "单位管理员"
	case OrgPurchaser:
		return "采购员"
	}
	return string(r)
}

// ParseOrgRole returns the organisation role named by its code (admin or purchaser). Any other
// name gives EInvalid.
func ParseOrgRole(name string) (OrgRole, error) {
	switch r := OrgRole(strings.TrimSpace(name)); r {
	case OrgAdmin, OrgPurchaser:
		return r, nil
	}
	return "", zhenxing.Errorf(zhenxing.EInvalid, "用户角色应为单位管理员或采购员。")
}

// IsBuyer reports whether the account is an enabled buyer of an organisation. It is false for
// nil, for staff and for a buyer without organisation.
func (u *User) IsBuyer() bool {
	return u != nil && u.Kind == KindBuyer && !u.Disabled && u.OrganizationID != nil
}

// IsOrgAdmin reports whether the account is an enabled administrator of its organisation.
func (u *User) IsOrgAdmin() bool { return u.IsBuyer() && u.OrgRole == OrgAdmin }

// Login returns what the buyer logs in with: the phone, else the e-mail, else the username.
func (u *User) Login() string {
	switch {
	case u.Phone != "":
		return u.Phone
	case u.Email != "":
		return u.Email
	}
	return u.Username
}

// OrgStatus is where an organisation's registration stands.
type OrgStatus string

// The states of an organisation.
const (
	OrgPending  OrgStatus = "pending"  // 待审核
	OrgApproved OrgStatus = "approved" // 已通过: may place orders
	OrgRejected OrgStatus = "rejected" // 未通过, with a reason
)

// OrgStatuses are the states in the order the staff list shows them.
var OrgStatuses = []OrgStatus{OrgPending, OrgApproved, OrgRejected}

// Label returns the Chinese name of the status.
func (s OrgStatus) Label() string {
	switch s {
	case OrgPending:
		return "待审核"
	case OrgApproved:
		return "已通过"
	case OrgRejected:
		return "未通过"
	}
	return string(s)
}

// InvoiceKind is the kind of VAT invoice an organisation asks for.
type InvoiceKind string

// The invoice kinds.
const (
	InvoiceOrdinary InvoiceKind = "ordinary" // 增值税普通发票（普票）
	InvoiceSpecial  InvoiceKind = "special"  // 增值税专用发票（专票）: needs bank, account, address and phone
)

// Label returns the Chinese name of the invoice kind.
func (k InvoiceKind) Label() string {
	switch k {
	case InvoiceOrdinary:
		return "普票"
	case InvoiceSpecial:
		return "专票"
	}
	return string(k)
}

// Invoice is an organisation's invoice details (开票信息).
type Invoice struct {
	Title   string      `db:"invoice_title" json:"title"`     // 发票抬头
	TaxID   string      `db:"invoice_tax_id" json:"tax_id"`   // 税号
	Kind    InvoiceKind `db:"invoice_kind" json:"kind"`       // 普票 or 专票
	Bank    string      `db:"invoice_bank" json:"bank"`       // 专票: 开户银行
	Account string      `db:"invoice_account" json:"account"` // 专票: 银行账号
	Address string      `db:"invoice_address" json:"address"` // 专票: 注册地址
	Phone   string      `db:"invoice_phone" json:"phone"`     // 专票: 注册电话
}

// validate trims inv and checks it: a title and a tax id (a credit code or a 15 to 20 character
// tax number), a kind, and for 专票 the bank, account, address and phone. Every problem is EInvalid.
func (inv Invoice) validate() (Invoice, error) {
	for _, f := range []*string{&inv.Title, &inv.TaxID, &inv.Bank, &inv.Account, &inv.Address, &inv.Phone} {
		*f = strings.TrimSpace(*f)
	}
	inv.TaxID = strings.ToUpper(inv.TaxID)
	if inv.Kind == "" {
		inv.Kind = InvoiceOrdinary
	}
	switch {
	case inv.Title == "":
		return inv, zhenxing.Errorf(zhenxing.EInvalid, "请填写发票抬头。")
	case utf8.RuneCountInString(inv.Title) > 100:
		return inv, zhenxing.Errorf(zhenxing.EInvalid, "发票抬头请不要超过 100 个字符。")
	case !taxIDPattern.MatchString(inv.TaxID):
		return inv, zhenxing.Errorf(zhenxing.EInvalid, "税号应为 15 至 20 位数字或大写字母（一般即统一社会信用代码）。")
	case inv.Kind != InvoiceOrdinary && inv.Kind != InvoiceSpecial:
		return inv, zhenxing.Errorf(zhenxing.EInvalid, "发票类型应为普票或专票。")
	}
	if inv.Kind == InvoiceSpecial {
		for _, f := range []struct{ v, label string }{{inv.Bank, "开户银行"}, {inv.Account, "银行账号"}, {inv.Address, "注册地址"}, {inv.Phone, "注册电话"}} {
			if f.v == "" {
				return inv, zhenxing.Errorf(zhenxing.EInvalid, "开具专票需要填写%s。", f.label)
			}
			if utf8.RuneCountInString(f.v) > 200 {
				return inv, zhenxing.Errorf(zhenxing.EInvalid, "%s请不要超过 200 个字符。", f.label)
			}
		}
	}
	return inv, nil
}

// Organization is a buyer organisation (a 基层工会 or the like).
type Organization struct {
	ID           int64      `db:"id"`
	Name         string     `db:"name"`
	CreditCode   string     `db:"credit_code"` // 统一社会信用代码, upper case
	Parent       string     `db:"parent"`      // the parent union or the employer
	ContactName  string     `db:"contact_name"`
	ContactPhone string     `db:"contact_phone"`
	ContactEmail string     `db:"contact_email"`
	Status       OrgStatus  `db:"status"`
	ReviewReason string     `db:"review_reason"` // why it was rejected
	ReviewedBy   *int64     `db:"reviewed_by"`
	ReviewedAt   *time.Time `db:"reviewed_at"`
	Invoice
	// ApprovalThreshold is the amount above which a purchaser's order waits for an administrator;
	// nil when no order needs approval.
	ApprovalThreshold *zhenxing.Money `db:"approval_threshold"`
	Version           int64           `db:"version"`
	CreatedAt         time.Time       `db:"created_at"`
	UpdatedAt         time.Time       `db:"updated_at"`
}

// Approved reports whether staff approved the organisation: only then may it place orders.
func (o *Organization) Approved() bool { return o != nil && o.Status == OrgApproved }

// NeedsApproval reports whether an order of total placed by a purchaser must wait for one of the
// organisation's administrators: when the organisation set an amount and total is above it.
func (o *Organization) NeedsApproval(total zhenxing.Money) bool {
	return o.ApprovalThreshold != nil && total > *o.ApprovalThreshold
}

const organizationColumns = `id, name, credit_code, parent, contact_name, contact_phone, contact_email, status,
	review_reason, reviewed_by, reviewed_at, invoice_title, invoice_tax_id, invoice_kind, invoice_bank,
	invoice_account, invoice_address, invoice_phone, approval_threshold, version, created_at, updated_at`

// dest is where the columns of organizationColumns go, in their order, for a row that has more.
func (o *Organization) dest() []any {
	inv := &o.Invoice
	return []any{&o.ID, &o.Name, &o.CreditCode, &o.Parent, &o.ContactName, &o.ContactPhone, &o.ContactEmail, &o.Status,
		&o.ReviewReason, &o.ReviewedBy, &o.ReviewedAt, &inv.Title, &inv.TaxID, &inv.Kind, &inv.Bank,
		&inv.Account, &inv.Address, &inv.Phone, &o.ApprovalThreshold, &o.Version, &o.CreatedAt, &o.UpdatedAt}
}

var (
	mobilePattern = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	phonePattern  = regexp.MustCompile(`^\+?[0-9][0-9 \-]{5,18}[0-9]$`)
	emailPattern  = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	taxIDPattern  = regexp.MustCompile(`^[0-9A-Z]{15,20}$`)
)

// normalizePhone drops the spaces and hyphens people type in a phone number, and a +86 or 86
// prefix of a mobile number.
func normalizePhone(s string) string {
	s = strings.NewReplacer(" ", "", "-", "", "\u00a0", "").Replace(strings.TrimSpace(s))
	if len(s) == 13 && strings.HasPrefix(s, "86") || len(s) == 14 && strings.HasPrefix(s, "+86") {
		s = s[len(s)-11:]
	}
	return s
}

// text trims v and checks its length: required (1 to most characters) or optional (at most most).
func text(v *string, label string, most int, required bool) error {
	*v = strings.TrimSpace(*v)
	if required && *v == "" {
		return zhenxing.Errorf(zhenxing.EInvalid, "请填写%s。", label)
	}
	if utf8.RuneCountInString(*v) > most {
		return zhenxing.Errorf(zhenxing.EInvalid, "%s请不要超过 %d 个字符。", label, most)
	}
	return nil
}

// NewBuyer is a user of an organisation to create: its administrator at registration, or the
// user of an accepted invitation.
type NewBuyer struct {
	Name     string // shown to the organisation and to staff; 1 to 32 characters
	Phone    string // a mainland mobile number to log in with; may be empty if Email is not
	Email    string // an e-mail address to log in with; may be empty if Phone is not
	Password string // see ValidatePassword
}

// validate checks nb and returns it cleaned. Every problem is EInvalid.
func (nb NewBuyer) validate() (NewBuyer, error) {
	if err := text(&nb.Name, "姓名", 32, true); err != nil {
		return nb, err
	}
	nb.Phone = normalizePhone(nb.Phone)
	nb.Email = strings.TrimSpace(nb.Email)
	switch {
	case nb.Phone == "" && nb.Email == "":
		return nb, zhenxing.Errorf(zhenxing.EInvalid, "请填写登录用的手机号或电子邮箱（至少一项）。")
	case nb.Phone != "" && !mobilePattern.MatchString(nb.Phone):
		return nb, zhenxing.Errorf(zhenxing.EInvalid, "手机号“%s”无效，应为 11 位手机号码。", nb.Phone)
	case nb.Email != "" && (!emailPattern.MatchString(nb.Email) || len(nb.Email) > 254):
		return nb, zhenxing.Errorf(zhenxing.EInvalid, "电子邮箱“%s”无效。", nb.Email)
	}
	return nb, ValidatePassword(nb.Password)
}

// insertBuyer creates the validated buyer nb in the organisation orgID with role, under a random
// username (buyers log in with their phone or e-mail). A phone or e-mail in use is EConflict.
func insertBuyer(ctx context.Context, tx pgx.Tx, orgID int64, role OrgRole, nb NewBuyer) (*User, error) {
	hash, err := hashPassword(nb.Password)
	if err != nil {
		return nil, err
	}
	username := "buyer-" + strings.ToLower(rand.Text()[:12])
	nullable := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	rows, err := tx.Query(ctx, `INSERT INTO users (username, display_name, password_hash, kind, roles, organization_id,
		organization_role, email, phone) VALUES ($1, $2, $3, 'buyer', '{}', $4, $5, $6, $7) RETURNING `+userColumns,
		username, nb.Name, hash, orgID, role, nullable(nb.Email), nullable(nb.Phone))
	if err != nil {
		return nil, fmt.Errorf("create buyer: %w", err)
	}
	u, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[User])
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		switch pgErr.ConstraintName {
		case "users_phone":
			return nil, zhenxing.Errorf(zhenxing.EConflict, "手机号 %s 已被其他账号使用。", nb.Phone)
		case "users_email_lower":
			return nil, zhenxing.Errorf(zhenxing.EConflict, "电子邮箱 %s 已被其他账号使用。", nb.Email)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("create buyer: %w", err)
	}
	return &u, nil
}

// Registration is what an organisation gives when it registers.
type Registration struct {
	Name         string
	CreditCode   string // checked with zhenxing.CheckCreditCode
	Parent       string // the parent union or the employer; may be empty
	ContactName  string
	ContactPhone string
	ContactEmail string // may be empty
	Addresses    []NewAddress
	Invoice      Invoice // the title defaults to Name, the tax id to CreditCode
	Admin        NewBuyer
}

// validate checks r and returns it cleaned. Every problem is EInvalid with a Chinese message.
func (r Registration) validate() (Registration, error) {
	if err := text(&r.Name, "单位名称", 100, true); err != nil {
		return r, err
	}
	if err := zhenxing.CheckCreditCode(r.CreditCode); err != nil {
		return r, err
	}
	r.CreditCode = zhenxing.NormalizeCreditCode(r.CreditCode)
	if err := text(&r.Parent, "上级工会或所在单位", 100, false); err != nil {
		return r, err
	}
	if err := text(&r.ContactName, "联系人", 32, true); err != nil {
		return r, err
	}
	if err := text(&r.ContactPhone, "联系电话", 20, true); err != nil {
		return r, err
	}
	if !phonePattern.MatchString(r.ContactPhone) {
		return r, zhenxing.Errorf(zhenxing.EInvalid, "联系电话“%s”无效。", r.ContactPhone)
	}
	r.ContactEmail = strings.TrimSpace(r.ContactEmail)
	if r.ContactEmail != "" && !emailPattern.MatchString(r.ContactEmail) {
		return r, zhenxing.Errorf(zhenxing.EInvalid, "电子邮箱“%s”无效。", r.ContactEmail)
	}
	if len(r.Addresses) == 0 {
		return r, zhenxing.Errorf(zhenxing.EInvalid, "请至少填写一个收货地址。")
	}
	if len(r.Addresses) > MaxAddresses {
		return r, zhenxing.Errorf(zhenxing.EInvalid, "收货地址最多 %d 个。", MaxAddresses)
	}
	for i, a := range r.Addresses {
		a, err := a.validate()
		if err != nil {
			return r, err
		}
		r.Addresses[i] = a
	}
	if strings.TrimSpace(r.Invoice.Title) == "" {
		r.Invoice.Title = r.Name
	}
	if strings.TrimSpace(r.Invoice.TaxID) == "" {
		r.Invoice.TaxID = r.CreditCode
	}
	inv, err := r.Invoice.validate()
	if err != nil {
		return r, err
	}
	r.Invoice = inv
	r.Admin, err = r.Admin.validate()
	return r, err
}

// Register creates the organisation of r, pending approval, with its delivery addresses (the
// first the default) and its first user, its administrator, all in one transaction, and records
// it in the audit log. It returns EInvalid for a bad field (a wrong credit code included) and
// EConflict when the credit code is registered already or the administrator's phone or e-mail is
// another account's; then nothing is created.
func (s *Store) Register(ctx context.Context, r Registration) (*Organization, *User, error) {
	r, err := r.validate()
	if err != nil {
		return nil, nil, err
	}
	var org *Organization
	var admin *User
	err = db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `INSERT INTO organizations (name, credit_code, parent, contact_name, contact_phone,
			contact_email, invoice_title, invoice_tax_id, invoice_kind, invoice_bank, invoice_account, invoice_address, invoice_phone)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING `+organizationColumns,
			r.Name, r.CreditCode, r.Parent, r.ContactName, r.ContactPhone, r.ContactEmail, r.Invoice.Title, r.Invoice.TaxID,
			r.Invoice.Kind, r.Invoice.Bank, r.Invoice.Account, r.Invoice.Address, r.Invoice.Phone)
		if err != nil {
			return fmt.Errorf("create organization: %w", err)
		}
		o, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Organization])
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23505" {
			return zhenxing.Errorf(zhenxing.EConflict, "统一社会信用代码为 %s 的单位已经注册，请勿重复注册。如需使用该单位的账号，请联系其单位管理员邀请您加入。", r.CreditCode)
		}
		if err != nil {
			return fmt.Errorf("create organization: %w", err)
		}
		org = &o
		for i, a := range r.Addresses {
			if _, err := tx.Exec(ctx, `INSERT INTO delivery_addresses (organization_id, recipient, phone, address, is_default)
				VALUES ($1, $2, $3, $4, $5)`, o.ID, a.Recipient, a.Phone, a.Address, i == 0); err != nil {
				return fmt.Errorf("create address: %w", err)
			}
		}
		if admin, err = insertBuyer(ctx, tx, o.ID, OrgAdmin, r.Admin); err != nil {
			return err
		}
		return db.RecordAudit(ctx, tx, admin.Actor(), "organization.register", "organization", strconv.FormatInt(o.ID, 10), nil, org, "")
	})
	if err != nil {
		return nil, nil, err
	}
	return org, admin, nil
}

// Organization returns the organisation with the id, or ENotFound.
func (s *Store) Organization(ctx context.Context, id int64) (*Organization, error) {
	return loadOrganization(ctx, s.pool, id, "")
}

// loadOrganization reads the organisation id through q, with suffix ("FOR UPDATE" or "").
func loadOrganization(ctx context.Context, q querier, id int64, suffix string) (*Organization, error) {
	rows, err := q.Query(ctx, `SELECT `+organizationColumns+` FROM organizations WHERE id = $1 `+suffix, id)
	if err != nil {
		return nil, fmt.Errorf("load organization %d: %w", id, err)
	}
	o, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Organization])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, zhenxing.Errorf(zhenxing.ENotFound, "采购单位不存在。")
	}
	if err != nil {
		return nil, fmt.Errorf("load organization %d: %w", id, err)
	}
	return &o, nil
}

// OrganizationQuery selects organisations for the staff list; zero values mean any.
type OrganizationQuery struct {
	Status OrgStatus
	Limit  int // 0 means 20
	Offset int
}

// Organizations lists organisations, the pending first and then by registration, oldest
// first, with the number that match q. An unknown status is EInvalid; an empty list is not an
// error.
func (s *Store) Organizations(ctx context.Context, q OrganizationQuery) ([]Organization, int, error) {
	switch q.Status {
	case "", OrgPending, OrgApproved, OrgRejected:
	default:
		return nil, 0, zhenxing.Errorf(zhenxing.EInvalid, "未知的审核状态。")
	}
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 20
	}
	rows, err := s.pool.Query(ctx, `SELECT `+organizationColumns+` FROM organizations
		WHERE $1 = '' OR status = $1
		ORDER BY status <> 'pending', created_at, id LIMIT $2 OFFSET $3`, q.Status, q.Limit, q.Offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list organizations: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[Organization])
	if err != nil {
		return nil, 0, fmt.Errorf("list organizations: %w", err)
	}
	var total int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM organizations WHERE $1 = '' OR status = $1`, q.Status).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count organizations: %w", err)
	}
	return list, total, nil
}

// Approve approves the organisation id at now, by the staff member actor, and records it in the
// audit log. It returns ENotFound for an unknown organisation and EConflict for one approved
// already.
func (s *Store) Approve(ctx context.Context, actor db.Actor, id int64, now time.Time) error {
	return s.review(ctx, actor, id, OrgApproved, "", now)
}

// Reject rejects the organisation id at now with reason (shown to the organisation), by the
// staff member actor, and records it in the audit log; an approved organisation may be rejected
// later, and then places no more orders. It returns EInvalid without a reason (or with one over
// 500 characters), ENotFound for an unknown organisation and EConflict for one rejected already.
func (s *Store) Reject(ctx context.Context, actor db.Actor, id int64, reason string, now time.Time) error {
	if err := text(&reason, "不通过的原因", 500, true); err != nil {
		return err
	}
	return s.review(ctx, actor, id, OrgRejected, reason, now)
}

func (s *Store) review(ctx context.Context, actor db.Actor, id int64, status OrgStatus, reason string, now time.Time) error {
	return db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		before, err := loadOrganization(ctx, tx, id, "FOR UPDATE")
		if err != nil {
			return err
		}
		if before.Status == status {
			return zhenxing.Errorf(zhenxing.EConflict, "该单位已是“%s”状态。", status.Label())
		}
		var reviewer *int64
		if actor.ID != 0 {
			reviewer = &actor.ID
		}
		rows, err := tx.Query(ctx, `UPDATE organizations SET status = $2, review_reason = $3, reviewed_by = $4, reviewed_at = $5,
			version = version + 1, updated_at = $5 WHERE id = $1 RETURNING `+organizationColumns, id, status, reason, reviewer, now)
		if err != nil {
			return fmt.Errorf("review organization %d: %w", id, err)
		}
		after, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Organization])
		if err != nil {
			return fmt.Errorf("review organization %d: %w", id, err)
		}
		action := "organization.approve"
		if status == OrgRejected {
			action = "organization.reject"
		}
		return db.RecordAudit(ctx, tx, actor, action, "organization", strconv.FormatInt(id, 10),
			map[string]any{"status": before.Status, "review_reason": before.ReviewReason},
			map[string]any{"status": after.Status, "review_reason": after.ReviewReason}, reason)
	})
}

// errNotBuyer is what a method for an organisation's users gives any other account.
func errNotBuyer() error {
	return zhenxing.Errorf(zhenxing.EForbidden, "该账号不是采购单位的用户。")
}

// orgAdminOf returns the organisation that by administers; EForbidden for an account that is not
// an enabled buyer, or a purchaser.
func orgAdminOf(by *User) (int64, error) {
	if !by.IsBuyer() {
		return 0, errNotBuyer()
	}
	if by.OrgRole != OrgAdmin {
		return 0, zhenxing.Errorf(zhenxing.EForbidden, "只有单位管理员可以修改单位信息。")
	}
	return *by.OrganizationID, nil
}

// Members returns the users of the organisation orgID, administrators first, then by name. An
// organisation without users gives an empty list.
func (s *Store) Members(ctx context.Context, orgID int64) ([]User, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+userColumns+` FROM users WHERE organization_id = $1
		ORDER BY organization_role <> 'admin', created_at, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list members of %d: %w", orgID, err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[User])
}

// SetMemberDisabled disables (ending its sessions) or enables the user userID of the organisation
// that by administers. It returns EForbidden when by is not an administrator or names itself,
// and ENotFound for a user of another organisation or none.
func (s *Store) SetMemberDisabled(ctx context.Context, by *User, userID int64, disabled bool) error {
	orgID, err := orgAdminOf(by)
	if err != nil {
		return err
	}
	if userID == by.ID {
		return zhenxing.Errorf(zhenxing.EForbidden, "不能停用自己的账号。")
	}
	return db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET disabled = $3 WHERE id = $1 AND organization_id = $2`, userID, orgID, disabled)
		if err != nil {
			return fmt.Errorf("disable member: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return zhenxing.Errorf(zhenxing.ENotFound, "该用户不存在。")
		}
		if disabled {
			if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
				return fmt.Errorf("end sessions: %w", err)
			}
		}
		action := "member.enable"
		if disabled {
			action = "member.disable"
		}
		return db.RecordAudit(ctx, tx, by.Actor(), action, "organization", strconv.FormatInt(orgID, 10), nil, map[string]any{"user_id": userID}, "")
	})
}

// UpdateInvoice replaces the invoice details of the organisation that by administers. It
// returns EForbidden when by is not an administrator and EInvalid for bad details.
func (s *Store) UpdateInvoice(ctx context.Context, by *User, inv Invoice) error {
	orgID, err := orgAdminOf(by)
	if err != nil {
		return err
	}
	if inv, err = inv.validate(); err != nil {
		return err
	}
	return s.updateOrganization(ctx, by, orgID, "organization.invoice", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE organizations SET invoice_title = $2, invoice_tax_id = $3, invoice_kind = $4,
			invoice_bank = $5, invoice_account = $6, invoice_address = $7, invoice_phone = $8,
			version = version + 1, updated_at = now() WHERE id = $1`,
			orgID, inv.Title, inv.TaxID, inv.Kind, inv.Bank, inv.Account, inv.Address, inv.Phone)
		return err
	})
}

// SetApprovalThreshold sets the amount above which a purchaser's order of the organisation that
// by administers waits for an administrator; nil means no order waits. It returns EForbidden
// when by is not an administrator and EInvalid for a negative amount.
func (s *Store) SetApprovalThreshold(ctx context.Context, by *User, threshold *zhenxing.Money) error {
	orgID, err := orgAdminOf(by)
	if err != nil {
		return err
	}
	if threshold != nil && *threshold < 0 {
		return zhenxing.Errorf(zhenxing.EInvalid, "审批金额不能为负数。")
	}
	return s.updateOrganization(ctx, by, orgID, "organization.approval_threshold", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE organizations SET approval_threshold = $2, version = version + 1, updated_at = now()
			WHERE id = $1`, orgID, threshold)
		return err
	})
}

// updateOrganization runs change on the locked organisation orgID and records the audit entry
// action with the organisation before and after.
func (s *Store) updateOrganization(ctx context.Context, by *User, orgID int64, action string, change func(pgx.Tx) error) error {
	return db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		before, err := loadOrganization(ctx, tx, orgID, "FOR UPDATE")
		if err != nil {
			return err
		}
		if err := change(tx); err != nil {
			return fmt.Errorf("%s: %w", action, err)
		}
		after, err := loadOrganization(ctx, tx, orgID, "")
		if err != nil {
			return err
		}
		return db.RecordAudit(ctx, tx, by.Actor(), action, "organization", strconv.FormatInt(orgID, 10), before, after, "")
	})
}
