package content

import (
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"zhenxing"
)

// docFile is a valid document's front matter; tests replace lines to break it.
const docFile = `---
title: 关于做好防返贫监测工作的通知
index_no: 11610111MB1C2345XA/2024-00001
publisher: 西安市灞桥区乡村振兴局
written: 2024-03-01
published: 2024-03-05 09:30
topic: 乡村振兴
validity: 有效
keywords: [防返贫, 监测]
summary: 部署防返贫监测工作。
history:
  - date: 2024-03-05
    note: 首次发布
---
正文第一段。
`

// mapFS builds a content tree from "path: body" pairs.
func mapFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for p, body := range files {
		fsys[p] = &fstest.MapFile{Data: []byte(body)}
	}
	return fsys
}

func replace(s, old, new string) string {
	if !strings.Contains(s, old) {
		panic("fixture lacks " + old)
	}
	return strings.Replace(s, old, new, 1)
}

func TestLoadValid(t *testing.T) {
	lib, problems := Load(mapFS(map[string]string{"docs/notices/monitoring.md": docFile}))
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	d, err := lib.Document("monitoring")
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "关于做好防返贫监测工作的通知" || d.Kind != KindNotice || d.URL() != "/open/notices/monitoring" {
		t.Errorf("document = %q %q %q", d.Title, d.Kind, d.URL())
	}
	if got := d.Published.Format("2006-01-02 15:04 MST"); got != "2024-03-05 09:30 CST" {
		t.Errorf("published = %s, want 2024-03-05 09:30 CST", got)
	}
	if len(d.Keywords) != 2 || len(d.History) != 1 || d.History[0].Note != "首次发布" {
		t.Errorf("keywords %v history %v", d.Keywords, d.History)
	}
}

func TestLoadProblems(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string // file:line: message, or a part of it
	}{
		{"no front matter", map[string]string{"docs/notices/a.md": "正文"}, "docs/notices/a.md:1: 文件须以 --- 开头"},
		{"unclosed front matter", map[string]string{"docs/notices/a.md": "---\ntitle: 标题\n"}, "docs/notices/a.md:1: YAML 头信息没有以 --- 结束"},
		{"broken yaml", map[string]string{"docs/notices/a.md": replace(docFile, "topic: 乡村振兴", "topic: [乡村振兴")}, "docs/notices/a.md:"},
		{"missing title", map[string]string{"docs/notices/a.md": replace(docFile, "title: 关于做好防返贫监测工作的通知\n", "")}, `缺少必填字段 "title"`},
		{"title is a list", map[string]string{"docs/notices/a.md": replace(docFile, "title: 关于做好防返贫监测工作的通知", "title: [关于, 通知]")}, `docs/notices/a.md:2: 字段 "title" 须为文字`},
		{"keyword is a mapping", map[string]string{"docs/notices/a.md": replace(docFile, "keywords: [防返贫, 监测]", "keywords: [防返贫, {a: b}]")}, `docs/notices/a.md:9: 字段 "keywords" 的每一项须为文字`},
		{"attachment is not a mapping", map[string]string{"docs/notices/a.md": replace(docFile, "history:", "attachments:\n  - files/plan.pdf\nhistory:")}, `docs/notices/a.md:12: 字段 "attachments" 的每一项须为“键： 值”的映射`},
		{"empty publisher", map[string]string{"docs/notices/a.md": replace(docFile, "publisher: 西安市灞桥区乡村振兴局", "publisher: \"\"")}, `docs/notices/a.md:4: 字段 "publisher" 不能为空`},
		{"bad date", map[string]string{"docs/notices/a.md": replace(docFile, "written: 2024-03-01", "written: 2024-13-01")}, `docs/notices/a.md:5: 字段 "written" 的日期 "2024-13-01" 无效`},
		{"published before written", map[string]string{"docs/notices/a.md": replace(docFile, "written: 2024-03-01", "written: 2024-04-01")}, "docs/notices/a.md:6: 发布日期 2024-03-05 早于成文日期 2024-04-01"},
		{"bad validity", map[string]string{"docs/notices/a.md": replace(docFile, "validity: 有效", "validity: 作废")}, `docs/notices/a.md:8: 有效性 "作废" 无效`},
		{"unknown key", map[string]string{"docs/notices/a.md": replace(docFile, "topic: 乡村振兴", "topic: 乡村振兴\nauthor: 某人")}, `docs/notices/a.md:8: 未知字段 "author"`},
		{"bad history date", map[string]string{"docs/notices/a.md": replace(docFile, "  - date: 2024-03-05", "  - date: 三月五日")}, "docs/notices/a.md:12: 变更记录的日期"},
		{"missing attachment", map[string]string{"docs/notices/a.md": replace(docFile, "history:", "attachments:\n  - file: files/none.pdf\n    title: 附件\nhistory:")}, `docs/notices/a.md:12: 附件文件 "files/none.pdf" 不存在`},
		{"bad slug", map[string]string{"docs/notices/A b.md": docFile}, "文件名"},
		{"unknown column", map[string]string{"docs/gossip/a.md": docFile}, "docs/gossip/a.md:1: 文件须位于 docs/ 下的栏目目录中"},
		{"duplicate index", map[string]string{"docs/notices/a.md": docFile, "docs/notices/b.md": docFile}, `docs/notices/b.md:2: 索引号 "11610111MB1C2345XA/2024-00001" 与 docs/notices/a.md 重复`},
		{"duplicate slug", map[string]string{"docs/notices/a.md": docFile, "docs/policies/a.md": replace(docFile, "2024-00001", "2024-00002")}, "与 docs/notices/a.md 重复"},
		{"replaced by missing", map[string]string{"docs/notices/a.md": replace(docFile, "validity: 有效", "validity: 已废止\nreplaced_by: nowhere")}, `docs/notices/a.md:2: 替代或修改它的文件 "nowhere" 不存在`},
		{"amended without target", map[string]string{"docs/notices/a.md": replace(docFile, "validity: 有效", "validity: 已修改")}, "已修改的文件须用 amended_by 指明修改它的文件"},
		{"interpretation without policy", map[string]string{"docs/interpretations/a.md": docFile}, `缺少必填字段 "interprets"`},
		{"interprets a notice", map[string]string{
			"docs/notices/n.md":         docFile,
			"docs/interpretations/a.md": replace(replace(docFile, "2024-00001", "2024-00009"), "topic:", "interprets: n\ntopic:"),
		}, `docs/interpretations/a.md:2: 所解读的政策文件 "n" 不存在`},
		{"consultation on an annual report", map[string]string{"docs/annual-reports/a.md": replace(docFile, "topic:", "consultation: {opens: 2024-03-05, closes: 2024-04-05}\ntopic:")},
			"只有政策文件和通知公告才能征求意见"},
		{"consultation closing before it opens", map[string]string{"docs/notices/a.md": replace(docFile, "topic:", "consultation: {opens: 2024-03-05, closes: 2024-03-01}\ntopic:")},
			"征求意见截止日期 2024-03-01 早于开始日期 2024-03-05"},
		{"consultation without an end", map[string]string{"docs/notices/a.md": replace(docFile, "topic:", "consultation: {opens: 2024-03-05}\ntopic:")},
			`缺少必填字段 "closes"`},
		{"request table on a notice", map[string]string{"docs/notices/a.md": replace(docFile, "topic:", "requests_table: 2025\ntopic:")},
			"只有政府信息公开年度报告才能填写 requests_table"},
		{"request table without its place", map[string]string{"docs/annual-reports/a.md": replace(docFile, "topic:", "requests_table: 2025\ntopic:")},
			"正文须有且只有一行“【申请情况表】”标明统计表的位置（现有 0 行）"},
		{"website facts with an unknown item", map[string]string{"docs/notices/a.md": docFile, "website-report.yaml": "2025:\n  visits: 100\n  hits: 5\n"},
			"website-report.yaml:3: 网站年度报表数据无法读取"},
		{"body link to missing document", map[string]string{"docs/notices/a.md": docFile + "\n详见[通知](/open/notices/missing)。\n"}, `docs/notices/a.md:17: 链接 "/open/notices/missing" 指向的页面不存在`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, problems := Load(mapFS(tt.files))
			var all []string
			for _, p := range problems {
				all = append(all, p.String())
			}
			joined := strings.Join(all, "\n")
			if !strings.Contains(joined, tt.want) {
				t.Errorf("problems:\n%s\nwant one containing %q", joined, tt.want)
			}
		})
	}
}

// TestConsultationAndRequestTable reads a consultation's period and an annual report's request
// table place.
func TestConsultationAndRequestTable(t *testing.T) {
	lib, problems := Load(mapFS(map[string]string{
		"docs/notices/draft.md":         replace(docFile, "topic:", "consultation:\n  opens: 2024-03-05\n  closes: 2024-03-20\ntopic:"),
		"docs/annual-reports/report.md": replace(docFile, "2024-00001", "2024-00002") + "\n前言。\n\n【申请情况表】\n\n结语。\n",
	}))
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	draft, _ := lib.Document("draft")
	c := draft.Consultation
	at := func(s string) time.Time {
		t, _ := time.ParseInLocation("2006-01-02 15:04", s, zhenxing.Beijing)
		return t
	}
	if c == nil || c.OpenAt(at("2024-03-04 23:59")) || !c.OpenAt(at("2024-03-05 00:00")) || !c.OpenAt(at("2024-03-20 23:59")) ||
		c.OpenAt(at("2024-03-21 00:00")) || !c.ClosedAt(at("2024-03-21 00:00")) || c.ClosedAt(at("2024-03-20 23:59")) {
		t.Errorf("consultation %+v", c)
	}
	if got := lib.Consultations(); len(got) != 1 || got[0] != draft {
		t.Errorf("consultations: %v", got)
	}
	report, _ := lib.Document("report")
	if report.RequestsYear != 0 {
		t.Errorf("a report without requests_table has year %d", report.RequestsYear)
	}
	lib, problems = Load(mapFS(map[string]string{
		"docs/annual-reports/report.md": replace(replace(docFile, "2024-00001", "2024-00002"), "topic:", "requests_table: 2023\ntopic:") + "\n前言。\n\n【申请情况表】\n\n结语。\n",
	}))
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	report, _ = lib.Document("report")
	before, after := report.RequestsTableParts()
	if report.RequestsYear != 2023 || !strings.Contains(string(before), "前言") || strings.Contains(string(before), "结语") ||
		!strings.Contains(string(after), "结语") || strings.Contains(report.Text, "申请情况表") {
		t.Errorf("year %d, before %q, after %q, text %q", report.RequestsYear, before, after, report.Text)
	}
}

func TestBrokenDocumentLeavesOthersServing(t *testing.T) {
	lib, problems := Load(mapFS(map[string]string{
		"docs/notices/good.md": docFile,
		"docs/notices/bad.md":  "---\ntitle: [\n---\n",
	}))
	if len(problems) != 1 || problems[0].File != "docs/notices/bad.md" {
		t.Fatalf("problems = %v, want one for bad.md", problems)
	}
	if _, err := lib.Document("good"); err != nil {
		t.Errorf("good document not served: %v", err)
	}
	if _, err := lib.Document("bad"); err == nil {
		t.Error("broken document served")
	}
}

func TestLinks(t *testing.T) {
	policy := replace(docFile, "validity: 有效", "validity: 已废止\nreplaced_by: new-policy")
	newPolicy := replace(docFile, "2024-00001", "2024-00002")
	interp := replace(replace(docFile, "2024-00001", "2024-00003"), "topic:", "interprets: new-policy\ntopic:")
	lib, problems := Load(mapFS(map[string]string{
		"docs/policies/old-policy.md":     policy,
		"docs/policies/new-policy.md":     newPolicy,
		"docs/interpretations/explain.md": interp,
	}))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	old, _ := lib.Document("old-policy")
	cur, _ := lib.Document("new-policy")
	exp, _ := lib.Document("explain")
	if old.Successor != cur || len(cur.Predecessors) != 1 || cur.Predecessors[0] != old {
		t.Error("repeal not linked both ways")
	}
	if exp.Policy != cur || len(cur.Interpretations) != 1 || cur.Interpretations[0] != exp {
		t.Error("interpretation not linked both ways")
	}
}

func TestDocumentsQuery(t *testing.T) {
	files := map[string]string{}
	for i := 0; i < 45; i++ {
		year := 2023 + i%2
		doc := replace(docFile, "2024-00001", "2024-"+string(rune('a'+i/26))+string(rune('a'+i%26)))
		doc = replace(doc, "published: 2024-03-05 09:30", "published: "+itoa(year)+"-03-05 09:30")
		doc = replace(doc, "written: 2024-03-01", "written: "+itoa(year)+"-03-01")
		if i%3 == 0 {
			doc = replace(doc, "topic: 乡村振兴", "topic: 就业创业")
		}
		files["docs/notices/n"+itoa(i)+".md"] = doc
	}
	lib, problems := Load(mapFS(files))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	tests := []struct {
		q           Query
		total, docs int
		err         bool
	}{
		{Query{Kind: KindNotice, Limit: 20}, 45, 20, false},
		{Query{Kind: KindNotice, Offset: 20, Limit: 20}, 45, 20, false},
		{Query{Kind: KindNotice, Offset: 40, Limit: 20}, 45, 5, false},
		{Query{Kind: KindNotice}, 45, 45, false}, // no limit
		{Query{Kind: KindNotice, Offset: 60, Limit: 20}, 45, 0, false},
		{Query{Kind: KindNotice, Topic: "就业创业", Limit: 20}, 15, 15, false},
		{Query{Kind: KindNotice, Year: 2023, Limit: 20}, 23, 20, false},
		{Query{Kind: KindNotice, Year: 2024, Topic: "就业创业", Limit: 20}, 7, 7, false},
		{Query{Kind: KindNotice, Topic: "不存在"}, 0, 0, true},
		{Query{Kind: KindNotice, Year: 1999}, 0, 0, true},
		{Query{Kind: KindPolicy}, 0, 0, false},
	}
	for _, tt := range tests {
		p, err := lib.Documents(tt.q)
		if (err != nil) != tt.err {
			t.Errorf("%+v: err = %v", tt.q, err)
			continue
		}
		if p.Total != tt.total || len(p.Documents) != tt.docs {
			t.Errorf("%+v: total %d docs %d, want %d %d", tt.q, p.Total, len(p.Documents), tt.total, tt.docs)
		}
	}
	p, _ := lib.Documents(Query{Kind: KindNotice})
	for i := 1; i < len(p.Documents); i++ {
		if p.Documents[i].Published.After(p.Documents[i-1].Published) {
			t.Fatal("listing is not newest first")
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestEmbeddedContentIsValid(t *testing.T) {
	lib, problems := Load(Embedded())
	for _, p := range problems {
		t.Error(p)
	}
	if lib.Len() < 15 {
		t.Errorf("embedded content has %d documents, want at least 15", lib.Len())
	}
	for _, k := range Kinds {
		if len(lib.Latest(k, 1)) == 0 {
			t.Errorf("no sample document of kind %s", k)
		}
	}
}

func TestCheckLayout(t *testing.T) {
	if err := CheckLayout(Embedded()); err != nil {
		t.Errorf("embedded content: %v", err)
	}
	if err := CheckLayout(mapFS(map[string]string{"events/a.md": eventFile})); err != nil {
		t.Errorf("events only: %v", err)
	}
	for name, fsys := range map[string]fstest.MapFS{
		"a folder of documents": mapFS(map[string]string{"notices/a.md": docFile, "files/a.pdf": "%PDF"}),
		"docs is a file":        mapFS(map[string]string{"docs": "x"}),
	} {
		err := CheckLayout(fsys)
		if zhenxing.ErrorCode(err) != zhenxing.EInvalid || !strings.Contains(zhenxing.ErrorMessage(err), "docs/{kind}/*.md") {
			t.Errorf("%s: %v, want an invalid error naming the layout", name, err)
		}
	}
}
