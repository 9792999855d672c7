package site

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"zhenxing"
	"zhenxing/internal/db"
	"zhenxing/search"
)

// searchHitTitles are the titles of the hits of a search page, as plain text, in order.
func searchHitTitles(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`(?s)<h2><a href="[^"]*">(.*?)</a></h2>`).FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(m[1])))
	}
	return out
}

// hrefOf returns the (unescaped) href of the first link whose text starts with text.
func hrefOf(t *testing.T, body, text string) string {
	t.Helper()
	m := regexp.MustCompile(`<a href="([^"]*)"[^>]*>(?:✓ )?` + regexp.QuoteMeta(text)).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link %q in the page", text)
	}
	return html.UnescapeString(m[1])
}

func TestSearchPage(t *testing.T) {
	f := newHallFixture(t)
	s := f.server(t, testNow)

	// An empty query: the form with a hint.
	res := get(t, s, "/search")
	hallStatus(t, "/search", res, http.StatusOK)
	mustContain(t, res.Body, "<title>站内搜索 - ", `<input id="search-q" type="search" name="q" value=""`, "请输入要查找的内容", `href="/hall/"`)
	for _, blank := range []string{"/search?q=", "/search?q=+++", "/search?q=%09%00"} {
		if res := get(t, s, blank); res.Status != http.StatusOK || !strings.Contains(res.Body, "请输入要查找的内容") {
			t.Errorf("%s: %d, want the form with its hint", blank, res.Status)
		}
	}

	// Results: the title says what was searched, the header box keeps it, tabs count by type,
	// hits are marked.
	res = get(t, s, "/search?q="+url.QueryEscape("樱桃"))
	hallStatus(t, "樱桃", res, http.StatusOK)
	mustContain(t, res.Body, "<title>“樱桃”的搜索结果 - ", `id="site-search-q" type="search" name="q" value="樱桃"`,
		">产品（2）</a>", ">供应商（1）</a>", "<mark>樱桃</mark>", `<span class="tag">产品</span>`, `<span class="tag">供应商</span>`,
		`href="/hall/products/hongdeng-cherry"`, `<h2><a href="/hall/suppliers/dizhai-cherry">灞桥区狄寨<mark>樱桃</mark>专业合作社</a></h2>`)
	if strings.Contains(res.Body, "未上架香菇") {
		t.Error("an unlisted product is found")
	}

	// A tab, its facets, and a facet link that narrows the results.
	res = get(t, s, "/search?type=product&q="+url.QueryEscape("略阳"))
	hallStatus(t, "略阳 products", res, http.StatusOK)
	mustContain(t, res.Body, `>产品（4）</a>`, `aria-current="page">产品（4）`, "<h2 id=\"facet-category\">品类</h2>", "<h2 id=\"facet-county\">县区</h2>")
	if got := searchHitTitles(res.Body); len(got) != 4 {
		t.Fatalf("略阳 products: %v, want 4", got)
	}
	narrow := hrefOf(t, res.Body, "菌菇")
	res = get(t, s, narrow)
	hallStatus(t, narrow, res, http.StatusOK)
	if got := searchHitTitles(res.Body); len(got) != 1 || got[0] != "略阳黑木耳" {
		t.Errorf("%s: %v, want the black fungus alone", narrow, got)
	}
	mustContain(t, res.Body, "找到 1 条结果", `aria-pressed="true" rel="nofollow">✓ 菌菇</a>`, "品类：菌菇")
	// The selected value's link takes the filter off again.
	if back := hrefOf(t, res.Body, "菌菇"); len(searchHitTitles(get(t, s, back).Body)) != 4 {
		t.Errorf("%s: the filter is not removed", back)
	}

	// The 招聘 tab: events and positions, with their facets.
	res = get(t, s, "/search?type=jobs&q="+url.QueryEscape("养老护理员"))
	hallStatus(t, "jobs", res, http.StatusOK)
	mustContain(t, res.Body, `<span class="tag">招聘岗位</span>`, "<h2 id=\"facet-event_kind\">活动类型</h2>", "#position-")

	// Nothing found: what to try, and the columns.
	res = get(t, s, "/search?q="+url.QueryEscape("量子计算机qqzz"))
	hallStatus(t, "nothing", res, http.StatusOK)
	mustContain(t, res.Body, "没有找到与“量子计算机qqzz”相关的内容", "请检查输入的字词是否有误", "试试更少或其他的字词",
		`<a href="/open/">政务公开</a>`, `<a href="/hall/">消费帮扶馆</a>`, `<a href="/jobs/">招聘活动</a>`)

	// A page past the end: 200, saying so, with links back.
	res = get(t, s, "/search?page=40&q="+url.QueryEscape("樱桃"))
	hallStatus(t, "page 40", res, http.StatusOK)
	mustContain(t, res.Body, "没有更多结果", "回到第 1 页", `href="/search?q=%E6%A8%B1%E6%A1%83"`)

	// Paging: 10 a page, with the pager.
	res = get(t, s, "/search?q="+url.QueryEscape("招聘会"))
	hallStatus(t, "招聘会", res, http.StatusOK)
	if got := searchHitTitles(res.Body); len(got) != search.DefaultPerPage {
		t.Errorf("招聘会： %d hits on page 1, want %d", len(got), search.DefaultPerPage)
	}
	mustContain(t, res.Body, `<nav class="pager" aria-label="分页">`, `rel="next"`)
}

// TestSearchBadInput: whatever the query, a clear answer and never a 500.
func TestSearchBadInput(t *testing.T) {
	s := mustServer(t)
	long := strings.Repeat("a", 2000)
	for _, tt := range []struct {
		query  string
		status int
		want   string
	}{
		{"q=" + long, 200, "只搜索了前 100 个字"},
		{"q=" + url.QueryEscape(strings.Repeat("樱", 700)), 400, "网址的查询参数过长。"},
		{"q=" + url.QueryEscape("樱\x00桃\x1b[31m\x7f"), 200, "搜索结果"},
		{"q=" + url.QueryEscape(`"衔接资金`), 200, "<mark>衔接资金</mark>"},
		{"q=" + url.QueryEscape(`衔接资金)))`), 200, "<mark>衔接资金</mark>"},
		{"q=" + url.QueryEscape(`灞乡振发〔2022`), 200, "搜索结果"},
		{"q=" + url.QueryEscape(`【[(（`), 200, "没有找到"},
		{"q=" + url.QueryEscape(`<script>alert(1)</script>`), 200, "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"q=a&type=secret", 400, "没有“secret”这类内容"},
		{"q=a&no_such_field=1", 400, "不能按“no_such_field”筛选。"},
		{"q=a&type=product&year=2022", 400, "“产品”中不能按“年份”筛选。"},
		{"q=a&page=0", 400, "页码“0”无效"},
		{"q=a&page=x", 400, "页码“x”无效"},
	} {
		res := get(t, s, "/search?"+tt.query)
		if res.Status != tt.status {
			t.Errorf("%.60s: status %d, want %d", tt.query, res.Status, tt.status)
		}
		mustContain(t, res.Body, tt.want)
		if strings.Contains(res.Body, "<script>alert") {
			t.Errorf("%.60s: the page shows markup from the query", tt.query)
		}
	}
}

// TestSearchEscapesRecords: a record's text with markup in it reaches the page as text.
func TestSearchEscapesRecords(t *testing.T) {
	f := newHallFixture(t) // the red cherries' description holds <script>alert(1)</script>
	s := f.server(t, testNow)
	res := get(t, s, "/search?type=product&q=alert")
	hallStatus(t, "alert", res, http.StatusOK)
	mustContain(t, res.Body, "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;")
	if strings.Contains(res.Body, "<script>") {
		t.Error("a snippet carries markup from the record")
	}
	var api struct {
		Hits []struct{ Snippet string } `json:"hits"`
	}
	getJSON(t, s, "/api/v1/search?q=alert", 200, &api)
	if len(api.Hits) != 1 || !strings.Contains(api.Hits[0].Snippet, "<script>alert(1)</script>") {
		t.Errorf("the API's snippet is the plain text: %+v", api.Hits)
	}
}

func getJSON(t *testing.T, s *Server, target string, status int, v any) {
	t.Helper()
	res := get(t, s, target)
	if res.Status != status {
		t.Fatalf("%s: status %d, want %d: %.300s", target, res.Status, status, res.Body)
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("%s: content type %q", target, res.Header.Get("Content-Type"))
	}
	if err := json.Unmarshal([]byte(res.Body), v); err != nil {
		t.Fatalf("%s: %v", target, err)
	}
}

type apiSearchResult struct {
	Query   string  `json:"query"`
	Total   int     `json:"total"`
	TookMS  float64 `json:"took_ms"`
	Page    int     `json:"page"`
	PerPage int     `json:"per_page"`
	Pages   int     `json:"pages"`
	Message string  `json:"message"`
	Hits    []struct {
		Type, Slug, Title, URL, Snippet string
	} `json:"hits"`
	Facets map[string][]struct {
		Value string `json:"value"`
		Count int    `json:"count"`
	} `json:"facets"`
	Counts map[string]int `json:"counts"`
}

type apiError struct {
	Error struct {
		Status  int    `json:"status"`
		Message string `json:"message"`
	} `json:"error"`
}

func TestSearchAPI(t *testing.T) {
	f := newHallFixture(t)
	s := f.server(t, testNow)

	var r apiSearchResult
	getJSON(t, s, "/api/v1/search?q="+url.QueryEscape("樱桃"), 200, &r)
	if r.Query != "樱桃" || r.Total == 0 || r.Total != len(r.Hits) && len(r.Hits) != search.DefaultPerPage || r.Counts["product"] != 2 || r.Counts["supplier"] != 1 {
		t.Errorf("樱桃： %+v", r)
	}
	if len(r.Facets[search.FacetCategory]) == 0 || r.Facets[search.FacetCategory][0].Value != "樱桃" || r.Facets[search.FacetCategory][0].Count != 2 {
		t.Errorf("category facet: %+v", r.Facets[search.FacetCategory])
	}
	for _, h := range r.Hits {
		if strings.Contains(h.Title, "<") || !strings.HasPrefix(h.URL, "http://localhost:8080/") {
			t.Errorf("hit %+v: want a plain title and an absolute URL", h)
		}
	}

	// A position: slug {event-slug}/{n}, its URL the event page's row, which carries the id.
	getJSON(t, s, "/api/v1/search?type=position&per_page=1&q="+url.QueryEscape("樱桃采摘工"), 200, &r)
	if len(r.Hits) != 1 || r.Hits[0].Type != "position" || r.PerPage != 1 {
		t.Fatalf("樱桃采摘工： %+v", r)
	}
	h := r.Hits[0]
	slug, n, ok := strings.Cut(h.Slug, "/")
	if !ok || h.URL != "http://localhost:8080/jobs/events/"+slug+"#position-"+n || h.Title != "樱桃采摘工" {
		t.Fatalf("position hit %+v", h)
	}
	page := get(t, s, "/jobs/events/"+slug)
	m := regexp.MustCompile(`(?s)<tr id="position-` + n + `">\s*<th scope="row">([^<]+)</th>`).FindStringSubmatch(page.Body)
	if m == nil || m[1] != "樱桃采摘工" {
		t.Errorf("the event page's row position-%s: %v", n, m)
	}

	// Paging and its bounds.
	var one, two apiSearchResult
	getJSON(t, s, "/api/v1/search?per_page=1&q="+url.QueryEscape("樱桃"), 200, &one)
	getJSON(t, s, "/api/v1/search?per_page=1&page=2&q="+url.QueryEscape("樱桃"), 200, &two)
	if len(one.Hits) != 1 || len(two.Hits) != 1 || one.Hits[0].Slug == two.Hits[0].Slug || one.Pages != one.Total {
		t.Errorf("per_page=1: %+v then %+v", one, two)
	}
	var past apiSearchResult
	getJSON(t, s, "/api/v1/search?page=999&q="+url.QueryEscape("樱桃"), 200, &past)
	if len(past.Hits) != 0 || past.Total == 0 || !strings.Contains(past.Message, "没有更多结果") {
		t.Errorf("page past the end: %+v", past)
	}
	var empty apiSearchResult
	getJSON(t, s, "/api/v1/search?q=", 200, &empty)
	if empty.Total != 0 || empty.Hits == nil || len(empty.Hits) != 0 {
		t.Errorf("empty query: %+v", empty)
	}
	var long apiSearchResult
	getJSON(t, s, "/api/v1/search?q="+strings.Repeat("b", 2000), 200, &long)
	if len([]rune(long.Query)) != search.MaxQueryRunes {
		t.Errorf("a 2,000-character query is searched as %d characters", len([]rune(long.Query)))
	}
	for _, tt := range []struct{ query, want string }{
		{"per_page=0&q=a", "每页条数“0”无效，应为 1 到 50 之间的整数。"},
		{"per_page=1000&q=a", "每页条数“1000”无效"},
		{"per_page=51&q=a", "每页条数“51”无效"},
		{"type=nothing&q=a", "没有“nothing”这类内容"},
		{"colour=red&q=a", "不能按“colour”筛选。"},
		{"type=supplier&topic=x&q=a", "“供应商”中不能按“主题分类”筛选。"},
	} {
		var e apiError
		getJSON(t, s, "/api/v1/search?"+tt.query, 400, &e)
		if e.Error.Status != 400 || !strings.Contains(e.Error.Message, tt.want) {
			t.Errorf("%s: %+v, want %q", tt.query, e, tt.want)
		}
	}
	var fifty apiSearchResult
	getJSON(t, s, "/api/v1/search?per_page=50&q="+url.QueryEscape("招聘"), 200, &fifty)
	if fifty.PerPage != 50 || len(fifty.Hits) > 50 || len(fifty.Hits) <= search.DefaultPerPage {
		t.Errorf("per_page=50: %d hits", len(fifty.Hits))
	}
}

// failingEngine is the real embedded engine with a failure injected: every search and match
// fails as a Meilisearch server that cannot be reached would.
type failingEngine struct{ search.Engine }

func (failingEngine) Search(context.Context, search.Query) (*search.Result, error) {
	return nil, zhenxing.Errorf(zhenxing.EUnavailable, "meilisearch: dial tcp 10.0.0.9:7700: connection refused")
}

func (failingEngine) Match(context.Context, search.Type, string, int) ([]string, error) {
	return nil, zhenxing.Errorf(zhenxing.EUnavailable, "meilisearch: dial tcp 10.0.0.9:7700: connection refused")
}

func TestSearchUnavailable(t *testing.T) {
	f := newHallFixture(t)
	s := mustServer(t, func(c *Config, d *Deps) {
		useCatalog(d, f.store)
		engine, _ := testEngine(t, d.Content, d.Products, c.Now)
		d.Search = failingEngine{engine}
	})
	for _, path := range []string{"/search?q=" + url.QueryEscape("樱桃"), "/hall/products?q=" + url.QueryEscape("樱桃"), "/jobs/positions?q=" + url.QueryEscape("保洁")} {
		res := get(t, s, path)
		if res.Status != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
			t.Errorf("%s: %d (Retry-After %q), want 503", path, res.Status, res.Header.Get("Retry-After"))
		}
		mustContain(t, res.Body, "<title>搜索暂时无法使用 - ", "搜索暂时无法使用，请稍后再试。", "请求编号", `id="site-search-q"`)
		if strings.Contains(res.Body, "meilisearch") || strings.Contains(res.Body, "connection refused") {
			t.Errorf("%s: the page shows the engine's error", path)
		}
	}
	for _, path := range []string{"/api/v1/search?q=a", "/api/v1/products?q=a", "/api/v1/positions?q=a"} {
		var e apiError
		getJSON(t, s, path, http.StatusServiceUnavailable, &e)
		if e.Error.Message != "搜索暂时无法使用，请稍后再试。" {
			t.Errorf("%s: %+v", path, e)
		}
	}
	// The rest of the site is unaffected, the search form included.
	for _, path := range []string{"/", "/open/", "/hall/products", "/jobs/positions", "/search"} {
		if res := get(t, s, path); res.Status != http.StatusOK {
			t.Errorf("%s with the engine down: %d", path, res.Status)
		}
	}
	if res := get(t, s, "/readyz"); res.Status != http.StatusOK {
		t.Errorf("/readyz with the engine down: %d; the database is up", res.Status)
	}
}

// TestSearchBoxOnEveryPage: the header of every page has the search form, labelled, working
// without JavaScript (a GET form to /search).
func TestSearchBoxOnEveryPage(t *testing.T) {
	f := newHallFixture(t)
	s := f.server(t, testNow)
	for _, path := range []string{"/", "/open/", "/open/policies/", "/hall/", "/hall/products", "/hall/products/hongdeng-cherry",
		"/jobs/", "/jobs/positions", "/search", "/no-such-page", "/admin/login"} {
		res := get(t, s, path)
		mustContain(t, res.Body, `<form class="site-search" method="get" action="/search" role="search">`,
			`<label for="site-search-q" class="visually-hidden">搜索本站</label>`,
			`<input id="site-search-q" type="search" name="q" value=""`, `<button type="submit">搜索</button>`)
		if t.Failed() {
			t.Fatalf("%s lacks the search box", path)
		}
	}
	res := get(t, s, "/search?q="+url.QueryEscape(`"甜"<樱桃>`))
	mustContain(t, res.Body, `id="site-search-q" type="search" name="q" value="&#34;甜&#34;&lt;樱桃&gt;"`)
}

// TestHallTextQuery: the hall's q goes through the search engine: one character, pinyin and
// traditional characters find the cherries, in the engine's order, with the hall's own facets.
func TestHallTextQuery(t *testing.T) {
	f := newHallFixture(t)
	s := f.server(t, mayNow)
	for _, q := range []string{"桃", "yingtao", "櫻桃", "樱桃 狄寨"} {
		target := "/hall/products?q=" + url.QueryEscape(q)
		res := get(t, s, target)
		hallStatus(t, target, res, http.StatusOK)
		names := cardNames(res.Body)
		if len(names) != 2 || !strings.Contains(names[0], "樱桃") || !strings.Contains(names[1], "樱桃") {
			t.Errorf("q=%s: %v, want the two cherries", q, names)
		}
		mustContain(t, res.Body, "关键词："+html.EscapeString(q), "共 2 种产品")
	}
	// Initials find the cherries first (略阳天麻, lytm, has yt too).
	if names := cardNames(get(t, s, "/hall/products?q=yt").Body); len(names) < 2 || !strings.Contains(names[0], "樱桃") || !strings.Contains(names[1], "樱桃") {
		t.Errorf("q=yt: %v, want the two cherries first", names)
	}
	// The hall's facets still narrow, and a sort still sorts.
	res := get(t, s, "/hall/products?county="+url.QueryEscape("略阳县")+"&sort=price&q="+url.QueryEscape("略阳"))
	if names := cardNames(res.Body); len(names) != 4 || names[0] != "略阳黑木耳" || names[3] != "略阳天麻" {
		t.Errorf("略阳 in 略阳县 by price: %v", names)
	}
	// A product listed after the index was built is found once the index has caught up.
	var api struct {
		Products []struct {
			Slug string `json:"slug"`
		} `json:"products"`
		Total int `json:"total"`
	}
	// The name first, then a product of the 乌鸡 farm.
	getJSON(t, s, "/api/v1/products?q="+url.QueryEscape("乌鸡"), 200, &api)
	if api.Total != 2 || api.Products[0].Slug != "lueyang-wuji" || api.Products[1].Slug != "lueyang-muer" {
		t.Errorf("api q=乌鸡： %+v", api)
	}
	if err := f.store.Products.SetListed(context.Background(), db.CommandLine, "hidden-xianggu", true); err != nil {
		t.Fatal(err)
	}
	syncSearch(t, s)
	if names := cardNames(get(t, s, "/hall/products?q="+url.QueryEscape("香菇")).Body); len(names) != 1 {
		t.Errorf("the mushrooms just listed: %v", names)
	}
}

// TestPositionsTextQuery: /jobs/positions and /api/v1/positions take q from the engine.
func TestPositionsTextQuery(t *testing.T) {
	s := mustServer(t)
	for _, q := range []string{"樱", "yingtao", "櫻桃採摘"} {
		res := get(t, s, "/jobs/positions?q="+url.QueryEscape(q))
		hallStatus(t, q, res, http.StatusOK)
		mustContain(t, res.Body, "樱桃采摘工", `name="q" value="`+html.EscapeString(q)+`"`)
		if strings.Contains(res.Body, "养老护理员") {
			t.Errorf("q=%s: lists positions that do not match", q)
		}
		var api struct {
			Positions []struct {
				Title string `json:"title"`
			} `json:"positions"`
			Total int `json:"total"`
		}
		getJSON(t, s, "/api/v1/positions?q="+url.QueryEscape(q), 200, &api)
		if api.Total == 0 || api.Positions[0].Title != "樱桃采摘工" {
			t.Errorf("api q=%s: %+v", q, api)
		}
	}
	res := get(t, s, "/jobs/positions?q="+url.QueryEscape("量子qqzz"))
	mustContain(t, res.Body, "共 0 个岗位")
	if res := get(t, s, "/jobs/positions?q="+strings.Repeat("x", 101)); res.Status != 400 || !strings.Contains(res.Body, "关键词不能超过 100 个字。") {
		t.Errorf("a 101-character q: %d", res.Status)
	}
}
