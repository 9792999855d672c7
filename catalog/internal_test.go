package catalog

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"zhenxing"
)

// ReadImportFile exposes the import file reader to the external tests' fuzz target: the records
// read from a products file and the problems found in its structure.
func ReadImportFile(data []byte, format string) (records int, problems ImportProblems) {
	t, problems := readTable(data, format, headerMap(ProductColumns, productAliases), ambiguousProduct)
	if t != nil {
		records = len(t.records)
	}
	return records, problems
}

// syntheticSnapshot is an index of n products spread over every facet, built without a database.
func syntheticSnapshot(n int) *snapshot {
	snap := &snapshot{version: 1, supplierAt: map[string]int32{}, supplierOf: map[int64]int32{}, categories: slices.Clone(Categories)}
	for i := range 40 {
		r := supplierRef{ID: int64(i + 1), Slug: "supplier-" + strconv.Itoa(i), Name: "合作社" + strconv.Itoa(i)}
		snap.suppliers = append(snap.suppliers, r)
		snap.supplierAt[r.Slug], snap.supplierOf[r.ID] = int32(i), int32(i)
	}
	counties := []string{CountyPaired, CountyLocal}
	for i := range n {
		p := Product{ID: int64(i + 1), Slug: "product-" + strconv.Itoa(i), Name: "商品" + strconv.Itoa(i),
			Category: Categories[i%len(Categories)], County: counties[min(i%4, 1)], SupplierID: int64(i%40 + 1),
			Spec: "500克/袋", Unit: "袋", Price: zhenxing.Money(500 + (i*7919)%40000), MinQty: 1, Multiple: 1, Stock: 100,
			Listed: true}
		for f := range Flags {
			if i&(1<<f) != 0 {
				p.Flags = append(p.Flags, Flags[f])
			}
		}
		if i%5 == 0 {
			p.SeasonStart, p.SeasonEnd = 1+i%12, 1+(i+1)%12
		}
		snap.cards = append(snap.cards, ProductCard{Product: p, SupplierSlug: snap.suppliers[i%40].Slug, SupplierName: snap.suppliers[i%40].Name})
	}
	if err := snap.build(); err != nil {
		panic(err)
	}
	return snap
}

// BenchmarkIndexQuery is a listing over 20,000 products in memory: filtering, counting every
// facet and paging, all a listing does but render.
func BenchmarkIndexQuery(b *testing.B) {
	snap := syntheticSnapshot(20000)
	may := time.Date(2026, time.May, 15, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		q    ProductQuery
	}{
		{"two-facets", ProductQuery{Categories: []string{"菌菇"}, Counties: []string{CountyPaired}}},
		{"two-facets-page-5", ProductQuery{Categories: []string{"菌菇"}, Counties: []string{CountyPaired}, Page: 5}},
		{"unfiltered", ProductQuery{}},
		{"in-season-by-price", ProductQuery{InSeason: true, Sort: SortPriceAsc}},
		{"price-range", ProductQuery{MinPrice: 5000, MaxPrice: 9999, Sort: SortPriceDesc}},
		{"search", ProductQuery{Q: "商品1999", Matches: []string{"product-1999", "product-19990", "product-19991"}}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			q := tc.q
			q.Today, q.PerPage = may, 20
			b.ReportAllocs()
			for b.Loop() {
				if _, err := snap.list(q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
