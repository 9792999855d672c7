package order

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"zhenxing"
	"zhenxing/internal/db"
)

// Payments is the store of payments received: bank transfers recorded by staff and Stripe
// payments, each paying one or more orders of one checkout.
type Payments struct {
	db *orderDB
}

// Payment methods, as stored in payments.method.
const (
	MethodTransfer = "transfer" // 对公转账
	MethodStripe   = "stripe"
)

// MethodLabel is the payment method in Chinese.
func MethodLabel(method string) string {
	if method == MethodStripe {
		return "在线支付"
	}
	return "对公转账"
}

// Transfer is a bank transfer as staff record it.
type Transfer struct {
	Target        string         // an order number (XF…) or a checkout's payment reference code
	PaidOn        time.Time      // the date on the bank statement
	Amount        zhenxing.Money // must equal the unpaid total of the orders named
	Payer         string         // the paying account's name
	BankReference string         // the bank's transaction reference (流水号): recorded once only
}

// Recorded is what a payment paid.
type Recorded struct {
	PaymentID int64    // 0 when the call changed nothing (a Stripe payment seen before)
	Orders    []string // the numbers of the orders it paid, or flagged
	Late      bool     // the orders had been cancelled: they are flagged late_payment for staff
	Duplicate bool     // a Stripe payment recorded before: nothing changed
}

// RecordTransfer records a bank transfer against an order number or a checkout's reference code,
// for staff. Named by an order number it pays that order; by a reference code, every unpaid order
// of the checkout. The amount must equal their total. The orders become paid; orders cancelled
// before the money arrived (by their deadline or otherwise) stay cancelled, get the payment and
// are flagged late_payment for staff to settle.
//
// Errors: a missing or bad field, or an amount that does not match (the message gives the amount
// due), is EInvalid; an unknown number or code ENotFound; a bank reference recorded before, or
// orders that cannot take a payment (waiting for approval, paid already), EConflict.
func (s *Payments) RecordTransfer(ctx context.Context, actor db.Actor, t Transfer) (*Recorded, error) {
	t.Target, t.Payer, t.BankReference = strings.TrimSpace(t.Target), strings.TrimSpace(t.Payer), strings.TrimSpace(t.BankReference)
	today := beijingDate(s.db.now())
	switch {
	case t.Target == "":
		return nil, invalid("请填写订单号或付款识别码。")
	case t.BankReference == "":
		return nil, invalid("请填写银行流水号。")
	case utf8.RuneCountInString(t.BankReference) > 64:
		return nil, invalid("银行流水号不能超过 64 个字符。")
	case utf8.RuneCountInString(t.Payer) > 100:
		return nil, invalid("付款单位不能超过 100 个字。")
	case t.Amount <= 0:
		return nil, invalid("到账金额必须大于 0。")
	case t.PaidOn.IsZero():
		return nil, invalid("请填写到账日期。")
	}
	paidOn := time.Date(t.PaidOn.Year(), t.PaidOn.Month(), t.PaidOn.Day(), 0, 0, 0, 0, time.UTC)
	if paidOn.After(today) {
		return nil, invalid("到账日期 %s 晚于今天。", paidOn.Format("2006-01-02"))
	}
	var rec *Recorded
	err := db.InTx(ctx, s.db.pool, func(tx pgx.Tx) error {
		var seen bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM payments WHERE bank_reference = $1)`, t.BankReference).Scan(&seen); err != nil {
			return fmt.Errorf("find bank reference: %w", err)
		}
		if seen {
			return duplicateReference(t.BankReference)
		}
		checkoutID, targets, late, err := s.targets(ctx, tx, t.Target)
		if err != nil {
			return err
		}
		if err := checkAmount(t.Amount, targets); err != nil {
			return err
		}
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO payments (checkout_id, method, amount, paid_on, payer, bank_reference, recorded_by, recorded_at)
			VALUES ($1, 'transfer', $2, $3, $4, $5, $6, $7) RETURNING id`,
			checkoutID, t.Amount, paidOn, t.Payer, t.BankReference, actorRef(actor), s.db.now()).Scan(&id)
		if isUnique(err, "payments_bank_reference_key") {
			return duplicateReference(t.BankReference)
		}
		if err != nil {
			return fmt.Errorf("insert payment: %w", err)
		}
		rec = &Recorded{PaymentID: id, Late: late}
		if err := s.apply(ctx, tx, actor, id, targets, late, "对公转账到账，银行流水号 "+t.BankReference, &rec.Orders); err != nil {
			return err
		}
		return db.RecordAudit(ctx, tx, actor, "payment.record", "payment", fmt.Sprint(id), nil,
			map[string]any{"amount": t.Amount, "orders": rec.Orders, "late": late}, "对公转账 "+t.BankReference)
	})
	if err != nil {
		return nil, err
	}
	return rec, nil
}

func duplicateReference(ref string) error {
	return zhenxing.Errorf(zhenxing.EConflict, "银行流水号“%s”已登记过，同一笔转账只能登记一次。", ref)
}

// checkAmount refuses an amount that is not the total of the orders.
func checkAmount(amount zhenxing.Money, orders []*lockedOrder) error {
	var due zhenxing.Money
	numbers := make([]string, len(orders))
	for i, o := range orders {
		due += o.Total
		numbers[i] = o.Number
	}
	if amount != due {
		return invalid("金额不符：订单 %s 应付 %s，登记的金额是 %s。", strings.Join(numbers, "、"), due, amount)
	}
	return nil
}

// orderNumberPattern is the form of an order number, XF20270512-000123: a reference code may
// begin with XF too.
var orderNumberPattern = regexp.MustCompile(`^XF[0-9]{8}-[0-9]{6,}$`)

// targets locks the orders a payment against target (an order number or a reference code)
// pays: the order named, or the checkout's unpaid orders; failing those, the cancelled orders
// (late is true then).
func (s *Payments) targets(ctx context.Context, tx pgx.Tx, target string) (int64, []*lockedOrder, bool, error) {
	if n := normNumber(target); orderNumberPattern.MatchString(n) {
		o, err := lockOrder(ctx, tx, 0, n)
		if err != nil {
			return 0, nil, false, err
		}
		switch o.State {
		case StateUnpaid:
			return o.CheckoutID, []*lockedOrder{o}, false, nil
		case StateCanceled:
			if o.Late {
				return 0, nil, false, zhenxing.Errorf(zhenxing.EConflict, "订单 %s 已取消，并已登记过一笔取消后到账的付款，请先处理那笔付款。", o.Number)
			}
			return o.CheckoutID, []*lockedOrder{o}, true, nil
		}
		return 0, nil, false, refused(o.State, "登记付款")
	}
	var checkoutID int64
	err := tx.QueryRow(ctx, `SELECT id FROM checkouts WHERE reference = $1 FOR UPDATE`, NormReference(target)).Scan(&checkoutID)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil, false, notFound("没有找到订单号或付款识别码“%s”。", target)
	}
	if err != nil {
		return 0, nil, false, fmt.Errorf("find checkout: %w", err)
	}
	orders, late, err := payableOrders(ctx, tx, checkoutID)
	return checkoutID, orders, late, err
}

// payableOrders locks the checkout's orders and picks those a payment for the checkout pays.
func payableOrders(ctx context.Context, tx pgx.Tx, checkoutID int64) ([]*lockedOrder, bool, error) {
	rows, err := tx.Query(ctx, `SELECT id, number, checkout_id, state, total, refunded, pay_by, late_payment FROM orders
		WHERE checkout_id = $1 ORDER BY id FOR UPDATE`, checkoutID)
	if err != nil {
		return nil, false, fmt.Errorf("lock checkout orders: %w", err)
	}
	all, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (lockedOrder, error) {
		var o lockedOrder
		return o, r.Scan(&o.ID, &o.Number, &o.CheckoutID, &o.State, &o.Total, &o.Refunded, &o.PayBy, &o.Late)
	})
	if err != nil {
		return nil, false, fmt.Errorf("lock checkout orders: %w", err)
	}
	var unpaid, cancelled []*lockedOrder
	waiting := false
	for i := range all {
		switch o := &all[i]; o.State {
		case StateUnpaid:
			unpaid = append(unpaid, o)
		case StateCanceled:
			if !o.Late {
				cancelled = append(cancelled, o)
			}
		case StateApproval:
			waiting = true
		}
	}
	switch {
	case len(unpaid) > 0:
		return unpaid, false, nil
	case waiting:
		return nil, false, refused(StateApproval, "登记付款")
	case len(cancelled) > 0:
		return cancelled, true, nil
	}
	return nil, false, zhenxing.Errorf(zhenxing.EConflict, "这个付款识别码下的订单都已付款，不能重复登记。")
}

// apply links the payment to the orders and moves them to paid, or flags them late.
func (s *Payments) apply(ctx context.Context, tx pgx.Tx, actor db.Actor, paymentID int64, orders []*lockedOrder, late bool, note string, numbers *[]string) error {
	now := s.db.now()
	for _, o := range orders {
		if _, err := tx.Exec(ctx, `INSERT INTO payment_orders (payment_id, order_id, amount) VALUES ($1, $2, $3)`,
			paymentID, o.ID, o.Total); err != nil {
			return fmt.Errorf("insert payment order: %w", err)
		}
		*numbers = append(*numbers, o.Number)
		if late {
			if _, err := tx.Exec(ctx, `UPDATE orders SET late_payment = true, updated_at = $2 WHERE id = $1`, o.ID, now); err != nil {
				return fmt.Errorf("flag late payment: %w", err)
			}
			if err := recordEvent(ctx, tx, o.ID, &o.State, o.State, actor,
				"订单取消后收到付款（"+note+"），请工作人员处理", now); err != nil {
				return err
			}
			continue
		}
		if err := o.moveTo(ctx, tx, StatePaid, actor, note, now, nil); err != nil {
			return err
		}
	}
	return nil
}

// MarkCheckoutPaid records a Stripe payment of the checkout with the id and moves its unpaid
// orders to paid; the amount must equal their total. It is idempotent: a stripePaymentID
// recorded before changes nothing and returns a Recorded with Duplicate set. Orders cancelled
// before the payment stay cancelled and are flagged (Late set: the caller refunds through
// Stripe). Calls for one checkout are serialized on its row, so a webhook delivered twice at once
// records once.
//
// Errors: a missing id or a non-positive amount is EInvalid, and so is an amount other than the
// unpaid total (the message gives it; nothing is recorded); an unknown checkout is ENotFound;
// a checkout whose orders are all paid already, or wait for approval, EConflict.
func (s *Payments) MarkCheckoutPaid(ctx context.Context, checkoutID int64, stripePaymentID string, amount zhenxing.Money) (*Recorded, error) {
	var rec *Recorded
	err := db.InTx(ctx, s.db.pool, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM checkouts WHERE id = $1 FOR UPDATE`, checkoutID).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return notFound("没有找到这笔支付对应的订单。")
		}
		if err != nil {
			return fmt.Errorf("lock checkout: %w", err)
		}
		rec, err = s.markPaid(ctx, tx, checkoutID, stripePaymentID, amount)
		return err
	})
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// PaymentSummary is one payment as the staff list shows it.
type PaymentSummary struct {
	ID               int64
	CheckoutID       int64
	Reference        string
	OrganizationName string
	Method           string
	Amount           zhenxing.Money
	PaidOn           time.Time
	Payer            string
	BankReference    string
	StripePayment    string
	RecordedBy       string // the staff member's display name; "" for a Stripe payment
	RecordedAt       time.Time
	Orders           []string // the order numbers it paid
	Late             bool     // it came after its orders were cancelled
}

// MethodLabel is the payment method in Chinese.
func (p PaymentSummary) MethodLabel() string { return MethodLabel(p.Method) }

// PaymentFilter selects payments; zero values mean any.
type PaymentFilter struct {
	Method   string    // MethodTransfer or MethodStripe
	From, To time.Time // paid on these dates or between them, inclusive
	Query    string    // part of the bank reference, the payer, the reference code or an order number
	Offset   int
	Limit    int // 0, or more than 200, means 20
}

func (f PaymentFilter) where() (string, []any, error) {
	conds := []string{"true"}
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	switch f.Method {
	case "":
	case MethodTransfer, MethodStripe:
		conds = append(conds, "p.method = "+arg(f.Method))
	default:
		return "", nil, invalid("付款方式“%s”无效。", f.Method)
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		return "", nil, invalid("结束日期不能早于开始日期。")
	}
	if !f.From.IsZero() {
		conds = append(conds, "p.paid_on >= "+arg(dateOnly(f.From)))
	}
	if !f.To.IsZero() {
		conds = append(conds, "p.paid_on <= "+arg(dateOnly(f.To)))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		a := arg("%" + likeEscape(q) + "%")
		conds = append(conds, "(coalesce(p.bank_reference, '') ILIKE "+a+" OR p.payer ILIKE "+a+" OR k.reference ILIKE "+a+
			" OR EXISTS (SELECT 1 FROM payment_orders x JOIN orders y ON y.id = x.order_id WHERE x.payment_id = p.id AND y.number ILIKE "+a+"))")
	}
	return strings.Join(conds, " AND "), args, nil
}

func dateOnly(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

const paymentSelect = `SELECT p.id, p.checkout_id, k.reference, g.name, p.method, p.amount, p.paid_on, p.payer,
	coalesce(p.bank_reference, ''), coalesce(p.stripe_payment, ''), coalesce(nullif(u.display_name, ''), u.username, ''), p.recorded_at,
	coalesce((SELECT array_agg(y.number ORDER BY y.id) FROM payment_orders x JOIN orders y ON y.id = x.order_id WHERE x.payment_id = p.id), '{}'),
	EXISTS (SELECT 1 FROM payment_orders x JOIN orders y ON y.id = x.order_id WHERE x.payment_id = p.id AND y.state = 'cancelled')
	FROM payments p JOIN checkouts k ON k.id = p.checkout_id JOIN organizations g ON g.id = k.organization_id
	LEFT JOIN users u ON u.id = p.recorded_by`

// List returns a page of payments, latest recorded first, and how many match in all. A bad
// filter is EInvalid.
func (s *Payments) List(ctx context.Context, f PaymentFilter) ([]PaymentSummary, int, error) {
	where, args, err := f.where()
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := s.db.pool.QueryRow(ctx, `SELECT count(*) FROM payments p JOIN checkouts k ON k.id = p.checkout_id WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count payments: %w", err)
	}
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 20
	}
	n := len(args)
	list, err := s.list(ctx, where+fmt.Sprintf(" ORDER BY p.recorded_at DESC, p.id DESC LIMIT $%d OFFSET $%d", n+1, n+2),
		append(args, limit, max(f.Offset, 0))...)
	return list, total, err
}

func (s *Payments) list(ctx context.Context, where string, args ...any) ([]PaymentSummary, error) {
	rows, err := s.db.pool.Query(ctx, paymentSelect+` WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list payments: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (PaymentSummary, error) {
		var p PaymentSummary
		return p, r.Scan(&p.ID, &p.CheckoutID, &p.Reference, &p.OrganizationName, &p.Method, &p.Amount, &p.PaidOn,
			&p.Payer, &p.BankReference, &p.StripePayment, &p.RecordedBy, &p.RecordedAt, &p.Orders, &p.Late)
	})
	if err != nil {
		return nil, fmt.Errorf("list payments: %w", err)
	}
	return list, nil
}
