package site

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"zhenxing"
	"zhenxing/content"
)

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// asset is one embedded static file, served under a content-hashed name.
type asset struct {
	body        []byte
	contentType string
}

// assets maps logical names ("site.css") to hashed URLs and hashed names to files.
type assets struct {
	urls  map[string]string
	files map[string]asset
}

func loadAssets() (*assets, error) {
	a := &assets{urls: map[string]string{}, files: map[string]asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		a.urls[name] = "/static/" + hashed
		a.files[hashed] = asset{body: body, contentType: mime.TypeByExtension(ext)}
		return nil
	})
	return a, err
}

// url returns the hashed URL of a static file; it panics at template execution on a typo,
// which the page tests catch.
func (a *assets) url(name string) (string, error) {
	if u, ok := a.urls[name]; ok {
		return u, nil
	}
	return "", fmt.Errorf("unknown asset %q", name)
}

// serveStatic serves hashed assets with a year-long cache.
func (s *Server) serveStatic(c *fiber.Ctx) error {
	f, ok := s.assets.files[c.Params("*")]
	if !ok {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	c.Set(fiber.HeaderContentType, f.contentType)
	c.Set(fiber.HeaderETag, `"`+c.Params("*")+`"`) // the name carries the content hash
	return c.Send(f.body)
}

// views are the parsed page templates: each page is the layout plus its own file.
type views struct {
	pages map[string]*template.Template
}

func loadViews(a *assets) (*views, error) {
	funcs := template.FuncMap{
		"asset": a.url,
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(zhenxing.Beijing).Format("2006-01-02")
		},
		"datetime": func(t time.Time) string { return t.In(zhenxing.Beijing).Format("2006-01-02 15:04") },
		"cndate": func(t time.Time) string {
			t = t.In(zhenxing.Beijing)
			return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
		},
		"size":      humanSize,
		"wan":       content.Wan, // an amount in 万元, exact
		"percent":   percent,
		"share":     func(part, whole zhenxing.Money) float64 { return float64(part) / float64(max(whole, 1)) },
		"join":      strings.Join,
		"add":       func(a, b int) int { return a + b },
		"yuan":      zhenxing.Money.Yuan,
		"cards":     productCardsHTML,
		"pager":     pagerHTML,
		"timerange": timeRange,  // an event's time, e.g. 2026年12月5日 14:00–16:30
		"place":     eventPlace, // where an event is held
		"jsonld": func(v any) (template.HTML, error) {
			b, err := json.Marshal(v)
			if err != nil {
				return "", err
			}
			// json.Marshal escapes <, > and & so the data cannot close the script element.
			return template.HTML(`<script type="application/ld+json">` + string(b) + `</script>`), nil
		},
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	pages, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	v := &views{pages: map[string]*template.Template{}}
	for _, p := range pages {
		t, err := template.Must(base.Clone()).ParseFS(templateFS, p)
		if err != nil {
			return nil, err
		}
		v.pages[strings.TrimSuffix(path.Base(p), ".html")] = t
	}
	return v, nil
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%d 字节", n)
	}
}

// crumb is one step of the breadcrumbs; the last has no URL.
type crumb struct {
	Name string
	URL  string
}

// section is the part of the site a page belongs to, by which the layout marks the current
// item of the main navigation.
type section string

const (
	sectionHome     section = "home"
	sectionOpen     section = "open"
	sectionHall     section = "hall"
	sectionJobs     section = "jobs"
	sectionInteract section = "interact"
	sectionAdmin    section = "admin"
)

// Layout is what the layout template shows around every page. Each page's data is a struct that
// embeds it, with the page's own fields beside it; the handler fills the fields above Site, and
// renderPage the rest.
type Layout struct {
	Title       string // the <title> and <h1>
	Description string
	Keywords    string
	Column      string // ColumnName meta
	Section     section
	PubDate     string // "YYYY-MM-DD HH:MM", document and event pages only
	Source      string // ContentSource meta
	Canonical   string // defaults to the request's path on the public site
	Crumbs      []crumb
	JSONLD      any
	NoIndex     bool
	Message     string // a notice shown above the content
	ReadAloud   bool   // offer 朗读本页 (documents, events, products)

	Site   Identity
	Domain string
	Prefs  prefs
	Path   string // where the display-mode links return to; defaults to the request's path and query
	Year   int
}

func (l *Layout) layout() *Layout { return l }

// FeedbackLink is the footer's link to the site's own error form, naming the page's path.
func (l *Layout) FeedbackLink() string {
	path := "/"
	if u, err := url.Parse(l.Canonical); err == nil && u.Path != "" {
		path = u.Path
	}
	return "/feedback?page=" + url.QueryEscape(path)
}

// ErrorReportLink is the footer's link to the national error-report platform (我为政府网站找错):
// its address with the site's 网站标识码 and this page's address, so that a report arrives
// already naming both. Any other kind of address (a mailto: an operator set) is left as it is.
func (l *Layout) ErrorReportLink() string {
	u, err := url.Parse(l.Site.ErrorReportURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return l.Site.ErrorReportURL
	}
	q := u.Query()
	q.Set("sitecode", l.Site.SiteIDCode)
	q.Set("url", l.Canonical)
	u.RawQuery = q.Encode()
	return u.String()
}

// pageData is the data of a page template: a pointer to a struct that embeds Layout.
type pageData interface{ layout() *Layout }

// renderPage executes the page template name with p into the response.
func (s *Server) renderPage(c *fiber.Ctx, status int, name string, p pageData) error {
	body, err := s.renderPageBytes(c, name, p)
	if err != nil {
		return err
	}
	return sendHTML(c, status, body)
}

// renderPageBytes executes the page template name with p, after filling in p's layout: the
// site's identity, the reader's display modes, the year, and the path and canonical URL when the
// handler left them empty. An unknown template is an error.
func (s *Server) renderPageBytes(c *fiber.Ctx, name string, p pageData) ([]byte, error) {
	t, ok := s.views.pages[name]
	if !ok {
		return nil, fmt.Errorf("no template %q", name)
	}
	l := p.layout()
	l.Site = s.cfg.Identity
	l.Domain = s.cfg.BaseURL.Host
	l.Prefs = prefsOf(c)
	if l.Path == "" {
		l.Path = string(c.Request().URI().RequestURI())
	}
	l.Year = s.now().Year()
	if l.Canonical == "" {
		l.Canonical = s.absURL(c.Path())
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

func sendHTML(c *fiber.Ctx, status int, body []byte) error {
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(body)
}

// absURL makes an absolute URL on the public site from a path.
func (s *Server) absURL(p string) string {
	u := *s.cfg.BaseURL
	u.Path = strings.TrimSuffix(u.Path, "/") + p
	return u.String()
}
