package site

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

func TestPages(t *testing.T) {
	s := mustServer(t)
	tests := []struct {
		path   string
		status int
		want   []string
	}{
		{"/", 200, []string{`<html lang="zh-CN"`, "最新公开", "通知公告", "跳到正文", "网站标识码：6101110000", "陕ICP备00000000号", "陕公网安备", "我为政府网站找错", "主办单位：西安市灞桥区乡村振兴局"}},
		{"/open/", 200, []string{"政务公开", "政策文件", "政策解读", "工作总结与计划", "通知公告", "政府信息公开指南", "政府信息公开年度报告"}},
		{"/open/policies/", 200, []string{"<h1>政策文件</h1>", "灞桥区促进脱贫群众增收十八条政策措施", "主题分类", "发布年份", `<span aria-current="page">政策文件</span>`}},
		{"/open/reports/work-report-2022-plan-2023", 200, []string{
			"西安市灞桥区乡村振兴局2022年工作总结及2023年工作计划", "索引号", "发布机构", "成文日期", "发布日期", "主题分类", "有效性",
			"237.57万元", "2397", "<table>", `<a href="/">首页</a>`, `<a href="/open/">政务公开</a>`, `<a href="/open/reports/">工作总结与计划</a>`, "正文",
			"附件", "XLSX", "变更记录",
		}},
		{"/open/policies/bridging-fund-management-2021", 200, []string{"本文件已废止。", `现行规定见：<a href="/open/policies/bridging-fund-management-2022">`}},
		{"/open/policies/bridging-fund-management-2022", 200, []string{"替代了<a href=\"/open/policies/bridging-fund-management-2021\">", "政策解读", "/open/interpretations/interpretation-bridging-fund-management-2022"}},
		{"/open/policies/bridging-fund-project-management-2022", 200, []string{"本文件已修改。", "修改内容见"}},
		{"/open/interpretations/interpretation-bridging-fund-management-2022", 200, []string{"本文是对<a href=\"/open/policies/bridging-fund-management-2022\">"}},
		{"/open/guide/open-government-guide", 200, []string{"政府信息公开指南"}},
		{"/open/annual-reports/", 200, []string{"年度报告"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res := get(t, s, tt.path)
			if res.Status != tt.status {
				t.Fatalf("status %d, want %d", res.Status, tt.status)
			}
			if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			mustContain(t, res.Body, tt.want...)
		})
	}
}

func TestDocumentMetaTags(t *testing.T) {
	s := mustServer(t)
	res := get(t, s, "/open/reports/work-report-2022-plan-2023")
	mustContain(t, res.Body,
		`<meta name="SiteName" content="西安市灞桥区乡村振兴局">`,
		`<meta name="SiteDomain" content="localhost:8080">`,
		`<meta name="SiteIDCode" content="6101110000">`,
		`<meta name="ColumnName" content="工作总结与计划">`,
		`<meta name="ArticleTitle" content="西安市灞桥区乡村振兴局2022年工作总结及2023年工作计划">`,
		`<meta name="ContentSource" content="西安市灞桥区乡村振兴局">`,
		`<meta name="Keywords" content="`,
		`<meta name="Description" content="`,
		`<link rel="canonical" href="http://localhost:8080/open/reports/work-report-2022-plan-2023">`,
	)
	if !regexp.MustCompile(`<meta name="PubDate" content="\d{4}-\d{2}-\d{2} \d{2}:\d{2}">`).MatchString(res.Body) {
		t.Error("PubDate meta is not YYYY-MM-DD HH:MM")
	}
	m := regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(res.Body)
	if m == nil {
		t.Fatal("no JSON-LD")
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
		t.Fatalf("JSON-LD: %v", err)
	}
	if ld["@type"] != "Article" || ld["headline"] != "西安市灞桥区乡村振兴局2022年工作总结及2023年工作计划" || ld["inLanguage"] != "zh-CN" {
		t.Errorf("JSON-LD = %v", ld)
	}
	policy := get(t, s, "/open/policies/bridging-fund-management-2021")
	if !strings.Contains(policy.Body, `"@type":"Legislation"`) || !strings.Contains(policy.Body, `"legislationLegalForce":"NotInForce"`) {
		t.Error("repealed policy JSON-LD lacks Legislation / NotInForce")
	}
}

func TestSecurityHeaders(t *testing.T) {
	s := mustServer(t)
	for _, path := range []string{"/", "/open/policies/", "/no-such-page", "/api/v1/documents"} {
		res := get(t, s, path)
		csp := res.Header.Get("Content-Security-Policy")
		if csp == "" || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		for h, want := range map[string]string{
			"X-Content-Type-Options": "nosniff",
			"Referrer-Policy":        "strict-origin-when-cross-origin",
		} {
			if got := res.Header.Get(h); got != want {
				t.Errorf("%s: %s = %q, want %q", path, h, got, want)
			}
		}
		if res.Header.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS over http", path)
		}
		if res.Header.Get("X-Request-Id") == "" {
			t.Errorf("%s: no request ID", path)
		}
	}
	https := mustServer(t, func(c *Config, _ *Deps) { c.BaseURL.Scheme = "https" })
	if got := get(t, https, "/").Header.Get("Strict-Transport-Security"); !strings.Contains(got, "max-age=31536000") {
		t.Errorf("HSTS over https = %q", got)
	}
}

func TestBadInput(t *testing.T) {
	s := mustServer(t)
	checkAnswers(t, s, []answer{
		{"/open/gossip/", 404, "您访问的栏目不存在"},
		{"/open/policies/no-such-document", 404, "未找到该文件"},
		{"/no/such/page", 404, "您访问的页面不存在"},
		{"/open/policies/?page=0", 400, "页码“0”无效，应为正整数"},
		{"/open/policies/?page=-3", 400, "页码“-3”无效"},
		{"/open/policies/?page=abc", 400, "页码“abc”无效"},
		{"/open/policies/?page=99999999999999999999", 400, "无效"},
		{"/open/policies/?page=50", 200, "第 50 页没有内容"},
		{"/open/policies/?topic=不存在的分类", 400, "没有主题分类为“不存在的分类”的文件"},
		{"/open/policies/?year=20x2", 400, "年份“20x2”无效"},
		{"/open/policies/?year=1990", 400, "没有 1990 年发布的文件"},
		{"/open/policies/?q=" + strings.Repeat("a", 3000), 400, "网址的查询参数过长"},
		{"/open/%ff%fe/", 400, "网址中含有无法识别的字符"},
		{"/open/policies/%c3%28", 400, "网址中含有无法识别的字符"},
		{"/open/policies/?topic=%ff", 400, "网址的查询参数中含有无法识别的字符"},
		{"/api/v1/documents?page=x", 400, `"message":"页码“x”无效，应为正整数。"`},
		{"/api/v1/documents?kind=nope", 400, "栏目“nope”不存在"},
		{"/api/v1/documents/none", 404, `"status":404`},
	})
}

func TestPagination(t *testing.T) {
	s := mustServer(t)
	res := get(t, s, "/open/policies/?topic=财政资金")
	mustContain(t, res.Body, "共 ")
	if strings.Contains(res.Body, "灞桥区促进脱贫群众增收十八条政策措施</a>") {
		t.Error("topic filter kept a document of another topic")
	}
	all := get(t, s, "/open/policies/?year=2022")
	if !strings.Contains(all.Body, `<option value="2022" selected>2022年</option>`) {
		t.Error("selected year not kept in the form")
	}
}

// pagedNotices are 45 notices, published on the 1st to the 45th day of 2023 (通知01 to 通知45);
// every third one is of the topic 就业创业.
func pagedNotices() map[string]string {
	files := map[string]string{}
	for i := 1; i <= 45; i++ {
		topic := "乡村振兴"
		if i%3 == 0 {
			topic = "就业创业"
		}
		day := time.Date(2023, 1, i, 9, 30, 0, 0, time.UTC).Format("2006-01-02")
		files[fmt.Sprintf("docs/notices/n%02d.md", i)] = fmt.Sprintf(`---
title: 通知%02d
index_no: 11610111MB1C2345XA/2023-%05d
publisher: 西安市灞桥区乡村振兴局
written: %s
published: %s 09:30
topic: %s
validity: 有效
summary: 第 %d 号通知。
---
正文。
`, i, i, day, day, topic, i)
	}
	return files
}

func TestDocumentListPages(t *testing.T) {
	s := mustServer(t, storeOf(t, pagedNotices()))
	rows := regexp.MustCompile(`<td><a href="/open/notices/n\d+">`)
	checkListPages(t, s, rows, []listPage{
		{"/open/notices/", 20, []string{"共 45 篇，第 1/3 页", "通知45", "通知26", `href="/open/notices/?page=2" rel="next"`, `href="/open/notices/?page=3" aria-label="第3页"`},
			[]string{"通知25", `rel="prev"`}},
		{"/open/notices/?page=2", 20, []string{"共 45 篇，第 2/3 页", "通知25", "通知06", `href="/open/notices/" rel="prev"`, `href="/open/notices/?page=3" rel="next"`},
			[]string{"通知26", "通知05"}},
		{"/open/notices/?page=3", 5, []string{"共 45 篇，第 3/3 页", "通知05", "通知01", `href="/open/notices/?page=2" rel="prev"`},
			[]string{`rel="next"`}},
		// The page links keep the filters and drop the empty ones; one page has no pager.
		{"/open/notices/?topic=&page=2", 20, []string{`href="/open/notices/" rel="prev"`}, []string{"topic="}},
		{"/open/notices/?topic=就业创业", 15, []string{"共 15 篇"}, []string{`class="pager"`}},
		{"/open/notices/?topic=就业创业&page=2", 0, []string{"第 2 页没有内容：本栏目共 1 页。", `<meta name="robots" content="noindex">`}, nil},
	})
	var list struct {
		Documents   []struct{ Title string }
		Page, Pages int
		Total       int
	}
	res := get(t, s, "/api/v1/documents?kind=notices&page=3")
	if err := json.Unmarshal([]byte(res.Body), &list); err != nil {
		t.Fatal(err)
	}
	if list.Total != 45 || list.Page != 3 || list.Pages != 3 || len(list.Documents) != 5 || list.Documents[0].Title != "通知05" {
		t.Errorf("API page 3: %+v", list)
	}
}

// TestNavigationMarksTheSection checks that the main navigation marks the section of each page,
// and only that one, and that only the pages of 招聘活动 offer its feed and calendar.
func TestNavigationMarksTheSection(t *testing.T) {
	s := mustServer(t)
	siteNav := regexp.MustCompile(`(?s)<nav class="site-nav".*?</nav>`)
	current := regexp.MustCompile(`<a href="[^"]*" aria-current="page">([^<]+)</a>`)
	tests := []struct{ path, section string }{
		{"/", "首页"},
		{"/open/", "政务公开"},
		{"/open/policies/", "政务公开"},
		{"/open/reports/work-report-2022-plan-2023", "政务公开"},
		{"/jobs/", "招聘活动"},
		{"/jobs/positions", "招聘活动"},
		{"/jobs/events/" + pastSlug, "招聘活动"},
		{"/no/such/page", ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			body := get(t, s, tt.path).Body
			var marked []string
			for _, m := range current.FindAllStringSubmatch(siteNav.FindString(body), -1) {
				marked = append(marked, m[1])
			}
			if want := []string{tt.section}; tt.section == "" && len(marked) > 0 || tt.section != "" && !slices.Equal(marked, want) {
				t.Errorf("navigation marks %q, want %q", marked, tt.section)
			}
			if feed := strings.Contains(body, `title="招聘活动" href="/jobs/feed.atom"`); feed != (tt.section == "招聘活动") {
				t.Errorf("jobs feed link: %v", feed)
			}
		})
	}
}

func TestHeadAndRedirects(t *testing.T) {
	s := mustServer(t)
	res := do(t, s, httptest.NewRequest(http.MethodHead, "/open/reports/work-report-2022-plan-2023", nil))
	if res.Status != 200 || res.Body != "" {
		t.Errorf("HEAD: %d, body %d bytes", res.Status, len(res.Body))
	}
	if res := get(t, s, "/open/policies"); res.Status != 301 || res.Header.Get("Location") != "/open/policies/" {
		t.Errorf("no-slash listing: %d %q", res.Status, res.Header.Get("Location"))
	}
	if res := get(t, s, "/open/notices/work-report-2022-plan-2023"); res.Status != 301 || res.Header.Get("Location") != "/open/reports/work-report-2022-plan-2023" {
		t.Errorf("wrong column: %d %q", res.Status, res.Header.Get("Location"))
	}
}

func TestPrefs(t *testing.T) {
	s := mustServer(t)
	res := get(t, s, "/prefs?text=large&back=/open/")
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/open/" {
		t.Fatalf("prefs: %d %q", res.Status, res.Header.Get("Location"))
	}
	cookie := res.Header.Get("Set-Cookie")
	if !strings.Contains(cookie, "zx_prefs=large") || !strings.Contains(strings.ToLower(cookie), "httponly") {
		t.Fatalf("cookie %q", cookie)
	}
	req := httptest.NewRequest(http.MethodGet, "/open/", nil)
	req.Header.Set("Cookie", "zx_prefs=large.contrast")
	page := do(t, s, req)
	mustContain(t, page.Body, `<html lang="zh-CN" class="large-text high-contrast">`, "标准字号", "标准配色")
	plain := get(t, s, "/open/")
	mustContain(t, plain.Body, "大字版", "高对比度")
	if res := get(t, s, "/prefs?contrast=high&back=//evil.example/"); res.Header.Get("Location") != "/" {
		t.Errorf("open redirect to %q", res.Header.Get("Location"))
	}
}

func TestStaticAssets(t *testing.T) {
	s := mustServer(t)
	home := get(t, s, "/")
	m := regexp.MustCompile(`href="(/static/site\.[0-9a-f]{12}\.css)"`).FindStringSubmatch(home.Body)
	if m == nil {
		t.Fatal("no hashed stylesheet link")
	}
	css := get(t, s, m[1])
	if css.Status != 200 || !strings.Contains(css.Header.Get("Cache-Control"), "max-age=31536000") || !strings.HasPrefix(css.Header.Get("Content-Type"), "text/css") {
		t.Errorf("stylesheet: %d %q %q", css.Status, css.Header.Get("Cache-Control"), css.Header.Get("Content-Type"))
	}
	if res := get(t, s, "/static/site.000000000000.css"); res.Status != 404 {
		t.Errorf("stale asset: %d", res.Status)
	}
}

func TestAttachments(t *testing.T) {
	s := mustServer(t)
	pdf := get(t, s, "/files/2022-poverty-monitoring-checklist.pdf")
	if pdf.Status != 200 || pdf.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf.Body, "%PDF") {
		t.Errorf("pdf: %d %q", pdf.Status, pdf.Header.Get("Content-Type"))
	}
	xlsx := get(t, s, "/files/2022-bridging-fund-projects.xlsx")
	if xlsx.Status != 200 || !strings.Contains(xlsx.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("xlsx: %d %q", xlsx.Status, xlsx.Header.Get("Content-Disposition"))
	}
	for _, p := range []string{"/files/../docs/guide/open-government-guide.md", "/files/none.pdf", "/files/"} {
		if res := get(t, s, p); res.Status != 404 {
			t.Errorf("%s: %d, want 404", p, res.Status)
		}
	}
}

func TestDocumentsAPI(t *testing.T) {
	s := mustServer(t)
	res := get(t, s, "/api/v1/documents?kind=policies&page=1")
	if res.Status != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("list: %d %q", res.Status, res.Header.Get("Content-Type"))
	}
	var list struct {
		Documents []struct {
			Slug, Kind, Title, IndexNo string
			Validity                   string `json:"validity"`
		} `json:"documents"`
		Total, Page, Pages int
	}
	if err := json.Unmarshal([]byte(res.Body), &list); err != nil {
		t.Fatal(err)
	}
	if list.Total < 4 || len(list.Documents) != list.Total || list.Page != 1 || list.Pages != 1 {
		t.Errorf("list = %+v", list)
	}
	for _, d := range list.Documents {
		if d.Kind != "policies" {
			t.Errorf("kind filter let through %s", d.Kind)
		}
	}
	one := get(t, s, "/api/v1/documents/bridging-fund-management-2021")
	var doc struct {
		Title, Validity, Successor, HTML, IndexNo string
		Attachments                               []any
	}
	if err := json.Unmarshal([]byte(one.Body), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Validity != "已废止" || doc.Successor != "bridging-fund-management-2022" || !strings.Contains(doc.HTML, "<p>") {
		t.Errorf("document = %+v", doc)
	}
}

func TestFeedsAndSitemap(t *testing.T) {
	s := mustServer(t)
	for _, path := range []string{"/open/feed.atom", "/open/policies/feed.atom", "/open/notices/feed.atom"} {
		res := get(t, s, path)
		if res.Status != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/atom+xml") {
			t.Fatalf("%s: %d %q", path, res.Status, res.Header.Get("Content-Type"))
		}
		var feed struct {
			Title   string `xml:"title"`
			Entries []struct {
				Title string `xml:"title"`
				Link  struct {
					Href string `xml:"href,attr"`
				} `xml:"link"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal([]byte(res.Body), &feed); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(feed.Entries) == 0 || !strings.HasPrefix(feed.Entries[0].Link.Href, "http://localhost:8080/open/") {
			t.Errorf("%s: %d entries, first %+v", path, len(feed.Entries), feed.Entries)
		}
	}
	if res := get(t, s, "/open/nope/feed.atom"); res.Status != 404 {
		t.Errorf("unknown kind feed: %d", res.Status)
	}

	res := get(t, s, "/sitemap.xml")
	var set struct {
		URLs []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal([]byte(res.Body), &set); err != nil {
		t.Fatal(err)
	}
	locs := map[string]bool{}
	for _, u := range set.URLs {
		locs[u.Loc] = true
	}
	lib := s.deps.Content.Library()
	for _, d := range lib.Latest("", lib.Len()) {
		if !locs["http://localhost:8080"+d.URL()] {
			t.Errorf("sitemap lacks %s", d.URL())
		}
	}
	for _, p := range []string{"/", "/open/", "/open/policies/"} {
		if !locs["http://localhost:8080"+p] {
			t.Errorf("sitemap lacks %s", p)
		}
	}
	robots := get(t, s, "/robots.txt")
	mustContain(t, robots.Body, "Sitemap: http://localhost:8080/sitemap.xml", "Disallow: /admin")
}

func TestHealthAndMetrics(t *testing.T) {
	s := mustServer(t)
	if res := get(t, s, "/healthz"); res.Status != 200 {
		t.Errorf("healthz %d", res.Status)
	}
	if res := get(t, s, "/readyz"); res.Status != 200 {
		t.Errorf("readyz without a database dependency: %d", res.Status)
	}
	get(t, s, "/open/policies/")
	get(t, s, "/no-such-page")
	res := get(t, s, "/metrics")
	mustContain(t, res.Body,
		`zhenxing_http_requests_total{method="GET",route="/open/:kind/",status="200"} 1`,
		`zhenxing_http_request_duration_seconds_bucket{method="GET",route="/open/:kind/"`,
		`status="404"`,
	)
}

func TestCachedDocumentPageFollowsDisplayModes(t *testing.T) {
	s := mustServer(t)
	const path = "/open/reports/work-report-2022-plan-2023"
	for i := 0; i < 2; i++ { // the second round is served from the page cache
		plain := get(t, s, path+"?from=feed")
		if strings.Contains(plain.Body, "large-text") || strings.Contains(plain.Body, "from=feed") {
			t.Fatal("plain page carries a display mode or a reader's query string")
		}
		mustContain(t, plain.Body, "back=%2fopen%2freports%2fwork-report-2022-plan-2023\"")
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Cookie", "zx_prefs=large")
		large := do(t, s, req)
		mustContain(t, large.Body, `class="large-text"`, "标准字号")
	}
}

func TestDocumentETag(t *testing.T) {
	s := mustServer(t)
	const path = "/open/reports/work-report-2022-plan-2023"
	first := get(t, s, path)
	etag := first.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	for i := 0; i < 2; i++ { // rendered, then cached
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("If-None-Match", etag)
		if res := do(t, s, req); res.Status != http.StatusNotModified || res.Body != "" {
			t.Errorf("If-None-Match: %d with %d bytes", res.Status, len(res.Body))
		}
	}
	if again := get(t, s, path); again.Header.Get("ETag") != etag || again.Body != first.Body {
		t.Error("the cached page differs from the rendered one")
	}
}

// TestCompressedDocumentPage checks that a document page comes brotli- or gzip-compressed to
// clients that accept it, decodes to the same page, and has an ETag per encoding.
func TestCompressedDocumentPage(t *testing.T) {
	s := mustServer(t)
	const path = "/open/reports/work-report-2022-plan-2023"
	plain := get(t, s, path)
	for _, tt := range []struct{ accept, encoding string }{{"gzip, deflate, br", "br"}, {"gzip", "gzip"}} {
		for i := 0; i < 2; i++ { // rendered, then cached
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Accept-Encoding", tt.accept)
			res := do(t, s, req)
			if res.Header.Get("Content-Encoding") != tt.encoding || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
				t.Fatalf("%s: Content-Encoding %q, Vary %q", tt.accept, res.Header.Get("Content-Encoding"), res.Header.Get("Vary"))
			}
			var decoded []byte
			var err error
			if tt.encoding == "br" {
				decoded, err = fasthttp.AppendUnbrotliBytes(nil, []byte(res.Body))
			} else {
				decoded, err = fasthttp.AppendGunzipBytes(nil, []byte(res.Body))
			}
			if err != nil || string(decoded) != plain.Body {
				t.Fatalf("%s: decoded page differs (%v)", tt.encoding, err)
			}
			etag := res.Header.Get("ETag")
			if etag == plain.Header.Get("ETag") {
				t.Errorf("%s shares the ETag of the plain page", tt.encoding)
			}
			req = httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Accept-Encoding", tt.accept)
			req.Header.Set("If-None-Match", etag)
			if res := do(t, s, req); res.Status != http.StatusNotModified {
				t.Errorf("%s If-None-Match: %d", tt.encoding, res.Status)
			}
		}
	}
}
