// Package gen generates the search benchmark's corpus: documents and recruitment events as a
// zhenxing content tree, and a catalogue of suppliers and products, all in realistic Chinese
// built from word lists, deterministically from a seed.
package gen

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"zhenxing/content"
)

// Options sizes the corpus.
type Options struct {
	Documents int
	Events    int
	Products  int
	Suppliers int
	Seed      uint64
}

// Default is the corpus of issue 9: 5,000 documents, 500 events, 20,000 products.
var Default = Options{Documents: 5000, Events: 500, Products: 20000, Suppliers: 300, Seed: 2026}

// Synonyms is the generated tree's synonyms file.
const Synonyms = `# 基准测试语料的同义词：每行一组。
农发行 → 中国农业发展银行
公益岗 → 公益性岗位
衔接资金 → 衔接推进乡村振兴补助资金
监测户 → 防止返贫监测对象
消费帮扶 = 消费扶贫
脱贫户 = 脱贫人口
招聘会 = 双选会
`

// WriteContent writes o.Documents documents under dir/docs/<kind>/, o.Events events under
// dir/events/ and dir/synonyms.txt.
func WriteContent(dir string, o Options) error {
	r := rand.New(rand.NewPCG(o.Seed, 1))
	seq := map[string]int{} // prefix and year → last sequence number used
	var policies []string   // slugs, for interpretations
	for i := range o.Documents {
		kind := docKind(i)
		if kind == content.KindInterpretation && len(policies) == 0 {
			kind = content.KindPolicy
		}
		year := 2016 + i%10
		slug := fmt.Sprintf("doc-%05d", i)
		text := document(r, i, kind, year, slug, seq, policies)
		if kind == content.KindPolicy {
			policies = append(policies, slug)
		}
		if err := write(filepath.Join(dir, "docs", string(kind), slug+".md"), text); err != nil {
			return err
		}
	}
	for i := range o.Events {
		if err := write(filepath.Join(dir, "events", fmt.Sprintf("event-%04d.md", i)), event(r, i)); err != nil {
			return err
		}
	}
	return write(filepath.Join(dir, content.SynonymsFile), Synonyms)
}

func write(file, text string) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	return os.WriteFile(file, []byte(text), 0o644)
}

// docKind spreads the documents over the columns: mostly policies, reports and notices.
func docKind(i int) content.Kind {
	switch i % 20 {
	case 0, 1, 2, 3, 4, 5:
		return content.KindPolicy
	case 6:
		return content.KindInterpretation
	case 7, 8, 9, 10, 11:
		return content.KindReport
	case 19:
		if i%100 == 19 {
			return content.KindGuide
		}
		if i%100 == 39 {
			return content.KindAnnualReport
		}
		return content.KindNotice
	default:
		return content.KindNotice
	}
}

func document(r *rand.Rand, i int, kind content.Kind, year int, slug string, seq map[string]int, policies []string) string {
	programme := pick(r, programmes)
	town := pick(r, baqiaoTowns)
	var title string
	switch kind {
	case content.KindPolicy:
		title = pick(r, []string{
			"关于印发《灞桥区%[1]s实施方案》的通知", "灞桥区%[1]s管理办法", "关于进一步做好%[1]s工作的意见",
			"关于加快推进%[1]s的若干措施", "灞桥区%[1]s工作考核细则",
		})
	case content.KindInterpretation:
		title = "《灞桥区%[1]s管理办法》政策解读"
	case content.KindReport:
		title = pick(r, []string{"%[2]d年%[3]s%[1]s工作总结", "%[3]s%[2]d年上半年%[1]s工作情况报告", "灞桥区%[2]d年%[1]s工作计划"})
	case content.KindGuide:
		title = "%[1]s办事指南（%[2]d年版）"
	case content.KindAnnualReport:
		title = "西安市灞桥区乡村振兴局%[2]d年政府信息公开工作年度报告（第%[4]d号）"
	default:
		title = pick(r, []string{"关于%[2]d年%[1]s项目的公示", "关于开展%[1]s专项检查的通知", "关于%[3]s%[1]s项目竣工验收的公告", "关于组织申报%[2]d年%[1]s项目的通知"})
	}
	title = fmt.Sprintf(title, programme, year, town, i)
	month, day := 1+r.IntN(12), 1+r.IntN(28)
	number := ""
	if kind == content.KindPolicy || kind == content.KindNotice || (kind == content.KindReport && r.IntN(3) == 0) {
		prefix := numberPrefixes[0]
		if r.IntN(3) == 0 {
			prefix = pick(r, numberPrefixes)
		}
		key := fmt.Sprintf("%s%d", prefix, year)
		seq[key]++
		number = fmt.Sprintf("%s〔%d〕%d号", prefix, year, seq[key])
	}
	validity := content.InForce
	switch v := r.IntN(100); {
	case kind != content.KindPolicy:
	case v < 8:
		validity = content.Repealed
	case v < 11:
		validity = content.Expired
	}
	keywords := []string{programme, pick(r, crops), pick(r, topics)}
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %s\nindex_no: 11610111MB1C2345XA/%d-%05d\npublisher: %s\n", title, year, i, pick(r, offices))
	fmt.Fprintf(&b, "written: %d-%02d-%02d\npublished: %d-%02d-%02d 09:30\n", year, month, day, year, month, min(day+2, 28))
	if number != "" {
		fmt.Fprintf(&b, "number: %s\n", number)
	}
	fmt.Fprintf(&b, "topic: %s\nvalidity: %s\n", pick(r, topics), validity)
	if kind == content.KindInterpretation {
		fmt.Fprintf(&b, "interprets: %s\n", policies[r.IntN(len(policies))])
	}
	fmt.Fprintf(&b, "keywords: [%s]\n", strings.Join(keywords, ", "))
	fmt.Fprintf(&b, "history:\n  - date: %d-%02d-%02d\n    note: 首次发布\n---\n", year, month, min(day+2, 28))

	// A body cites another document's 文号 now and then, as real ones do.
	cited := ""
	if r.IntN(2) == 0 {
		cited = fmt.Sprintf("%s〔%d〕%d号", numberPrefixes[0], 2016+r.IntN(10), 1+r.IntN(40))
	}
	fmt.Fprintf(&b, "%s\n\n", paragraph(r, year, cited))
	for h := range 2 + r.IntN(3) {
		fmt.Fprintf(&b, "## %s\n\n", headings[h])
		for range 1 + r.IntN(3) {
			fmt.Fprintf(&b, "%s\n\n", paragraph(r, year, cited))
		}
		if h == 1 && r.IntN(4) == 0 {
			b.WriteString("| 项目名称 | 实施地点 | 资金（万元） |\n|---|---|---|\n")
			for range 3 + r.IntN(4) {
				fmt.Fprintf(&b, "| %s%s项目 | %s%s | %s |\n", pick(r, crops), pick(r, []string{"产业园", "基地", "冷库", "加工厂"}), pick(r, baqiaoTowns), pick(r, villages), money(r, 10, 600))
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

var (
	educations = []string{"不限", "初中及以上", "高中及以上", "大专及以上", "本科及以上"}
	industries = []string{"农业科技", "食品", "冷链物流", "电子商务", "物业管理", "家政服务", "建筑劳务", "餐饮管理", "果业", "服饰", "养老服务", "机械制造"}
	jobs       = map[string][]string{
		"农业科技": {"樱桃采摘工", "果园管理员", "农机操作员", "植保技术员"},
		"食品":   {"分拣包装工", "食品检验员", "生产线操作工", "仓库管理员"},
		"冷链物流": {"冷库装卸工", "配送司机", "仓储管理员", "调度员"},
		"电子商务": {"电商运营", "直播带货主播", "客服专员", "美工设计"},
		"物业管理": {"保洁员", "保安员", "绿化工", "水电维修工"},
		"家政服务": {"育婴员", "家政服务员", "养老护理员", "保洁员"},
		"建筑劳务": {"钢筋工", "木工", "电焊工", "普工"},
		"餐饮管理": {"厨师", "面点师", "服务员", "配菜员"},
		"果业":   {"猕猴桃分拣工", "核桃脱青工", "果树修剪工", "品控员"},
		"服饰":   {"缝纫工", "裁剪工", "质检员", "熨烫工"},
		"养老服务": {"养老护理员", "康复理疗师", "护士", "膳食服务员"},
		"机械制造": {"数控车工", "装配工", "焊工", "质检员"},
	}
)

func event(r *rand.Rand, i int) string {
	kind := content.EventKinds[i%len(content.EventKinds)]
	mode := content.OnSite
	switch kind {
	case content.KindOnlineFair:
		mode = content.Online
	case content.KindLiveHiring:
		mode = content.Hybrid
	}
	loc := time.FixedZone("CST", 8*3600)
	start := time.Date(2022, 1, 10, 9, 0, 0, 0, loc).AddDate(0, 0, i*4+r.IntN(3)) // 2022 to 2027
	end := start.Add(3 * time.Hour)
	if kind == content.KindPublicWelfare || mode == content.Online {
		end = start.AddDate(0, 0, 10).Add(8 * time.Hour)
	}
	county, towns := "灞桥区", baqiaoTowns
	if r.IntN(3) == 0 {
		county, towns = "略阳县", lueyangTowns
	}
	town := pick(r, towns)
	title := fmt.Sprintf("%d年%s%s%s", start.Year(), county, town, kind)
	if kind == content.KindSpecialFair {
		title = fmt.Sprintf("%d年%s%s用工专场招聘会", start.Year(), town, pick(r, fruits))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %s（第%d场）\nkind: %s\nmode: %s\n", title, i+1, kind, mode)
	fmt.Fprintf(&b, "start: %s\nend: %s\npublished: %s\n", start.Format("2006-01-02 15:04 -07:00"), end.Format("2006-01-02 15:04 -07:00"), start.AddDate(0, 0, -10).Format("2006-01-02"))
	if mode.HasVenue() {
		fmt.Fprintf(&b, "venue:\n  name: %s便民服务中心\n  address: %s%s%s\n  district: %s\n  township: %s\n", town, county, town, pick(r, villages), county, town)
	}
	if mode.IsOnline() {
		fmt.Fprintf(&b, "live: https://job.example.cn/live/%04d\n", i)
	}
	fmt.Fprintf(&b, "hosts:\n  - %s人力资源和社会保障局\n  - %s乡村振兴局\norganisers:\n  - %s办事处\n", county, county, town)
	fmt.Fprintf(&b, "contact:\n  name: %s就业服务站\n  phone: 029-835%05d\n", town, r.IntN(100000))
	fmt.Fprintf(&b, "registration:\n  how: 求职者携带身份证到场登记，也可提前电话报名；脱贫劳动力和监测对象优先推荐。\n")
	b.WriteString("services:\n  - 政策咨询\n  - 技能培训报名\n  - 就业登记\n")
	if kind == content.KindPublicWelfare {
		b.WriteString("eligibility:\n  - 本区户籍的脱贫劳动力和防返贫监测对象家庭成员\n  - 经认定的就业困难人员\n")
		fmt.Fprintf(&b, "stages:\n  - name: 报名\n    start: %s\n    end: %s\n  - name: 公示\n    start: %s\n", start.Format("2006-01-02"), end.Format("2006-01-02"), end.AddDate(0, 0, 7).Format("2006-01-02"))
	}
	b.WriteString("employers:\n")
	used := map[string]bool{}
	for e := range 2 + r.IntN(4) {
		ind := pick(r, industries)
		name := fmt.Sprintf("西安%s%s有限公司", pick(r, brands), ind)
		if kind == content.KindPublicWelfare && e == 0 {
			name, ind = town+"办事处", "公益服务"
		}
		if used[name] {
			continue
		}
		used[name] = true
		fmt.Fprintf(&b, "  - name: %s\n    industry: %s\n    description: %s\n    positions:\n", name, ind, employerText(r, ind, town))
		titles := jobs[ind]
		if ind == "公益服务" {
			titles = []string{"乡村保洁员", "护林防火员", "防返贫信息员", "公益性岗位管理员"}
		}
		seenTitle := map[string]bool{}
		for range 1 + r.IntN(3) {
			t := pick(r, titles)
			if seenTitle[t] {
				continue
			}
			seenTitle[t] = true
			lo := 1800 + 100*r.IntN(30)
			fmt.Fprintf(&b, "      - title: %s\n        headcount: %d\n        salary: {min: %d, max: %d, unit: 月}\n        education: %s\n        age: {min: 18, max: %d}\n        location: %s%s\n        requirements: %s\n        board: %s\n        insurance: 五险\n",
				t, 1+r.IntN(60), lo, lo+500+100*r.IntN(20), pick(r, educations), 45+r.IntN(16), county, town, requirement(r, t), pick(r, []string{"包吃住", "管午饭", "不提供", "提供住宿"}))
		}
	}
	b.WriteString("---\n")
	fmt.Fprintf(&b, "本次%s面向%s及周边群众，重点帮助脱贫劳动力、防返贫监测对象家庭成员和%s籍务工人员就近就业。%s\n\n", kind, county, county, sentence(r, start.Year(), ""))
	fmt.Fprintf(&b, "现场设政策咨询台，提供%s培训报名和就业登记服务。%s\n", pick(r, crops), sentence(r, start.Year(), ""))
	return b.String()
}

func employerText(r *rand.Rand, industry, town string) string {
	return fmt.Sprintf("主营%s业务，在%s建有%s基地，与周边%d户农户签订带农协议。", industry, town, pick(r, crops), 10+r.IntN(200))
}

func requirement(r *rand.Rand, job string) string {
	return fmt.Sprintf(pick(r, []string{
		"身体健康，能吃苦耐劳，%s岗位有经验者优先。",
		"服从安排，适应倒班；%s经验一年以上者优先录用。",
		"会使用智能手机，责任心强，从事过%s工作的优先。",
		"持相关证书上岗，%s岗位提供岗前培训。",
	}), job)
}
