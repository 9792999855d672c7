package catalog_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"zhenxing"
	"zhenxing/catalog"
	"zhenxing/internal/db"
	"zhenxing/internal/testdb"
)

// may15 and nov28 are the clocks of the season tests: cherries are in season on the first only.
var (
	may15 = time.Date(2026, time.May, 15, 10, 0, 0, 0, time.UTC)
	nov28 = time.Date(2026, time.November, 28, 10, 0, 0, 0, time.UTC)
)

func newCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	return catalog.New(testdb.New(t), catalog.Config{})
}

func assertCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := zhenxing.ErrorCode(err); got != code {
		t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
}

func testSupplier(t testing.TB, slug, name, county string, seq int) *catalog.Supplier {
	t.Helper()
	return &catalog.Supplier{Slug: slug, Name: name, Kind: "合作社", County: county, Township: "接官亭镇",
		CreditCode: creditCode(t, fmt.Sprintf("93610727MA63PW%03d", seq)), Households: 12, Linkage: "订单收购"}
}

func mustSaveSupplier(t testing.TB, store *catalog.Catalog, sp *catalog.Supplier) *catalog.Supplier {
	t.Helper()
	if err := store.Suppliers.Create(context.Background(), db.CommandLine, sp); err != nil {
		t.Fatalf("Suppliers.Create(%s): %v", sp.Slug, err)
	}
	return sp
}

// productSpec is the little that differs between the test products.
type productSpec struct {
	slug, name, category, county, supplier string
	price                                  zhenxing.Money
	season                                 [2]int
	flags                                  []string
	stock                                  int
	unlisted                               bool
}

func mustSaveProduct(t testing.TB, store *catalog.Catalog, s productSpec) *catalog.Product {
	t.Helper()
	p := &catalog.Product{Slug: s.slug, Name: s.name, Category: s.category, County: s.county, Township: "某镇",
		Spec: "500克/袋", Unit: "袋", Price: s.price, MinQty: 1, Multiple: 1, Stock: s.stock,
		SeasonStart: s.season[0], SeasonEnd: s.season[1], Flags: s.flags, Listed: !s.unlisted}
	if err := store.Products.Create(context.Background(), db.CommandLine, p, s.supplier); err != nil {
		t.Fatalf("Products.Create(%s): %v", s.slug, err)
	}
	return p
}

// smallCatalogue is two suppliers and seven products, one of them unlisted.
func smallCatalogue(t testing.TB, store *catalog.Catalog) {
	t.Helper()
	mustSaveSupplier(t, store, testSupplier(t, "hongyuan", "鸿源乌鸡合作社", catalog.CountyPaired, 1))
	mustSaveSupplier(t, store, testSupplier(t, "dizhai", "狄寨樱桃合作社", catalog.CountyLocal, 2))
	for _, s := range []productSpec{
		{"wuji", "略阳乌鸡", "禽蛋肉类", catalog.CountyPaired, "hongyuan", 16800, [2]int{}, []string{"地理标志"}, 50, false},
		{"wuji-eggs", "乌鸡蛋", "禽蛋肉类", catalog.CountyPaired, "hongyuan", 4500, [2]int{}, []string{"绿色"}, 50, false},
		{"tianma", "略阳天麻", "中药材", catalog.CountyPaired, "hongyuan", 12000, [2]int{}, []string{"地理标志", "有机"}, 50, false},
		{"walnuts", "略阳核桃", "干果", catalog.CountyPaired, "hongyuan", 3500, [2]int{9, 11}, nil, 50, false},
		{"hongdeng", "红灯樱桃", "樱桃", catalog.CountyLocal, "dizhai", 7800, [2]int{5, 6}, []string{"绿色"}, 50, false},
		{"meizao", "美早樱桃", "樱桃", catalog.CountyLocal, "dizhai", 9800, [2]int{5, 6}, nil, 50, false},
		{"jam", "樱桃果酱", "其他", catalog.CountyLocal, "dizhai", 2800, [2]int{}, nil, 50, true},
	} {
		mustSaveProduct(t, store, s)
	}
}

func slugsOf(cards []catalog.ProductCard) []string {
	out := make([]string, len(cards))
	for i, c := range cards {
		out[i] = c.Slug
	}
	return out
}

func counts(values []catalog.FacetValue) map[string]int {
	m := map[string]int{}
	for _, v := range values {
		m[v.Value] = v.Count
	}
	return m
}

func sameCounts(t *testing.T, what string, got []catalog.FacetValue, want map[string]int) {
	t.Helper()
	g := counts(got)
	if len(g) != len(want) {
		t.Errorf("%s facet = %v, want %v", what, g, want)
		return
	}
	for k, v := range want {
		if g[k] != v {
			t.Errorf("%s facet = %v, want %v", what, g, want)
			return
		}
	}
}

func TestProductsFacets(t *testing.T) {
	store := newCatalog(t)
	smallCatalogue(t, store)
	ctx := context.Background()

	all, err := store.Products.List(ctx, catalog.ProductQuery{Today: nov28})
	if err != nil {
		t.Fatal(err)
	}
	if all.Total != 6 || all.Pages != 1 || len(all.Products) != 6 {
		t.Fatalf("unfiltered: total %d, pages %d, %v", all.Total, all.Pages, slugsOf(all.Products))
	}
	sameCounts(t, "category", all.Facets.Categories, map[string]int{"樱桃": 2, "禽蛋肉类": 2, "中药材": 1, "干果": 1})
	sameCounts(t, "county", all.Facets.Counties, map[string]int{catalog.CountyPaired: 4, catalog.CountyLocal: 2})
	sameCounts(t, "supplier", all.Facets.Suppliers, map[string]int{"hongyuan": 4, "dizhai": 2})
	sameCounts(t, "price", all.Facets.PriceBands, map[string]int{"0-50": 2, "50-100": 2, "100-200": 2})
	sameCounts(t, "flag", all.Facets.Flags, map[string]int{"地理标志": 2, "绿色": 2, "有机": 1})
	if all.Facets.InSeason != 1 { // walnuts, September to November
		t.Errorf("in season in November = %d, want 1", all.Facets.InSeason)
	}
	if c := all.Products[0]; c.Slug != "walnuts" || c.SupplierName != "鸿源乌鸡合作社" || c.SupplierSlug != "hongyuan" {
		t.Errorf("default sort puts %s (%s) first, want the walnuts in season", c.Slug, c.SupplierName)
	}

	// Two categories (OR) and one county (AND): each facet counts with the others' filters only.
	res, err := store.Products.List(ctx, catalog.ProductQuery{Today: may15, Categories: []string{"樱桃", "中药材"}, Counties: []string{catalog.CountyLocal}})
	if err != nil {
		t.Fatal(err)
	}
	if got := slugsOf(res.Products); !slices.Equal(got, []string{"hongdeng", "meizao"}) {
		t.Errorf("樱桃 or 中药材 in 灞桥区， in season first then by name: %v", got)
	}
	sameCounts(t, "category with county", res.Facets.Categories, map[string]int{"樱桃": 2, "中药材": 0}) // selected, so shown
	sameCounts(t, "county with categories", res.Facets.Counties, map[string]int{catalog.CountyPaired: 1, catalog.CountyLocal: 2})
	for _, v := range res.Facets.Categories {
		if v.Value == "樱桃" && !v.Selected {
			t.Error("樱桃 is not marked selected")
		}
	}
	if res.Facets.InSeason != 2 {
		t.Errorf("in season in May among the selection = %d, want 2", res.Facets.InSeason)
	}

	// Every remaining filter at once.
	res, err = store.Products.List(ctx, catalog.ProductQuery{Today: may15, InSeason: true, PriceBand: "50-100",
		Flags: []string{"绿色"}, Suppliers: []string{"dizhai"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := slugsOf(res.Products); !slices.Equal(got, []string{"hongdeng"}) {
		t.Errorf("in season, 50-100, 绿色， dizhai: %v", got)
	}
	sameCounts(t, "price with the rest", res.Facets.PriceBands, map[string]int{"50-100": 1})
	sameCounts(t, "flags with the rest", res.Facets.Flags, map[string]int{"绿色": 1})

	// Price bounds, search, sorting, pages, staff lists.
	res, _ = store.Products.List(ctx, catalog.ProductQuery{Today: may15, MinPrice: 4500, MaxPrice: 9800, Sort: catalog.SortPriceAsc})
	if got := slugsOf(res.Products); !slices.Equal(got, []string{"wuji-eggs", "hongdeng", "meizao"}) {
		t.Errorf("45 to 98 yuan, cheapest first: %v", got)
	}
	res, _ = store.Products.List(ctx, catalog.ProductQuery{Today: may15, Sort: catalog.SortPriceDesc, PerPage: 2, Page: 2})
	if got := slugsOf(res.Products); !slices.Equal(got, []string{"meizao", "hongdeng"}) || res.Pages != 3 || res.Page != 2 {
		t.Errorf("dearest first, page 2 of 3: %v (page %d of %d)", got, res.Page, res.Pages)
	}
	res, _ = store.Products.List(ctx, catalog.ProductQuery{Today: may15, Sort: catalog.SortNewest, PerPage: 1})
	if got := slugsOf(res.Products); !slices.Equal(got, []string{"meizao"}) {
		t.Errorf("newest: %v", got)
	}
	// The search engine's matches, best first: the listing keeps their order, passes over an
	// unknown slug and applies its own filters; an empty list of matches lists nothing.
	res, _ = store.Products.List(ctx, catalog.ProductQuery{Today: may15, Q: "樱桃", Matches: []string{"meizao", "no-such-product", "hongdeng"}})
	if got := slugsOf(res.Products); !slices.Equal(got, []string{"meizao", "hongdeng"}) || res.Total != 2 {
		t.Errorf("matches meizao, hongdeng: %v (total %d)", got, res.Total)
	}
	res, _ = store.Products.List(ctx, catalog.ProductQuery{Today: may15, Matches: []string{"meizao", "hongdeng"}, PerPage: 1, Page: 2})
	if got := slugsOf(res.Products); !slices.Equal(got, []string{"hongdeng"}) || res.Pages != 2 {
		t.Errorf("matches, page 2 of 2: %v (%d pages)", got, res.Pages)
	}
	res, _ = store.Products.List(ctx, catalog.ProductQuery{Today: may15, Matches: []string{"meizao", "hongdeng"}, Sort: catalog.SortPriceAsc})
	if got := slugsOf(res.Products); !slices.Equal(got, []string{"hongdeng", "meizao"}) {
		t.Errorf("matches, cheapest first: %v", got)
	}
	res, _ = store.Products.List(ctx, catalog.ProductQuery{Today: may15, Matches: []string{}})
	if res.Total != 0 || len(res.Products) != 0 {
		t.Errorf("no matches: %d products", res.Total)
	}
	res, err = store.Products.List(ctx, catalog.ProductQuery{Today: may15, Page: 9})
	if err != nil || len(res.Products) != 0 || res.Total != 6 {
		t.Errorf("page past the end: %v, %d products, total %d", err, len(res.Products), res.Total)
	}
	res, err = store.Products.List(ctx, catalog.ProductQuery{Today: may15, Page: math.MaxInt, PerPage: catalog.MaxPerPage})
	if err != nil || len(res.Products) != 0 {
		t.Errorf("the largest page number: %v, %d products", err, len(res.Products))
	}
	res, _ = store.Products.List(ctx, catalog.ProductQuery{Today: may15, IncludeUnlisted: true})
	if res.Total != 7 {
		t.Errorf("staff list: %d products, want 7 with the unlisted one", res.Total)
	}
	res, err = store.Products.List(ctx, catalog.ProductQuery{Today: may15, Categories: []string{"茶叶"}})
	if err != nil || res.Total != 0 || res.Pages != 0 {
		t.Errorf("a known category without products: %v, total %d", err, res.Total)
	}

	for name, q := range map[string]catalog.ProductQuery{
		"unknown category": {Categories: []string{"海鲜"}},
		"unknown county":   {Counties: []string{"西安市"}},
		"unknown supplier": {Suppliers: []string{"nobody"}},
		"unknown flag":     {Flags: []string{"无公害"}},
		"unknown band":     {PriceBand: "1-2"},
		"negative price":   {MinPrice: -100},
		"inverted prices":  {MinPrice: 5000, MaxPrice: 100},
		"unknown sort":     {Sort: "name"},
	} {
		if _, err := store.Products.List(ctx, q); zhenxing.ErrorCode(err) != zhenxing.EInvalid || zhenxing.ErrorMessage(err) == "" {
			t.Errorf("%s: %v, want EInvalid with a message", name, err)
		}
	}
}

func TestInSeasonAndRelated(t *testing.T) {
	store := newCatalog(t)
	smallCatalogue(t, store)
	ctx := context.Background()
	cards, err := store.Products.InSeason(ctx, may15, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := slugsOf(cards); !slices.Equal(got, []string{"meizao", "hongdeng"}) {
		t.Errorf("in season in May: %v", got)
	}
	if cards, _ = store.Products.InSeason(ctx, nov28, 10); !slices.Equal(slugsOf(cards), []string{"walnuts"}) {
		t.Errorf("in season in November: %v", slugsOf(cards))
	}
	d, err := store.Products.Find(ctx, "wuji")
	if err != nil {
		t.Fatal(err)
	}
	related, err := store.Products.Related(ctx, &d.Product, 3, may15)
	if err != nil {
		t.Fatal(err)
	}
	// Same category and supplier first; then the supplier's others, newest first (none in season in May).
	if got := slugsOf(related); !slices.Equal(got, []string{"wuji-eggs", "walnuts", "tianma"}) {
		t.Errorf("related to wuji: %v", got)
	}
}

func TestIndexFollowsOtherReplicas(t *testing.T) {
	pool := testdb.New(t)
	// Two replicas; b reads the catalogue's version on every listing.
	a, b := catalog.New(pool, catalog.Config{}), catalog.New(pool, catalog.Config{Recheck: time.Nanosecond})
	smallCatalogue(t, a)
	ctx := context.Background()
	if res, _ := b.Products.List(ctx, catalog.ProductQuery{Categories: []string{"樱桃"}}); res.Total != 2 {
		t.Fatalf("replica b sees %d cherries", res.Total)
	}
	p, err := a.Products.Find(ctx, "jam")
	if err != nil {
		t.Fatal(err)
	}
	p.Category = "樱桃"
	if err := a.Products.Update(ctx, db.CommandLine, &p.Product, "dizhai"); err != nil {
		t.Fatal(err)
	}
	if err := a.Products.SetListed(ctx, db.CommandLine, "jam", true); err != nil {
		t.Fatal(err)
	}
	res, err := b.Products.List(ctx, catalog.ProductQuery{Categories: []string{"樱桃"}})
	if err != nil || res.Total != 3 || !slices.Contains(slugsOf(res.Products), "jam") {
		t.Fatalf("replica b after a's change: %v, %d cherries %v", err, res.Total, slugsOf(res.Products))
	}
	// Stock, which the cards show, follows too.
	if _, err := a.Stock.Adjust(ctx, db.CommandLine, "jam", -50, "售出"); err != nil {
		t.Fatal(err)
	}
	res, _ = b.Products.List(ctx, catalog.ProductQuery{Categories: []string{"樱桃"}, Sort: catalog.SortNewest, PerPage: 1})
	if len(res.Products) != 1 || res.Products[0].Slug != "jam" || res.Products[0].Stock != 0 || res.Products[0].StockState() != catalog.StockOut {
		t.Fatalf("replica b reads the stock: %+v", res.Products)
	}

	// A change of stock alone, as an order makes it, leaves the version as it was and still
	// shows at a replica's next check of the version.
	var before, after int64
	if err := pool.QueryRow(ctx, `SELECT version FROM catalog_state`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE products SET stock = stock + 7 WHERE slug = 'jam'`); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `SELECT version FROM catalog_state`).Scan(&after); err != nil || after != before {
		t.Errorf("a change of stock moved the catalogue's version from %d to %d (%v)", before, after, err)
	}
	res, _ = b.Products.List(ctx, catalog.ProductQuery{Categories: []string{"樱桃"}, Sort: catalog.SortNewest, PerPage: 1})
	if len(res.Products) != 1 || res.Products[0].Stock != 7 {
		t.Fatalf("replica b after an order's change of stock: %+v", res.Products)
	}
}

func TestAdjustStockConcurrently(t *testing.T) {
	store := newCatalog(t)
	mustSaveSupplier(t, store, testSupplier(t, "dizhai", "狄寨樱桃合作社", catalog.CountyLocal, 2))
	mustSaveProduct(t, store, productSpec{"hongdeng", "红灯樱桃", "樱桃", catalog.CountyLocal, "dizhai", 7800, [2]int{5, 6}, nil, 10, false})
	ctx := context.Background()

	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, conflicts := 0, 0
	var others []error
	start := make(chan struct{})
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			staff := db.Actor{ID: int64(i + 1), Name: fmt.Sprintf("员工%d", i)}
			_, err := store.Stock.Adjust(ctx, staff, "hongdeng", -1, "订单出库")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case zhenxing.ErrorCode(err) == zhenxing.EConflict:
				conflicts++
			default:
				others = append(others, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if ok != 10 || conflicts != 90 || len(others) != 0 {
		t.Fatalf("100 takers of 10: %d succeeded, %d refused, other errors %v", ok, conflicts, others)
	}
	p, _ := store.Products.Find(ctx, "hongdeng")
	if p.Stock != 0 {
		t.Fatalf("stock = %d, want 0", p.Stock)
	}
	moves, err := store.Stock.Movements(ctx, p.ID, 100)
	if err != nil || len(moves) != 11 { // the opening stock and ten takings
		t.Fatalf("movements: %d, %v", len(moves), err)
	}
	if m := moves[0]; m.Delta != -1 || m.StockAfter != 0 || m.Reason != "订单出库" {
		t.Errorf("last movement = %+v", m)
	}
	entries, _ := db.Audit(ctx, store.Pool(), db.AuditQuery{Entity: "product", EntityID: "hongdeng", Limit: 100})
	stock := 0
	for _, e := range entries {
		if e.Action == "product.stock" {
			stock++
		}
	}
	if stock != 10 {
		t.Errorf("audit has %d stock entries, want 10", stock)
	}
}

func TestAdjustStockRefusals(t *testing.T) {
	store := newCatalog(t)
	mustSaveSupplier(t, store, testSupplier(t, "dizhai", "狄寨樱桃合作社", catalog.CountyLocal, 2))
	mustSaveProduct(t, store, productSpec{"hongdeng", "红灯樱桃", "樱桃", catalog.CountyLocal, "dizhai", 7800, [2]int{5, 6}, nil, 5, false})
	ctx := context.Background()
	tests := []struct {
		name, slug string
		delta      int
		reason     string
		code, msg  string
	}{
		{"more than there is", "hongdeng", -6, "出库", zhenxing.EConflict, "库存不足"},
		{"no reason", "hongdeng", 3, "  ", zhenxing.EInvalid, "原因"},
		{"zero", "hongdeng", 0, "盘点", zhenxing.EInvalid, "不能为 0"},
		{"unknown product", "nothing", 1, "入库", zhenxing.ENotFound, "不存在"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := store.Stock.Adjust(ctx, db.CommandLine, tt.slug, tt.delta, tt.reason)
			assertCode(t, err, tt.code)
			if !strings.Contains(zhenxing.ErrorMessage(err), tt.msg) {
				t.Errorf("message %q lacks %q", zhenxing.ErrorMessage(err), tt.msg)
			}
		})
	}
	if n, err := store.Stock.Adjust(ctx, db.CommandLine, "hongdeng", 7, "采摘入库"); err != nil || n != 12 {
		t.Fatalf("adding 7 to 5: %d, %v", n, err)
	}
}

func TestSuppliersCreateAndUpdate(t *testing.T) {
	store := newCatalog(t)
	ctx := context.Background()
	sp := testSupplier(t, "hongyuan", "鸿源乌鸡合作社", catalog.CountyPaired, 1)
	d := time.Date(2024, 4, 18, 0, 0, 0, 0, time.UTC)
	e := d.AddDate(3, 0, -1)
	sp.CertNumber, sp.CertDate, sp.CertExpiry = "FP61072720240031", &d, &e
	mustSaveSupplier(t, store, sp)
	if sp.ID == 0 || sp.CreatedAt.IsZero() || sp.Version != 1 {
		t.Fatalf("created supplier has no ID, time or first version: %+v", sp)
	}
	got, err := store.Suppliers.Find(ctx, "hongyuan")
	if err != nil || got.CertNumber != "FP61072720240031" || !got.CertValid(nov28) || got.CertValid(e.AddDate(0, 0, 2)) {
		t.Fatalf("stored supplier: %+v, %v", got, err)
	}

	// Creating the same slug again is a conflict on the slug, and changes nothing.
	twice := testSupplier(t, "hongyuan", "另一个名字", catalog.CountyPaired, 3)
	err = store.Suppliers.Create(ctx, db.CommandLine, twice)
	assertCode(t, err, zhenxing.EConflict)
	if msg := catalog.AsFieldErrors(err).For("slug"); !strings.Contains(msg, "已被其他供应商使用") {
		t.Errorf("the slug conflict is not reported on slug: %v", err)
	}

	// Saving the same supplier again changes nothing and records nothing; a change moves the version.
	again := *got
	if err := store.Suppliers.Update(ctx, db.CommandLine, &again); err != nil || again.Version != 1 {
		t.Fatalf("unchanged update: version %d, %v", again.Version, err)
	}
	changed := *got
	changed.Households = 300
	if err := store.Suppliers.Update(ctx, db.CommandLine, &changed); err != nil || changed.Version != 2 {
		t.Fatalf("update: version %d, %v", changed.Version, err)
	}
	entries, _ := db.Audit(ctx, store.Pool(), db.AuditQuery{Entity: "supplier", EntityID: "hongyuan"})
	if len(entries) != 2 || entries[0].Action != "supplier.update" || entries[1].Action != "supplier.create" {
		t.Fatalf("audit: %+v", entries)
	}
	var before, after catalog.Supplier
	if json.Unmarshal(entries[0].Before, &before) != nil || json.Unmarshal(entries[0].After, &after) != nil ||
		before.Households != 12 || after.Households != 300 {
		t.Errorf("audit before/after: %s → %s", entries[0].Before, entries[0].After)
	}
	// An update based on the version read before that change is refused and writes nothing.
	stale := *got
	stale.Households = 5
	err = store.Suppliers.Update(ctx, db.CommandLine, &stale)
	assertCode(t, err, zhenxing.EConflict)
	if !errors.Is(err, catalog.ErrModified) || !strings.Contains(zhenxing.ErrorMessage(err), "已被他人修改") {
		t.Errorf("stale update: %v", err)
	}
	if now, _ := store.Suppliers.Find(ctx, "hongyuan"); now.Households != 300 || now.Version != 2 {
		t.Errorf("after the refused update: households %d version %d", now.Households, now.Version)
	}
	missing := testSupplier(t, "nobody", "无名", catalog.CountyPaired, 4)
	assertCode(t, store.Suppliers.Update(ctx, db.CommandLine, missing), zhenxing.ENotFound)

	bad := testSupplier(t, "other", "另一家", catalog.CountyPaired, 2)
	bad.CreditCode = bad.CreditCode[:17] + "0"
	if bad.CreditCode == testSupplier(t, "x", "x", catalog.CountyPaired, 2).CreditCode {
		bad.CreditCode = bad.CreditCode[:17] + "1"
	}
	err = store.Suppliers.Create(ctx, db.CommandLine, bad)
	assertCode(t, err, zhenxing.EInvalid)
	if catalog.AsFieldErrors(err).For("credit_code") == "" {
		t.Errorf("a wrong check digit is not reported on credit_code: %v", err)
	}
	taken := testSupplier(t, "other", "另一家", catalog.CountyPaired, 1) // hongyuan's code
	assertCode(t, store.Suppliers.Create(ctx, db.CommandLine, taken), zhenxing.EConflict)
	assertCode(t, catalog.CheckCreditCode("91350100M000100Y43"), "")
	_, err = store.Suppliers.Find(ctx, "nobody")
	assertCode(t, err, zhenxing.ENotFound)

	list, err := store.Suppliers.List(ctx)
	if err != nil || len(list) != 1 || list[0].Slug != "hongyuan" {
		t.Fatalf("Suppliers = %v, %v", list, err)
	}
}

func TestProductsCreateAndUpdate(t *testing.T) {
	store := newCatalog(t)
	smallCatalogue(t, store)
	ctx := context.Background()

	// Creating an existing slug is a conflict and overwrites nothing.
	p := &catalog.Product{Slug: "tianma", Name: "略阳天麻（鲜）", Category: "中药材", County: catalog.CountyPaired,
		Spec: "1千克/箱", Unit: "箱", Price: 13000, MinQty: 2, Multiple: 2, Stock: 999, Listed: false,
		Tiers: []catalog.PriceTier{{MinQty: 20, Price: 12000}}}
	err := store.Products.Create(ctx, db.CommandLine, p, "hongyuan")
	assertCode(t, err, zhenxing.EConflict)
	if msg := catalog.AsFieldErrors(err).For("slug"); !strings.Contains(msg, "已被其他产品使用") {
		t.Errorf("the slug conflict is not reported on slug: %v", err)
	}

	// Update saves all but stock and listing, and moves the version.
	current, err := store.Products.Find(ctx, "tianma")
	if err != nil {
		t.Fatal(err)
	}
	p.Version = current.Version
	if err := store.Products.Update(ctx, db.Actor{ID: 7, Name: "李明"}, p, "hongyuan"); err != nil {
		t.Fatal(err)
	}
	d, err := store.Products.Find(ctx, "tianma")
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "略阳天麻（鲜）" || d.Stock != 50 || !d.Listed || d.Supplier.Slug != "hongyuan" || d.PriceFor(20) != 12000 ||
		len(d.Photos) != 0 || d.Version != current.Version+1 || p.Version != d.Version {
		t.Fatalf("updated product: %+v", d)
	}
	entries, _ := db.Audit(ctx, store.Pool(), db.AuditQuery{Entity: "product", EntityID: "tianma"})
	if len(entries) != 2 || entries[0].Action != "product.update" || entries[0].ActorName != "李明" || *entries[0].ActorID != 7 {
		t.Fatalf("audit: %+v", entries)
	}

	err = store.Products.Create(ctx, db.CommandLine, &catalog.Product{Slug: "x", Name: "x"}, "nobody")
	assertCode(t, err, zhenxing.EInvalid)
	if catalog.AsFieldErrors(err).For("supplier") == "" {
		t.Errorf("an unknown supplier is not reported on supplier: %v", err)
	}
	_, err = store.Products.Find(ctx, "nothing")
	assertCode(t, err, zhenxing.ENotFound)
	assertCode(t, store.Products.SetListed(ctx, db.CommandLine, "nothing", true), zhenxing.ENotFound)
	missing := d.Product
	missing.Slug = "nothing"
	assertCode(t, store.Products.Update(ctx, db.CommandLine, &missing, "hongyuan"), zhenxing.ENotFound)

	// Two staff editing the same product: the second save, based on an old copy, is refused.
	first, _ := store.Products.Find(ctx, "wuji")
	second := *first
	first.Price = 16000
	if err := store.Products.Update(ctx, db.CommandLine, &first.Product, "hongyuan"); err != nil {
		t.Fatal(err)
	}
	second.Price = 15000
	err = store.Products.Update(ctx, db.CommandLine, &second.Product, "hongyuan")
	assertCode(t, err, zhenxing.EConflict)
	if !errors.Is(err, catalog.ErrModified) || !strings.Contains(zhenxing.ErrorMessage(err), "已被他人修改") {
		t.Errorf("second save: %v", err)
	}
	if now, _ := store.Products.Find(ctx, "wuji"); now.Price != 16000 {
		t.Errorf("the refused save wrote the price %d", now.Price)
	}
	// Stock and listing changes leave the version: a form loaded before them still saves.
	loaded, _ := store.Products.Find(ctx, "wuji")
	if _, err := store.Stock.Adjust(ctx, db.CommandLine, "wuji", 5, "入库"); err != nil {
		t.Fatal(err)
	}
	if err := store.Products.SetListed(ctx, db.CommandLine, "wuji", false); err != nil {
		t.Fatal(err)
	}
	loaded.Name = "略阳乌鸡（整只）"
	if err := store.Products.Update(ctx, db.CommandLine, &loaded.Product, "hongyuan"); err != nil {
		t.Fatalf("save after a stock and a listing change: %v", err)
	}
	if now, _ := store.Products.Find(ctx, "wuji"); now.Name != "略阳乌鸡（整只）" || now.Stock != 55 || now.Listed {
		t.Errorf("after the save: %s, stock %d, listed %v", now.Name, now.Stock, now.Listed)
	}
}

func TestFindListed(t *testing.T) {
	store := newCatalog(t)
	smallCatalogue(t, store)
	ctx := context.Background()
	d, err := store.Products.FindListed(ctx, "wuji")
	if err != nil || d.Slug != "wuji" || d.Supplier.Slug != "hongyuan" {
		t.Fatalf("listed product: %+v, %v", d, err)
	}
	// The unlisted jam and a product that never existed are the same to the public.
	for _, slug := range []string{"jam", "nothing"} {
		_, err := store.Products.FindListed(ctx, slug)
		assertCode(t, err, zhenxing.ENotFound)
		if msg := zhenxing.ErrorMessage(err); msg != "您查找的产品不存在或已下架。" {
			t.Errorf("%s: message %q", slug, msg)
		}
	}
	if d, err := store.Products.Find(ctx, "jam"); err != nil || d.Listed {
		t.Errorf("the back office finds the unlisted jam: %+v, %v", d, err)
	}
}

func pngBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const plainSVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#c00"/></svg>`

func TestPhotos(t *testing.T) {
	store := newCatalog(t)
	smallCatalogue(t, store)
	ctx := context.Background()
	staff := db.Actor{ID: 3, Name: "王芳"}

	ph, err := store.Photos.Add(ctx, staff, "wuji", pngBytes(t, 40, 30), "乌鸡整只")
	if err != nil {
		t.Fatal(err)
	}
	if ph.ContentType != "image/png" || ph.Position != 1 || len(ph.Hash) != 64 || ph.URL() != "/hall/photos/"+ph.Hash+".png" {
		t.Fatalf("photo = %+v, URL %s", ph, ph.URL())
	}
	data, ct, err := store.Photos.Content(ctx, ph.Hash+".png")
	if err != nil || ct != "image/png" || !bytes.Equal(data, pngBytes(t, 40, 30)) {
		t.Fatalf("PhotoContent: %s, %v", ct, err)
	}
	for name, bad := range map[string][]byte{
		"SVG upload":     []byte(plainSVG),
		"text":           []byte("这不是图片"),
		"empty":          nil,
		"fake PNG":       append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1}, 100)...),
		"huge":           append(pngBytes(t, 2, 2), make([]byte, catalog.MaxPhotoBytes)...),
		"too big a side": pngBytes(t, catalog.MaxPhotoSide+1, 1),
	} {
		if _, err := store.Photos.Add(ctx, staff, "wuji", bad, ""); zhenxing.ErrorCode(err) != zhenxing.EInvalid {
			t.Errorf("%s: %v, want EInvalid", name, err)
		}
	}
	_, err = store.Photos.Add(ctx, staff, "nothing", pngBytes(t, 4, 4), "")
	assertCode(t, err, zhenxing.ENotFound)
	for _, hash := range []string{"nothing", strings.Repeat("0", 64), "../etc/passwd"} {
		_, _, err := store.Photos.Content(ctx, hash)
		assertCode(t, err, zhenxing.ENotFound)
	}

	second, err := store.Photos.Add(ctx, staff, "wuji", pngBytes(t, 20, 20), "乌鸡切块")
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Photos.MakeCover(ctx, staff, second.ID); err != nil {
		t.Fatal(err)
	}
	res, _ := store.Products.List(ctx, catalog.ProductQuery{Suppliers: []string{"hongyuan"}, Sort: catalog.SortPriceDesc, PerPage: 1})
	if len(res.Products) != 1 || res.Products[0].Photo == nil || res.Products[0].Photo.Hash != second.Hash {
		t.Fatalf("the listing's cover is not the new cover: %+v", res.Products)
	}
	if err := store.Photos.Delete(ctx, staff, second.ID); err != nil {
		t.Fatal(err)
	}
	photos, _ := store.Photos.List(ctx, ph.ProductID)
	if len(photos) != 1 || photos[0].ID != ph.ID || photos[0].Position != 1 {
		t.Fatalf("after deleting the cover: %+v", photos)
	}
	entries, _ := db.Audit(ctx, store.Pool(), db.AuditQuery{Entity: "product", EntityID: "wuji", Limit: 10})
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	if !slices.Equal(actions[:4], []string{"product.photo.delete", "product.photo.cover", "product.photo.add", "product.photo.add"}) {
		t.Errorf("audit actions: %v", actions)
	}
}

func TestCheckPhotoSVG(t *testing.T) {
	tests := []struct {
		name, svg string
		ok        bool
	}{
		{"plain drawing", plainSVG, true},
		{"with xml declaration and gradient", `<?xml version="1.0" encoding="UTF-8"?><svg xmlns="http://www.w3.org/2000/svg"><defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="1" height="1"/></svg>`, true},
		{"script", `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`, false},
		{"event handler", `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`, false},
		{"external image", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="http://evil.example/x.png"/></svg>`, false},
		{"foreign object", `<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject></svg>`, false},
		{"external CSS", `<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(http://evil.example/a.css);</style></svg>`, false},
		{"doctype with entities", `<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>`, false},
		{"HTML", `<html><body>x</body></html>`, false},
		{"SVG without its namespace", `<svg><rect/></svg>`, false},
	}
	for _, tt := range tests {
		ct, err := catalog.CheckPhoto([]byte(tt.svg))
		if tt.ok && (err != nil || ct != "image/svg+xml") || !tt.ok && zhenxing.ErrorCode(err) != zhenxing.EInvalid {
			t.Errorf("%s: %q, %v", tt.name, ct, err)
		}
	}
}

func TestDatabaseRefusesNegativeStock(t *testing.T) {
	store := newCatalog(t)
	smallCatalogue(t, store)
	_, err := store.Pool().Exec(context.Background(), `UPDATE products SET stock = -1 WHERE slug = 'wuji'`)
	if err == nil || !strings.Contains(err.Error(), "products_stock_check") {
		t.Fatalf("the CHECK constraint did not refuse negative stock: %v", err)
	}
	if errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}
