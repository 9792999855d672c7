package catalog

import (
	"cmp"
	"context"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"zhenxing"
)

// The product listing filters, counts facets and sorts in memory over a compact index of every
// product, then reads the rows of the page it shows from PostgreSQL. The index holds what the
// facets need and nothing that changes often: stock is read with the page. Each read of a page
// also reads catalog_state.version; when it differs from the index's, the index is reloaded in one
// consistent snapshot and the page computed again, so a listing is never staler than its rows and
// every replica follows changes made on any other.

type catalogIndex struct {
	mu      sync.Mutex // serializes reloads
	current atomic.Pointer[snapshot]
}

// The items are kept once per sort order, so that every listing reads memory in sequence; they
// hold only small numbers, and the text a search looks in is apart, in texts.
type snapshot struct {
	version    int64
	items      []indexItem // newest first
	byPrice    []indexItem // cheapest first (ties: newest first)
	byName     []indexItem // by name (ties: newest first)
	texts      []string    // by item.text: lower-cased name, spec, category, origin and supplier name
	suppliers  []supplierRef
	supplierAt map[string]int32 // slug → position in suppliers
	supplierOf map[int64]int32  // id → position in suppliers
	categories []string         // Categories, then any other category in the data
}

type supplierRef struct {
	ID         int64
	Slug, Name string
}

type indexItem struct {
	id       int64
	price    int64
	supplier int32  // position in snapshot.suppliers
	text     int32  // position in snapshot.texts
	category uint8  // position in snapshot.categories
	county   uint8  // 0 paired, 1 local
	band     uint8  // position in PriceBands
	flags    uint8  // bit i set for Flags[i]
	season   uint16 // bit m set when in season in month m (1-12)
	listed   bool
}

// seasonMask is the months of a season window as bits 1 to 12.
func seasonMask(start, end int) uint16 {
	var m uint16
	for month := 1; month <= 12; month++ {
		if inSeason(start, end, month) {
			m |= 1 << month
		}
	}
	return m
}

const maxCategories = 64

func countyIndex(c string) uint8 {
	if c == CountyPaired {
		return 0
	}
	return 1
}

// loadSnapshot reads the version and the index in one repeatable-read transaction.
func (s *Store) loadSnapshot(ctx context.Context) (*snapshot, error) {
	snap := &snapshot{supplierAt: map[string]int32{}, categories: slices.Clone(Categories)}
	var names []string // by item.text, for the sort by name
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT version FROM catalog_state`).Scan(&snap.version); err != nil {
			return fmt.Errorf("read catalog version: %w", err)
		}
		rows, err := tx.Query(ctx, `SELECT id, slug, name FROM suppliers ORDER BY id`)
		if err != nil {
			return fmt.Errorf("index suppliers: %w", err)
		}
		snap.suppliers, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (supplierRef, error) {
			var r supplierRef
			err := row.Scan(&r.ID, &r.Slug, &r.Name)
			return r, err
		})
		if err != nil {
			return fmt.Errorf("index suppliers: %w", err)
		}
		snap.supplierOf = make(map[int64]int32, len(snap.suppliers))
		for i, r := range snap.suppliers {
			snap.supplierOf[r.ID] = int32(i)
			snap.supplierAt[r.Slug] = int32(i)
		}

		rows, err = tx.Query(ctx, `SELECT id, name, spec, category, county, township, supplier_id, price,
				season_start, season_end, flags, listed
			FROM products ORDER BY created_at DESC, id DESC`)
		if err != nil {
			return fmt.Errorf("index products: %w", err)
		}
		var (
			name, spec, category, county, township string
			supplierID                             int64
			flags                                  []string
			start, end                             int16
		)
		var it indexItem
		_, err = pgx.ForEachRow(rows, []any{&it.id, &name, &spec, &category, &county, &township, &supplierID,
			&it.price, &start, &end, &flags, &it.listed}, func() error {
			ci := slices.Index(snap.categories, category)
			if ci < 0 {
				if len(snap.categories) >= maxCategories {
					return fmt.Errorf("more than %d categories", maxCategories)
				}
				ci = len(snap.categories)
				snap.categories = append(snap.categories, category)
			}
			sp := snap.supplierOf[supplierID]
			it.supplier, it.category, it.county = sp, uint8(ci), countyIndex(county)
			it.band = uint8(bandOf(it.price))
			it.season = seasonMask(int(start), int(end))
			it.flags = 0
			for _, f := range flags {
				if i := slices.Index(Flags, f); i >= 0 {
					it.flags |= 1 << i
				}
			}
			it.text = int32(len(snap.texts))
			snap.texts = append(snap.texts, strings.ToLower(strings.Join([]string{name, spec, category, county, township, snap.suppliers[sp].Name}, " ")))
			names = append(names, name)
			snap.items = append(snap.items, it)
			return nil
		})
		if err != nil {
			return fmt.Errorf("index products: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	order := func(by func(a, b *indexItem) int) []indexItem {
		o := slices.Clone(snap.items)
		slices.SortStableFunc(o, func(a, b indexItem) int { return by(&a, &b) })
		return o
	}
	snap.byPrice = order(func(a, b *indexItem) int { return cmp.Compare(a.price, b.price) })
	snap.byName = order(func(a, b *indexItem) int { return strings.Compare(names[a.text], names[b.text]) })
	return snap, nil
}

// snapshotFor returns the index at version, reloading it unless it is already there; version 0
// means any version, loading only when there is none yet. Concurrent callers share one reload.
func (s *Store) snapshotFor(ctx context.Context, version int64) (*snapshot, error) {
	if cur := s.index.current.Load(); cur != nil && (version == 0 || cur.version == version) {
		return cur, nil
	}
	s.index.mu.Lock()
	defer s.index.mu.Unlock()
	if cur := s.index.current.Load(); cur != nil && (version == 0 || cur.version >= version) {
		return cur, nil
	}
	snap, err := s.loadSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	s.index.current.Store(snap)
	return snap, nil
}

// matcher is a ProductQuery compiled against one snapshot.
type matcher struct {
	texts              []string
	terms              []string
	month              int
	minPrice, maxPrice int64 // maxPrice 0: no bound
	unlisted           bool  // unlisted products pass
	inSeason           bool
	categories         uint64 // bit set; 0 means any
	counties           uint8
	suppliers          []bool // by position; nil means any
	bands              uint8
	flags              uint8
}

// Facet groups, in the order of Products' facets.
const (
	gCategory = iota
	gCounty
	gSupplier
	gBand
	gSeason
	gFlag
	nGroups
)

func (snap *snapshot) compile(q *ProductQuery) (*matcher, error) {
	m := &matcher{texts: snap.texts, month: int(q.Today.In(shanghai).Month()), terms: strings.Fields(strings.ToLower(q.Q)),
		minPrice: q.MinPrice, maxPrice: q.MaxPrice, unlisted: q.IncludeUnlisted, inSeason: q.InSeason}
	switch {
	case q.MinPrice < 0 || q.MaxPrice < 0:
		return nil, zhenxing.Errorf(zhenxing.EInvalid, "价格不能为负数。")
	case q.MaxPrice > 0 && q.MinPrice > q.MaxPrice:
		return nil, zhenxing.Errorf(zhenxing.EInvalid, "最低价不能高于最高价。")
	}
	for _, c := range q.Categories {
		i := slices.Index(snap.categories, c)
		if i < 0 {
			return nil, zhenxing.Errorf(zhenxing.EInvalid, "品类“%s”不存在，可选：%s。", c, strings.Join(Categories, "、"))
		}
		m.categories |= 1 << i
	}
	for _, c := range q.Counties {
		if c != CountyPaired && c != CountyLocal {
			return nil, zhenxing.Errorf(zhenxing.EInvalid, "产地“%s”不存在，可选：%s、%s。", c, CountyPaired, CountyLocal)
		}
		m.counties |= 1 << countyIndex(c)
	}
	if len(q.Suppliers) > 0 {
		m.suppliers = make([]bool, len(snap.suppliers))
		for _, slug := range q.Suppliers {
			i, ok := snap.supplierAt[slug]
			if !ok {
				return nil, zhenxing.Errorf(zhenxing.EInvalid, "供应商“%s”不存在。", slug)
			}
			m.suppliers[i] = true
		}
	}
	if q.PriceBand != "" {
		i := slices.IndexFunc(PriceBands, func(b struct {
			Key, Label string
			Min, Max   int64
		}) bool {
			return b.Key == q.PriceBand
		})
		if i < 0 {
			return nil, zhenxing.Errorf(zhenxing.EInvalid, "价格区间“%s”不存在。", q.PriceBand)
		}
		m.bands = 1 << i
	}
	for _, f := range q.Flags {
		i := slices.Index(Flags, f)
		if i < 0 {
			return nil, zhenxing.Errorf(zhenxing.EInvalid, "认证标志“%s”不存在，可选：%s。", f, strings.Join(Flags, "、"))
		}
		m.flags |= 1 << i
	}
	return m, nil
}

// base reports whether the item passes the filters that are not facets.
func (m *matcher) base(it *indexItem) bool {
	if !it.listed && !m.unlisted || it.price < m.minPrice || m.maxPrice > 0 && it.price > m.maxPrice {
		return false
	}
	for _, t := range m.terms {
		if !strings.Contains(m.texts[it.text], t) {
			return false
		}
	}
	return true
}

// misses returns the facet groups the item fails, as a bit set.
func (m *matcher) misses(it *indexItem, inSeasonNow bool) uint8 {
	var miss uint8
	if m.categories != 0 && m.categories&(1<<it.category) == 0 {
		miss |= 1 << gCategory
	}
	if m.counties != 0 && m.counties&(1<<it.county) == 0 {
		miss |= 1 << gCounty
	}
	if m.suppliers != nil && !m.suppliers[it.supplier] {
		miss |= 1 << gSupplier
	}
	if m.bands != 0 && m.bands&(1<<it.band) == 0 {
		miss |= 1 << gBand
	}
	if m.inSeason && !inSeasonNow {
		miss |= 1 << gSeason
	}
	if m.flags != 0 && m.flags&it.flags == 0 {
		miss |= 1 << gFlag
	}
	return miss
}

type facetCounts struct {
	categories [maxCategories]int
	counties   [2]int
	suppliers  []int
	bands      [8]int
	season     int
	flags      [8]int
}

// addAll counts an item that passes every filter, in every facet.
func (c *facetCounts) addAll(it *indexItem, inSeasonNow bool) {
	c.categories[it.category]++
	c.counties[it.county]++
	c.suppliers[it.supplier]++
	c.bands[it.band]++
	if inSeasonNow {
		c.season++
	}
	for f := it.flags; f != 0; f &= f - 1 {
		c.flags[bits.TrailingZeros8(f)]++
	}
}

// add counts an item in one facet's group.
func (c *facetCounts) add(group int, it *indexItem, inSeasonNow bool) {
	switch group {
	case gCategory:
		c.categories[it.category]++
	case gCounty:
		c.counties[it.county]++
	case gSupplier:
		c.suppliers[it.supplier]++
	case gBand:
		c.bands[it.band]++
	case gSeason:
		if inSeasonNow {
			c.season++
		}
	case gFlag:
		for i := range Flags {
			if it.flags&(1<<i) != 0 {
				c.flags[i]++
			}
		}
	}
}

// Products returns one page of the products matching q with the facet counts of the whole
// selection. Unlisted products are left out unless q.IncludeUnlisted. An unknown category, county,
// supplier, flag or price band and a negative or inverted price range are EInvalid errors with a
// Chinese message; a page past the last is an empty page, and a query that matches nothing a page
// with Total 0.
func (s *Store) Products(ctx context.Context, q ProductQuery) (ProductPage, error) {
	if q.Today.IsZero() {
		q.Today = time.Now()
	}
	if q.Page < 1 {
		q.Page = 1
	}
	if q.PerPage < 1 || q.PerPage > MaxPerPage {
		q.PerPage = DefaultPerPage
	}
	snap, err := s.snapshotFor(ctx, 0)
	if err != nil {
		return ProductPage{}, err
	}
	for attempt := 0; ; attempt++ {
		page, ids, err := snap.query(&q)
		if err != nil {
			return ProductPage{}, err
		}
		rows, version, err := s.pageRows(ctx, ids)
		if err != nil {
			return ProductPage{}, err
		}
		if version == snap.version || attempt == 2 {
			page.Products = snap.cards(ids, rows)
			return page, nil
		}
		if snap, err = s.snapshotFor(ctx, version); err != nil {
			return ProductPage{}, err
		}
	}
}

// InSeason returns up to limit listed products in season at today, newest first.
func (s *Store) InSeason(ctx context.Context, today time.Time, limit int) ([]ProductCard, error) {
	if limit < 1 {
		return []ProductCard{}, nil
	}
	page, err := s.Products(ctx, ProductQuery{InSeason: true, Today: today, Sort: SortNewest, PerPage: min(limit, MaxPerPage)})
	return page.Products, err
}

// query filters, counts and pages; it returns the page without its products, and their IDs.
func (snap *snapshot) query(q *ProductQuery) (ProductPage, []int64, error) {
	m, err := snap.compile(q)
	if err != nil {
		return ProductPage{}, nil, err
	}
	counts := facetCounts{suppliers: make([]int, len(snap.suppliers))}
	// Only the IDs up to the end of the requested page are kept; the rest are counted. The
	// default sort lists the products in season first: both lists are kept up to that end.
	end := len(snap.items)
	if q.Page <= end/q.PerPage {
		end = q.Page * q.PerPage
	}
	var matched, later []int64 // later: the default sort's products out of season
	var nMatched, nLater int
	visit := func(it *indexItem) {
		if !m.base(it) {
			return
		}
		now := it.season&(1<<m.month) != 0
		miss := m.misses(it, now)
		switch {
		case miss == 0:
			counts.addAll(it, now)
			if q.Sort == SortDefault && !now {
				if nLater < end {
					later = append(later, it.id)
				}
				nLater++
			} else {
				if nMatched < end {
					matched = append(matched, it.id)
				}
				nMatched++
			}
		case miss&(miss-1) == 0: // fails exactly one group: counts for that group
			counts.add(bits.TrailingZeros8(miss), it, now)
		}
	}
	switch q.Sort {
	case SortPriceAsc:
		for i := range snap.byPrice {
			visit(&snap.byPrice[i])
		}
	case SortPriceDesc:
		// Dearest first; equal prices keep newest first.
		items := snap.byPrice
		for i := len(items) - 1; i >= 0; {
			j := i
			for j > 0 && items[j-1].price == items[i].price {
				j--
			}
			for k := j; k <= i; k++ {
				visit(&items[k])
			}
			i = j - 1
		}
	case SortNewest:
		for i := range snap.items {
			visit(&snap.items[i])
		}
	case SortDefault:
		for i := range snap.byName {
			visit(&snap.byName[i])
		}
	default:
		return ProductPage{}, nil, zhenxing.Errorf(zhenxing.EInvalid, "排序方式“%s”无效。", q.Sort)
	}
	matched = append(matched, later...)

	page := ProductPage{Total: nMatched + nLater, Page: q.Page, Facets: snap.facets(q, &counts)}
	page.Pages = (page.Total + q.PerPage - 1) / q.PerPage
	from := len(matched) // a page past the end (the product could overflow) is empty
	if q.Page-1 <= len(matched)/q.PerPage {
		from = min((q.Page-1)*q.PerPage, len(matched))
	}
	to := min(from+q.PerPage, len(matched))
	return page, matched[from:to], nil
}

func (snap *snapshot) facets(q *ProductQuery, c *facetCounts) Facets {
	add := func(list *[]FacetValue, v, label string, count int, selected bool) {
		if count > 0 || selected {
			*list = append(*list, FacetValue{Value: v, Label: label, Count: count, Selected: selected})
		}
	}
	f := Facets{Categories: []FacetValue{}, Counties: []FacetValue{}, Suppliers: []FacetValue{},
		PriceBands: []FacetValue{}, Flags: []FacetValue{}, InSeason: c.season}
	for i, name := range snap.categories {
		add(&f.Categories, name, name, c.categories[i], slices.Contains(q.Categories, name))
	}
	for i, name := range []string{CountyPaired, CountyLocal} {
		add(&f.Counties, name, name, c.counties[i], slices.Contains(q.Counties, name))
	}
	for i, r := range snap.suppliers {
		add(&f.Suppliers, r.Slug, r.Name, c.suppliers[i], slices.Contains(q.Suppliers, r.Slug))
	}
	slices.SortStableFunc(f.Suppliers, func(a, b FacetValue) int { return b.Count - a.Count })
	for i, b := range PriceBands {
		add(&f.PriceBands, b.Key, b.Label, c.bands[i], q.PriceBand == b.Key)
	}
	for i, name := range Flags {
		add(&f.Flags, name, name, c.flags[i], slices.Contains(q.Flags, name))
	}
	return f
}

// pageRow is a product read with its cover photo.
type pageRow struct {
	product *Product
	cover   *Photo
}

// pageRows reads the products with the given IDs, their covers and the catalogue's version in
// one round trip (the version alone when there are no IDs).
func (s *Store) pageRows(ctx context.Context, ids []int64) (map[int64]pageRow, int64, error) {
	var version int64
	if len(ids) == 0 {
		if err := s.pool.QueryRow(ctx, `SELECT version FROM catalog_state`).Scan(&version); err != nil {
			return nil, 0, fmt.Errorf("read catalog version: %w", err)
		}
		return nil, version, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT `+productColumns+`, (SELECT version FROM catalog_state),
			c.id, c.position, c.content_type, c.size, c.sha256, c.alt, c.created_at
		FROM products p
		LEFT JOIN LATERAL (SELECT * FROM product_photos ph WHERE ph.product_id = p.id ORDER BY ph.position LIMIT 1) c ON true
		WHERE p.id = ANY($1)`, ids)
	if err != nil {
		return nil, 0, fmt.Errorf("read page: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]pageRow, len(ids))
	for rows.Next() {
		var (
			coverID, size, position *int64
			contentType, sum, alt   *string
			created                 *time.Time
		)
		p, err := scanProduct(rows, &version, &coverID, &position, &contentType, &size, &sum, &alt, &created)
		if err != nil {
			return nil, 0, fmt.Errorf("read page: %w", err)
		}
		r := pageRow{product: p}
		if coverID != nil {
			r.cover = &Photo{ID: *coverID, ProductID: p.ID, Position: int(*position), ContentType: *contentType,
				Size: int(*size), Hash: *sum, Alt: *alt, CreatedAt: *created}
		}
		out[p.ID] = r
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("read page: %w", err)
	}
	if len(out) == 0 { // every product of the page is gone: the version alone says what to do
		return s.pageRows(ctx, nil)
	}
	return out, version, nil
}

// cards builds the page's cards in the order of ids, skipping any product that vanished.
func (snap *snapshot) cards(ids []int64, rows map[int64]pageRow) []ProductCard {
	cards := make([]ProductCard, 0, len(ids))
	for _, id := range ids {
		r, ok := rows[id]
		if !ok {
			continue
		}
		card := ProductCard{Product: *r.product, Photo: r.cover}
		if i, ok := snap.supplierOf[r.product.SupplierID]; ok {
			card.SupplierName, card.SupplierSlug = snap.suppliers[i].Name, snap.suppliers[i].Slug
		}
		cards = append(cards, card)
	}
	return cards
}

// RelatedProducts returns up to n listed products to show beside p: same category and supplier
// first, then same category, then same supplier; in season at today before out of season, newest
// first.
func (s *Store) RelatedProducts(ctx context.Context, p *Product, n int, today time.Time) ([]ProductCard, error) {
	if n <= 0 {
		return []ProductCard{}, nil
	}
	if today.IsZero() {
		today = time.Now()
	}
	month := int(today.In(shanghai).Month())
	snap, err := s.snapshotFor(ctx, 0)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		var buckets [6][]int64
		for i := range snap.items {
			it := &snap.items[i]
			if !it.listed || it.id == p.ID {
				continue
			}
			sameCat := snap.categories[it.category] == p.Category
			sameSup := snap.suppliers[it.supplier].ID == p.SupplierID
			rank := 0
			switch {
			case sameCat && sameSup:
			case sameCat:
				rank = 2
			case sameSup:
				rank = 4
			default:
				continue
			}
			if it.season&(1<<month) == 0 {
				rank++
			}
			buckets[rank] = append(buckets[rank], it.id)
		}
		ids := slices.Concat(buckets[:]...)
		ids = ids[:min(n, len(ids))]
		rows, version, err := s.pageRows(ctx, ids)
		if err != nil {
			return nil, err
		}
		if version == snap.version || attempt == 2 {
			return snap.cards(ids, rows), nil
		}
		if snap, err = s.snapshotFor(ctx, version); err != nil {
			return nil, err
		}
	}
}
