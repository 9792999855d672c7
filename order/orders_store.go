package order

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"zhenxing"
)

// Orders is the store of orders: reads for buyers (always within their organisation) and staff,
// and the lifecycle (lifecycle.go, expiry.go).
type Orders struct {
	db *orderDB
}

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Summary is an order as lists show it.
type Summary struct {
	ID               int64
	Number           string
	CheckoutID       int64
	Reference        string // the checkout's payment reference code
	OrganizationID   int64
	OrganizationName string
	SupplierID       int64
	SupplierName     string
	State            string
	Total            zhenxing.Money
	Refunded         zhenxing.Money
	PurchaseRef      string
	PayBy            *time.Time
	LatePayment      bool // paid after it was cancelled: for staff to settle
	CreatedAt        time.Time
}

// StateLabel is the order's state in Chinese.
func (s Summary) StateLabel() string { return StateLabel(s.State) }

const summaryCols = `o.id, o.number, o.checkout_id, k.reference, o.organization_id, g.name, o.supplier_id, s.name,
	o.state, o.total, o.refunded, o.purchase_ref, o.pay_by, o.late_payment, o.created_at`

const summaryFrom = ` FROM orders o JOIN checkouts k ON k.id = o.checkout_id
	JOIN organizations g ON g.id = o.organization_id JOIN suppliers s ON s.id = o.supplier_id`

func summaryDest(o *Summary) []any {
	return []any{&o.ID, &o.Number, &o.CheckoutID, &o.Reference, &o.OrganizationID, &o.OrganizationName,
		&o.SupplierID, &o.SupplierName, &o.State, &o.Total, &o.Refunded, &o.PurchaseRef, &o.PayBy,
		&o.LatePayment, &o.CreatedAt}
}

// listSummaries reads orders; where may end in ORDER BY and LIMIT.
func listSummaries(ctx context.Context, q querier, where string, args ...any) ([]Summary, error) {
	rows, err := q.Query(ctx, `SELECT `+summaryCols+summaryFrom+` WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list orders: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Summary, error) {
		var o Summary
		err := row.Scan(summaryDest(&o)...)
		return o, err
	})
	if err != nil {
		return nil, fmt.Errorf("list orders: %w", err)
	}
	return list, nil
}

// Filter selects orders; zero values mean any.
type Filter struct {
	State        string    // one of States
	From, To     time.Time // placed on these Beijing dates or between them, inclusive
	Number       string    // part of the order number or of the purchase reference
	Organization string    // part of the organisation's name (staff lists)
	LatePayment  bool      // only orders paid after they were cancelled
	Offset       int
	Limit        int // 0, or more than 200, means 20
}

// Page is one page of orders and how many match in all.
type Page struct {
	Orders []Summary
	Total  int
}

func (f Filter) where(orgID int64) (string, []any, error) {
	var conds []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if orgID != 0 {
		conds = append(conds, "o.organization_id = "+arg(orgID))
	}
	if f.State != "" {
		if !ValidState(f.State) {
			return "", nil, invalid("订单状态“%s”无效。", f.State)
		}
		conds = append(conds, "o.state = "+arg(f.State))
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		return "", nil, invalid("结束日期不能早于开始日期。")
	}
	if !f.From.IsZero() {
		y, m, d := f.From.Date()
		conds = append(conds, "o.created_at >= "+arg(time.Date(y, m, d, 0, 0, 0, 0, zhenxing.Beijing)))
	}
	if !f.To.IsZero() {
		y, m, d := f.To.Date()
		conds = append(conds, "o.created_at < "+arg(time.Date(y, m, d+1, 0, 0, 0, 0, zhenxing.Beijing)))
	}
	if n := strings.TrimSpace(f.Number); n != "" {
		p := "%" + likeEscape(strings.ToUpper(n)) + "%"
		conds = append(conds, "(o.number LIKE "+arg(p)+" OR upper(o.purchase_ref) LIKE "+arg(p)+")")
	}
	if n := strings.TrimSpace(f.Organization); n != "" {
		conds = append(conds, "g.name LIKE "+arg("%"+likeEscape(n)+"%"))
	}
	if f.LatePayment {
		conds = append(conds, "o.late_payment")
	}
	if len(conds) == 0 {
		return "true", args, nil
	}
	return strings.Join(conds, " AND "), args, nil
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func (f Filter) limit() int {
	if f.Limit <= 0 || f.Limit > 200 {
		return 20
	}
	return f.Limit
}

func (o *Orders) page(ctx context.Context, orgID int64, f Filter) (*Page, error) {
	where, args, err := f.where(orgID)
	if err != nil {
		return nil, err
	}
	var p Page
	if err := o.db.pool.QueryRow(ctx, `SELECT count(*)`+summaryFrom+` WHERE `+where, args...).Scan(&p.Total); err != nil {
		return nil, fmt.Errorf("count orders: %w", err)
	}
	n := len(args)
	p.Orders, err = listSummaries(ctx, o.db.pool, where+fmt.Sprintf(" ORDER BY o.created_at DESC, o.id DESC LIMIT $%d OFFSET $%d", n+1, n+2),
		append(args, f.limit(), max(f.Offset, 0))...)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// List returns a page of the organisation's orders, newest first. A bad filter (an unknown
// state, an end before the start) is EInvalid.
func (o *Orders) List(ctx context.Context, orgID int64, f Filter) (*Page, error) {
	if orgID == 0 {
		return &Page{}, nil
	}
	return o.page(ctx, orgID, f)
}

// StaffList returns a page of every organisation's orders, newest first, for the back office.
// A bad filter is EInvalid.
func (o *Orders) StaffList(ctx context.Context, f Filter) (*Page, error) {
	return o.page(ctx, 0, f)
}

// Approvals lists the orders of the buyer's organisation that wait for an administrator, oldest
// first. A purchaser gets EForbidden.
func (o *Orders) Approvals(ctx context.Context, b Buyer) ([]Summary, error) {
	if !b.Admin {
		return nil, zhenxing.Errorf(zhenxing.EForbidden, "只有本单位管理员可以审批订单。")
	}
	return listSummaries(ctx, o.db.pool, "o.organization_id = $1 AND o.state = $2 ORDER BY o.created_at, o.id",
		b.OrganizationID, StateApproval)
}

// Line is one line of an order, as sold.
type Line struct {
	ProductID  int64
	Slug       string // of the product today
	Name       string
	Spec       string
	Unit       string
	Quantity   int
	UnitPrice  zhenxing.Money
	TierMinQty int
	Total      zhenxing.Money
}

// Event is one entry of an order's timeline.
type Event struct {
	From      string // "" for the first
	To        string
	ActorName string
	Note      string
	At        time.Time
}

// FromLabel is the state the event moved the order from, in Chinese ("" for the first).
func (e Event) FromLabel() string { return StateLabel(e.From) }

// ToLabel is the state the event moved the order to, in Chinese.
func (e Event) ToLabel() string { return StateLabel(e.To) }

// Shipment is one parcel sent for an order.
type Shipment struct {
	Carrier   string
	Tracking  string
	ShippedAt time.Time
}

// OrderPayment is a payment's share in an order.
type OrderPayment struct {
	PaymentID     int64
	Method        string // "transfer" or "stripe"
	Amount        zhenxing.Money
	PaidOn        time.Time
	Payer         string
	BankReference string
	RecordedAt    time.Time
}

// Problem is what the buyer reported on receipt.
type Problem struct {
	ID       int64
	Text     string
	HasPhoto bool
	At       time.Time
}

// Refund is money paid back for an order.
type Refund struct {
	Amount       zhenxing.Money
	Reason       string
	StripeRefund string
	At           time.Time
}

// InvoiceInfo is the invoice of an order: requested, and once issued its number, date, amount
// and whether a PDF is on file.
type InvoiceInfo struct {
	RequestedAt time.Time
	Issued      bool
	Number      string
	IssuedOn    *time.Time
	Amount      zhenxing.Money
	HasPDF      bool
}

// SupplierInfo is the order's supplier and the households it works with (联农带农).
type SupplierInfo struct {
	Slug       string
	Name       string
	County     string
	Households int
	Linkage    string
}

// Detail is one order with everything its page shows.
type Detail struct {
	Summary
	Recipient      string
	Phone          string
	Address        string
	Invoice        InvoiceDetails
	Note           string
	Supplier       SupplierInfo
	Lines          []Line
	Events         []Event
	Shipments      []Shipment
	Payments       []OrderPayment
	Problems       []Problem
	Refunds        []Refund
	InvoiceRequest *InvoiceInfo // nil until the buyer asks for one or staff record one
}

// Get returns the order with the number of the organisation, with its lines, timeline,
// shipments, payments, problems, refunds and invoice. An unknown number, or another
// organisation's, is ENotFound.
func (o *Orders) Get(ctx context.Context, orgID int64, number string) (*Detail, error) {
	if orgID == 0 {
		return nil, orderNotFound(number)
	}
	return o.get(ctx, orgID, number)
}

// StaffGet is Get for the back office: any organisation's order. An unknown number is ENotFound.
func (o *Orders) StaffGet(ctx context.Context, number string) (*Detail, error) {
	return o.get(ctx, 0, number)
}

func (o *Orders) get(ctx context.Context, orgID int64, number string) (*Detail, error) {
	number = normNumber(number)
	var d Detail
	err := o.db.pool.QueryRow(ctx, `SELECT `+summaryCols+`, o.recipient, o.phone, o.address, o.invoice, o.note,
			s.slug, s.county, s.households, s.linkage`+summaryFrom+`
		WHERE o.number = $1 AND ($2::bigint = 0 OR o.organization_id = $2)`, number, orgID).
		Scan(append(summaryDest(&d.Summary), &d.Recipient, &d.Phone, &d.Address, &d.Invoice, &d.Note,
			&d.Supplier.Slug, &d.Supplier.County, &d.Supplier.Households, &d.Supplier.Linkage)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, orderNotFound(number)
	}
	if err != nil {
		return nil, fmt.Errorf("load order: %w", err)
	}
	d.Supplier.Name = d.SupplierName
	q := o.db.pool
	if d.Lines, err = collect(ctx, q, `SELECT l.product_id, p.slug, l.name, l.spec, l.unit, l.quantity, l.unit_price,
			l.tier_min_qty, l.total FROM order_lines l JOIN products p ON p.id = l.product_id
			WHERE l.order_id = $1 ORDER BY l.name, l.product_id`, d.ID, func(r pgx.CollectableRow) (Line, error) {
		var l Line
		return l, r.Scan(&l.ProductID, &l.Slug, &l.Name, &l.Spec, &l.Unit, &l.Quantity, &l.UnitPrice, &l.TierMinQty, &l.Total)
	}); err != nil {
		return nil, err
	}
	if d.Events, err = collect(ctx, q, `SELECT coalesce(from_state, ''), to_state, actor_name, note, at
			FROM order_events WHERE order_id = $1 ORDER BY at, id`, d.ID, func(r pgx.CollectableRow) (Event, error) {
		var e Event
		return e, r.Scan(&e.From, &e.To, &e.ActorName, &e.Note, &e.At)
	}); err != nil {
		return nil, err
	}
	if d.Shipments, err = collect(ctx, q, `SELECT carrier, tracking, shipped_at FROM shipments
			WHERE order_id = $1 ORDER BY shipped_at, id`, d.ID, func(r pgx.CollectableRow) (Shipment, error) {
		var s Shipment
		return s, r.Scan(&s.Carrier, &s.Tracking, &s.ShippedAt)
	}); err != nil {
		return nil, err
	}
	if d.Payments, err = collect(ctx, q, `SELECT p.id, p.method, po.amount, p.paid_on, p.payer,
			coalesce(p.bank_reference, ''), p.recorded_at FROM payment_orders po JOIN payments p ON p.id = po.payment_id
			WHERE po.order_id = $1 ORDER BY p.recorded_at, p.id`, d.ID, func(r pgx.CollectableRow) (OrderPayment, error) {
		var p OrderPayment
		return p, r.Scan(&p.PaymentID, &p.Method, &p.Amount, &p.PaidOn, &p.Payer, &p.BankReference, &p.RecordedAt)
	}); err != nil {
		return nil, err
	}
	if d.Problems, err = collect(ctx, q, `SELECT id, text, photo IS NOT NULL, at FROM order_problems
			WHERE order_id = $1 ORDER BY at, id`, d.ID, func(r pgx.CollectableRow) (Problem, error) {
		var p Problem
		return p, r.Scan(&p.ID, &p.Text, &p.HasPhoto, &p.At)
	}); err != nil {
		return nil, err
	}
	if d.Refunds, err = collect(ctx, q, `SELECT amount, reason, coalesce(stripe_refund, ''), at FROM refunds
			WHERE order_id = $1 ORDER BY at, id`, d.ID, func(r pgx.CollectableRow) (Refund, error) {
		var f Refund
		return f, r.Scan(&f.Amount, &f.Reason, &f.StripeRefund, &f.At)
	}); err != nil {
		return nil, err
	}
	var inv InvoiceInfo
	var number_ *string
	var amount *zhenxing.Money
	err = q.QueryRow(ctx, `SELECT requested_at, number, issued_on, amount, pdf IS NOT NULL FROM invoices WHERE order_id = $1`, d.ID).
		Scan(&inv.RequestedAt, &number_, &inv.IssuedOn, &amount, &inv.HasPDF)
	switch {
	case err == nil:
		if number_ != nil {
			inv.Issued, inv.Number = true, *number_
		}
		if amount != nil {
			inv.Amount = *amount
		}
		d.InvoiceRequest = &inv
	case !errors.Is(err, pgx.ErrNoRows):
		return nil, fmt.Errorf("load invoice: %w", err)
	}
	return &d, nil
}

func collect[T any](ctx context.Context, q querier, sql string, id int64, scan func(pgx.CollectableRow) (T, error)) ([]T, error) {
	rows, err := q.Query(ctx, sql, id)
	if err != nil {
		return nil, fmt.Errorf("load order details: %w", err)
	}
	list, err := pgx.CollectRows(rows, scan)
	if err != nil {
		return nil, fmt.Errorf("load order details: %w", err)
	}
	return list, nil
}

// ProblemPhoto returns the photo of a problem the organisation reported on its order, with its
// content type. An unknown problem, one without a photo, or another organisation's is ENotFound.
func (o *Orders) ProblemPhoto(ctx context.Context, orgID int64, number string, problemID int64) ([]byte, string, error) {
	if orgID <= 0 {
		return nil, "", notFound("没有找到这张照片。")
	}
	return o.problemPhoto(ctx, orgID, number, problemID)
}

// StaffProblemPhoto is ProblemPhoto for the back office: any organisation's order. ENotFound
// when there is none.
func (o *Orders) StaffProblemPhoto(ctx context.Context, number string, problemID int64) ([]byte, string, error) {
	return o.problemPhoto(ctx, 0, number, problemID)
}

func (o *Orders) problemPhoto(ctx context.Context, orgID int64, number string, problemID int64) ([]byte, string, error) {
	var data []byte
	var ctype string
	err := o.db.pool.QueryRow(ctx, `SELECT p.photo, p.photo_type FROM order_problems p JOIN orders o ON o.id = p.order_id
		WHERE o.number = $1 AND p.id = $2 AND ($3::bigint = 0 OR o.organization_id = $3) AND p.photo IS NOT NULL`,
		normNumber(number), problemID, orgID).Scan(&data, &ctype)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, "", notFound("没有找到这张照片。")
	}
	if err != nil {
		return nil, "", fmt.Errorf("load problem photo: %w", err)
	}
	return data, ctype, nil
}
