package content

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhenxing"
)

// SalaryBand is a range of monthly-equivalent pay used by the filters. Daily and hourly wages are
// converted with DaysPerMonth and HoursPerMonth. A position is in a band when its converted
// range overlaps the band: 4500–5500 元/月 is in both 3000-5000 and 5000-8000.
type SalaryBand struct {
	Code string         // the URL value, e.g. 3000-5000
	Name string         // what readers see
	Min  zhenxing.Money // inclusive
	Max  zhenxing.Money // exclusive; 0 means no upper bound
}

// SalaryBands are the bands the filters offer, lowest first.
var SalaryBands = []SalaryBand{
	{"0-3000", "3000元以下", 0, 300000},
	{"3000-5000", "3000–5000元", 300000, 500000},
	{"5000-8000", "5000–8000元", 500000, 800000},
	{"8000-", "8000元以上", 800000, 0},
}

// ParseSalaryBand returns the band with the code, and false when there is none.
func ParseSalaryBand(code string) (SalaryBand, bool) {
	for _, b := range SalaryBands {
		if b.Code == code {
			return b, true
		}
	}
	return SalaryBand{}, false
}

// When selects events by time relative to now.
type When string

// The time filters. Weeks start on Monday; all of them are read in Asia/Shanghai.
const (
	Anytime   When = ""
	ThisWeek  When = "this-week"
	ThisMonth When = "this-month"
	Upcoming  When = "upcoming" // not yet ended: under way or to come
	Past      When = "past"     // ended
)

// Whens lists the time filters with their Chinese names, in display order.
var Whens = []struct {
	Value When
	Name  string
}{{ThisWeek, "本周"}, {ThisMonth, "本月"}, {Upcoming, "即将举行"}, {Past, "往期活动"}}

// WhenName is the Chinese name of a time filter.
func WhenName(w When) string {
	for _, x := range Whens {
		if x.Value == w {
			return x.Name
		}
	}
	return "全部"
}

// EventQuery selects events. Zero values mean "any"; Now is the clock "upcoming" is measured by.
type EventQuery struct {
	When      When
	Kind      EventKind
	Mode      Mode
	Status    Status
	District  string
	Industry  string         // at least one employer of the industry
	Band      string         // a SalaryBand code: at least one position in the band
	SalaryMin zhenxing.Money // per month: at least one position paying up to this or more
	SalaryMax zhenxing.Money // per month: at least one position starting at this or less
	From, To  time.Time      // dates: events overlapping [From, To]
	Now       time.Time
}

// PositionQuery selects positions across events.
type PositionQuery struct {
	Industry  string
	Education string // the seeker's level: positions requiring at most this level
	Band      string
	District  string // the district of the event's venue
	Kind      EventKind
	Upcoming  bool           // only positions of events not yet ended
	SalaryMin zhenxing.Money // per month
	SalaryMax zhenxing.Money // per month
	Sort      string         // "" (by event), "salary" (lowest pay first) or "-salary" (highest first)
	Now       time.Time
	// Q is the text query as the reader typed it, kept for the page's links; Positions does not
	// read it: the caller resolves it to Matches with the search engine.
	Q string
	// Matches, when not nil, are the IDs ("{event-slug}/{n}", n from 1 in Event.Positions order)
	// of the only positions to list, best match first: with no Sort the list keeps their order.
	// An empty, non-nil Matches lists nothing.
	Matches []string
}

// maxQueryRunes is the longest text query of a position list.
const maxQueryRunes = 100

// ParseEventQuery reads event filters from named parameters (a URL query: get returns "" for a
// missing one). A value that is not one the site offers is an Invalid error with a Chinese
// message; so is an inverted salary range or date range, and a date that is not a date.
func ParseEventQuery(get func(string) string, now time.Time) (EventQuery, error) {
	q := EventQuery{Now: now, District: strings.TrimSpace(get("district")), Industry: strings.TrimSpace(get("industry"))}
	switch w := When(get("when")); w {
	case Anytime, ThisWeek, ThisMonth, Upcoming, Past:
		q.When = w
	default:
		return q, zhenxing.Errorf(zhenxing.EInvalid, "时间筛选“%s”无效，应为 this-week（本周）、this-month（本月）、upcoming（即将举行）或 past（往期）。", w)
	}
	if s := get("kind"); s != "" {
		k, ok := ParseEventKind(s)
		if !ok {
			return q, zhenxing.Errorf(zhenxing.EInvalid, "活动类型“%s”不存在，应为 %s 之一。", s, joinNames(EventKinds))
		}
		q.Kind = k
	}
	if s := get("mode"); s != "" {
		m, ok := ParseMode(strings.ReplaceAll(s, " ", "+")) // a literal + in a query arrives as a space
		if !ok {
			return q, zhenxing.Errorf(zhenxing.EInvalid, "举办方式“%s”无效，应为 现场、线上 或 线上+线下。", s)
		}
		q.Mode = m
	}
	if s := get("status"); s != "" {
		st, ok := ParseStatus(s)
		if !ok {
			return q, zhenxing.Errorf(zhenxing.EInvalid, "活动状态“%s”无效，应为 正常、已取消、已改期 或 已延期。", s)
		}
		q.Status = st
	}
	var err error
	if q.Band, q.SalaryMin, q.SalaryMax, err = parseSalaryFilters(get); err != nil {
		return q, err
	}
	if q.From, err = parseDateParam(get("from"), "开始日期"); err != nil {
		return q, err
	}
	if q.To, err = parseDateParam(get("to"), "截止日期"); err != nil {
		return q, err
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return q, zhenxing.Errorf(zhenxing.EInvalid, "日期范围颠倒：截止日期 %s 早于开始日期 %s。", q.To.Format("2006-01-02"), q.From.Format("2006-01-02"))
	}
	return q, nil
}

// ParsePositionQuery reads position filters like ParseEventQuery, plus education, upcoming=1,
// sort=salary|-salary and q (the text query, at most 100 characters; more is an Invalid error).
func ParsePositionQuery(get func(string) string, now time.Time) (PositionQuery, error) {
	q := PositionQuery{Now: now, District: strings.TrimSpace(get("district")), Industry: strings.TrimSpace(get("industry")),
		Q: strings.TrimSpace(get("q"))}
	if utf8.RuneCountInString(q.Q) > maxQueryRunes {
		return q, zhenxing.Errorf(zhenxing.EInvalid, "关键词不能超过 %d 个字。", maxQueryRunes)
	}
	if s := get("education"); s != "" {
		if educationLevel(s) <= 0 {
			return q, zhenxing.Errorf(zhenxing.EInvalid, "学历“%s”无效，应为 %s 之一。", s, strings.Join(EducationLevels, "、"))
		}
		q.Education = s
	}
	if s := get("kind"); s != "" {
		k, ok := ParseEventKind(s)
		if !ok {
			return q, zhenxing.Errorf(zhenxing.EInvalid, "活动类型“%s”不存在，应为 %s 之一。", s, joinNames(EventKinds))
		}
		q.Kind = k
	}
	switch s := get("upcoming"); s {
	case "", "0", "false":
	case "1", "true", "on":
		q.Upcoming = true
	default:
		return q, zhenxing.Errorf(zhenxing.EInvalid, "参数 upcoming 的值“%s”无效，应为 1 或 0。", s)
	}
	switch s := get("sort"); s {
	case "", "salary", "-salary":
		q.Sort = s
	default:
		return q, zhenxing.Errorf(zhenxing.EInvalid, "排序方式“%s”无效，应为 salary（薪资从低到高）或 -salary（薪资从高到低）。", s)
	}
	var err error
	q.Band, q.SalaryMin, q.SalaryMax, err = parseSalaryFilters(get)
	return q, err
}

func parseSalaryFilters(get func(string) string) (band string, lo, hi zhenxing.Money, err error) {
	if s := get("salary"); s != "" {
		if _, ok := ParseSalaryBand(s); !ok {
			codes := make([]string, len(SalaryBands))
			for i, b := range SalaryBands {
				codes[i] = b.Code
			}
			return "", 0, 0, zhenxing.Errorf(zhenxing.EInvalid, "薪资档位“%s”无效，应为 %s 之一。", s, strings.Join(codes, "、"))
		}
		band = s
	}
	for _, p := range []struct {
		key, name string
		out       *zhenxing.Money
	}{{"salary_min", "最低月薪", &lo}, {"salary_max", "最高月薪", &hi}} {
		s := get(p.key)
		if s == "" {
			continue
		}
		if *p.out, err = zhenxing.ParseYuan(s); err != nil {
			return "", 0, 0, zhenxing.Errorf(zhenxing.EInvalid, "%s“%s”无效，应为以元计的金额，如 4000 或 4500.50。", p.name, s)
		}
	}
	if lo > 0 && hi > 0 && lo > hi {
		err = zhenxing.Errorf(zhenxing.EInvalid, "薪资范围颠倒：最低月薪 %s 元高于最高月薪 %s 元。", lo.ShortYuan(), hi.ShortYuan())
	}
	return
}

func parseDateParam(s, name string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, ok := parseDate(s)
	if !ok {
		return time.Time{}, zhenxing.Errorf(zhenxing.EInvalid, "%s“%s”不是有效的日期，应为 YYYY-MM-DD，如 2026-12-05。", name, s)
	}
	return t, nil
}

// validate checks the values that depend on the content: a district or industry no event has
// is an Invalid error.
func (l *Library) validate(district, industry string) error {
	if district != "" && !slices.Contains(l.Districts(), district) {
		return zhenxing.Errorf(zhenxing.EInvalid, "没有在“%s”举办的招聘活动。", district)
	}
	if industry != "" && !slices.Contains(l.Industries(), industry) {
		return zhenxing.Errorf(zhenxing.EInvalid, "没有“%s”行业的用人单位。", industry)
	}
	return nil
}

// weekOf returns the Monday 00:00 starting the week of t and the Monday after, in Beijing time.
func weekOf(t time.Time) (time.Time, time.Time) {
	t = t.In(zhenxing.Beijing)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, zhenxing.Beijing)
	offset := (int(day.Weekday()) + 6) % 7 // Monday is 0
	start := day.AddDate(0, 0, -offset)
	return start, start.AddDate(0, 0, 7)
}

func monthOf(t time.Time) (time.Time, time.Time) {
	t = t.In(zhenxing.Beijing)
	start := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, zhenxing.Beijing)
	return start, start.AddDate(0, 1, 0)
}

// overlaps reports whether the event runs at some moment in [from, to).
func (e *Event) overlaps(from, to time.Time) bool {
	return e.Start.Before(to) && e.End.After(from)
}

func (q EventQuery) matchTime(e *Event) bool {
	switch q.When {
	case ThisWeek:
		if from, to := weekOf(q.Now); !e.overlaps(from, to) {
			return false
		}
	case ThisMonth:
		if from, to := monthOf(q.Now); !e.overlaps(from, to) {
			return false
		}
	case Upcoming:
		if e.Ended(q.Now) {
			return false
		}
	case Past:
		if !e.Ended(q.Now) {
			return false
		}
	}
	if !q.From.IsZero() && !e.End.After(q.From) {
		return false
	}
	if !q.To.IsZero() && !e.Start.Before(q.To.AddDate(0, 0, 1)) {
		return false
	}
	return true
}

// salaryMatch reports whether a position's pay fits a band and a monthly range.
func salaryMatch(p *Position, band string, lo, hi zhenxing.Money) bool {
	if band == "" && lo == 0 && hi == 0 {
		return true
	}
	if p.Salary == nil {
		return false
	}
	pmin, pmax := p.Salary.MonthlyMin(), p.Salary.MonthlyMax()
	if b, ok := ParseSalaryBand(band); ok {
		if pmax < b.Min || (b.Max > 0 && pmin >= b.Max) {
			return false
		}
	}
	return (lo == 0 || pmax >= lo) && (hi == 0 || pmin <= hi)
}

// Match reports whether the event passes every filter of q.
func (q EventQuery) Match(e *Event) bool {
	if (q.Kind != "" && e.Kind != q.Kind) || (q.Mode != "" && e.Mode != q.Mode) ||
		(q.Status != "" && e.Status != q.Status) || (q.District != "" && e.District() != q.District) {
		return false
	}
	if !q.matchTime(e) {
		return false
	}
	if q.Industry == "" && q.Band == "" && q.SalaryMin == 0 && q.SalaryMax == 0 {
		return true
	}
	for _, em := range e.Employers {
		if q.Industry != "" && em.Industry != q.Industry {
			continue
		}
		if q.Band == "" && q.SalaryMin == 0 && q.SalaryMax == 0 {
			return true
		}
		for _, p := range em.Positions {
			if salaryMatch(p, q.Band, q.SalaryMin, q.SalaryMax) {
				return true
			}
		}
	}
	return false
}

// Match reports whether the position passes every filter of q.
func (q PositionQuery) Match(p *Position) bool {
	e := p.Event
	if (q.Industry != "" && p.Employer.Industry != q.Industry) || (q.District != "" && e.District() != q.District) ||
		(q.Kind != "" && e.Kind != q.Kind) {
		return false
	}
	if q.Upcoming && (e.Ended(q.Now) || e.Status == Cancelled) {
		return false
	}
	if q.Education != "" && educationLevel(p.Education) > educationLevel(q.Education) {
		return false
	}
	return salaryMatch(p, q.Band, q.SalaryMin, q.SalaryMax)
}

// EventList is the result of an event query: events not yet ended, soonest first, then ended
// events, latest first.
type EventList struct {
	Upcoming []*Event
	Past     []*Event
	Total    int
	Facets   EventFacets
}

// Facet is one value of a filter with the number of events it would select, given the other
// filters.
type Facet struct {
	Value string
	Name  string
	Count int
}

// EventFacets are the filter values of the listing with their counts.
type EventFacets struct {
	When, Kind, Mode, Status, District, Industry, Salary []Facet
}

// Events lists events matching q. A district or industry that no event has is an Invalid error.
func (l *Library) Events(q EventQuery) (EventList, error) {
	if err := l.validate(q.District, q.Industry); err != nil {
		return EventList{}, err
	}
	var out EventList
	for _, e := range l.events {
		if !q.Match(e) {
			continue
		}
		if e.Ended(q.Now) {
			out.Past = append(out.Past, e)
		} else {
			out.Upcoming = append(out.Upcoming, e)
		}
	}
	slices.Reverse(out.Past)
	out.Total = len(out.Upcoming) + len(out.Past)
	out.Facets = l.eventFacets(q)
	return out, nil
}

func (l *Library) count(q EventQuery) int {
	n := 0
	for _, e := range l.events {
		if q.Match(e) {
			n++
		}
	}
	return n
}

func (l *Library) eventFacets(q EventQuery) EventFacets {
	var f EventFacets
	for _, w := range Whens {
		c := q
		c.When = w.Value
		f.When = append(f.When, Facet{string(w.Value), w.Name, l.count(c)})
	}
	for _, k := range EventKinds {
		c := q
		c.Kind = k
		if n := l.count(c); n > 0 || q.Kind == k {
			f.Kind = append(f.Kind, Facet{string(k), string(k), n})
		}
	}
	for _, m := range Modes {
		c := q
		c.Mode = m
		f.Mode = append(f.Mode, Facet{string(m), string(m), l.count(c)})
	}
	for _, s := range Statuses {
		c := q
		c.Status = s
		f.Status = append(f.Status, Facet{string(s), string(s), l.count(c)})
	}
	for _, d := range l.Districts() {
		c := q
		c.District = d
		f.District = append(f.District, Facet{d, d, l.count(c)})
	}
	for _, in := range l.Industries() {
		c := q
		c.Industry = in
		f.Industry = append(f.Industry, Facet{in, in, l.count(c)})
	}
	for _, b := range SalaryBands {
		c := q
		c.Band = b.Code
		f.Salary = append(f.Salary, Facet{b.Code, b.Name, l.count(c)})
	}
	return f
}

// Positions lists positions matching q: by default those of events not yet ended first (soonest
// first), then those of past events (latest first); sort=salary orders by the monthly-equivalent
// lower bound, -salary by the upper bound, highest first, with 面议 last either way.
func (l *Library) Positions(q PositionQuery) ([]*Position, error) {
	if err := l.validate(q.District, q.Industry); err != nil {
		return nil, err
	}
	var rank map[*Position]int // the place of each matching position in q.Matches
	if q.Matches != nil {
		rank = make(map[*Position]int, len(q.Matches))
		for i, id := range q.Matches {
			if p := l.positionByID(id); p != nil {
				if _, dup := rank[p]; !dup {
					rank[p] = i
				}
			}
		}
	}
	var upcoming, past []*Position
	for _, e := range l.events {
		for _, p := range e.Positions() {
			if _, ok := rank[p]; (rank != nil && !ok) || !q.Match(p) {
				continue
			}
			if e.Ended(q.Now) {
				past = append(past, p)
			} else {
				upcoming = append(upcoming, p)
			}
		}
	}
	// Past events are stored oldest first; keep each event's positions in order.
	sort.SliceStable(past, func(i, j int) bool { return past[i].Event.Start.After(past[j].Event.Start) })
	out := append(upcoming, past...)
	switch q.Sort {
	case "":
		if rank != nil {
			sort.SliceStable(out, func(i, j int) bool { return rank[out[i]] < rank[out[j]] })
		}
	case "salary":
		sort.SliceStable(out, func(i, j int) bool {
			a, b := out[i].Salary, out[j].Salary
			if a == nil || b == nil {
				return b == nil && a != nil
			}
			return a.MonthlyMin() < b.MonthlyMin()
		})
	case "-salary":
		sort.SliceStable(out, func(i, j int) bool {
			a, b := out[i].Salary, out[j].Salary
			if a == nil || b == nil {
				return b == nil && a != nil
			}
			return a.MonthlyMax() > b.MonthlyMax()
		})
	}
	return out, nil
}

// positionByID is the position with the ID "{event-slug}/{n}", or nil.
func (l *Library) positionByID(id string) *Position {
	i := strings.LastIndexByte(id, '/')
	if i < 0 {
		return nil
	}
	slug, num := id[:i], id[i+1:]
	e, ok := l.eventBySlug[slug]
	n, err := strconv.Atoi(num)
	if !ok || err != nil {
		return nil
	}
	ps := e.Positions()
	if n < 1 || n > len(ps) {
		return nil
	}
	return ps[n-1]
}

// Event returns the event with the slug, or a NotFound error.
func (l *Library) Event(slug string) (*Event, error) {
	if e, ok := l.eventBySlug[slug]; ok {
		return e, nil
	}
	return nil, zhenxing.Errorf(zhenxing.ENotFound, "未找到该招聘活动，它可能已被移动或删除。")
}

// AllEvents lists every event, earliest start first.
func (l *Library) AllEvents() []*Event { return l.events }

// NextEvents returns up to n events that have not ended at now and are not cancelled, soonest
// first.
func (l *Library) NextEvents(now time.Time, n int) []*Event {
	var out []*Event
	for _, e := range l.events {
		if len(out) == n {
			break
		}
		if !e.Ended(now) && e.Status != Cancelled {
			out = append(out, e)
		}
	}
	return out
}

// PositionsOffered is the number of people sought (the sum of headcounts) by the events that
// start in the year, cancelled events left out, and the number of those events.
func (l *Library) PositionsOffered(year int) (positions, events int) {
	for _, e := range l.events {
		if e.Start.In(zhenxing.Beijing).Year() == year && e.Status != Cancelled {
			positions += e.Headcount()
			events++
		}
	}
	return positions, events
}

// Districts lists the districts events are held in, sorted.
func (l *Library) Districts() []string { return l.districts }

// Industries lists the industries of every employer, sorted.
func (l *Library) Industries() []string { return l.industries }
