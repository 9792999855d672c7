// Package order is the hall's ordering in PostgreSQL: each buyer's cart, the checkout that turns
// it into one order per supplier, the orders' lifecycle (approval, payment, shipment, receipt,
// invoice, refund, cancellation and expiry), bank-transfer payments and the hook the Stripe
// payments call, invoices, and reorder. One store per aggregate shares one pool, each in a file
// of its own (carts.go, checkout.go, orders_store.go, payments.go, invoices.go); every method
// takes a context, and "not found" is a zhenxing.ENotFound error, never a nil result.
//
// The package knows nothing of the accounts: a buyer's user, organisation and rights come in as
// a Buyer, a staff member as a db.Actor. Every buyer-facing read and action takes the buyer's
// organisation and filters by it, so another organisation's order is ENotFound.
//
// Stock is reserved at checkout and released on cancellation or expiry with conditional
// updates. Every transaction that changes stock locks the product rows in id order, so no two of
// them deadlock and stock never goes below zero. A stock change does not move the catalogue's
// version (migration 00010): checkouts of different products never wait for each other, and the
// listing index of each replica reads the stock of the products changed lately when it checks
// the version.
package order

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing"
	"zhenxing/catalog"
	"zhenxing/internal/db"
)

// Defaults of Config.
const (
	DefaultPayWithin   = 48 * time.Hour
	DefaultExpiryEvery = time.Minute
	DefaultExpiryBatch = 100
)

// DefaultCheckoutRate is how many checkouts one user may attempt, placed or refused.
var DefaultCheckoutRate = db.Rate{Max: 10, Window: 10 * time.Minute}

// Config is what the order stores can be tuned with; a zero Config is the default.
type Config struct {
	PayWithin    time.Duration    // an unpaid order is cancelled this long after it is placed or approved (ORDER_PAY_HOURS); default 48h
	ExpiryEvery  time.Duration    // how often Run looks for expired orders; default a minute
	ExpiryBatch  int              // orders cancelled per transaction by Expire; default 100
	CheckoutRate db.Rate          // the checkouts one user may attempt; default DefaultCheckoutRate
	Now          func() time.Time // the clock; default time.Now
	Log          *slog.Logger     // where Run reports; default slog.Default()
}

// Service is the ordering domain: one store per aggregate over one shared pool.
type Service struct {
	Carts     *Carts
	Checkouts *Checkouts
	Orders    *Orders
	Payments  *Payments
	Invoices  *Invoices

	db *orderDB
}

// orderDB is what the stores share.
type orderDB struct {
	pool   *pgxpool.Pool
	cfg    Config
	limits *db.Limiter
}

// New returns the ordering domain on the pool. The schema must be migrated (db.Migrate).
func New(pool *pgxpool.Pool, cfg Config) *Service {
	if cfg.PayWithin <= 0 {
		cfg.PayWithin = DefaultPayWithin
	}
	if cfg.ExpiryEvery <= 0 {
		cfg.ExpiryEvery = DefaultExpiryEvery
	}
	if cfg.ExpiryBatch <= 0 {
		cfg.ExpiryBatch = DefaultExpiryBatch
	}
	if cfg.CheckoutRate.Max <= 0 || cfg.CheckoutRate.Window <= 0 {
		cfg.CheckoutRate = DefaultCheckoutRate
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	d := &orderDB{pool: pool, cfg: cfg, limits: db.NewLimiter(pool)}
	return &Service{
		Carts:     &Carts{d},
		Checkouts: &Checkouts{d},
		Orders:    &Orders{d},
		Payments:  &Payments{d},
		Invoices:  &Invoices{d},
		db:        d,
	}
}

// Pool is the connection pool the stores share.
func (s *Service) Pool() *pgxpool.Pool { return s.db.pool }

func (d *orderDB) now() time.Time { return d.cfg.Now() }

// Buyer is the user acting for a buyer organisation, as the account package knows them.
type Buyer struct {
	UserID            int64
	OrganizationID    int64
	Name              string          // shown in the order's timeline
	Admin             bool            // an administrator of the organisation (else a purchaser)
	Approved          bool            // the organisation is approved by staff and may place orders
	ApprovalThreshold *zhenxing.Money // a purchaser's checkout above it waits for an administrator; nil: none does
}

// actor is who appears in the timeline for the buyer.
func (b Buyer) actor() db.Actor {
	name := b.Name
	if name == "" {
		name = "采购员"
	}
	return db.Actor{ID: b.UserID, Name: name}
}

// System is the actor of changes the program makes by itself (expiry).
var System = db.Actor{Name: "系统"}

// Order states, as stored in orders.state.
const (
	StateApproval = "approval" // 待审批: waits for an administrator of the organisation
	StateUnpaid   = "unpaid"   // 待付款
	StatePaid     = "paid"     // 已付款
	StateShipped  = "shipped"  // 已发货
	StateReceived = "received" // 已收货
	StateInvoiced = "invoiced" // 已开票
	StateCanceled = "cancelled"
	StateRefunded = "refunded"
)

// States are the states in the order of the lifecycle, for filters.
var States = []string{StateApproval, StateUnpaid, StatePaid, StateShipped, StateReceived, StateInvoiced, StateCanceled, StateRefunded}

var stateLabels = map[string]string{
	StateApproval: "待审批", StateUnpaid: "待付款", StatePaid: "已付款", StateShipped: "已发货",
	StateReceived: "已收货", StateInvoiced: "已开票", StateCanceled: "已取消", StateRefunded: "已退款",
}

// stateSentences say in Chinese where an order stands, to begin a refusal.
var stateSentences = map[string]string{
	StateApproval: "订单正在等待审批", StateUnpaid: "订单尚未付款", StatePaid: "订单已付款",
	StateShipped: "订单已发货", StateReceived: "订单已收货", StateInvoiced: "订单已开票",
	StateCanceled: "订单已取消", StateRefunded: "订单已退款",
}

// StateLabel is the state in Chinese (待付款); an unknown state is returned as it is.
func StateLabel(state string) string {
	if l, ok := stateLabels[state]; ok {
		return l
	}
	return state
}

// ValidState reports whether s is one of States.
func ValidState(s string) bool { _, ok := stateLabels[s]; return ok }

// refused is the EConflict error of an action the order's state does not allow:
// "订单已发货，不能取消。".
func refused(state, action string) error {
	return zhenxing.Errorf(zhenxing.EConflict, "%s，不能%s。", stateSentences[state], action)
}

func notFound(format string, args ...any) error {
	return zhenxing.Errorf(zhenxing.ENotFound, format, args...)
}

func invalid(format string, args ...any) error {
	return zhenxing.Errorf(zhenxing.EInvalid, format, args...)
}

// orderNotFound is the error for an order number that is unknown or another organisation's.
func orderNotFound(number string) error {
	return notFound("没有找到订单“%s”。", number)
}

// normNumber tidies an order number as typed: spaces trimmed, letters upper-case.
func normNumber(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// fieldErrors wraps catalog.FieldErrors in an EInvalid error whose message lists them, so forms
// get them back with catalog.AsFieldErrors.
func fieldErrors(fe catalog.FieldErrors, what string) error {
	if len(fe) == 0 {
		return nil
	}
	msgs := make([]string, len(fe))
	for i, e := range fe {
		msgs[i] = e.Message
	}
	return &zhenxing.Error{Code: zhenxing.EInvalid, Message: what + "信息有误：" + strings.Join(msgs, "；"), Err: fe}
}

func addField(fe *catalog.FieldErrors, field, format string, args ...any) {
	*fe = append(*fe, catalog.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// recordEvent adds a line to the order's timeline.
func recordEvent(ctx context.Context, tx pgx.Tx, orderID int64, from *string, to string, actor db.Actor, note string, at time.Time) error {
	var actorID *int64
	if actor.ID != 0 {
		actorID = &actor.ID
	}
	_, err := tx.Exec(ctx, `INSERT INTO order_events (order_id, from_state, to_state, actor_id, actor_name, note, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, orderID, from, to, actorID, actor.Name, note, at)
	if err != nil {
		return fmt.Errorf("record order event: %w", err)
	}
	return nil
}

func actorRef(a db.Actor) *int64 {
	if a.ID == 0 {
		return nil
	}
	return &a.ID
}

// isUnique reports whether err is a unique violation of the constraint.
func isUnique(err error, constraint string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505" && pe.ConstraintName == constraint
}

// isCheck reports whether err is a violation of the check constraint.
func isCheck(err error, constraint string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23514" && pe.ConstraintName == constraint
}

// isNotNull reports whether err is a NULL refused by the column of the table.
func isNotNull(err error, table, column string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23502" && pe.TableName == table && pe.ColumnName == column
}

// beijingDate is the calendar date of t in Beijing, at midnight UTC, as a date column holds it.
func beijingDate(t time.Time) time.Time {
	y, m, d := t.In(zhenxing.Beijing).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ParseDate reads a date as a form sends it (2027-05-12; 2027/5/12 and 2027年5月12日 too) and
// returns it at midnight UTC. An empty string is the zero time and no error; anything else that
// is not a date is EInvalid with a Chinese message that quotes it.
func ParseDate(s string) (time.Time, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return time.Time{}, nil
	}
	t = strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-").Replace(t)
	d, err := time.Parse("2006-1-2", t)
	if err != nil {
		return time.Time{}, invalid("日期“%s”无效，请按 2027-05-12 的格式填写。", s)
	}
	return d, nil
}
