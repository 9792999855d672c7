package site

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"
)

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

func newPager(c *fiber.Ctx, current, pages int) pager {
	base := queryValues(c)
	return buildPager(current, pages, func(n int) string {
		q := url.Values{}
		for k, v := range base {
			q[k] = v
		}
		q.Del("page")
		if n > 1 {
			q.Set("page", strconv.Itoa(n))
		}
		if len(q) == 0 {
			return c.Path()
		}
		return c.Path() + "?" + q.Encode()
	})
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

// queryValues copies the request's query string; Fiber's buffers are reused after the handler.
func queryValues(c *fiber.Ctx) url.Values {
	v := url.Values{}
	for k, val := range c.Context().QueryArgs().All() {
		v.Add(string(k), string(val))
	}
	return v
}
