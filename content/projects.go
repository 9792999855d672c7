package content

import (
	"fmt"
	"io/fs"
	"math/big"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"zhenxing"
)

// Bridging-fund projects (衔接资金项目): one Markdown file each under projects/{slug}.md, with the
// money, dates, benefits and asset in the front matter and a description as the body. They load
// with the documents and are checked the same way; a project and a document may link to each
// other (documents: in a project, projects: in a document), and each link shows on both pages.

// ProjectTypes are the kinds of project, in the order the filters show them. 产业发展 is the share
// the policy wants to rise every year.
var ProjectTypes = []string{"产业发展", "就业帮扶", "乡村建设", "基础设施", "人居环境", "其他"}

// ProjectIndustry is the type whose share of the funds the totals report.
const ProjectIndustry = "产业发展"

// ProjectStatuses are a project's stages, in order.
var ProjectStatuses = []string{"计划", "在建", "完工", "已验收", "已移交"}

// Funds are a project's funds by source.
type Funds struct {
	Central, Province, City, District zhenxing.Money
}

// Total is the funds from every source.
func (f Funds) Total() zhenxing.Money { return f.Central + f.Province + f.City + f.District }

// Payment is one amount paid out (拨付) on a date.
type Payment struct {
	Date   time.Time
	Amount zhenxing.Money
}

// Benefit is how a project works with farming households (联农带农): the mechanism and whom it
// reaches.
type Benefit struct {
	Mechanism  string
	Households int
	People     int
}

// Asset is what a finished project hands over (确权移交): its type, owner and caretaker.
type Asset struct {
	Type       string
	Owner      string
	Caretaker  string
	HandedOver time.Time
}

// Project is one bridging-fund project.
type Project struct {
	Slug          string
	File          string
	Name          string
	Year          int
	Type          string // one of ProjectTypes
	Township      string
	Village       string
	Unit          string // 实施单位
	Funds         Funds
	Contract      zhenxing.Money // 合同金额, 0 when not yet contracted
	Payments      []Payment      // in date order
	Start         time.Time      // zero for a planned project
	PlannedFinish time.Time
	Finished      time.Time // zero until finished
	Status        string    // one of ProjectStatuses
	Benefit       Benefit
	Asset         *Asset // once handed over
	Photos        []Attachment
	Body

	// Documents are the documents about the project: those it names and those naming it.
	Documents []*Document

	docSlugs []string
	line     int // the line of documents:, for problems
}

// URL is the project's page.
func (p *Project) URL() string { return "/open/projects/" + p.Slug }

// Paid is what has been paid out to date.
func (p *Project) Paid() zhenxing.Money {
	var sum zhenxing.Money
	for _, pay := range p.Payments {
		sum += pay.Amount
	}
	return sum
}

// Progress is the share of the funds paid out, from 0 to 1.
func (p *Project) Progress() float64 { return ratio(p.Paid(), p.Funds.Total()) }

// Started reports whether work has begun (开工).
func (p *Project) Started() bool { return p.Status != "计划" }

// Done reports whether the project is finished (完工, 已验收 or 已移交).
func (p *Project) Done() bool {
	return p.Status == "完工" || p.Status == "已验收" || p.Status == "已移交"
}

func ratio(a, b zhenxing.Money) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Wan writes an amount in 万元 (ten thousand yuan), with at most four decimals and no trailing
// zeros: 2600, 195.6, 0.0125.
func Wan(m zhenxing.Money) string {
	r := new(big.Rat).SetFrac64(int64(m), 1_000_000)
	s := r.FloatString(4)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

var projectKeys = keySet("name", "year", "type", "township", "village", "unit", "funds", "contract", "payments",
	"start", "planned_finish", "finished", "status", "benefit", "asset", "photos", "documents")

// wan reads an amount of 万元 with at most four decimals (a yuan); zero is allowed, a negative
// amount is not.
func (o object) wan(key string, required bool) (zhenxing.Money, bool) {
	n := o.field(key, required)
	if n == nil {
		return 0, false
	}
	s := strings.TrimSpace(n.Value)
	whole, frac, _ := strings.Cut(s, ".")
	if n.Kind != yaml.ScalarNode || whole == "" || !digitsOnly(whole) || !digitsOnly(frac) || len(frac) > 4 || len(whole) > 9 {
		o.fm.problem(n, "字段 %q 须为以万元计的金额（不为负，最多四位小数），现为 %q", key, s)
		return 0, false
	}
	frac += strings.Repeat("0", 4-len(frac))
	var v int64
	for _, c := range whole + frac {
		v = v*10 + int64(c-'0')
	}
	return zhenxing.Money(v * 100), true // a ten-thousandth of 万元 is one yuan: 100 fen
}

func digitsOnly(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func (o object) oneOf(key string, required bool, values []string, what string) string {
	s := o.text(key, required)
	if s != "" && !slices.Contains(values, s) {
		o.fm.problem(o.value(key), "%s %q 无效，应为 %s 之一", what, s, strings.Join(values, "、"))
		return ""
	}
	return s
}

// parseProject parses one project file. It returns nil and the problems when the project cannot
// be published; its links to documents are checked later, by the library.
func parseProject(fsys fs.FS, file string, data []byte) (*Project, []Problem) {
	fm, slug, p := openFile(file, data, projectKeys)
	if p != nil {
		return nil, []Problem{*p}
	}
	h := fm.header()
	pr := &Project{Slug: slug, File: file, Name: h.text("name", true), Township: h.text("township", true),
		Village: h.text("village", false), Unit: h.text("unit", true)}
	if year, ok := h.int("year", true); ok {
		if year < 2015 || year > 2100 {
			fm.problem(h.value("year"), "项目年度 %d 无效", year)
		}
		pr.Year = year
	}
	pr.Type = h.oneOf("type", true, ProjectTypes, "项目类型")
	pr.Status = h.oneOf("status", true, ProjectStatuses, "项目状态")

	if f, ok := h.object("funds", true); ok {
		f.checkKeys(keySet("central", "province", "city", "district"))
		pr.Funds.Central, _ = f.wan("central", false)
		pr.Funds.Province, _ = f.wan("province", false)
		pr.Funds.City, _ = f.wan("city", false)
		pr.Funds.District, _ = f.wan("district", false)
		if pr.Funds.Total() == 0 {
			fm.problem(h.value("funds"), "资金来源（central、province、city、district）至少填写一项大于零的金额")
		}
	}
	pr.Contract, _ = h.wan("contract", false)

	pr.Start, _ = h.date("start", pr.Status != "计划" && pr.Status != "")
	pr.PlannedFinish, _ = h.date("planned_finish", true)
	finished, _ := h.date("finished", false)
	pr.Finished = finished
	switch {
	case !pr.Start.IsZero() && !pr.PlannedFinish.IsZero() && pr.PlannedFinish.Before(pr.Start):
		fm.problem(h.value("planned_finish"), "计划完工日期 %s 早于开工日期 %s", day(pr.PlannedFinish), day(pr.Start))
	case !finished.IsZero() && !pr.Start.IsZero() && finished.Before(pr.Start):
		fm.problem(h.value("finished"), "完工日期 %s 早于开工日期 %s", day(finished), day(pr.Start))
	case finished.IsZero() && pr.Done():
		fm.problem(h.value("status"), "状态为“%s”的项目须填写 finished（完工日期）", pr.Status)
	case !finished.IsZero() && !pr.Done() && pr.Status != "":
		fm.problem(h.value("finished"), "状态为“%s”的项目不能填写完工日期", pr.Status)
	}

	pr.Payments = parsePayments(h, pr)
	pr.Benefit = parseBenefit(h)
	pr.Asset = parseAsset(h, pr)
	pr.Photos = parseAttachmentList(fsys, h, "photos", "照片")
	if list := h.strings("documents", false); len(list) > 0 {
		pr.docSlugs, pr.line = list, fm.line(h.value("documents"))
	}
	if len(fm.problems) > 0 {
		return nil, fm.problems
	}
	var problems []Problem
	if pr.Body, problems = fm.renderBody(slug, ""); problems != nil {
		return nil, problems
	}
	return pr, nil
}

func day(t time.Time) string { return t.Format(time.DateOnly) }

// parsePayments reads the payments: each a date and an amount, in date order, none before the
// start, together no more than the funds.
func parsePayments(h object, pr *Project) []Payment {
	list, _ := h.list("payments", false)
	var out []Payment
	for _, o := range list {
		o.checkKeys(keySet("date", "amount"))
		d, ok1 := o.date("date", true)
		a, ok2 := o.wan("amount", true)
		if !ok1 || !ok2 {
			continue
		}
		switch {
		case a == 0:
			o.fm.problem(o.value("amount"), "拨付金额须大于零")
		case len(out) > 0 && d.Before(out[len(out)-1].Date):
			o.fm.problem(o.value("date"), "拨付日期 %s 早于上一笔 %s，请按日期顺序填写", day(d), day(out[len(out)-1].Date))
		case !pr.Start.IsZero() && d.Before(pr.Start):
			o.fm.problem(o.value("date"), "拨付日期 %s 早于开工日期 %s", day(d), day(pr.Start))
		}
		out = append(out, Payment{Date: d, Amount: a})
	}
	var paid zhenxing.Money
	for _, p := range out {
		paid += p.Amount
	}
	if total := pr.Funds.Total(); total > 0 && paid > total {
		h.fm.problem(h.keyNode("payments"), "已拨付合计 %s 万元，超过资金总额 %s 万元", Wan(paid), Wan(total))
	}
	return out
}

func parseBenefit(h object) Benefit {
	o, ok := h.object("benefit", true)
	if !ok {
		return Benefit{}
	}
	o.checkKeys(keySet("mechanism", "households", "people"))
	b := Benefit{Mechanism: o.text("mechanism", true)}
	b.Households, _ = o.int("households", true)
	b.People, _ = o.int("people", true)
	switch {
	case b.Households < 0 || b.People < 0:
		o.fm.problem(o.value("households"), "带动户数和人数不能为负数")
	case b.People < b.Households:
		o.fm.problem(o.value("people"), "带动人数 %d 少于户数 %d", b.People, b.Households)
	}
	return b
}

// parseAsset reads the asset a project handed over; only a project 已移交 has one, and it must.
func parseAsset(h object, pr *Project) *Asset {
	o, ok := h.object("asset", false)
	switch {
	case !ok && pr.Status == "已移交":
		h.fm.problem(h.value("status"), "已移交的项目须用 asset 写明资产类型、产权归属、管护主体和移交日期")
		return nil
	case !ok:
		return nil
	case pr.Status != "已移交":
		h.fm.problem(h.value("asset"), "只有已移交的项目才能填写 asset")
		return nil
	}
	o.checkKeys(keySet("type", "owner", "caretaker", "handed_over"))
	a := &Asset{Type: o.text("type", true), Owner: o.text("owner", true), Caretaker: o.text("caretaker", true)}
	a.HandedOver, _ = o.date("handed_over", true)
	if !a.HandedOver.IsZero() && !pr.Finished.IsZero() && a.HandedOver.Before(pr.Finished) {
		o.fm.problem(o.value("handed_over"), "资产移交日期 %s 早于完工日期 %s", day(a.HandedOver), day(pr.Finished))
	}
	return a
}

// loadProjects reads every project under projects/ once the documents are known, keeping a
// file's last good version as documents do, and links projects and documents both ways.
func (l *Library) loadProjects(fsys fs.FS, prev *Library) []Problem {
	files, problems := contentFiles(fsys, "projects", "衔接资金项目文件须直接位于 projects/ 目录下")
	lastGood := lastGoodOf(prev, func(l *Library) []*Project { return l.projects }, func(p *Project) string { return p.File })
	projects, found, kept := parseFiles(fsys, files, func(file string, data []byte) (*Project, []Problem) {
		return parseProject(fsys, file, data)
	}, lastGood, func(p *Project) *Project { c := *p; c.Documents = nil; return &c })
	problems = append(problems, found...)
	l.kept = append(l.kept, kept...)
	l.projectBySlug = map[string]*Project{}
	for _, p := range projects {
		if p == nil {
			continue
		}
		if other, dup := l.projectBySlug[p.Slug]; dup {
			problems = append(problems, Problem{p.File, 1, fmt.Sprintf("文件名(slug)%q 与 %s 重复", p.Slug, other.File)})
			continue
		}
		if _, dup := l.bySlug[p.Slug]; dup {
			// Slugs are unique across documents and projects, so that a link names one thing.
			problems = append(problems, Problem{p.File, 1, fmt.Sprintf("文件名(slug)%q 与一份文件重复", p.Slug)})
			continue
		}
		ok := true
		for _, s := range p.docSlugs {
			if _, found := l.bySlug[s]; !found {
				problems = append(problems, Problem{p.File, p.line, fmt.Sprintf("关联的文件 %q 不存在", s)})
				ok = false
			}
		}
		if !ok {
			continue
		}
		l.projectBySlug[p.Slug] = p
		l.projects = append(l.projects, p)
	}
	for _, d := range l.docs {
		for _, s := range d.projectSlugs {
			p, found := l.projectBySlug[s]
			if !found {
				problems = append(problems, Problem{d.File, d.projectLine, fmt.Sprintf("关联的衔接资金项目 %q 不存在", s)})
				continue
			}
			join(d, p)
		}
	}
	for _, p := range l.projects {
		for _, s := range p.docSlugs {
			join(l.bySlug[s], p)
		}
	}
	sort.Slice(l.projects, func(i, j int) bool {
		a, b := l.projects[i], l.projects[j]
		if a.Year != b.Year {
			return a.Year > b.Year
		}
		return a.Slug < b.Slug
	})
	return problems
}

// join records that document d and project p belong together, once.
func join(d *Document, p *Project) {
	if !slices.Contains(p.Documents, d) {
		p.Documents = append(p.Documents, d)
	}
	if !slices.Contains(d.Projects, p) {
		d.Projects = append(d.Projects, p)
	}
}

// contentFiles lists the .md files directly under dir; one deeper is a problem saying nested.
func contentFiles(fsys fs.FS, dir, nested string) ([]string, []Problem) {
	var files []string
	var problems []Problem
	err := fs.WalkDir(fsys, dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return fs.SkipDir
			}
			return err
		}
		if e.IsDir() || !strings.HasSuffix(p, ".md") {
			return nil
		}
		if path.Dir(p) != dir {
			problems = append(problems, Problem{p, 1, nested})
			return nil
		}
		files = append(files, p)
		return nil
	})
	if err != nil {
		problems = append(problems, Problem{dir, 1, fmt.Sprintf("无法读取目录：%v", err)})
	}
	return files, problems
}

// ProjectQuery selects projects. Zero values mean any.
type ProjectQuery struct {
	Year     int
	Type     string
	Township string
	Status   string
}

// Projects returns the projects matching q, the latest year first. An unknown type, status,
// township or year is an EInvalid error.
func (l *Library) Projects(q ProjectQuery) ([]*Project, error) {
	switch {
	case q.Type != "" && !slices.Contains(ProjectTypes, q.Type):
		return nil, zhenxing.Errorf(zhenxing.EInvalid, "没有“%s”类型的项目。", q.Type)
	case q.Status != "" && !slices.Contains(ProjectStatuses, q.Status):
		return nil, zhenxing.Errorf(zhenxing.EInvalid, "没有“%s”状态的项目。", q.Status)
	case q.Township != "" && !slices.Contains(l.ProjectTownships(), q.Township):
		return nil, zhenxing.Errorf(zhenxing.EInvalid, "没有%s的项目。", q.Township)
	case q.Year != 0 && !slices.Contains(l.ProjectYears(), q.Year):
		return nil, zhenxing.Errorf(zhenxing.EInvalid, "没有 %d 年度的项目。", q.Year)
	}
	var out []*Project
	for _, p := range l.projects {
		if (q.Year == 0 || p.Year == q.Year) && (q.Type == "" || p.Type == q.Type) &&
			(q.Township == "" || p.Township == q.Township) && (q.Status == "" || p.Status == q.Status) {
			out = append(out, p)
		}
	}
	return out, nil
}

// AllProjects returns every project, the latest year first.
func (l *Library) AllProjects() []*Project { return l.projects }

// Project returns the project with the slug, or an ENotFound error.
func (l *Library) Project(slug string) (*Project, error) {
	if p, ok := l.projectBySlug[slug]; ok {
		return p, nil
	}
	return nil, zhenxing.Errorf(zhenxing.ENotFound, "未找到该项目，它可能已被移动或删除。")
}

// ProjectYears are the years with projects, the latest first.
func (l *Library) ProjectYears() []int {
	var out []int
	for _, p := range l.projects {
		if !slices.Contains(out, p.Year) {
			out = append(out, p.Year)
		}
	}
	return out
}

// ProjectTownships are the townships with projects, in the order of first appearance.
func (l *Library) ProjectTownships() []string {
	var out []string
	for _, p := range l.projects {
		if !slices.Contains(out, p.Township) {
			out = append(out, p.Township)
		}
	}
	sort.Strings(out)
	return out
}

// ProjectTotals sums a list of projects.
type ProjectTotals struct {
	Count, Started, Finished, HandedOver int
	Funds, Paid, Industry                zhenxing.Money // Industry: the funds of 产业发展 projects
	Households, People                   int
}

// Progress is the share of the funds paid out, from 0 to 1.
func (t ProjectTotals) Progress() float64 { return ratio(t.Paid, t.Funds) }

// IndustryShare is the 产业发展 share of the funds, from 0 to 1.
func (t ProjectTotals) IndustryShare() float64 { return ratio(t.Industry, t.Funds) }

// SumProjects adds up the projects.
func SumProjects(list []*Project) ProjectTotals {
	var t ProjectTotals
	for _, p := range list {
		t.Count++
		t.Funds += p.Funds.Total()
		t.Paid += p.Paid()
		if p.Type == ProjectIndustry {
			t.Industry += p.Funds.Total()
		}
		if p.Started() {
			t.Started++
		}
		if p.Done() {
			t.Finished++
		}
		if p.Asset != nil {
			t.HandedOver++
		}
		t.Households += p.Benefit.Households
		t.People += p.Benefit.People
	}
	return t
}
