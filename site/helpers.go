package site

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"zhenxing"
)

// What every resource of the site uses: reading the query string, the page of a list and its
// pager, and links to the same address with one parameter changed.

// queryValues copies the request's query string; Fiber's buffers are reused after the handler.
func queryValues(c *fiber.Ctx) url.Values {
	v := url.Values{}
	for k, val := range c.Context().QueryArgs().All() {
		v.Add(string(k), string(val))
	}
	return v
}

// positiveInt parses an optional positive integer parameter named name (in Chinese, for the
// message): "" is 0; anything but a whole number from 1 to 1,000,000 is an EInvalid error.
func positiveInt(v, name string) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1_000_000 {
		return 0, zhenxing.Errorf(zhenxing.EInvalid, "%s“%s”无效，应为正整数。", name, v)
	}
	return n, nil
}

// perPage is how many entries every list of the site shows on one page.
const perPage = 20

// pageNumber is the page of a list a request asks for, from 1.
type pageNumber int

// pageParam reads the page parameter of a list: 1 when there is none, an EInvalid error with a
// Chinese message when it is not a whole number from 1 to 1,000,000.
func pageParam(c *fiber.Ctx) (pageNumber, error) {
	n, err := positiveInt(c.Query("page"), "页码")
	if err != nil {
		return 0, err
	}
	return pageNumber(max(n, 1)), nil
}

// Number is the page's number, from 1.
func (n pageNumber) Number() int { return max(int(n), 1) }

// Offset is how many entries of the list come before the page.
func (n pageNumber) Offset() int { return (n.Number() - 1) * perPage }

// Limit is how many entries the page shows at the most.
func (n pageNumber) Limit() int { return perPage }

// Pages is the number of pages of a list of total entries: at least 1.
func (n pageNumber) Pages(total int) int { return max(1, (total+perPage-1)/perPage) }

// Past reports whether the page is after the last page of a list of total entries that is not
// empty: a page that shows nothing, and says so.
func (n pageNumber) Past(total int) bool { return total > 0 && n.Offset() >= total }

// Window returns the bounds [from, to) of the page in a list of total entries; both are total
// for a page past the end.
func (n pageNumber) Window(total int) (from, to int) {
	from = min(n.Offset(), total)
	return from, min(from+n.Limit(), total)
}

// Pager lays out the page links of a list of total entries, each base with the page set. For a
// list whose total is not counted, fetch Limit()+1 entries and pass Offset() plus the number
// fetched: the pager then offers a next page exactly when there is one.
func (n pageNumber) Pager(base link, total int) pager {
	return buildPager(n.Number(), n.Pages(total), func(i int) string { return base.Page(i).String() })
}

// pageOf returns the entries of list on page n: empty past the end.
func pageOf[T any](n pageNumber, list []T) []T {
	from, to := n.Window(len(list))
	return list[from:to]
}

// pager holds the links of a paginated listing; each keeps the page's other filters.
type pager struct {
	Page, Pages int
	Prev, Next  string
	Links       []pageLink
}

type pageLink struct {
	Number  int
	URL     string
	Current bool
	Gap     bool // an ellipsis in place of skipped numbers
}

// buildPager lays out the page links around current: the first and last page, two on each side,
// and a gap for the rest. link gives the URL of page n.
func buildPager(current, pages int, link func(n int) string) pager {
	p := pager{Page: current, Pages: pages}
	if current > 1 && current <= pages {
		p.Prev = link(current - 1)
	}
	if current < pages {
		p.Next = link(current + 1)
	}
	gap := false
	for n := 1; n <= pages; n++ {
		if n == 1 || n == pages || (n >= current-2 && n <= current+2) {
			p.Links = append(p.Links, pageLink{Number: n, URL: link(n), Current: n == current})
			gap = false
		} else if !gap {
			p.Links = append(p.Links, pageLink{Gap: true})
			gap = true
		}
	}
	return p
}

// link is an address on the site with its query, from which a listing builds the links to
// itself with one parameter changed: a facet value, a sort order, a filter removed, another page.
// A link is a value: every method returns a new link and leaves its receiver as it was. Empty
// parameter values are dropped (they select nothing), and a link that changes a filter starts
// again at the first page. A hall listing builds about eighty links, so a link keeps its
// parameters sorted by name and escaped once: a changed link copies them and escapes only what
// changed, and String joins them.
type link struct {
	path   string
	params []param // sorted by key; a key's values in the order given
}

// param is one key=value pair of a query, with its escaped form.
type param struct {
	key, value string
	escaped    string // url.QueryEscape(key) + "=" + url.QueryEscape(value)
}

func newParam(key, value string) param {
	return param{key, value, url.QueryEscape(key) + "=" + url.QueryEscape(value)}
}

// linkTo is the link of path with the query v; nil v is no query.
func linkTo(path string, v url.Values) link {
	keys := make([]string, 0, len(v))
	n := 0
	for k, vals := range v {
		keys = append(keys, k)
		n += len(vals)
	}
	slices.Sort(keys)
	l := link{path: path, params: make([]param, 0, n)}
	for _, k := range keys {
		for _, val := range v[k] {
			if val != "" {
				l.params = append(l.params, newParam(k, val))
			}
		}
	}
	return l
}

// requestLink is the link of the request's own path and query, copied out of Fiber's buffers.
func requestLink(c *fiber.Ctx) link {
	return linkTo(utils.CopyString(c.Path()), queryValues(c))
}

// with returns a copy of l without the page and without the pairs drop reports, with add (when
// its key is not "") put after the last pair whose key sorts before or equal to its own.
func (l link) with(drop func(param) bool, add param) link {
	out := link{path: l.path, params: make([]param, 0, len(l.params)+1)}
	added := add.key == ""
	for _, p := range l.params {
		if !added && p.key > add.key {
			out.params = append(out.params, add)
			added = true
		}
		if p.key != "page" && !drop(p) {
			out.params = append(out.params, p)
		}
	}
	if !added {
		out.params = append(out.params, add)
	}
	return out
}

// Set returns the link with the parameter key set to value alone, or removed when value is "",
// on the first page.
func (l link) Set(key, value string) link {
	var add param
	if value != "" {
		add = newParam(key, value)
	}
	return l.with(func(p param) bool { return p.key == key }, add)
}

// Del returns the link without the parameter key, on the first page.
func (l link) Del(key string) link { return l.Set(key, "") }

// Toggle returns the link with value added to the repeatable parameter key, or removed from it
// when it is there already, on the first page.
func (l link) Toggle(key, value string) link {
	for _, p := range l.params {
		if p.key == key && p.value == value {
			return l.with(func(p param) bool { return p.key == key && p.value == value }, param{})
		}
	}
	return l.with(func(param) bool { return false }, newParam(key, value))
}

// Page returns the link on page n of its list; the first page (or n below 1) has no page
// parameter.
func (l link) Page(n int) link {
	var add param
	if n > 1 {
		add = newParam("page", strconv.Itoa(n))
	}
	return l.with(func(param) bool { return false }, add)
}

// String is the link's path with its query as url.Values.Encode writes it (parameters sorted by
// name); the bare path when there are none.
func (l link) String() string {
	if len(l.params) == 0 {
		return l.path
	}
	n := len(l.path)
	for _, p := range l.params {
		n += 1 + len(p.escaped)
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(l.path)
	for i, p := range l.params {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(p.escaped)
	}
	return b.String()
}

// dbTimeout bounds each request's database work.
const dbTimeout = 10 * time.Second

// dbContext derives the deadline of a request's database work from the request.
func dbContext(c *fiber.Ctx) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.UserContext(), dbTimeout)
}
