package site

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	goical "github.com/emersion/go-ical"

	"zhenxing"
	"zhenxing/content"
)

// The sample events these tests read (content/events), relative to testNow, Saturday 28 November
// 2026: the winter paired-county fair was moved from 21 to 29 November; the elder-care fair of
// 19 December is cancelled; the employment-assistance fair of January 2027 is postponed.
const (
	movedSlug     = "baqiao-lueyang-labour-2026-winter"
	cancelledSlug = "elder-care-fair-2026-12"
	postponedSlug = "employment-assistance-month-2027"
	welfareSlug   = "public-welfare-posts-2026"
	pastSlug      = "baqiao-lueyang-labour-2022"
	onlineSlug    = "live-hiring-ecommerce-2026-12"
)

func TestJobsPages(t *testing.T) {
	s := mustServer(t)
	tests := []struct {
		path    string
		want    []string
		notWant []string
	}{
		{"/jobs/", []string{"<h1>招聘活动</h1>", "即将举行", "往期活动", "劳务协作专场招聘会（2026年冬季）", "2022年灞桥区“春风行动”",
			`aria-current="page">招聘活动</a>`, `href="/jobs/calendar.ics"`, "共 15 场招聘活动：即将举行或正在进行 7 场，已结束 8 场。",
			`<option value="专场招聘会">专场招聘会(4)</option>`, `<label for="f-kind">活动类型</label>`}, nil},
		{"/jobs/?when=this-week", []string{"2026年冬季", "共 1 场", `aria-current="page">本周`}, []string{"2027年“春风行动”", "2022年灞桥区“春风行动”"}},
		{"/jobs/?when=past", []string{"2022年夏季", "2022年灞桥区“春风行动”", "没有符合条件的即将举行的招聘活动。"}, []string{"2026年冬季"}},
		{"/jobs/?kind=公益性岗位招聘", []string{"2026年度城乡公益性岗位招聘", "2023年乡村公益性岗位招聘", "共 2 场"}, []string{"2026年冬季"}},
		{"/jobs/?district=略阳县&when=past", []string{"2022年夏季", "共 1 场", "举办地：略阳县", "时间：往期活动"}, []string{"2027年“春风行动”"}},
		{"/jobs/?district=略阳县&when=upcoming&mode=线上%2B线下", []string{"2027年“春风行动”", "共 1 场"}, []string{"2022年夏季"}},
		{"/jobs/?industry=养老服务&status=已取消", []string{"养老服务和家政服务人才专场招聘会", "共 1 场", `<strong class="badge">已取消</strong>`}, nil},
		{"/jobs/?salary=8000-&when=upcoming", []string{"电商直播带岗专场", "2027年民营企业招聘月", "2026年冬季"}, []string{"2026年度城乡公益性岗位招聘", "2022年夏季"}}, // 木工 300–380 元/日 reaches 8265 a month
		{"/jobs/?from=2026-12-01&to=2026-12-31", []string{"电商直播带岗专场", "2026年度城乡公益性岗位招聘", "养老服务和家政服务", "共 3 场"}, []string{"2026年冬季"}},
		{"/jobs/?kind=线上招聘会&when=upcoming", []string{"共 0 场", "没有符合条件的即将举行的招聘活动。"}, nil},
		{"/jobs/events/" + welfareSlug, []string{"2026年度城乡公益性岗位招聘", "<h2 id=\"eligibility\">报名对象</h2>", "<h2 id=\"stages\">招聘程序</h2>",
			`<ol class="stages">`, "<strong>报名</strong> <time datetime=\"2026-12-07\">2026年12月7日</time>至<time datetime=\"2026-12-18\">2026年12月18日</time>",
			"<strong>聘用</strong> <time datetime=\"2027-02-01\">", "社区就业服务协理员", `href="/jobs/events/` + welfareSlug + `.ics"`}, []string{"活动成效"}},
		{"/jobs/events/" + movedSlug, []string{"<caption>陕西京通物流有限公司招聘岗位</caption>",
			`<th scope="col">岗位</th><th scope="col">人数</th><th scope="col">薪资</th><th scope="col">学历</th><th scope="col">年龄</th><th scope="col">工作地点</th><th scope="col">要求</th><th scope="col">食宿/社保</th>`,
			`<th scope="row">叉车司机</th>`, "6000–7500 元/月", "300–380 元/日", "约 6525–8265 元/月", "20–50 岁", "4 家用人单位，招聘 175 人",
			"灞桥区就业服务中心、略阳县就业服务中心", "029-83510000", "跨省劳务补贴申报", `href="https://uri.amap.com/search?keyword=`,
			"<strong>改期说明</strong>", `<td data-label="薪资">300–380 元/日`},
			[]string{"活动成效"}},
		{"/jobs/events/" + pastSlug, []string{"<h2 id=\"results\">活动成效</h2>", "<dt>参会用人单位</dt><dd>52 家</dd>", "<dt>达成就业意向</dt><dd>633 人</dd>", "<dt>现场签约</dt><dd>241 人</dd>", "已结束"}, nil},
		{"/jobs/events/" + onlineSlug, []string{"进入直播间或线上招聘会", "https://zhaopin.example.cn/live/2026-12-dianshang", "20–24 元/时", "约 3480–4176 元/月"}, nil},
		{"/jobs/positions", []string{"<h1>岗位查询</h1>", `<label for="p-education">我的学历</label>`, "日薪乘以 21.75 天，时薪乘以 174 小时"}, nil},
		{"/jobs/positions?page=2", []string{`<th scope="row">乌鸡养殖技术员</th>`}, nil},
		{"/jobs/positions?industry=建筑施工", []string{"共 2 个岗位，招聘 60 人。", "钢筋工", "木工"}, []string{"缝纫工"}},
		{"/jobs/positions?upcoming=1&district=略阳县", []string{"乌鸡养殖技术员", "共 5 个岗位"}, []string{"食品包装工"}},
		{"/jobs/positions?education=初中&salary=8000-&upcoming=1", []string{`<th scope="row">木工</th>`, "共 1 个岗位"}, []string{"带货主播", "育婴员", "护士"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res := get(t, s, tt.path)
			if res.Status != 200 {
				t.Fatalf("status %d", res.Status)
			}
			mustContain(t, res.Body, tt.want...)
			for _, w := range tt.notWant {
				if strings.Contains(res.Body, w) {
					t.Errorf("page should not contain %q", w)
				}
			}
		})
	}
	if res := get(t, s, "/jobs"); res.Status != 301 || res.Header.Get("Location") != "/jobs/" {
		t.Errorf("/jobs: %d %q", res.Status, res.Header.Get("Location"))
	}
}

func TestJobsFilterLinksKeepOtherFilters(t *testing.T) {
	s := mustServer(t)
	res := get(t, s, "/jobs/?district=灞桥区&when=upcoming")
	// The kind link keeps the district and time filters; the chosen district can be removed.
	mustContain(t, res.Body,
		`href="/jobs/?district=%E7%81%9E%E6%A1%A5%E5%8C%BA&amp;when=past"`,
		`href="/jobs/?when=upcoming">去掉`,
		`<option value="灞桥区" selected>`,
		`<option value="upcoming" selected>`)
}

// pagedEvents are 12 events to come (未来活动01 on 1 December 2026, the soonest, to 未来活动12) and
// 13 past ones (往期活动01 on 1 January 2025 to 往期活动13, the latest), one position each.
func pagedEvents() map[string]string {
	titleLine := regexp.MustCompile(`(?m)^title: .*$`)
	files := map[string]string{}
	for i := 1; i <= 25; i++ {
		title, day := fmt.Sprintf("未来活动%02d", i), fmt.Sprintf("2026-12-%02d", i)
		if i > 12 {
			title, day = fmt.Sprintf("往期活动%02d", i-12), fmt.Sprintf("2025-01-%02d", i-12)
		}
		ev := titleLine.ReplaceAllString(escapeEvent, "title: "+title)
		ev = strings.ReplaceAll(ev, "2026-12-12", day)
		ev = strings.Replace(ev, "published: 2026-11-20", "published: 2024-12-01", 1)
		files[fmt.Sprintf("events/e%02d.md", i)] = ev
	}
	return files
}

func TestJobsPagination(t *testing.T) {
	s := mustServer(t, storeOf(t, pagedEvents()))
	first := get(t, s, "/jobs/")
	second := get(t, s, "/jobs/?page=2")
	if first.Status != 200 || second.Status != 200 {
		t.Fatalf("status %d, %d", first.Status, second.Status)
	}
	// 20 a page: the 12 events to come, soonest first, then the 8 latest past ones; the count is of
	// every matching event, on every page.
	for _, res := range []response{first, second} {
		mustContain(t, res.Body, "共 25 场招聘活动：即将举行或正在进行 12 场，已结束 13 场。", `<nav class="pager" aria-label="分页">`)
	}
	mustContain(t, first.Body, `<h2 id="upcoming">即将举行</h2>`, "未来活动01", "未来活动12", `<h2 id="past">往期活动</h2>`, "往期活动13", "往期活动06",
		`<span aria-current="page">1</span>`, `href="/jobs/?page=2" rel="next"`)
	if i, j := strings.Index(first.Body, "未来活动01"), strings.Index(first.Body, "往期活动13"); i > j {
		t.Error("page 1 lists a past event before one to come")
	}
	mustContain(t, second.Body, "往期活动05", "往期活动01", `href="/jobs/" rel="prev"`, `<span aria-current="page">2</span>`,
		`href="/jobs/?when=past"`) // a filter link starts again at the first page
	for _, w := range []string{"往期活动06", "未来活动", `id="upcoming"`, "没有符合条件"} {
		if strings.Contains(second.Body, w) {
			t.Errorf("page 2 shows %q", w)
		}
	}
	if strings.Contains(first.Body, "往期活动05") {
		t.Error("page 1 shows an event of page 2")
	}
	// A filter keeps its value in the page links; a list of one page has none.
	past := get(t, s, "/jobs/?when=past")
	mustContain(t, past.Body, "共 13 场", "往期活动01", "没有符合条件的即将举行的招聘活动。")
	if strings.Contains(past.Body, `class="pager"`) {
		t.Error("a list of one page has a pager")
	}
	mustContain(t, get(t, s, "/jobs/?mode=现场&page=2").Body, `href="/jobs/?mode=`+url.QueryEscape("现场")+`" rel="prev"`)
	checkAnswers(t, s, []answer{
		{"/jobs/?page=3", 200, "第 3 页没有招聘活动：符合条件的招聘活动共 25 场，2 页。"},
		{"/jobs/?page=0", 400, "页码“0”无效，应为正整数。"},
		{"/jobs/?page=x", 400, "页码“x”无效"},
		{"/jobs/positions?page=2", 200, "共 25 个岗位，招聘 250 人。"},
		{"/jobs/positions?page=3", 200, "第 3 页没有岗位：符合条件的岗位共 25 个，2 页。"},
		{"/jobs/positions?page=-1", 400, "页码“-1”无效"},
	})
}

func TestPositionsPagination(t *testing.T) {
	s := mustServer(t)
	rows := regexp.MustCompile(`<tr>\s*<th scope="row">`)
	checkListPages(t, s, rows, []listPage{
		{"/jobs/positions", 20, []string{"共 58 个岗位", `href="/jobs/positions?page=2" rel="next"`, `href="/jobs/positions?page=3"`}, nil},
		{"/jobs/positions?page=2", 20, []string{"共 58 个岗位", `href="/jobs/positions" rel="prev"`, `href="/jobs/positions?page=3" rel="next"`}, nil},
		{"/jobs/positions?page=3", 18, []string{"共 58 个岗位", `href="/jobs/positions?page=2" rel="prev"`}, nil},
		// Filters stay in the page links, empty ones are dropped, and the sort links start again at
		// the first page.
		{"/jobs/positions?industry=&sort=-salary&page=2", 20, []string{`href="/jobs/positions?page=3&amp;sort=-salary" rel="next"`,
			`href="/jobs/positions?sort=salary"`, `href="/jobs/positions?sort=-salary&amp;upcoming=1"`}, nil},
		{"/jobs/positions?industry=建筑施工", 2, []string{"共 2 个岗位"}, nil},
	})
}

func TestPositionsSortBySalary(t *testing.T) {
	s := mustServer(t)
	monthly := func(path string) []int64 {
		t.Helper()
		var body struct {
			Positions []struct {
				Salary *struct {
					MonthlyMin int64 `json:"monthly_min"` // fen: an integer, or decoding fails
					MonthlyMax int64 `json:"monthly_max"`
				} `json:"salary"`
			} `json:"positions"`
		}
		res := get(t, s, path)
		if err := json.Unmarshal([]byte(res.Body), &body); err != nil || res.Status != 200 {
			t.Fatalf("%s: %d %v", path, res.Status, err)
		}
		var out []int64
		for _, p := range body.Positions {
			if p.Salary == nil {
				out = append(out, -1)
				continue
			}
			if strings.Contains(path, "-salary") {
				out = append(out, p.Salary.MonthlyMax)
			} else {
				out = append(out, p.Salary.MonthlyMin)
			}
		}
		return out
	}
	asc := monthly("/api/v1/positions?sort=salary")
	desc := monthly("/api/v1/positions?sort=-salary")
	if len(asc) < 40 || asc[0] != 100000 || desc[0] != 1200000 {
		t.Fatalf("%d positions, lowest %v, highest %v", len(asc), asc[0], desc[0])
	}
	for i := 1; i < len(asc); i++ {
		if asc[i] >= 0 && asc[i] < asc[i-1] {
			t.Errorf("sort=salary out of order at %d: %v after %v", i, asc[i], asc[i-1])
		}
		if desc[i] >= 0 && desc[i] > desc[i-1] {
			t.Errorf("sort=-salary out of order at %d: %v after %v", i, desc[i], desc[i-1])
		}
	}
	// The pages show the same order: the highest-paid first.
	var pages string
	for _, p := range []string{"", "&page=2", "&page=3"} {
		pages += get(t, s, "/jobs/positions?sort=-salary"+p).Body
	}
	if i, j := strings.Index(pages, "带货主播"), strings.Index(pages, "乡村保洁员"); i < 0 || j < 0 || i > j {
		t.Errorf("sort=-salary pages: 带货主播 at %d, 乡村保洁员 at %d", i, j)
	}
}

func TestEventStatusBanner(t *testing.T) {
	s := mustServer(t)
	tests := []struct {
		slug    string
		want    []string
		notWant string
	}{
		{cancelledSlug, []string{`class="banner banner-cancelled" role="note"`, "<strong>本场活动已取消。</strong>", "2026年12月19日 09:30–12:00"}, ""},
		{movedSlug, []string{`class="banner banner-moved" role="note"`, "<strong>本场活动已改期。</strong>", "原定 <time datetime=\"2026-11-21T09:00:00&#43;08:00\">2026-11-21 09:00</time> 开始",
			"改为 <time datetime=\"2026-11-29T09:00:00&#43;08:00\">2026年11月29日 09:00–12:30</time>"}, ""},
		{postponedSlug, []string{"<strong>本场活动已延期</strong>,新的时间另行通知"}, ""},
		{welfareSlug, nil, `class="banner`},
	}
	for _, tt := range tests {
		res := get(t, s, "/jobs/events/"+tt.slug)
		if res.Status != 200 {
			t.Fatalf("%s: %d", tt.slug, res.Status)
		}
		mustContain(t, res.Body, tt.want...)
		if tt.notWant != "" && strings.Contains(res.Body, tt.notWant) {
			t.Errorf("%s: an event held as planned has no banner", tt.slug)
		}
	}
}

// ldGraph extracts the JSON-LD of a page and parses it as JSON.
func ldGraph(t *testing.T, body string) []map[string]any {
	t.Helper()
	m := regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("page has no JSON-LD")
	}
	var doc struct {
		Context string           `json:"@context"`
		Graph   []map[string]any `json:"@graph"`
	}
	if err := json.Unmarshal([]byte(m[1]), &doc); err != nil {
		t.Fatalf("JSON-LD is not JSON: %v", err)
	}
	if doc.Context != "https://schema.org" || len(doc.Graph) == 0 {
		t.Fatalf("JSON-LD context %q, %d nodes", doc.Context, len(doc.Graph))
	}
	return doc.Graph
}

func TestEventJSONLD(t *testing.T) {
	s := mustServer(t)
	tests := []struct {
		slug, status, mode string
		previous           string
		postings           int
	}{
		{cancelledSlug, "https://schema.org/EventCancelled", "https://schema.org/OfflineEventAttendanceMode", "", 2},
		{movedSlug, "https://schema.org/EventRescheduled", "https://schema.org/OfflineEventAttendanceMode", "2026-11-21T09:00:00+08:00", 5},
		{postponedSlug, "https://schema.org/EventPostponed", "https://schema.org/OfflineEventAttendanceMode", "", 2},
		{onlineSlug, "https://schema.org/EventScheduled", "https://schema.org/OnlineEventAttendanceMode", "", 4},
		{"spring-breeze-2027-lueyang", "https://schema.org/EventScheduled", "https://schema.org/MixedEventAttendanceMode", "", 5},
	}
	for _, tt := range tests {
		graph := ldGraph(t, get(t, s, "/jobs/events/"+tt.slug).Body)
		ev := graph[0]
		if ev["@type"] != "Event" || ev["eventStatus"] != tt.status || ev["eventAttendanceMode"] != tt.mode {
			t.Errorf("%s: @type %v, eventStatus %v, mode %v", tt.slug, ev["@type"], ev["eventStatus"], ev["eventAttendanceMode"])
		}
		if prev, _ := ev["previousStartDate"].(string); prev != tt.previous {
			t.Errorf("%s: previousStartDate %q, want %q", tt.slug, prev, tt.previous)
		}
		if org, _ := ev["organizer"].([]any); len(org) == 0 {
			t.Errorf("%s: no organizer", tt.slug)
		}
		if len(graph)-1 != tt.postings {
			t.Errorf("%s: %d JobPostings, want %d", tt.slug, len(graph)-1, tt.postings)
		}
		for _, jp := range graph[1:] {
			if jp["@type"] != "JobPosting" || jp["title"] == "" || jp["datePosted"] == nil || jp["validThrough"] == nil ||
				jp["hiringOrganization"] == nil || jp["jobLocation"] == nil || jp["totalJobOpenings"] == nil || jp["employmentType"] == nil {
				t.Errorf("%s: incomplete JobPosting %v", tt.slug, jp)
			}
		}
	}

	// The online fair is at a VirtualLocation; the hybrid one at a Place and a VirtualLocation.
	online := ldGraph(t, get(t, s, "/jobs/events/"+onlineSlug).Body)[0]
	if loc, _ := online["location"].(map[string]any); loc["@type"] != "VirtualLocation" || loc["url"] != "https://zhaopin.example.cn/live/2026-12-dianshang" {
		t.Errorf("online location = %v", online["location"])
	}
	hybrid := ldGraph(t, get(t, s, "/jobs/events/spring-breeze-2027-lueyang").Body)[0]
	if locs, _ := hybrid["location"].([]any); len(locs) != 2 {
		t.Errorf("hybrid location = %v", hybrid["location"])
	}

	// A daily wage: baseSalary in CNY per DAY; the moved fair's carpenters earn 300–380 元/日.
	for _, jp := range ldGraph(t, get(t, s, "/jobs/events/"+movedSlug).Body)[1:] {
		if jp["title"] != "木工" {
			continue
		}
		pay := jp["baseSalary"].(map[string]any)
		value := pay["value"].(map[string]any)
		if pay["@type"] != "MonetaryAmount" || pay["currency"] != "CNY" || value["unitText"] != "DAY" ||
			value["minValue"] != 300.0 || value["maxValue"] != 380.0 || jp["employmentType"] != "TEMPORARY" || jp["totalJobOpenings"] != 20.0 {
			t.Errorf("木工 JobPosting = %v", jp)
		}
		if jp["educationRequirements"] != "不限" || jp["datePosted"] != "2026-11-05" {
			t.Errorf("木工 education %v, datePosted %v", jp["educationRequirements"], jp["datePosted"])
		}
		return
	}
	t.Error("no JobPosting for 木工")
}

// checkICS checks the raw iCalendar text the way RFC 5545 §3.1 puts it, then parses it with
// emersion/go-ical, a library independent of the one that wrote it.
func checkICS(t *testing.T, res response) *goical.Calendar {
	t.Helper()
	if res.Status != 200 {
		t.Fatalf("status %d: %s", res.Status, res.Body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if !strings.HasSuffix(res.Body, "\r\n") {
		t.Error("the last line does not end with CRLF")
	}
	for i, line := range strings.Split(strings.TrimSuffix(res.Body, "\r\n"), "\r\n") {
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, line)
		}
		if len(line) > 75 {
			t.Errorf("line %d is %d octets long: %q", i+1, len(line), line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("line %d splits a UTF-8 character: %q", i+1, line)
		}
	}
	cal, err := goical.NewDecoder(strings.NewReader(res.Body)).Decode()
	if err != nil {
		t.Fatalf("go-ical cannot parse the calendar: %v", err)
	}
	tz := cal.Children[0]
	if tz.Name != goical.CompTimezone || tz.Props.Get(goical.PropTimezoneID).Value != "Asia/Shanghai" {
		t.Errorf("first component %s %v, want the Asia/Shanghai VTIMEZONE", tz.Name, tz.Props)
	}
	return cal
}

func vevents(cal *goical.Calendar) map[string]*goical.Component {
	out := map[string]*goical.Component{}
	for _, c := range cal.Children {
		if c.Name == goical.CompEvent {
			uid, _ := c.Props.Text(goical.PropUID)
			out[uid] = c
		}
	}
	return out
}

func propText(t *testing.T, c *goical.Component, name string) string {
	t.Helper()
	p := c.Props.Get(name)
	if p == nil {
		t.Errorf("VEVENT lacks %s", name)
		return ""
	}
	if p.ValueType() == goical.ValueText || p.ValueType() == goical.ValueDefault {
		s, err := p.Text()
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		return s
	}
	return p.Value
}

func TestEventICS(t *testing.T) {
	s := mustServer(t)
	tests := []struct {
		slug, status, sequence, start, summary string
	}{
		{cancelledSlug, "CANCELLED", "1", "2026-12-19 09:30", "【已取消】养老服务和家政服务人才专场招聘会"},
		{movedSlug, "CONFIRMED", "1", "2026-11-29 09:00", "灞桥区—略阳县劳务协作专场招聘会（2026年冬季）"},
		{postponedSlug, "TENTATIVE", "1", "2027-01-15 09:30", "【已延期】2027年“就业援助月”脱贫人口和就业困难人员专场招聘会"},
		{welfareSlug, "CONFIRMED", "0", "2026-12-07 08:30", "灞桥区2026年度城乡公益性岗位招聘"},
		{pastSlug, "CONFIRMED", "0", "2022-06-18 09:00", "灞桥区—略阳县劳务协作专场招聘会（2022年夏季）"},
	}
	for _, tt := range tests {
		t.Run(tt.slug, func(t *testing.T) {
			cal := checkICS(t, get(t, s, "/jobs/events/"+tt.slug+".ics"))
			events := vevents(cal)
			ev := events[tt.slug+"@localhost"]
			if len(events) != 1 || ev == nil {
				t.Fatalf("VEVENTs %v, want one with UID %s@localhost", events, tt.slug)
			}
			if got := propText(t, ev, goical.PropStatus); got != tt.status {
				t.Errorf("STATUS %q, want %q", got, tt.status)
			}
			if got := propText(t, ev, goical.PropSequence); got != tt.sequence {
				t.Errorf("SEQUENCE %q, want %q", got, tt.sequence)
			}
			if got := propText(t, ev, goical.PropSummary); got != tt.summary {
				t.Errorf("SUMMARY %q, want %q", got, tt.summary)
			}
			start, err := ev.Props.DateTime(goical.PropDateTimeStart, nil)
			if err != nil || ev.Props.Get(goical.PropDateTimeStart).Params.Get(goical.ParamTimezoneID) != "Asia/Shanghai" {
				t.Fatalf("DTSTART: %v %v", ev.Props.Get(goical.PropDateTimeStart), err)
			}
			if got := start.In(zhenxing.Beijing).Format("2006-01-02 15:04"); got != tt.start {
				t.Errorf("DTSTART %s, want %s", got, tt.start)
			}
			if _, err := ev.Props.DateTime(goical.PropDateTimeStamp, time.UTC); err != nil || !strings.HasSuffix(ev.Props.Get(goical.PropDateTimeStamp).Value, "Z") {
				t.Errorf("DTSTAMP %v: %v", ev.Props.Get(goical.PropDateTimeStamp), err)
			}
			if got := propText(t, ev, goical.PropURL); got != "http://localhost:8080/jobs/events/"+tt.slug {
				t.Errorf("URL %q", got)
			}
			if propText(t, ev, goical.PropLocation) == "" || !strings.Contains(propText(t, ev, goical.PropDescription), "详情：http://localhost:8080/jobs/events/"+tt.slug) {
				t.Errorf("LOCATION or DESCRIPTION missing")
			}
		})
	}
	// The moved event's description names the old time; its DTSTAMP is the day it was moved.
	ev := vevents(checkICS(t, get(t, s, "/jobs/events/"+movedSlug+".ics")))[movedSlug+"@localhost"]
	if !strings.Contains(propText(t, ev, goical.PropDescription), "本场活动已改期，原定 2026-11-21 09:00 开始。") {
		t.Errorf("DESCRIPTION %q", propText(t, ev, goical.PropDescription))
	}
	if stamp, _ := ev.Props.DateTime(goical.PropDateTimeStamp, time.UTC); !stamp.Equal(time.Date(2026, 11, 16, 0, 0, 0, 0, zhenxing.Beijing)) {
		t.Errorf("DTSTAMP %s, want the update of 2026-11-16", stamp)
	}
}

func TestCalendarFeedHoldsEveryUpcomingEvent(t *testing.T) {
	s := mustServer(t)
	cal := checkICS(t, get(t, s, "/jobs/calendar.ics"))
	events := vevents(cal)
	now := testNow
	var want []string
	for _, e := range s.deps.Content.Library().AllEvents() {
		if e.End.After(now) {
			want = append(want, e.Slug+"@localhost")
		}
	}
	if len(want) != 7 || len(events) != len(want) {
		t.Fatalf("feed has %d events, want the %d upcoming ones", len(events), len(want))
	}
	for _, uid := range want {
		if events[uid] == nil {
			t.Errorf("feed lacks %s", uid)
		}
	}
	if events[pastSlug+"@localhost"] != nil {
		t.Error("feed holds a past event")
	}
	if got := propText(t, events[cancelledSlug+"@localhost"], goical.PropStatus); got != "CANCELLED" {
		t.Errorf("cancelled event in the feed: STATUS %q", got)
	}
	if got := cal.Props.Get("X-WR-TIMEZONE"); got == nil || got.Value != "Asia/Shanghai" {
		t.Errorf("X-WR-TIMEZONE %v", got)
	}
}

// escapeEvent has commas, semicolons, a backslash and a long Chinese text in its fields.
const escapeEvent = `---
title: 灞桥区,略阳县;联合专场\招聘会——春季返岗、务工人员、脱贫劳动力和监测对象家庭成员均可参加的大型招聘活动
kind: 专场招聘会
mode: 现场
start: 2026-12-12 09:00 +08:00
end: 2026-12-12 12:00 +08:00
published: 2026-11-20
venue:
  name: 纺织城广场;东区
  address: 西安市灞桥区纺织城正街168号,一楼大厅
  district: 灞桥区
hosts: [灞桥区乡村振兴局]
contact: {phone: 029-83510000}
registration: {how: 到场登记}
employers:
  - name: 某物流公司
    industry: 物流运输
    positions:
      - {title: 分拣员, headcount: 10, location: 灞桥区}
---
`

func storeOf(t *testing.T, files map[string]string) func(*Config, *Deps) {
	t.Helper()
	fsys := fstest.MapFS{}
	for p, body := range files {
		fsys[p] = &fstest.MapFile{Data: []byte(body)}
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return func(_ *Config, d *Deps) { d.Content = content.NewStore(fsys, log) }
}

func TestICSEscapesAndFoldsChineseText(t *testing.T) {
	s := mustServer(t, storeOf(t, map[string]string{"events/escape.md": escapeEvent}))
	res := get(t, s, "/jobs/events/escape.ics")
	cal := checkICS(t, res)
	ev := vevents(cal)["escape@localhost"]
	if ev == nil {
		t.Fatal("no VEVENT")
	}
	title := "灞桥区,略阳县;联合专场\\招聘会——春季返岗、务工人员、脱贫劳动力和监测对象家庭成员均可参加的大型招聘活动"
	if got := propText(t, ev, goical.PropSummary); got != title {
		t.Errorf("SUMMARY read back as %q", got)
	}
	if got := propText(t, ev, goical.PropLocation); got != "纺织城广场;东区, 西安市灞桥区纺织城正街168号,一楼大厅" {
		t.Errorf("LOCATION read back as %q", got)
	}
	unfolded := strings.ReplaceAll(res.Body, "\r\n ", "")
	mustContain(t, unfolded, `SUMMARY:灞桥区\,略阳县\;联合专场\\招聘会`, `LOCATION:纺织城广场\;东区\, 西安市灞桥区纺织城正街168号\,一楼大厅`, `DESCRIPTION:类型：专场招聘会（现场）\n时间：`)
	if !strings.Contains(res.Body, "\r\n ") {
		t.Error("the long summary was not folded")
	}
}

func TestJobsBadInput(t *testing.T) {
	s := mustServer(t)
	checkAnswers(t, s, []answer{
		{"/jobs/events/no-such-event", 404, "未找到该招聘活动"},
		{"/jobs/events/no-such-event.ics", 404, "未找到该招聘活动"},
		{"/api/v1/events/no-such-event", 404, `"status":404`},
		{"/jobs/?when=tomorrow", 400, "时间筛选“tomorrow”无效"},
		{"/jobs/?kind=庙会", 400, "活动类型“庙会”不存在"},
		{"/jobs/?mode=电话", 400, "举办方式“电话”无效"},
		{"/jobs/?status=暂停", 400, "活动状态“暂停”无效"},
		{"/jobs/?district=火星", 400, "没有在“火星”举办的招聘活动"},
		{"/jobs/?industry=航天", 400, "没有“航天”行业的用人单位"},
		{"/jobs/?salary=lots", 400, "薪资档位“lots”无效"},
		{"/jobs/?salary_min=8000&salary_max=3000", 400, "薪资范围颠倒：最低月薪 8000 元高于最高月薪 3000 元。"},
		{"/jobs/?salary_min=abc", 400, "最低月薪“abc”无效"},
		{"/jobs/?salary_min=8000.5&salary_max=3000", 400, "薪资范围颠倒：最低月薪 8000.5 元高于最高月薪 3000 元。"},
		{"/jobs/?salary_min=4000.123", 400, "最低月薪“4000.123”无效"},
		{"/jobs/?from=2026-02-30", 400, "开始日期“2026-02-30”不是有效的日期"},
		{"/jobs/?to=yesterday", 400, "截止日期“yesterday”不是有效的日期"},
		{"/jobs/?from=2026-12-31&to=2026-01-01", 400, "日期范围颠倒"},
		{"/jobs/positions?sort=price", 400, "排序方式“price”无效"},
		{"/jobs/positions?education=幼儿园", 400, "学历“幼儿园”无效"},
		{"/jobs/positions?upcoming=maybe", 400, "参数 upcoming 的值“maybe”无效"},
		{"/jobs/positions?salary_min=9000&salary_max=100", 400, "薪资范围颠倒"},
		{"/api/v1/events?when=soon", 400, `"status":400`},
		{"/api/v1/events?from=not-a-date", 400, "不是有效的日期"},
		{"/api/v1/positions?salary=1-2", 400, "薪资档位“1-2”无效"},
		{"/api/v1/positions?industry=%ff", 400, "无法识别的字符"},
	})
}

func TestJobsAPI(t *testing.T) {
	s := mustServer(t)
	var list struct {
		Events []struct {
			Slug, Kind, Status, Start, PreviousStart string
			Ended                                    bool
			Headcount                                int
		} `json:"events"`
		Total, Upcoming, Past int
	}
	res := get(t, s, "/api/v1/events?district=灞桥区&when=upcoming")
	if err := json.Unmarshal([]byte(res.Body), &list); err != nil || res.Status != 200 {
		t.Fatalf("%d %v", res.Status, err)
	}
	if list.Total != 5 || list.Upcoming != 5 || list.Past != 0 || list.Events[0].Slug != movedSlug || list.Events[0].Ended {
		t.Errorf("events = %+v", list)
	}
	var ev struct {
		Slug          string `json:"slug"`
		Status        string `json:"status"`
		PreviousStart string `json:"previous_start"`
		Headcount     int    `json:"headcount"`
		ICS           string `json:"ics"`
		Detail        struct {
			Employers []struct {
				Name      string `json:"name"`
				Positions []struct {
					Title  string `json:"title"`
					Salary struct {
						Min            int64  `json:"min"`
						MinYuan        string `json:"min_yuan"`
						Max            int64  `json:"max"`
						MaxYuan        string `json:"max_yuan"`
						Unit           string `json:"unit"`
						MonthlyMin     int64  `json:"monthly_min"`
						MonthlyMinYuan string `json:"monthly_min_yuan"`
					} `json:"salary"`
				} `json:"positions"`
			} `json:"employers"`
			Stages []struct{ Name, Start, End string } `json:"stages"`
		} `json:"detail"`
	}
	res = get(t, s, "/api/v1/events/"+movedSlug)
	if err := json.Unmarshal([]byte(res.Body), &ev); err != nil {
		t.Fatal(err)
	}
	mustContain(t, res.Body, `"contact":{"name":"区乡村振兴局就业帮扶组","phone":"029-83510000"}`, `"registration":{"how":`, `"opens":"2026-11-05","closes":"2026-11-27"}`)
	if ev.Status != "已改期" || ev.PreviousStart != "2026-11-21T09:00:00+08:00" || ev.Headcount != 175 ||
		len(ev.Detail.Employers) != 4 || ev.ICS != "http://localhost:8080/jobs/events/"+movedSlug+".ics" {
		t.Errorf("event = %+v", ev)
	}
	carpenter := ev.Detail.Employers[3].Positions[0]
	// Salaries are in fen, as prices are, each with a yuan string: 300 元/日 is 6525 元 a month.
	if sal := carpenter.Salary; carpenter.Title != "木工" || sal.Unit != "日" || sal.Min != 30000 || sal.MinYuan != "300.00" ||
		sal.Max != 38000 || sal.MaxYuan != "380.00" || sal.MonthlyMin != 652500 || sal.MonthlyMinYuan != "6525.00" {
		t.Errorf("carpenter = %+v", carpenter)
	}
	res = get(t, s, "/api/v1/events/"+welfareSlug)
	if err := json.Unmarshal([]byte(res.Body), &ev); err != nil || len(ev.Detail.Stages) != 7 || ev.Detail.Stages[6].Name != "聘用" || ev.Detail.Stages[0].End != "2026-12-18" {
		t.Errorf("stages = %+v (%v)", ev.Detail.Stages, err)
	}
	var positions struct {
		Total, Headcount int
	}
	res = get(t, s, "/api/v1/positions?industry=建筑施工")
	if err := json.Unmarshal([]byte(res.Body), &positions); err != nil || positions.Total != 2 || positions.Headcount != 60 {
		t.Errorf("positions = %+v (%v)", positions, err)
	}
}

func TestJobsFeed(t *testing.T) {
	s := mustServer(t)
	res := get(t, s, "/jobs/feed.atom")
	if res.Status != 200 || res.Header.Get("Content-Type") != "application/atom+xml; charset=utf-8" {
		t.Fatalf("%d %q", res.Status, res.Header.Get("Content-Type"))
	}
	var feed struct {
		Title   string `xml:"title"`
		Entries []struct {
			Title   string `xml:"title"`
			Updated string `xml:"updated"`
			Link    struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(res.Body), &feed); err != nil {
		t.Fatalf("feed is not XML: %v", err)
	}
	if len(feed.Entries) != 15 || !strings.Contains(feed.Title, "招聘活动") {
		t.Fatalf("%q with %d entries", feed.Title, len(feed.Entries))
	}
	// Newest first: the two calls published on 27 November, the postponement of the same day.
	titles := map[string]bool{}
	for i, e := range feed.Entries {
		titles[e.Title] = true
		if i > 0 && e.Updated > feed.Entries[i-1].Updated {
			t.Errorf("entry %d (%s) is newer than the one before it", i, e.Title)
		}
	}
	for _, want := range []string{"灞桥区2026年度城乡公益性岗位招聘", "【已取消】养老服务和家政服务人才专场招聘会", "灞桥区2023年乡村公益性岗位招聘"} {
		if !titles[want] {
			t.Errorf("feed lacks %q", want)
		}
	}
}

func TestHomeShowsJobs(t *testing.T) {
	s := mustServer(t)
	res := get(t, s, "/")
	// 2026: the online spring fair (104), the winter paired-county fair (175), the e-commerce live
	// hiring (21) and the public-welfare call (126); the cancelled elder-care fair does not count.
	mustContain(t, res.Body, "2026年共安排招聘活动 <strong>4</strong> 场，提供岗位 <strong>426</strong> 个。",
		`<a href="/jobs/events/`+movedSlug+`">`, `<a href="/jobs/events/`+onlineSlug+`">`, `<a href="/jobs/events/`+welfareSlug+`">`)
	if strings.Contains(res.Body, `<a href="/jobs/events/`+cancelledSlug+`">`) {
		t.Error("the home page offers a cancelled event")
	}
	// Another year, another figure: the clock decides.
	s = mustServer(t, func(c *Config, _ *Deps) {
		c.Now = func() time.Time { return time.Date(2022, 3, 1, 9, 0, 0, 0, zhenxing.Beijing) }
	})
	mustContain(t, get(t, s, "/").Body, "2022年共安排招聘活动 <strong>2</strong> 场，提供岗位 <strong>373</strong> 个。")
}

func TestJobsInSitemap(t *testing.T) {
	s := mustServer(t)
	body := get(t, s, "/sitemap.xml").Body
	mustContain(t, body, "<loc>http://localhost:8080/jobs/</loc>", "<loc>http://localhost:8080/jobs/positions</loc>",
		"<loc>http://localhost:8080/jobs/events/"+movedSlug+"</loc>", "<lastmod>2026-11-16</lastmod>")
}

func TestEventResultsOnlyOnceEnded(t *testing.T) {
	ongoing := strings.Replace(strings.Replace(escapeEvent, "start: 2026-12-12 09:00", "start: 2026-11-28 08:00", 1),
		"end: 2026-12-12 12:00", "end: 2026-11-28 12:00", 1)
	ongoing = strings.Replace(ongoing, "---\n", "", 1)
	ongoing = "---\n" + strings.Replace(ongoing, "---\n", "results: {reported: 2026-11-28, employers: 3, intentions: 9, contracts: 2}\n---\n", 1)
	s := mustServer(t, storeOf(t, map[string]string{"events/ongoing.md": ongoing}))
	res := get(t, s, "/jobs/events/ongoing")
	if res.Status != 200 || strings.Contains(res.Body, "活动成效") {
		t.Errorf("an event under way shows results: %d", res.Status)
	}
	s = mustServer(t, storeOf(t, map[string]string{"events/ongoing.md": ongoing}), func(c *Config, _ *Deps) {
		c.Now = func() time.Time { return time.Date(2026, 11, 28, 13, 0, 0, 0, zhenxing.Beijing) }
	})
	mustContain(t, get(t, s, "/jobs/events/ongoing").Body, "活动成效", "<dt>现场签约</dt><dd>2 人</dd>")
}

func TestJobsNeverFailWithServerError(t *testing.T) {
	s := mustServer(t)
	values := []string{"", "0", "-1", "%00", "%ff", "<script>", "9999999999999999999999", "2026-13-01", "+", "%2B", "a%20b", "线上%2B线下", "8000-", "upcoming"}
	params := []string{"when", "kind", "mode", "status", "district", "industry", "salary", "salary_min", "salary_max", "from", "to", "education", "upcoming", "sort", "page"}
	for _, path := range []string{"/jobs/", "/jobs/positions", "/api/v1/events", "/api/v1/positions", "/jobs/calendar.ics", "/jobs/feed.atom"} {
		for _, p := range params {
			for _, v := range values {
				res := get(t, s, path+"?"+p+"="+v)
				if res.Status >= 500 {
					t.Errorf("%s?%s=%s: status %d", path, p, v, res.Status)
				}
			}
		}
	}
	for _, slug := range []string{"..", "%2e%2e", "a.ics.ics", "UPPER", "x%00", strings.Repeat("a", 300)} {
		for _, path := range []string{"/jobs/events/" + slug, "/jobs/events/" + slug + ".ics", "/api/v1/events/" + slug} {
			if res := get(t, s, path); res.Status >= 500 || res.Status == 200 {
				t.Errorf("%s: status %d", path, res.Status)
			}
		}
	}
}
