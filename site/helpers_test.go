package site

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"zhenxing"
	"zhenxing/content"
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
			PublicSecurity: "陕公网安备 61011102000000号", ErrorReportURL: "mailto:xczx@example.cn",
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
	s, err := New(cfg, deps)
	if err != nil {
		t.Fatalf("site.New: %v", err)
	}
	return s
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
