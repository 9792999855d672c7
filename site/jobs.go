package site

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gorilla/feeds"

	"zhenxing"
	"zhenxing/content"
	"zhenxing/search"
)

const jobsColumn = "招聘活动"

// getter adapts a query to the content package's parameter readers.
func getter(v url.Values) func(string) string {
	return func(k string) string { return strings.TrimSpace(v.Get(k)) }
}

// listParams reads the filters of an event or position list with parse, on the clock now, and
// the page asked for. It returns the filters, the query string they were read from (copied) and
// the page, or the Invalid error of a bad filter or page.
func listParams[Q any](c *fiber.Ctx, parse func(get func(string) string, now time.Time) (Q, error), now time.Time) (Q, url.Values, pageNumber, error) {
	v := queryValues(c)
	q, err := parse(getter(v), now)
	if err != nil {
		return q, nil, 0, err
	}
	pg, err := pageParam(c)
	return q, v, pg, err
}

// filterOption is one value of a filter: a select option and a link.
type filterOption struct {
	Value    string
	Name     string
	Count    int
	Selected bool
	URL      string // the listing with this value set (or cleared, when selected)
}

// filter is one select of a filter form.
type filter struct {
	Param   string
	Label   string
	Options []filterOption
}

// activeFilter is a chosen filter value with a link that removes it.
type activeFilter struct {
	Label, Name, RemoveURL string
}

func makeFilter(base link, v url.Values, param, label string, facets []content.Facet) filter {
	f := filter{Param: param, Label: label}
	cur := v.Get(param)
	for _, fc := range facets {
		o := filterOption{Value: fc.Value, Name: fc.Name, Count: fc.Count, Selected: fc.Value == cur}
		if o.Selected {
			o.URL = base.Del(param).String()
		} else {
			o.URL = base.Set(param, fc.Value).String()
		}
		f.Options = append(f.Options, o)
	}
	return f
}

func activeFilters(base link, v url.Values, filters []filter, extra map[string]string) []activeFilter {
	var out []activeFilter
	for _, f := range filters {
		for _, o := range f.Options {
			if o.Selected {
				out = append(out, activeFilter{f.Label, o.Name, base.Del(f.Param).String()})
			}
		}
	}
	keys := make([]string, 0, len(extra))
	for k := range extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if val := v.Get(k); val != "" {
			out = append(out, activeFilter{extra[k], val, base.Del(k).String()})
		}
	}
	return out
}

// jobsView is the listing of events.
type jobsView struct {
	Layout
	List       content.EventList // every matching event, with the counts and facets
	Upcoming   []*content.Event  // this page's events not yet ended
	Past       []*content.Event  // this page's ended events
	Filters    []filter
	When       []filterOption
	WhenSet    bool
	AnyTimeURL string
	Active     []activeFilter
	From, To   string
	Pager      pager
}

// jobsIndex lists events: those not yet ended first, soonest first, then past ones, with filters
// that combine and stay in the URL.
func (s *Server) jobsIndex(c *fiber.Ctx) error {
	if !strings.HasSuffix(c.Path(), "/") {
		return c.Redirect("/jobs/", fiber.StatusMovedPermanently)
	}
	q, v, pg, err := listParams(c, content.ParseEventQuery, s.now())
	if err != nil {
		return err
	}
	lib := s.deps.Content.Library()
	list, err := lib.Events(q)
	if err != nil {
		return err
	}
	base := linkTo("/jobs/", v)
	filters := []filter{
		makeFilter(base, v, "when", "时间", list.Facets.When),
		makeFilter(base, v, "kind", "活动类型", list.Facets.Kind),
		makeFilter(base, v, "mode", "举办方式", list.Facets.Mode),
		makeFilter(base, v, "district", "举办地", list.Facets.District),
		makeFilter(base, v, "industry", "行业", list.Facets.Industry),
		makeFilter(base, v, "salary", "月薪（折算）", list.Facets.Salary),
		makeFilter(base, v, "status", "活动状态", list.Facets.Status),
	}
	active := activeFilters(base, v, filters, map[string]string{"from": "开始日期", "to": "截止日期", "salary_min": "最低月薪", "salary_max": "最高月薪"})
	// One page runs through the upcoming events, then the past ones.
	from, to := pg.Window(list.Total)
	up := len(list.Upcoming)
	jv := &jobsView{
		Layout: Layout{
			Title:       jobsColumn,
			Description: "专场招聘会、线上招聘会和公益性岗位招聘的时间、地点、用人单位和岗位。",
			Column:      jobsColumn,
			Section:     sectionJobs,
			Crumbs:      []crumb{{"首页", "/"}, {jobsColumn, ""}},
			NoIndex:     len(active) > 0,
		},
		List:       list,
		Upcoming:   list.Upcoming[min(from, up):min(to, up)],
		Past:       list.Past[max(from-up, 0):max(to-up, 0)],
		Filters:    filters,
		When:       filters[0].Options,
		WhenSet:    v.Get("when") != "",
		AnyTimeURL: base.Del("when").String(),
		Active:     active,
		From:       v.Get("from"),
		To:         v.Get("to"),
		Pager:      pg.Pager(base, list.Total),
	}
	if pg.Past(list.Total) {
		jv.Message = fmt.Sprintf("第 %d 页没有招聘活动：符合条件的招聘活动共 %d 场，%d 页。", pg.Number(), list.Total, pg.Pages(list.Total))
		jv.NoIndex = true
	}
	return s.renderPage(c, fiber.StatusOK, "jobs", jv)
}

// eventView is an event's page.
type eventView struct {
	Layout
	Event       *content.Event
	Ended       bool
	ShowResults bool
	Headcount   int
	// Anchors are the ids of the positions' rows (search.PositionAnchor), which the search
	// box's hits link to.
	Anchors map[*content.Position]string
}

// eventPage shows everything about one event.
func (s *Server) eventPage(c *fiber.Ctx) error {
	e, err := s.deps.Content.Library().Event(c.Params("slug"))
	if err != nil {
		return err
	}
	now := s.now()
	anchors := map[*content.Position]string{}
	for i, p := range e.Positions() {
		anchors[p] = search.PositionAnchor(i + 1)
	}
	return s.renderPage(c, fiber.StatusOK, "event", &eventView{
		Anchors: anchors,
		Layout: Layout{
			Title:       e.Title,
			Description: e.Summary,
			Keywords:    strings.Join(append([]string{string(e.Kind)}, e.Industries()...), ","),
			Column:      jobsColumn,
			Section:     sectionJobs,
			ReadAloud:   true,
			PubDate:     e.Published.In(zhenxing.Beijing).Format("2006-01-02 15:04"),
			Source:      strings.Join(e.Hosts, "、"),
			Crumbs:      []crumb{{"首页", "/"}, {jobsColumn, "/jobs/"}, {"活动详情", ""}},
			JSONLD:      s.eventLD(e),
		},
		Event:       e,
		Ended:       e.Ended(now),
		ShowResults: e.Results != nil && e.Ended(now),
		Headcount:   e.Headcount(),
	})
}

// positionsView is the listing of positions across events.
type positionsView struct {
	Layout
	Positions     []*content.Position // this page's
	Total         int                 // positions matching, on every page
	Headcount     int                 // people wanted by all the matching positions
	Query         content.PositionQuery
	Industries    []string
	Districts     []string
	Educations    []string
	Bands         []content.SalaryBand
	SortAscURL    string
	SortDescURL   string
	UpcomingURL   string
	AllURL        string
	Now           time.Time
	DaysPerMonth  float64
	HoursPerMonth int
	Pager         pager
}

// positionsPage lists positions across events, filterable and sortable by salary; q finds them
// through the search engine (title, employer, place, requirements), best first with no sort.
func (s *Server) positionsPage(c *fiber.Ctx) error {
	q, v, pg, err := listParams(c, content.ParsePositionQuery, s.now())
	if err != nil {
		return err
	}
	if err := s.matchPositionQuery(c, &q); err != nil {
		return s.searchFailed(c, err)
	}
	lib := s.deps.Content.Library()
	list, err := lib.Positions(q)
	if err != nil {
		return err
	}
	headcount := 0
	for _, p := range list {
		headcount += p.Headcount
	}
	base := linkTo("/jobs/positions", v)
	pv := &positionsView{
		Layout: Layout{
			Title:       "岗位查询",
			Description: "各场招聘活动提供的岗位，可按行业、学历、薪资、地区筛选，按薪资排序。",
			Column:      jobsColumn,
			Section:     sectionJobs,
			Crumbs:      []crumb{{"首页", "/"}, {jobsColumn, "/jobs/"}, {"岗位查询", ""}},
			NoIndex:     len(v) > 0,
		},
		Positions:     pageOf(pg, list),
		Total:         len(list),
		Headcount:     headcount,
		Query:         q,
		Industries:    lib.Industries(),
		Districts:     lib.Districts(),
		Educations:    content.EducationLevels,
		Bands:         content.SalaryBands,
		SortAscURL:    base.Set("sort", "salary").String(),
		SortDescURL:   base.Set("sort", "-salary").String(),
		UpcomingURL:   base.Set("upcoming", "1").String(),
		AllURL:        base.Del("upcoming").String(),
		Now:           s.now(),
		DaysPerMonth:  content.DaysPerMonth,
		HoursPerMonth: content.HoursPerMonth,
		Pager:         pg.Pager(base, len(list)),
	}
	if pg.Past(len(list)) {
		pv.Message = fmt.Sprintf("第 %d 页没有岗位：符合条件的岗位共 %d 个，%d 页。", pg.Number(), len(list), pg.Pages(len(list)))
	}
	return s.renderPage(c, fiber.StatusOK, "positions", pv)
}

// matchPositionQuery resolves the text query of a position list to the positions the search
// engine finds, best first; an engine failure is an errSearchDown.
func (s *Server) matchPositionQuery(c *fiber.Ctx, q *content.PositionQuery) error {
	if q.Q == "" {
		return nil
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	ids, err := s.matchPositions(ctx, q.Q)
	q.Matches = ids
	return err
}

// statusLD maps an event's status to schema.org's EventStatusType.
var statusLD = map[content.Status]string{
	content.Scheduled:   "https://schema.org/EventScheduled",
	content.Cancelled:   "https://schema.org/EventCancelled",
	content.Rescheduled: "https://schema.org/EventRescheduled",
	content.Postponed:   "https://schema.org/EventPostponed",
}

var modeLD = map[content.Mode]string{
	content.OnSite: "https://schema.org/OfflineEventAttendanceMode",
	content.Online: "https://schema.org/OnlineEventAttendanceMode",
	content.Hybrid: "https://schema.org/MixedEventAttendanceMode",
}

var unitLD = map[content.SalaryUnit]string{content.PerMonth: "MONTH", content.PerDay: "DAY", content.PerHour: "HOUR"}

// employmentLD: monthly pay is full-time work, daily pay temporary work, hourly pay part-time.
var employmentLD = map[content.SalaryUnit]string{content.PerMonth: "FULL_TIME", content.PerDay: "TEMPORARY", content.PerHour: "PART_TIME"}

func postalAddress(street, locality string) map[string]any {
	region := "陕西省"
	return map[string]any{"@type": "PostalAddress", "streetAddress": street, "addressLocality": locality, "addressRegion": region, "addressCountry": "CN"}
}

// eventLD is the schema.org description of an event and of each of its positions.
func (s *Server) eventLD(e *content.Event) map[string]any {
	var orgs []map[string]any
	for _, h := range e.Hosts {
		orgs = append(orgs, map[string]any{"@type": "GovernmentOrganization", "name": h})
	}
	ev := map[string]any{
		"@type":               "Event",
		"@id":                 s.absURL(e.URL()) + "#event",
		"name":                e.Title,
		"description":         e.Summary,
		"url":                 s.absURL(e.URL()),
		"startDate":           e.Start.Format(time.RFC3339),
		"endDate":             e.End.Format(time.RFC3339),
		"eventStatus":         statusLD[e.Status],
		"eventAttendanceMode": modeLD[e.Mode],
		"organizer":           orgs,
		"inLanguage":          "zh-CN",
		"isAccessibleForFree": true,
	}
	if !e.PreviousStart.IsZero() {
		ev["previousStartDate"] = e.PreviousStart.Format(time.RFC3339)
	}
	var locations []map[string]any
	if v := e.Venue; v != nil {
		place := map[string]any{"@type": "Place", "name": v.Name, "address": postalAddress(v.Address, v.District)}
		if v.Map != "" {
			place["hasMap"] = v.Map
		}
		locations = append(locations, place)
	}
	if e.Live != "" {
		locations = append(locations, map[string]any{"@type": "VirtualLocation", "url": e.Live})
	}
	if len(locations) == 1 {
		ev["location"] = locations[0]
	} else if len(locations) > 1 {
		ev["location"] = locations
	}
	graph := []map[string]any{ev}
	for _, p := range e.Positions() {
		graph = append(graph, s.positionLD(p))
	}
	return map[string]any{"@context": "https://schema.org", "@graph": graph}
}

// positionLD is the schema.org JobPosting of a position.
func (s *Server) positionLD(p *content.Position) map[string]any {
	e := p.Event
	desc := p.Requirements
	if p.Employer.Description != "" {
		desc = p.Employer.Description + " " + desc
	}
	jp := map[string]any{
		"@type":                 "JobPosting",
		"title":                 p.Title,
		"description":           strings.TrimSpace(desc),
		"datePosted":            e.Published.Format("2006-01-02"),
		"validThrough":          e.ValidThrough().Format(time.RFC3339),
		"totalJobOpenings":      p.Headcount,
		"industry":              p.Employer.Industry,
		"hiringOrganization":    map[string]any{"@type": "Organization", "name": p.Employer.Name},
		"jobLocation":           map[string]any{"@type": "Place", "address": postalAddress(p.Location, e.District())},
		"url":                   s.absURL(e.URL()),
		"educationRequirements": p.Education,
		"employmentType":        "FULL_TIME",
	}
	if p.Salary != nil {
		jp["employmentType"] = employmentLD[p.Salary.Unit]
		jp["baseSalary"] = map[string]any{
			"@type":    "MonetaryAmount",
			"currency": "CNY",
			"value": map[string]any{
				"@type":    "QuantitativeValue",
				"minValue": json.Number(p.Salary.Min.ShortYuan()),
				"maxValue": json.Number(p.Salary.Max.ShortYuan()),
				"unitText": unitLD[p.Salary.Unit],
			},
		}
	}
	if p.Board != "" || p.Insurance != "" {
		jp["jobBenefits"] = strings.Trim(p.Board+";"+p.Insurance, ";")
	}
	return jp
}

// jobsFeed is the Atom feed of new events and public-welfare calls, latest announced first.
func (s *Server) jobsFeed(c *fiber.Ctx) error {
	lib := s.deps.Content.Library()
	events := append([]*content.Event(nil), lib.AllEvents()...)
	sort.SliceStable(events, func(i, j int) bool { return events[i].Updated.After(events[j].Updated) })
	if len(events) > 50 {
		events = events[:50]
	}
	f := &feeds.Feed{
		Title:       s.cfg.Identity.Name + " · " + jobsColumn,
		Link:        &feeds.Link{Href: s.absURL("/jobs/")},
		Description: "新发布的招聘活动和公益性岗位招聘",
		Author:      &feeds.Author{Name: s.cfg.Identity.Sponsor},
		Id:          s.absURL(c.Path()),
		Updated:     lib.Loaded(),
	}
	if len(events) > 0 {
		f.Updated = events[0].Updated
	}
	for _, e := range events {
		title := e.Title
		if e.Status != content.Scheduled {
			title = "【" + string(e.Status) + "】" + title
		}
		f.Items = append(f.Items, &feeds.Item{
			Id:          s.absURL(e.URL()),
			Title:       title,
			Link:        &feeds.Link{Href: s.absURL(e.URL())},
			Description: fmt.Sprintf("%s · %s · %s。%s", e.Kind, timeRange(e.Start, e.End), eventPlace(e), e.Summary),
			Author:      &feeds.Author{Name: strings.Join(e.Hosts, "、")},
			Created:     e.Published,
			Updated:     e.Updated,
		})
	}
	return sendAtom(c, f)
}

// timeRange shows an event's time, e.g. "2026年12月5日 14:00–16:30".
func timeRange(start, end time.Time) string {
	start, end = start.In(zhenxing.Beijing), end.In(zhenxing.Beijing)
	day := func(t time.Time) string { return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day()) }
	if start.YearDay() == end.YearDay() && start.Year() == end.Year() {
		return day(start) + " " + start.Format("15:04") + "–" + end.Format("15:04")
	}
	return day(start) + " " + start.Format("15:04") + " 至 " + day(end) + " " + end.Format("15:04")
}

// eventPlace names where an event happens.
func eventPlace(e *content.Event) string {
	if e.Venue == nil {
		return "线上"
	}
	place := e.Venue.Name
	if !strings.HasPrefix(place, e.Venue.District) {
		place = e.Venue.District + place // "灞桥区人力资源市场" already names its district
	}
	if e.Mode == content.Hybrid {
		place += "及线上"
	}
	return place
}

// eventJSON is an event in the API.
type eventJSON struct {
	Slug          string           `json:"slug"`
	URL           string           `json:"url"`
	Title         string           `json:"title"`
	Kind          string           `json:"kind"`
	Mode          string           `json:"mode"`
	Status        string           `json:"status"`
	Start         string           `json:"start"`
	End           string           `json:"end"`
	PreviousStart string           `json:"previous_start,omitempty"`
	Published     string           `json:"published"`
	Updated       string           `json:"updated"`
	Ended         bool             `json:"ended"`
	Venue         *venueJSON       `json:"venue,omitempty"`
	Live          string           `json:"live,omitempty"`
	Hosts         []string         `json:"hosts"`
	Organisers    []string         `json:"organisers,omitempty"`
	Headcount     int              `json:"headcount"`
	Employers     int              `json:"employer_count"`
	Industries    []string         `json:"industries"`
	Summary       string           `json:"summary"`
	ICS           string           `json:"ics"`
	Detail        *eventDetailJSON `json:"detail,omitempty"`
}

type venueJSON struct {
	Name      string `json:"name"`
	Address   string `json:"address"`
	District  string `json:"district"`
	Township  string `json:"township,omitempty"`
	Map       string `json:"map,omitempty"`
	Transport string `json:"transport,omitempty"`
}

type eventDetailJSON struct {
	Contact      contactJSON      `json:"contact"`
	Registration registrationJSON `json:"registration"`
	Services     []string         `json:"services"`
	Employers    []employerJSON   `json:"employers"`
	Results      *resultsJSON     `json:"results,omitempty"`
	Eligibility  []string         `json:"eligibility,omitempty"`
	Stages       []stageJSON      `json:"stages,omitempty"`
	HTML         string           `json:"html"`
}

type contactJSON struct {
	Name  string `json:"name,omitempty"`
	Phone string `json:"phone"`
	Email string `json:"email,omitempty"`
}

type registrationJSON struct {
	How    string `json:"how"`
	URL    string `json:"url,omitempty"`
	Opens  string `json:"opens,omitempty"`
	Closes string `json:"closes,omitempty"`
}

type employerJSON struct {
	Name        string         `json:"name"`
	Industry    string         `json:"industry"`
	Description string         `json:"description,omitempty"`
	Positions   []positionJSON `json:"positions"`
}

type resultsJSON struct {
	Reported   string `json:"reported"`
	Employers  int    `json:"employers"`
	Seekers    int    `json:"seekers,omitempty"`
	Intentions int    `json:"intentions"`
	Contracts  int    `json:"contracts"`
}

type stageJSON struct {
	Name  string `json:"name"`
	Start string `json:"start"`
	End   string `json:"end"`
	Note  string `json:"note,omitempty"`
}

// positionJSON is a position in the API.
type positionJSON struct {
	Title        string      `json:"title"`
	Headcount    int         `json:"headcount"`
	Salary       *salaryJSON `json:"salary"`
	SalaryText   string      `json:"salary_text"`
	Education    string      `json:"education"`
	AgeMin       int         `json:"age_min,omitempty"`
	AgeMax       int         `json:"age_max,omitempty"`
	Location     string      `json:"location"`
	Requirements string      `json:"requirements,omitempty"`
	Board        string      `json:"board,omitempty"`
	Insurance    string      `json:"insurance,omitempty"`
	Employer     string      `json:"employer,omitempty"`
	Industry     string      `json:"industry,omitempty"`
	Event        string      `json:"event,omitempty"`
	EventTitle   string      `json:"event_title,omitempty"`
	EventStart   string      `json:"event_start,omitempty"`
	EventURL     string      `json:"event_url,omitempty"`
}

// salaryJSON is a pay range in the API: amounts in fen (integers), each with a "…_yuan" string to
// show, as prices are, and the monthly equivalents the filters compare.
type salaryJSON struct {
	Min            zhenxing.Money `json:"min"`
	MinYuan        string         `json:"min_yuan"`
	Max            zhenxing.Money `json:"max"`
	MaxYuan        string         `json:"max_yuan"`
	Unit           string         `json:"unit"`
	MonthlyMin     zhenxing.Money `json:"monthly_min"`
	MonthlyMinYuan string         `json:"monthly_min_yuan"`
	MonthlyMax     zhenxing.Money `json:"monthly_max"`
	MonthlyMaxYuan string         `json:"monthly_max_yuan"`
}

func toSalaryJSON(s *content.Salary) *salaryJSON {
	lo, hi := s.MonthlyMin(), s.MonthlyMax()
	return &salaryJSON{s.Min, s.Min.Yuan(), s.Max, s.Max.Yuan(), string(s.Unit), lo, lo.Yuan(), hi, hi.Yuan()}
}

func dateOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(zhenxing.Beijing).Format("2006-01-02")
}

func (s *Server) toEventJSON(e *content.Event, full bool) eventJSON {
	j := eventJSON{
		Slug: e.Slug, URL: s.absURL(e.URL()), Title: e.Title, Kind: string(e.Kind), Mode: string(e.Mode),
		Status: string(e.Status), Start: e.Start.Format(time.RFC3339), End: e.End.Format(time.RFC3339),
		Published: dateOrEmpty(e.Published), Updated: dateOrEmpty(e.Updated), Ended: e.Ended(s.now()),
		Live: e.Live, Hosts: e.Hosts, Organisers: e.Organisers, Headcount: e.Headcount(),
		Employers: len(e.Employers), Industries: e.Industries(), Summary: e.Summary, ICS: s.absURL(e.URL() + ".ics"),
	}
	if j.Industries == nil {
		j.Industries = []string{}
	}
	if !e.PreviousStart.IsZero() {
		j.PreviousStart = e.PreviousStart.Format(time.RFC3339)
	}
	if v := e.Venue; v != nil {
		j.Venue = &venueJSON{v.Name, v.Address, v.District, v.Township, v.Map, v.Transport}
	}
	if !full {
		return j
	}
	d := &eventDetailJSON{
		Contact: contactJSON{e.Contact.Name, e.Contact.Phone, e.Contact.Email},
		Registration: registrationJSON{e.Registration.How, e.Registration.URL,
			dateOrEmpty(e.Registration.Opens), dateOrEmpty(e.Registration.Closes)},
		Services: e.Services, Eligibility: e.Eligibility, HTML: string(e.HTML), Employers: []employerJSON{},
	}
	if d.Services == nil {
		d.Services = []string{}
	}
	for _, em := range e.Employers {
		ej := employerJSON{Name: em.Name, Industry: em.Industry, Description: em.Description, Positions: []positionJSON{}}
		for _, p := range em.Positions {
			ej.Positions = append(ej.Positions, toPositionJSON(p, false, s))
		}
		d.Employers = append(d.Employers, ej)
	}
	if r := e.Results; r != nil && e.Ended(s.now()) {
		d.Results = &resultsJSON{dateOrEmpty(r.Reported), r.Employers, r.Seekers, r.Intentions, r.Contracts}
	}
	for _, st := range e.Stages {
		d.Stages = append(d.Stages, stageJSON{st.Name, dateOrEmpty(st.Start), dateOrEmpty(st.End), st.Note})
	}
	j.Detail = d
	return j
}

func toPositionJSON(p *content.Position, withEvent bool, s *Server) positionJSON {
	j := positionJSON{
		Title: p.Title, Headcount: p.Headcount, SalaryText: p.SalaryText(), Education: p.Education,
		AgeMin: p.AgeMin, AgeMax: p.AgeMax, Location: p.Location, Requirements: p.Requirements,
		Board: p.Board, Insurance: p.Insurance,
	}
	if p.Salary != nil {
		j.Salary = toSalaryJSON(p.Salary)
	}
	if withEvent {
		j.Employer, j.Industry = p.Employer.Name, p.Employer.Industry
		j.Event, j.EventTitle, j.EventURL = p.Event.Slug, p.Event.Title, s.absURL(p.Event.URL())
		j.EventStart = p.Event.Start.Format(time.RFC3339)
	}
	return j
}

// apiEvents lists events as JSON with the filters of /jobs/.
func (s *Server) apiEvents(c *fiber.Ctx) error {
	q, err := content.ParseEventQuery(getter(queryValues(c)), s.now())
	if err != nil {
		return err
	}
	list, err := s.deps.Content.Library().Events(q)
	if err != nil {
		return err
	}
	out := make([]eventJSON, 0, list.Total)
	for _, e := range list.Upcoming {
		out = append(out, s.toEventJSON(e, false))
	}
	for _, e := range list.Past {
		out = append(out, s.toEventJSON(e, false))
	}
	return c.JSON(fiber.Map{"events": out, "total": list.Total, "upcoming": len(list.Upcoming), "past": len(list.Past)})
}

// apiEvent is one event with its employers, positions, results and stages.
func (s *Server) apiEvent(c *fiber.Ctx) error {
	e, err := s.deps.Content.Library().Event(c.Params("slug"))
	if err != nil {
		return err
	}
	return c.JSON(s.toEventJSON(e, true))
}

// apiPositions lists positions as JSON with the filters and sorting of /jobs/positions.
func (s *Server) apiPositions(c *fiber.Ctx) error {
	q, err := content.ParsePositionQuery(getter(queryValues(c)), s.now())
	if err != nil {
		return err
	}
	if err := s.matchPositionQuery(c, &q); err != nil {
		return s.searchFailed(c, err)
	}
	list, err := s.deps.Content.Library().Positions(q)
	if err != nil {
		return err
	}
	out := make([]positionJSON, len(list))
	headcount := 0
	for i, p := range list {
		out[i] = toPositionJSON(p, true, s)
		headcount += p.Headcount
	}
	return c.JSON(fiber.Map{"positions": out, "total": len(out), "headcount": headcount})
}

// jobsHome is what the home page shows of the recruitment events.
type jobsHome struct {
	Next      []*content.Event
	Year      int
	Positions int // positions offered by this year's events
	Events    int // this year's events
}

// jobsHomeData is what the home page shows of the recruitment events.
func (s *Server) jobsHomeData(lib *content.Library) jobsHome {
	now := s.now()
	positions, events := lib.PositionsOffered(now.Year())
	return jobsHome{Next: lib.NextEvents(now, 4), Year: now.Year(), Positions: positions, Events: events}
}
