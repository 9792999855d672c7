package site

import (
	"net/url"
	"strconv"
	"sync"
	"time"
)

// hallCache keeps the hall's rendered listings (pages and API answers) for ttl. Under load,
// requests for the same filters within that time are served from memory instead of filtering
// the catalogue and rendering again; a change of stock or listing shows after at most ttl. A ttl
// of 0 turns it off. Each replica keeps its own; nothing else depends on it.
type hallCache struct {
	ttl     time.Duration
	mu      sync.RWMutex
	entries map[string]hallCached
}

// hallCached is one cached response and when it expires.
type hallCached struct {
	*rendered
	expires time.Time
}

const maxHallCached = 1000 // past it, listings are rendered per request until entries expire

func (hc *hallCache) get(key string, now time.Time) (hallCached, bool) {
	hc.mu.RLock()
	defer hc.mu.RUnlock()
	e, ok := hc.entries[key]
	if !ok || now.After(e.expires) {
		return hallCached{}, false
	}
	return e, true
}

func (hc *hallCache) put(key, contentType string, body []byte, now time.Time) hallCached {
	e := hallCached{newRendered(contentType, body, false), now.Add(hc.ttl)}
	hc.mu.Lock()
	defer hc.mu.Unlock()
	if hc.entries == nil {
		hc.entries = map[string]hallCached{}
	}
	if len(hc.entries) >= maxHallCached {
		for k, old := range hc.entries {
			if now.After(old.expires) {
				delete(hc.entries, k)
			}
		}
	}
	if len(hc.entries) < maxHallCached {
		hc.entries[key] = e
	}
	return e
}

// listingURI is a listing's address built from its normalized filters and page: the cache key,
// and the address the display-mode links return to.
func listingURI(path string, v url.Values, page int) string {
	q := url.Values{}
	for k, vals := range v {
		q[k] = vals
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// hallPager is newPager for a listing whose links are built from its normalized filters, so that
// a cached page never carries one reader's stray parameters.
func hallPager(path string, v url.Values, current, pages int) pager {
	return buildPager(current, pages, func(n int) string { return listingURI(path, v, n) })
}
