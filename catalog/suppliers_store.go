package catalog

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"zhenxing"
	"zhenxing/internal/db"
)

// Suppliers is the store of the hall's suppliers: cooperatives, enterprises and family farms.
type Suppliers struct {
	db *catalogDB
}

const supplierColumns = `s.id, s.slug, s.name, s.kind, s.county, s.township, s.credit_code, s.cert_number,
	s.cert_date, s.cert_expiry, s.households, s.linkage, s.contact_name, s.contact_phone, s.description,
	s.created_at, s.updated_at, s.version`

func scanSupplier(row pgx.Row, extra ...any) (*Supplier, error) {
	var sp Supplier
	dest := append([]any{&sp.ID, &sp.Slug, &sp.Name, &sp.Kind, &sp.County, &sp.Township, &sp.CreditCode,
		&sp.CertNumber, &sp.CertDate, &sp.CertExpiry, &sp.Households, &sp.Linkage, &sp.ContactName,
		&sp.ContactPhone, &sp.Description, &sp.CreatedAt, &sp.UpdatedAt, &sp.Version}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	return &sp, nil
}

// Find returns the supplier with the slug. An unknown slug is ENotFound.
func (s *Suppliers) Find(ctx context.Context, slug string) (*Supplier, error) {
	return findSupplier(ctx, s.db.pool, "s.slug = $1", slug)
}

// FindByID returns the supplier with the ID. An unknown ID is ENotFound.
func (s *Suppliers) FindByID(ctx context.Context, id int64) (*Supplier, error) {
	return findSupplier(ctx, s.db.pool, "s.id = $1", id)
}

// findSupplier reads one supplier, locking it when where ends in FOR UPDATE inside a transaction.
func findSupplier(ctx context.Context, q querier, where string, arg any) (*Supplier, error) {
	sp, err := scanSupplier(q.QueryRow(ctx, `SELECT `+supplierColumns+` FROM suppliers s WHERE `+where, arg))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("供应商“%v”不存在。", arg)
	}
	if err != nil {
		return nil, fmt.Errorf("load supplier %v: %w", arg, err)
	}
	return sp, nil
}

// List returns every supplier by name; none is an empty list. It returns only database errors.
func (s *Suppliers) List(ctx context.Context) ([]Supplier, error) {
	rows, err := s.db.pool.Query(ctx, `SELECT `+supplierColumns+` FROM suppliers s ORDER BY s.name, s.id`)
	if err != nil {
		return nil, fmt.Errorf("list suppliers: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Supplier, error) {
		sp, err := scanSupplier(row)
		if err != nil {
			return Supplier{}, err
		}
		return *sp, nil
	})
}

// SupplierSummary is a supplier with the number of its products.
type SupplierSummary struct {
	Supplier
	Listed   int `json:"products"` // products on sale
	Products int `json:"-"`        // all its products, listed or not
}

// SupplierQuery selects suppliers; zero values mean any.
type SupplierQuery struct {
	County string
	Kind   string
}

// Summaries lists the suppliers q selects with their product counts: the paired county's first,
// then by name. An unknown county or kind selects none. It returns only database errors.
func (s *Suppliers) Summaries(ctx context.Context, q SupplierQuery) ([]SupplierSummary, error) {
	rows, err := s.db.pool.Query(ctx, `SELECT `+supplierColumns+`,
			(SELECT count(*) FROM products p WHERE p.supplier_id = s.id AND p.listed),
			(SELECT count(*) FROM products p WHERE p.supplier_id = s.id)
		FROM suppliers s
		WHERE ($1 = '' OR s.county = $1) AND ($2 = '' OR s.kind = $2)
		ORDER BY s.county <> '略阳县', s.name, s.id`, q.County, q.Kind)
	if err != nil {
		return nil, fmt.Errorf("list suppliers: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (SupplierSummary, error) {
		var sum SupplierSummary
		sp, err := scanSupplier(row, &sum.Listed, &sum.Products)
		if err != nil {
			return sum, err
		}
		sum.Supplier = *sp
		return sum, nil
	})
}

// Create adds a new supplier and records it in the audit log under actor; sup gets its ID,
// timestamps and version. Every field is validated first: a bad one is EInvalid wrapping
// FieldErrors (the credit code's check digit included). A slug or credit code another supplier
// holds is EConflict, with the slug's problem as a FieldError.
func (s *Suppliers) Create(ctx context.Context, actor db.Actor, sup *Supplier) error {
	sup.Normalize()
	if err := sup.Validate(); err != nil {
		return err
	}
	return s.db.write(ctx, func(tx pgx.Tx) error {
		return createSupplier(ctx, tx, actor, sup, "")
	})
}

// Update saves every field of the supplier named by sup.Slug and records the change; sup gets
// its stored ID, timestamps and new version. sup.Version must be the version the caller read:
// when the stored one differs (someone saved the supplier since), it is an EConflict error with
// ErrModified in its chain and nothing is written. A missing supplier is ENotFound, a bad field
// EInvalid wrapping FieldErrors, a credit code another supplier holds EConflict. A save that
// changes nothing records nothing and keeps the version.
func (s *Suppliers) Update(ctx context.Context, actor db.Actor, sup *Supplier) error {
	sup.Normalize()
	if err := sup.Validate(); err != nil {
		return err
	}
	return s.db.write(ctx, func(tx pgx.Tx) error {
		before, err := findSupplier(ctx, tx, "s.slug = $1 FOR UPDATE", sup.Slug)
		if err != nil {
			return err
		}
		if sup.Version != before.Version {
			return modified("供应商", before.Name)
		}
		_, err = updateSupplier(ctx, tx, actor, before, sup, "")
		return err
	})
}

func createSupplier(ctx context.Context, tx pgx.Tx, actor db.Actor, sp *Supplier, note string) error {
	err := tx.QueryRow(ctx, `INSERT INTO suppliers (slug, name, kind, county, township, credit_code, cert_number,
			cert_date, cert_expiry, households, linkage, contact_name, contact_phone, description)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		ON CONFLICT (slug) DO NOTHING
		RETURNING id, created_at, updated_at, version`,
		sp.Slug, sp.Name, sp.Kind, sp.County, sp.Township, sp.CreditCode, sp.CertNumber, sp.CertDate,
		sp.CertExpiry, sp.Households, sp.Linkage, sp.ContactName, sp.ContactPhone, sp.Description,
	).Scan(&sp.ID, &sp.CreatedAt, &sp.UpdatedAt, &sp.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		return slugTaken("供应商", sp.Slug)
	}
	if err != nil {
		return dbError(err, "insert supplier "+sp.Slug)
	}
	return db.RecordAudit(ctx, tx, actor, "supplier.create", "supplier", sp.Slug, nil, sp, note)
}

// slugTaken is the EConflict error of a create whose slug another record of the kind (供应商,
// 商品) holds, with the problem on the slug field.
func slugTaken(what, slug string) error {
	fe := FieldErrors{{Field: "slug", Message: fmt.Sprintf("网址标识“%s”已被其他%s使用", slug, what)}}
	return &zhenxing.Error{Code: zhenxing.EConflict, Message: what + "信息有误：" + fe[0].Message, Err: fe}
}

// updateSupplier saves sp over before when they differ, moving the version on, and reports
// whether it did.
func updateSupplier(ctx context.Context, tx pgx.Tx, actor db.Actor, before, sp *Supplier, note string) (bool, error) {
	sp.ID, sp.CreatedAt, sp.Version = before.ID, before.CreatedAt, before.Version
	if sameSupplier(before, sp) {
		sp.UpdatedAt = before.UpdatedAt
		return false, nil
	}
	err := tx.QueryRow(ctx, `UPDATE suppliers SET slug = $2, name = $3, kind = $4, county = $5, township = $6,
			credit_code = $7, cert_number = $8, cert_date = $9, cert_expiry = $10, households = $11,
			linkage = $12, contact_name = $13, contact_phone = $14, description = $15, updated_at = now(),
			version = version + 1
		WHERE id = $1 RETURNING updated_at, version`,
		sp.ID, sp.Slug, sp.Name, sp.Kind, sp.County, sp.Township, sp.CreditCode, sp.CertNumber, sp.CertDate,
		sp.CertExpiry, sp.Households, sp.Linkage, sp.ContactName, sp.ContactPhone, sp.Description,
	).Scan(&sp.UpdatedAt, &sp.Version)
	if err != nil {
		return false, dbError(err, "update supplier "+sp.Slug)
	}
	return true, db.RecordAudit(ctx, tx, actor, "supplier.update", "supplier", sp.Slug, before, sp, note)
}

func sameSupplier(a, b *Supplier) bool {
	return a.Slug == b.Slug && a.Name == b.Name && a.Kind == b.Kind && a.County == b.County &&
		a.Township == b.Township && a.CreditCode == b.CreditCode && a.CertNumber == b.CertNumber &&
		sameDate(a.CertDate, b.CertDate) && sameDate(a.CertExpiry, b.CertExpiry) &&
		a.Households == b.Households && a.Linkage == b.Linkage && a.ContactName == b.ContactName &&
		a.ContactPhone == b.ContactPhone && a.Description == b.Description
}

// sameDate compares two optional dates by calendar day, whatever their zones.
func sameDate(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}
