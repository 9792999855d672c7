package catalog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
	"zhenxing/internal/db"

	"github.com/jackc/pgx/v5"

	"zhenxing"
)

const productColumns = `p.id, p.slug, p.name, p.category, p.county, p.township, p.supplier_id, p.spec, p.unit,
	p.price, p.tiers, p.min_qty, p.multiple, p.stock, p.season_start, p.season_end, p.flags, p.description,
	p.listed, p.created_at, p.updated_at`

func scanProduct(row pgx.Row, extra ...any) (*Product, error) {
	var p Product
	dest := append([]any{&p.ID, &p.Slug, &p.Name, &p.Category, &p.County, &p.Township, &p.SupplierID, &p.Spec,
		&p.Unit, &p.Price, &p.Tiers, &p.MinQty, &p.Multiple, &p.Stock, &p.SeasonStart, &p.SeasonEnd, &p.Flags,
		&p.Description, &p.Listed, &p.CreatedAt, &p.UpdatedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	return &p, nil
}

// ProductDetail is a product with its supplier and photos, for the product's page.
type ProductDetail struct {
	Product
	Supplier Supplier `json:"supplier"`
	Photos   []Photo  `json:"photos"` // cover first; empty when none
}

// Product returns the product with its supplier and photos, listed or not (public pages check
// Listed), or an ENotFound error.
func (s *Store) Product(ctx context.Context, slug string) (*ProductDetail, error) {
	p, err := s.ProductBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	sp, err := s.SupplierByID(ctx, p.SupplierID)
	if err != nil {
		return nil, err
	}
	photos, err := s.ProductPhotos(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	return &ProductDetail{Product: *p, Supplier: *sp, Photos: photos}, nil
}

// ProductBySlug returns the product alone, listed or not, or an ENotFound error.
func (s *Store) ProductBySlug(ctx context.Context, slug string) (*Product, error) {
	p, err := scanProduct(s.pool.QueryRow(ctx, `SELECT `+productColumns+` FROM products p WHERE p.slug = $1`, slug))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("商品“%s”不存在或已下架。", slug)
	}
	if err != nil {
		return nil, fmt.Errorf("load product %s: %w", slug, err)
	}
	return p, nil
}

// SaveProduct creates the product or, when its slug exists, updates it like UpdateProduct (stock
// untouched); supplierSlug names its supplier (an unknown one is EInvalid). It validates
// everything and records the change; p gets its ID, timestamps and stored stock.
func (s *Store) SaveProduct(ctx context.Context, actor db.Actor, p *Product, supplierSlug string) error {
	sp, err := s.Supplier(ctx, supplierSlug)
	switch {
	case zhenxing.ErrorCode(err) == zhenxing.ENotFound:
		return FieldErrors{{Field: "supplier", Message: fmt.Sprintf("供应商“%s”不存在", supplierSlug)}}.err("商品")
	case err != nil:
		return err
	}
	p.SupplierID = sp.ID
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		before, err := lockProductSlug(ctx, tx, p.Slug)
		if zhenxing.ErrorCode(err) == zhenxing.ENotFound {
			return createProduct(ctx, tx, actor, p, "")
		}
		if err != nil {
			return err
		}
		_, err = updateProduct(ctx, tx, actor, before, p, "")
		return err
	})
}

func createProduct(ctx context.Context, tx pgx.Tx, actor db.Actor, p *Product, note string) error {
	err := tx.QueryRow(ctx, `INSERT INTO products (slug, name, category, county, township, supplier_id, spec, unit,
			price, tiers, min_qty, multiple, stock, season_start, season_end, flags, description, listed)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
		RETURNING id, created_at, updated_at`,
		p.Slug, p.Name, p.Category, p.County, p.Township, p.SupplierID, p.Spec, p.Unit, p.Price, p.Tiers,
		p.MinQty, p.Multiple, p.Stock, p.SeasonStart, p.SeasonEnd, p.Flags, p.Description, p.Listed,
	).Scan(&p.ID, &p.CreatedAt, &p.UpdatedAt)
	if err != nil {
		return dbError(err, "insert product "+p.Slug)
	}
	if p.Stock > 0 {
		if err := recordMovement(ctx, tx, actor, p.ID, p.Stock, p.Stock, "初始库存"); err != nil {
			return err
		}
	}
	return db.RecordAudit(ctx, tx, actor, "product.create", "product", p.Slug, nil, p, note)
}

// UpdateProduct validates p and saves every field of the product whose ID it carries, except
// stock, which only AdjustStock changes (p.Stock gets the stored value back). When p.UpdatedAt is
// set and the stored product has changed since, it is an EConflict error (two staff editing at
// once). A missing product is ENotFound. A save that changes nothing records nothing.
func (s *Store) UpdateProduct(ctx context.Context, actor db.Actor, p *Product) error {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		before, err := lockProduct(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		if !p.UpdatedAt.IsZero() && !p.UpdatedAt.Equal(before.UpdatedAt) {
			return zhenxing.Errorf(zhenxing.EConflict, "商品“%s”已被他人修改，请重新打开后再编辑。", before.Name)
		}
		_, err = updateProduct(ctx, tx, actor, before, p, "")
		return err
	})
}

func lockProduct(ctx context.Context, tx pgx.Tx, id int64) (*Product, error) {
	return lockProductWhere(ctx, tx, "p.id = $1", id)
}

func lockProductSlug(ctx context.Context, tx pgx.Tx, slug string) (*Product, error) {
	return lockProductWhere(ctx, tx, "p.slug = $1", slug)
}

func lockProductWhere(ctx context.Context, tx pgx.Tx, where string, arg any) (*Product, error) {
	p, err := scanProduct(tx.QueryRow(ctx, `SELECT `+productColumns+` FROM products p WHERE `+where+` FOR UPDATE`, arg))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("商品“%v”不存在。", arg)
	}
	if err != nil {
		return nil, fmt.Errorf("lock product %v: %w", arg, err)
	}
	return p, nil
}

// updateProduct saves p over before (all but stock) when they differ and reports whether it did.
func updateProduct(ctx context.Context, tx pgx.Tx, actor db.Actor, before, p *Product, note string) (bool, error) {
	p.ID, p.CreatedAt, p.Stock = before.ID, before.CreatedAt, before.Stock
	if sameProduct(before, p) {
		p.UpdatedAt = before.UpdatedAt
		return false, nil
	}
	err := tx.QueryRow(ctx, `UPDATE products SET slug = $2, name = $3, category = $4, county = $5, township = $6,
			supplier_id = $7, spec = $8, unit = $9, price = $10, tiers = $11, min_qty = $12, multiple = $13,
			season_start = $14, season_end = $15, flags = $16, description = $17, listed = $18, updated_at = now()
		WHERE id = $1 RETURNING updated_at`,
		p.ID, p.Slug, p.Name, p.Category, p.County, p.Township, p.SupplierID, p.Spec, p.Unit, p.Price, p.Tiers,
		p.MinQty, p.Multiple, p.SeasonStart, p.SeasonEnd, p.Flags, p.Description, p.Listed,
	).Scan(&p.UpdatedAt)
	if err != nil {
		return false, dbError(err, "update product "+p.Slug)
	}
	return true, db.RecordAudit(ctx, tx, actor, "product.update", "product", p.Slug, before, p, note)
}

// sameProduct compares what UpdateProduct saves.
func sameProduct(a, b *Product) bool {
	return a.Slug == b.Slug && a.Name == b.Name && a.Category == b.Category && a.County == b.County &&
		a.Township == b.Township && a.SupplierID == b.SupplierID && a.Spec == b.Spec && a.Unit == b.Unit &&
		a.Price == b.Price && slices.Equal(a.Tiers, b.Tiers) && a.MinQty == b.MinQty && a.Multiple == b.Multiple &&
		a.SeasonStart == b.SeasonStart && a.SeasonEnd == b.SeasonEnd && slices.Equal(a.Flags, b.Flags) &&
		a.Description == b.Description && a.Listed == b.Listed
}

// SetListed puts the product on sale (listed) or takes it off, and records the change. Listing a
// product that is already listed (or the reverse) records nothing. A missing product is ENotFound.
func (s *Store) SetListed(ctx context.Context, actor db.Actor, slug string, listed bool) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		before, err := lockProductSlug(ctx, tx, slug)
		if err != nil {
			return err
		}
		if before.Listed == listed {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE products SET listed = $2, updated_at = now() WHERE id = $1`, before.ID, listed); err != nil {
			return dbError(err, "set listed")
		}
		action := "product.unlist"
		if listed {
			action = "product.list"
		}
		return db.RecordAudit(ctx, tx, actor, action, "product", before.Slug,
			map[string]bool{"listed": before.Listed}, map[string]bool{"listed": listed}, "")
	})
}

// MaxStockDelta bounds one stock adjustment.
const MaxStockDelta = 1_000_000

// AdjustStock adds delta (negative to take stock away) to the product's stock, records the
// movement with its reason and the audit entry, and returns the new stock. Stock never goes below
// zero whatever the concurrency: an adjustment that would is an EConflict error and changes
// nothing. A missing reason or a zero delta is EInvalid, a missing product ENotFound.
func (s *Store) AdjustStock(ctx context.Context, actor db.Actor, slug string, delta int, reason string) (int, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case delta == 0:
		return 0, zhenxing.Errorf(zhenxing.EInvalid, "调整数量不能为 0。")
	case delta > MaxStockDelta || delta < -MaxStockDelta:
		return 0, zhenxing.Errorf(zhenxing.EInvalid, "一次调整不能超过 %d。", MaxStockDelta)
	case reason == "":
		return 0, zhenxing.Errorf(zhenxing.EInvalid, "请填写调整库存的原因。")
	case utf8.RuneCountInString(reason) > 200:
		return 0, zhenxing.Errorf(zhenxing.EInvalid, "原因不能超过 200 个字。")
	}
	var id int64
	if err := s.pool.QueryRow(ctx, `SELECT id FROM products WHERE slug = $1`, slug).Scan(&id); errors.Is(err, pgx.ErrNoRows) {
		return 0, notFound("商品“%s”不存在。", slug)
	} else if err != nil {
		return 0, fmt.Errorf("find product %q: %w", slug, err)
	}
	var after int
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		after, err = adjustStock(ctx, tx, actor, id, delta, reason, "")
		return err
	})
	return after, err
}

// adjustStock is the conditional update behind AdjustStock: the row lock taken by UPDATE
// serializes concurrent adjustments, and the condition is evaluated again on the locked row.
func adjustStock(ctx context.Context, tx pgx.Tx, actor db.Actor, id int64, delta int, reason, note string) (int, error) {
	var after int
	var slug string
	err := tx.QueryRow(ctx, `UPDATE products SET stock = stock + $2 WHERE id = $1 AND stock + $2 >= 0
		RETURNING stock, slug`, id, delta).Scan(&after, &slug)
	if errors.Is(err, pgx.ErrNoRows) {
		var stock int
		var name, unit string
		err := tx.QueryRow(ctx, `SELECT stock, name, unit FROM products WHERE id = $1`, id).Scan(&stock, &name, &unit)
		if errors.Is(err, pgx.ErrNoRows) {
			return 0, notFound("商品不存在。")
		}
		if err != nil {
			return 0, fmt.Errorf("read stock: %w", err)
		}
		return 0, zhenxing.Errorf(zhenxing.EConflict, "“%s”库存不足：现有 %d%s，不能减少 %d%s。", name, stock, unit, -delta, unit)
	}
	if err != nil {
		return 0, dbError(err, "adjust stock")
	}
	if err := recordMovement(ctx, tx, actor, id, delta, after, reason); err != nil {
		return 0, err
	}
	if note == "" {
		note = reason
	}
	err = db.RecordAudit(ctx, tx, actor, "product.stock", "product", slug,
		map[string]int{"stock": after - delta}, map[string]int{"stock": after}, note)
	return after, err
}

func recordMovement(ctx context.Context, tx pgx.Tx, actor db.Actor, productID int64, delta, after int, reason string) error {
	var actorID *int64
	if actor.ID != 0 {
		actorID = &actor.ID
	}
	_, err := tx.Exec(ctx, `INSERT INTO stock_movements (product_id, delta, stock_after, reason, actor_id, actor_name)
		VALUES ($1, $2, $3, $4, $5, $6)`, productID, delta, after, reason, actorID, actor.Name)
	if err != nil {
		return fmt.Errorf("record stock movement: %w", err)
	}
	return nil
}

// StockMovement is one change of a product's stock.
type StockMovement struct {
	ID         int64     `json:"id"`
	ProductID  int64     `json:"-"`
	Delta      int       `json:"delta"`
	StockAfter int       `json:"stock_after"`
	Reason     string    `json:"reason"`
	ActorID    *int64    `json:"-"`
	ActorName  string    `json:"actor_name"`
	At         time.Time `json:"at"`
}

// StockMovements lists the product's stock movements, latest first (in the order the row lock
// serialized them); limit 0 means 50.
func (s *Store) StockMovements(ctx context.Context, productID int64, limit int) ([]StockMovement, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := s.pool.Query(ctx, `SELECT id, product_id, delta, stock_after, reason, actor_id, actor_name, at
		FROM stock_movements WHERE product_id = $1 ORDER BY id DESC LIMIT $2`, productID, limit)
	if err != nil {
		return nil, fmt.Errorf("list stock movements: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (StockMovement, error) {
		var m StockMovement
		err := row.Scan(&m.ID, &m.ProductID, &m.Delta, &m.StockAfter, &m.Reason, &m.ActorID, &m.ActorName, &m.At)
		return m, err
	})
}
