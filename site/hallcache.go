package site

import (
	"sync"
	"time"
)

// hallCache keeps the hall's rendered listings (pages and API answers) for ttl. Under load,
// requests for the same filters within that time are served from memory instead of filtering
// the catalogue and rendering again; a change of stock or listing shows after at most ttl. A ttl
// of 0 turns it off. Expired entries are dropped by age, at most one ttl after they expire, by
// whichever lookup or insert comes first after that (no goroutine of its own), and also when the
// cache is full. Each replica keeps its own; nothing else depends on it.
type hallCache struct {
	ttl     time.Duration
	mu      sync.RWMutex
	entries map[string]hallCached
	swept   time.Time // when expired entries were last dropped
}

// hallCached is one cached response and when it expires.
type hallCached struct {
	*rendered
	expires time.Time
}

const maxHallCached = 1000 // past it, listings are rendered per request until entries expire

// get returns the live entry for key; an expired or missing one is a miss.
func (hc *hallCache) get(key string, now time.Time) (hallCached, bool) {
	hc.mu.RLock()
	e, ok := hc.entries[key]
	due := hc.sweepDue(now)
	hc.mu.RUnlock()
	if due {
		hc.mu.Lock()
		hc.sweep(now)
		hc.mu.Unlock()
	}
	if !ok || now.After(e.expires) {
		return hallCached{}, false
	}
	return e, true
}

// put keeps body under key for the TTL (unless the cache is full of live entries) and returns
// the entry to send.
func (hc *hallCache) put(key, contentType string, body []byte, now time.Time) hallCached {
	e := hallCached{newRendered(contentType, body, false), now.Add(hc.ttl)}
	hc.mu.Lock()
	defer hc.mu.Unlock()
	if hc.entries == nil {
		hc.entries = map[string]hallCached{}
	}
	if hc.sweepDue(now) || len(hc.entries) >= maxHallCached {
		hc.sweep(now)
	}
	if len(hc.entries) < maxHallCached {
		hc.entries[key] = e
	}
	return e
}

// sweepDue reports whether a TTL has passed since the last sweep and something could have
// expired. The caller holds mu, for reading at least.
func (hc *hallCache) sweepDue(now time.Time) bool {
	return len(hc.entries) > 0 && now.Sub(hc.swept) >= hc.ttl
}

// sweep drops every expired entry. The caller holds mu for writing.
func (hc *hallCache) sweep(now time.Time) {
	if now.Sub(hc.swept) < hc.ttl && len(hc.entries) < maxHallCached {
		return // another caller swept in the meantime
	}
	hc.swept = now
	for k, e := range hc.entries {
		if now.After(e.expires) {
			delete(hc.entries, k)
		}
	}
}

// size is the number of entries held, expired or not.
func (hc *hallCache) size() int {
	hc.mu.RLock()
	defer hc.mu.RUnlock()
	return len(hc.entries)
}
