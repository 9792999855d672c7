package site

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"zhenxing"
	"zhenxing/content"
)

// 政府网站工作年度报表: /open/website-report/{year} fills the yearly report every government site
// files in January, in the items and order of the official form, from the site's own data (the
// documents of the year by column, the mailbox, consultations, error reports and requests); what
// the site cannot count comes from content.WebsiteFactsFile. /open/website-report/{year}.csv is
// the same, for the form's spreadsheet.

// reportItem is one line of the report: its label, its value with the unit, and its depth.
type reportItem struct {
	Label string
	Value string
	Level int
}

// reportSection is one part of the form.
type reportSection struct {
	Title string
	Items []reportItem
}

// specialTopic is a column of its own (专栏专题) and the year it opened.
type specialTopic struct {
	Name   string
	URL    string
	Opened int
}

var specialTopics = []specialTopic{
	{hallColumn, "/hall/", 2022},
	{jobsColumn, "/jobs/", 2023},
	{"意见征集", "/interact/consultations", 2026},
	{projectsColumn, "/open/projects", 2026},
}

// firstReportYear is the first year the report can be made for: the site's first documents.
const firstReportYear = 2021

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

func count(n int, unit string) string { return strconv.Itoa(n) + " " + unit }

// websiteReport computes the report for the year.
func (s *Server) websiteReport(c *fiber.Ctx, year int) ([]reportSection, error) {
	lib := s.deps.Content.Library()
	start := time.Date(year, 1, 1, 0, 0, 0, 0, zhenxing.Beijing)
	end := start.AddDate(1, 0, 0)
	byKind := map[content.Kind]int{}
	total := 0
	for _, d := range lib.Latest("", lib.Len()) {
		if !d.Published.Before(start) && d.Published.Before(end) {
			byKind[d.Kind]++
			total++
		}
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	letters, err := s.deps.Messages.YearStats(ctx, year)
	if err != nil {
		return nil, err
	}
	comments, err := s.deps.Consultations.YearStats(ctx, year)
	if err != nil {
		return nil, err
	}
	reports, err := s.deps.Feedback.YearStats(ctx, year)
	if err != nil {
		return nil, err
	}
	requests, err := s.deps.Requests.YearTable(ctx, year)
	if err != nil {
		return nil, err
	}
	consultations := 0
	for _, d := range lib.Consultations() {
		if d.Consultation.Opens.Year() == year {
			consultations++
		}
	}
	facts, known := lib.WebsiteFacts(year)
	fact := func(n int, unit string) string {
		if !known {
			return "未填报"
		}
		return count(n, unit)
	}
	factYes := func(b bool) string {
		if !known {
			return "未填报"
		}
		return yesNo(b)
	}
	id := s.cfg.Identity

	basic := reportSection{"一、网站基本信息", []reportItem{
		{"网站名称", id.Name, 0}, {"首页网址", s.absURL("/"), 0}, {"主办单位", id.Sponsor, 0}, {"网站类型", "部门网站", 0},
		{"政府网站标识码", id.SiteIDCode, 0}, {"ICP备案号", id.ICP, 0}, {"公安机关备案号", id.PublicSecurity, 0},
		{"独立用户访问总量", fact(facts.Visitors, "个"), 0}, {"网站总访问量", fact(facts.Visits, "次"), 0},
	}}
	overview := byKind[content.KindFunctions] + byKind[content.KindLeaders] + byKind[content.KindDepartments]
	published := reportSection{"二、信息发布", []reportItem{
		{"信息发布总数", count(total, "条"), 0},
		{"概况类信息更新量", count(overview, "条"), 1},
		{"政务动态信息更新量", count(byKind[content.KindNews]+byKind[content.KindNotice], "条"), 1},
		{"信息公开目录信息更新量", count(total, "条"), 1},
	}}
	for _, k := range content.Kinds {
		published.Items = append(published.Items, reportItem{k.Name(), count(byKind[k], "条"), 2})
	}
	maintained, opened := 0, 0
	for _, t := range specialTopics {
		if t.Opened <= year {
			maintained++
		}
		if t.Opened == year {
			opened++
		}
	}
	topics := reportSection{"三、专栏专题", []reportItem{{"维护数量", count(maintained, "个"), 0}, {"新开设数量", count(opened, "个"), 0}}}
	interp := byKind[content.KindInterpretation]
	response := reportSection{"四、解读回应", []reportItem{
		{"解读信息发布总数", count(interp, "条"), 0}, {"解读材料数量", count(interp, "条"), 1},
		{"回应公众关注热点或重大舆情数量", fact(facts.Responses, "次"), 0},
	}}
	service := reportSection{"五、办事服务", []reportItem{
		{"是否发布服务事项目录", "否", 0},
		{"政府信息公开申请：收到", count(requests.Received, "件"), 1}, {"政府信息公开申请：办结", count(requests.Closed, "件"), 1},
	}}
	interact := reportSection{"六、互动交流", []reportItem{
		{"是否使用统一平台", "否（本站自建领导信箱、意见征集和纠错表单）", 0},
		{"留言办理：收到留言数量", count(letters.Received, "条"), 1},
		{"留言办理：办结留言数量", count(letters.Answered, "条"), 1},
		{"留言办理：平均办理时间", fmt.Sprintf("%.1f 个工作日", letters.AverageDays), 1},
		{"留言办理：公开答复数量", count(letters.Published, "条"), 1},
		{"征集调查：征集调查期数", count(consultations, "期"), 1},
		{"征集调查：收到意见数量", count(comments.Comments, "条"), 1},
		{"征集调查：公布调查结果期数", count(comments.Summaries, "期"), 1},
		{"在线访谈：访谈期数", fact(facts.Interviews.Sessions, "期"), 1},
		{"在线访谈：网民留言数量", fact(facts.Interviews.Questions, "条"), 1},
		{"在线访谈：答复网民提问数量", fact(facts.Interviews.Answered, "条"), 1},
		{"网民纠错：收到纠错数量", count(reports.Received, "条"), 1},
		{"网民纠错：办结纠错数量", count(reports.Closed, "条"), 1},
		{"是否提供智能问答功能", "否", 0},
	}}
	security := reportSection{"七、安全防护", []reportItem{
		{"安全检测评估次数", fact(facts.Security.Checks, "次"), 0}, {"发现问题数量", fact(facts.Security.Problems, "个"), 0},
		{"问题整改数量", fact(facts.Security.Fixed, "个"), 0}, {"是否建立安全监测预警机制", factYes(facts.Security.Monitoring), 0},
		{"是否开展应急演练", factYes(facts.Security.Drills), 0}, {"是否明确网站安全责任人", factYes(facts.Security.Owner), 0},
	}}
	media := reportSection{"八、移动新媒体", []reportItem{{"是否有移动新媒体", factYes(len(facts.Media) > 0), 0}}}
	for _, m := range facts.Media {
		media.Items = append(media.Items, reportItem{m.Kind + "：" + m.Name, fmt.Sprintf("信息发布量 %d 条，关注量 %d 个", m.Posts, m.Followers), 1})
	}
	innovation := reportSection{"九、创新发展", []reportItem{
		{"搜索即服务", "是（站内搜索覆盖文件、产品、供应商、招聘活动和岗位）", 0}, {"多语言版本", "否", 0},
		{"无障碍浏览", "是（大字版、高对比度，不依赖脚本）", 0}, {"千人千网", "否", 0},
	}}
	return []reportSection{basic, published, topics, response, service, interact, security, media, innovation}, nil
}

// websiteReportOf is the report of the year in the path.
func (s *Server) websiteReportOf(c *fiber.Ctx) (int, []reportSection, error) {
	year, err := s.reportYear(c)
	if err != nil {
		return 0, nil, err
	}
	sections, err := s.websiteReport(c, year)
	return year, sections, err
}

// reportYear is the year in the path, one the site can report on. Errors: ENotFound.
func (s *Server) reportYear(c *fiber.Ctx) (int, error) {
	y, err := strconv.Atoi(c.Params("year"))
	if err != nil || y < firstReportYear || y > s.now().In(zhenxing.Beijing).Year() {
		return 0, zhenxing.Errorf(zhenxing.ENotFound, "没有该年度的网站工作年度报表：可查看 %d 年至 %d 年。",
			firstReportYear, s.now().In(zhenxing.Beijing).Year())
	}
	return y, nil
}

type websiteReportView struct {
	Layout
	Year     int
	Partial  bool // the year is not over
	Sections []reportSection
	Years    []int
	Known    bool
}

func (s *Server) websiteReportYears() []int {
	var out []int
	for y := s.now().In(zhenxing.Beijing).Year(); y >= firstReportYear; y-- {
		out = append(out, y)
	}
	return out
}

// websiteReportIndex lists the years; the last full year is the one filed.
func (s *Server) websiteReportIndex(c *fiber.Ctx) error {
	return s.renderPage(c, fiber.StatusOK, "website_report", &websiteReportView{Years: s.websiteReportYears(),
		Layout: Layout{Title: websiteReportColumn, Column: websiteReportColumn, Section: sectionOpen,
			Crumbs: []crumb{{"首页", "/"}, {openColumn, "/open/"}, {Name: websiteReportColumn}}}})
}

func (s *Server) websiteReportPage(c *fiber.Ctx) error {
	year, sections, err := s.websiteReportOf(c)
	if err != nil {
		return err
	}
	_, known := s.deps.Content.Library().WebsiteFacts(year)
	title := fmt.Sprintf("%s（%d年度）", websiteReportColumn, year)
	return s.renderPage(c, fiber.StatusOK, "website_report", &websiteReportView{Year: year, Sections: sections, Known: known,
		Partial: year == s.now().In(zhenxing.Beijing).Year(), Years: s.websiteReportYears(),
		Layout: Layout{Title: title, Column: websiteReportColumn, Section: sectionOpen,
			Description: fmt.Sprintf("%s%d年度政府网站工作年度报表。", s.cfg.Identity.Name, year),
			Crumbs:      []crumb{{"首页", "/"}, {openColumn, "/open/"}, {websiteReportColumn, "/open/website-report/"}, {Name: strconv.Itoa(year) + "年度"}}}})
}

func (s *Server) websiteReportCSV(c *fiber.Ctx) error {
	year, sections, err := s.websiteReportOf(c)
	if err != nil {
		return err
	}
	return sendCSV(c, fmt.Sprintf("政府网站工作年度报表-%d.csv", year), func(w io.Writer) error {
		if _, err := io.WriteString(w, "\uFEFF"); err != nil {
			return err
		}
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"栏目", "指标", "数值"})
		for _, sec := range sections {
			for _, it := range sec.Items {
				_ = cw.Write([]string{sec.Title, it.Label, it.Value})
			}
		}
		cw.Flush()
		return cw.Error()
	})
}
