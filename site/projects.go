package site

import (
	"encoding/csv"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"zhenxing"
	"zhenxing/content"
)

// 衔接资金项目公示 (bridging-fund projects): /open/projects lists the projects of content/projects/
// with filters and, per year, the totals inspections ask for, drawn as charts with the figures
// beside them; /open/projects.csv and /api/v1/projects give the same selection as data;
// /open/projects/{slug} is one project.

// projectQuery reads the filters. Errors: EInvalid for a year that is not a number; the library
// refuses unknown values.
func projectQuery(c *fiber.Ctx) (content.ProjectQuery, error) {
	q := content.ProjectQuery{Type: strings.TrimSpace(c.Query("type")), Township: strings.TrimSpace(c.Query("township")),
		Status: strings.TrimSpace(c.Query("status"))}
	if y := strings.TrimSpace(c.Query("year")); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			return q, zhenxing.Errorf(zhenxing.EInvalid, "年度须为四位数字，如 2022。")
		}
		q.Year = n
	}
	return q, nil
}

// selectedProjects are the projects the request's filters select.
func (s *Server) selectedProjects(c *fiber.Ctx) (content.ProjectQuery, []*content.Project, error) {
	q, err := projectQuery(c)
	if err != nil {
		return q, nil, err
	}
	list, err := s.deps.Content.Library().Projects(q)
	return q, list, err
}

// projectValues is the query as URL parameters, without the empty ones.
func projectValues(q content.ProjectQuery) url.Values {
	v := url.Values{}
	if q.Year != 0 {
		v.Set("year", strconv.Itoa(q.Year))
	}
	for k, s := range map[string]string{"type": q.Type, "township": q.Township, "status": q.Status} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// yearTotals is one year's row of the totals table.
type yearTotals struct {
	Year int
	content.ProjectTotals
}

// percent writes a share from 0 to 1 as a percentage with one decimal: 97.5%.
func percent(share float64) string { return strconv.FormatFloat(share*100, 'f', 1, 64) + "%" }

// isoDate is a date as YYYY-MM-DD, "" for none.
func isoDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

type projectsView struct {
	Layout
	Query     content.ProjectQuery
	Projects  []*content.Project // this page of them
	Count     int                // of every page
	Pager     pager
	Totals    content.ProjectTotals
	Years     []yearTotals // every year's totals, when no year is chosen
	Chart     template.HTML
	TypeChart template.HTML
	ByType    []chartBar
	Filters   []filter
	CSV, API  string
	Filtered  bool
}

// projectFilters are the list's filters, selects of a form that works without JavaScript.
func (s *Server) projectFilters(lib *content.Library, q content.ProjectQuery) []filter {
	opts := func(values []string, chosen string) []filterOption {
		out := []filterOption{{Value: "", Name: "全部", Selected: chosen == ""}}
		for _, v := range values {
			out = append(out, filterOption{Value: v, Name: v, Selected: v == chosen})
		}
		return out
	}
	var years []string
	for _, y := range lib.ProjectYears() {
		years = append(years, strconv.Itoa(y))
	}
	year := ""
	if q.Year != 0 {
		year = strconv.Itoa(q.Year)
	}
	return []filter{
		{"year", "年度", opts(years, year)},
		{"type", "项目类型", opts(content.ProjectTypes, q.Type)},
		{"township", "街道", opts(lib.ProjectTownships(), q.Township)},
		{"status", "项目状态", opts(content.ProjectStatuses, q.Status)},
	}
}

func (s *Server) projects(c *fiber.Ctx) error {
	q, list, err := s.selectedProjects(c)
	if err != nil {
		return err
	}
	pg, err := pageParam(c)
	if err != nil {
		return err
	}
	lib := s.deps.Content.Library()
	v := &projectsView{Query: q, Projects: pageOf(pg, list), Count: len(list), Totals: content.SumProjects(list),
		Filters: s.projectFilters(lib, q), Filtered: len(projectValues(q)) > 0,
		Pager: pg.Pager(linkTo("/open/projects", projectValues(q)), len(list))}
	if query := projectValues(q).Encode(); query != "" {
		v.CSV, v.API = "/open/projects.csv?"+query, "/api/v1/projects?"+query
	} else {
		v.CSV, v.API = "/open/projects.csv", "/api/v1/projects"
	}
	if q.Year == 0 {
		var cols []chartColumn
		years := lib.ProjectYears()
		for i := len(years) - 1; i >= 0; i-- { // the earliest first, left to right
			y := years[i]
			in, _ := lib.Projects(content.ProjectQuery{Year: y, Type: q.Type, Township: q.Township, Status: q.Status})
			if len(in) == 0 {
				continue
			}
			t := content.SumProjects(in)
			v.Years = append(v.Years, yearTotals{y, t})
			cols = append(cols, chartColumn{Name: strconv.Itoa(y) + "年", Label: strconv.Itoa(y) + "年", Value: t.Funds})
		}
		v.Chart = columnChartSVG("各年度衔接资金项目资金规模", cols)
	}
	for _, typ := range content.ProjectTypes {
		var funds zhenxing.Money
		for _, p := range list {
			if p.Type == typ {
				funds += p.Funds.Total()
			}
		}
		if funds > 0 {
			v.ByType = append(v.ByType, chartBar{typ, funds})
		}
	}
	v.TypeChart = barChartSVG("按项目类型的资金规模", v.ByType)
	title := projectsColumn
	if q.Year != 0 {
		title = strconv.Itoa(q.Year) + "年" + projectsColumn
	}
	v.Layout = Layout{Title: title, Column: projectsColumn, Section: sectionOpen,
		Description: "衔接推进乡村振兴补助资金项目的资金来源、拨付进度、联农带农和资产移交情况。",
		NoIndex:     v.Filtered && q.Year == 0,
		Crumbs:      []crumb{{"首页", "/"}, {openColumn, "/open/"}, {Name: projectsColumn}}}
	if q.Year != 0 {
		v.Layout.Crumbs = []crumb{{"首页", "/"}, {openColumn, "/open/"}, {projectsColumn, "/open/projects"}, {Name: strconv.Itoa(q.Year) + "年"}}
	}
	return s.renderPage(c, fiber.StatusOK, "projects", v)
}

// projectsCSV exports the projects the filters select, one row each.
func (s *Server) projectsCSV(c *fiber.Ctx) error {
	_, list, err := s.selectedProjects(c)
	if err != nil {
		return err
	}
	return sendCSV(c, "衔接资金项目.csv", func(w io.Writer) error { return writeProjectsCSV(w, list) })
}

func writeProjectsCSV(w io.Writer, list []*content.Project) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"年度", "项目名称", "项目类型", "街道", "村", "实施单位", "中央资金（万元）", "省级资金（万元）", "市级资金（万元）",
		"区级资金（万元）", "资金合计（万元）", "合同金额（万元）", "已拨付（万元）", "支出进度", "开工日期", "计划完工日期", "完工日期", "项目状态",
		"带动户数", "带动人数", "资产移交日期"})
	for _, p := range list {
		handed := ""
		if p.Asset != nil {
			handed = p.Asset.HandedOver.Format("2006-01-02")
		}
		_ = cw.Write([]string{strconv.Itoa(p.Year), p.Name, p.Type, p.Township, p.Village, p.Unit,
			content.Wan(p.Funds.Central), content.Wan(p.Funds.Province), content.Wan(p.Funds.City), content.Wan(p.Funds.District),
			content.Wan(p.Funds.Total()), content.Wan(p.Contract), content.Wan(p.Paid()), percent(p.Progress()),
			isoDate(p.Start), isoDate(p.PlannedFinish), isoDate(p.Finished), p.Status,
			strconv.Itoa(p.Benefit.Households), strconv.Itoa(p.Benefit.People), handed})
	}
	cw.Flush()
	return cw.Error()
}

// projectJSON is a project in /api/v1/projects. Amounts are strings of 万元, exact.
type projectJSON struct {
	Slug          string            `json:"slug"`
	URL           string            `json:"url"`
	Name          string            `json:"name"`
	Year          int               `json:"year"`
	Type          string            `json:"type"`
	Township      string            `json:"township"`
	Village       string            `json:"village,omitempty"`
	Unit          string            `json:"unit"`
	Funds         map[string]string `json:"funds_wan"`
	Contract      string            `json:"contract_wan"`
	Paid          string            `json:"paid_wan"`
	Progress      float64           `json:"progress"`
	Payments      []paymentJSON     `json:"payments"`
	Start         string            `json:"start,omitempty"`
	PlannedFinish string            `json:"planned_finish"`
	Finished      string            `json:"finished,omitempty"`
	Status        string            `json:"status"`
	Households    int               `json:"households"`
	People        int               `json:"people"`
	Mechanism     string            `json:"mechanism"`
	Asset         *assetJSON        `json:"asset,omitempty"`
	Documents     []string          `json:"documents"`
}

type paymentJSON struct {
	Date   string `json:"date"`
	Amount string `json:"amount_wan"`
}

type assetJSON struct {
	Type       string `json:"type"`
	Owner      string `json:"owner"`
	Caretaker  string `json:"caretaker"`
	HandedOver string `json:"handed_over"`
}

func (s *Server) toProjectJSON(p *content.Project) projectJSON {
	j := projectJSON{Slug: p.Slug, URL: s.absURL(p.URL()), Name: p.Name, Year: p.Year, Type: p.Type, Township: p.Township,
		Village: p.Village, Unit: p.Unit, Contract: content.Wan(p.Contract), Paid: content.Wan(p.Paid()),
		Progress: float64(int(p.Progress()*10000+0.5)) / 10000, Start: isoDate(p.Start), PlannedFinish: isoDate(p.PlannedFinish),
		Finished: isoDate(p.Finished), Status: p.Status, Households: p.Benefit.Households, People: p.Benefit.People,
		Mechanism: p.Benefit.Mechanism, Payments: []paymentJSON{}, Documents: []string{},
		Funds: map[string]string{"central": content.Wan(p.Funds.Central), "province": content.Wan(p.Funds.Province),
			"city": content.Wan(p.Funds.City), "district": content.Wan(p.Funds.District), "total": content.Wan(p.Funds.Total())}}
	for _, pay := range p.Payments {
		j.Payments = append(j.Payments, paymentJSON{isoDate(pay.Date), content.Wan(pay.Amount)})
	}
	if a := p.Asset; a != nil {
		j.Asset = &assetJSON{a.Type, a.Owner, a.Caretaker, isoDate(a.HandedOver)}
	}
	for _, d := range p.Documents {
		j.Documents = append(j.Documents, s.absURL(d.URL()))
	}
	return j
}

// apiProjects is the projects the filters select, with their totals.
func (s *Server) apiProjects(c *fiber.Ctx) error {
	_, list, err := s.selectedProjects(c)
	if err != nil {
		return err
	}
	t := content.SumProjects(list)
	out := struct {
		Projects []projectJSON `json:"projects"`
		Totals   any           `json:"totals"`
	}{Projects: []projectJSON{}, Totals: map[string]any{
		"count": t.Count, "funds_wan": content.Wan(t.Funds), "paid_wan": content.Wan(t.Paid),
		"progress": float64(int(t.Progress()*10000+0.5)) / 10000, "started": t.Started, "finished": t.Finished,
		"handed_over": t.HandedOver, "industry_share": float64(int(t.IndustryShare()*10000+0.5)) / 10000,
		"households": t.Households, "people": t.People,
	}}
	for _, p := range list {
		out.Projects = append(out.Projects, s.toProjectJSON(p))
	}
	return c.JSON(out)
}

// paymentStep is one payment with the running total and progress, for the timeline.
type paymentStep struct {
	content.Payment
	Cumulative zhenxing.Money
	Progress   float64
}

type projectView struct {
	Layout
	Project  *content.Project
	Timeline []paymentStep
}

func (s *Server) projectPage(c *fiber.Ctx) error {
	p, err := s.deps.Content.Library().Project(c.Params("slug"))
	if err != nil {
		return err
	}
	v := &projectView{Project: p, Layout: Layout{Title: p.Name, Column: projectsColumn, Section: sectionOpen,
		Description: fmt.Sprintf("%d年%s，%s%s，衔接资金%s万元。", p.Year, p.Name, p.Township, p.Village, content.Wan(p.Funds.Total())),
		Crumbs: []crumb{{"首页", "/"}, {openColumn, "/open/"}, {projectsColumn, "/open/projects"},
			{strconv.Itoa(p.Year) + "年", "/open/projects?year=" + strconv.Itoa(p.Year)}, {Name: "项目详情"}}}}
	var sum zhenxing.Money
	for _, pay := range p.Payments {
		sum += pay.Amount
		v.Timeline = append(v.Timeline, paymentStep{pay, sum, float64(sum) / float64(p.Funds.Total())})
	}
	return s.renderPage(c, fiber.StatusOK, "project", v)
}
