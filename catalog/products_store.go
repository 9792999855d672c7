package catalog

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"zhenxing"
	"zhenxing/internal/db"
)

// Products is the store of the hall's products: lookups, create, update and listing here, the
// listing itself in index.go. Stock and photos have their own stores.
type Products struct {
	db *catalogDB
}

const productColumns = `p.id, p.slug, p.name, p.category, p.county, p.township, p.supplier_id, p.spec, p.unit,
	p.price, p.tiers, p.min_qty, p.multiple, p.stock, p.season_start, p.season_end, p.flags, p.description,
	p.listed, p.created_at, p.updated_at, p.version`

// dest is where the columns of productColumns scan into.
func (p *Product) dest() []any {
	return []any{&p.ID, &p.Slug, &p.Name, &p.Category, &p.County, &p.Township, &p.SupplierID, &p.Spec,
		&p.Unit, &p.Price, &p.Tiers, &p.MinQty, &p.Multiple, &p.Stock, &p.SeasonStart, &p.SeasonEnd, &p.Flags,
		&p.Description, &p.Listed, &p.CreatedAt, &p.UpdatedAt, &p.Version}
}

func scanProduct(row pgx.Row, extra ...any) (*Product, error) {
	var p Product
	if err := row.Scan(append(p.dest(), extra...)...); err != nil {
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

// FindListed returns a product on sale with its supplier and photos, as the public sees it: an
// unknown slug and a product that is not listed are the same ENotFound error, so the public
// cannot tell an unlisted product from one that never existed.
func (s *Products) FindListed(ctx context.Context, slug string) (*ProductDetail, error) {
	d, err := s.Find(ctx, slug)
	if err == nil && !d.Listed || zhenxing.ErrorCode(err) == zhenxing.ENotFound {
		return nil, notFound("您查找的产品不存在或已下架。")
	}
	return d, err
}

// Find returns the product with its supplier and photos, listed or not, for the back office. An
// unknown slug is ENotFound.
func (s *Products) Find(ctx context.Context, slug string) (*ProductDetail, error) {
	p, err := findProduct(ctx, s.db.pool, "p.slug = $1", slug)
	if err != nil {
		return nil, err
	}
	sp, err := findSupplier(ctx, s.db.pool, "s.id = $1", p.SupplierID)
	if err != nil {
		return nil, err
	}
	photos, err := listPhotos(ctx, s.db.pool, p.ID)
	if err != nil {
		return nil, err
	}
	return &ProductDetail{Product: *p, Supplier: *sp, Photos: photos}, nil
}

// findProduct reads one product, locking it when where ends in FOR UPDATE inside a transaction.
// A missing product is ENotFound.
func findProduct(ctx context.Context, q querier, where string, arg any) (*Product, error) {
	p, err := scanProduct(q.QueryRow(ctx, `SELECT `+productColumns+` FROM products p WHERE `+where, arg))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("产品“%v”不存在。", arg)
	}
	if err != nil {
		return nil, fmt.Errorf("load product %v: %w", arg, err)
	}
	return p, nil
}

// Create adds a new product of the supplier with the slug supplierSlug and records it in the
// audit log under actor; p gets its ID, timestamps and version, and its stock becomes the first
// stock movement. Every field is validated first: a bad one, or an unknown supplier, is EInvalid
// wrapping FieldErrors. A slug another product holds is EConflict, with the problem on the slug
// field: creating never overwrites.
func (s *Products) Create(ctx context.Context, actor db.Actor, p *Product, supplierSlug string) error {
	if err := s.prepare(ctx, p, supplierSlug); err != nil {
		return err
	}
	return s.db.write(ctx, func(tx pgx.Tx) error {
		return createProduct(ctx, tx, actor, p, "")
	})
}

// Update saves the product named by p.Slug with every field of p but stock and listing, which
// keep their stored values (Stock.Adjust and SetListed change them), and records the change; p
// gets the stored ID, stock, listing, timestamps and the new version. p.Version must be the
// version the caller read: when the stored one differs (someone saved the product since), it is
// an EConflict error with ErrModified in its chain and nothing is written. A missing product is
// ENotFound; a bad field or an unknown supplier EInvalid wrapping FieldErrors. A save that
// changes nothing records nothing and keeps the version.
func (s *Products) Update(ctx context.Context, actor db.Actor, p *Product, supplierSlug string) error {
	if err := s.prepare(ctx, p, supplierSlug); err != nil {
		return err
	}
	return s.db.write(ctx, func(tx pgx.Tx) error {
		before, err := findProduct(ctx, tx, "p.slug = $1 FOR UPDATE", p.Slug)
		if err != nil {
			return err
		}
		if p.Version != before.Version {
			return modified("产品", before.Name)
		}
		p.Listed = before.Listed
		_, err = updateProduct(ctx, tx, actor, before, p, "")
		return err
	})
}

// prepare names p's supplier and normalizes and validates p.
func (s *Products) prepare(ctx context.Context, p *Product, supplierSlug string) error {
	sp, err := findSupplier(ctx, s.db.pool, "s.slug = $1", supplierSlug)
	switch {
	case zhenxing.ErrorCode(err) == zhenxing.ENotFound:
		return FieldErrors{{Field: "supplier", Message: fmt.Sprintf("供应商“%s”不存在", supplierSlug)}}.Err("商品")
	case err != nil:
		return err
	}
	p.SupplierID = sp.ID
	p.Normalize()
	return p.Validate()
}

func createProduct(ctx context.Context, tx pgx.Tx, actor db.Actor, p *Product, note string) error {
	err := tx.QueryRow(ctx, `INSERT INTO products (slug, name, category, county, township, supplier_id, spec, unit,
			price, tiers, min_qty, multiple, stock, season_start, season_end, flags, description, listed)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
		ON CONFLICT (slug) DO NOTHING
		RETURNING id, created_at, updated_at, version`,
		p.Slug, p.Name, p.Category, p.County, p.Township, p.SupplierID, p.Spec, p.Unit, p.Price, p.Tiers,
		p.MinQty, p.Multiple, p.Stock, p.SeasonStart, p.SeasonEnd, p.Flags, p.Description, p.Listed,
	).Scan(&p.ID, &p.CreatedAt, &p.UpdatedAt, &p.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		return slugTaken("产品", p.Slug)
	}
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

// updateProduct saves p over before (all but stock) when they differ, moving the version on,
// and reports whether it did.
func updateProduct(ctx context.Context, tx pgx.Tx, actor db.Actor, before, p *Product, note string) (bool, error) {
	p.ID, p.CreatedAt, p.Stock, p.Version = before.ID, before.CreatedAt, before.Stock, before.Version
	if sameProduct(before, p) {
		p.UpdatedAt = before.UpdatedAt
		return false, nil
	}
	err := tx.QueryRow(ctx, `UPDATE products SET slug = $2, name = $3, category = $4, county = $5, township = $6,
			supplier_id = $7, spec = $8, unit = $9, price = $10, tiers = $11, min_qty = $12, multiple = $13,
			season_start = $14, season_end = $15, flags = $16, description = $17, listed = $18, updated_at = now(),
			version = version + 1
		WHERE id = $1 RETURNING updated_at, version`,
		p.ID, p.Slug, p.Name, p.Category, p.County, p.Township, p.SupplierID, p.Spec, p.Unit, p.Price, p.Tiers,
		p.MinQty, p.Multiple, p.SeasonStart, p.SeasonEnd, p.Flags, p.Description, p.Listed,
	).Scan(&p.UpdatedAt, &p.Version)
	if err != nil {
		return false, dbError(err, "update product "+p.Slug)
	}
	return true, db.RecordAudit(ctx, tx, actor, "product.update", "product", p.Slug, before, p, note)
}

// sameProduct compares what updateProduct saves.
func sameProduct(a, b *Product) bool {
	return a.Slug == b.Slug && a.Name == b.Name && a.Category == b.Category && a.County == b.County &&
		a.Township == b.Township && a.SupplierID == b.SupplierID && a.Spec == b.Spec && a.Unit == b.Unit &&
		a.Price == b.Price && slices.Equal(a.Tiers, b.Tiers) && a.MinQty == b.MinQty && a.Multiple == b.Multiple &&
		a.SeasonStart == b.SeasonStart && a.SeasonEnd == b.SeasonEnd && slices.Equal(a.Flags, b.Flags) &&
		a.Description == b.Description && a.Listed == b.Listed
}

// SetListed puts the product on sale (listed) or takes it off, and records the change; the row
// version stays, so a form loaded before still saves. Listing a product that is already listed
// (or the reverse) records nothing. A missing product is ENotFound.
func (s *Products) SetListed(ctx context.Context, actor db.Actor, slug string, listed bool) error {
	return s.db.write(ctx, func(tx pgx.Tx) error {
		before, err := findProduct(ctx, tx, "p.slug = $1 FOR UPDATE", slug)
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
