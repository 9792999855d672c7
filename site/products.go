package site

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"zhenxing"
	"zhenxing/catalog"
	"zhenxing/content"
)

// The hall's products (消费帮扶馆): the listing with facets, the product pages and the product
// API. The hall's own page is in hall.go, photos in photos.go, suppliers in suppliers.go.
//
// Query parameters of /hall/products and /api/v1/products. Repeat a parameter to combine values
// (category=樱桃&category=菌菇: either category); different parameters must all match.
//
//	category  product category, one of catalog.Categories (repeatable)
//	county    origin county: 略阳县 or 灞桥区 (repeatable)
//	supplier  supplier slug (repeatable)
//	flag      certification mark: 地理标志, 绿色 or 有机 (repeatable)
//	band      one price band, a catalog.PriceBands key: 0-50, 50-100, 100-200 or 200-
//	min, max  unit price bounds in yuan, inclusive, up to two decimals (49.9); converted to fen
//	season    1: only seasonal products in their window this month (all-year products are not 当季)
//	q         words the search engine finds the product by (name, pinyin, specification, category,
//	          origin, supplier); with no sort the listing is in the engine's order, best first
//	sort      price (cheapest first), -price (dearest first) or newest; default: in season first
//	page      page number from 1; 20 products a page
//
// catalog.ParseProductQuery reads them: a bad value (an unknown category, county, supplier, flag
// or band; a negative or non-numeric price; min above max; an unknown sort) is 400 with its
// Chinese message; a page past the last is an empty page with a message.

const hallColumn = "消费帮扶馆"

// productQuery reads the listing's filters, which the catalogue validates (a bad value is its
// EInvalid error), and returns them as the catalogue query (20 a page, on the server's clock)
// and as normalized URL values without the page, from which every facet, sort and pager link
// and the cache key are built.
func (s *Server) productQuery(c *fiber.Ctx) (catalog.ProductQuery, url.Values, error) {
	q, err := catalog.ParseProductQuery(queryValues(c))
	q.Today, q.PerPage = s.now(), perPage
	return q, q.Values(), err
}

// products runs a listing query. A page past the last is an empty page (the store's answer)
// with a message saying how many pages there are.
// A text query goes to the search engine first (matchProducts): its failure is an errSearchDown
// for searchFailed.
func (s *Server) products(ctx context.Context, q catalog.ProductQuery) (catalog.ProductPage, string, error) {
	if q.Q != "" {
		ids, err := s.matchProducts(ctx, q.Q)
		if err != nil {
			return catalog.ProductPage{}, "", err
		}
		q.Matches = ids
	}
	res, err := s.deps.Products.List(ctx, q)
	if err != nil {
		return res, "", err
	}
	res.Page = max(res.Page, q.Page)
	switch {
	case len(res.Products) > 0 || res.Page <= 1:
		return res, "", nil
	case res.Total == 0:
		return res, fmt.Sprintf("第 %d 页没有产品：没有符合条件的产品。", res.Page), nil
	default:
		return res, fmt.Sprintf("第 %d 页没有产品：符合条件的产品共 %d 种，%d 页。", res.Page, res.Total, res.Pages), nil
	}
}

// hallFacetLink is one value of a facet: a link that adds or removes it, with its count.
type hallFacetLink struct {
	Label    string
	Count    int
	Selected bool
	URL      string
}

// hallFacet is one facet of the listing.
type hallFacet struct {
	ID    string // the HTML id of its heading
	Name  string
	Links []hallFacetLink
}

// hallFilter is a filter in force, with a link that removes it.
type hallFilter struct {
	Label     string
	RemoveURL string
}

// hallSort is one sort order.
type hallSort struct {
	Label   string
	URL     string
	Current bool
}

// hallHidden is a filter the search and price form carries along.
type hallHidden struct{ Name, Value string }

// hallListing is what the listing template shows.
type hallListing struct {
	Facets   []hallFacet
	Active   []hallFilter
	ClearURL string
	Sorts    []hallSort
	Hidden   []hallHidden
	Q        string
	Min, Max string
	Products []hallCard
	Total    int
	Page     int
	Pages    int
	Pager    pager
}

// newHallListing builds the facet, filter, sort and page links of a listing from its filters v
// (normalized, without the page), so that a cached page never carries one reader's stray
// parameters.
func newHallListing(path string, q catalog.ProductQuery, v url.Values, res catalog.ProductPage) hallListing {
	base := linkTo(path, v)
	l := hallListing{ClearURL: path, Total: res.Total, Page: res.Page, Pages: res.Pages, Q: q.Q, Min: v.Get("min"), Max: v.Get("max"),
		Pager: pageNumber(res.Page).Pager(base, res.Total)}
	shown := map[string]bool{} // key=value of the filters listed as active
	group := func(key, name string, values []catalog.FacetValue) {
		g := hallFacet{ID: "facet-" + key, Name: name, Links: make([]hallFacetLink, 0, len(values))}
		for _, fv := range values {
			sel := fv.Selected || slices.Contains(v[key], fv.Value)
			var to link
			switch {
			case key != "band":
				to = base.Toggle(key, fv.Value)
			case sel:
				to = base.Del(key)
			default:
				to = base.Set(key, fv.Value)
			}
			url := to.String()
			g.Links = append(g.Links, hallFacetLink{Label: fv.Label, Count: fv.Count, Selected: sel, URL: url})
			if sel && !shown[key+"="+fv.Value] {
				shown[key+"="+fv.Value] = true
				l.Active = append(l.Active, hallFilter{Label: name + "\uff1a" + fv.Label, RemoveURL: url})
			}
		}
		l.Facets = append(l.Facets, g)
	}
	f := res.Facets
	group("category", "品类", f.Categories)
	group("county", "产地", f.Counties)
	group("supplier", "供应商", f.Suppliers)
	group("band", "价格区间", f.PriceBands)
	group("flag", "认证标志", f.Flags)
	season := base.Set("season", "1").String()
	if q.InSeason {
		season = base.Del("season").String()
	}
	l.Facets = append(l.Facets, hallFacet{ID: "facet-season", Name: "上市季节", Links: []hallFacetLink{
		{Label: "当季", Count: f.InSeason, Selected: q.InSeason, URL: season},
	}})
	if q.InSeason {
		l.Active = append(l.Active, hallFilter{Label: "上市季节：当季", RemoveURL: season})
	}
	// Selected values a facet did not list stay visible and removable.
	for _, key := range []string{"category", "county", "supplier", "flag", "band"} {
		for _, val := range v[key] {
			if !shown[key+"="+val] {
				l.Active = append(l.Active, hallFilter{Label: val, RemoveURL: base.Toggle(key, val).String()})
			}
		}
	}
	if l.Q != "" {
		l.Active = append(l.Active, hallFilter{Label: "关键词：" + l.Q, RemoveURL: base.Del("q").String()})
	}
	if l.Min != "" {
		l.Active = append(l.Active, hallFilter{Label: "最低价：" + l.Min + " 元", RemoveURL: base.Del("min").String()})
	}
	if l.Max != "" {
		l.Active = append(l.Active, hallFilter{Label: "最高价：" + l.Max + " 元", RemoveURL: base.Del("max").String()})
	}
	for _, o := range hallSorts {
		l.Sorts = append(l.Sorts, hallSort{Label: o.Label, Current: o.Value == q.Sort, URL: base.Set("sort", o.Value).String()})
	}
	for _, p := range base.params {
		if p.key != "min" && p.key != "max" && p.key != "q" {
			l.Hidden = append(l.Hidden, hallHidden{p.key, p.value})
		}
	}
	return l
}

// hallSorts are the listing's sort orders, as the page offers them.
var hallSorts = []struct{ Value, Label string }{
	{catalog.SortDefault, "当季优先"},
	{catalog.SortPriceAsc, "价格从低到高"},
	{catalog.SortPriceDesc, "价格从高到低"},
	{catalog.SortNewest, "最新上架"},
}

// hallCard is a product in a list, with what its card shows.
type hallCard struct {
	catalog.ProductCard
	URL        string
	Season     string // 当季, 非当季 or 全年供应
	InSeason   bool
	StockState string
	StockClass string
}

func productURL(slug string) string { return "/hall/products/" + url.PathEscape(slug) }

func supplierURL(slug string) string { return "/hall/suppliers/" + url.PathEscape(slug) }

func (s *Server) cards(list []catalog.ProductCard) []hallCard {
	now := s.now()
	out := make([]hallCard, len(list))
	for i := range list {
		p := &list[i].Product
		state, class := stockState(p)
		in := p.InSeasonOn(now)
		out[i] = hallCard{ProductCard: list[i], URL: productURL(p.Slug), Season: seasonBadge(p, in), InSeason: in, StockState: state, StockClass: class}
	}
	return out
}

// stockState says whether a product can be ordered, by the catalogue's thresholds: 已售罄 below
// one minimum order, 库存紧张 below five, else 有货. The class names the CSS badge.
func stockState(p *catalog.Product) (label, class string) {
	switch st := p.StockState(); st {
	case catalog.StockOut:
		return "已售罄", st
	case catalog.StockLow:
		return "库存紧张", st
	default:
		return "有货", st
	}
}

// seasonBadge is 全年供应 for products sold all year, else 当季 or 非当季.
func seasonBadge(p *catalog.Product, inSeason bool) string {
	switch {
	case !p.Seasonal():
		return "全年供应"
	case inSeason:
		return "当季"
	default:
		return "非当季"
	}
}

// seasonText is the season window as a sentence: "5月—6月 上市", or "全年供应".
func seasonText(p *catalog.Product) string {
	if !p.Seasonal() {
		return p.SeasonLabel()
	}
	return p.SeasonLabel() + " 上市"
}

// listingView is the product listing page: its main part is written in Go (hallrender.go).
type listingView struct {
	Layout
	Main template.HTML
}

// productList is the listing with facets, counts, sorting and pagination. Rendered pages are
// kept for a moment (hallcache.go), keyed by their normalized filters and the display mode.
func (s *Server) productList(c *fiber.Ctx) error {
	q, v, err := s.productQuery(c)
	if err != nil {
		return err
	}
	const path = "/hall/products"
	uri := linkTo(path, v).Page(q.Page).String()
	key := "page|" + prefsOf(c).Class() + "|" + uri
	if sent, err := s.cachedListing(c, key); sent {
		return err
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	res, msg, err := s.products(ctx, q)
	if err != nil {
		return s.searchFailed(c, err)
	}
	l := newHallListing(path, q, v, res)
	l.Products = s.cards(res.Products)
	buf := listingBufs.get()
	defer listingBufs.put(buf)
	body, err := s.renderListing(c, buf, &listingView{Layout: Layout{
		Title:       "全部产品",
		Description: "消费帮扶馆的产品：按品类、产地、供应商、价格、上市季节和认证筛选。",
		Column:      hallColumn,
		Section:     sectionHall,
		Crumbs:      []crumb{{"首页", "/"}, {hallColumn, "/hall/"}, {"全部产品", ""}},
		NoIndex:     len(v) > 0 || res.Page > 1,
		Message:     msg,
		Path:        uri,
	}}, &l)
	if err != nil {
		return err
	}
	return s.sendListing(c, key, fiber.MIMETextHTMLCharsetUTF8, body)
}

// cachedListing sends the listing the hall cache keeps under key and reports whether there was
// one; with the cache off (HallCacheTTL 0) there never is.
func (s *Server) cachedListing(c *fiber.Ctx, key string) (bool, error) {
	if s.hall.ttl <= 0 {
		return false, nil
	}
	if e, ok := s.hall.get(key, time.Now()); ok {
		return true, e.send(c)
	}
	return false, nil
}

// sendListing sends a listing just rendered, with its ETag, and keeps a copy under key while the
// hall cache is on. body may be a buffer the caller reuses once the handler returns: the
// response gets a copy of it.
func (s *Server) sendListing(c *fiber.Ctx, key, contentType string, body []byte) error {
	if s.hall.ttl <= 0 {
		r := newRendered(contentType, body, false)
		r.borrowed = true
		return r.send(c)
	}
	return s.hall.put(key, contentType, bytes.Clone(body), time.Now()).send(c)
}

// hallTier is one row of the price table: from Qty units on, each costs Price.
type hallTier struct {
	Qty   int
	Price zhenxing.Money
}

// hallProduct is a product page.
type hallProduct struct {
	*catalog.ProductDetail
	Supplier    hallSupplier
	InSeason    bool
	Season      string // the window: 5月—6月 上市
	SeasonBadge string // 当季, 非当季, 全年供应
	StockState  string
	StockClass  string
	Tiers       []hallTier
	Description template.HTML
	Related     []hallCard
}

// productPageView is a product's page.
type productPageView struct {
	Layout
	Product *hallProduct
	Buyer   bool   // a buyer is logged in: the page has the form that adds to the cart
	CSRF    string // the token of that form
	Login   string // for anyone else, the buyers' login with the way back to the product
}

// productPage shows one listed product, with the form that adds it to the cart for a logged-in
// buyer and a link to the buyers' login for anyone else; unlisted and unknown products are 404.
func (s *Server) productPage(c *fiber.Ctx) error {
	ctx, cancel := dbContext(c)
	defer cancel()
	v, err := s.loadProduct(ctx, c.Params("slug"))
	if err != nil {
		return err
	}
	related, err := s.deps.Products.Related(ctx, &v.Product, 6, s.now())
	if err != nil {
		return err
	}
	v.Related = s.cards(related)
	page := &productPageView{Product: v, Layout: Layout{
		Title:       v.Name,
		Description: v.Name + "\uff0c" + v.Spec + "\uff0c产地" + v.County + v.Township + "\uff0c供应商" + v.Supplier.Name + "。",
		Keywords:    strings.Join(append([]string{v.Category, v.County}, v.Flags...), ","),
		Column:      hallColumn,
		Section:     sectionHall,
		ReadAloud:   true,
		Crumbs:      []crumb{{"首页", "/"}, {hallColumn, "/hall/"}, {"全部产品", "/hall/products"}, {v.Name, ""}},
		JSONLD:      s.productLD(v),
	}}
	page.Buyer, page.CSRF = userOf(c).IsBuyer(), csrfOf(c)
	page.Login = "/account/login?next=" + url.QueryEscape("/hall/products/"+v.Slug)
	return s.renderPage(c, fiber.StatusOK, "product", page)
}

// loadProduct reads a product on sale with its supplier and photos, as the public sees it: an
// unknown or unlisted slug is the catalogue's ENotFound.
func (s *Server) loadProduct(ctx context.Context, slug string) (*hallProduct, error) {
	d, err := s.deps.Products.FindListed(ctx, slug)
	if err != nil {
		return nil, err
	}
	now := s.now()
	state, class := stockState(&d.Product)
	v := &hallProduct{
		ProductDetail: d,
		Supplier:      s.supplierView(&d.Supplier, -1),
		InSeason:      d.InSeasonOn(now),
		Season:        seasonText(&d.Product),
		SeasonBadge:   seasonBadge(&d.Product, d.InSeasonOn(now)),
		StockState:    state,
		StockClass:    class,
		Description:   content.RenderMarkdown(d.Product.Description),
	}
	first := max(d.MinQty, 1)
	v.Tiers = append(v.Tiers, hallTier{first, d.Price})
	for _, t := range d.Tiers {
		if t.MinQty > first {
			v.Tiers = append(v.Tiers, hallTier{t.MinQty, t.Price})
		}
	}
	return v, nil
}

// availability is the schema.org availability of a stock class.
var availability = map[string]string{
	catalog.StockIn:  "https://schema.org/InStock",
	catalog.StockLow: "https://schema.org/LimitedAvailability",
	catalog.StockOut: "https://schema.org/OutOfStock",
}

// productLD is the schema.org Product with its offer in CNY and the bulk prices.
func (s *Server) productLD(v *hallProduct) map[string]any {
	var specs []map[string]any
	for _, t := range v.Tiers {
		specs = append(specs, map[string]any{
			"@type": "UnitPriceSpecification", "price": t.Price.Yuan(), "priceCurrency": "CNY",
			"eligibleQuantity": map[string]any{"@type": "QuantitativeValue", "minValue": t.Qty, "unitText": v.Unit},
		})
	}
	org := map[string]any{"@type": "Organization", "name": v.Supplier.Name, "url": s.absURL(v.Supplier.URL)}
	ld := map[string]any{
		"@context":    "https://schema.org",
		"@type":       "Product",
		"name":        v.Name,
		"sku":         v.Slug,
		"category":    v.Category,
		"description": v.Name + "\uff0c" + v.Spec + "\uff0c产地" + v.County + v.Township,
		"url":         s.absURL(productURL(v.Slug)),
		"brand":       org,
		"offers": map[string]any{
			"@type":              "Offer",
			"price":              v.Price.Yuan(),
			"priceCurrency":      "CNY",
			"availability":       availability[v.StockClass],
			"url":                s.absURL(productURL(v.Slug)),
			"priceSpecification": specs,
			"seller":             org,
		},
	}
	var images []string
	for _, ph := range v.Photos {
		images = append(images, s.absURL(ph.URL()))
	}
	if len(images) > 0 {
		ld["image"] = images
	}
	return ld
}

// productJSON is a product in the API. Prices are in fen (integers), with price_yuan to show.
type productJSON struct {
	Slug            string              `json:"slug"`
	Name            string              `json:"name"`
	URL             string              `json:"url"`
	Category        string              `json:"category"`
	County          string              `json:"county"`
	Township        string              `json:"township"`
	Supplier        supplierRefJSON     `json:"supplier"`
	Spec            string              `json:"spec"`
	Unit            string              `json:"unit"`
	Price           zhenxing.Money      `json:"price"`
	PriceYuan       string              `json:"price_yuan"`
	Tiers           []catalog.PriceTier `json:"tiers"`
	MinQty          int                 `json:"min_qty"`
	Multiple        int                 `json:"multiple"`
	Stock           int                 `json:"stock"`
	StockState      string              `json:"stock_state"`
	SeasonStart     int                 `json:"season_start"`
	SeasonEnd       int                 `json:"season_end"`
	Season          string              `json:"season"`
	InSeason        bool                `json:"in_season"`
	Flags           []string            `json:"flags"`
	Photo           string              `json:"photo,omitempty"`
	Photos          []photoJSON         `json:"photos,omitempty"`
	Description     string              `json:"description,omitempty"`
	DescriptionHTML string              `json:"description_html,omitempty"`
	UpdatedAt       string              `json:"updated_at"`
}

type supplierRefJSON struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

type photoJSON struct {
	URL         string `json:"url"`
	Alt         string `json:"alt"`
	ContentType string `json:"content_type"`
}

func (s *Server) toProductJSON(p *catalog.Product, supSlug, supName string) productJSON {
	state, _ := stockState(p)
	j := productJSON{
		Slug: p.Slug, Name: p.Name, URL: s.absURL(productURL(p.Slug)), Category: p.Category,
		County: p.County, Township: p.Township,
		Supplier: supplierRefJSON{Slug: supSlug, Name: supName, URL: s.absURL(supplierURL(supSlug))},
		Spec:     p.Spec, Unit: p.Unit, Price: p.Price, PriceYuan: p.Price.Yuan(), Tiers: p.Tiers,
		MinQty: p.MinQty, Multiple: p.Multiple, Stock: p.Stock, StockState: state,
		SeasonStart: p.SeasonStart, SeasonEnd: p.SeasonEnd, Season: seasonText(p), InSeason: p.InSeasonOn(s.now()),
		Flags: p.Flags, UpdatedAt: p.UpdatedAt.In(zhenxing.Beijing).Format(time.RFC3339),
	}
	if j.Tiers == nil {
		j.Tiers = []catalog.PriceTier{}
	}
	if j.Flags == nil {
		j.Flags = []string{}
	}
	return j
}

// facetsJSON are the facet counts in the API, keyed by the parameter that selects their values.
type facetsJSON struct {
	Categories []catalog.FacetValue `json:"category"`
	Counties   []catalog.FacetValue `json:"county"`
	Suppliers  []catalog.FacetValue `json:"supplier"`
	PriceBands []catalog.FacetValue `json:"band"`
	Flags      []catalog.FacetValue `json:"flag"`
	InSeason   int                  `json:"season"`
}

func toFacetsJSON(f catalog.Facets) facetsJSON {
	nonNil := func(v []catalog.FacetValue) []catalog.FacetValue {
		if v == nil {
			return []catalog.FacetValue{}
		}
		return v
	}
	return facetsJSON{nonNil(f.Categories), nonNil(f.Counties), nonNil(f.Suppliers), nonNil(f.PriceBands), nonNil(f.Flags), f.InSeason}
}

// apiProducts lists listed products as JSON with the filters, facet counts and pagination of
// /hall/products; answers are kept for a moment like the pages.
func (s *Server) apiProducts(c *fiber.Ctx) error {
	q, v, err := s.productQuery(c)
	if err != nil {
		return err
	}
	key := "api|" + linkTo("/api/v1/products", v).Page(q.Page).String()
	if sent, err := s.cachedListing(c, key); sent {
		return err
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	res, msg, err := s.products(ctx, q)
	if err != nil {
		return s.searchFailed(c, err)
	}
	list := make([]productJSON, len(res.Products))
	for i := range res.Products {
		card := &res.Products[i]
		list[i] = s.toProductJSON(&card.Product, card.SupplierSlug, card.SupplierName)
		if card.Photo != nil {
			list[i].Photo = s.absURL(card.Photo.URL())
		}
	}
	out := fiber.Map{
		"products": list, "total": res.Total, "page": res.Page, "pages": res.Pages, "per_page": perPage,
		"facets": toFacetsJSON(res.Facets),
	}
	if msg != "" {
		out["message"] = msg
	}
	body, err := json.Marshal(out)
	if err != nil {
		return err
	}
	return s.sendListing(c, key, fiber.MIMEApplicationJSONCharsetUTF8, body)
}

// apiProduct is one listed product with its photos, rendered description and supplier.
func (s *Server) apiProduct(c *fiber.Ctx) error {
	ctx, cancel := dbContext(c)
	defer cancel()
	v, err := s.loadProduct(ctx, c.Params("slug"))
	if err != nil {
		return err
	}
	j := s.toProductJSON(&v.Product, v.Supplier.Slug, v.Supplier.Name)
	j.Photos = []photoJSON{}
	for _, ph := range v.Photos {
		j.Photos = append(j.Photos, photoJSON{s.absURL(ph.URL()), ph.Alt, ph.ContentType})
	}
	if len(j.Photos) > 0 {
		j.Photo = j.Photos[0].URL
	}
	j.Description = v.Product.Description
	j.DescriptionHTML = string(v.Description)
	return c.JSON(fiber.Map{"product": j, "supplier": s.toSupplierJSON(v.Supplier)})
}
