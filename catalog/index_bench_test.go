package catalog_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing"
	"zhenxing/catalog"
	"zhenxing/internal/testdb"
)

// generateCatalogue bulk-inserts 40 suppliers and n listed products spread over every category,
// county, price band, flag and season.
func generateCatalogue(b testing.TB, pool *pgxpool.Pool, n int) {
	b.Helper()
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(1, 2))
	var suppliers [][]any
	for i := range 40 {
		county := catalog.CountyPaired
		if i%4 == 0 {
			county = catalog.CountyLocal
		}
		suppliers = append(suppliers, []any{fmt.Sprintf("supplier-%02d", i), fmt.Sprintf("第%d合作社", i),
			catalog.SupplierKinds[i%3], county, creditCode(b, fmt.Sprintf("93610727MA6%06d", i))})
	}
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"suppliers"}, []string{"slug", "name", "kind", "county", "credit_code"},
		pgx.CopyFromRows(suppliers)); err != nil {
		b.Fatal(err)
	}
	var first int64
	if err := pool.QueryRow(ctx, `SELECT min(id) FROM suppliers`).Scan(&first); err != nil {
		b.Fatal(err)
	}
	rows := make([][]any, n)
	for i := range rows {
		price := zhenxing.Money(500 + rnd.IntN(40000))
		season := [2]int{}
		if i%5 == 0 {
			season = [2]int{1 + i%12, 1 + (i+1)%12}
		}
		flags := []string{}
		for j, f := range catalog.Flags {
			if rnd.IntN(3+j) == 0 {
				flags = append(flags, f)
			}
		}
		county := catalog.CountyPaired
		if i%4 == 0 {
			county = catalog.CountyLocal
		}
		rows[i] = []any{fmt.Sprintf("product-%05d", i), fmt.Sprintf("商品%d", i), catalog.Categories[i%len(catalog.Categories)],
			county, first + int64(i%40), "500克/袋", "袋", price, []catalog.PriceTier{{MinQty: 50, Price: price * 9 / 10}},
			100, season[0], season[1], flags, true}
	}
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"products"}, []string{"slug", "name", "category", "county", "supplier_id",
		"spec", "unit", "price", "tiers", "stock", "season_start", "season_end", "flags", "listed"}, pgx.CopyFromRows(rows)); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkProducts is one listing page with every facet counted, over 20,000 products: two
// filters (as the hall benchmark requests), and none.
func BenchmarkProducts(b *testing.B) {
	pool := testdb.New(b)
	generateCatalogue(b, pool, 20000)
	store := catalog.New(pool, catalog.Config{})
	ctx := context.Background()
	for name, q := range map[string]catalog.ProductQuery{
		"two-facets":         {Categories: []string{"菌菇"}, Counties: []string{catalog.CountyPaired}},
		"unfiltered":         {},
		"in-season-by-price": {InSeason: true, Sort: catalog.SortPriceAsc},
	} {
		b.Run(name, func(b *testing.B) {
			q.Today = time.Date(2026, time.May, 15, 0, 0, 0, 0, time.UTC)
			if _, err := store.Products.List(ctx, q); err != nil { // loads the index
				b.Fatal(err)
			}
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					res, err := store.Products.List(ctx, q)
					if err != nil || len(res.Products) == 0 {
						b.Errorf("%v, %d products", err, len(res.Products))
						return
					}
				}
			})
		})
	}
}
