package site

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"zhenxing"
	"zhenxing/content"
)

// The points government-site inspections check (国办发〔2017〕47号 and its page-tag appendix,
// 国办秘函〔2019〕19号, the 2019 disclosure regulations), checked on the sample site as an
// inspector's crawler would: every page reachable from the home page by its links.

var (
	hrefRE = regexp.MustCompile(`(?:href|src)="([^"]+)"`)
	metaRE = regexp.MustCompile(`<meta name="([A-Za-z]+)" content="([^"]*)">`)
)

const conacTestURL = "https://bszs.conac.cn/sitename?method=show&id=0000000000"

// TestInspectionCrawl follows every internal link from the home page (links with a query string
// are checked but not followed, so that filter combinations do not multiply) and checks each
// answer: 200 (303 for the display-mode switches); on every HTML page the site tags, the column
// tags and the footer marks.
func TestInspectionCrawl(t *testing.T) {
	env := newAdminEnv(t)
	env.now = time.Date(2026, 12, 3, 10, 0, 0, 0, zhenxing.Beijing)
	s := mustServer(t, env.deps, func(c *Config, _ *Deps) { c.Identity.ConacURL = conacTestURL })

	seen := map[string]bool{"/": true}
	queue := []string{"/"}
	pages := 0
	for len(queue) > 0 {
		target := queue[0]
		queue = queue[1:]
		res := get(t, s, target)
		switch {
		case strings.HasPrefix(target, "/prefs?"):
			if res.Status != http.StatusSeeOther {
				t.Errorf("%s: %d, want 303", target, res.Status)
			}
			continue
		case res.Status != http.StatusOK:
			t.Errorf("%s: %d, want 200", target, res.Status)
			continue
		}
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			continue
		}
		pages++
		checkPageTags(t, target, res.Body)
		if strings.Contains(target, "?") {
			continue
		}
		for _, m := range hrefRE.FindAllStringSubmatch(res.Body, -1) {
			link := strings.ReplaceAll(m[1], "&amp;", "&")
			u, err := url.Parse(link)
			if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, "/") {
				continue // another site, mailto:, an anchor
			}
			u.Fragment = ""
			next := u.String()
			if seen[next] || strings.HasPrefix(next, "/admin") {
				continue
			}
			seen[next] = true
			queue = append(queue, next)
		}
	}
	if pages < 150 {
		t.Errorf("crawled %d HTML pages of %d links: the crawl did not reach the site", pages, len(seen))
	}
	t.Logf("%d links, %d HTML pages", len(seen), pages)
}

// checkPageTags checks the tags and footer marks of one HTML page.
func checkPageTags(t *testing.T, page, body string) {
	t.Helper()
	meta := map[string]string{}
	for _, m := range metaRE.FindAllStringSubmatch(body, -1) {
		meta[m[1]] = m[2]
	}
	for _, name := range []string{"SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType"} {
		if meta[name] == "" {
			t.Errorf("%s: no %s tag", page, name)
		}
	}
	switch meta["ColumnType"] {
	case "信息公开", "解读回应", "办事服务", "互动交流", "其他", "":
	default:
		t.Errorf("%s: ColumnType %q", page, meta["ColumnType"])
	}
	if strings.Contains(body, `<meta name="ArticleTitle"`) && (meta["PubDate"] == "" || meta["ContentSource"] == "") {
		t.Errorf("%s: an article page without PubDate or ContentSource", page)
	}
	for _, mark := range []string{">我为政府网站找错</a>", `href="/sitemap">网站地图</a>`, `href="/accessibility">无障碍声明</a>`,
		`href="https://beian.mps.gov.cn/#/query/webSearch?code=61011102000000"`, `alt="党政机关网站标识"`,
		`href="` + strings.ReplaceAll(conacTestURL, "&", "&amp;") + `"`, "网站标识码：6101110000"} {
		if !strings.Contains(body, mark) {
			t.Errorf("%s: the footer lacks %s", page, mark)
		}
	}
}

// TestColumnsAreCurrent holds the sample content to what inspections count as a fault: a column
// with nothing new for six months, a home page unchanged for two weeks. The annual reports are
// the exception the regulation makes itself: one a year, by 31 January.
func TestColumnsAreCurrent(t *testing.T) {
	lib, problems := content.Load(content.Embedded())
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, zhenxing.Beijing)
	for _, k := range content.Kinds {
		latest := lib.Latest(k, 1)
		switch {
		case len(latest) == 0:
			t.Errorf("%s: no entry", k.Name())
		case k == content.KindAnnualReport:
			if latest[0].Published.Before(time.Date(now.Year(), 1, 1, 0, 0, 0, 0, zhenxing.Beijing)) {
				t.Errorf("%s: no report published this year", k.Name())
			}
		case latest[0].Published.Before(now.AddDate(0, -6, 0)):
			t.Errorf("%s: newest entry %s is older than six months", k.Name(), latest[0].Published.Format(time.DateOnly))
		}
	}
	if home := lib.Latest("", 1); len(home) == 0 || home[0].Published.Before(now.AddDate(0, 0, -14)) {
		t.Errorf("the home page's newest entry is older than two weeks")
	}
}

// TestInterpretationsLinkBothWays: every interpretation's page links to its policy, and the
// policy's page to the interpretation.
func TestInterpretationsLinkBothWays(t *testing.T) {
	s := mustServer(t)
	lib := s.deps.Content.Library()
	n := 0
	for _, d := range lib.Latest(content.KindInterpretation, lib.Len()) {
		n++
		if d.Policy == nil {
			t.Errorf("%s interprets nothing", d.Slug)
			continue
		}
		mustContain(t, get(t, s, d.URL()).Body, `href="`+d.Policy.URL()+`"`)
		mustContain(t, get(t, s, d.Policy.URL()).Body, `href="`+d.URL()+`"`)
	}
	if n < 2 {
		t.Errorf("%d interpretations", n)
	}
}
