package site

import (
	"html/template"
	"io/fs"
	"mime"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"zhenxing"
	"zhenxing/content"
	"zhenxing/interact"
)

const openColumn = "政务公开"

// homeView is the front page.
type homeView struct {
	Layout
	Latest  []*content.Document
	News    []*content.Document // 工作动态, which the page leads with
	Notices []*content.Document
	Kinds   []content.Kind
	Season  []hallCard    // 当季产品 (消费帮扶馆)
	Sales   *salesSummary // the hall's running total; nil when the database fails
	Jobs    jobsHome
}

// home is the front page: latest documents and notices.
func (s *Server) home(c *fiber.Ctx) error {
	lib := s.deps.Content.Library()
	return s.renderPage(c, fiber.StatusOK, "home", &homeView{
		Layout: Layout{
			Title:       s.cfg.Identity.Name,
			Description: s.cfg.Identity.Name + "门户网站：政务公开、消费帮扶、招聘活动。",
			Column:      "首页",
			Section:     sectionHome,
		},
		News:    lib.Latest(content.KindNews, 5),
		Latest:  lib.Latest("", 8),
		Notices: lib.Latest(content.KindNotice, 6),
		Kinds:   content.Kinds,
		Season:  s.homeInSeason(c),
		Sales:   s.homeSales(c),
		Jobs:    s.jobsHomeData(lib),
	})
}

// column is one column of the open-government index.
type column struct {
	Kind   content.Kind
	Latest []*content.Document
}

// openView is the open-government index: the guide and rules, the 法定主动公开内容, and the
// annual reports.
type openView struct {
	Layout
	About, Mandatory, Reports []column
}

// openIndex lists every column with its latest documents.
func (s *Server) openIndex(c *fiber.Ctx) error {
	lib := s.deps.Content.Library()
	v := &openView{}
	for _, k := range content.Kinds {
		col := column{Kind: k, Latest: lib.Latest(k, 5)}
		switch {
		case k.Mandatory():
			v.Mandatory = append(v.Mandatory, col)
		case k == content.KindAnnualReport:
			v.Reports = append(v.Reports, col)
		default:
			v.About = append(v.About, col)
		}
	}
	v.Layout = Layout{
		Title:       openColumn,
		Description: "政府信息公开指南和制度，机构职能、领导信息、政策文件、规划计划、预决算、统计信息等法定主动公开内容，以及年度报告。",
		Column:      openColumn,
		Section:     sectionOpen,
		Crumbs:      []crumb{{"首页", "/"}, {openColumn, ""}},
	}
	return s.renderPage(c, fiber.StatusOK, "open", v)
}

// documentQuery reads the listing filters shared by the pages and the API, and the page asked
// for; the query holds that page's window.
func documentQuery(c *fiber.Ctx) (content.Query, pageNumber, error) {
	q := content.Query{Topic: strings.TrimSpace(c.Query("topic"))}
	if k := c.Query("kind"); k != "" {
		kind, ok := content.ParseKind(k)
		if !ok {
			return q, 0, zhenxing.Errorf(zhenxing.EInvalid, "栏目“%s”不存在。", k)
		}
		q.Kind = kind
	}
	pg, err := pageParam(c)
	if err != nil {
		return q, 0, err
	}
	q.Offset, q.Limit = pg.Offset(), pg.Limit()
	if y := c.Query("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 1949 || n > 2999 {
			return q, 0, zhenxing.Errorf(zhenxing.EInvalid, "年份“%s”无效，应为四位数字，如 2022。", y)
		}
		q.Year = n
	}
	return q, pg, nil
}

func kindParam(c *fiber.Ctx) (content.Kind, error) {
	kind, ok := content.ParseKind(c.Params("kind"))
	if !ok {
		return "", zhenxing.Errorf(zhenxing.ENotFound, "您访问的栏目不存在。")
	}
	return kind, nil
}

// columnView is one column's listing.
type columnView struct {
	Layout
	Kind      content.Kind
	Query     content.Query
	Documents []*content.Document // this page's
	Total     int                 // documents matching, on every page
	Topics    []string
	Years     []int
	Pager     pager
}

// documentList is one column: paginated, filtered by topic and year, newest first.
func (s *Server) documentList(c *fiber.Ctx) error {
	kind, err := kindParam(c)
	if err != nil {
		return err
	}
	if !strings.HasSuffix(c.Path(), "/") {
		return c.Redirect("/open/"+string(kind)+"/", fiber.StatusMovedPermanently)
	}
	q, pg, err := documentQuery(c)
	if err != nil {
		return err
	}
	q.Kind = kind
	lib := s.deps.Content.Library()
	p, err := lib.Documents(q)
	if err != nil {
		return err
	}
	v := &columnView{
		Layout: Layout{
			Title:       kind.Name(),
			Description: openColumn + "·" + kind.Name(),
			Column:      kind.Name(),
			Section:     sectionOpen,
			Crumbs:      []crumb{{"首页", "/"}, {openColumn, "/open/"}, {kind.Name(), ""}},
		},
		Kind:      kind,
		Query:     q,
		Documents: p.Documents,
		Total:     p.Total,
		Topics:    lib.Topics(kind),
		Years:     lib.Years(kind),
		Pager:     pg.Pager(requestLink(c), p.Total),
	}
	if pg.Past(p.Total) {
		v.Message = "第 " + strconv.Itoa(pg.Number()) + " 页没有内容：本栏目共 " + strconv.Itoa(pg.Pages(p.Total)) + " 页。"
		v.NoIndex = true
	}
	return s.renderPage(c, fiber.StatusOK, "list", v)
}

// documentView is a document's page.
type documentView struct {
	Layout
	Doc *content.Document
	// An annual report with a request table: the body before and after it, and the table.
	Before, After template.HTML
	Table         *interact.RequestTable
	// A draft open for comment, or whose comment period is over.
	Consult *consultView
}

// documentPage shows one document with its metadata, validity banner, body and links. Most
// pages are rendered once per content load; a page that reads the database (an annual report's
// request table, a consultation's form or summary) is rendered per request.
func (s *Server) documentPage(c *fiber.Ctx) error {
	kind, err := kindParam(c)
	if err != nil {
		return err
	}
	lib := s.deps.Content.Library()
	d, err := lib.Document(c.Params("slug"))
	if err != nil {
		return err
	}
	if d.Kind != kind {
		return c.Redirect(d.URL(), fiber.StatusMovedPermanently)
	}
	if d.RequestsYear != 0 || d.Consultation != nil {
		return s.renderLiveDocument(c, fiber.StatusOK, d, nil)
	}
	key := d.Slug + "|" + prefsOf(c).Class()
	if cached, ok := s.pages.get(lib, key); ok {
		return cached.send(c)
	}
	body, err := s.renderPageBytes(c, "document", &documentView{Doc: d, Layout: s.documentLayout(d)})
	if err != nil {
		return err
	}
	page := newRendered(fiber.MIMETextHTMLCharsetUTF8, body, true)
	s.pages.put(lib, key, page)
	return page.send(c)
}

func (s *Server) documentLayout(d *content.Document) Layout {
	return Layout{
		Path:        d.URL(), // the cached page must not carry one reader's query string
		Title:       d.Title,
		Description: d.Summary,
		Keywords:    strings.Join(d.Keywords, ","),
		Column:      d.Kind.Name(),
		Section:     sectionOpen,
		PubDate:     d.Published.In(zhenxing.Beijing).Format("2006-01-02 15:04"),
		Source:      d.Publisher,
		Crumbs:      []crumb{{"首页", "/"}, {openColumn, "/open/"}, {d.Kind.Name(), "/open/" + string(d.Kind) + "/"}, {"正文", ""}},
		JSONLD:      s.documentLD(d),
		ReadAloud:   true,
	}
}

// renderLiveDocument renders a document page that reads the database, with status: consult is
// the comment form as submitted, or nil for a fresh one.
func (s *Server) renderLiveDocument(c *fiber.Ctx, status int, d *content.Document, consult *consultView) error {
	v := &documentView{Doc: d, Layout: s.documentLayout(d)}
	ctx, cancel := dbContext(c)
	defer cancel()
	if d.RequestsYear != 0 {
		t, err := s.deps.Requests.YearTable(ctx, d.RequestsYear)
		if err != nil {
			return err
		}
		v.Table = t
		v.Before, v.After = d.RequestsTableParts()
	}
	if d.Consultation != nil {
		if consult == nil {
			consult = &consultView{}
		}
		if err := s.fillConsult(ctx, c, d, consult); err != nil {
			return err
		}
		v.Consult = consult
	}
	return s.renderPage(c, status, "document", v)
}

// documentLD is the schema.org description of a document.
func (s *Server) documentLD(d *content.Document) map[string]any {
	ld := map[string]any{
		"@context":      "https://schema.org",
		"@type":         "Article",
		"headline":      d.Title,
		"name":          d.Title,
		"identifier":    d.IndexNo,
		"datePublished": d.Published.Format(time.RFC3339),
		"dateCreated":   d.Written.Format("2006-01-02"),
		"inLanguage":    "zh-CN",
		"description":   d.Summary,
		"keywords":      strings.Join(d.Keywords, ","),
		"url":           s.absURL(d.URL()),
		"publisher":     map[string]any{"@type": "GovernmentOrganization", "name": d.Publisher},
	}
	if d.Kind == content.KindPolicy {
		ld["@type"] = "Legislation"
		ld["legislationDate"] = d.Written.Format("2006-01-02")
		ld["legislationLegalForce"] = map[content.Validity]string{
			content.InForce: "InForce", content.Amended: "PartiallyInForce",
		}[d.Validity]
		if ld["legislationLegalForce"] == "" {
			ld["legislationLegalForce"] = "NotInForce"
		}
		if d.Number != "" {
			ld["legislationIdentifier"] = d.Number
		}
	}
	if len(d.History) > 0 {
		ld["dateModified"] = d.History[len(d.History)-1].Date.Format("2006-01-02")
	}
	return ld
}

// attachment serves a file published with a document.
func (s *Server) attachment(c *fiber.Ctx) error {
	name := path.Clean("files/" + c.Params("*"))
	files := s.deps.Content.Library().Files()
	if !strings.HasPrefix(name, "files/") || !fs.ValidPath(name) {
		return fiber.ErrNotFound
	}
	body, err := fs.ReadFile(files, name)
	if err != nil {
		return fiber.ErrNotFound
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = fiber.MIMEOctetStream
	}
	c.Set(fiber.HeaderContentType, ct)
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	if !strings.HasPrefix(ct, "application/pdf") {
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+path.Base(name)+`"`)
	}
	return c.Send(body)
}

// documentJSON is a document in the API.
type documentJSON struct {
	Slug        string           `json:"slug"`
	Kind        content.Kind     `json:"kind"`
	KindName    string           `json:"kind_name"`
	Title       string           `json:"title"`
	URL         string           `json:"url"`
	IndexNo     string           `json:"index_no"`
	Publisher   string           `json:"publisher"`
	Written     string           `json:"written"`
	Published   string           `json:"published"`
	Number      string           `json:"number,omitempty"`
	Topic       string           `json:"topic"`
	Validity    content.Validity `json:"validity"`
	Successor   string           `json:"successor,omitempty"`
	Policy      string           `json:"interprets,omitempty"`
	Keywords    []string         `json:"keywords"`
	Summary     string           `json:"summary"`
	Attachments []attachmentJSON `json:"attachments,omitempty"`
	History     []changeJSON     `json:"history,omitempty"`
	HTML        string           `json:"html,omitempty"`
}

type attachmentJSON struct {
	Title string `json:"title"`
	URL   string `json:"url"`
	Type  string `json:"type"`
	Size  int64  `json:"size"`
}

type changeJSON struct {
	Date string `json:"date"`
	Note string `json:"note"`
}

func (s *Server) toDocumentJSON(d *content.Document, full bool) documentJSON {
	j := documentJSON{
		Slug: d.Slug, Kind: d.Kind, KindName: d.Kind.Name(), Title: d.Title, URL: s.absURL(d.URL()),
		IndexNo: d.IndexNo, Publisher: d.Publisher, Written: d.Written.Format("2006-01-02"),
		Published: d.Published.Format(time.RFC3339), Number: d.Number, Topic: d.Topic,
		Validity: d.Validity, Keywords: d.Keywords, Summary: d.Summary,
	}
	if j.Keywords == nil {
		j.Keywords = []string{}
	}
	if d.Successor != nil {
		j.Successor = d.Successor.Slug
	}
	if d.Policy != nil {
		j.Policy = d.Policy.Slug
	}
	if full {
		for _, a := range d.Attachments {
			j.Attachments = append(j.Attachments, attachmentJSON{a.Title, s.absURL(a.URL()), a.Type, a.Size})
		}
		for _, h := range d.History {
			j.History = append(j.History, changeJSON{h.Date.Format("2006-01-02"), h.Note})
		}
		j.HTML = string(d.HTML)
	}
	return j
}

// apiDocuments lists documents as JSON, with the filters and pagination of the pages.
func (s *Server) apiDocuments(c *fiber.Ctx) error {
	q, pg, err := documentQuery(c)
	if err != nil {
		return err
	}
	p, err := s.deps.Content.Library().Documents(q)
	if err != nil {
		return err
	}
	list := make([]documentJSON, len(p.Documents))
	for i, d := range p.Documents {
		list[i] = s.toDocumentJSON(d, false)
	}
	return c.JSON(fiber.Map{"documents": list, "total": p.Total, "page": pg.Number(), "pages": pg.Pages(p.Total)})
}

// apiDocument is one document with its metadata and rendered HTML.
func (s *Server) apiDocument(c *fiber.Ctx) error {
	d, err := s.deps.Content.Library().Document(c.Params("slug"))
	if err != nil {
		return err
	}
	return c.JSON(s.toDocumentJSON(d, true))
}
