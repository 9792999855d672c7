package order

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"zhenxing"
	"zhenxing/catalog"
)

// Carts is the store of the buyers' carts (采购单): one per user, in PostgreSQL, so it survives
// logins and replicas.
type Carts struct {
	db *orderDB
}

// MaxQuantity bounds the quantity of one cart line.
const MaxQuantity = 1_000_000

// ParseQuantity reads a quantity as typed in a form: a positive whole number, full-width digits
// allowed. An empty, zero, negative, non-integer or too large quantity is EInvalid with a Chinese
// message that quotes the input.
func ParseQuantity(s string) (int, error) {
	t := strings.TrimSpace(strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return '0' + (r - '０')
		}
		return r
	}, s))
	if t == "" {
		return 0, invalid("请填写数量。")
	}
	neg := strings.HasPrefix(t, "-") || strings.HasPrefix(t, "－")
	body := strings.TrimLeft(t, "+-－")
	if body == "" || !allDigits(body) {
		if neg && body != "" && isNumber(body) {
			return 0, invalid("数量“%s”无效：数量必须大于 0。", s)
		}
		return 0, invalid("数量“%s”无效，请填写整数，如 10。", s)
	}
	body = strings.TrimLeft(body, "0")
	if len(body) > 7 {
		return 0, invalid("数量“%s”过大：一次最多订购 %d。", s, MaxQuantity)
	}
	n, _ := strconv.Atoi("0" + body)
	switch {
	case neg && n > 0:
		return 0, invalid("数量“%s”无效：数量必须大于 0。", s)
	case n == 0:
		return 0, invalid("数量不能为 0。")
	case n > MaxQuantity:
		return 0, invalid("数量“%s”过大：一次最多订购 %d。", s, MaxQuantity)
	}
	return n, nil
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// CartLine is one product in a cart, priced at today's price for its quantity.
type CartLine struct {
	ProductID    int64
	Slug         string
	Name         string
	Spec         string
	Unit         string
	SupplierID   int64
	SupplierName string
	Quantity     int
	MinQty       int
	Multiple     int
	Stock        int
	UnitPrice    zhenxing.Money // the price of one unit at this quantity
	TierMinQty   int            // the quantity from which UnitPrice applies
	Tiered       bool           // a bulk price (a tier below the base price) applies
	Total        zhenxing.Money
	PriceAtAdd   zhenxing.Money // the unit price when the line was added or last changed
	PriceChanged bool           // UnitPrice differs from PriceAtAdd
	Unlisted     bool           // the product was taken off sale: the line cannot be ordered
	Problem      string         // why the line cannot be ordered as it is, in Chinese; "" when it can
	AddedAt      time.Time
}

// Cart is a user's cart.
type Cart struct {
	Lines     []CartLine     // by supplier, then product name
	Total     zhenxing.Money // of every line, at today's prices
	Orderable bool           // there is a line and every line can be ordered
}

// tierOf is the unit price of qty units of p and the quantity of the tier it belongs to: the
// highest tier whose MinQty is at most qty, else the base price from the minimum order.
func tierOf(p *catalog.Product, qty int) (zhenxing.Money, int) {
	price, from := p.Price, max(p.MinQty, 1)
	for _, t := range p.Tiers {
		if qty >= t.MinQty {
			price, from = t.Price, max(t.MinQty, max(p.MinQty, 1))
		}
	}
	return price, from
}

// checkQuantity checks qty units of p against its minimum order, multiple and stock.
func checkQuantity(p *catalog.Product, qty int) error {
	if err := p.CheckQuantity(qty); err != nil {
		return err
	}
	if qty > p.Stock {
		return invalid("“%s”库存不足：现有 %d%s，您要订 %d%s。", p.Name, p.Stock, p.Unit, qty, p.Unit)
	}
	return nil
}

const productCols = `p.id, p.slug, p.name, p.supplier_id, p.spec, p.unit, p.price, p.tiers, p.min_qty, p.multiple, p.stock, p.listed`

func productDest(p *catalog.Product) []any {
	return []any{&p.ID, &p.Slug, &p.Name, &p.SupplierID, &p.Spec, &p.Unit, &p.Price, &p.Tiers, &p.MinQty, &p.Multiple, &p.Stock, &p.Listed}
}

// findProduct reads the product with the slug; a missing one is ENotFound.
func findProduct(ctx context.Context, q pgx.Tx, slug string) (*catalog.Product, error) {
	var p catalog.Product
	err := q.QueryRow(ctx, `SELECT `+productCols+` FROM products p WHERE p.slug = $1`, slug).Scan(productDest(&p)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("产品不存在或已下架，不能加入采购单。")
	}
	if err != nil {
		return nil, fmt.Errorf("load product %q: %w", slug, err)
	}
	return &p, nil
}

// Add puts qty (as typed) units of the product with the slug into the user's cart, on top of
// what the cart holds of it, and returns the line's new quantity. The total is checked against
// the minimum order, the multiple and the stock: a bad quantity is EInvalid with a message
// naming the numbers. An unknown or unlisted product is ENotFound; no user (0) EUnauthorized.
func (c *Carts) Add(ctx context.Context, userID int64, slug, qty string) (int, error) {
	if userID <= 0 {
		return 0, signIn()
	}
	n, err := ParseQuantity(qty)
	if err != nil {
		return 0, err
	}
	var total int
	err = pgx.BeginFunc(ctx, c.db.pool, func(tx pgx.Tx) error {
		p, err := findProduct(ctx, tx, slug)
		if err != nil {
			return err
		}
		if !p.Listed {
			return notFound("产品不存在或已下架，不能加入采购单。")
		}
		var have int
		err = tx.QueryRow(ctx, `SELECT quantity FROM cart_lines WHERE user_id = $1 AND product_id = $2 FOR UPDATE`,
			userID, p.ID).Scan(&have)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("read cart line: %w", err)
		}
		total = have + n
		if total > MaxQuantity {
			return invalid("“%s”一次最多订购 %d%s。", p.Name, MaxQuantity, p.Unit)
		}
		if err := checkQuantity(p, total); err != nil {
			if have > 0 {
				return invalid("采购单中已有 %d%s，再加 %d%s后：%s", have, p.Unit, n, p.Unit, zhenxing.ErrorMessage(err))
			}
			return err
		}
		return c.put(ctx, tx, userID, p, total)
	})
	return total, err
}

// put stores the line with the unit price of its quantity as the price it was added at.
func (c *Carts) put(ctx context.Context, tx pgx.Tx, userID int64, p *catalog.Product, qty int) error {
	price, _ := tierOf(p, qty)
	_, err := tx.Exec(ctx, `INSERT INTO cart_lines (user_id, product_id, quantity, price_at_add, added_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5)
		ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = excluded.quantity,
			price_at_add = excluded.price_at_add, updated_at = excluded.updated_at`,
		userID, p.ID, qty, price, c.db.now())
	if err != nil {
		return fmt.Errorf("save cart line: %w", err)
	}
	return nil
}

// SetQuantity changes the quantity (as typed) of the product with the slug in the user's cart,
// checked as Add checks it (EInvalid). A product that is not in the cart is ENotFound; one that
// was unlisted since is EInvalid: it can only be removed. No user (0) is EUnauthorized.
func (c *Carts) SetQuantity(ctx context.Context, userID int64, slug, qty string) error {
	if userID <= 0 {
		return signIn()
	}
	n, err := ParseQuantity(qty)
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, c.db.pool, func(tx pgx.Tx) error {
		var p catalog.Product
		err := tx.QueryRow(ctx, `SELECT `+productCols+` FROM cart_lines c JOIN products p ON p.id = c.product_id
			WHERE c.user_id = $1 AND p.slug = $2 FOR UPDATE OF c`, userID, slug).Scan(productDest(&p)...)
		if errors.Is(err, pgx.ErrNoRows) {
			return notFound("采购单中没有这个产品。")
		}
		if err != nil {
			return fmt.Errorf("read cart line: %w", err)
		}
		if !p.Listed {
			return invalid("“%s”已下架，只能从采购单中删除。", p.Name)
		}
		if err := checkQuantity(&p, n); err != nil {
			return err
		}
		return c.put(ctx, tx, userID, &p, n)
	})
}

// Remove takes the product with the slug out of the user's cart. Removing a product the cart
// does not hold changes nothing and is not an error. It returns only database errors.
func (c *Carts) Remove(ctx context.Context, userID int64, slug string) error {
	_, err := c.db.pool.Exec(ctx, `DELETE FROM cart_lines c USING products p
		WHERE p.id = c.product_id AND c.user_id = $1 AND p.slug = $2`, userID, slug)
	if err != nil {
		return fmt.Errorf("remove cart line: %w", err)
	}
	return nil
}

// Clear empties the user's cart. It returns only database errors.
func (c *Carts) Clear(ctx context.Context, userID int64) error {
	if _, err := c.db.pool.Exec(ctx, `DELETE FROM cart_lines WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("clear cart: %w", err)
	}
	return nil
}

// Count is the number of lines in the user's cart, for the header. It returns only database
// errors.
func (c *Carts) Count(ctx context.Context, userID int64) (int, error) {
	var n int
	if err := c.db.pool.QueryRow(ctx, `SELECT count(*) FROM cart_lines WHERE user_id = $1`, userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count cart lines: %w", err)
	}
	return n, nil
}

// Get returns the user's cart priced at today's prices, each line saying whether it can be
// ordered. An empty cart is a Cart with no lines. It returns only database errors.
func (c *Carts) Get(ctx context.Context, userID int64) (*Cart, error) {
	rows, err := c.db.pool.Query(ctx, `SELECT `+productCols+`, s.name, c.quantity, c.price_at_add, c.added_at
		FROM cart_lines c JOIN products p ON p.id = c.product_id JOIN suppliers s ON s.id = p.supplier_id
		WHERE c.user_id = $1 ORDER BY s.name, s.id, p.name, p.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list cart: %w", err)
	}
	lines, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (CartLine, error) {
		var p catalog.Product
		var l CartLine
		err := row.Scan(append(productDest(&p), &l.SupplierName, &l.Quantity, &l.PriceAtAdd, &l.AddedAt)...)
		if err != nil {
			return l, err
		}
		fillLine(&l, &p)
		return l, nil
	})
	if err != nil {
		return nil, fmt.Errorf("list cart: %w", err)
	}
	cart := &Cart{Lines: lines, Orderable: len(lines) > 0}
	for _, l := range lines {
		cart.Total += l.Total
		if l.Problem != "" {
			cart.Orderable = false
		}
	}
	return cart, nil
}

// fillLine prices the line from the product and says what stands in the way of ordering it.
func fillLine(l *CartLine, p *catalog.Product) {
	l.ProductID, l.Slug, l.Name, l.Spec, l.Unit, l.SupplierID = p.ID, p.Slug, p.Name, p.Spec, p.Unit, p.SupplierID
	l.MinQty, l.Multiple, l.Stock = p.MinQty, p.Multiple, p.Stock
	l.UnitPrice, l.TierMinQty = tierOf(p, l.Quantity)
	l.Tiered = l.UnitPrice < p.Price
	l.Total = l.UnitPrice * zhenxing.Money(l.Quantity)
	l.PriceChanged = l.UnitPrice != l.PriceAtAdd
	l.Unlisted = !p.Listed
	switch {
	case l.Unlisted:
		l.Problem = "该产品已下架，不能下单，请从采购单中删除。"
	default:
		if err := checkQuantity(p, l.Quantity); err != nil {
			l.Problem = zhenxing.ErrorMessage(err)
		}
	}
}

// PriceNote says in Chinese how the unit price changed since the line was added, "" when it did
// not.
func (l CartLine) PriceNote() string {
	if !l.PriceChanged {
		return ""
	}
	return fmt.Sprintf("加入采购单后单价由 %s调整为 %s。", l.PriceAtAdd, l.UnitPrice)
}

func signIn() error {
	return zhenxing.Errorf(zhenxing.EUnauthorized, "请先登录采购单位的账号。")
}
