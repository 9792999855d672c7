package search

import (
	"cmp"
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Embedded is the default engine: an in-memory index of single characters and character pairs
// over the folded text of every record, with each match of three characters or more confirmed
// against the text itself, so a query finds exactly the records whose folded text contains it,
// at any position. Hits are ranked by BM25 over the body and by where else the query matched
// (title, tags, codes, pinyin of the names), with each term's IDF taken over every type so that
// a product and a position that match alike score alike. Records are kept in one immutable
// segment per type;
// Replace builds the new segments beside the old, which keep answering, and swaps them in.
type Embedded struct {
	mu  sync.Mutex // serialises writers
	cur atomic.Pointer[embeddedState]

	dir    string // where snapshots are kept; "" for none
	log    *slog.Logger
	saving sync.WaitGroup // snapshots being written
	saveMu sync.Mutex     // one snapshot written at a time
}

type embeddedState struct {
	segs map[Type]*segment
	syn  Synonyms
}

// NewEmbedded returns an empty embedded engine.
func NewEmbedded() *Embedded { return NewEmbeddedAt("", nil) }

// NewEmbeddedAt returns an empty embedded engine that keeps a snapshot of each segment it builds
// in dir (snapshot.go) and reads a segment back from its snapshot, instead of building it, when
// its records are the same: a restart with the same content and catalogue does not rebuild the
// index. Snapshots are written in the background; Close waits for them. A snapshot that cannot be
// written or read is logged on log and the index works as without one.
func NewEmbeddedAt(dir string, log *slog.Logger) *Embedded {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	e := &Embedded{dir: dir, log: log}
	e.cur.Store(&embeddedState{segs: map[Type]*segment{}, syn: Synonyms{}})
	return e
}

// segmentOf returns the segment of recs, of type t: read from its snapshot when there is one,
// else built (and its snapshot written afterwards).
func (e *Embedded) segmentOf(t Type, recs []Record) (seg *segment, sum string) {
	if e.dir == "" {
		return buildSegment(recs), ""
	}
	sum = recordsHash(recs)
	seg, err := readSnapshot(e.dir, t, sum, recs)
	if err == nil {
		return seg, ""
	}
	if !errors.Is(err, fs.ErrNotExist) {
		e.log.Warn("search: snapshot not read, building the index", "type", t, "err", err)
	}
	return buildSegment(recs), sum
}

// save writes the snapshot of seg in the background, unless a newer segment of its type has
// replaced it by then.
func (e *Embedded) save(t Type, sum string, seg *segment) {
	e.saving.Add(1)
	go func() {
		defer e.saving.Done()
		e.saveMu.Lock()
		defer e.saveMu.Unlock()
		if e.cur.Load().segs[t] != seg {
			return
		}
		start := time.Now()
		if err := writeSnapshot(e.dir, t, sum, seg); err != nil {
			e.log.Warn("search: snapshot not written", "type", t, "err", err)
			return
		}
		e.log.Info("search: snapshot written", "type", t, "records", len(seg.recs), "took", time.Since(start))
	}()
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

// A posting is idx<<idxOff | mask<<maskOff | tf<<tfOff | pos: the record's position in its
// segment, the fields the gram is in, how often it is in the body (at most tfMax), and the byte
// offset of its first place in the folded body (0 when beyond posMax), where confirming a longer
// word can start looking.
type posting uint64

const (
	posBits = 28
	posMax  = 1<<posBits - 1
	tfOff   = posBits
	tfMax   = 1<<8 - 1
	maskOff = tfOff + 8
	idxOff  = maskOff + 4

	bm25K1 = 1.2
	bm25B  = 0.75
)

// segment is the index of the records of one type. It never changes once built.
type segment struct {
	recs    []Record
	folded  []foldedRecord
	grams   []map[uint64][]posting // gram → postings, by record position, in shards (shardOf)
	avgBody float64                // mean body length in runes
	hasPY   bool                   // some record has pinyin
	// pinyin is every record's pinyin strings, each ended by a NUL, in record order; pinyinAt
	// is where each string starts, pinyinOf the record it is of.
	pinyin   string
	pinyinAt []int32
	pinyinOf []int32
	facets   map[string]*facetValues
	dates    []int64 // by position: Record.Date in Unix seconds
}

type foldedRecord struct {
	title, tags, codes, body string
	bodyLen                  int
	codeSet                  []string // each code folded
	pinyin                   []string // full and initials of each name
}

func unigram(r rune) uint64    { return uint64(r) }
func bigram(a, b rune) uint64  { return 1<<63 | uint64(a)<<21 | uint64(b) }
func (p posting) idx() int32   { return int32(p >> idxOff) }
func (p posting) mask() uint32 { return uint32(p>>maskOff) & 0xf }
func (p posting) tf() int      { return int(p>>tfOff) & tfMax }
func (p posting) pos() int     { return int(p & posMax) }

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

	// The grams of each record, with their postings but for the position, by workers that take
	// a record each in turn; then the posting lists, one shard of the grams per worker, each
	// walking the records in order so that every list is sorted by position.
	type gramPosting struct {
		g uint64
		p posting
	}
	perRecord := make([][]gramPosting, len(recs))
	var next atomic.Int64
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make(map[uint64]posting, 256)
			for {
				i := int(next.Add(1) - 1)
				if i >= len(recs) {
					return
				}
				f := &s.folded[i]
				clear(local)
				for field, text := range [...]string{fTitle: f.title, fTags: f.tags, fCodes: f.codes, fBody: f.body} {
					if text == "" {
						continue
					}
					bit := uint32(field)
					var prev rune = ' '
					prevOff := 0
					for off, r := range text {
						if r != ' ' {
							addGram(local, unigram(r), bit, off)
							if prev != ' ' {
								addGram(local, bigram(prev, r), bit, prevOff)
							}
						}
						prev, prevOff = r, off
					}
				}
				list := make([]gramPosting, 0, len(local))
				for g, v := range local {
					list = append(list, gramPosting{g, posting(i)<<idxOff | v})
				}
				perRecord[i] = list
			}
		}()
	}
	wg.Wait()
	s.grams = make([]map[uint64][]posting, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			grams := make(map[uint64][]posting, 1<<12)
			n := 0
			for _, list := range perRecord {
				for _, e := range list {
					if shardOf(e.g, workers) == w {
						grams[e.g] = append(grams[e.g], e.p)
						n++
					}
				}
			}
			// One arena for the shard's lists: no slack from append, fewer objects to collect.
			arena := make([]posting, 0, n)
			for g, p := range grams {
				start := len(arena)
				arena = append(arena, p...)
				grams[g] = arena[start:len(arena):len(arena)]
			}
			s.grams[w] = grams
		}()
	}
	wg.Wait()
	s.finish()
	return s
}

// finish computes what a segment derives from its records and their folded text: the pinyin
// scan, the facets, the dates and the mean body length.
func (s *segment) finish() {
	var py strings.Builder
	total := 0
	for i := range s.folded {
		total += s.folded[i].bodyLen
		for _, p := range s.folded[i].pinyin {
			s.pinyinAt = append(s.pinyinAt, int32(py.Len()))
			s.pinyinOf = append(s.pinyinOf, int32(i))
			py.WriteString(p)
			py.WriteByte(0)
		}
	}
	s.pinyin = py.String()
	s.hasPY = s.pinyin != ""
	s.facets = buildFacets(s.recs)
	s.dates = make([]int64, len(s.recs))
	for i := range s.recs {
		s.dates[i] = s.recs[i].Date.Unix()
	}
	if len(s.recs) > 0 {
		s.avgBody = float64(total) / float64(len(s.recs))
	}
}

// shardOf is the shard of the posting lists that holds gram g.
func shardOf(g uint64, shards int) int {
	return int((g * 0x9e3779b97f4a7c15 >> 32) % uint64(shards))
}

// postings returns the posting list of gram g.
func (s *segment) postings(g uint64) []posting {
	return s.grams[shardOf(g, len(s.grams))][g]
}

// addGram records that the record has gram g in field bit (the fields are fTitle..fBody, so bit
// is the mask bit itself) at byte offset off; body occurrences count towards the gram's
// frequency, and the first gives its position.
func addGram(local map[uint64]posting, g uint64, bit uint32, off int) {
	v := local[g]
	if bit == fBody {
		if v.mask()&fBody == 0 && off <= posMax {
			v |= posting(off)
		}
		if v.tf() < tfMax {
			v += 1 << tfOff
		}
	}
	v |= posting(bit) << maskOff
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

// match is one record matching one term: its position and the fields it matched in; cover is,
// for a pinyin match, the share of the best-matching name's pinyin that the term covers.
type match struct {
	idx   int32
	mask  uint32
	tf    int
	cover float64
}

// matchTerm returns the records of s whose folded fields contain term (a folded word without
// spaces), by position.
func (s *segment) matchTerm(term string) []match {
	runes := []rune(term)
	var out []match
	if len(runes) == 1 {
		for _, p := range s.postings(unigram(runes[0])) {
			out = append(out, match{p.idx(), p.mask(), p.tf(), 0})
		}
	} else {
		lists := make([]pairList, 0, len(runes)-1)
		off := 0
		for i := 0; i+1 < len(runes); i++ {
			l := s.postings(bigram(runes[i], runes[i+1]))
			if len(l) == 0 {
				lists = nil
				break
			}
			lists = append(lists, pairList{l, off})
			off += utf8.RuneLen(runes[i])
		}
		if lists != nil {
			slices.SortFunc(lists, func(a, b pairList) int { return cmp.Compare(len(a.l), len(b.l)) })
			out = s.intersect(lists, term, len(runes) > 2)
		}
	}
	if s.hasPY && latinWord(term) && len(term) >= 2 {
		out = s.addPinyin(out, term)
	}
	return out
}

// pairList is the posting list of one pair of a word's characters, and the byte offset of the
// pair in the word.
type pairList struct {
	l   []posting
	off int
}

// intersect walks the shortest posting list and keeps the records in every other list. With
// confirm (a word of three characters or more), it keeps only the fields that really contain
// term: its pairs can all be present without the whole word. In the body, the pairs' first
// places say where to look: the word cannot start before any pair's first place less its offset
// in the word, and when those all agree the word is there, pair after pair.
func (s *segment) intersect(lists []pairList, term string, confirm bool) []match {
	cursors := make([]int, len(lists))
	var out []match
next:
	for _, p := range lists[0].l {
		idx := p.idx()
		mask, tf := p.mask(), p.tf()
		start := p.pos() - lists[0].off // where term would start, by each pair's first place
		aligned := true
		for j := 1; j < len(lists); j++ {
			l := lists[j].l
			c := cursors[j]
			// Gallop to idx: lists are sorted by record position.
			step := 1
			for c+step < len(l) && l[c+step].idx() < idx {
				c += step
				step *= 2
			}
			for c < len(l) && l[c].idx() < idx {
				c++
			}
			cursors[j] = c
			if c == len(l) {
				break next
			}
			if l[c].idx() != idx {
				continue next
			}
			mask &= l[c].mask()
			tf = min(tf, l[c].tf())
			if at := l[c].pos() - lists[j].off; at != start {
				aligned = false
				start = max(start, at)
			}
		}
		if confirm {
			f := &s.folded[idx]
			for bit, text := range [...]string{fTitle: f.title, fTags: f.tags, fCodes: f.codes} {
				if mask&uint32(bit) != 0 && text != "" && !strings.Contains(text, term) {
					mask &^= uint32(bit)
				}
			}
			if mask&fBody != 0 && !(aligned && start >= 0) && !strings.Contains(f.body[min(max(start, 0), len(f.body)):], term) {
				mask &^= fBody
			}
		}
		if mask != 0 {
			out = append(out, match{idx, mask, tf, 0})
		}
	}
	return out
}

// addPinyin merges into ms the records whose names' pinyin contains term, each scored by the
// largest share of one name's pinyin the term covers. It scans all the segment's pinyin at once.
func (s *segment) addPinyin(ms []match, term string) []match {
	var py []match
	for off := 0; off < len(s.pinyin); {
		k := strings.Index(s.pinyin[off:], term)
		if k < 0 {
			break
		}
		k += off
		j, found := slices.BinarySearch(s.pinyinAt, int32(k))
		if !found {
			j--
		}
		end := len(s.pinyin)
		if j+1 < len(s.pinyinAt) {
			end = int(s.pinyinAt[j+1])
		}
		idx := s.pinyinOf[j]
		cover := float64(len(term)) / float64(end-1-int(s.pinyinAt[j]))
		if n := len(py); n > 0 && py[n-1].idx == idx {
			py[n-1].cover = max(py[n-1].cover, cover)
		} else {
			py = append(py, match{idx, fPinyin, 0, cover})
		}
		off = end
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
			m.cover = max(m.cover, b[j].cover)
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

// matchTerms returns, for each term, the records of s that contain it or one of its synonyms,
// by position.
func (s *segment) matchTerms(terms [][]string) [][]match {
	out := make([][]match, len(terms))
	for i, alts := range terms {
		for _, alt := range alts {
			if m := s.matchTerm(alt); len(m) > 0 {
				out[i] = unionMatches(out[i], m)
			}
		}
	}
	return out
}

// termIDF is the inverse document frequency of each term over every record of the segments, so
// that scores are comparable across types: a word common among products but rare among
// positions weighs the same in both.
func termIDF(segs map[Type]*segment, matched map[Type][][]match, nterms int) []float64 {
	var n float64
	df := make([]float64, nterms)
	for t, seg := range segs {
		n += float64(len(seg.recs))
		for i, ms := range matched[t] {
			df[i] += float64(len(ms))
		}
	}
	idf := make([]float64, nterms)
	for i := range idf {
		idf[i] = math.Log(1 + (n-df[i]+0.5)/(df[i]+0.5))
	}
	return idf
}

// matchAll matches the terms in every segment and returns the matches and the terms' IDF.
func matchAll(segs map[Type]*segment, terms [][]string) (map[Type][][]match, []float64) {
	matched := make(map[Type][][]match, len(segs))
	for t, seg := range segs {
		matched[t] = seg.matchTerms(terms)
	}
	return matched, termIDF(segs, matched, len(terms))
}

// run scores the records of s that matched every term (ms, from matchTerms, in position order)
// with the terms' IDF, and returns them in position order. exact is the folded query: a record
// with it as a code, as the word-aligned tail of a code (2022 3号 of 灞乡振发 2022 3号), as its
// title or at the start of its title ranks higher.
func (s *segment) run(terms [][]match, idf []float64, exact string) []scored {
	var acc []scored
	var masks []uint32
	for ti, ms := range terms {
		if len(ms) == 0 {
			return nil
		}
		idf := idf[ti]
		if ti == 0 {
			acc = make([]scored, len(ms))
			masks = make([]uint32, len(ms))
			for i, m := range ms {
				acc[i] = scored{s, m.idx, idf * s.fieldScore(m)}
				masks[i] = m.mask
			}
			continue
		}
		// Keep the records in both acc and ms: both are in position order.
		k, j := 0, 0
		for i := range acc {
			for j < len(ms) && ms[j].idx < acc[i].idx {
				j++
			}
			if j == len(ms) {
				break
			}
			if ms[j].idx == acc[i].idx {
				acc[k] = acc[i]
				acc[k].score += idf * s.fieldScore(ms[j])
				masks[k] = masks[i] | ms[j].mask
				k++
			}
		}
		acc, masks = acc[:k], masks[:k]
		if k == 0 {
			return nil
		}
	}
	for i := range acc {
		h := &acc[i]
		f := &s.folded[h.idx]
		switch {
		case masks[i]&fCodes != 0 && slices.Contains(f.codeSet, exact):
			h.score += 1000
		case masks[i]&fCodes != 0 && slices.ContainsFunc(f.codeSet, func(c string) bool { return wordTail(c, exact) }):
			h.score += 500
		case masks[i]&fTitle == 0:
		case f.title == exact:
			h.score += 10
		case strings.HasPrefix(f.title, exact):
			h.score += 2
		}
		if s.recs[h.idx].Demoted {
			h.score *= 0.5
		}
	}
	return acc
}

// wordTail reports whether tail is the end of code and begins at a word of it.
func wordTail(code, tail string) bool {
	return len(tail) < len(code) && strings.HasSuffix(code, tail) && code[len(code)-len(tail)-1] == ' '
}

func (s *segment) fieldScore(m match) float64 {
	var sc float64
	for _, bit := range [...]uint32{fTitle, fTags, fCodes} {
		if m.mask&bit != 0 {
			sc += fieldWeight[bit]
		}
	}
	if m.mask&fPinyin != 0 {
		// yingtao is more the name 樱桃 than part of 白鹿原红灯樱桃精品礼盒.
		sc += fieldWeight[fPinyin] * (0.5 + 0.5*m.cover)
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
	res := newResult(q)
	terms := Terms(q.Text)
	if len(terms) == 0 {
		res.Took = time.Since(start)
		return res, nil
	}
	exact := strings.Join(terms, " ")
	expanded := expand(terms, st.syn)

	matched, idf := matchAll(st.segs, expanded)
	var found []scored
	counts := map[string]map[string]int{}
	for _, t := range Types {
		seg := st.segs[t]
		if seg == nil {
			continue
		}
		hits := seg.run(matched[t], idf, exact)
		res.Counts[t] = len(hits)
		if len(hits) == 0 || (len(q.Types) > 0 && !slices.Contains(q.Types, t)) {
			continue
		}
		found = append(found, seg.filter(hits, q, counts)...)
	}
	for field, byValue := range counts {
		list := res.Facets[field]
		for v, n := range byValue {
			list = append(list, FacetCount{Value: v, Count: n})
		}
		slices.SortFunc(list, func(a, b FacetCount) int {
			if c := cmp.Compare(b.Count, a.Count); c != 0 {
				return c
			}
			return strings.Compare(a.Value, b.Value)
		})
		res.Facets[field] = list
	}
	res.Total = len(found)
	from := min((q.Page-1)*q.PerPage, len(found))
	top := topScored(found, from+q.PerPage, q.Sort)
	terms = allAlternatives(expanded)
	for _, h := range top[from:] {
		r := &h.seg.recs[h.idx]
		res.Hits = append(res.Hits, Hit{Type: r.Type, ID: r.ID, URL: r.URL,
			Title: Highlight(r.Title, terms, 0), Snippet: Highlight(r.Text, terms, snippetRunes)})
	}
	res.Took = time.Since(start)
	return res, ctx.Err()
}

// filter keeps the hits that pass q's filters and adds to counts (field → value → matches) the
// facets q asks for, each counted over the hits that pass every filter but its own field's.
func (s *segment) filter(hits []scored, q Query, counts map[string]map[string]int) []scored {
	type check struct {
		ids     []int32 // nil: the segment has no such field, and nothing passes
		allowed []bool  // by value id
	}
	var checks []check
	var fields []string // the field of each check
	for field, values := range q.Filters {
		if len(values) == 0 {
			continue
		}
		var c check
		if fv := s.facets[field]; fv != nil {
			c = check{ids: fv.ids, allowed: make([]bool, len(fv.values))}
			for _, v := range values {
				if id, ok := fv.idOf[v]; ok {
					c.allowed[id] = true
				}
			}
		}
		checks = append(checks, c)
		fields = append(fields, field)
	}
	type tally struct {
		field string
		fv    *facetValues
		n     []int
		own   int // the check of the facet's own field, which may fail for it to count; -1 for none
	}
	var tallies []tally
	for _, field := range q.Facets {
		if fv := s.facets[field]; fv != nil {
			tallies = append(tallies, tally{field, fv, make([]int, len(fv.values)), slices.Index(fields, field)})
		}
	}
	keep := hits[:0]
	for _, h := range hits {
		failed, nFailed := -1, 0
		for i, c := range checks {
			if c.ids == nil || c.ids[h.idx] < 0 || !c.allowed[c.ids[h.idx]] {
				failed = i
				nFailed++
			}
		}
		for _, t := range tallies {
			if nFailed == 0 || (nFailed == 1 && failed == t.own) {
				if id := t.fv.ids[h.idx]; id >= 0 {
					t.n[id]++
				}
			}
		}
		if nFailed == 0 {
			keep = append(keep, h)
		}
	}
	for _, t := range tallies {
		for id, n := range t.n {
			if n > 0 {
				if counts[t.field] == nil {
					counts[t.field] = map[string]int{}
				}
				counts[t.field][t.fv.values[id]] += n
			}
		}
	}
	return keep
}

// facetValues are the values of one facet field in a segment, and each record's as an id.
type facetValues struct {
	values []string
	idOf   map[string]int32
	ids    []int32 // by record position; -1 for none
}

func buildFacets(recs []Record) map[string]*facetValues {
	out := map[string]*facetValues{}
	for i := range recs {
		for field, v := range recs[i].Facets {
			if v == "" {
				continue
			}
			fv := out[field]
			if fv == nil {
				fv = &facetValues{idOf: map[string]int32{}, ids: make([]int32, len(recs))}
				for j := range fv.ids {
					fv.ids[j] = -1
				}
				out[field] = fv
			}
			id, ok := fv.idOf[v]
			if !ok {
				id = int32(len(fv.values))
				fv.values = append(fv.values, v)
				fv.idOf[v] = id
			}
			fv.ids[i] = id
		}
	}
	return out
}

func allAlternatives(expanded [][]string) []string {
	var out []string
	for _, alts := range expanded {
		out = append(out, alts...)
	}
	return out
}

// better reports whether a ranks before b in the order.
func better(a, b *scored, order Sort) bool {
	da, db := a.seg.dates[a.idx], b.seg.dates[b.idx]
	if order == ByDate && da != db {
		return da > db
	}
	if a.score != b.score {
		return a.score > b.score
	}
	if da != db {
		return da > db
	}
	if a.seg != b.seg {
		return a.seg.recs[a.idx].Type < b.seg.recs[b.idx].Type
	}
	return a.seg.recs[a.idx].ID < b.seg.recs[b.idx].ID
}

// topScored returns the best k of found, best first, reordering found: a heap of the best k
// seen, the worst on top, costs less than sorting every match.
func topScored(found []scored, k int, order Sort) []scored {
	k = min(k, len(found))
	if k <= 0 {
		return nil
	}
	h := found[:k]
	worse := func(i, j int) bool { return better(&h[j], &h[i], order) }
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= k {
				return
			}
			w := l
			if r := l + 1; r < k && worse(r, l) {
				w = r
			}
			if !worse(w, i) {
				return
			}
			h[i], h[w] = h[w], h[i]
			i = w
		}
	}
	for i := k/2 - 1; i >= 0; i-- {
		down(i)
	}
	for i := k; i < len(found); i++ {
		if better(&found[i], &h[0], order) {
			h[0], found[i] = found[i], h[0]
			down(0)
		}
	}
	slices.SortFunc(h, func(a, b scored) int {
		if better(&a, &b, order) {
			return -1
		}
		return 1
	})
	return h
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
	// Only the type's own records: a listing ranks them among themselves.
	segs := map[Type]*segment{t: seg}
	matched, idf := matchAll(segs, expand(terms, st.syn))
	found := topScored(seg.run(matched[t], idf, strings.Join(terms, " ")), limit, ByRelevance)
	ids := make([]string, 0, len(found))
	for _, h := range found {
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
	unsaved := map[Type]string{} // the built segments' sums, for their snapshots
	var mu sync.Mutex
	var wg sync.WaitGroup
	for t, rs := range byType {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seg, sum := e.segmentOf(t, rs)
			mu.Lock()
			built[t] = seg
			if sum != "" {
				unsaved[t] = sum
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	defer func() {
		for t, sum := range unsaved {
			e.save(t, sum, built[t])
		}
	}()
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

// Close implements Engine: it waits for the snapshots being written.
func (e *Embedded) Close() error {
	e.saving.Wait()
	return nil
}
