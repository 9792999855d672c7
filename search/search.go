// Package search finds documents, products, suppliers, events and positions for the site's one
// search box. An Engine holds Records and answers Queries; Embedded is the default engine, held
// in memory and needing no server, and Meili talks to a Meilisearch server. The Indexer feeds an
// engine from the content library and the catalogue and keeps it in step with them. Text and
// queries are folded the same way (Fold) so that a query finds what a reader would expect:
// any substring of Chinese text, a 文号 in any bracket form, traditional characters, and product
// and supplier names by pinyin.
package search

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"zhenxing"
)

// Type is a kind of record.
type Type string

// The types of record.
const (
	TypeDocument Type = "document"
	TypeProduct  Type = "product"
	TypeSupplier Type = "supplier"
	TypeEvent    Type = "event"
	TypePosition Type = "position"
)

// Types are every type, in the order of the search page's tabs.
var Types = []Type{TypeDocument, TypeProduct, TypeSupplier, TypeEvent, TypePosition}

// ParseType returns the type named s.
func ParseType(s string) (Type, bool) {
	t := Type(s)
	return t, slices.Contains(Types, t)
}

// The facet fields. A record carries the facets of its type (FacetsOf).
const (
	FacetDocKind      = "doc_kind"      // a document's column (政策文件 …)
	FacetTopic        = "topic"         // a document's 主题分类
	FacetYear         = "year"          // a document's year of publication
	FacetCategory     = "category"      // a product's category
	FacetCounty       = "county"        // a product's or supplier's county
	FacetSupplierKind = "supplier_kind" // 合作社, 企业 …
	FacetEventKind    = "event_kind"    // an event's kind, for events and their positions
	FacetDistrict     = "district"      // an event's district, for events and their positions
)

var facetsOf = map[Type][]string{
	TypeDocument: {FacetDocKind, FacetTopic, FacetYear},
	TypeProduct:  {FacetCategory, FacetCounty},
	TypeSupplier: {FacetCounty, FacetSupplierKind},
	TypeEvent:    {FacetEventKind, FacetDistrict},
	TypePosition: {FacetEventKind, FacetDistrict},
}

// FacetsOf lists the facet fields of records of type t.
func FacetsOf(t Type) []string { return facetsOf[t] }

// AllFacets lists every facet field once.
var AllFacets = []string{FacetDocKind, FacetTopic, FacetYear, FacetCategory, FacetCounty, FacetSupplierKind, FacetEventKind, FacetDistrict}

// Record is one thing the search box finds.
type Record struct {
	Type  Type
	ID    string // unique within its type: a slug, or "{event-slug}/{n}" for a position
	Title string // a match here outranks one anywhere else
	URL   string
	Text  string // the body as plain text; the snippet is cut from it
	// Tags are short texts found like the title but ranked between it and the body: a product's
	// supplier and category, a position's employer and place.
	Tags []string
	// Codes are identifiers: 文号, 索引号, 统一社会信用代码. A query that is exactly one of them
	// (folded) brings its record first.
	Codes []string
	// Names are found by their pinyin too, in full (yingtao) and by initials (yt).
	Names  []string
	Facets map[string]string // facet field → value, for the fields of FacetsOf(Type)
	Date   time.Time         // for the newest-first order
	// Demoted records (a repealed document, a past event, a product unlisted or sold out) are
	// still found, below every record that is not demoted and matches as well.
	Demoted bool
}

// Key identifies a record across types.
func (r *Record) Key() string { return string(r.Type) + ":" + r.ID }

// Sort is the order of hits.
type Sort string

// The orders.
const (
	ByRelevance Sort = ""     // best match first
	ByDate      Sort = "date" // newest first
)

// Page sizes.
const (
	DefaultPerPage = 10
	MaxPerPage     = 50
	// MaxQueryRunes is the longest query text searched; the rest is cut off.
	MaxQueryRunes = 100
	// MaxMatches is the most record IDs Match returns.
	MaxMatches = 5000
)

// Query is one search.
type Query struct {
	Text    string
	Types   []Type              // none: every type
	Filters map[string][]string // facet field → values, any of which matches
	Facets  []string            // the facet fields to count
	Sort    Sort
	Page    int // from 1; 0 means 1
	PerPage int // 0 means DefaultPerPage; more than MaxPerPage is MaxPerPage
}

// Result is the answer to a Query.
type Result struct {
	Hits    []Hit
	Total   int                     // matching records of the query's types, after its filters
	Counts  map[Type]int            // matching records of every type, before the type and facet filters
	Facets  map[string][]FacetCount // each field of Query.Facets: its values among the matches, most first
	Took    time.Duration
	Page    int
	PerPage int
}

// newResult is the empty result of the (checked) query q: every facet it asks for present.
func newResult(q Query) *Result {
	res := &Result{Counts: map[Type]int{}, Facets: map[string][]FacetCount{}, Page: q.Page, PerPage: q.PerPage}
	for _, f := range q.Facets {
		res.Facets[f] = []FacetCount{}
	}
	return res
}

// Pages is the number of pages of the result.
func (r *Result) Pages() int {
	if r.PerPage <= 0 || r.Total == 0 {
		return 1
	}
	return (r.Total + r.PerPage - 1) / r.PerPage
}

// Hit is one record found.
type Hit struct {
	Type    Type
	ID      string
	Title   []Span // the title, with what matched marked
	URL     string
	Snippet []Span // a passage of the text around the first match, with the matches marked
}

// TitleText is the hit's title as plain text.
func (h *Hit) TitleText() string { return joinSpans(h.Title) }

// SnippetText is the hit's snippet as plain text.
func (h *Hit) SnippetText() string { return joinSpans(h.Snippet) }

func joinSpans(spans []Span) string {
	var b strings.Builder
	for _, s := range spans {
		b.WriteString(s.Text)
	}
	return b.String()
}

// Span is a piece of plain text, marked when it matched the query. It is never HTML.
type Span struct {
	Text string
	Mark bool
}

// FacetCount is one value of a facet and the number of matches that have it.
type FacetCount struct {
	Value string
	Count int
}

// Engine holds records and searches them. Every method is safe for concurrent use.
type Engine interface {
	// Search runs q. Errors: EInvalid for a filter or facet on a field no type has (an empty
	// text is not an error: it matches nothing); EUnavailable when the engine cannot be reached.
	Search(ctx context.Context, q Query) (*Result, error)
	// Match returns the IDs of the records of type t that text matches, best first, at most
	// limit (MaxMatches when 0 or more). Errors: EUnavailable.
	Match(ctx context.Context, t Type, text string, limit int) ([]string, error)
	// Replace makes recs the whole of the records of the given types: any other record of those
	// types is deleted. Searches see the old records or the new, never a mix. Errors: EUnavailable.
	Replace(ctx context.Context, types []Type, recs []Record) error
	// SetSynonyms applies syn to the queries from now on. Errors: EUnavailable.
	SetSynonyms(ctx context.Context, syn Synonyms) error
	// Close releases what the engine holds.
	Close() error
}

// Synonyms maps a word of a query to the words it also stands for: a query with the word finds
// records with any of them. Both sides are folded.
type Synonyms map[string][]string

// ParseSynonyms reads a synonyms file: one group per line, "农发行 → 中国农业发展银行" (the word
// on the left also finds each word on the right, which are separated by spaces or commas) or
// "a = b = c" (each finds the others). Blank lines and lines starting with # are skipped. It
// returns the 1-based numbers of the lines it could not read.
func ParseSynonyms(text string) (Synonyms, []int) {
	syn := Synonyms{}
	var bad []int
	add := func(from, to string) {
		from, to = Fold(from), Fold(to)
		if from != "" && to != "" && from != to && !slices.Contains(syn[from], to) {
			syn[from] = append(syn[from], to)
		}
	}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if from, to, ok := cutArrow(line); ok {
			words := splitWords(to)
			if strings.TrimSpace(from) == "" || len(words) == 0 {
				bad = append(bad, i+1)
				continue
			}
			for _, w := range words {
				add(from, w)
			}
			continue
		}
		words := strings.Split(line, "=")
		if len(words) < 2 {
			bad = append(bad, i+1)
			continue
		}
		for _, a := range words {
			for _, b := range words {
				add(a, b)
			}
		}
	}
	return syn, bad
}

func cutArrow(line string) (string, string, bool) {
	for _, arrow := range []string{"→", "->", "=>"} {
		if from, to, ok := strings.Cut(line, arrow); ok {
			return from, to, true
		}
	}
	return "", "", false
}

func splitWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ' ' || r == '\t' })
}

// checkQuery normalises q's paging and text and checks its fields; every engine calls it first.
func checkQuery(q *Query) error {
	if q.Page < 1 {
		q.Page = 1
	}
	switch {
	case q.PerPage <= 0:
		q.PerPage = DefaultPerPage
	case q.PerPage > MaxPerPage:
		q.PerPage = MaxPerPage
	}
	q.Text = cleanText(q.Text)
	for field := range q.Filters {
		if !slices.Contains(AllFacets, field) {
			return zhenxing.Errorf(zhenxing.EInvalid, "不能按“%s”筛选。", clip(field, 20))
		}
	}
	for _, field := range q.Facets {
		if !slices.Contains(AllFacets, field) {
			return zhenxing.Errorf(zhenxing.EInvalid, "不能按“%s”分类统计。", clip(field, 20))
		}
	}
	for _, t := range q.Types {
		if !slices.Contains(Types, t) {
			return zhenxing.Errorf(zhenxing.EInvalid, "没有“%s”这类内容。", clip(string(t), 20))
		}
	}
	return nil
}

// cleanText drops control characters and invalid bytes from a query and keeps at most
// MaxQueryRunes runes of it.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, " ")
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == MaxQueryRunes {
			break
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			r = ' '
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String())
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

func unavailable(err error) error {
	return &zhenxing.Error{Code: zhenxing.EUnavailable, Message: "搜索暂时无法使用，请稍后再试。", Err: err}
}
