package site

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"zhenxing"
	"zhenxing/catalog"
	"zhenxing/content"
	"zhenxing/search"
)

// testNow is the clock of every site test: "now" never depends on the real date.
var testNow = time.Date(2026, 11, 28, 10, 0, 0, 0, zhenxing.Beijing)

// mustServer builds a site on the embedded content whose database cannot be reached (the hall
// and the back office fail, the documents serve). Options adjust the config and dependencies (a
// catalogue on a test database, another content store, ...).
func mustServer(t testing.TB, opts ...func(*Config, *Deps)) *Server {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	base, _ := url.Parse("http://localhost:8080")
	cfg := Config{
		BaseURL: base,
		Identity: Identity{
			Name: "西安市灞桥区乡村振兴局", Sponsor: "西安市灞桥区乡村振兴局", Phone: "029-83510000",
			Email: "xczx@example.cn", SiteIDCode: "6101110000", ICP: "陕ICP备00000000号",
			PublicSecurity: "陕公网安备 61011102000000号", ErrorReportURL: "https://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteInfo.action",
		},
		Logger: log,
		Now:    func() time.Time { return testNow },
	}
	deps := Deps{Content: content.NewStore(content.Embedded(), log)}
	useCatalog(&deps, unreachableCatalog(t))
	deps.DB = nil // no readiness dependency unless a test gives one
	for _, o := range opts {
		o(&cfg, &deps)
	}
	var ix *search.Indexer
	if deps.Search == nil {
		deps.Search, ix = testEngine(t, deps.Content, deps.Products, cfg.Now)
	}
	s, err := New(cfg, deps)
	if err != nil {
		t.Fatalf("site.New: %v", err)
	}
	if ix != nil {
		indexers.Store(s, ix)
		t.Cleanup(func() { indexers.Delete(s) })
	}
	return s
}

// catalogs are the catalogues useCatalog gave a site, by their products store, for the search
// engine of mustServer to index; unreachable are those of unreachableCatalog, which it does not.
var catalogs, unreachable sync.Map

// indexers are the indexers of the servers mustServer built, for syncSearch.
var indexers sync.Map

// testEngine is the embedded engine with the content of store and the catalogue behind
// products (none when it is unreachable), indexed on the clock now.
func testEngine(t testing.TB, store *content.Store, products *catalog.Products, now func() time.Time) (search.Engine, *search.Indexer) {
	t.Helper()
	engine := search.NewEmbedded()
	t.Cleanup(func() { _ = engine.Close() })
	cfg := search.IndexerConfig{Engine: engine, Library: store.Library, Now: now}
	if _, down := unreachable.Load(products); !down {
		if cat, ok := catalogs.Load(products); ok {
			cfg.Catalog = cat.(*catalog.Catalog)
		}
	}
	ix := search.NewIndexer(cfg)
	if err := ix.Sync(context.Background()); err != nil {
		// A catalogue that cannot be reached (the outage tests) leaves the content indexed, as
		// the running indexer would, which tries again later.
		t.Logf("index the site's content and catalogue: %v", err)
	}
	return engine, ix
}

// syncSearch brings the search engine of s up to date with its content and catalogue, as the
// running indexer would after a change.
func syncSearch(t testing.TB, s *Server) {
	t.Helper()
	ix, ok := indexers.Load(s)
	if !ok {
		t.Fatal("the server has no test indexer")
	}
	if err := ix.(*search.Indexer).Sync(context.Background()); err != nil {
		t.Fatalf("sync the search index: %v", err)
	}
}

// response is what a client got back.
type response struct {
	Status int
	Header http.Header
	Body   string
}

// do sends a request through the application and reads the whole response.
func do(t testing.TB, s *Server, req *http.Request) response {
	t.Helper()
	res, err := s.App.Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: string(body)}
}

// get is do for a GET of target.
func get(t testing.TB, s *Server, target string) response {
	t.Helper()
	return do(t, s, httptest.NewRequest(http.MethodGet, target, nil))
}

// mustContain fails the test unless body contains every one of want.
func mustContain(t testing.TB, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("response lacks %q", w)
		}
	}
}

// mustNotContain fails the test when body contains any of unwanted.
func mustNotContain(t testing.TB, body string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(body, u) {
			t.Errorf("response contains %q", u)
		}
	}
}

// answer is a request path and what a user must see in the answer: its status and a text.
type answer struct {
	path   string
	status int
	want   string
}

// checkAnswers requests each path, in a subtest of its own, and checks status and text.
func checkAnswers(t *testing.T, s *Server, answers []answer) {
	t.Helper()
	for _, a := range answers {
		t.Run(a.path, func(t *testing.T) {
			res := get(t, s, a.path)
			if res.Status != a.status {
				t.Errorf("status %d, want %d", res.Status, a.status)
			}
			mustContain(t, res.Body, a.want)
		})
	}
}

// listPage is a page of a list and what a user must see on it: how many entries, and texts that
// must and must not be there.
type listPage struct {
	path    string
	entries int
	want    []string
	absent  []string
}

// checkListPages requests each page, in a subtest of its own, and checks that it answers 200
// with as many matches of entry as the page has entries, and its texts.
func checkListPages(t *testing.T, s *Server, entry *regexp.Regexp, pages []listPage) {
	t.Helper()
	for _, p := range pages {
		t.Run(p.path, func(t *testing.T) {
			res := get(t, s, p.path)
			if res.Status != 200 {
				t.Fatalf("status %d", res.Status)
			}
			if n := len(entry.FindAllString(res.Body, -1)); n != p.entries {
				t.Errorf("%d entries shown, want %d", n, p.entries)
			}
			mustContain(t, res.Body, p.want...)
			for _, w := range p.absent {
				if strings.Contains(res.Body, w) {
					t.Errorf("page shows %q", w)
				}
			}
		})
	}
}

// TestLinkEncodesLikeURLValues: every link is what editing a copy of the query and encoding it
// with url.Values.Encode gives, on the first page, and building it leaves the link it came from
// as it was.
func TestLinkEncodesLikeURLValues(t *testing.T) {
	encode := func(v url.Values, edit func(url.Values)) string {
		q := url.Values{}
		for k, vals := range v {
			q[k] = append([]string(nil), vals...)
		}
		q.Del("page")
		edit(q)
		if len(q) == 0 {
			return "/p"
		}
		return "/p?" + q.Encode()
	}
	toggle := func(key, value string) func(url.Values) {
		return func(q url.Values) {
			if i := slices.Index(q[key], value); i >= 0 {
				q[key] = slices.Delete(q[key], i, i+1)
				if len(q[key]) == 0 {
					q.Del(key)
				}
				return
			}
			q.Add(key, value)
		}
	}
	set := func(key, value string) func(url.Values) {
		return func(q url.Values) {
			q.Del(key)
			if value != "" {
				q.Set(key, value)
			}
		}
	}
	page := func(n int) func(url.Values) {
		return func(q url.Values) {
			if n > 1 {
				q.Set("page", strconv.Itoa(n))
			}
		}
	}
	edits := []struct {
		name string
		link func(link) link
		want func(url.Values)
	}{
		{"toggle on", func(l link) link { return l.Toggle("category", "茶叶") }, toggle("category", "茶叶")},
		{"toggle off", func(l link) link { return l.Toggle("category", "菌菇") }, toggle("category", "菌菇")},
		{"toggle a new key", func(l link) link { return l.Toggle("supplier", "a-b") }, toggle("supplier", "a-b")},
		{"set", func(l link) link { return l.Set("q", "新 词") }, set("q", "新 词")},
		{"set empty", func(l link) link { return l.Set("sort", "") }, set("sort", "")},
		{"set first", func(l link) link { return l.Set("a", "1") }, set("a", "1")},
		{"del", func(l link) link { return l.Del("category") }, set("category", "")},
		{"page 1", func(l link) link { return l.Page(1) }, page(1)},
		{"page 7", func(l link) link { return l.Page(7) }, page(7)},
	}
	for _, v := range []url.Values{
		{},
		{"category": {"菌菇", "樱桃"}, "county": {"略阳县"}, "page": {"3"}},
		{"q": {"a b&c=d+e/f?"}, "min": {"1.00"}, "sort": {"-price"}},
		{"x y": {"~!*'()"}, "z": {""}},
	} {
		l := linkTo("/p", v)
		before := l.String()
		for _, e := range edits {
			if got, want := e.link(l).String(), encode(v, func(q url.Values) {
				for k, vals := range q {
					q[k] = slices.DeleteFunc(vals, func(s string) bool { return s == "" })
					if len(q[k]) == 0 {
						q.Del(k)
					}
				}
				e.want(q)
			}); got != want {
				t.Errorf("%v %s: %q, want %q", v, e.name, got, want)
			}
		}
		if l.String() != before {
			t.Errorf("%v: the link changed to %s", v, l.String())
		}
	}
}
