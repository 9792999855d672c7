package catalog

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// exportColumns are the columns ExportProducts writes: every import column but photos.
var exportColumns = ProductColumns[:len(ProductColumns)-1]

// ExportProducts writes every product, listed or not, as CSV in the import format (money in fen;
// supplier by slug; no photos column), UTF-8 with a byte-order mark so that Excel reads it.
// Importing the file back changes nothing.
func (c *Catalog) ExportProducts(ctx context.Context, w io.Writer) error {
	rows, err := c.db.pool.Query(ctx, `SELECT `+productColumns+`, s.slug
		FROM products p JOIN suppliers s ON s.id = p.supplier_id ORDER BY p.id`)
	if err != nil {
		return fmt.Errorf("export products: %w", err)
	}
	defer rows.Close()
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(exportColumns); err != nil {
		return err
	}
	var supplier string
	for rows.Next() {
		p, err := scanProduct(rows, &supplier)
		if err != nil {
			return fmt.Errorf("export products: %w", err)
		}
		season := func(m int) string {
			if m == 0 {
				return ""
			}
			return strconv.Itoa(m)
		}
		err = cw.Write([]string{p.Slug, p.Name, p.Category, p.County, p.Township, supplier, p.Spec, p.Unit,
			strconv.FormatInt(int64(p.Price), 10), FormatTiers(p.Tiers), strconv.Itoa(p.MinQty), strconv.Itoa(p.Multiple),
			strconv.Itoa(p.Stock), season(p.SeasonStart), season(p.SeasonEnd), strings.Join(p.Flags, "|"),
			p.Description, strconv.FormatBool(p.Listed)})
		if err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export products: %w", err)
	}
	cw.Flush()
	return cw.Error()
}
