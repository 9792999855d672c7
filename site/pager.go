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
	base := url.Values{}
	c.Context().QueryArgs().VisitAll(func(k, v []byte) { base.Add(string(k), string(v)) })
	link := func(n int) string {
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
	}
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

// filterURL returns the current path with one query parameter set (or removed when v is "")
// and the page reset, for filter links.
func filterURL(path string, query url.Values, k, v string) string {
	q := url.Values{}
	for key, vals := range query {
		q[key] = vals
	}
	q.Del("page")
	if v == "" {
		q.Del(k)
	} else {
		q.Set(k, v)
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}
