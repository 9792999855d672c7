package site

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhenxing"
	"zhenxing/interact"
	"zhenxing/internal/db"
)

// The 2022 projects as a reader and a data user see them: the year's totals of the work report,
// the charts with their tables, a project's timeline and asset, the CSV and the API.
func TestProjectsPages(t *testing.T) {
	s := mustServer(t)
	res := get(t, s, "/open/projects?year=2022")
	wantAdminStatus(t, res, http.StatusOK)
	mustContain(t, res.Body, "<h1>2022年衔接资金项目公示</h1>", "<dd>15 个</dd>", "<dd>2600 万元</dd>", "<dd>2535 万元</dd>", "<dd>97.5%</dd>",
		"<dd>15 个 / 15 个</dd>", "<dd>4 个</dd>", "车村乡村旅游提升项目", "迷鹿村智能温室大棚建设项目", "三杨坡光伏产业项目",
		`role="img"`, "按项目类型的衔接资金", `<option value="2022" selected>2022</option>`, `href="/open/projects.csv?year=2022"`)
	all := get(t, s, "/open/projects")
	mustContain(t, all.Body, "各年度衔接资金项目情况", `<a href="/open/projects?year=2026">2026年</a>`, "各年度衔接资金项目资金规模")

	page := get(t, s, "/open/projects/2022-milu-smart-greenhouses")
	wantAdminStatus(t, page, http.StatusOK)
	mustContain(t, page.Body, "380 万元（市级 240 万元，区级 140 万元）", "2022年3月21日</time> 拨付 108 万元，累计 108 万元（28.4%）",
		"累计 360 万元（94.7%）", "迷鹿村股份经济合作社", "2022年11月18日", `<progress id="progress" max="1" value="0.9474">`,
		`href="/open/reports/work-report-2022-plan-2023"`)
	mustContain(t, page.Body, `<img src="/files/projects/milu-greenhouses.svg" alt="建成后的智能温室大棚（示意图）"`)
	photo := get(t, s, "/files/projects/milu-greenhouses.svg")
	if photo.Status != http.StatusOK || photo.Header.Get("Content-Type") != "image/svg+xml" {
		t.Errorf("photo: %d %s", photo.Status, photo.Header.Get("Content-Type"))
	}
	// The document names the project back.
	mustContain(t, get(t, s, "/open/reports/work-report-2022-plan-2023").Body, `href="/open/projects/2022-milu-smart-greenhouses"`)

	csv := get(t, s, "/open/projects.csv?year=2022&type=产业发展")
	wantAdminStatus(t, csv, http.StatusOK)
	if lines := strings.Split(strings.TrimSpace(csv.Body), "\n"); len(lines) != 6 || !strings.HasPrefix(lines[0], "\uFEFF年度,项目名称,项目类型") {
		t.Errorf("CSV: %d lines\n%s", len(lines), csv.Body)
	}
	mustContain(t, csv.Body, "2022,迷鹿村智能温室大棚建设项目,产业发展,洪庆街道,迷鹿村,灞桥区洪庆街道办事处,0,0,240,140,380,368.6,360,94.7%,2022-03-01,2022-08-31,2022-08-25,已移交,132,398,2022-11-18")

	api := get(t, s, "/api/v1/projects?year=2022")
	wantAdminStatus(t, api, http.StatusOK)
	var out struct {
		Projects []struct {
			Slug  string            `json:"slug"`
			Funds map[string]string `json:"funds_wan"`
		} `json:"projects"`
		Totals map[string]any `json:"totals"`
	}
	if err := json.Unmarshal([]byte(api.Body), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Projects) != 15 || out.Totals["funds_wan"] != "2600" || out.Totals["progress"] != 0.975 || out.Totals["handed_over"] != 4.0 {
		t.Errorf("API: %d projects, totals %v", len(out.Projects), out.Totals)
	}

	for _, bad := range []string{"/open/projects?type=旅游", "/open/projects?year=abc", "/open/projects?year=1999", "/api/v1/projects?status=烂尾"} {
		wantAdminStatus(t, get(t, s, bad), http.StatusBadRequest)
	}
	wantAdminStatus(t, get(t, s, "/open/projects/no-such-project"), http.StatusNotFound)
}

// The site map, the accessibility statement, the guide's office and the footer badges.
func TestOpenGovernmentPages(t *testing.T) {
	s := mustServer(t)
	sm := get(t, s, "/sitemap")
	wantAdminStatus(t, sm, http.StatusOK)
	mustContain(t, sm.Body, "<h3>法定主动公开内容</h3>", `href="/open/leaders/">领导信息</a>`, `href="/open/budgets/">预决算</a>`,
		`href="/open/projects">衔接资金项目公示</a>`, `href="/interact/consultations">意见征集</a>`, `href="/accessibility">无障碍声明</a>`)
	a11y := get(t, s, "/accessibility")
	mustContain(t, a11y.Body, "GB/T 37668—2019", "大字版", `href="/feedback?page=%2Faccessibility"`, "029-83510000")

	guide := get(t, s, "/open/guide/open-government-guide-2026")
	mustContain(t, guide.Body, "政府信息公开工作机构", "<dt>联系电话</dt><dd>029-83510000</dd>", `href="/open/apply"`)
	mustNotContain(t, get(t, s, "/open/guide/open-government-guide").Body, "政府信息公开工作机构") // the old guide, expired

	open := get(t, s, "/open/")
	mustContain(t, open.Body, "法定主动公开内容", `href="/open/functions/">机构职能</a>`, `href="/open/statistics/">统计信息</a>`,
		`href="/open/website-report/">政府网站工作年度报表</a>`)
	home := get(t, s, "/")
	if i, j := strings.Index(home.Body, `id="news"`), strings.Index(home.Body, `id="latest"`); i < 0 || i > j {
		t.Error("the home page does not lead with 工作动态")
	}
	// Without SITE_CONAC_URL there is no badge; the 公安备案 badge links to its record.
	mustNotContain(t, home.Body, "党政机关网站标识")
	mustContain(t, home.Body, `href="https://beian.mps.gov.cn/#/query/webSearch?code=61011102000000"`)
}

// TestWebsiteReport fills the yearly website report from the site's data: documents by column,
// the mailbox, consultations, error reports and requests, and the data file's items.
func TestWebsiteReport(t *testing.T) {
	env := newAdminEnv(t)
	env.now = time.Date(2026, 12, 3, 10, 0, 0, 0, zhenxing.Beijing)
	ctx := t.Context()
	clock := time.Date(2025, 5, 6, 10, 0, 0, 0, zhenxing.Beijing)
	letters := interact.NewMessages(env.cat.Pool(), nil, func() time.Time { return clock }, 0)
	sub, err := letters.Submit(ctx, interact.MessageInput{Kind: "consult", Subject: "问", Body: "樱桃采摘时间？"})
	if err != nil {
		t.Fatal(err)
	}
	clock = clock.AddDate(0, 0, 1)
	if err := letters.Answer(ctx, db.Actor{Name: "办公室"}, sub.Number, interact.Reply{Answer: "5月中旬。"}); err != nil {
		t.Fatal(err)
	}
	if err := interact.NewFeedback(env.cat.Pool(), func() time.Time { return clock }).Report(ctx, "/hall/", "价格有误", ""); err != nil {
		t.Fatal(err)
	}

	res := get(t, env.s, "/open/website-report/2025")
	wantAdminStatus(t, res, http.StatusOK)
	mustContain(t, res.Body, "政府网站工作年度报表（2025年度）", "<th scope=\"row\">政府信息公开年度报告</th><td>1 条</td>",
		"<th scope=\"row\">留言办理：收到留言数量</th><td>1 条</td>", "<th scope=\"row\">留言办理：平均办理时间</th><td>1.0 个工作日</td>",
		"<th scope=\"row\">网民纠错：收到纠错数量</th><td>1 条</td>", "<th scope=\"row\">独立用户访问总量</th><td>48620 个</td>",
		"灞桥乡村振兴", "<th scope=\"row\">安全检测评估次数</th><td>4 次</td>")
	// 2026 is not over, and has no data-file entry yet.
	partial := get(t, env.s, "/open/website-report/2026")
	mustContain(t, partial.Body, "2026年尚未结束", "<th scope=\"row\">独立用户访问总量</th><td>未填报</td>",
		"<th scope=\"row\">征集调查：征集调查期数</th><td>2 期</td>")
	csv := get(t, env.s, "/open/website-report/2025.csv")
	wantAdminStatus(t, csv, http.StatusOK)
	mustContain(t, csv.Body, "六、互动交流,留言办理：办结留言数量,1 条")
	wantAdminStatus(t, get(t, env.s, "/open/website-report/2031"), http.StatusNotFound)
}
