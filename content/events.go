package content

import (
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"zhenxing"
)

// EventKind is the kind of a recruitment event (招聘活动类型).
type EventKind string

// The kinds of recruitment events, in the order the filters show them.
const (
	KindSpecialFair     EventKind = "专场招聘会"
	KindGeneralFair     EventKind = "综合招聘会"
	KindOnlineFair      EventKind = "线上招聘会"
	KindLiveHiring      EventKind = "直播带岗"
	KindPublicWelfare   EventKind = "公益性岗位招聘"
	KindSpringBreeze    EventKind = "春风行动"
	KindPrivateMonth    EventKind = "民营企业招聘月"
	KindAssistanceMonth EventKind = "就业援助月"
	KindAutumnMonth     EventKind = "金秋招聘月"
	KindGraduateFair    EventKind = "高校毕业生招聘会"
)

// EventKinds lists every event kind in display order.
var EventKinds = []EventKind{
	KindSpecialFair, KindGeneralFair, KindOnlineFair, KindLiveHiring, KindPublicWelfare,
	KindSpringBreeze, KindPrivateMonth, KindAssistanceMonth, KindAutumnMonth, KindGraduateFair,
}

// ParseEventKind returns the kind named s, and false when there is none.
func ParseEventKind(s string) (EventKind, bool) {
	for _, k := range EventKinds {
		if string(k) == s {
			return k, true
		}
	}
	return "", false
}

// Mode is how an event is held (举办方式).
type Mode string

// The modes an event may be held in.
const (
	OnSite Mode = "现场"
	Online Mode = "线上"
	Hybrid Mode = "线上+线下"
)

// Modes lists every mode in display order.
var Modes = []Mode{OnSite, Online, Hybrid}

// ParseMode returns the mode named s, and false when there is none.
func ParseMode(s string) (Mode, bool) {
	for _, m := range Modes {
		if string(m) == s {
			return m, true
		}
	}
	return "", false
}

// HasVenue reports whether people attend the event in person.
func (m Mode) HasVenue() bool { return m == OnSite || m == Hybrid }

// IsOnline reports whether the event is (also) held online.
func (m Mode) IsOnline() bool { return m == Online || m == Hybrid }

// Status is whether an event takes place as planned (活动状态).
type Status string

// The statuses of an event. An omitted status means Scheduled.
const (
	Scheduled   Status = "正常"
	Cancelled   Status = "已取消"
	Rescheduled Status = "已改期" // moved to a new, known time; PreviousStart says when it was
	Postponed   Status = "已延期" // put off; the new time is not known yet
)

// Statuses lists every status in display order.
var Statuses = []Status{Scheduled, Cancelled, Rescheduled, Postponed}

// ParseStatus returns the status named s, and false when there is none.
func ParseStatus(s string) (Status, bool) {
	for _, st := range Statuses {
		if string(st) == s {
			return st, true
		}
	}
	return "", false
}

// SalaryUnit is the period a salary is paid for.
type SalaryUnit string

// The salary units.
const (
	PerMonth SalaryUnit = "月"
	PerDay   SalaryUnit = "日"
	PerHour  SalaryUnit = "时"
)

// Monthly-equivalent conversion, after the national rule for converting wages (劳社部发〔2008〕3号):
// a month has 21.75 paid working days of 8 hours, so a daily wage counts 21.75 times and an
// hourly wage 174 times.
const (
	DaysPerMonth  = 21.75
	HoursPerMonth = 174
)

// Salary is a pay range per Unit.
type Salary struct {
	Min, Max zhenxing.Money
	Unit     SalaryUnit
}

// MonthlyMin is the lower bound as a monthly equivalent.
func (s Salary) MonthlyMin() zhenxing.Money { return monthly(s.Min, s.Unit) }

// MonthlyMax is the upper bound as a monthly equivalent.
func (s Salary) MonthlyMax() zhenxing.Money { return monthly(s.Max, s.Unit) }

func monthly(m zhenxing.Money, u SalaryUnit) zhenxing.Money {
	switch u {
	case PerDay:
		return m * 2175 / 100
	case PerHour:
		return m * HoursPerMonth
	}
	return m
}

// String shows the range as people read it, e.g. "4000–6000 元/月" or "180 元/日".
func (s Salary) String() string {
	if s.Min == s.Max {
		return s.Min.ShortYuan() + " 元/" + string(s.Unit)
	}
	return s.Min.ShortYuan() + "–" + s.Max.ShortYuan() + " 元/" + string(s.Unit)
}

// MonthlyText shows a daily or hourly wage as its monthly equivalent, e.g. "约 3263–4350 元/月";
// it is "" for a monthly wage.
func (s Salary) MonthlyText() string {
	if s.Unit == PerMonth {
		return ""
	}
	lo, hi := (s.MonthlyMin()+50)/100*100, (s.MonthlyMax()+50)/100*100
	if lo == hi {
		return "约 " + lo.ShortYuan() + " 元/月"
	}
	return "约 " + lo.ShortYuan() + "–" + hi.ShortYuan() + " 元/月"
}

// Education levels, from lowest; a position names the lowest it accepts, e.g. "高中及以上".
var educationLevels = []string{"不限", "初中", "高中", "大专", "本科", "硕士"}

// EducationLevels lists the levels a job seeker can filter by, lowest first (without "不限").
var EducationLevels = educationLevels[1:]

// educationLevel returns the rank of an education requirement or a seeker's level; 中专 and 技校
// rank with 高中. It returns -1 for an unknown value.
func educationLevel(s string) int {
	s = strings.TrimSuffix(strings.TrimSpace(s), "及以上")
	switch s {
	case "中专", "技校", "中专/技校", "高中/中专":
		s = "高中"
	case "专科":
		s = "大专"
	case "研究生":
		s = "硕士"
	}
	for i, l := range educationLevels {
		if l == s {
			return i
		}
	}
	return -1
}

// Venue is where an on-site event takes place.
type Venue struct {
	Name      string
	Address   string
	District  string // 区县, e.g. 灞桥区, 略阳县
	Township  string // 街道或乡镇, may be empty
	Map       string // an https link to a map, may be empty
	Transport string // how to get there, may be empty
}

// Contact is whom job seekers call about an event.
type Contact struct {
	Name  string
	Phone string
	Email string
}

// Registration is how and when people sign up.
type Registration struct {
	How    string    // e.g. 现场登记,携带身份证
	URL    string    // an online sign-up link, may be empty
	Opens  time.Time // a date in Asia/Shanghai, zero when not given
	Closes time.Time // the last day; zero when not given
}

// Results are the figures reported after an event.
type Results struct {
	Reported   time.Time // the date the figures were reported
	Employers  int       // employers present
	Seekers    int       // job seekers who came, 0 when not counted
	Intentions int       // people who reached an intention of employment (达成就业意向)
	Contracts  int       // contracts signed on the spot (现场签约)
}

// Stage is one step of a public-welfare recruitment procedure.
type Stage struct {
	Name  string    // one of Stages
	Start time.Time // a date
	End   time.Time // the last day; equal to Start for a one-day step
	Note  string
}

// StageNames are the steps of a public-welfare call, in their order.
var StageNames = []string{"报名", "资格审核", "笔试", "面试", "体检", "公示", "聘用"}

// Employer is a company or organisation recruiting at an event.
type Employer struct {
	Name        string
	Industry    string
	Description string
	Positions   []*Position
	Event       *Event
}

// Position is one job offered by an employer at an event.
type Position struct {
	Title        string
	Headcount    int
	Salary       *Salary // nil means 面议 (to be agreed)
	Education    string  // e.g. 不限, 初中及以上
	AgeMin       int     // 0 when not limited
	AgeMax       int     // 0 when not limited
	Location     string
	Requirements string
	Board        string // 食宿, e.g. 包吃包住, 提供工作餐
	Insurance    string // 社会保险, e.g. 五险一金
	Employer     *Employer
	Event        *Event
}

// Age shows the age limit, or "不限".
func (p *Position) Age() string {
	switch {
	case p.AgeMin > 0 && p.AgeMax > 0:
		return fmt.Sprintf("%d–%d 岁", p.AgeMin, p.AgeMax)
	case p.AgeMin > 0:
		return fmt.Sprintf("%d 岁以上", p.AgeMin)
	case p.AgeMax > 0:
		return fmt.Sprintf("%d 岁以下", p.AgeMax)
	}
	return "不限"
}

// SalaryText shows the salary, or "面议".
func (p *Position) SalaryText() string {
	if p.Salary == nil {
		return "面议"
	}
	return p.Salary.String()
}

// Event is one recruitment event with its employers and positions.
type Event struct {
	Slug          string
	File          string
	Title         string
	Kind          EventKind
	Mode          Mode
	Status        Status
	Start, End    time.Time // in Asia/Shanghai
	PreviousStart time.Time // the start before a 已改期 move; zero otherwise
	Published     time.Time // when the event was announced
	Updated       time.Time // when its details last changed; Published when not given
	Venue         *Venue    // nil for an online-only event
	Live          string    // the live-stream or online-fair link, may be empty
	Hosts         []string  // 主办单位
	Organisers    []string  // 承办单位
	Contact       Contact
	Registration  Registration
	Services      []string // services on site: 政策咨询, 职业指导 …
	Employers     []*Employer
	Results       *Results // nil until reported
	Eligibility   []string // public-welfare calls: who may apply
	Stages        []Stage  // public-welfare calls: the procedure
	Body
}

// URL is the event's page on the site.
func (e *Event) URL() string { return "/jobs/events/" + e.Slug }

// Positions lists the event's positions, employer by employer.
func (e *Event) Positions() []*Position {
	var out []*Position
	for _, em := range e.Employers {
		out = append(out, em.Positions...)
	}
	return out
}

// Headcount is the number of people the event's employers want to hire.
func (e *Event) Headcount() int {
	n := 0
	for _, p := range e.Positions() {
		n += p.Headcount
	}
	return n
}

// Industries lists the industries of the event's employers, without repeats.
func (e *Event) Industries() []string {
	var out []string
	for _, em := range e.Employers {
		if !containsString(out, em.Industry) {
			out = append(out, em.Industry)
		}
	}
	return out
}

// District is the venue's district, or "" for an online-only event.
func (e *Event) District() string {
	if e.Venue == nil {
		return ""
	}
	return e.Venue.District
}

// IsPublicWelfare reports whether the event is a call for public-welfare posts.
func (e *Event) IsPublicWelfare() bool { return e.Kind == KindPublicWelfare }

// Ended reports whether the event is over at now.
func (e *Event) Ended(now time.Time) bool { return !e.End.After(now) }

// Sequence is the iCalendar revision of the event: 0 as first announced, 1 once it was
// cancelled, moved or postponed.
func (e *Event) Sequence() int {
	if e.Status == Scheduled {
		return 0
	}
	return 1
}

// ValidThrough is the last moment to apply: for a public-welfare call the end of its registration
// window, for a fair the end of the fair.
func (e *Event) ValidThrough() time.Time {
	if e.IsPublicWelfare() && !e.Registration.Closes.IsZero() {
		return e.Registration.Closes.AddDate(0, 0, 1).Add(-time.Second)
	}
	return e.End
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var eventKeys = keySet("title", "kind", "mode", "status", "start", "end", "previous_start", "published",
	"updated", "venue", "live", "hosts", "organisers", "contact", "registration", "services", "employers",
	"results", "eligibility", "stages", "summary")

// parseEvent parses one event file. It returns nil and the problems when the event cannot be
// published.
func parseEvent(file string, data []byte) (*Event, []Problem) {
	fm, slug, p := openFile(file, data, eventKeys)
	if p != nil {
		return nil, []Problem{*p}
	}
	root := fm.header()
	summary := root.text("summary", false)
	e := &Event{
		Slug:        slug,
		File:        file,
		Title:       root.text("title", true),
		Hosts:       root.strings("hosts", true),
		Organisers:  root.strings("organisers", false),
		Services:    root.strings("services", false),
		Eligibility: root.strings("eligibility", false),
	}

	if s := root.text("kind", true); s != "" {
		if k, ok := ParseEventKind(s); ok {
			e.Kind = k
		} else {
			fm.problem(root.value("kind"), "活动类型 %q 无效，应为 %s 之一", s, joinNames(EventKinds))
		}
	}
	if s := root.text("mode", true); s != "" {
		if m, ok := ParseMode(s); ok {
			e.Mode = m
		} else {
			fm.problem(root.value("mode"), "举办方式 %q 无效，应为 现场、线上 或 线上+线下", s)
		}
	}
	e.Status = Scheduled
	if s := root.text("status", false); s != "" {
		if st, ok := ParseStatus(s); ok {
			e.Status = st
		} else {
			fm.problem(root.value("status"), "活动状态 %q 无效，应为 正常、已取消、已改期 或 已延期", s)
		}
	}

	e.Start, _ = root.zonedTime("start", true)
	e.End, _ = root.zonedTime("end", true)
	if !e.Start.IsZero() && !e.End.IsZero() && !e.End.After(e.Start) {
		fm.problem(root.value("end"), "结束时间 %s 须晚于开始时间 %s", e.End.Format("2006-01-02 15:04"), e.Start.Format("2006-01-02 15:04"))
	}
	prev, hasPrev := root.zonedTime("previous_start", false)
	switch {
	case hasPrev && e.Status != Rescheduled:
		fm.problem(root.value("previous_start"), "只有状态为“已改期”的活动才能填写 previous_start")
	case !hasPrev && e.Status == Rescheduled && root.value("previous_start") == nil:
		fm.problem(root.value("status"), "已改期的活动须用 previous_start 写明原定开始时间")
	case hasPrev && prev.Equal(e.Start):
		fm.problem(root.value("previous_start"), "原定开始时间与改期后的开始时间相同")
	case hasPrev:
		e.PreviousStart = prev
	}

	e.Published, _ = root.dateTime("published", true)
	e.Updated = e.Published
	if t, ok := root.dateTime("updated", false); ok {
		if !e.Published.IsZero() && t.Before(e.Published) {
			fm.problem(root.value("updated"), "更新日期早于发布日期")
		}
		e.Updated = t
	}

	e.Venue = parseVenue(root, e.Mode)
	e.Live = root.link("live", false, false)
	if e.Mode.IsOnline() && e.Live == "" && root.value("live") == nil {
		fm.problem(root.value("mode"), "线上或线上+线下活动须用 live 填写直播或线上招聘会的链接")
	}
	e.Contact = parseContact(root)
	e.Registration = parseRegistration(root, e.End)
	e.Employers = parseEmployers(root, e)
	e.Results = parseResults(root, e)
	e.Stages = parseStages(root)

	if e.Kind == KindPublicWelfare {
		if len(e.Eligibility) == 0 && root.value("eligibility") == nil {
			fm.problem(root.value("kind"), "公益性岗位招聘须用 eligibility 列出报名对象")
		}
		if len(e.Stages) == 0 && root.value("stages") == nil {
			fm.problem(root.value("kind"), "公益性岗位招聘须用 stages 列出招聘程序及日期")
		}
	} else if e.Kind != "" {
		if n := root.keyNode("eligibility"); n != nil {
			fm.problem(n, "只有公益性岗位招聘才能填写 eligibility")
		}
		if n := root.keyNode("stages"); n != nil {
			fm.problem(n, "只有公益性岗位招聘才能填写 stages")
		}
	}

	if len(fm.problems) > 0 {
		return nil, fm.problems
	}
	var problems []Problem
	if e.Body, problems = fm.renderBody(slug, summary); problems != nil {
		return nil, problems
	}
	return e, nil
}

func joinNames[T ~string](list []T) string {
	names := make([]string, len(list))
	for i, x := range list {
		names[i] = string(x)
	}
	return strings.Join(names, "、")
}

func parseVenue(root object, mode Mode) *Venue {
	o, ok := root.object("venue", mode.HasVenue())
	if !ok {
		return nil
	}
	o.checkKeys(keySet("name", "address", "district", "township", "map", "transport"))
	return &Venue{
		Name:      o.text("name", true),
		Address:   o.text("address", true),
		District:  o.text("district", true),
		Township:  o.text("township", false),
		Map:       o.link("map", false, true),
		Transport: o.text("transport", false),
	}
}

func parseContact(root object) Contact {
	o, ok := root.object("contact", true)
	if !ok {
		return Contact{}
	}
	o.checkKeys(keySet("name", "phone", "email"))
	c := Contact{Name: o.text("name", false), Phone: o.text("phone", true), Email: o.text("email", false)}
	if c.Phone != "" && !phonePattern.MatchString(c.Phone) {
		o.fm.problem(o.value("phone"), "联系电话 %q 无效，应为如 029-83510000 或 13800000000 的号码", c.Phone)
	}
	if c.Email != "" && !strings.Contains(c.Email, "@") {
		o.fm.problem(o.value("email"), "电子邮箱 %q 无效", c.Email)
	}
	return c
}

var phonePattern = regexp.MustCompile(`^(0\d{2,3}-?\d{7,8}(-\d{1,6})?|1\d{10}|400-?\d{3}-?\d{4}|12333)$`)

func parseRegistration(root object, end time.Time) Registration {
	o, ok := root.object("registration", true)
	if !ok {
		return Registration{}
	}
	o.checkKeys(keySet("how", "url", "opens", "closes"))
	r := Registration{How: o.text("how", true), URL: o.link("url", false, false)}
	r.Opens, _ = o.date("opens", false)
	r.Closes, _ = o.date("closes", false)
	if !r.Opens.IsZero() && !r.Closes.IsZero() && r.Closes.Before(r.Opens) {
		o.fm.problem(o.value("closes"), "报名截止日期 %s 早于报名开始日期 %s", r.Closes.Format("2006-01-02"), r.Opens.Format("2006-01-02"))
	}
	return r
}

func parseEmployers(root object, e *Event) []*Employer {
	list, _ := root.list("employers", e.Status != Cancelled)
	out := make([]*Employer, 0, len(list))
	seen := map[string]bool{}
	for _, o := range list {
		o.checkKeys(keySet("name", "industry", "description", "positions"))
		em := &Employer{
			Name:        o.text("name", true),
			Industry:    o.text("industry", true),
			Description: o.text("description", false),
			Event:       e,
		}
		if seen[em.Name] && em.Name != "" {
			o.fm.problem(o.value("name"), "用人单位 %q 重复", em.Name)
		}
		seen[em.Name] = true
		positions, _ := o.list("positions", true)
		for _, po := range positions {
			if p := parsePosition(po); p != nil {
				p.Employer, p.Event = em, e
				em.Positions = append(em.Positions, p)
			}
		}
		out = append(out, em)
	}
	return out
}

func parsePosition(o object) *Position {
	o.checkKeys(keySet("title", "headcount", "salary", "education", "age", "location", "requirements", "board", "insurance"))
	p := &Position{
		Title:        o.text("title", true),
		Education:    o.text("education", false),
		Location:     o.text("location", true),
		Requirements: o.text("requirements", false),
		Board:        o.text("board", false),
		Insurance:    o.text("insurance", false),
	}
	if n, ok := o.int("headcount", true); ok {
		if n <= 0 {
			o.fm.problem(o.value("headcount"), "招聘人数须为正整数，现为 %d", n)
		}
		p.Headcount = n
	}
	if p.Education == "" {
		p.Education = "不限"
	} else if educationLevel(p.Education) < 0 {
		o.fm.problem(o.value("education"), "学历要求 %q 无效，应为 不限，或 初中、高中、中专、大专、本科、硕士 加“及以上”", p.Education)
	}
	p.Salary = parseSalary(o)
	if a, ok := o.object("age", false); ok {
		a.checkKeys(keySet("min", "max"))
		p.AgeMin, _ = a.int("min", false)
		p.AgeMax, _ = a.int("max", false)
		switch {
		case p.AgeMin < 0 || p.AgeMax < 0 || p.AgeMin > 80 || p.AgeMax > 80:
			o.fm.problem(a.at(), "年龄要求须在 0 至 80 岁之间")
		case p.AgeMin > 0 && p.AgeMax > 0 && p.AgeMin > p.AgeMax:
			o.fm.problem(a.at(), "年龄要求颠倒：最小 %d 岁大于最大 %d 岁", p.AgeMin, p.AgeMax)
		case p.AgeMin > 0 && p.AgeMin < 16:
			o.fm.problem(a.at(), "年龄下限不得低于法定劳动年龄 16 岁")
		}
	}
	return p
}

func parseSalary(o object) *Salary {
	n := o.value("salary")
	if isNull(n) {
		return nil
	}
	if n.Kind == yaml.ScalarNode && strings.TrimSpace(n.Value) == "面议" {
		return nil
	}
	s, ok := o.object("salary", false)
	if !ok {
		return nil
	}
	s.checkKeys(keySet("min", "max", "unit"))
	sal := &Salary{Unit: PerMonth}
	switch u := s.text("unit", true); u {
	case "月", "日", "时":
		sal.Unit = SalaryUnit(u)
	case "":
	default:
		o.fm.problem(s.value("unit"), "薪资单位 %q 无效，应为 月、日 或 时", u)
	}
	minOK, maxOK := false, false
	sal.Min, minOK = s.money("min", true)
	sal.Max, maxOK = s.money("max", false)
	if s.value("max") == nil {
		sal.Max, maxOK = sal.Min, minOK
	}
	if minOK && maxOK && sal.Min > sal.Max {
		o.fm.problem(n, "薪资范围颠倒：下限 %s 元大于上限 %s 元", sal.Min.ShortYuan(), sal.Max.ShortYuan())
	}
	return sal
}

func parseResults(root object, e *Event) *Results {
	o, ok := root.object("results", false)
	if !ok {
		return nil
	}
	o.checkKeys(keySet("reported", "employers", "seekers", "intentions", "contracts"))
	r := &Results{}
	r.Reported, _ = o.date("reported", true)
	r.Employers, _ = o.int("employers", true)
	r.Seekers, _ = o.int("seekers", false)
	r.Intentions, _ = o.int("intentions", true)
	r.Contracts, _ = o.int("contracts", true)
	switch {
	case e.Status == Cancelled:
		o.fm.problem(o.at(), "已取消的活动不能填写 results")
	case r.Employers < 0 || r.Seekers < 0 || r.Intentions < 0 || r.Contracts < 0:
		o.fm.problem(o.at(), "活动成效的数字不能为负数")
	case r.Contracts > r.Intentions:
		o.fm.problem(o.value("contracts"), "签约人数 %d 多于达成意向人数 %d", r.Contracts, r.Intentions)
	case r.Seekers > 0 && r.Intentions > r.Seekers:
		o.fm.problem(o.value("intentions"), "达成意向人数 %d 多于进场求职人数 %d", r.Intentions, r.Seekers)
	case !r.Reported.IsZero() && !e.End.IsZero() && r.Reported.AddDate(0, 0, 1).Before(e.End):
		// Reported is a date: the figures may come the same day the event ends.
		o.fm.problem(o.value("reported"), "活动成效的统计日期 %s 早于活动结束时间，活动结束后才能填写 results", r.Reported.Format("2006-01-02"))
	}
	return r
}

func parseStages(root object) []Stage {
	list, _ := root.list("stages", false)
	out := make([]Stage, 0, len(list))
	last := -1
	var lastDate time.Time
	for _, o := range list {
		o.checkKeys(keySet("name", "start", "end", "note"))
		st := Stage{Name: o.text("name", true), Note: o.text("note", false)}
		rank := -1
		for i, n := range StageNames {
			if n == st.Name {
				rank = i
			}
		}
		switch {
		case st.Name == "":
		case rank < 0:
			o.fm.problem(o.value("name"), "招聘环节 %q 无效，应为 %s 之一", st.Name, strings.Join(StageNames, "、"))
		case rank <= last:
			o.fm.problem(o.value("name"), "招聘环节“%s”的顺序有误，应按 %s 的顺序填写", st.Name, strings.Join(StageNames, " → "))
		default:
			last = rank
		}
		var ok bool
		st.Start, ok = o.date("start", true)
		st.End = st.Start
		if end, has := o.date("end", false); has {
			if ok && end.Before(st.Start) {
				o.fm.problem(o.value("end"), "招聘环节“%s”的结束日期早于开始日期", st.Name)
			}
			st.End = end
		}
		if ok && !lastDate.IsZero() && st.Start.Before(lastDate) {
			o.fm.problem(o.value("start"), "招聘环节“%s”的开始日期 %s 早于上一环节", st.Name, st.Start.Format("2006-01-02"))
		}
		if ok {
			lastDate = st.Start
		}
		out = append(out, st)
	}
	return out
}

// loadEvents reads every event under events/ into the library, in parallel, once the documents
// are known (event bodies may link to them).
func (l *Library) loadEvents(fsys fs.FS, prev *Library) []Problem {
	files, problems := contentFiles(fsys, "events", "招聘活动文件须直接位于 events/ 目录下")
	lastGood := lastGoodOf(prev, func(l *Library) []*Event { return l.events }, func(e *Event) string { return e.File })
	// An event is never changed once parsed, so the new library can share the old one's.
	events, found, kept := parseFiles(fsys, files, parseEvent, lastGood, func(e *Event) *Event { return e })
	problems = append(problems, found...)
	l.kept = append(l.kept, kept...)
	l.eventBySlug = map[string]*Event{}
	districts, industries := map[string]bool{}, map[string]bool{}
	for _, e := range events {
		if e == nil {
			continue
		}
		if ps := l.checkLinks(e.File, e.links); len(ps) > 0 {
			problems = append(problems, ps...)
			continue
		}
		l.eventBySlug[e.Slug] = e
		l.events = append(l.events, e)
		if d := e.District(); d != "" && !districts[d] {
			districts[d] = true
			l.districts = append(l.districts, d)
		}
		for _, in := range e.Industries() {
			if !industries[in] {
				industries[in] = true
				l.industries = append(l.industries, in)
			}
		}
	}
	sort.Slice(l.events, func(i, j int) bool {
		a, b := l.events[i], l.events[j]
		if !a.Start.Equal(b.Start) {
			return a.Start.Before(b.Start)
		}
		return a.Slug < b.Slug
	})
	sort.Strings(l.districts)
	sort.Strings(l.industries)
	return problems
}
