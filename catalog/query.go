package catalog

import (
	"time"
)

// PriceBands are the price facet's values, cheapest first: unit prices from Min fen (inclusive)
// to Max fen (exclusive; 0 means no upper bound).
var PriceBands = []struct {
	Key, Label string
	Min, Max   int64
}{
	{"0-50", "50元以下", 0, 5000},
	{"50-100", "50—100元", 5000, 10000},
	{"100-200", "100—200元", 10000, 20000},
	{"200-", "200元以上", 20000, 0},
}

func bandOf(price int64) int {
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
	DefaultPerPage = 24
	MaxPerPage     = 100
)

// ProductQuery selects, sorts and pages products. Within one facet the values combine with OR
// (樱桃 or 菌菇), across facets with AND (樱桃 and 灞桥区). Zero values mean any.
type ProductQuery struct {
	Categories []string // any of Categories
	Counties   []string // CountyPaired, CountyLocal
	Suppliers  []string // supplier slugs
	Flags      []string // any of Flags
	MinPrice   int64    // fen, inclusive; 0 = no bound
	MaxPrice   int64    // fen, inclusive; 0 = no bound
	PriceBand  string   // a PriceBands key; "" = any
	InSeason   bool     // only seasonal products inside their window at Today
	Today      time.Time
	Sort       string // one of the Sort constants
	Page       int    // from 1; 0 is 1
	PerPage    int    // 0 is DefaultPerPage; at most MaxPerPage

	Q               string // words that must all appear in the name, spec, category, origin or supplier name
	IncludeUnlisted bool   // staff lists: products off sale too
}

// ProductPage is one page of a product listing with the facet counts of the whole selection.
type ProductPage struct {
	Products []ProductCard `json:"products"`
	Total    int           `json:"total"` // products matching, on every page
	Page     int           `json:"page"`
	Pages    int           `json:"pages"`
	Facets   Facets        `json:"facets"`
}

// ProductCard is a product in a listing, with what a card shows besides the product itself.
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
