package content

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/London in TestEventTimeZones, whatever the machine has

	"zhenxing"
)

// eventFile is a valid on-site fair with every field; tests replace lines to break it.
const eventFile = `---
title: 灞桥区—略阳县劳务协作专场招聘会
kind: 专场招聘会
mode: 线上+线下
start: 2026-12-05 09:00 +08:00
end: 2026-12-05 12:30 +08:00
published: 2026-11-20
updated: 2026-11-22
venue:
  name: 灞桥区人力资源市场
  address: 西安市灞桥区纺织城正街168号
  district: 灞桥区
  township: 纺织城街道
  map: https://uri.amap.com/search?keyword=market
  transport: 地铁1号线纺织城站
live: https://zhaopin.example.cn/live/1
hosts: [灞桥区乡村振兴局, 略阳县乡村振兴局]
organisers: [灞桥区就业服务中心]
contact:
  name: 就业帮扶组
  phone: 029-83510000
  email: jobs@example.cn
registration:
  how: 携带身份证到场
  url: https://zhaopin.example.cn/fairs/1
  opens: 2026-11-20
  closes: 2026-12-04
services: [政策咨询, 职业指导]
employers:
  - name: 陕西京通物流有限公司
    industry: 物流运输
    description: 仓储与城配
    positions:
      - title: 仓库分拣员
        headcount: 80
        salary: {min: 4500, max: 6500, unit: 月}
        education: 初中及以上
        age: {min: 18, max: 50}
        location: 灞桥区新筑街道
        requirements: 能适应夜班
        board: 包住
        insurance: 五险
      - title: 木工
        headcount: 20
        salary: {min: 300, max: 380.5, unit: 日}
        location: 灞桥区席王街道
  - name: 白鹿原樱桃合作社
    industry: 农业合作社
    positions:
      - title: 分拣包装工
        headcount: 12
        salary: {min: 20, max: 24, unit: 时}
        location: 狄寨街道
      - title: 学徒
        headcount: 2
        salary: 面议
        location: 狄寨街道
---
正文说明。
`

// welfareFile is a valid public-welfare call with eligibility, stages and results.
const welfareFile = `---
title: 2023年乡村公益性岗位招聘
kind: 公益性岗位招聘
mode: 现场
start: 2023-02-22 08:30 +08:00
end: 2023-03-03 17:30 +08:00
published: 2023-02-21
venue:
  name: 户籍所在村民委员会
  address: 灞桥区各村
  district: 灞桥区
hosts: 灞桥区乡村振兴局
contact:
  phone: 029-83510000
registration:
  how: 到村委会报名
  opens: 2023-02-22
  closes: 2023-03-03
eligibility:
  - 脱贫劳动力
  - 监测对象家庭成员
stages:
  - name: 报名
    start: 2023-02-22
    end: 2023-03-03
  - name: 资格审核
    start: 2023-03-06
    end: 2023-03-08
  - name: 公示
    start: 2023-03-09
    end: 2023-03-15
    note: 公示5个工作日
  - name: 聘用
    start: 2023-03-16
employers:
  - name: 各街道办事处
    industry: 公益服务
    positions:
      - title: 村庄保洁员
        headcount: 24
        salary: {min: 1000, unit: 月}
        location: 户籍所在村
results:
  reported: 2023-03-31
  employers: 6
  seekers: 143
  intentions: 60
  contracts: 60
---
`

func mustEvent(t *testing.T, file, body string) *Event {
	t.Helper()
	e, problems := parseEvent(file, []byte(body))
	for _, p := range problems {
		t.Errorf("unexpected problem: %s", p)
	}
	if e == nil {
		t.Fatal("parseEvent returned nil")
	}
	return e
}

func TestParseEvent(t *testing.T) {
	e := mustEvent(t, "events/fair-2026.md", eventFile)
	sh := func(s string) time.Time {
		t.Helper()
		v, err := time.ParseInLocation("2006-01-02 15:04", s, zhenxing.Beijing)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"slug", e.Slug, "fair-2026"},
		{"title", e.Title, "灞桥区—略阳县劳务协作专场招聘会"},
		{"kind", e.Kind, KindSpecialFair},
		{"mode", e.Mode, Hybrid},
		{"status", e.Status, Scheduled},
		{"start", e.Start.Equal(sh("2026-12-05 09:00")), true},
		{"start zone", e.Start.Location(), zhenxing.Beijing},
		{"end", e.End.Equal(sh("2026-12-05 12:30")), true},
		{"published", e.Published.Format("2006-01-02"), "2026-11-20"},
		{"updated", e.Updated.Format("2006-01-02"), "2026-11-22"},
		{"venue", *e.Venue, Venue{"灞桥区人力资源市场", "西安市灞桥区纺织城正街168号", "灞桥区", "纺织城街道", "https://uri.amap.com/search?keyword=market", "地铁1号线纺织城站"}},
		{"live", e.Live, "https://zhaopin.example.cn/live/1"},
		{"hosts", strings.Join(e.Hosts, "|"), "灞桥区乡村振兴局|略阳县乡村振兴局"},
		{"organisers", strings.Join(e.Organisers, "|"), "灞桥区就业服务中心"},
		{"contact", e.Contact, Contact{"就业帮扶组", "029-83510000", "jobs@example.cn"}},
		{"registration how", e.Registration.How, "携带身份证到场"},
		{"registration url", e.Registration.URL, "https://zhaopin.example.cn/fairs/1"},
		{"registration window", e.Registration.Opens.Format("01-02") + "/" + e.Registration.Closes.Format("01-02"), "11-20/12-04"},
		{"services", strings.Join(e.Services, "|"), "政策咨询|职业指导"},
		{"employers", len(e.Employers), 2},
		{"industries", strings.Join(e.Industries(), "|"), "物流运输|农业合作社"},
		{"positions", len(e.Positions()), 4},
		{"headcount", e.Headcount(), 114},
		{"district", e.District(), "灞桥区"},
		{"sequence", e.Sequence(), 0},
		{"results", e.Results == nil, true},
		{"html", strings.Contains(string(e.HTML), "正文说明。"), true},
		{"summary", e.Summary, "正文说明。"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}

	p := e.Employers[0].Positions[0]
	if p.Title != "仓库分拣员" || p.Headcount != 80 || p.Education != "初中及以上" || p.AgeMin != 18 || p.AgeMax != 50 ||
		p.Location != "灞桥区新筑街道" || p.Requirements != "能适应夜班" || p.Board != "包住" || p.Insurance != "五险" {
		t.Errorf("first position = %+v", p)
	}
	if p.Employer != e.Employers[0] || p.Event != e || e.Employers[0].Event != e {
		t.Error("position is not linked to its employer and event")
	}
	if *p.Salary != (Salary{450000, 650000, PerMonth}) || p.SalaryText() != "4500–6500 元/月" || p.Age() != "18–50 岁" {
		t.Errorf("salary %+v %q, age %q", p.Salary, p.SalaryText(), p.Age())
	}
	carpenter := e.Employers[0].Positions[1]
	if *carpenter.Salary != (Salary{30000, 38050, PerDay}) || carpenter.SalaryText() != "300–380.5 元/日" {
		t.Errorf("daily salary %+v %q", carpenter.Salary, carpenter.SalaryText())
	}
	if carpenter.Education != "不限" || carpenter.Age() != "不限" {
		t.Errorf("defaults: education %q, age %q", carpenter.Education, carpenter.Age())
	}
	if e.Employers[1].Positions[1].Salary != nil || e.Employers[1].Positions[1].SalaryText() != "面议" {
		t.Error("面议 should leave the salary empty")
	}
}

func TestParsePublicWelfareCall(t *testing.T) {
	e := mustEvent(t, "events/welfare-2023.md", welfareFile)
	if !e.IsPublicWelfare() || e.Venue == nil || e.Live != "" {
		t.Fatalf("kind %s, venue %v, live %q", e.Kind, e.Venue, e.Live)
	}
	if got := strings.Join(e.Eligibility, "|"); got != "脱贫劳动力|监测对象家庭成员" {
		t.Errorf("eligibility = %q", got)
	}
	var stages []string
	for _, s := range e.Stages {
		stages = append(stages, s.Name+" "+s.Start.Format("01-02")+"~"+s.End.Format("01-02"))
	}
	want := []string{"报名 02-22~03-03", "资格审核 03-06~03-08", "公示 03-09~03-15", "聘用 03-16~03-16"}
	if !slices.Equal(stages, want) {
		t.Errorf("stages = %q, want %q", stages, want)
	}
	if e.Stages[2].Note != "公示5个工作日" {
		t.Errorf("stage note = %q", e.Stages[2].Note)
	}
	if r := e.Results; r == nil || *r != (Results{Reported: r.Reported, Employers: 6, Seekers: 143, Intentions: 60, Contracts: 60}) || r.Reported.Format("2006-01-02") != "2023-03-31" {
		t.Errorf("results = %+v", e.Results)
	}
	if got := e.ValidThrough().Format("2006-01-02 15:04:05"); got != "2023-03-03 23:59:59" {
		t.Errorf("ValidThrough = %s, want the end of the registration window", got)
	}
	if s := e.Positions()[0].Salary; *s != (Salary{100000, 100000, PerMonth}) || s.String() != "1000 元/月" {
		t.Errorf("a salary without max is a single figure: %+v %q", s, s.String())
	}
}

// markerLine is the 1-based line of the first line of body containing marker.
func markerLine(t *testing.T, body, marker string) int {
	t.Helper()
	for i, l := range strings.Split(body, "\n") {
		if strings.Contains(l, marker) {
			return i + 1
		}
	}
	t.Fatalf("fixture lacks %q", marker)
	return 0
}

func TestEventProblems(t *testing.T) {
	cases := []struct {
		name   string
		base   string
		edit   func(string) string
		marker string // the line the problem must name; "" for the header's first line
		want   string
	}{
		{"end before start", eventFile, func(s string) string { return replace(s, "end: 2026-12-05 12:30", "end: 2026-12-05 08:00") },
			"end: 2026-12-05 08:00", "结束时间 2026-12-05 08:00 须晚于开始时间 2026-12-05 09:00"},
		{"end equals start", eventFile, func(s string) string { return replace(s, "end: 2026-12-05 12:30", "end: 2026-12-05 09:00") },
			"end: 2026-12-05 09:00", "须晚于开始时间"},
		{"negative headcount", eventFile, func(s string) string { return replace(s, "headcount: 80", "headcount: -3") },
			"headcount: -3", "招聘人数须为正整数，现为 -3"},
		{"zero headcount", eventFile, func(s string) string { return replace(s, "headcount: 12", "headcount: 0") },
			"headcount: 0", "招聘人数须为正整数"},
		{"headcount not a number", eventFile, func(s string) string { return replace(s, "headcount: 12", "headcount: 十二") },
			"headcount: 十二", `字段 "headcount" 须为整数`},
		{"salary upside down", eventFile, func(s string) string { return replace(s, "{min: 4500, max: 6500", "{min: 6500, max: 4500") },
			"min: 6500, max: 4500", "薪资范围颠倒：下限 6500 元大于上限 4500 元"},
		{"salary unit", eventFile, func(s string) string { return replace(s, "unit: 日}", "unit: 周}") },
			"unit: 周", `薪资单位 "周" 无效`},
		{"negative salary", eventFile, func(s string) string { return replace(s, "{min: 20,", "{min: -20,") },
			"min: -20", "不能为负数"},
		{"salary three decimals", eventFile, func(s string) string { return replace(s, "max: 380.5", "max: 380.555") },
			"max: 380.555", "最多两位小数"},
		{"unknown kind", eventFile, func(s string) string { return replace(s, "kind: 专场招聘会", "kind: 庙会") },
			"kind: 庙会", `活动类型 "庙会" 无效`},
		{"unknown mode", eventFile, func(s string) string { return replace(s, "mode: 线上+线下", "mode: 电话") },
			"mode: 电话", `举办方式 "电话" 无效`},
		{"unknown status", eventFile, func(s string) string { return replace(s, "mode: 线上+线下", "mode: 线上+线下\nstatus: 暂停") },
			"status: 暂停", `活动状态 "暂停" 无效`},
		{"time without zone", eventFile, func(s string) string { return replace(s, "start: 2026-12-05 09:00 +08:00", "start: 2026-12-05 09:00") },
			"start: 2026-12-05 09:00", `字段 "start" 的时间 "2026-12-05 09:00" 没有时区`},
		{"RFC 3339 time without zone", eventFile, func(s string) string { return replace(s, "end: 2026-12-05 12:30 +08:00", "end: 2026-12-05T12:30:00") },
			"end: 2026-12-05T12:30:00", "没有时区"},
		{"date without time", eventFile, func(s string) string { return replace(s, "end: 2026-12-05 12:30 +08:00", "end: 2026-12-06") },
			"end: 2026-12-06", "没有时区"},
		{"not a time", eventFile, func(s string) string { return replace(s, "end: 2026-12-05 12:30 +08:00", "end: 下周五") },
			"end: 下周五", `字段 "end" 的时间 "下周五" 无效`},
		{"unknown zone", eventFile, func(s string) string {
			return replace(s, "end: 2026-12-05 12:30 +08:00", "end: 2026-12-05 12:30 Asia/Xian")
		},
			"Asia/Xian", `时区 "Asia/Xian" 无效`},
		{"previous_start without 已改期", eventFile, func(s string) string {
			return replace(s, "published:", "previous_start: 2026-11-28 09:00 +08:00\npublished:")
		}, "previous_start:", "只有状态为“已改期”的活动才能填写 previous_start"},
		{"已改期 without previous_start", eventFile, func(s string) string {
			return replace(s, "mode: 线上+线下", "mode: 线上+线下\nstatus: 已改期")
		},
			"status: 已改期", "已改期的活动须用 previous_start 写明原定开始时间"},
		{"map over http", eventFile, func(s string) string { return replace(s, "map: https://", "map: http://") },
			"map: http://", "须为以 https:// 开头的完整网址"},
		{"live is javascript", eventFile, func(s string) string {
			return replace(s, "live: https://zhaopin.example.cn/live/1", "live: javascript:alert(1)")
		},
			"live: javascript", "须为以 http:// 或 https:// 开头的完整网址"},
		{"registration link without scheme", eventFile, func(s string) string {
			return replace(s, "url: https://zhaopin.example.cn/fairs/1", "url: zhaopin.example.cn/fairs/1")
		},
			"url: zhaopin", "链接 \"zhaopin.example.cn/fairs/1\" 无效"},
		{"registration window upside down", eventFile, func(s string) string { return replace(s, "closes: 2026-12-04", "closes: 2026-11-01") },
			"closes: 2026-11-01", "报名截止日期 2026-11-01 早于报名开始日期 2026-11-20"},
		{"registration date not a date", eventFile, func(s string) string { return replace(s, "opens: 2026-11-20", "opens: 2026-13-40") },
			"opens: 2026-13-40", `字段 "opens" 的日期 "2026-13-40" 无效`},
		{"unknown key", eventFile, func(s string) string { return replace(s, "services:", "sponsor: 某单位\nservices:") },
			"sponsor:", `未知字段 "sponsor"`},
		{"unknown nested key", eventFile, func(s string) string {
			return replace(s, "        board: 包住", "        board: 包住\n        bonus: 年终奖")
		},
			"bonus:", `未知字段 "bonus"`},
		{"age upside down", eventFile, func(s string) string { return replace(s, "age: {min: 18, max: 50}", "age: {min: 50, max: 18}") },
			"age: {min: 50", "年龄要求颠倒"},
		{"age below working age", eventFile, func(s string) string { return replace(s, "age: {min: 18, max: 50}", "age: {min: 14, max: 50}") },
			"age: {min: 14", "不得低于法定劳动年龄"},
		{"unknown education", eventFile, func(s string) string { return replace(s, "education: 初中及以上", "education: 博士后") },
			"education: 博士后", `学历要求 "博士后" 无效`},
		{"online without live", eventFile, func(s string) string { return replace(s, "live: https://zhaopin.example.cn/live/1\n", "") },
			"mode: 线上+线下", "线上或线上+线下活动须用 live 填写"},
		{"on site without venue", welfareFile, func(s string) string {
			return replace(s, "venue:\n  name: 户籍所在村民委员会\n  address: 灞桥区各村\n  district: 灞桥区\n", "")
		}, "", `缺少必填字段 "venue"`},
		{"venue without district", eventFile, func(s string) string { return replace(s, "  district: 灞桥区\n", "") },
			"  name: 灞桥区人力资源市场", `缺少必填字段 "district"`},
		{"stages on a fair", eventFile, func(s string) string {
			return replace(s, "services:", "stages:\n  - name: 报名\n    start: 2026-11-20\nservices:")
		},
			"stages:", "只有公益性岗位招聘才能填写 stages"},
		{"eligibility on a fair", eventFile, func(s string) string { return replace(s, "services:", "eligibility: [脱贫劳动力]\nservices:") },
			"eligibility:", "只有公益性岗位招聘才能填写 eligibility"},
		{"public welfare without stages", welfareFile, func(s string) string {
			i, j := strings.Index(s, "stages:"), strings.Index(s, "employers:")
			return s[:i] + s[j:]
		}, "kind: 公益性岗位招聘", "公益性岗位招聘须用 stages 列出招聘程序及日期"},
		{"public welfare without eligibility", welfareFile, func(s string) string {
			return replace(s, "eligibility:\n  - 脱贫劳动力\n  - 监测对象家庭成员\n", "")
		}, "kind: 公益性岗位招聘", "公益性岗位招聘须用 eligibility 列出报名对象"},
		{"stages out of order", welfareFile, func(s string) string { return replace(s, "name: 资格审核", "name: 聘用") },
			"name: 公示", "招聘环节“公示”的顺序有误"},
		{"unknown stage", welfareFile, func(s string) string { return replace(s, "name: 公示", "name: 抽签") },
			"name: 抽签", `招聘环节 "抽签" 无效`},
		{"stage ends before it starts", welfareFile, func(s string) string { return replace(s, "end: 2023-03-08", "end: 2023-03-01") },
			"end: 2023-03-01", "招聘环节“资格审核”的结束日期早于开始日期"},
		{"stage dates go back", welfareFile, func(s string) string { return replace(s, "start: 2023-03-16", "start: 2023-03-01") },
			"start: 2023-03-01", "招聘环节“聘用”的开始日期 2023-03-01 早于上一环节"},
		{"results before the event ended", welfareFile, func(s string) string { return replace(s, "reported: 2023-03-31", "reported: 2023-02-25") },
			"reported: 2023-02-25", "活动结束后才能填写 results"},
		{"results of a cancelled event", welfareFile, func(s string) string { return replace(s, "mode: 现场", "mode: 现场\nstatus: 已取消") },
			"results:", "已取消的活动不能填写 results"},
		{"more contracts than intentions", welfareFile, func(s string) string { return replace(s, "contracts: 60", "contracts: 61") },
			"contracts: 61", "签约人数 61 多于达成意向人数 60"},
		{"missing title", eventFile, func(s string) string {
			return replace(s, "title: 灞桥区—略阳县劳务协作专场招聘会\n", "")
		},
			"", `缺少必填字段 "title"`},
		{"bad phone", eventFile, func(s string) string { return replace(s, "phone: 029-83510000", "phone: 请来电") },
			"phone: 请来电", `联系电话 "请来电" 无效`},
		{"updated before published", eventFile, func(s string) string { return replace(s, "updated: 2026-11-22", "updated: 2026-11-01") },
			"updated: 2026-11-01", "更新日期早于发布日期"},
		{"duplicate employer", eventFile, func(s string) string {
			return replace(s, "name: 白鹿原樱桃合作社", "name: 陕西京通物流有限公司 ")
		},
			"陕西京通物流有限公司 ", `用人单位 "陕西京通物流有限公司" 重复`},
		{"no employers", eventFile, func(s string) string { return s[:strings.Index(s, "employers:")] + "---\n" }, "", `缺少必填字段 "employers"`},
		{"no front matter", eventFile, func(s string) string { return "正文" }, "", "文件须以 --- 开头的 YAML 头信息开始"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := c.edit(c.base)
			e, problems := parseEvent("events/case.md", []byte(body))
			if e != nil {
				t.Error("an event with problems must not be published")
			}
			line := 1
			if c.marker != "" {
				line = markerLine(t, body, c.marker)
			} else if strings.HasPrefix(body, "---") {
				line = 2
			}
			want := fmt.Sprintf("events/case.md:%d: ", line)
			for _, p := range problems {
				if strings.HasPrefix(p.String(), want) && strings.Contains(p.Message, c.want) {
					return
				}
			}
			t.Errorf("want a problem %q…%q, got %q", want, c.want, problems)
		})
	}
}

func TestEventStatuses(t *testing.T) {
	moved := replace(replace(eventFile, "mode: 线上+线下", "mode: 线上+线下\nstatus: 已改期"),
		"published:", "previous_start: 2026-11-28T09:00:00+08:00\npublished:")
	e := mustEvent(t, "events/moved.md", moved)
	if e.Status != Rescheduled || e.PreviousStart.Format("2006-01-02 15:04") != "2026-11-28 09:00" || e.Sequence() != 1 {
		t.Errorf("rescheduled: status %s, previous %s, sequence %d", e.Status, e.PreviousStart, e.Sequence())
	}
	e = mustEvent(t, "events/cancelled.md", replace(eventFile, "mode: 线上+线下", "mode: 线上+线下\nstatus: 已取消"))
	if e.Status != Cancelled || e.Sequence() != 1 {
		t.Errorf("cancelled: status %s, sequence %d", e.Status, e.Sequence())
	}
	e = mustEvent(t, "events/postponed.md", replace(eventFile, "mode: 线上+线下", "mode: 线上+线下\nstatus: 已延期"))
	if e.Status != Postponed || e.Sequence() != 1 {
		t.Errorf("postponed: status %s, sequence %d", e.Status, e.Sequence())
	}
	e = mustEvent(t, "events/as-planned.md", replace(eventFile, "mode: 线上+线下", "mode: 线上+线下\nstatus: 正常"))
	if e.Status != Scheduled || e.Sequence() != 0 {
		t.Errorf("正常： status %s, sequence %d", e.Status, e.Sequence())
	}
}

func TestEventTimeZones(t *testing.T) {
	want := time.Date(2026, 12, 5, 9, 0, 0, 0, zhenxing.Beijing)
	for _, s := range []string{
		"2026-12-05 09:00 +08:00",
		"2026-12-05 09:00:00 +08:00",
		"2026-12-05T09:00:00+08:00",
		"2026-12-05T09:00+08:00",
		"2026-12-05 09:00 Asia/Shanghai",
		"2026-12-05T01:00:00Z",
		"2026-12-05 01:00 Europe/London", // UTC+0 in December
	} {
		e := mustEvent(t, "events/zone.md", replace(eventFile, "start: 2026-12-05 09:00 +08:00", "start: "+s))
		if !e.Start.Equal(want) || e.Start.Location() != zhenxing.Beijing {
			t.Errorf("%s read as %s, want %s in Asia/Shanghai", s, e.Start, want)
		}
	}
}

func TestSalaryMonthlyEquivalent(t *testing.T) {
	cases := []struct {
		s        Salary
		min, max zhenxing.Money
		text     string
	}{
		{Salary{450000, 650000, PerMonth}, 450000, 650000, ""},
		{Salary{15000, 20000, PerDay}, 326250, 435000, "约 3263–4350 元/月"}, // 150×21.75, 200×21.75
		{Salary{2000, 2400, PerHour}, 348000, 417600, "约 3480–4176 元/月"},  // 20×174, 24×174
		{Salary{2050, 2050, PerHour}, 356700, 356700, "约 3567 元/月"},
	}
	for _, c := range cases {
		if c.s.MonthlyMin() != c.min || c.s.MonthlyMax() != c.max || c.s.MonthlyText() != c.text {
			t.Errorf("%v: monthly %d–%d %q, want %d–%d %q", c.s, c.s.MonthlyMin(), c.s.MonthlyMax(), c.s.MonthlyText(), c.min, c.max, c.text)
		}
	}
}

func TestBrokenEventLeavesOthersServing(t *testing.T) {
	broken := replace(eventFile, "headcount: 80", "headcount: -1")
	lib, problems := Load(mapFS(map[string]string{
		"docs/notices/monitoring.md": docFile,
		"events/good.md":             eventFile,
		"events/broken.md":           broken,
		"events/nested/deep.md":      eventFile,
	}))
	if len(lib.AllEvents()) != 1 || lib.AllEvents()[0].Slug != "good" || lib.Len() != 1 {
		t.Fatalf("library has %d events, %d documents", len(lib.AllEvents()), lib.Len())
	}
	if _, err := lib.Event("broken"); zhenxing.ErrorCode(err) != zhenxing.ENotFound {
		t.Errorf("broken event: err %v, want not found", err)
	}
	want := []string{
		fmt.Sprintf("events/broken.md:%d: 招聘人数须为正整数，现为 -1", markerLine(t, broken, "headcount: -1")),
		"events/nested/deep.md:1: 招聘活动文件须直接位于 events/ 目录下",
	}
	var got []string
	for _, p := range problems {
		got = append(got, p.String())
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems = %q, want %q", got, want)
	}
}

func TestEventBodyLinksAreChecked(t *testing.T) {
	body := eventFile + "见[通知](/open/notices/monitoring)和[旧通知](/open/notices/gone)。\n"
	lib, problems := Load(mapFS(map[string]string{"docs/notices/monitoring.md": docFile, "events/fair.md": body}))
	if len(problems) != 1 || !strings.Contains(problems[0].String(), `events/fair.md:`) || !strings.Contains(problems[0].Message, "/open/notices/gone") {
		t.Errorf("problems = %q", problems)
	}
	if len(lib.AllEvents()) != 0 {
		t.Error("an event with a broken link must not be published")
	}
}

// fixture builds a small library of events for the query tests.
type fixtureEvent struct {
	slug, kind, mode, status, start, end, district, industry string
	salary                                                   string // the salary mapping of its one position
	education                                                string
	headcount                                                int
}

func (f fixtureEvent) file() string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: 活动%s\nkind: %s\nmode: %s\n", f.slug, f.kind, f.mode)
	if f.status != "" {
		fmt.Fprintf(&b, "status: %s\n", f.status)
		if f.status == "已改期" {
			b.WriteString("previous_start: 2020-01-01 09:00 +08:00\n")
		}
	}
	fmt.Fprintf(&b, "start: %s +08:00\nend: %s +08:00\npublished: 2020-01-01\n", f.start, f.end)
	if f.mode != "线上" {
		fmt.Fprintf(&b, "venue: {name: 场馆, address: 地址, district: %s}\n", f.district)
	}
	if f.mode != "现场" {
		b.WriteString("live: https://live.example.cn/x\n")
	}
	b.WriteString("hosts: [乡村振兴局]\ncontact: {phone: 029-83510000}\nregistration: {how: 到场}\n")
	if f.kind == "公益性岗位招聘" {
		b.WriteString("eligibility: [脱贫劳动力]\nstages:\n  - {name: 报名, start: 2020-01-01}\n")
	}
	edu := f.education
	if edu == "" {
		edu = "不限"
	}
	fmt.Fprintf(&b, "employers:\n  - name: 单位%s\n    industry: %s\n    positions:\n      - {title: 岗位%s, headcount: %d, salary: %s, education: %s, location: 本地}\n---\n",
		f.slug, f.industry, f.slug, f.headcount, f.salary, edu)
	return b.String()
}

var fixtureEvents = []fixtureEvent{
	{"a-past", "专场招聘会", "现场", "", "2025-05-10 09:00", "2025-05-10 12:00", "灞桥区", "纺织服装", "{min: 4000, max: 5000, unit: 月}", "初中及以上", 30},
	{"b-past-online", "线上招聘会", "线上", "", "2026-03-10 09:00", "2026-03-20 18:00", "", "电子商务", "{min: 6000, max: 9000, unit: 月}", "大专及以上", 5},
	{"c-ongoing", "春风行动", "线上+线下", "", "2026-11-20 09:00", "2026-12-20 18:00", "略阳县", "物流运输", "{min: 200, max: 260, unit: 日}", "", 40},
	{"d-this-week", "专场招聘会", "现场", "已改期", "2026-11-29 09:00", "2026-11-29 12:00", "灞桥区", "物流运输", "{min: 4500, max: 6500, unit: 月}", "初中及以上", 80},
	{"e-next-week", "公益性岗位招聘", "现场", "", "2026-12-01 08:30", "2026-12-11 17:30", "灞桥区", "公益服务", "{min: 1200, unit: 月}", "", 100},
	{"f-cancelled", "专场招聘会", "现场", "已取消", "2026-12-19 09:30", "2026-12-19 12:00", "灞桥区", "养老服务", "{min: 20, max: 30, unit: 时}", "高中及以上", 20},
	{"g-2027", "春风行动", "现场", "已延期", "2027-02-22 09:00", "2027-02-22 13:00", "略阳县", "纺织服装", "面议", "", 50},
}

// fixtureNow is Saturday 28 November 2026; its week runs from Monday 23 to Sunday 29 November.
var fixtureNow = time.Date(2026, 11, 28, 10, 0, 0, 0, zhenxing.Beijing)

func fixtureLibrary(t *testing.T) *Library {
	t.Helper()
	files := map[string]string{}
	for _, f := range fixtureEvents {
		files["events/"+f.slug+".md"] = f.file()
	}
	lib, problems := Load(mapFS(files))
	for _, p := range problems {
		t.Fatalf("fixture problem: %s", p)
	}
	return lib
}

func slugs(events []*Event) string {
	var out []string
	for _, e := range events {
		out = append(out, e.Slug)
	}
	return strings.Join(out, ",")
}

func mustEventQuery(t *testing.T, query string) EventQuery {
	t.Helper()
	values := map[string]string{}
	for _, kv := range strings.Split(query, "&") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			values[k] = v
		}
	}
	q, err := ParseEventQuery(func(k string) string { return values[k] }, fixtureNow)
	if err != nil {
		t.Fatalf("ParseEventQuery(%q): %v", query, err)
	}
	return q
}

func TestEventsQuery(t *testing.T) {
	lib := fixtureLibrary(t)
	cases := []struct{ query, upcoming, past string }{
		{"", "c-ongoing,d-this-week,e-next-week,f-cancelled,g-2027", "b-past-online,a-past"},
		{"when=upcoming", "c-ongoing,d-this-week,e-next-week,f-cancelled,g-2027", ""},
		{"when=past", "", "b-past-online,a-past"},
		{"when=this-week", "c-ongoing,d-this-week", ""},
		{"when=this-month", "c-ongoing,d-this-week", ""},
		{"kind=专场招聘会", "d-this-week,f-cancelled", "a-past"},
		{"kind=专场招聘会&when=past", "", "a-past"},
		{"mode=线上", "", "b-past-online"},
		{"mode=线上+线下", "c-ongoing", ""},
		{"mode=线上 线下", "c-ongoing", ""}, // a + decoded from a query string as a space
		{"district=略阳县", "c-ongoing,g-2027", ""},
		{"district=灞桥区&when=upcoming", "d-this-week,e-next-week,f-cancelled", ""},
		{"industry=物流运输", "c-ongoing,d-this-week", ""},
		{"industry=纺织服装&district=略阳县", "g-2027", ""},
		{"status=已取消", "f-cancelled", ""},
		{"status=已改期", "d-this-week", ""},
		{"status=已延期", "g-2027", ""},
		{"status=正常&when=upcoming", "c-ongoing,e-next-week", ""},
		{"salary=0-3000", "e-next-week", ""},
		{"salary=3000-5000", "c-ongoing,d-this-week,f-cancelled", "a-past"},               // 200–260 元/日 is 4350–5655 a month; 20–30 元/时 is 3480–5220
		{"salary=5000-8000", "c-ongoing,d-this-week,f-cancelled", "b-past-online,a-past"}, // bounds count: 4000–5000 reaches 5000
		{"salary=8000-", "", "b-past-online"},
		{"salary=5000-8000&industry=物流运输&when=this-week", "c-ongoing,d-this-week", ""},
		{"salary_min=6000", "d-this-week", "b-past-online"},
		{"salary_max=1500", "e-next-week", ""},
		{"salary_max=1500.00", "e-next-week", ""},
		{"salary_min=6499.99", "d-this-week", "b-past-online"},
		{"salary_min=4000&salary_max=4200", "f-cancelled", "a-past"}, // 200–260 元/日 starts at 4350 a month
		{"from=2026-12-01&to=2026-12-31", "c-ongoing,e-next-week,f-cancelled", ""},
		{"from=2027-01-01", "g-2027", ""},
		{"to=2025-12-31", "", "a-past"},
		{"kind=线上招聘会&when=upcoming", "", ""},
	}
	for _, c := range cases {
		list, err := lib.Events(mustEventQuery(t, c.query))
		if err != nil {
			t.Errorf("%s: %v", c.query, err)
			continue
		}
		if got := slugs(list.Upcoming); got != c.upcoming {
			t.Errorf("%s: upcoming %q, want %q", c.query, got, c.upcoming)
		}
		if got := slugs(list.Past); got != c.past {
			t.Errorf("%s: past %q, want %q", c.query, got, c.past)
		}
		if list.Total != len(list.Upcoming)+len(list.Past) {
			t.Errorf("%s: total %d", c.query, list.Total)
		}
	}
}

func TestEventFacetsCountWithOtherFilters(t *testing.T) {
	lib := fixtureLibrary(t)
	list, err := lib.Events(mustEventQuery(t, "district=灞桥区"))
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, f := range list.Facets.Kind {
		counts[f.Value] = f.Count
	}
	for _, f := range list.Facets.When {
		counts[f.Value] = f.Count
	}
	want := map[string]int{"专场招聘会": 3, "公益性岗位招聘": 1, "this-week": 1, "upcoming": 3, "past": 1}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("facet %s = %d, want %d (counts %v)", k, counts[k], n, counts)
		}
	}
	if _, ok := counts["线上招聘会"]; ok {
		t.Error("a kind with no event under the other filters should not be offered")
	}
}

func TestPositionsQuery(t *testing.T) {
	lib := fixtureLibrary(t)
	titles := func(ps []*Position) string {
		var out []string
		for _, p := range ps {
			out = append(out, strings.TrimPrefix(p.Title, "岗位"))
		}
		return strings.Join(out, ",")
	}
	cases := []struct{ query, want string }{
		{"", "c-ongoing,d-this-week,e-next-week,f-cancelled,g-2027,b-past-online,a-past"},
		{"upcoming=1", "c-ongoing,d-this-week,e-next-week,g-2027"}, // cancelled events offer no position
		{"sort=salary", "e-next-week,f-cancelled,a-past,c-ongoing,d-this-week,b-past-online,g-2027"},
		{"sort=-salary", "b-past-online,d-this-week,c-ongoing,f-cancelled,a-past,e-next-week,g-2027"},
		{"sort=-salary&upcoming=1", "d-this-week,c-ongoing,e-next-week,g-2027"},
		{"industry=物流运输", "c-ongoing,d-this-week"},
		{"education=初中", "c-ongoing,d-this-week,e-next-week,g-2027,a-past"},
		{"education=高中", "c-ongoing,d-this-week,e-next-week,f-cancelled,g-2027,a-past"},
		{"education=本科", "c-ongoing,d-this-week,e-next-week,f-cancelled,g-2027,b-past-online,a-past"},
		{"salary=8000-", "b-past-online"},
		{"salary=3000-5000&district=灞桥区", "d-this-week,f-cancelled,a-past"},
		{"district=略阳县&upcoming=1", "c-ongoing,g-2027"},
		{"kind=春风行动", "c-ongoing,g-2027"},
	}
	for _, c := range cases {
		values := map[string]string{}
		for _, kv := range strings.Split(c.query, "&") {
			if k, v, ok := strings.Cut(kv, "="); ok {
				values[k] = v
			}
		}
		q, err := ParsePositionQuery(func(k string) string { return values[k] }, fixtureNow)
		if err != nil {
			t.Errorf("%s: %v", c.query, err)
			continue
		}
		list, err := lib.Positions(q)
		if err != nil {
			t.Errorf("%s: %v", c.query, err)
			continue
		}
		if got := titles(list); got != c.want {
			t.Errorf("%s: %q, want %q", c.query, got, c.want)
		}
	}
}

func TestBadQueries(t *testing.T) {
	lib := fixtureLibrary(t)
	cases := []struct {
		query, want string
		positions   bool
	}{
		{"when=tomorrow", "时间筛选“tomorrow”无效", false},
		{"kind=庙会", "活动类型“庙会”不存在", false},
		{"mode=电话", "举办方式“电话”无效", false},
		{"status=暂停", "活动状态“暂停”无效", false},
		{"salary=1-2", "薪资档位“1-2”无效", false},
		{"salary_min=8000&salary_max=3000", "薪资范围颠倒", false},
		{"salary_min=abc", "最低月薪“abc”无效", false},
		{"salary_max=-5", "最高月薪“-5”无效", true},
		{"from=2026-02-30", "开始日期“2026-02-30”不是有效的日期", false},
		{"to=明天", "截止日期“明天”不是有效的日期", false},
		{"from=2026-12-31&to=2026-12-01", "日期范围颠倒", false},
		{"district=火星", "没有在“火星”举办的招聘活动", false},
		{"industry=航天", "没有“航天”行业的用人单位", true},
		{"sort=price", "排序方式“price”无效", true},
		{"education=幼儿园", "学历“幼儿园”无效", true},
		{"education=不限", "学历“不限”无效", true},
		{"upcoming=yes", "参数 upcoming 的值“yes”无效", true},
		{"salary_min=9000&salary_max=100", "薪资范围颠倒", true},
	}
	for _, c := range cases {
		values := map[string]string{}
		for _, kv := range strings.Split(c.query, "&") {
			if k, v, ok := strings.Cut(kv, "="); ok {
				values[k] = v
			}
		}
		get := func(k string) string { return values[k] }
		var err error
		if c.positions {
			var q PositionQuery
			if q, err = ParsePositionQuery(get, fixtureNow); err == nil {
				_, err = lib.Positions(q)
			}
		} else {
			var q EventQuery
			if q, err = ParseEventQuery(get, fixtureNow); err == nil {
				_, err = lib.Events(q)
			}
		}
		if zhenxing.ErrorCode(err) != zhenxing.EInvalid || !strings.Contains(zhenxing.ErrorMessage(err), c.want) {
			t.Errorf("%s: err %v, want invalid %q", c.query, err, c.want)
		}
	}
}

func TestEventLookups(t *testing.T) {
	lib := fixtureLibrary(t)
	if e, err := lib.Event("d-this-week"); err != nil || e.Title != "活动d-this-week" {
		t.Errorf("Event: %v %v", e, err)
	}
	if _, err := lib.Event("nope"); zhenxing.ErrorCode(err) != zhenxing.ENotFound {
		t.Errorf("unknown slug: %v", err)
	}
	if got := slugs(lib.NextEvents(fixtureNow, 3)); got != "c-ongoing,d-this-week,e-next-week" {
		t.Errorf("NextEvents = %q", got)
	}
	// 2026: c 40 + d 80 + e 100 (f is cancelled); b (5) started in March 2026 too.
	if n, events := lib.PositionsOffered(2026); n != 225 || events != 4 {
		t.Errorf("PositionsOffered(2026) = %d in %d events, want 225 in 4", n, events)
	}
	if n, _ := lib.PositionsOffered(2027); n != 50 {
		t.Errorf("PositionsOffered(2027) = %d, want 50", n)
	}
	if got := strings.Join(lib.Districts(), ","); got != "灞桥区,略阳县" {
		t.Errorf("Districts = %q", got)
	}
}

func TestEmbeddedEvents(t *testing.T) {
	lib, problems := Load(Embedded())
	for _, p := range problems {
		t.Error(p)
	}
	events := lib.AllEvents()
	if len(events) < 12 {
		t.Fatalf("embedded content has %d events, want at least 12", len(events))
	}
	var past, upcoming, welfare, online, cancelled, moved, paired int
	for _, e := range events {
		if e.Ended(fixtureNow) {
			past++
		} else {
			upcoming++
		}
		if e.IsPublicWelfare() && len(e.Stages) > 0 && len(e.Eligibility) > 0 {
			welfare++
		}
		if e.Mode == Online && e.Live != "" {
			online++
		}
		switch e.Status {
		case Cancelled:
			cancelled++
		case Rescheduled:
			moved++
		}
		if strings.Contains(e.Title, "略阳") && e.Kind == KindSpecialFair {
			paired++
		}
		if e.Start.Year() < 2022 || e.Start.After(time.Date(2027, 7, 1, 0, 0, 0, 0, zhenxing.Beijing)) {
			t.Errorf("%s starts %s, outside 2022 to mid-2027", e.Slug, e.Start)
		}
	}
	if past < 3 || upcoming < 3 || welfare < 1 || online < 1 || cancelled < 1 || moved < 1 || paired < 2 {
		t.Errorf("sample events: past %d, upcoming %d, welfare %d, online %d, cancelled %d, rescheduled %d, paired-county fairs %d",
			past, upcoming, welfare, online, cancelled, moved, paired)
	}
}

func TestStoreReloadsEvents(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "events/fair.md"), eventFile)
	s := NewStore(os.DirFS(dir), slog.New(slog.NewTextHandler(io.Discard, nil)))
	before := s.Library()
	if _, err := before.Event("fair"); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "events/welfare.md"), welfareFile)
	writeFile(t, filepath.Join(dir, "events/broken.md"), replace(eventFile, "headcount: 80", "headcount: -80"))
	problems := s.Reload()
	if len(problems) != 1 || !strings.HasPrefix(problems[0].String(), "events/broken.md:") {
		t.Errorf("problems = %q", problems)
	}
	after := s.Library()
	if _, err := after.Event("welfare"); err != nil {
		t.Error("reload did not add the new event")
	}
	if _, err := after.Event("fair"); err != nil {
		t.Error("reload lost a good event")
	}
	if len(before.AllEvents()) != 1 {
		t.Error("the old library changed under its reader")
	}
}

func BenchmarkEventsQuery(b *testing.B) {
	lib, _ := Load(Embedded())
	q, _ := ParseEventQuery(func(k string) string {
		return map[string]string{"when": "upcoming", "district": "灞桥区", "salary": "3000-5000"}[k]
	}, fixtureNow)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := lib.Events(q); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPositionsSorted(b *testing.B) {
	lib, _ := Load(Embedded())
	q := PositionQuery{Sort: "-salary", Now: fixtureNow}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := lib.Positions(q); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadWithEvents(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if lib, _ := Load(Embedded()); len(lib.AllEvents()) == 0 {
			b.Fatal("no events")
		}
	}
}

func TestEventAliases(t *testing.T) {
	body := replace(replace(eventFile, "salary: {min: 4500, max: 6500, unit: 月}", "salary: &pay {min: 4500, max: 6500, unit: 月}"),
		"salary: {min: 20, max: 24, unit: 时}", "salary: *pay")
	body = replace(body, "hosts: [灞桥区乡村振兴局, 略阳县乡村振兴局]", "hosts: [&host 灞桥区乡村振兴局, 略阳县乡村振兴局]")
	body = replace(body, "organisers: [灞桥区就业服务中心]", "organisers: [*host]")
	e := mustEvent(t, "events/alias.md", body)
	if s := e.Employers[1].Positions[0].Salary; s == nil || *s != (Salary{450000, 650000, PerMonth}) {
		t.Errorf("aliased salary = %+v", s)
	}
	if got := strings.Join(e.Organisers, "|"); got != "灞桥区乡村振兴局" {
		t.Errorf("aliased organiser = %q", got)
	}
}
