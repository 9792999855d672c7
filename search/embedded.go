package search

import (
	"cmp"
	"context"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Embedded is the default engine: an in-memory index of single characters and character pairs
// over the folded text of every record, with each match of three characters or more confirmed
// against the text itself, so a query finds exactly the records whose folded text contains it,
// at any position. Hits are ranked by BM25 over the body and by where else the query matched
// (title, tags, codes, pinyin of the names). Records are kept in one immutable segment per type;
// Replace builds the new segments beside the old, which keep answering, and swaps them in.
type Embedded struct {
	mu  sync.Mutex // serialises writers
	cur atomic.Pointer[embeddedState]
}

type embeddedState struct {
	segs map[Type]*segment
	syn  Synonyms
}

// NewEmbedded returns an empty embedded engine.
func NewEmbedded() *Embedded {
	e := &Embedded{}
	e.cur.Store(&embeddedState{segs: map[Type]*segment{}, syn: Synonyms{}})
	return e
}

// The fields of a record, as bits of a posting's mask.
const (
	fTitle uint32 = 1 << iota
	fTags
	fCodes
	fBody
	fPinyin // matched by pinyin, never in a posting
)

// Field weights of a term's score; the body's is scaled by BM25.
var fieldWeight = [...]float64{fTitle: 4, fTags: 2, fCodes: 2, fBody: 1, fPinyin: 1.5}

const (
	tfBits  = 8
	tfMax   = 1<<tfBits - 1
	maskOff = tfBits
	idxOff  = tfBits + 4
	// A posting is idx<<idxOff | mask<<maskOff | tf: the record's position in its segment, the
	// fields the gram is in, and how often it is in the body (at most tfMax).
	bm25K1 = 1.2
	bm25B  = 0.75
)

// segment is the index of the records of one type. It never changes once built.
type segment struct {
	recs    []Record
	folded  []foldedRecord
	grams   map[uint64][]uint32 // gram → postings, by record position
	avgBody float64             // mean body length in runes
	hasPY   bool                // some record has pinyin
}

type foldedRecord struct {
	title, tags, codes, body string
	bodyLen                  int
	codeSet                  []string // each code folded
	pinyin                   []string // full and initials of each name
}

func unigram(r rune) uint64     { return uint64(r) }
func bigram(a, b rune) uint64   { return 1<<63 | uint64(a)<<21 | uint64(b) }
func postingIdx(p uint32) int32 { return int32(p >> idxOff) }
func postingMask(p uint32) uint32 {
	return (p >> maskOff) & 0xf
}
func postingTF(p uint32) int { return int(p & tfMax) }

func buildSegment(recs []Record) *segment {
	s := &segment{recs: recs, folded: make([]foldedRecord, len(recs))}
	// Fold in parallel: it is most of the work, and independent per record.
	workers := min(runtime.GOMAXPROCS(0), max(1, len(recs)/256))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(recs); i += workers {
				s.folded[i] = foldRecord(&recs[i])
			}
		}()
	}
	wg.Wait()

	grams := make(map[uint64][]uint32, 1<<12)
	local := make(map[uint64]uint32, 256)
	var total int
	for i := range s.folded {
		f := &s.folded[i]
		clear(local)
		for field, text := range [...]string{fTitle: f.title, fTags: f.tags, fCodes: f.codes, fBody: f.body} {
			if text == "" {
				continue
			}
			bit := uint32(field)
			var prev rune = ' '
			for _, r := range text {
				if r != ' ' {
					addGram(local, unigram(r), bit)
					if prev != ' ' {
						addGram(local, bigram(prev, r), bit)
					}
				}
				prev = r
			}
		}
		for g, v := range local {
			grams[g] = append(grams[g], uint32(i)<<idxOff|v)
		}
		total += f.bodyLen
		if len(f.pinyin) > 0 {
			s.hasPY = true
		}
	}
	// One arena for every posting list: no slack from append, fewer objects for the collector.
	n := 0
	for _, p := range grams {
		n += len(p)
	}
	arena := make([]uint32, 0, n)
	for g, p := range grams {
		start := len(arena)
		arena = append(arena, p...)
		grams[g] = arena[start:len(arena):len(arena)]
	}
	s.grams = grams
	if len(recs) > 0 {
		s.avgBody = float64(total) / float64(len(recs))
	}
	return s
}

// addGram records that the record has gram g in field bit (the fields are fTitle..fBody, so bit
// is the mask bit itself); body occurrences count towards the gram's frequency.
func addGram(local map[uint64]uint32, g uint64, bit uint32) {
	v := local[g]
	v |= bit << maskOff
	if bit == fBody && v&tfMax < tfMax {
		v++
	}
	local[g] = v
}

func foldRecord(r *Record) foldedRecord {
	f := foldedRecord{title: Fold(r.Title), tags: Fold(strings.Join(r.Tags, " ")), body: Fold(r.Text)}
	for _, c := range r.Codes {
		if c := Fold(c); c != "" {
			f.codeSet = append(f.codeSet, c)
		}
	}
	f.codes = strings.Join(f.codeSet, " ")
	f.bodyLen = len([]rune(f.body))
	for _, n := range r.Names {
		full, initials := Pinyin(n)
		if full == "" {
			continue
		}
		f.pinyin = append(f.pinyin, full, initials)
		if strings.Contains(full, "v") {
			f.pinyin = append(f.pinyin, strings.ReplaceAll(full, "v", "u"))
		}
	}
	return f
}

// match is one record matching one term: its position and the fields it matched in.
type match struct {
	idx  int32
	mask uint32
	tf   int
}

// matchTerm returns the records of s whose folded fields contain term (a folded word without
// spaces), by position.
func (s *segment) matchTerm(term string) []match {
	runes := []rune(term)
	var out []match
	if len(runes) == 1 {
		for _, p := range s.grams[unigram(runes[0])] {
			out = append(out, match{postingIdx(p), postingMask(p), postingTF(p)})
		}
	} else {
		lists := make([][]uint32, len(runes)-1)
		for i := range lists {
			lists[i] = s.grams[bigram(runes[i], runes[i+1])]
			if len(lists[i]) == 0 {
				lists = nil
				break
			}
		}
		if lists != nil {
			slices.SortFunc(lists, func(a, b []uint32) int { return cmp.Compare(len(a), len(b)) })
			out = s.intersect(lists, term, len(runes) > 2)
		}
	}
	if s.hasPY && latinWord(term) && len(term) >= 2 {
		out = s.addPinyin(out, term)
	}
	return out
}

// intersect walks the shortest posting list and keeps the records in every other list; with
// confirm, it keeps only the fields that really contain term (pairs can all be present without
// the whole word).
func (s *segment) intersect(lists [][]uint32, term string, confirm bool) []match {
	cursors := make([]int, len(lists))
	var out []match
next:
	for _, p := range lists[0] {
		idx := postingIdx(p)
		mask, tf := postingMask(p), postingTF(p)
		for j := 1; j < len(lists); j++ {
			l := lists[j]
			c := cursors[j]
			// Gallop to idx: lists are sorted by record position.
			step := 1
			for c+step < len(l) && postingIdx(l[c+step]) < idx {
				c += step
				step *= 2
			}
			for c < len(l) && postingIdx(l[c]) < idx {
				c++
			}
			cursors[j] = c
			if c == len(l) {
				break next
			}
			if postingIdx(l[c]) != idx {
				continue next
			}
			mask &= postingMask(l[c])
			tf = min(tf, postingTF(l[c]))
		}
		if confirm {
			f := &s.folded[idx]
			for bit, text := range [...]string{fTitle: f.title, fTags: f.tags, fCodes: f.codes, fBody: f.body} {
				if mask&uint32(bit) != 0 && text != "" && !strings.Contains(text, term) {
					mask &^= uint32(bit)
				}
			}
		}
		if mask != 0 {
			out = append(out, match{idx, mask, tf})
		}
	}
	return out
}

// addPinyin merges into ms the records whose names' pinyin contains term.
func (s *segment) addPinyin(ms []match, term string) []match {
	var py []match
	for i := range s.folded {
		for _, p := range s.folded[i].pinyin {
			if strings.Contains(p, term) {
				py = append(py, match{int32(i), fPinyin, 0})
				break
			}
		}
	}
	if len(py) == 0 {
		return ms
	}
	return unionMatches(ms, py)
}

// unionMatches merges two match lists sorted by position.
func unionMatches(a, b []match) []match {
	out := make([]match, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i].idx < b[j].idx):
			out = append(out, a[i])
			i++
		case i == len(a) || b[j].idx < a[i].idx:
			out = append(out, b[j])
			j++
		default:
			m := a[i]
			m.mask |= b[j].mask
			m.tf = max(m.tf, b[j].tf)
			out = append(out, m)
			i++
			j++
		}
	}
	return out
}

// scored is a record that matched every term.
type scored struct {
	seg   *segment
	idx   int32
	score float64
}

// run matches every term (each with its synonyms) and scores the records that have them all.
func (s *segment) run(terms [][]string, exact string) []scored {
	var acc map[int32]float64
	n := float64(len(s.recs))
	for _, alts := range terms {
		var ms []match
		for _, alt := range alts {
			if m := s.matchTerm(alt); len(m) > 0 {
				ms = unionMatches(ms, m)
			}
		}
		if len(ms) == 0 {
			return nil
		}
		df := float64(len(ms))
		idf := math.Log(1 + (n-df+0.5)/(df+0.5))
		next := make(map[int32]float64, len(ms))
		for _, m := range ms {
			prev, ok := acc[m.idx]
			if acc != nil && !ok {
				continue
			}
			next[m.idx] = prev + idf*s.fieldScore(m)
		}
		if len(next) == 0 {
			return nil
		}
		acc = next
	}
	out := make([]scored, 0, len(acc))
	for idx, sc := range acc {
		f := &s.folded[idx]
		if exact != "" {
			if slices.Contains(f.codeSet, exact) {
				sc += 1000
			} else if f.title == exact {
				sc += 10
			} else if strings.HasPrefix(f.title, exact) {
				sc += 2
			}
		}
		if s.recs[idx].Demoted {
			sc *= 0.5
		}
		out = append(out, scored{s, idx, sc})
	}
	return out
}

func (s *segment) fieldScore(m match) float64 {
	var sc float64
	for _, bit := range [...]uint32{fTitle, fTags, fCodes, fPinyin} {
		if m.mask&bit != 0 {
			sc += fieldWeight[bit]
		}
	}
	if m.mask&fBody != 0 {
		tf := float64(max(m.tf, 1))
		norm := 1 - bm25B + bm25B*float64(s.folded[m.idx].bodyLen)/max(s.avgBody, 1)
		sc += fieldWeight[fBody] * tf * (bm25K1 + 1) / (tf + bm25K1*norm)
	}
	return sc
}

// expand pairs each term with its synonyms.
func expand(terms []string, syn Synonyms) [][]string {
	out := make([][]string, len(terms))
	for i, t := range terms {
		alts := []string{t}
		for _, s := range syn[t] {
			// A synonym of several words must appear as written, spaces aside.
			alts = append(alts, strings.ReplaceAll(s, " ", ""))
		}
		out[i] = alts
	}
	return out
}

// Search implements Engine.
func (e *Embedded) Search(ctx context.Context, q Query) (*Result, error) {
	start := time.Now()
	if err := checkQuery(&q); err != nil {
		return nil, err
	}
	st := e.cur.Load()
	res := &Result{Counts: map[Type]int{}, Facets: map[string][]FacetCount{}, Page: q.Page, PerPage: q.PerPage}
	for _, f := range q.Facets {
		res.Facets[f] = []FacetCount{}
	}
	terms := Terms(q.Text)
	if len(terms) == 0 {
		res.Took = time.Since(start)
		return res, nil
	}
	exact := strings.Join(terms, " ")
	expanded := expand(terms, st.syn)

	var found []scored
	for _, t := range Types {
		seg := st.segs[t]
		if seg == nil {
			continue
		}
		hits := seg.run(expanded, exact)
		res.Counts[t] = len(hits)
		if len(q.Types) == 0 || slices.Contains(q.Types, t) {
			found = append(found, hits...)
		}
	}
	// Filters, and facet counts that apply every filter but their own field's.
	keep := found[:0]
	for _, h := range found {
		facets := h.seg.recs[h.idx].Facets
		failed := ""
		for field, values := range q.Filters {
			if len(values) > 0 && !slices.Contains(values, facets[field]) {
				if failed != "" {
					failed = "\x00" // two fields failed: counts in no facet
					break
				}
				failed = field
			}
		}
		for _, field := range q.Facets {
			if v := facets[field]; v != "" && (failed == "" || failed == field) {
				res.Facets[field] = addFacet(res.Facets[field], v)
			}
		}
		if failed == "" {
			keep = append(keep, h)
		}
	}
	found = keep
	for field, counts := range res.Facets {
		slices.SortStableFunc(counts, func(a, b FacetCount) int {
			if c := cmp.Compare(b.Count, a.Count); c != 0 {
				return c
			}
			return strings.Compare(a.Value, b.Value)
		})
		res.Facets[field] = counts
	}
	sortScored(found, q.Sort)
	res.Total = len(found)
	from := min((q.Page-1)*q.PerPage, len(found))
	to := min(from+q.PerPage, len(found))
	terms = allAlternatives(expanded)
	for _, h := range found[from:to] {
		r := &h.seg.recs[h.idx]
		res.Hits = append(res.Hits, Hit{Type: r.Type, ID: r.ID, URL: r.URL,
			Title: Highlight(r.Title, terms, 0), Snippet: Highlight(r.Text, terms, snippetRunes)})
	}
	res.Took = time.Since(start)
	return res, ctx.Err()
}

func allAlternatives(expanded [][]string) []string {
	var out []string
	for _, alts := range expanded {
		out = append(out, alts...)
	}
	return out
}

func addFacet(counts []FacetCount, v string) []FacetCount {
	for i := range counts {
		if counts[i].Value == v {
			counts[i].Count++
			return counts
		}
	}
	return append(counts, FacetCount{Value: v, Count: 1})
}

func sortScored(found []scored, order Sort) {
	slices.SortFunc(found, func(a, b scored) int {
		ra, rb := &a.seg.recs[a.idx], &b.seg.recs[b.idx]
		if order == ByDate {
			if c := rb.Date.Compare(ra.Date); c != 0 {
				return c
			}
		}
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		if c := rb.Date.Compare(ra.Date); c != 0 {
			return c
		}
		return strings.Compare(ra.Key(), rb.Key())
	})
}

// Match implements Engine.
func (e *Embedded) Match(ctx context.Context, t Type, text string, limit int) ([]string, error) {
	if limit <= 0 || limit > MaxMatches {
		limit = MaxMatches
	}
	st := e.cur.Load()
	seg := st.segs[t]
	terms := Terms(cleanText(text))
	if seg == nil || len(terms) == 0 {
		return nil, ctx.Err()
	}
	found := seg.run(expand(terms, st.syn), strings.Join(terms, " "))
	sortScored(found, ByRelevance)
	ids := make([]string, 0, min(limit, len(found)))
	for _, h := range found[:min(limit, len(found))] {
		ids = append(ids, seg.recs[h.idx].ID)
	}
	return ids, ctx.Err()
}

// Replace implements Engine. Segments of different types are built in parallel.
func (e *Embedded) Replace(ctx context.Context, types []Type, recs []Record) error {
	byType := map[Type][]Record{}
	for _, t := range types {
		byType[t] = []Record{}
	}
	for _, r := range recs {
		if _, ok := byType[r.Type]; ok {
			byType[r.Type] = append(byType[r.Type], r)
		}
	}
	built := make(map[Type]*segment, len(byType))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for t, rs := range byType {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seg := buildSegment(rs)
			mu.Lock()
			built[t] = seg
			mu.Unlock()
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	old := e.cur.Load()
	next := &embeddedState{segs: make(map[Type]*segment, len(Types)), syn: old.syn}
	for t, s := range old.segs {
		next.segs[t] = s
	}
	for t, s := range built {
		next.segs[t] = s
	}
	e.cur.Store(next)
	return nil
}

// SetSynonyms implements Engine.
func (e *Embedded) SetSynonyms(_ context.Context, syn Synonyms) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	old := e.cur.Load()
	e.cur.Store(&embeddedState{segs: old.segs, syn: syn})
	return nil
}

// Len returns the number of records held.
func (e *Embedded) Len() int {
	n := 0
	for _, s := range e.cur.Load().segs {
		n += len(s.recs)
	}
	return n
}

// Close implements Engine; it has nothing to release.
func (e *Embedded) Close() error { return nil }
