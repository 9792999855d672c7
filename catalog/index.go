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
	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing"
)

// The product listing filters, counts facets, sorts and pages in memory, over a snapshot of the
// whole catalogue: the cards themselves (everything a card or the listing's JSON shows: every
// field of a product but its description, the supplier's name and the cover photo) and, for each
// value of each facet, the set of products that have it, as a bitset over their positions. A
// listing costs no database round trip. The snapshot is read again, in one consistent read, when
// a write through this process has committed (catalogDB.write marks it stale), and when the
// catalogue's version in PostgreSQL, which every write and a trigger on every table the snapshot
// holds move, differs from the snapshot's: changes made by other replicas. That version is read
// at most once per Config.Recheck.

// Config tunes a Catalog. The zero value is the default.
type Config struct {
	// Recheck is how long a listing trusts the snapshot before it reads the catalogue's version
	// again, so how long a change made by another replica can take to show; 0 is DefaultRecheck.
	// Changes made through the Catalog itself show on the next listing.
	Recheck time.Duration
	// OnChange, when not nil, is called after each write through the Catalog has committed (the
	// search index reads the catalogue again then). It must not block.
	OnChange func()
}

// DefaultRecheck is the Recheck of a zero Config.
const DefaultRecheck = time.Second

type listingIndex struct {
	recheck  time.Duration
	mu       sync.Mutex // serializes reloads
	current  atomic.Pointer[snapshot]
	stale    atomic.Bool  // a write through this process committed after the snapshot was read
	checking atomic.Bool  // a listing is reading the version
	checked  atomic.Int64 // when the version was read last, in Unix nanoseconds
}

// bitset is a set of product positions in a snapshot.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) set(i int32)      { b[i>>6] |= 1 << (uint(i) & 63) }
func (b bitset) clear(i int32)    { b[i>>6] &^= 1 << (uint(i) & 63) }
func (b bitset) has(i int32) bool { return b[i>>6]&(1<<(uint(i)&63)) != 0 }

func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// andCount is the size of the intersection of a and b.
func andCount(a, b bitset) int {
	n := 0
	for i, w := range a {
		n += bits.OnesCount64(w & b[i])
	}
	return n
}

// and sets dst to the intersection of dst and b.
func (b bitset) and(dst bitset) {
	for i, w := range b {
		dst[i] &= w
	}
}

// each calls fn with every position in b, in order.
func (b bitset) each(fn func(int32)) {
	for i, w := range b {
		for w != 0 {
			fn(int32(i<<6 + bits.TrailingZeros64(w)))
			w &= w - 1
		}
	}
}

// The facet groups.
const (
	gCategory = iota
	gCounty
	gSupplier
	gBand
	gSeason
	gFlag
	nGroups
)

// A snapshot never changes once built: listings share it without locks. Position i, the bit i of
// every set, is the product cards[i]; cards are newest first.
type snapshot struct {
	version int64
	cards   []ProductCard // their Stock is as read; stock holds it as it is now
	// stock is each card's stock, kept up to date between reloads from the products whose stock
	// changed lately (stock changes do not move the version), and stockSince the database's
	// time of the last such read, in Unix nanoseconds.
	stock      []atomic.Int32
	positionOf map[int64]int32  // product id → position
	slugAt     map[string]int32 // product slug → position
	stockSince atomic.Int64

	byPrice     []int32          // positions, cheapest first (ties newest first)
	priceOrder  []zhenxing.Money // the prices in byPrice's order
	byPriceDesc []int32          // dearest first (ties newest first)
	byName      []int32          // by name (ties newest first)
	// rank[o][pos] is the place of pos in the order o (byPrice, byPriceDesc, byName).
	rankPrice, rankPriceDesc, rankName []int32

	all, listed bitset
	categories  []string // Categories, then any other category in the data
	category    []bitset // by position in categories
	categoryIdx []int32  // by product position: the category's position in categories
	county      [2]bitset
	band        []bitset // by position in PriceBands
	flag        []bitset // by position in Flags
	season      [13]bitset
	suppliers   []supplierRef
	supplierAt  map[string]int32 // slug → position in suppliers
	supplierOf  map[int64]int32  // id → position in suppliers
	supplier    []bitset         // by position in suppliers
	supplierIdx []int32          // by product position: the supplier's position in suppliers
}

type supplierRef struct {
	ID         int64
	Slug, Name string
}

func countyIndex(c string) int {
	if c == CountyPaired {
		return 0
	}
	return 1
}

// cardColumns are what a snapshot holds of a product: every column but the description.
const cardColumns = `p.id, p.slug, p.name, p.category, p.county, p.township, p.supplier_id, p.spec, p.unit,
	p.price, p.tiers, p.min_qty, p.multiple, p.stock, p.season_start, p.season_end, p.flags,
	p.listed, p.created_at, p.updated_at, p.version`

// loadSnapshot reads the version, the suppliers, the products and their covers in one
// repeatable-read transaction and builds the sets.
func loadSnapshot(ctx context.Context, d *catalogDB) (*snapshot, error) {
	snap := &snapshot{supplierAt: map[string]int32{}, supplierOf: map[int64]int32{}, categories: slices.Clone(Categories)}
	err := pgx.BeginTxFunc(ctx, d.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
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
		for i, r := range snap.suppliers {
			snap.supplierOf[r.ID] = int32(i)
			snap.supplierAt[r.Slug] = int32(i)
		}

		rows, err = tx.Query(ctx, `SELECT `+cardColumns+` FROM products p ORDER BY p.created_at DESC, p.id DESC`)
		if err != nil {
			return fmt.Errorf("index products: %w", err)
		}
		var c ProductCard
		p := &c.Product
		_, err = pgx.ForEachRow(rows, []any{&p.ID, &p.Slug, &p.Name, &p.Category, &p.County, &p.Township, &p.SupplierID,
			&p.Spec, &p.Unit, &p.Price, &p.Tiers, &p.MinQty, &p.Multiple, &p.Stock, &p.SeasonStart, &p.SeasonEnd,
			&p.Flags, &p.Listed, &p.CreatedAt, &p.UpdatedAt, &p.Version}, func() error {
			if i, ok := snap.supplierOf[p.SupplierID]; ok {
				c.SupplierSlug, c.SupplierName = snap.suppliers[i].Slug, snap.suppliers[i].Name
			}
			snap.cards = append(snap.cards, c)
			c = ProductCard{} // the next row scans into fresh slices
			return nil
		})
		if err != nil {
			return fmt.Errorf("index products: %w", err)
		}

		var since time.Time
		if err := tx.QueryRow(ctx, `SELECT now()`).Scan(&since); err != nil {
			return fmt.Errorf("read the time: %w", err)
		}
		snap.stockSince.Store(since.UnixNano())
		snap.stock = make([]atomic.Int32, len(snap.cards))
		snap.positionOf = make(map[int64]int32, len(snap.cards))
		for i := range snap.cards {
			snap.positionOf[snap.cards[i].ID] = int32(i)
			snap.stock[i].Store(int32(snap.cards[i].Stock))
		}
		rows, err = tx.Query(ctx, `SELECT `+photoColumns+` FROM product_photos ph WHERE ph.position = 1`)
		if err != nil {
			return fmt.Errorf("index covers: %w", err)
		}
		covers, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Photo, error) { return scanPhoto(row) })
		if err != nil {
			return fmt.Errorf("index covers: %w", err)
		}
		for _, ph := range covers {
			if i, ok := snap.positionOf[ph.ProductID]; ok {
				snap.cards[i].Photo = ph
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return snap, snap.build()
}

// build makes the sets and the sort orders from the cards and suppliers.
func (snap *snapshot) build() error {
	n := len(snap.cards)
	snap.all, snap.listed = newBitset(n), newBitset(n)
	for g := range snap.county {
		snap.county[g] = newBitset(n)
	}
	for m := range snap.season {
		snap.season[m] = newBitset(n)
	}
	sets := func(k int) []bitset {
		out := make([]bitset, k)
		for i := range out {
			out[i] = newBitset(n)
		}
		return out
	}
	snap.band, snap.flag, snap.supplier = sets(len(PriceBands)), sets(len(Flags)), sets(len(snap.suppliers))
	snap.supplierIdx, snap.categoryIdx = make([]int32, n), make([]int32, n)
	snap.slugAt = make(map[string]int32, n)
	for i := range snap.cards {
		pos, p := int32(i), &snap.cards[i].Product
		snap.all.set(pos)
		snap.slugAt[p.Slug] = pos
		if p.Listed {
			snap.listed.set(pos)
		}
		ci := slices.Index(snap.categories, p.Category)
		if ci < 0 {
			ci = len(snap.categories)
			snap.categories = append(snap.categories, p.Category)
		}
		for len(snap.category) < len(snap.categories) {
			snap.category = append(snap.category, newBitset(n))
		}
		snap.category[ci].set(pos)
		snap.categoryIdx[i] = int32(ci)
		snap.county[countyIndex(p.County)].set(pos)
		snap.band[bandOf(p.Price)].set(pos)
		for _, f := range p.Flags {
			if fi := slices.Index(Flags, f); fi >= 0 {
				snap.flag[fi].set(pos)
			}
		}
		for m := 1; m <= 12; m++ {
			if inSeason(p.SeasonStart, p.SeasonEnd, m) {
				snap.season[m].set(pos)
			}
		}
		si, ok := snap.supplierOf[p.SupplierID]
		if !ok {
			return fmt.Errorf("index product %s: supplier %d is missing", p.Slug, p.SupplierID)
		}
		snap.supplierIdx[i] = si
		snap.supplier[si].set(pos)
	}
	order := func(by func(a, b *Product) int) []int32 {
		o := make([]int32, n)
		for i := range o {
			o[i] = int32(i)
		}
		slices.SortStableFunc(o, func(a, b int32) int { return by(&snap.cards[a].Product, &snap.cards[b].Product) })
		return o
	}
	snap.byPrice = order(func(a, b *Product) int { return cmp.Compare(a.Price, b.Price) })
	snap.priceOrder = make([]zhenxing.Money, n)
	for i, pos := range snap.byPrice {
		snap.priceOrder[i] = snap.cards[pos].Price
	}
	snap.byPriceDesc = order(func(a, b *Product) int { return cmp.Compare(b.Price, a.Price) })
	snap.byName = order(func(a, b *Product) int { return strings.Compare(a.Name, b.Name) })
	rank := func(order []int32) []int32 {
		r := make([]int32, n)
		for i, pos := range order {
			r[pos] = int32(i)
		}
		return r
	}
	snap.rankPrice, snap.rankPriceDesc, snap.rankName = rank(snap.byPrice), rank(snap.byPriceDesc), rank(snap.byName)
	return nil
}

// stockOverlap is how far back of its last read the index reads stock changes again: longer than
// any transaction that changes stock may take (the site bounds a request's database work to 10 s),
// so that a change committed after a read, with a time before it, is not missed.
const stockOverlap = time.Minute

// recheck reads the catalogue's version and, in the same query, the stock of the products whose
// stock changed since the snapshot's last such read (less stockOverlap), which it puts in the
// snapshot at once.
func (snap *snapshot) recheck(ctx context.Context, pool *pgxpool.Pool) (version int64, err error) {
	var now time.Time
	var ids []int64
	var stock []int32
	since := time.Unix(0, snap.stockSince.Load()).Add(-stockOverlap)
	err = pool.QueryRow(ctx, `SELECT (SELECT version FROM catalog_state), now(),
			coalesce(array_agg(id), '{}'), coalesce(array_agg(stock), '{}')
		FROM products WHERE stock_changed_at > $1`, since).Scan(&version, &now, &ids, &stock)
	if err != nil {
		return 0, fmt.Errorf("read catalog version: %w", err)
	}
	for i, id := range ids {
		if pos, ok := snap.positionOf[id]; ok {
			snap.stock[pos].Store(stock[i])
		}
	}
	snap.stockSince.Store(now.UnixNano())
	return version, nil
}

// card is the card at pos with its stock as it is now.
func (snap *snapshot) card(pos int32) ProductCard {
	c := snap.cards[pos]
	c.Stock = int(snap.stock[pos].Load())
	return c
}

// snapshot returns the index to list from: the current one while it is fresh, else a new one,
// read once for all the listings that wait for it.
func (d *catalogDB) snapshot(ctx context.Context) (*snapshot, error) {
	ix := &d.index
	cur := ix.current.Load()
	if cur != nil && !ix.stale.Load() {
		if time.Now().UnixNano()-ix.checked.Load() < int64(ix.recheck) || !ix.checking.CompareAndSwap(false, true) {
			return cur, nil // fresh, or another listing is reading the version
		}
		version, err := cur.recheck(ctx, d.pool)
		if err == nil {
			ix.checked.Store(time.Now().UnixNano())
		}
		ix.checking.Store(false)
		if err != nil {
			return nil, err
		}
		if version == cur.version {
			return cur, nil
		}
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if now := ix.current.Load(); now != nil && now != cur && !ix.stale.Load() {
		return now, nil // another listing has just read it
	}
	ix.stale.Store(false) // a write that commits from here on marks the new snapshot stale again
	started := time.Now().UnixNano()
	snap, err := loadSnapshot(ctx, d)
	if err != nil {
		ix.stale.Store(true)
		return nil, err
	}
	ix.current.Store(snap)
	ix.checked.Store(started)
	return snap, nil
}

// List returns one page of the products matching q, with the facet counts of the whole
// selection, from the in-memory index (no database round trip unless the index must be read
// again). Unlisted products are left out unless q.IncludeUnlisted. A bad value in q is an
// EInvalid error with the Chinese message ParseProductQuery gives, an unknown supplier too; a
// page past the last is an empty page, and a query that matches nothing a page with Total 0.
func (s *Products) List(ctx context.Context, q ProductQuery) (ProductPage, error) {
	snap, err := s.db.snapshot(ctx)
	if err != nil {
		return ProductPage{}, err
	}
	return snap.list(q)
}

// InSeason returns up to limit (at most MaxPerPage) listed products in season at today, newest
// first; a limit below 1 gives none.
func (s *Products) InSeason(ctx context.Context, today time.Time, limit int) ([]ProductCard, error) {
	if limit < 1 {
		return []ProductCard{}, nil
	}
	page, err := s.List(ctx, ProductQuery{InSeason: true, Today: today, Sort: SortNewest, PerPage: min(limit, MaxPerPage)})
	return page.Products, err
}

// Related returns up to n listed products to show beside p: same category and supplier first,
// then same category, then same supplier; in season at today before out of season, newest first.
// n below 1 gives none; a product with no relation gives an empty list.
func (s *Products) Related(ctx context.Context, p *Product, n int, today time.Time) ([]ProductCard, error) {
	if n <= 0 {
		return []ProductCard{}, nil
	}
	if today.IsZero() {
		today = time.Now()
	}
	snap, err := s.db.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	season := snap.season[today.In(zhenxing.Beijing).Month()]
	ci := slices.Index(snap.categories, p.Category)
	si, hasSupplier := snap.supplierOf[p.SupplierID]
	var buckets [6][]int32
	snap.listed.each(func(pos int32) {
		if snap.cards[pos].ID == p.ID {
			return
		}
		sameCat := ci >= 0 && snap.category[ci].has(pos)
		sameSup := hasSupplier && snap.supplierIdx[pos] == si
		rank := 0
		switch {
		case sameCat && sameSup:
		case sameCat:
			rank = 2
		case sameSup:
			rank = 4
		default:
			return
		}
		if !season.has(pos) {
			rank++
		}
		buckets[rank] = append(buckets[rank], pos)
	})
	cards := []ProductCard{}
	for _, b := range buckets {
		for _, pos := range b {
			if len(cards) == n {
				return cards, nil
			}
			cards = append(cards, snap.card(pos))
		}
	}
	return cards, nil
}

// scratch holds the sets one listing computes; listings reuse them.
type scratch struct {
	base, final  bitset
	masks        [nGroups]bitset // the selection of each facet group; nil: no selection
	others, rest bitset
	owned        [nGroups]bitset // masks this scratch may write (ORs of several values)
	picked       []int32         // the page's positions
}

var scratches sync.Pool

func getScratch(words int) *scratch {
	sc, _ := scratches.Get().(*scratch)
	if sc == nil || len(sc.base) != words {
		sc = &scratch{base: make(bitset, words), final: make(bitset, words), others: make(bitset, words), rest: make(bitset, words)}
		for g := range sc.owned {
			sc.owned[g] = make(bitset, words)
		}
	}
	return sc
}

// union returns the group's mask: the set of the one value, or the union of several in the
// scratch's own set for the group.
func (sc *scratch) union(g int, sets []bitset) bitset {
	if len(sets) == 1 {
		return sets[0]
	}
	m := sc.owned[g]
	clear(m)
	for _, s := range sets {
		for i, w := range s {
			m[i] |= w
		}
	}
	return m
}

// list filters, counts and pages.
func (snap *snapshot) list(q ProductQuery) (ProductPage, error) {
	if err := q.check(); err != nil {
		return ProductPage{}, err
	}
	if q.Today.IsZero() {
		q.Today = time.Now()
	}
	q.Page = max(q.Page, 1)
	if q.PerPage < 1 || q.PerPage > MaxPerPage {
		q.PerPage = DefaultPerPage
	}
	sc := getScratch(len(snap.all))
	defer scratches.Put(sc)

	// Facet selections.
	sc.masks = [nGroups]bitset{}
	pick := func(g int, values []string, index func(string) (int, bool), sets []bitset) error {
		if len(values) == 0 {
			return nil
		}
		chosen := make([]bitset, 0, len(values))
		for _, v := range values {
			i, ok := index(v)
			if !ok {
				return unknownSupplier(v) // the only values check has not refused already
			}
			chosen = append(chosen, sets[i])
		}
		sc.masks[g] = sc.union(g, chosen)
		return nil
	}
	in := func(list []string) func(string) (int, bool) {
		return func(v string) (int, bool) { i := slices.Index(list, v); return i, i >= 0 }
	}
	if err := pick(gCategory, q.Categories, in(snap.categories), snap.category); err != nil {
		return ProductPage{}, err
	}
	if err := pick(gCounty, q.Counties, func(v string) (int, bool) { return countyIndex(v), true }, snap.county[:]); err != nil {
		return ProductPage{}, err
	}
	supplierAt := func(v string) (int, bool) { i, ok := snap.supplierAt[v]; return int(i), ok }
	if err := pick(gSupplier, q.Suppliers, supplierAt, snap.supplier); err != nil {
		return ProductPage{}, err
	}
	if q.PriceBand != "" {
		_ = pick(gBand, []string{q.PriceBand}, func(v string) (int, bool) {
			i := slices.IndexFunc(PriceBands, func(b PriceBand) bool { return b.Key == v })
			return i, i >= 0
		}, snap.band)
	}
	if err := pick(gFlag, q.Flags, in(Flags), snap.flag); err != nil {
		return ProductPage{}, err
	}
	seasonNow := snap.season[q.Today.In(zhenxing.Beijing).Month()]
	if q.InSeason {
		sc.masks[gSeason] = seasonNow
	}

	// The filters that are not facets: listing, price bounds, the search engine's matches.
	base := sc.base
	if q.IncludeUnlisted {
		copy(base, snap.all)
	} else {
		copy(base, snap.listed)
	}
	if q.MinPrice > 0 || q.MaxPrice > 0 {
		snap.priceRange(q.MinPrice, q.MaxPrice, sc.others).and(base)
	}
	var matched []int32 // the positions of q.Matches, best first
	if q.Matches != nil {
		copy(sc.others, base)
		clear(base)
		for _, slug := range q.Matches {
			if pos, ok := snap.slugAt[slug]; ok && sc.others.has(pos) && !base.has(pos) {
				base.set(pos)
				matched = append(matched, pos)
			}
		}
	}

	final := sc.final
	copy(final, base)
	for _, m := range sc.masks {
		if m != nil {
			m.and(final)
		}
	}
	// A facet's counts apply every filter but its own group's.
	othersOf := func(g int) bitset {
		if sc.masks[g] == nil {
			return final
		}
		copy(sc.others, base)
		for h, m := range sc.masks {
			if h != g && m != nil {
				m.and(sc.others)
			}
		}
		return sc.others
	}
	f := Facets{Categories: []FacetValue{}, Counties: []FacetValue{}, Suppliers: []FacetValue{},
		PriceBands: []FacetValue{}, Flags: []FacetValue{}}
	add := func(list *[]FacetValue, v, label string, count int, selected bool) {
		if count > 0 || selected {
			*list = append(*list, FacetValue{Value: v, Label: label, Count: count, Selected: selected})
		}
	}
	for i, n := range countBy(othersOf(gCategory), snap.category, snap.categoryIdx) {
		name := snap.categories[i]
		add(&f.Categories, name, name, n, slices.Contains(q.Categories, name))
	}
	others := othersOf(gCounty)
	for i, name := range []string{CountyPaired, CountyLocal} {
		add(&f.Counties, name, name, andCount(others, snap.county[i]), slices.Contains(q.Counties, name))
	}
	for i, n := range countBy(othersOf(gSupplier), snap.supplier, snap.supplierIdx) {
		r := snap.suppliers[i]
		add(&f.Suppliers, r.Slug, r.Name, n, slices.Contains(q.Suppliers, r.Slug))
	}
	slices.SortStableFunc(f.Suppliers, func(a, b FacetValue) int { return b.Count - a.Count })
	others = othersOf(gBand)
	for i, b := range PriceBands {
		add(&f.PriceBands, b.Key, b.Label, andCount(others, snap.band[i]), q.PriceBand == b.Key)
	}
	others = othersOf(gFlag)
	for i, name := range Flags {
		add(&f.Flags, name, name, andCount(others, snap.flag[i]), slices.Contains(q.Flags, name))
	}
	f.InSeason = andCount(othersOf(gSeason), seasonNow)

	page := ProductPage{Total: final.count(), Page: q.Page, Facets: f}
	page.Pages = (page.Total + q.PerPage - 1) / q.PerPage
	page.Products = make([]ProductCard, 0, min(q.PerPage, page.Total))
	if q.Page > page.Pages {
		return page, nil // past the last page (a huge page number included)
	}
	skip, take := (q.Page-1)*q.PerPage, q.PerPage
	var picked []int32
	switch {
	case q.Sort == SortNewest:
		picked = final.positions(skip, take, sc.picked[:0])
	case q.Sort == SortPriceAsc:
		picked = pickPage(final, page.Total, snap.byPrice, snap.rankPrice, skip, take, sc.picked[:0])
	case q.Sort == SortPriceDesc:
		picked = pickPage(final, page.Total, snap.byPriceDesc, snap.rankPriceDesc, skip, take, sc.picked[:0])
	case q.Matches != nil: // the search engine's order
		picked = sc.picked[:0]
		for _, pos := range matched {
			if !final.has(pos) {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			if len(picked) == take {
				break
			}
			picked = append(picked, pos)
		}
	default: // in season first, each part by name
		in, out := sc.others, sc.rest
		for i, w := range final {
			in[i], out[i] = w&seasonNow[i], w&^seasonNow[i]
		}
		nIn := in.count()
		picked = pickPage(in, nIn, snap.byName, snap.rankName, skip, take, sc.picked[:0])
		picked = pickPage(out, page.Total-nIn, snap.byName, snap.rankName, max(skip-nIn, 0), take-len(picked), picked)
	}
	for _, pos := range picked {
		page.Products = append(page.Products, snap.card(pos))
	}
	sc.picked = picked
	return page, nil
}

// pickPage appends to dst the positions of set (k of them) in the given order, leaving out the
// first skip and keeping at most take; rank[pos] is the place of pos in order. A set dense
// enough is read by walking the order; a sparse one is sorted by rank instead.
func pickPage(set bitset, k int, order, rank []int32, skip, take int, dst []int32) []int32 {
	if skip >= k || take <= 0 {
		return dst
	}
	if walk := (skip + take) * (len(order) / k); walk <= 4*k*bits.Len(uint(k)) {
		for _, pos := range order {
			if !set.has(pos) {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			dst = append(dst, pos)
			if take--; take == 0 {
				break
			}
		}
		return dst
	}
	all := set.positions(0, k, make([]int32, 0, k))
	slices.SortFunc(all, func(a, b int32) int { return cmp.Compare(rank[a], rank[b]) })
	return append(dst, all[skip:min(skip+take, len(all))]...)
}

// positions appends to dst the positions in b in order, leaving out the first skip and keeping
// at most take; it passes over whole words while skip covers them.
func (b bitset) positions(skip, take int, dst []int32) []int32 {
	for i, w := range b {
		if n := bits.OnesCount64(w); skip >= n {
			skip -= n
			continue
		}
		for ; w != 0 && take > 0; w &= w - 1 {
			if skip > 0 {
				skip--
				continue
			}
			dst = append(dst, int32(i<<6+bits.TrailingZeros64(w)))
			take--
		}
		if take == 0 {
			break
		}
	}
	return dst
}

// priceRange returns, in dst, the positions whose price is from lo to hi inclusive (hi 0: no
// upper bound). The positions in and out of the range are each a run of byPrice: it marks the
// shorter run.
func (snap *snapshot) priceRange(lo, hi zhenxing.Money, dst bitset) bitset {
	from, _ := slices.BinarySearch(snap.priceOrder, lo)
	to := len(snap.priceOrder)
	if hi > 0 {
		to, _ = slices.BinarySearch(snap.priceOrder, hi+1)
	}
	to = max(to, from)
	if inside := snap.byPrice[from:to]; len(inside) <= len(snap.byPrice)/2 {
		clear(dst)
		for _, pos := range inside {
			dst.set(pos)
		}
		return dst
	}
	copy(dst, snap.all)
	for _, pos := range snap.byPrice[:from] {
		dst.clear(pos)
	}
	for _, pos := range snap.byPrice[to:] {
		dst.clear(pos)
	}
	return dst
}

// countBy counts the positions of set by value, where sets[v] are the positions with the value v
// and idx[pos] is the value of pos: one intersection per value when set is large, one pass over
// its positions when that is less work.
func countBy(set bitset, sets []bitset, idx []int32) []int {
	counts := make([]int, len(sets))
	if n := set.count(); n < len(sets)*len(set) {
		set.each(func(pos int32) { counts[idx[pos]]++ })
		return counts
	}
	for v := range counts {
		counts[v] = andCount(set, sets[v])
	}
	return counts
}
