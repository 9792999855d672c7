package catalog

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhenxing"
)

// PriceBand is one value of the price facet: unit prices from Min (inclusive) to Max
// (exclusive; 0 means no upper bound).
type PriceBand struct {
	Key, Label string
	Min, Max   zhenxing.Money
}

// PriceBands are the price facet's values, cheapest first.
var PriceBands = []PriceBand{
	{"0-50", "50元以下", 0, 5000},
	{"50-100", "50—100元", 5000, 10000},
	{"100-200", "100—200元", 10000, 20000},
	{"200-", "200元以上", 20000, 0},
}

func bandOf(price zhenxing.Money) int {
	for i, b := range PriceBands {
		if price >= b.Min && (b.Max == 0 || price < b.Max) {
			return i
		}
	}
	return 0
}

// Sort orders of the product listing.
const (
	SortDefault   = ""       // in season first, then by name
	SortPriceAsc  = "price"  // cheapest first
	SortPriceDesc = "-price" // dearest first
	SortNewest    = "newest" // newest first
)

// The listing's page sizes.
const (
	DefaultPerPage = 20
	MaxPerPage     = 100
	maxPage        = 1_000_000
	maxQueryRunes  = 100
)

// ProductQuery selects, sorts and pages products. Within one facet the values combine with OR
// (樱桃 or 菌菇), across facets with AND (樱桃 and 灞桥区). Zero values mean any.
type ProductQuery struct {
	Categories []string       // any of Categories
	Counties   []string       // CountyPaired, CountyLocal
	Suppliers  []string       // supplier slugs
	Flags      []string       // any of Flags
	MinPrice   zhenxing.Money // inclusive; 0 = no bound
	MaxPrice   zhenxing.Money // inclusive; 0 = no bound
	PriceBand  string         // a PriceBands key; "" = any
	InSeason   bool           // only seasonal products inside their window at Today
	Today      time.Time
	Sort       string // one of the Sort constants
	Page       int    // from 1; 0 is 1
	PerPage    int    // 0 is DefaultPerPage; at most MaxPerPage

	// Q is the text query as the reader typed it, kept for the listing's links (Values). The
	// listing does not read it: the caller resolves it to Matches with the search engine.
	Q string
	// Matches, when not nil, are the slugs of the only products to list, best match first (the
	// search engine's answer to Q): with SortDefault the listing keeps their order. An empty,
	// non-nil Matches lists nothing; a slug of no product is passed over.
	Matches         []string
	IncludeUnlisted bool // staff lists: products off sale too
}

// ParseProductQuery reads the filters of a listing from the parameters of its URL, those of
// /hall/products and /api/v1/products: category, county, supplier and flag (each repeatable;
// blank and repeated values are dropped), band, min and max (yuan, up to two decimals), season
// (1 for in season only), q, sort and page. Other parameters are ignored. Each bad value is an
// EInvalid error with a Chinese message that names the parameter and quotes the value: an
// unknown category, county, flag, band or sort, a supplier that is not a slug, a negative,
// malformed or too large price, min above max, a season other than 0 or 1, q over 100
// characters, a page that is not a positive integer. Whether a supplier exists is for the
// listing to say. Today and PerPage are the caller's to set.
func ParseProductQuery(v url.Values) (ProductQuery, error) {
	var q ProductQuery
	for _, f := range []struct {
		key string
		dst *[]string
	}{{"category", &q.Categories}, {"county", &q.Counties}, {"supplier", &q.Suppliers}, {"flag", &q.Flags}} {
		for _, val := range v[f.key] {
			if val = strings.TrimSpace(val); val != "" && !slices.Contains(*f.dst, val) {
				*f.dst = append(*f.dst, val)
			}
		}
	}
	q.PriceBand = strings.TrimSpace(v.Get("band"))
	var err error
	if q.MinPrice, err = parsePrice(v.Get("min"), "最低价"); err != nil {
		return q, err
	}
	if q.MaxPrice, err = parsePrice(v.Get("max"), "最高价"); err != nil {
		return q, err
	}
	switch val := v.Get("season"); val {
	case "", "0":
	case "1", "true", "on":
		q.InSeason = true
	default:
		return q, zhenxing.Errorf(zhenxing.EInvalid, "参数 season 的值“%s”无效：只看当季产品请用 season=1。", val)
	}
	q.Q = strings.TrimSpace(v.Get("q"))
	q.Sort = v.Get("sort")
	if p := v.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > maxPage {
			return q, zhenxing.Errorf(zhenxing.EInvalid, "页码“%s”无效，应为正整数。", p)
		}
		q.Page = n
	}
	return q, q.check()
}

// parsePrice reads a price bound in yuan ("50", "49.9"); "" is 0, no bound.
func parsePrice(val, name string) (zhenxing.Money, error) {
	val = strings.TrimSpace(val)
	if val == "" {
		return 0, nil
	}
	if strings.HasPrefix(val, "-") {
		return 0, negativePrice(name, val)
	}
	m, err := zhenxing.ParseYuan(val)
	if err != nil || m > MaxPrice {
		return 0, zhenxing.Errorf(zhenxing.EInvalid, "%s“%s”无效，应为以元为单位的金额，最多两位小数，如 50 或 49.90。", name, val)
	}
	return m, nil
}

func negativePrice(name, val string) error {
	return zhenxing.Errorf(zhenxing.EInvalid, "%s“%s”无效：价格不能为负数。", name, val)
}

// check is the one validation of a query's values, whether parsed from a URL or built in code;
// see ParseProductQuery for what it refuses. A page number below 1 is the first page, one past
// the last an empty page.
func (q *ProductQuery) check() error {
	if err := checkValues("品类", q.Categories, Categories); err != nil {
		return err
	}
	if err := checkValues("产地", q.Counties, []string{CountyPaired, CountyLocal}); err != nil {
		return err
	}
	if err := checkValues("认证标志", q.Flags, Flags); err != nil {
		return err
	}
	for _, s := range q.Suppliers {
		if !ValidSlug(s) {
			return unknownSupplier(s)
		}
	}
	if q.PriceBand != "" {
		keys := make([]string, len(PriceBands))
		for i, b := range PriceBands {
			keys[i] = b.Key
		}
		if err := checkValues("价格区间", []string{q.PriceBand}, keys); err != nil {
			return err
		}
	}
	switch {
	case q.MinPrice < 0:
		return negativePrice("最低价", q.MinPrice.Yuan())
	case q.MaxPrice < 0:
		return negativePrice("最高价", q.MaxPrice.Yuan())
	case q.MinPrice > 0 && q.MaxPrice > 0 && q.MinPrice > q.MaxPrice:
		return zhenxing.Errorf(zhenxing.EInvalid, "最低价（%s 元）高于最高价（%s 元），请调整价格范围。", q.MinPrice.Yuan(), q.MaxPrice.Yuan())
	}
	if utf8.RuneCountInString(q.Q) > maxQueryRunes {
		return zhenxing.Errorf(zhenxing.EInvalid, "关键词不能超过 %d 个字。", maxQueryRunes)
	}
	switch q.Sort {
	case SortDefault, SortPriceAsc, SortPriceDesc, SortNewest:
	default:
		return zhenxing.Errorf(zhenxing.EInvalid, "排序方式“%s”无效，可选：price（价格从低到高）、-price（价格从高到低）、newest（最新上架）。", q.Sort)
	}
	return nil
}

// checkValues refuses the first of values that is not one of allowed, naming the facet.
func checkValues(name string, values, allowed []string) error {
	for _, v := range values {
		if !slices.Contains(allowed, v) {
			return zhenxing.Errorf(zhenxing.EInvalid, "%s“%s”不存在，可选：%s。", name, v, strings.Join(allowed, "、"))
		}
	}
	return nil
}

func unknownSupplier(slug string) error {
	return zhenxing.Errorf(zhenxing.EInvalid, "供应商“%s”不存在。", slug)
}

// Values returns the query's filters and sort as the URL parameters ParseProductQuery reads,
// without the page: prices in yuan with two decimals, values in the order given. Parsing them
// gives the same filters back. A query with no filter gives empty values.
func (q *ProductQuery) Values() url.Values {
	v := url.Values{}
	for _, f := range []struct {
		key  string
		vals []string
	}{{"category", q.Categories}, {"county", q.Counties}, {"supplier", q.Suppliers}, {"flag", q.Flags}} {
		for _, val := range f.vals {
			v.Add(f.key, val)
		}
	}
	if q.PriceBand != "" {
		v.Set("band", q.PriceBand)
	}
	if q.MinPrice > 0 {
		v.Set("min", q.MinPrice.Yuan())
	}
	if q.MaxPrice > 0 {
		v.Set("max", q.MaxPrice.Yuan())
	}
	if q.InSeason {
		v.Set("season", "1")
	}
	if q.Q != "" {
		v.Set("q", q.Q)
	}
	if q.Sort != SortDefault {
		v.Set("sort", q.Sort)
	}
	return v
}

// ProductPage is one page of a product listing with the facet counts of the whole selection.
type ProductPage struct {
	Products []ProductCard `json:"products"`
	Total    int           `json:"total"` // products matching, on every page
	Page     int           `json:"page"`
	Pages    int           `json:"pages"`
	Facets   Facets        `json:"facets"`
}

// ProductCard is a product in a listing, with what a card shows besides the product itself. Its
// Product has every field but the description, which only the product's own page shows.
type ProductCard struct {
	Product
	SupplierName string `json:"supplier_name"`
	SupplierSlug string `json:"supplier_slug"`
	Photo        *Photo `json:"photo"` // the cover; nil when the product has no photo
}

// Facets are the listing's dimensions with the number of products behind each value. Each count
// applies every other active filter but not its own facet's, so that it says how many products
// selecting the value would add (values of one facet combine with OR). Values with no product are
// left out unless selected.
type Facets struct {
	Categories []FacetValue `json:"categories"`
	Counties   []FacetValue `json:"counties"`
	Suppliers  []FacetValue `json:"suppliers"`   // Value is the slug, Label the name; most products first
	PriceBands []FacetValue `json:"price_bands"` // Value is the PriceBands key
	Flags      []FacetValue `json:"flags"`
	InSeason   int          `json:"in_season"` // products in season now, with every other filter applied
}

// FacetValue is one value of a facet.
type FacetValue struct {
	Value    string `json:"value"`
	Label    string `json:"label"`
	Count    int    `json:"count"`
	Selected bool   `json:"selected"`
}
