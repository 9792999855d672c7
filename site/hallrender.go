package site

import (
	"bytes"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gofiber/fiber/v2"
)

// Rendering a hall listing cheaply. html/template spends most of a page's time finding fields
// and calling its escapers by reflection: the layout alone costs more than filtering and counting
// 20,000 products. So the parts of a listing that have many values (the product cards, some
// seventy facet links, the filters in force, the sort orders) are written here in Go, with the
// same escaping html/template applies in the same places, and the layout around the listing is
// rendered once per display mode (listingShells) instead of once per request. Everything written
// here comes from the catalogue or from addresses the site built itself.

// htmlBuf is a page being written.
type htmlBuf struct{ b []byte }

func (h *htmlBuf) Write(p []byte) (int, error) { h.b = append(h.b, p...); return len(p), nil }
func (h *htmlBuf) WriteString(s string)        { h.b = append(h.b, s...) }
func (h *htmlBuf) Grow(n int)                  { h.b = slices.Grow(h.b, n) }

// link writes an a element to href with the text label, and extra (already HTML) after the text.
func (h *htmlBuf) link(href, label, extra string) {
	h.WriteString("<a href=\"")
	h.esc(href)
	h.WriteString("\">")
	h.esc(label)
	h.WriteString(extra)
	h.WriteString("</a>")
}

// span writes a span element of the class with the text.
func (h *htmlBuf) span(class, text string) {
	h.WriteString("<span class=\"")
	h.esc(class)
	h.WriteString("\">")
	h.esc(text)
	h.WriteString("</span>")
}

// htmlEscapes are the replacements html/template makes in text and quoted attribute values, by
// byte; "" for a byte written as it is.
var htmlEscapes = [256]string{0: "\uFFFD", '"': "&#34;", '&': "&amp;", '\'': "&#39;", '+': "&#43;", '<': "&lt;", '>': "&gt;"}

// esc writes s escaped as html/template escapes text and quoted attribute values.
func (h *htmlBuf) esc(s string) {
	start := 0
	for i := 0; i < len(s); i++ {
		if r := htmlEscapes[s[i]]; r != "" {
			h.b = append(append(h.b, s[start:i]...), r...)
			start = i + 1
		}
	}
	h.b = append(h.b, s[start:]...)
}

// pagerHTML is the pager partial, which every list of the site shows: nothing for a list of one
// page, else the links to the previous and next pages and to the pages around this one.
func pagerHTML(p pager) template.HTML {
	var b htmlBuf
	writePager(&b, p)
	return template.HTML(b.b)
}

func writePager(b *htmlBuf, p pager) {
	if p.Pages <= 1 {
		return
	}
	b.WriteString("\n<nav class=\"pager\" aria-label=\"分页\">\n  <ul>")
	if p.Prev != "" {
		b.WriteString("<li><a href=\"")
		b.esc(p.Prev)
		b.WriteString("\" rel=\"prev\">上一页</a></li>")
	}
	for _, l := range p.Links {
		b.WriteString("\n    <li>")
		switch n := strconv.Itoa(l.Number); {
		case l.Gap:
			b.WriteString("<span aria-hidden=\"true\">…</span>")
		case l.Current:
			b.WriteString("<span aria-current=\"page\">" + n + "</span>")
		default:
			b.WriteString("<a href=\"")
			b.esc(l.URL)
			b.WriteString("\" aria-label=\"第" + n + "页\">" + n + "</a>")
		}
		b.WriteString("</li>")
	}
	if p.Next != "" {
		b.WriteString("<li><a href=\"")
		b.esc(p.Next)
		b.WriteString("\" rel=\"next\">下一页</a></li>")
	}
	b.WriteString("\n  </ul>\n</nav>")
}

// productCardsHTML is the productcards partial: the cards of a list of products, or a line
// saying there are none.
func productCardsHTML(cards []hallCard) template.HTML {
	var b htmlBuf
	writeCards(&b, cards)
	return template.HTML(b.b)
}

func writeCards(b *htmlBuf, cards []hallCard) {
	b.Grow(256 + 700*len(cards))
	b.WriteString("\n<ul class=\"product-cards\">")
	for i := range cards {
		c := &cards[i]
		b.WriteString("\n  <li class=\"product-card\">")
		if ph := c.Photo; ph != nil {
			alt := ph.Alt
			if alt == "" {
				alt = c.Name
			}
			b.WriteString("\n    <img src=\"")
			b.esc(ph.URL())
			b.WriteString("\" alt=\"")
			b.esc(alt)
			b.WriteString("\" width=\"400\" height=\"300\" loading=\"lazy\">")
		} else {
			b.WriteString("\n    <span class=\"photo-missing\">暂无图片</span>")
		}
		b.WriteString("\n    <h3>")
		b.link(c.URL, c.Name, "")
		b.WriteString("</h3>\n    <p class=\"price\"><strong>¥")
		b.WriteString(c.Price.Yuan())
		b.WriteString("</strong> / ")
		b.esc(c.Unit)
		b.WriteString("</p>\n    <p class=\"spec\">")
		b.esc(c.Spec)
		b.WriteString(" · ")
		b.esc(c.County)
		b.esc(c.Township)
		b.WriteString("</p>\n    <p class=\"muted\">")
		b.esc(c.SupplierName)
		b.WriteString("</p>\n    <p class=\"badges\">\n      ")
		season := "badge season-off"
		if c.Season == "当季" {
			season = "badge season-on"
		}
		b.span(season, c.Season)
		b.WriteString("\n      ")
		b.span("badge stock-"+c.StockClass, c.StockState)
		for _, f := range c.Flags {
			b.WriteString(" ")
			b.span("badge", f)
		}
		b.WriteString("\n    </p>\n  </li>")
	}
	if len(cards) == 0 {
		b.WriteString("\n  <li class=\"empty\">没有符合条件的产品。</li>")
	}
	b.WriteString("\n</ul>\n")
}

// writeListingMain writes the main part of a listing page (the hallproducts page): its title, the search
// form with the filters it carries along, the facets, the filters in force with links that
// remove them, the count, the sort orders, the cards and the pager (the pager partial).
func writeListingMain(b *htmlBuf, title string, l *hallListing) {
	b.WriteString("\n<h1>")
	b.esc(title)
	b.WriteString("</h1>\n<div class=\"hall-listing\">\n  <aside class=\"facets\" aria-labelledby=\"facets-title\">\n    <details class=\"filters-fold\"><summary>筛选条件</summary>\n    <h2 id=\"facets-title\" class=\"visually-hidden\">筛选</h2>\n    <form class=\"hall-search\" method=\"get\" action=\"/hall/products\">")
	for _, h := range l.Hidden {
		b.WriteString("\n      <input type=\"hidden\" name=\"")
		b.esc(h.Name)
		b.WriteString("\" value=\"")
		b.esc(h.Value)
		b.WriteString("\">")
	}
	b.WriteString("\n      <div class=\"field\"><label for=\"q\">关键词</label><input id=\"q\" name=\"q\" type=\"search\" value=\"")
	b.esc(l.Q)
	b.WriteString("\" maxlength=\"100\"></div>\n      <fieldset>\n        <legend>单价范围（元）</legend>\n        <div class=\"field\"><label for=\"min\">最低价</label><input id=\"min\" name=\"min\" inputmode=\"decimal\" value=\"")
	b.esc(l.Min)
	b.WriteString("\" size=\"8\"></div>\n        <div class=\"field\"><label for=\"max\">最高价</label><input id=\"max\" name=\"max\" inputmode=\"decimal\" value=\"")
	b.esc(l.Max)
	b.WriteString("\" size=\"8\"></div>\n      </fieldset>\n      <button type=\"submit\">查找</button>\n    </form>")
	l.writeFacets(b)
	b.WriteString("\n    </details>\n  </aside>\n  <div class=\"results\">")
	l.writeActive(b)
	b.WriteString("\n    <p class=\"count\" role=\"status\">共 ")
	b.WriteString(strconv.Itoa(l.Total))
	b.WriteString(" 种产品")
	if l.Pages > 1 {
		b.WriteString("，第 ")
		b.WriteString(strconv.Itoa(l.Page))
		b.WriteString("/")
		b.WriteString(strconv.Itoa(l.Pages))
		b.WriteString(" 页")
	}
	b.WriteString("</p>\n    ")
	l.writeSorts(b)
	b.WriteString("\n    ")
	writeCards(b, l.Products)
	b.WriteString("\n    ")
	writePager(b, l.Pager)
	b.WriteString("\n  </div>\n</div>\n")
}

// writeFacets writes the listing's facets, each a section with its values as links that add or
// remove them, and their counts.
func (l *hallListing) writeFacets(b *htmlBuf) {
	for _, g := range l.Facets {
		b.WriteString("\n    <section aria-labelledby=\"")
		b.esc(g.ID)
		b.WriteString("\">\n      <h3 id=\"")
		b.esc(g.ID)
		b.WriteString("\">")
		b.esc(g.Name)
		b.WriteString("</h3>\n      <ul>")
		for _, v := range g.Links {
			b.WriteString("\n        <li>")
			switch {
			case v.Selected:
				b.WriteString("<a class=\"facet-on\" href=\"")
				b.esc(v.URL)
				b.WriteString("\" title=\"取消此条件\"><span aria-hidden=\"true\">✓ </span><span class=\"visually-hidden\">已选：</span>")
				b.esc(v.Label)
				b.WriteString("</a>")
			case v.Count != 0:
				b.link(v.URL, v.Label, "")
			default:
				b.span("muted", v.Label)
			}
			b.WriteString(" <span class=\"facet-count\">（")
			b.WriteString(strconv.Itoa(v.Count))
			b.WriteString("）</span></li>")
		}
		if len(g.Links) == 0 {
			b.WriteString("\n        <li class=\"muted\">无</li>")
		}
		b.WriteString("\n      </ul>\n    </section>")
	}
}

// writeActive writes the filters in force, each with a link that removes it, and the link that
// removes them all; nothing when no filter is.
func (l *hallListing) writeActive(b *htmlBuf) {
	if len(l.Active) == 0 {
		return
	}
	b.WriteString("\n    <section class=\"active-filters\" aria-labelledby=\"active-title\">\n      <h2 id=\"active-title\">已选条件</h2>\n      <ul>")
	for _, f := range l.Active {
		b.WriteString("\n        <li>")
		b.link(f.RemoveURL, f.Label, "<span aria-hidden=\"true\"> ×</span><span class=\"visually-hidden\">（移除此条件）</span>")
		b.WriteString("</li>")
	}
	b.WriteString("\n        <li><a class=\"clear\" href=\"")
	b.esc(l.ClearURL)
	b.WriteString("\">清除全部条件</a></li>\n      </ul>\n    </section>")
}

// writeSorts writes the choice of sort orders, the current one marked.
func (l *hallListing) writeSorts(b *htmlBuf) {
	b.WriteString("<nav class=\"sorts\" aria-label=\"排序方式\">\n      <span class=\"sorts-label\">排序：</span>\n      <ul>")
	for _, o := range l.Sorts {
		b.WriteString("\n        <li>")
		if o.Current {
			b.WriteString("<span aria-current=\"true\">")
			b.esc(o.Label)
			b.WriteString("</span>")
		} else {
			b.link(o.URL, o.Label, "")
		}
		b.WriteString("</li>")
	}
	b.WriteString("\n      </ul>\n    </nav>")
}

// The markers a listing shell is rendered with, in place of the page's address and of its main
// part: letters and digits only, which every html/template escaper leaves as they are.
const (
	shellPathMarker = "zxshellpath7c41d9"
	shellMainMarker = "zxshellmain7c41d9"
)

// listingShells are the layouts of the hall listing, rendered around the markers, by what the
// layout shows that differs between listings. A listing page is its shell with the page's address
// (escaped as the layout's only use of it, a URL query value, escapes it) and its main part put
// in. The first page of each shell is also rendered whole and compared: if the layout ever renders
// otherwise than the shell assumes, shells are given up and every page is rendered whole.
type listingShells struct {
	mu     sync.RWMutex
	shells map[shellKey]*listingShell
	broken atomic.Bool
}

type shellKey struct {
	class, canonical string
	noIndex          bool
	year             int
}

// listingShell is a layout cut at the markers: the address goes between the pieces of head and
// of tail, the main part between head and tail.
type listingShell struct {
	head, tail []string
}

// listingBufs are the buffers listings are written into, reused from one request to the next:
// a listing page is some 40 KiB, which would otherwise be garbage after every request.
var listingBufs bufPool

type bufPool struct{ pool sync.Pool }

func (p *bufPool) get() *htmlBuf {
	if b, ok := p.pool.Get().(*htmlBuf); ok {
		return b
	}
	return &htmlBuf{b: make([]byte, 0, 64<<10)}
}

func (p *bufPool) put(b *htmlBuf) {
	if cap(b.b) <= 1<<20 {
		b.b = b.b[:0]
		p.pool.Put(b)
	}
}

// renderListing renders the hallproducts page v of the listing l into buf, as renderPageBytes
// would: the main part written by writeListingMain inside a shell of the layout. A page with a
// message above it is rendered whole, as is the first page of each shell, which checks it. The
// result is buf's bytes or, for a page rendered whole, a slice of its own.
func (s *Server) renderListing(c *fiber.Ctx, buf *htmlBuf, v *listingView, l *hallListing) ([]byte, error) {
	const name = "hallproducts"
	key := shellKey{class: prefsOf(c).Class(), canonical: v.Canonical, noIndex: v.NoIndex, year: s.now().Year()}
	if key.canonical == "" {
		key.canonical = s.absURL(c.Path())
	}
	var sh *listingShell
	if v.Message == "" && !s.shells.broken.Load() {
		s.shells.mu.RLock()
		sh = s.shells.shells[key]
		s.shells.mu.RUnlock()
	}
	if sh != nil {
		sh.fill(buf, v.Path, func(b *htmlBuf) { writeListingMain(b, v.Title, l) })
		return buf.b, nil
	}
	var main htmlBuf
	writeListingMain(&main, v.Title, l)
	v.Main = template.HTML(main.b)
	if v.Message != "" || s.shells.broken.Load() {
		return s.renderPageBytes(c, name, v)
	}
	sh, err := s.newListingShell(c, name, v)
	if err != nil {
		return nil, err
	}
	whole, err := s.renderPageBytes(c, name, v)
	if err != nil {
		return nil, err
	}
	if sh != nil {
		sh.fill(buf, v.Path, func(b *htmlBuf) { b.Write(main.b) })
	}
	if sh == nil || !bytes.Equal(buf.b, whole) {
		s.shells.broken.Store(true)
		s.log.Warn("hall listing: the layout does not fit a shell; listings are rendered whole", "path", c.Path())
		return whole, nil
	}
	s.shells.mu.Lock()
	if s.shells.shells == nil {
		s.shells.shells = map[shellKey]*listingShell{}
	}
	s.shells.shells[key] = sh
	s.shells.mu.Unlock()
	return whole, nil
}

// newListingShell renders the layout of v around the markers; nil when the markers do not come
// out once (main) and at least once (address) each.
func (s *Server) newListingShell(c *fiber.Ctx, name string, v *listingView) (*listingShell, error) {
	q := *v
	q.Path, q.Main = shellPathMarker, template.HTML(shellMainMarker)
	out, err := s.renderPageBytes(c, name, &q)
	if err != nil {
		return nil, err
	}
	head, tail, ok := strings.Cut(string(out), shellMainMarker)
	if !ok || strings.Contains(tail, shellMainMarker) || !strings.Contains(head+tail, shellPathMarker) {
		return nil, nil
	}
	return &listingShell{head: strings.Split(head, shellPathMarker), tail: strings.Split(tail, shellPathMarker)}, nil
}

// fill writes the page into b, from empty: the shell with the address put in and the main part
// written by main.
func (sh *listingShell) fill(b *htmlBuf, path string, main func(*htmlBuf)) {
	escaped := urlQueryEscape(path)
	b.b = b.b[:0]
	for i, part := range sh.head {
		if i > 0 {
			b.WriteString(escaped)
		}
		b.WriteString(part)
	}
	main(b)
	for i, part := range sh.tail {
		if i > 0 {
			b.WriteString(escaped)
		}
		b.WriteString(part)
	}
}

// urlQueryEscape escapes s as html/template escapes a value in a URL's query: every byte but
// ASCII letters, digits and "-._~" becomes %xx.
func urlQueryEscape(s string) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	b.Grow(3 * len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '.', c == '_', c == '~':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}
