package site

import (
	"encoding/xml"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gorilla/feeds"

	"zhenxing/content"
)

// documentFeed is the Atom feed of the latest 50 documents, of all kinds or of one.
func (s *Server) documentFeed(c *fiber.Ctx) error {
	lib := s.deps.Content.Library()
	var kind content.Kind
	title := s.cfg.Identity.Name + " · " + openColumn
	link := "/open/"
	if c.Params("kind") != "" {
		k, err := kindParam(c)
		if err != nil {
			return err
		}
		kind, title, link = k, s.cfg.Identity.Name+" · "+k.Name(), "/open/"+string(k)+"/"
	}
	docs := lib.Latest(kind, 50)
	f := &feeds.Feed{
		Title:       title,
		Link:        &feeds.Link{Href: s.absURL(link)},
		Description: s.cfg.Identity.Name + "发布的政府信息",
		Author:      &feeds.Author{Name: s.cfg.Identity.Sponsor},
		Id:          s.absURL(c.Path()),
		Updated:     lib.Loaded(),
	}
	if len(docs) > 0 {
		f.Updated = docs[0].Published
	}
	for _, d := range docs {
		f.Items = append(f.Items, &feeds.Item{
			Id:          s.absURL(d.URL()),
			Title:       d.Title,
			Link:        &feeds.Link{Href: s.absURL(d.URL())},
			Description: d.Summary,
			Author:      &feeds.Author{Name: d.Publisher},
			Created:     d.Published,
			Updated:     d.Published,
		})
	}
	return sendAtom(c, f)
}

// sendAtom writes a feed as Atom, cacheable for five minutes.
func sendAtom(c *fiber.Ctx, f *feeds.Feed) error {
	atom, err := f.ToAtom()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/atom+xml; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.SendString(atom)
}

// robots allows every public page and names the sitemap.
func (s *Server) robots(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	return c.SendString("User-agent: *\nAllow: /\nDisallow: /admin\nDisallow: /prefs\n\nSitemap: " + s.absURL("/sitemap.xml") + "\n")
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type urlset struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

// sitemap lists every public page.
func (s *Server) sitemap(c *fiber.Ctx) error {
	lib := s.deps.Content.Library()
	set := urlset{}
	add := func(p string, t time.Time) {
		u := sitemapURL{Loc: s.absURL(p)}
		if !t.IsZero() {
			u.LastMod = t.Format("2006-01-02")
		}
		set.URLs = append(set.URLs, u)
	}
	add("/", time.Time{})
	add("/sitemap", time.Time{})
	add("/accessibility", time.Time{})
	add("/interact/", time.Time{})
	add("/interact/consultations", time.Time{})
	add("/open/", time.Time{})
	for _, k := range content.Kinds {
		add("/open/"+string(k)+"/", time.Time{})
	}
	for _, d := range lib.Latest("", lib.Len()) {
		mod := d.Published
		if n := len(d.History); n > 0 && d.History[n-1].Date.After(mod) {
			mod = d.History[n-1].Date
		}
		add(d.URL(), mod)
		for _, a := range d.Attachments {
			add(a.URL(), time.Time{})
		}
	}
	add("/open/projects", time.Time{})
	for _, p := range lib.AllProjects() {
		add(p.URL(), time.Time{})
	}
	add("/open/website-report/", time.Time{})
	add("/jobs/", time.Time{})
	add("/jobs/positions", time.Time{})
	for _, e := range lib.AllEvents() {
		add(e.URL(), e.Updated)
	}
	s.hallSitemap(c, add)
	out, err := xml.MarshalIndent(set, "", " ")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/xml; charset=utf-8")
	return c.SendString(xml.Header + strings.TrimSpace(string(out)) + "\n")
}
