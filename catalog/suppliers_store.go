package catalog

import (
	"context"
	"errors"
	"fmt"
	"time"
	"zhenxing/internal/db"

	"github.com/jackc/pgx/v5"
)

const supplierColumns = `s.id, s.slug, s.name, s.kind, s.county, s.township, s.credit_code, s.cert_number,
	s.cert_date, s.cert_expiry, s.households, s.linkage, s.contact_name, s.contact_phone, s.description,
	s.created_at, s.updated_at`

func scanSupplier(row pgx.Row, extra ...any) (*Supplier, error) {
	var sp Supplier
	dest := append([]any{&sp.ID, &sp.Slug, &sp.Name, &sp.Kind, &sp.County, &sp.Township, &sp.CreditCode,
		&sp.CertNumber, &sp.CertDate, &sp.CertExpiry, &sp.Households, &sp.Linkage, &sp.ContactName,
		&sp.ContactPhone, &sp.Description, &sp.CreatedAt, &sp.UpdatedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	return &sp, nil
}

// Supplier returns the supplier, or an ENotFound error.
func (s *Store) Supplier(ctx context.Context, slug string) (*Supplier, error) {
	return s.supplierWhere(ctx, "s.slug = $1", slug)
}

// SupplierByID returns the supplier, or an ENotFound error.
func (s *Store) SupplierByID(ctx context.Context, id int64) (*Supplier, error) {
	return s.supplierWhere(ctx, "s.id = $1", id)
}

func (s *Store) supplierWhere(ctx context.Context, where string, arg any) (*Supplier, error) {
	sp, err := scanSupplier(s.pool.QueryRow(ctx, `SELECT `+supplierColumns+` FROM suppliers s WHERE `+where, arg))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("供应商“%v”不存在。", arg)
	}
	if err != nil {
		return nil, fmt.Errorf("load supplier %v: %w", arg, err)
	}
	return sp, nil
}

// Suppliers lists every supplier by name.
func (s *Store) Suppliers(ctx context.Context) ([]Supplier, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+supplierColumns+` FROM suppliers s ORDER BY s.name, s.id`)
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

// ValidateCreditCode is CheckCreditCode, for callers that hold a store.
func (s *Store) ValidateCreditCode(code string) error { return CheckCreditCode(code) }

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

// SupplierSummaries lists suppliers with their product counts: the paired county's first, then by
// name.
func (s *Store) SupplierSummaries(ctx context.Context, q SupplierQuery) ([]SupplierSummary, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+supplierColumns+`,
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

// SaveSupplier creates the supplier or, when its slug exists, updates it (a save that changes
// nothing records nothing). It validates every field (EInvalid with a Chinese message naming the
// field, the credit code's check digit included) and records the change; sup gets its ID and
// timestamps. A credit code another supplier holds is EConflict.
func (s *Store) SaveSupplier(ctx context.Context, actor db.Actor, sup *Supplier) error {
	sup.Normalize()
	if err := sup.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		before, err := scanSupplier(tx.QueryRow(ctx, `SELECT `+supplierColumns+` FROM suppliers s WHERE s.slug = $1 FOR UPDATE`, sup.Slug))
		if errors.Is(err, pgx.ErrNoRows) {
			return createSupplier(ctx, tx, actor, sup, "")
		}
		if err != nil {
			return fmt.Errorf("lock supplier %q: %w", sup.Slug, err)
		}
		_, err = updateSupplier(ctx, tx, actor, before, sup, "")
		return err
	})
}

func createSupplier(ctx context.Context, tx pgx.Tx, actor db.Actor, sp *Supplier, note string) error {
	err := tx.QueryRow(ctx, `INSERT INTO suppliers (slug, name, kind, county, township, credit_code, cert_number,
			cert_date, cert_expiry, households, linkage, contact_name, contact_phone, description)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		RETURNING id, created_at, updated_at`,
		sp.Slug, sp.Name, sp.Kind, sp.County, sp.Township, sp.CreditCode, sp.CertNumber, sp.CertDate,
		sp.CertExpiry, sp.Households, sp.Linkage, sp.ContactName, sp.ContactPhone, sp.Description,
	).Scan(&sp.ID, &sp.CreatedAt, &sp.UpdatedAt)
	if err != nil {
		return dbError(err, "insert supplier "+sp.Slug)
	}
	return db.RecordAudit(ctx, tx, actor, "supplier.create", "supplier", sp.Slug, nil, sp, note)
}

// updateSupplier saves sp over before when they differ and reports whether it did.
func updateSupplier(ctx context.Context, tx pgx.Tx, actor db.Actor, before, sp *Supplier, note string) (bool, error) {
	sp.ID, sp.CreatedAt = before.ID, before.CreatedAt
	if sameSupplier(before, sp) {
		sp.UpdatedAt = before.UpdatedAt
		return false, nil
	}
	err := tx.QueryRow(ctx, `UPDATE suppliers SET slug = $2, name = $3, kind = $4, county = $5, township = $6,
			credit_code = $7, cert_number = $8, cert_date = $9, cert_expiry = $10, households = $11,
			linkage = $12, contact_name = $13, contact_phone = $14, description = $15, updated_at = now()
		WHERE id = $1 RETURNING updated_at`,
		sp.ID, sp.Slug, sp.Name, sp.Kind, sp.County, sp.Township, sp.CreditCode, sp.CertNumber, sp.CertDate,
		sp.CertExpiry, sp.Households, sp.Linkage, sp.ContactName, sp.ContactPhone, sp.Description,
	).Scan(&sp.UpdatedAt)
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
