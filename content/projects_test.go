package content

import (
	"strings"
	"testing"
	"time"

	"zhenxing"
)

// projectFile is a valid project; tests replace lines to break it.
const projectFile = `---
name: 迷鹿村智能温室大棚建设项目
year: 2022
type: 产业发展
township: 洪庆街道
village: 迷鹿村
unit: 灞桥区洪庆街道办事处
funds:
  city: 240
  district: 140
contract: 368.6
payments:
  - {date: 2022-03-21, amount: 108}
  - {date: 2022-08-15, amount: 144.0125}
start: 2022-03-01
planned_finish: 2022-08-31
finished: 2022-08-25
status: 已移交
benefit:
  mechanism: 租金收益分配给脱贫户。
  households: 132
  people: 398
asset:
  type: 经营性资产
  owner: 迷鹿村股份经济合作社
  caretaker: 迷鹿村股份经济合作社
  handed_over: 2022-11-18
documents: [monitoring]
---
项目说明。
`

func TestProjectValid(t *testing.T) {
	lib, problems := Load(mapFS(map[string]string{"docs/notices/monitoring.md": docFile, "projects/milu.md": projectFile}))
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	p, err := lib.Project("milu")
	if err != nil {
		t.Fatal(err)
	}
	if p.Funds.Total() != zhenxing.YuanOf(3_800_000) || Wan(p.Paid()) != "252.0125" || p.Contract != zhenxing.YuanOf(3_686_000) ||
		p.Asset == nil || p.Asset.Owner != "迷鹿村股份经济合作社" || !p.Done() || p.URL() != "/open/projects/milu" {
		t.Errorf("project %+v", p)
	}
	if got := p.Progress(); got < 0.6631 || got > 0.6633 {
		t.Errorf("progress %.4f, want 252.0125/380", got)
	}
	// The document the project names links back to it.
	d, _ := lib.Document("monitoring")
	if len(p.Documents) != 1 || p.Documents[0] != d || len(d.Projects) != 1 || d.Projects[0] != p {
		t.Errorf("links: project → %v, document → %v", p.Documents, d.Projects)
	}
	if _, err := lib.Projects(ProjectQuery{Type: "旅游"}); zhenxing.ErrorCode(err) != zhenxing.EInvalid {
		t.Errorf("an unknown type: %v", err)
	}
	if list, err := lib.Projects(ProjectQuery{Year: 2022, Township: "洪庆街道", Status: "已移交"}); err != nil || len(list) != 1 {
		t.Errorf("filtered: %v, %v", list, err)
	}
}

func TestProjectLinkFromDocument(t *testing.T) {
	lib, problems := Load(mapFS(map[string]string{
		"docs/notices/monitoring.md": replace(docFile, "topic:", "projects: [milu]\ntopic:"),
		"projects/milu.md":           replace(projectFile, "documents: [monitoring]\n", ""),
	}))
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	d, _ := lib.Document("monitoring")
	p, _ := lib.Project("milu")
	if len(d.Projects) != 1 || len(p.Documents) != 1 {
		t.Errorf("links: document → %v, project → %v", d.Projects, p.Documents)
	}
}

func TestProjectProblems(t *testing.T) {
	doc := map[string]string{"docs/notices/monitoring.md": docFile}
	for _, c := range []struct {
		name, file, want string
	}{
		{"payments over the funds", replace(projectFile, "amount: 144.0125", "amount: 300"), "projects/a.md:12: 已拨付合计 408 万元，超过资金总额 380 万元"},
		{"payments out of order", replace(projectFile, "date: 2022-08-15", "date: 2022-03-10"), "projects/a.md:14: 拨付日期 2022-03-10 早于上一笔 2022-03-21"},
		{"payment before the start", replace(projectFile, "date: 2022-03-21", "date: 2022-02-21"), "拨付日期 2022-02-21 早于开工日期 2022-03-01"},
		{"finished before the start", replace(projectFile, "finished: 2022-08-25", "finished: 2022-02-25"), "projects/a.md:17: 完工日期 2022-02-25 早于开工日期 2022-03-01"},
		{"planned before the start", replace(projectFile, "planned_finish: 2022-08-31", "planned_finish: 2022-01-31"), "计划完工日期 2022-01-31 早于开工日期 2022-03-01"},
		{"handed over before finished", replace(projectFile, "handed_over: 2022-11-18", "handed_over: 2022-08-01"), "资产移交日期 2022-08-01 早于完工日期 2022-08-25"},
		{"handed over without an asset", projectFile[:strings.Index(projectFile, "asset:")] + projectFile[strings.Index(projectFile, "documents:"):], "已移交的项目须用 asset"},
		{"unknown type", replace(projectFile, "type: 产业发展", "type: 旅游"), `projects/a.md:4: 项目类型 "旅游" 无效`},
		{"negative amount", replace(projectFile, "city: 240", "city: -240"), `字段 "city" 须为以万元计的金额`},
		{"too many decimals", replace(projectFile, "amount: 108", "amount: 108.12345"), `字段 "amount" 须为以万元计的金额`},
		{"no funds", replace(replace(projectFile, "  city: 240\n", ""), "  district: 140\n", "  district: 0\n"), "资金来源"},
		{"missing document", replace(projectFile, "documents: [monitoring]", "documents: [nowhere]"), `projects/a.md:28: 关联的文件 "nowhere" 不存在`},
		{"in progress with a finish", replace(projectFile, "status: 已移交", "status: 在建"), "状态为“在建”的项目不能填写完工日期"},
		{"fewer people than households", replace(projectFile, "people: 398", "people: 100"), "带动人数 100 少于户数 132"},
	} {
		t.Run(c.name, func(t *testing.T) {
			files := map[string]string{"projects/a.md": c.file}
			for k, v := range doc {
				files[k] = v
			}
			_, problems := Load(mapFS(files))
			var all []string
			for _, p := range problems {
				all = append(all, p.String())
			}
			if joined := strings.Join(all, "\n"); !strings.Contains(joined, c.want) {
				t.Errorf("problems:\n%s\nwant one containing %q", joined, c.want)
			}
		})
	}
}

// TestSampleProjects holds the sample projects to the seed report: in 2022, 26 million yuan of
// city and district funds for 15 projects, all started and finished, 97.5% paid by 28 December,
// four assets handed over; and the totals are the sums of the files.
func TestSampleProjects(t *testing.T) {
	lib, problems := Load(Embedded())
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	list, err := lib.Projects(ProjectQuery{Year: 2022})
	if err != nil {
		t.Fatal(err)
	}
	tot := SumProjects(list)
	if tot.Count != 15 || Wan(tot.Funds) != "2600" || tot.Started != 15 || tot.Finished != 15 || tot.HandedOver != 4 ||
		int(tot.Progress()*1000+0.5) != 975 {
		t.Errorf("2022: %+v (progress %.4f)", tot, tot.Progress())
	}
	var funds, paid zhenxing.Money
	for _, p := range list {
		funds += p.Funds.Total()
		paid += p.Paid()
		if p.Funds.Central != 0 || p.Funds.Province != 0 {
			t.Errorf("%s: central or provincial funds in 2022", p.Slug)
		}
		for _, pay := range p.Payments {
			if pay.Date.After(dateOf("2022-12-28")) {
				t.Errorf("%s: paid on %s, after 28 December", p.Slug, day(pay.Date))
			}
		}
	}
	if funds != tot.Funds || paid != tot.Paid {
		t.Errorf("totals %s/%s, files %s/%s", Wan(tot.Funds), Wan(tot.Paid), Wan(funds), Wan(paid))
	}
	for _, name := range []string{"车村乡村旅游提升项目", "迷鹿村智能温室大棚建设项目", "三杨坡光伏产业项目"} {
		found := false
		for _, p := range list {
			found = found || p.Name == name
		}
		if !found {
			t.Errorf("no 2022 project %s", name)
		}
	}
	// The 产业 share rises every year, as the policy requires.
	years := lib.ProjectYears()
	if len(years) < 5 {
		t.Fatalf("years %v", years)
	}
	last := 1.0
	for _, y := range years { // the latest first
		l, _ := lib.Projects(ProjectQuery{Year: y})
		share := SumProjects(l).IndustryShare()
		if share >= last {
			t.Errorf("产业 share %.3f in %d is not below the next year's %.3f", share, y, last)
		}
		last = share
	}
}

func dateOf(s string) time.Time {
	t, _ := parseDate(s)
	return t
}
