package catalog

import (
	"slices"
	"strconv"
	"testing"
	"time"
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
	snap := &snapshot{version: 1, supplierAt: map[string]int32{}, supplierOf: map[int64]int32{}, categories: Categories}
	for i := range 40 {
		r := supplierRef{ID: int64(i + 1), Slug: "supplier-" + strconv.Itoa(i), Name: "合作社" + strconv.Itoa(i)}
		snap.suppliers = append(snap.suppliers, r)
		snap.supplierAt[r.Slug], snap.supplierOf[r.ID] = int32(i), int32(i)
	}
	for i := range n {
		price := int64(500 + (i*7919)%40000)
		it := indexItem{id: int64(i + 1), price: price, supplier: int32(i % 40), text: int32(i),
			category: uint8(i % len(Categories)), county: uint8(min(i%4, 1)), band: uint8(bandOf(price)),
			flags: uint8(i % 8), listed: true}
		if i%5 == 0 {
			it.season = seasonMask(1+i%12, 1+(i+1)%12)
		}
		snap.items = append(snap.items, it)
		snap.texts = append(snap.texts, "商品"+strconv.Itoa(i))
	}
	snap.byPrice = slices.Clone(snap.items)
	slices.SortStableFunc(snap.byPrice, func(a, b indexItem) int { return int(a.price - b.price) })
	snap.byName = slices.Clone(snap.items)
	return snap
}

// BenchmarkIndexQuery is the in-memory part of a listing over 20,000 products: filtering,
// counting every facet and paging, without the database round trip for the page's rows.
func BenchmarkIndexQuery(b *testing.B) {
	snap := syntheticSnapshot(20000)
	may := time.Date(2026, time.May, 15, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		q    ProductQuery
	}{
		{"two-facets", ProductQuery{Categories: []string{"菌菇"}, Counties: []string{CountyPaired}}},
		{"unfiltered", ProductQuery{}},
		{"in-season-by-price", ProductQuery{InSeason: true, Sort: SortPriceAsc}},
		{"search", ProductQuery{Q: "商品1999"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			q := tc.q
			q.Today, q.Page, q.PerPage = may, 1, DefaultPerPage
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := snap.query(&q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
