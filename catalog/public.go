package catalog

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Public is what the public can see of the catalogue, read in one consistent snapshot: the
// listed products with their descriptions and suppliers' names, and every supplier. The search
// index is built from it.
type Public struct {
	Version   Version
	Products  []PublicProduct
	Suppliers []Supplier
}

// PublicProduct is a listed product with its supplier's slug and name.
type PublicProduct struct {
	Product
	SupplierSlug string
	SupplierName string
}

// Version tells whether the catalogue changed: Catalog moves with every change but stock, and
// SoldOut is the number of listed products with no stock, which orders move.
type Version struct {
	Catalog int64
	SoldOut int
}

// Public reads the public catalogue. It returns only internal errors (EUnavailable when the
// database is down).
func (c *Catalog) Public(ctx context.Context) (*Public, error) {
	pub := &Public{}
	err := pgx.BeginTxFunc(ctx, c.db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		v, err := readVersion(ctx, tx)
		if err != nil {
			return err
		}
		pub.Version = v
		rows, err := tx.Query(ctx, `SELECT `+supplierColumns+` FROM suppliers s ORDER BY s.id`)
		if err != nil {
			return fmt.Errorf("read suppliers: %w", err)
		}
		pub.Suppliers, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (Supplier, error) {
			sp, err := scanSupplier(row)
			if err != nil {
				return Supplier{}, err
			}
			return *sp, nil
		})
		if err != nil {
			return fmt.Errorf("read suppliers: %w", err)
		}
		names := make(map[int64]*Supplier, len(pub.Suppliers))
		for i := range pub.Suppliers {
			names[pub.Suppliers[i].ID] = &pub.Suppliers[i]
		}
		rows, err = tx.Query(ctx, `SELECT `+productColumns+` FROM products p WHERE p.listed ORDER BY p.id`)
		if err != nil {
			return fmt.Errorf("read products: %w", err)
		}
		var pp PublicProduct
		p := &pp.Product
		_, err = pgx.ForEachRow(rows, p.dest(), func() error {
			if s, ok := names[p.SupplierID]; ok {
				pp.SupplierSlug, pp.SupplierName = s.Slug, s.Name
			}
			pub.Products = append(pub.Products, pp)
			pp = PublicProduct{}
			return nil
		})
		if err != nil {
			return fmt.Errorf("read products: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the public catalogue: %w", err)
	}
	return pub, nil
}

// Version reads the catalogue's version, to tell whether Public would read something new. It
// returns only internal errors.
func (c *Catalog) Version(ctx context.Context) (Version, error) {
	v, err := readVersion(ctx, c.db.pool)
	if err != nil {
		return Version{}, err
	}
	return v, nil
}

func readVersion(ctx context.Context, q querier) (Version, error) {
	var v Version
	err := q.QueryRow(ctx, `SELECT (SELECT version FROM catalog_state),
		(SELECT count(*) FROM products WHERE listed AND stock = 0)`).Scan(&v.Catalog, &v.SoldOut)
	if err != nil {
		return Version{}, fmt.Errorf("read catalog version: %w", err)
	}
	return v, nil
}

// changed is called after every write that committed; see Config.OnChange.
func (d *catalogDB) changed() {
	if d.onChange != nil {
		d.onChange()
	}
}
