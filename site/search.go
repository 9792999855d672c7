package site

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"zhenxing"
	"zhenxing/search"
)

// The site search (站内搜索): the /search page, the search box of every page's header (in
// layout.html) and /api/v1/search, over documents, products, suppliers, events and positions.
// The hall listing and the positions page take their text query from the same engine
// (matchProducts, matchPositions).
//
// Query parameters of /search and /api/v1/search:
//
//	q         the words to find (at most search.MaxQueryRunes characters are searched)
//	type      document (政务公开), product (产品), supplier (供应商), jobs (招聘: events and
//	          positions), event or position; none: every type (全部)
//	doc_kind, topic, year, category, county, supplier_kind, event_kind, district
//	          facet filters (repeatable: any of the values), each only with a type that has it
//	page      page number from 1; 10 hits a page
//	per_page  the API only: hits a page, from 1 to 50
//
// An unknown type, a filter on a field the type does not have, any other parameter, a bad page
// or per_page is 400 with a Chinese message; an empty query is the form with a hint (the API: no
// hits); a page past the end says so and links back. When the engine cannot be reached the
// answer is 503 with the site's Chinese error page and no engine text.

// searchTabDef is a tab of the search page: the types it shows and the facets it offers.
type searchTabDef struct {
	Key    string // the type parameter; "" is 全部
	Label  string
	Types  []search.Type
	Facets []string
}

var searchTabs = []searchTabDef{
	{"", "全部", nil, nil},
	{"document", "政务公开", []search.Type{search.TypeDocument}, search.FacetsOf(search.TypeDocument)},
	{"product", "产品", []search.Type{search.TypeProduct}, search.FacetsOf(search.TypeProduct)},
	{"supplier", "供应商", []search.Type{search.TypeSupplier}, search.FacetsOf(search.TypeSupplier)},
	{"jobs", "招聘", []search.Type{search.TypeEvent, search.TypePosition}, search.FacetsOf(search.TypeEvent)},
}

// searchTypeParam maps each accepted type parameter to its tab (event and position show as 招聘)
// and the types it searches.
func searchTypeParam(v string) (tab searchTabDef, types []search.Type, ok bool) {
	for _, t := range searchTabs {
		if t.Key == v {
			return t, t.Types, true
		}
	}
	switch v {
	case string(search.TypeEvent), string(search.TypePosition):
		t := searchTabs[len(searchTabs)-1]
		return t, []search.Type{search.Type(v)}, true
	}
	return searchTabDef{}, nil, false
}

// facetNames are the Chinese names of the facet fields.
var facetNames = map[string]string{
	search.FacetDocKind:      "文件类别",
	search.FacetTopic:        "主题分类",
	search.FacetYear:         "年份",
	search.FacetCategory:     "品类",
	search.FacetCounty:       "县区",
	search.FacetSupplierKind: "主体类型",
	search.FacetEventKind:    "活动类型",
	search.FacetDistrict:     "举办地",
}

// typeLabels are what a hit says it is.
var typeLabels = map[search.Type]string{
	search.TypeDocument: "政务公开",
	search.TypeProduct:  "产品",
	search.TypeSupplier: "供应商",
	search.TypeEvent:    "招聘活动",
	search.TypePosition: "招聘岗位",
}

// searchRequest is a search as the URL asks for it.
type searchRequest struct {
	Text    string // cleaned: no control characters, at most search.MaxQueryRunes runes
	Cut     bool   // the query was longer than what is searched
	TypeKey string // the type parameter as given (validated)
	Tab     searchTabDef
	Types   []search.Type
	Filters map[string][]string
	Page    int
	PerPage int
}

// parseSearch reads the parameters of /search, or of /api/v1/search when api (which also takes
// per_page). Every error is EInvalid with a Chinese message.
func parseSearch(v url.Values, api bool) (searchRequest, error) {
	r := searchRequest{PerPage: search.DefaultPerPage, Page: 1}
	r.Text, r.Cut = cleanQuery(v.Get("q"))
	r.TypeKey = strings.TrimSpace(v.Get("type"))
	var ok bool
	if r.Tab, r.Types, ok = searchTypeParam(r.TypeKey); !ok {
		return r, zhenxing.Errorf(zhenxing.EInvalid, "没有“%s”这类内容，可选：document（政务公开）、product（产品）、supplier（供应商）、jobs（招聘）。", clipRunes(r.TypeKey, 20))
	}
	page, err := positiveInt(v.Get("page"), "页码")
	if err != nil {
		return r, err
	}
	r.Page = max(page, 1)
	if api {
		if s := v.Get("per_page"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > search.MaxPerPage {
				return r, zhenxing.Errorf(zhenxing.EInvalid, "每页条数“%s”无效，应为 1 到 %d 之间的整数。", clipRunes(s, 20), search.MaxPerPage)
			}
			r.PerPage = n
		}
	}
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		switch k {
		case "q", "type", "page":
			continue
		case "per_page":
			if api {
				continue
			}
		}
		if !slices.Contains(search.AllFacets, k) {
			return r, zhenxing.Errorf(zhenxing.EInvalid, "不能按“%s”筛选。", clipRunes(k, 20))
		}
		if r.TypeKey != "" && !slices.Contains(r.Tab.Facets, k) {
			return r, zhenxing.Errorf(zhenxing.EInvalid, "“%s”中不能按“%s”筛选。", r.Tab.Label, facetNames[k])
		}
		for _, val := range v[k] {
			if val = strings.TrimSpace(val); val != "" && !slices.Contains(r.Filters[k], val) {
				if r.Filters == nil {
					r.Filters = map[string][]string{}
				}
				r.Filters[k] = append(r.Filters[k], val)
			}
		}
	}
	return r, nil
}

// cleanQuery makes a query fit to search and to show back: invalid bytes and control characters
// become spaces, runs of spaces one, and at most search.MaxQueryRunes runes are kept; cut
// reports that some were dropped.
func cleanQuery(s string) (q string, cut bool) {
	s = strings.ToValidUTF8(s, " ")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > search.MaxQueryRunes {
		s, cut = strings.TrimSpace(string([]rune(s)[:search.MaxQueryRunes])), true
	}
	return s, cut
}

func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// query is the engine's query for the request, counting the facets of its tab (every facet
// for the API's 全部).
func (r *searchRequest) query(allFacets bool) search.Query {
	facets := r.Tab.Facets
	if r.TypeKey == "" && allFacets {
		facets = search.AllFacets
	}
	return search.Query{Text: r.Text, Types: r.Types, Filters: r.Filters, Facets: facets, Page: r.Page, PerPage: r.PerPage}
}

// errSearchDown is an engine failure, answered by searchUnavailable, never by the error
// handler: that reads EUnavailable as the database being down.
type errSearchDown struct{ err error }

func (e *errSearchDown) Error() string { return "search engine: " + e.err.Error() }
func (e *errSearchDown) Unwrap() error { return e.err }

// engineError sorts an engine's error: EInvalid stays (its message is for the reader), any other
// is an errSearchDown.
func engineError(err error) error {
	if err == nil || zhenxing.ErrorCode(err) == zhenxing.EInvalid {
		return err
	}
	return &errSearchDown{err}
}

// searchFailed answers err: an engine failure with searchUnavailable, anything else through the
// error handler (it returns err).
func (s *Server) searchFailed(c *fiber.Ctx, err error) error {
	var down *errSearchDown
	if errors.As(err, &down) {
		return s.searchUnavailable(c, down.err)
	}
	return err
}

// searchUnavailableMessage is what a reader sees when the engine cannot answer.
const searchUnavailableMessage = "搜索暂时无法使用，请稍后再试。"

// searchUnavailable answers 503 with the Chinese error page (JSON under /api/) and Retry-After;
// the engine's error goes to the log only. The rest of the site is unaffected.
func (s *Server) searchUnavailable(c *fiber.Ctx, err error) error {
	s.log.Warn("search unavailable", "request_id", requestID(c), "path", c.Path(), "err", err)
	c.Set(fiber.HeaderRetryAfter, retryAfter)
	c.Set(fiber.HeaderCacheControl, "no-store")
	status := fiber.StatusServiceUnavailable
	if strings.HasPrefix(c.Path(), "/api/") {
		return c.Status(status).JSON(fiber.Map{"error": fiber.Map{"status": status, "message": searchUnavailableMessage, "request_id": requestID(c)}})
	}
	return s.renderPage(c, status, "error", &errorView{
		Layout:    Layout{Title: "搜索暂时无法使用", NoIndex: true},
		Reason:    searchUnavailableMessage,
		RequestID: requestID(c),
	})
}

// matchProducts returns the slugs of the listed products that text finds, best first: never
// nil, so that a query that finds nothing lists nothing.
func (s *Server) matchProducts(ctx context.Context, text string) ([]string, error) {
	return s.match(ctx, search.TypeProduct, text)
}

// matchPositions returns the IDs of the positions that text finds, best first; never nil.
func (s *Server) matchPositions(ctx context.Context, text string) ([]string, error) {
	return s.match(ctx, search.TypePosition, text)
}

func (s *Server) match(ctx context.Context, t search.Type, text string) ([]string, error) {
	ids, err := s.deps.Search.Match(ctx, t, text, 0)
	if err != nil {
		return nil, engineError(err)
	}
	if ids == nil {
		ids = []string{}
	}
	return ids, nil
}

// searchTab is a tab as the page shows it.
type searchTab struct {
	Label   string
	URL     string
	Count   int
	Current bool
}

// searchFacet is one facet of the chosen tab.
type searchFacet struct {
	ID     string
	Name   string
	Values []searchFacetValue
}

type searchFacetValue struct {
	Value    string
	Count    int
	Selected bool
	URL      string // the results with the value added, or removed when selected
}

// searchHit is a hit as the page shows it: the spans are plain text, which the template
// escapes, with the marked ones in <mark>.
type searchHit struct {
	TypeLabel string
	Title     []search.Span
	URL       string
	Snippet   []search.Span
}

// searchView is the search page.
type searchView struct {
	Layout
	Q        string // the query as searched
	Cut      bool   // the query was cut to search.MaxQueryRunes characters
	TypeKey  string // the type parameter, kept by the form
	Tabs     []searchTab
	Facets   []searchFacet
	Active   []hallFilter
	Hits     []searchHit
	Total    int
	Page     int
	Pages    int
	Pager    pager
	Past     bool   // the page is past the last
	FirstURL string // page 1, for a page past the end
	LastURL  string // the last page, for a page past the end
	Took     string
	MaxQuery int
}

// searchPage is /search: tabs, facets, hits and pages.
func (s *Server) searchPage(c *fiber.Ctx) error {
	v := queryValues(c)
	r, err := parseSearch(v, false)
	if err != nil {
		return err
	}
	view := &searchView{Q: r.Text, Cut: r.Cut, TypeKey: r.TypeKey, MaxQuery: search.MaxQueryRunes,
		Layout: Layout{Title: "站内搜索", Description: "搜索本站的政务公开文件、消费帮扶产品、供应商、招聘活动和岗位。",
			Column: "站内搜索", NoIndex: true, Crumbs: []crumb{{"首页", "/"}, {"站内搜索", ""}}}}
	if r.Text == "" {
		return s.renderPage(c, fiber.StatusOK, "search", view)
	}
	view.Title = "“" + clipRunes(r.Text, 30) + "”的搜索结果"
	view.Crumbs = []crumb{{"首页", "/"}, {"站内搜索", "/search"}, {"搜索结果", ""}}
	ctx, cancel := dbContext(c)
	defer cancel()
	res, err := s.deps.Search.Search(ctx, r.query(false))
	if err != nil {
		return s.searchFailed(c, engineError(err))
	}
	clean := url.Values{"q": {r.Text}}
	if r.TypeKey != "" {
		clean.Set("type", r.TypeKey)
	}
	for k, vals := range r.Filters {
		clean[k] = vals
	}
	base := linkTo("/search", clean)
	all := linkTo("/search", url.Values{"q": {r.Text}})
	for _, t := range searchTabs {
		n := 0
		for _, typ := range t.Types {
			n += res.Counts[typ]
		}
		if t.Key == "" {
			for _, c := range res.Counts {
				n += c
			}
		}
		view.Tabs = append(view.Tabs, searchTab{Label: t.Label, URL: all.Set("type", t.Key).String(), Count: n, Current: t.Key == r.Tab.Key})
	}
	for _, field := range r.Tab.Facets {
		f := searchFacet{ID: "facet-" + field, Name: facetNames[field]}
		listed := map[string]bool{}
		for _, fc := range res.Facets[field] {
			sel := slices.Contains(r.Filters[field], fc.Value)
			listed[fc.Value] = true
			f.Values = append(f.Values, searchFacetValue{Value: fc.Value, Count: fc.Count, Selected: sel, URL: base.Toggle(field, fc.Value).String()})
		}
		for _, val := range r.Filters[field] {
			if !listed[val] {
				f.Values = append(f.Values, searchFacetValue{Value: val, Selected: true, URL: base.Toggle(field, val).String()})
			}
		}
		if len(f.Values) > 0 {
			view.Facets = append(view.Facets, f)
		}
	}
	for _, field := range search.AllFacets {
		for _, val := range r.Filters[field] {
			view.Active = append(view.Active, hallFilter{Label: facetNames[field] + "：" + val, RemoveURL: base.Toggle(field, val).String()})
		}
	}
	for _, h := range res.Hits {
		view.Hits = append(view.Hits, searchHit{TypeLabel: typeLabels[h.Type], Title: h.Title, URL: h.URL, Snippet: h.Snippet})
	}
	view.Total, view.Page, view.Pages = res.Total, r.Page, res.Pages()
	view.Pager = buildPager(r.Page, res.Pages(), func(n int) string { return base.Page(n).String() })
	view.Took = fmt.Sprintf("%.1f", float64(res.Took.Microseconds())/1000)
	if res.Total > 0 && r.Page > res.Pages() {
		view.Past = true
		view.FirstURL, view.LastURL = base.Page(1).String(), base.Page(res.Pages()).String()
	}
	return s.renderPage(c, fiber.StatusOK, "search", view)
}

// searchHitJSON is a hit in the API: title and snippet as plain text.
type searchHitJSON struct {
	Type    search.Type `json:"type"`
	Slug    string      `json:"slug"`
	Title   string      `json:"title"`
	URL     string      `json:"url"`
	Snippet string      `json:"snippet"`
}

type facetCountJSON struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// apiSearch is /api/v1/search: the hits of a page as JSON, with the total, the time taken, the
// facet counts and the counts by type. Answers are kept for a moment like the hall's listings
// (HALL_CACHE_TTL), encoded, with their ETag.
func (s *Server) apiSearch(c *fiber.Ctx) error {
	v := queryValues(c)
	r, err := parseSearch(v, true)
	if err != nil {
		return err
	}
	key := "search|" + linkTo("/api/v1/search", v).String()
	if sent, err := s.cachedListing(c, key); sent {
		return err
	}
	res := &search.Result{Counts: map[search.Type]int{}, Facets: map[string][]search.FacetCount{}, Page: r.Page, PerPage: r.PerPage}
	if r.Text != "" {
		ctx, cancel := dbContext(c)
		defer cancel()
		if res, err = s.deps.Search.Search(ctx, r.query(true)); err != nil {
			return s.searchFailed(c, engineError(err))
		}
	}
	hits := make([]searchHitJSON, 0, len(res.Hits))
	for _, h := range res.Hits {
		hits = append(hits, searchHitJSON{Type: h.Type, Slug: h.ID, Title: h.TitleText(), URL: s.absLink(h.URL), Snippet: h.SnippetText()})
	}
	facets := map[string][]facetCountJSON{}
	for field, counts := range res.Facets {
		list := make([]facetCountJSON, 0, len(counts))
		for _, fc := range counts {
			list = append(list, facetCountJSON{fc.Value, fc.Count})
		}
		facets[field] = list
	}
	counts := map[search.Type]int{}
	for _, t := range search.Types {
		counts[t] = res.Counts[t]
	}
	out := fiber.Map{
		"query": r.Text, "total": res.Total, "took_ms": math.Round(float64(res.Took.Microseconds())) / 1000,
		"page": r.Page, "per_page": r.PerPage, "pages": res.Pages(), "hits": hits, "facets": facets, "counts": counts,
	}
	if res.Total > 0 && r.Page > res.Pages() {
		out["message"] = fmt.Sprintf("第 %d 页没有更多结果：共 %d 条，%d 页。", r.Page, res.Total, res.Pages())
	}
	if r.Cut {
		out["notice"] = fmt.Sprintf("只搜索了前 %d 个字。", search.MaxQueryRunes)
	}
	body, err := json.Marshal(out)
	if err != nil {
		return err
	}
	return s.sendListing(c, key, fiber.MIMEApplicationJSONCharsetUTF8, body)
}

// absLink makes an absolute URL from a path on the site that may end in a #fragment.
func (s *Server) absLink(p string) string {
	path, frag, _ := strings.Cut(p, "#")
	u, err := url.Parse(s.absURL(path))
	if err != nil {
		return s.absURL(path)
	}
	u.Fragment = frag
	return u.String()
}
