package order

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

	"zhenxing"
	"zhenxing/catalog"
	"zhenxing/internal/db"
)

// Checkouts is the store of checkouts: the orders placed together from one cart, paid for
// together under one payment reference code (识别码).
type Checkouts struct {
	db *orderDB
}

// Invoice kinds.
const (
	InvoiceOrdinary = "ordinary" // 普通发票
	InvoiceSpecial  = "special"  // 增值税专用发票
)

// InvoiceDetails are the invoice details (开票信息) chosen at checkout, stored with each order as
// orders.invoice. A special invoice (专票) needs the bank, account, address and phone as well.
type InvoiceDetails struct {
	Title   string `json:"title"`   // 发票抬头
	TaxID   string `json:"tax_id"`  // 税号
	Kind    string `json:"kind"`    // InvoiceOrdinary or InvoiceSpecial
	Bank    string `json:"bank"`    // 开户行
	Account string `json:"account"` // 银行账号
	Address string `json:"address"` // 注册地址
	Phone   string `json:"phone"`   // 注册电话
}

// KindLabel is the kind of invoice in Chinese.
func (d InvoiceDetails) KindLabel() string {
	if d.Kind == InvoiceSpecial {
		return "增值税专用发票"
	}
	return "增值税普通发票"
}

// CheckoutInput is what the buyer fills in to place the orders of their cart.
type CheckoutInput struct {
	AddressID   int64 // one of the organisation's delivery addresses, copied into each order
	Invoice     InvoiceDetails
	PurchaseRef string // 采购单号, optional
	Note        string // optional
}

var taxIDRE = regexp.MustCompile(`^[0-9A-Z]{15,20}$`)

// Validate tidies the input (spaces trimmed, the tax id upper-case, an empty kind ordinary) and
// checks every field: problems are EInvalid wrapping catalog.FieldErrors.
func (in *CheckoutInput) Validate() error {
	trim := func(s *string) { *s = strings.TrimSpace(*s) }
	for _, s := range []*string{&in.PurchaseRef, &in.Note,
		&in.Invoice.Title, &in.Invoice.TaxID, &in.Invoice.Kind, &in.Invoice.Bank, &in.Invoice.Account,
		&in.Invoice.Address, &in.Invoice.Phone} {
		trim(s)
	}
	in.Invoice.TaxID = strings.ToUpper(in.Invoice.TaxID)
	if in.Invoice.Kind == "" {
		in.Invoice.Kind = InvoiceOrdinary
	}
	var fe catalog.FieldErrors
	text := func(field, label, v string, required bool, maxLen int) {
		switch n := utf8.RuneCountInString(v); {
		case required && n == 0:
			addField(&fe, field, "请填写%s。", label)
		case n > maxLen:
			addField(&fe, field, "%s不能超过 %d 个字。", label, maxLen)
		}
	}
	if in.AddressID <= 0 {
		addField(&fe, "address", "请选择收货地址。")
	}
	text("purchase_ref", "采购单号", in.PurchaseRef, false, 50)
	text("note", "备注", in.Note, false, 500)
	text("invoice_title", "发票抬头", in.Invoice.Title, true, 100)
	text("invoice_tax_id", "税号", in.Invoice.TaxID, true, 20)
	if in.Invoice.TaxID != "" && !taxIDRE.MatchString(in.Invoice.TaxID) {
		addField(&fe, "invoice_tax_id", "税号“%s”格式不对：应为 15 到 20 位数字或大写字母。", in.Invoice.TaxID)
	}
	switch in.Invoice.Kind {
	case InvoiceOrdinary:
	case InvoiceSpecial:
		text("invoice_bank", "开户行", in.Invoice.Bank, true, 100)
		text("invoice_account", "银行账号", in.Invoice.Account, true, 40)
		text("invoice_address", "注册地址", in.Invoice.Address, true, 200)
		text("invoice_phone", "注册电话", in.Invoice.Phone, true, 20)
	default:
		addField(&fe, "invoice_kind", "请选择发票类型。")
	}
	return fieldErrors(fe, "下单")
}

// Placed is what a checkout placed.
type Placed struct {
	CheckoutID int64
	Reference  string         // the payment reference code (识别码)
	Total      zhenxing.Money // of every order
	State      string         // of every order: StateApproval or StateUnpaid
	PayBy      *time.Time     // the deadline of an unpaid checkout; nil while it waits for approval
	Orders     []PlacedOrder  // one per supplier
}

// PlacedOrder is one order of a checkout.
type PlacedOrder struct {
	ID     int64
	Number string
	Total  zhenxing.Money
}

// referenceAlphabet has no characters that read alike (0/O, 1/I/L).
const referenceAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// ReferenceLength is the length of a payment reference code.
const ReferenceLength = 8

func newReference() string {
	b := make([]byte, ReferenceLength)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = referenceAlphabet[int(b[i])%len(referenceAlphabet)]
	}
	return string(b)
}

// NormReference tidies a reference code as typed: spaces removed, letters upper-case.
func NormReference(s string) string {
	return strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
}

// cartItem is a cart line with its product, locked for the checkout.
type cartItem struct {
	p     catalog.Product
	qty   int
	price zhenxing.Money
	tier  int
}

// Place turns the buyer's cart into one order per supplier under one checkout, in one
// transaction: every line's stock is reserved, or none is. The cart is emptied of what was
// ordered. A checkout whose total is above the organisation's approval threshold, placed by a
// purchaser, waits for an administrator (StateApproval); any other is unpaid, due within the
// configured time.
//
// Errors: an organisation not yet approved (or a Buyer without a user or organisation) is
// EForbidden; bad input EInvalid wrapping catalog.FieldErrors; an address that is not the
// organisation's ENotFound; an empty cart, an unlisted product or a quantity the product no
// longer allows EInvalid; stock that ran out since the line was added EConflict. Each message
// says what to do, in Chinese; nothing is written then. Every attempt, placed or refused, counts
// against the buyer's Config.CheckoutRate: past it, the attempt is ETooMany, with a
// *db.RateLimitError cause.
func (c *Checkouts) Place(ctx context.Context, b Buyer, in CheckoutInput) (*Placed, error) {
	placed, err := c.tryPlace(ctx, b, in)
	if err != nil {
		// Nothing was written, the transaction's count of the attempt included: count it now.
		if lerr := c.db.limits.Allow(ctx, checkoutKey(b), c.db.cfg.CheckoutRate, c.db.now()); lerr != nil {
			return nil, lerr
		}
		return nil, err
	}
	return placed, nil
}

// checkoutKey is the key of the buyer's checkouts in the rate limits.
func checkoutKey(b Buyer) string { return "checkout:" + strconv.FormatInt(b.UserID, 10) }

func (c *Checkouts) tryPlace(ctx context.Context, b Buyer, in CheckoutInput) (*Placed, error) {
	if b.UserID <= 0 || b.OrganizationID <= 0 {
		return nil, zhenxing.Errorf(zhenxing.EForbidden, "请以采购单位的账号登录后下单。")
	}
	if !b.Approved {
		return nil, zhenxing.Errorf(zhenxing.EForbidden, "您的单位尚未通过审核，暂时不能下单。审核通过后即可提交采购单。")
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	// A new reference code that happens to be taken already fails the insert of the checkout
	// and rolls everything back: try again with another.
	for range 5 {
		placed, err := c.place(ctx, b, in)
		if !isUnique(err, "checkouts_reference_key") {
			return placed, err
		}
	}
	return nil, fmt.Errorf("insert checkout: no free reference code")
}

// place places the cart in two round trips (db.InTwoTrips): the first sets how the transaction is
// planned, counts the attempt against the buyer's limit and locks the cart's lines and products;
// the second writes the checkout, its orders with the delivery address copied, their lines and
// first events, the stock movements and the emptied cart in one statement, and commits.
func (c *Checkouts) place(ctx context.Context, b Buyer, in CheckoutInput) (*Placed, error) {
	var items []cartItem
	read := &pgx.Batch{}
	// The statement that writes is planned once per connection, not for every checkout, and
	// with index scans only: it touches a few rows of each table, but planned without its
	// arguments it would scan a small catalogue whole, every dead version of its stock
	// included.
	read.Queue(`SELECT set_config('plan_cache_mode', 'force_generic_plan', true), set_config('enable_seqscan', 'off', true)`)
	db.QueueUse(read, checkoutKey(b), c.db.cfg.CheckoutRate, c.db.now())
	// The cart lines and their products, locked in product id order (the order every change of
	// stock takes them in, so two checkouts never wait for each other in a circle).
	read.Queue(`SELECT `+productCols+`, c.quantity FROM cart_lines c JOIN products p ON p.id = c.product_id
		WHERE c.user_id = $1 ORDER BY p.id FOR UPDATE OF c, p`, b.UserID).Query(func(rows pgx.Rows) error {
		var err error
		items, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (cartItem, error) {
			var it cartItem
			err := row.Scan(append(productDest(&it.p), &it.qty)...)
			return it, err
		})
		return err
	})
	var placed *Placed
	err := db.InTwoTrips(ctx, c.db.pool, read, func() (*pgx.Batch, error) {
		var write *pgx.Batch
		var err error
		placed, write, err = c.prepare(b, in, items)
		return write, err
	})
	switch {
	case err == nil:
		return placed, nil
	case isCheck(err, "products_stock_check"):
		return nil, zhenxing.Errorf(zhenxing.EConflict, "库存不足，请修改数量后再提交。")
	case isNotNull(err, "orders", "recipient"):
		return nil, notFound("该收货地址不存在。")
	}
	return nil, fmt.Errorf("place checkout: %w", err)
}

// prepare checks the locked cart and returns what the checkout will place with the batch that
// writes it, whose callback fills in the ids and numbers of the orders.
func (c *Checkouts) prepare(b Buyer, in CheckoutInput, items []cartItem) (*Placed, *pgx.Batch, error) {
	if len(items) == 0 {
		return nil, nil, invalid("采购单是空的，请先选购产品。")
	}
	var total zhenxing.Money
	for i := range items {
		it := &items[i]
		if !it.p.Listed {
			return nil, nil, invalid("“%s”已下架，请先从采购单中删除。", it.p.Name)
		}
		if err := it.p.CheckQuantity(it.qty); err != nil {
			return nil, nil, err
		}
		if it.qty > it.p.Stock {
			return nil, nil, zhenxing.Errorf(zhenxing.EConflict, "“%s”库存不足：现有 %d%s，采购单中为 %d%s。请修改数量后再提交。",
				it.p.Name, it.p.Stock, it.p.Unit, it.qty, it.p.Unit)
		}
		it.price, it.tier = tierOf(&it.p, it.qty)
		total += it.price * zhenxing.Money(it.qty)
	}

	now := c.db.now()
	state, payBy := StateUnpaid, new(time.Time)
	*payBy = now.Add(c.db.cfg.PayWithin)
	note := "提交订单"
	if !b.Admin && b.ApprovalThreshold != nil && total > *b.ApprovalThreshold {
		state, payBy = StateApproval, nil
		note = "提交订单，金额超过本单位审批额度，等待管理员审批"
	}
	placed := &Placed{Reference: newReference(), Total: total, State: state, PayBy: payBy}

	// One order per supplier, suppliers in the order of their first product; the lines as
	// columns, each with its supplier.
	var suppliers, lineSuppliers, products []int64
	var names, specs, units []string
	var quantities, tiers []int
	var prices []zhenxing.Money
	at := map[int64]int{} // supplier id -> index in placed.Orders
	for _, it := range items {
		sid := it.p.SupplierID
		i, ok := at[sid]
		if !ok {
			i = len(placed.Orders)
			at[sid] = i
			suppliers = append(suppliers, sid)
			placed.Orders = append(placed.Orders, PlacedOrder{})
		}
		placed.Orders[i].Total += it.price * zhenxing.Money(it.qty)
		lineSuppliers, products = append(lineSuppliers, sid), append(products, it.p.ID)
		names, specs, units = append(names, it.p.Name), append(specs, it.p.Spec), append(units, it.p.Unit)
		quantities, prices, tiers = append(quantities, it.qty), append(prices, it.price), append(tiers, it.tier)
	}

	// The checkout; its orders, numbered by the Beijing date and the next of order_number_seq
	// (six digits at least), sent to the address chosen (one of the organisation's: another
	// leaves the recipient NULL, which orders refuses, and the statement fails), each with the
	// first event of its timeline; their lines, with the product as it is sold; the stock each
	// line takes (never below zero: products_stock_check) with its movement; and the cart
	// emptied of what was ordered.
	orderTotals := make([]zhenxing.Money, len(placed.Orders))
	for i, o := range placed.Orders {
		orderTotals[i] = o.Total
	}
	actor := b.actor()
	write := &pgx.Batch{}
	write.Queue(`WITH k AS (
			INSERT INTO checkouts (organization_id, user_id, reference, total, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id),
		s AS (
			SELECT supplier_id, total, nextval('order_number_seq') AS n
			FROM unnest($6::bigint[], $7::bigint[]) AS s (supplier_id, total)),
		o AS (
			INSERT INTO orders (number, checkout_id, organization_id, supplier_id, state, total,
				recipient, phone, address, invoice, purchase_ref, note, pay_by, created_at, updated_at)
			SELECT 'XF' || $8 || '-' || lpad(s.n::text, greatest(6, length(s.n::text)), '0'), k.id, $1, s.supplier_id,
				$9, s.total, a.recipient, a.phone, a.address, $11, $12, $13, $14, $5, $5
			FROM k CROSS JOIN s LEFT JOIN delivery_addresses a ON a.id = $10 AND a.organization_id = $1
			RETURNING id, number, supplier_id),
		e AS (
			INSERT INTO order_events (order_id, from_state, to_state, actor_id, actor_name, note, at)
			SELECT id, NULL, $9, $2, $15, $16, $5 FROM o),
		l AS (
			SELECT * FROM unnest($17::bigint[], $18::bigint[], $19::text[], $20::text[], $21::text[], $22::int[],
				$23::bigint[], $24::int[]) AS l (supplier_id, product_id, name, spec, unit, quantity, unit_price, tier_min_qty)),
		ol AS (
			INSERT INTO order_lines (order_id, product_id, name, spec, unit, quantity, unit_price, tier_min_qty, total)
			SELECT o.id, l.product_id, l.name, l.spec, l.unit, l.quantity, l.unit_price, l.tier_min_qty, l.unit_price * l.quantity
			FROM l JOIN o USING (supplier_id)),
		taken AS (
			UPDATE products p SET stock = p.stock - l.quantity FROM l WHERE p.id = l.product_id
			RETURNING p.id, p.stock, l.quantity, l.supplier_id),
		m AS (
			INSERT INTO stock_movements (product_id, delta, stock_after, reason, actor_id, actor_name, at)
			SELECT t.id, -t.quantity, t.stock, '订单 ' || o.number, $2, $15, $5 FROM taken t JOIN o USING (supplier_id)),
		d AS (
			DELETE FROM cart_lines WHERE user_id = $2 AND product_id = ANY($18))
		SELECT o.id, o.number, o.supplier_id, k.id FROM o, k`,
		b.OrganizationID, b.UserID, placed.Reference, total, now,
		suppliers, orderTotals, now.In(zhenxing.Beijing).Format("20060102"),
		state, in.AddressID, in.Invoice, in.PurchaseRef, in.Note, payBy,
		actor.Name, note,
		lineSuppliers, products, names, specs, units, quantities, prices, tiers).Query(func(rows pgx.Rows) error {
		var id, sid int64
		var number string
		_, err := pgx.ForEachRow(rows, []any{&id, &number, &sid, &placed.CheckoutID}, func() error {
			o := &placed.Orders[at[sid]]
			o.ID, o.Number = id, number
			return nil
		})
		if err != nil {
			return fmt.Errorf("insert orders: %w", err)
		}
		return nil
	})
	return placed, write, nil
}

// Checkout is a checkout with its orders, for the payment pages and the Stripe payment.
type Checkout struct {
	ID             int64
	OrganizationID int64
	Reference      string
	Total          zhenxing.Money
	Unpaid         zhenxing.Money // the total of its orders waiting for payment
	StripeSession  *string
	StripeAttempts int
	CreatedAt      time.Time
	Orders         []Summary
}

// Find returns the checkout with the reference code of the buyer's organisation, with its
// orders. An unknown code, or another organisation's, is ENotFound.
func (c *Checkouts) Find(ctx context.Context, orgID int64, reference string) (*Checkout, error) {
	return c.find(ctx, "k.reference = $1 AND k.organization_id = $2", NormReference(reference), orgID)
}

// ByID returns the checkout with the id, of any organisation, for staff and the Stripe payment.
// An unknown id is ENotFound.
func (c *Checkouts) ByID(ctx context.Context, id int64) (*Checkout, error) {
	return c.find(ctx, "k.id = $1", id)
}

// ByReference returns the checkout with the reference code, of any organisation, for staff and
// the Stripe payment. An unknown code is ENotFound.
func (c *Checkouts) ByReference(ctx context.Context, reference string) (*Checkout, error) {
	return c.find(ctx, "k.reference = $1", NormReference(reference))
}

func (c *Checkouts) find(ctx context.Context, where string, args ...any) (*Checkout, error) {
	var k Checkout
	err := c.db.pool.QueryRow(ctx, `SELECT k.id, k.organization_id, k.reference, k.total, k.stripe_session,
			k.stripe_attempts, k.created_at FROM checkouts k WHERE `+where, args...).
		Scan(&k.ID, &k.OrganizationID, &k.Reference, &k.Total, &k.StripeSession, &k.StripeAttempts, &k.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("没有找到这个付款识别码。")
	}
	if err != nil {
		return nil, fmt.Errorf("load checkout: %w", err)
	}
	k.Orders, err = listSummaries(ctx, c.db.pool, "o.checkout_id = $1 ORDER BY o.id", k.ID)
	if err != nil {
		return nil, err
	}
	for _, o := range k.Orders {
		if o.State == StateUnpaid {
			k.Unpaid += o.Total
		}
	}
	return &k, nil
}
