package search

import (
	"container/list"
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Cached is an engine that remembers the answers to the latest distinct queries, which on a
// public site are mostly the same few: an answer is kept until it is among the least recently
// asked beyond Size, or until the records or synonyms change through the cache (Replace and
// SetSynonyms forget everything). Every replica has its own cache, and its own indexer writes
// through it, so no answer outlives the index it came from.
type Cached struct {
	engine Engine
	size   int

	mu      sync.Mutex
	gen     uint64 // moves with every write: an answer computed before it is not kept
	order   *list.List
	entries map[string]*list.Element
}

type cacheEntry struct {
	key string
	res *Result
	ids []string
}

// NewCached wraps e with a cache of size answers; size 0 or less returns e itself.
func NewCached(e Engine, size int) Engine {
	if size <= 0 {
		return e
	}
	return &Cached{engine: e, size: size, order: list.New(), entries: map[string]*list.Element{}}
}

func queryKey(q Query) string {
	var b strings.Builder
	b.WriteString("s\x00" + q.Text + "\x00" + string(q.Sort) + "\x00" + strconv.Itoa(q.Page) + "\x00" + strconv.Itoa(q.PerPage) + "\x00")
	for _, t := range q.Types {
		b.WriteString(string(t) + ",")
	}
	b.WriteByte(0)
	fields := make([]string, 0, len(q.Filters))
	for f := range q.Filters {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	for _, f := range fields {
		b.WriteString(f + "=" + strings.Join(q.Filters[f], "\x01") + ";")
	}
	b.WriteByte(0)
	b.WriteString(strings.Join(q.Facets, ","))
	return b.String()
}

func (c *Cached) get(key string) (*cacheEntry, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		c.order.MoveToFront(el)
		return el.Value.(*cacheEntry), c.gen
	}
	return nil, c.gen
}

func (c *Cached) put(gen uint64, e *cacheEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if el, ok := c.entries[e.key]; ok {
		el.Value = e
		c.order.MoveToFront(el)
		return
	}
	c.entries[e.key] = c.order.PushFront(e)
	for c.order.Len() > c.size {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.entries, last.Value.(*cacheEntry).key)
	}
}

func (c *Cached) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.order.Init()
	clear(c.entries)
}

// Search implements Engine. A remembered answer is shared: callers must not change it.
func (c *Cached) Search(ctx context.Context, q Query) (*Result, error) {
	start := time.Now()
	if err := checkQuery(&q); err != nil {
		return nil, err
	}
	key := queryKey(q)
	if e, _ := c.get(key); e != nil {
		res := *e.res
		res.Took = time.Since(start)
		return &res, nil
	}
	_, gen := c.get("")
	res, err := c.engine.Search(ctx, q)
	if err == nil {
		c.put(gen, &cacheEntry{key: key, res: res})
	}
	return res, err
}

// Match implements Engine. A remembered answer is shared: callers must not change it.
func (c *Cached) Match(ctx context.Context, t Type, text string, limit int) ([]string, error) {
	key := "m\x00" + string(t) + "\x00" + strconv.Itoa(limit) + "\x00" + cleanText(text)
	if e, _ := c.get(key); e != nil {
		return e.ids, nil
	}
	_, gen := c.get("")
	ids, err := c.engine.Match(ctx, t, text, limit)
	if err == nil {
		c.put(gen, &cacheEntry{key: key, ids: ids})
	}
	return ids, err
}

// Replace implements Engine, and forgets every answer.
func (c *Cached) Replace(ctx context.Context, types []Type, recs []Record) error {
	defer c.forget()
	return c.engine.Replace(ctx, types, recs)
}

// SetSynonyms implements Engine, and forgets every answer.
func (c *Cached) SetSynonyms(ctx context.Context, syn Synonyms) error {
	defer c.forget()
	return c.engine.SetSynonyms(ctx, syn)
}

// Close implements Engine.
func (c *Cached) Close() error { return c.engine.Close() }
