package search

import (
	"cmp"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/meilisearch/meilisearch-go"
)

// MeiliConfig says where the Meilisearch server is.
type MeiliConfig struct {
	URL string // e.g. http://127.0.0.1:7700
	Key string // an API key allowed to search, write documents and manage the engine's indexes; may be empty
	// IndexPrefix starts the name of every index the engine uses, so that several sites share
	// one server: the records live in IndexPrefix+"records".
	IndexPrefix string
	// Timeout bounds every request and every wait for a task; 0 means 10 seconds.
	Timeout time.Duration
}

// Meili is the engine over a Meilisearch server (version 1.36 or newer: it uses the
// attributeRank and wordPosition ranking rules). Every record is one document of one index,
// IndexPrefix+"records", whose primary key is the hex of Record.Key. Text is sent folded (Fold),
// as the embedded engine compares it, and the original title and text are stored beside it for
// the hits, whose marks come from Highlight, never from Meilisearch's HTML.
//
// Meilisearch segments Chinese into dictionary words and matches a query word by prefix, so it
// misses a word inside a longer one (issues #4874, #5774: 农业 in 中国农业发展银行). To close
// the gap each field (title, tags, codes, text) is also indexed as single characters separated
// by spaces (chars_title …; a run of ASCII letters and digits stays one word), and each query
// term that holds a Chinese character is sent only as a phrase of its characters ("农 业"),
// which those fields match wherever the term stands. Pinyin of the names is indexed from every
// character on ("yingtaozhuanye…", "taozhuanye…", and the same for the initials), so that a
// pinyin word is found inside a name by prefix. Synonyms are stored in the index's settings, and
// since a phrase is never expanded by Meilisearch's synonyms, each record also carries, as
// phrases in its syn field, the synonym words whose expansion its text contains: 农发行 is found
// in a record that says 中国农业发展银行. A query whose folded text is exactly one of a record's
// codes brings that record first (a filter on codes, and a second request for that page).
//
// What still differs from the embedded engine:
//   - A query word of letters or digits only is matched as a whole word, or by prefix when it
//     is the last word of the query; the embedded engine finds it anywhere (mb0000 inside
//     11610111mb0000001x). Typos are tolerated in such words (one from 5 letters, two from 9)
//     outside codes and pinyin; the embedded engine tolerates none.
//   - Only the first 10 terms of a query count (a Meilisearch limit); the rest are ignored.
//   - A query word that is part of a synonym word also finds the records that carry that synonym
//     (行 finds what 农发行 stands for); a synonym change rewrites the syn field of every record.
//   - Ranking follows Meilisearch's rules (words, typo, proximity, attribute rank, then demoted
//     below, then word position and exactness) rather than BM25: a demoted record is placed
//     below every record that matches in as good a field, where the embedded engine halves its
//     score.
//   - Match orders by those rules alone: an exact code does not bring its record first there.
//   - At most 10 000 hits of one query can be paged through (pagination.maxTotalHits).
//   - Replace of some types adds the new documents and then deletes the stale ones: a search in
//     between can see both. Replace of every type builds IndexPrefix+"records_new" and swaps it
//     in, so searches see the old records or the new; two processes reindexing at once share
//     that index name and must not.
type Meili struct {
	client  meilisearch.ServiceManager
	uid     string // the live index
	tmpUID  string // the index a full Replace builds
	timeout time.Duration
	mu      sync.Mutex // serialises writers
	syn     atomic.Pointer[Synonyms]
}

const (
	meiliPageMax  = 10000 // pagination.maxTotalHits
	meiliBatch    = 1000  // documents per request
	meiliPoll     = 25 * time.Millisecond
	meiliFacetMax = 100
)

// The searchable attributes, best first.
var meiliSearchable = []string{
	"title", "chars_title", "codes", "chars_codes", "tags", "chars_tags", "pinyin", "text", "chars_text", "syn",
}

// NewMeili connects to the server of cfg, creates the records index if there is none and applies
// its settings, waiting for them. Errors: EUnavailable when the server cannot be reached within
// the timeout, is older than 1.36, or refuses the settings (the cause is wrapped for the log).
func NewMeili(ctx context.Context, cfg MeiliConfig) (*Meili, error) {
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	opts := []meilisearch.Option{
		meilisearch.WithCustomClient(&http.Client{Timeout: timeout}),
		meilisearch.DisableRetries(),
	}
	if cfg.Key != "" {
		opts = append(opts, meilisearch.WithAPIKey(cfg.Key))
	}
	m := &Meili{
		client:  meilisearch.New(cfg.URL, opts...),
		uid:     cfg.IndexPrefix + "records",
		tmpUID:  cfg.IndexPrefix + "records_new",
		timeout: timeout,
	}
	m.syn.Store(&Synonyms{})
	hctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	h, err := m.client.Health(hctx)
	if err != nil {
		return nil, unavailable(fmt.Errorf("meilisearch at %s: %w", cfg.URL, err))
	}
	if h.Status != "available" {
		return nil, unavailable(fmt.Errorf("meilisearch at %s: status %q", cfg.URL, h.Status))
	}
	v, err := m.client.Version(hctx)
	if err != nil {
		return nil, unavailable(fmt.Errorf("meilisearch version: %w", err))
	}
	if !meiliVersionOK(v.PkgVersion) {
		return nil, unavailable(fmt.Errorf("meilisearch %s: version 1.36 or newer is needed", v.PkgVersion))
	}
	if err := m.prepare(ctx, m.uid); err != nil {
		return nil, unavailable(err)
	}
	sctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	stored, err := m.client.Index(m.uid).GetSynonyms(sctx)
	if err != nil {
		return nil, unavailable(fmt.Errorf("read synonyms of %s: %w", m.uid, err))
	}
	if stored != nil {
		syn := Synonyms(*stored)
		m.syn.Store(&syn)
	}
	return m, nil
}

// meiliVersionOK reports whether a server version (1.36.0, 1.37.1-rc.0 …) is 1.36 or newer.
func meiliVersionOK(v string) bool {
	parts := strings.SplitN(strings.TrimPrefix(v, "v"), ".", 3)
	if len(parts) < 2 {
		return false
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(strings.SplitN(parts[1], "-", 2)[0])
	if err1 != nil || err2 != nil {
		return false
	}
	return major > 1 || (major == 1 && minor >= 36)
}

// prepare creates index uid if it is missing and applies the settings (not the synonyms).
func (m *Meili) prepare(ctx context.Context, uid string) error {
	err := m.task(ctx, "create index "+uid, func(ctx context.Context) (*meilisearch.TaskInfo, error) {
		return m.client.CreateIndex(ctx, &meilisearch.IndexConfig{Uid: uid, PrimaryKey: "key"})
	}, meilisearch.APIErrCodeIndexAlreadyExists)
	if err != nil {
		return err
	}
	return m.task(ctx, "settings of "+uid, func(ctx context.Context) (*meilisearch.TaskInfo, error) {
		return m.client.Index(uid).UpdateSettings(ctx, meiliSettings())
	})
}

func meiliSettings() *meilisearch.Settings {
	localized := slices.DeleteFunc(slices.Clone(meiliSearchable), func(a string) bool { return a == "pinyin" })
	return &meilisearch.Settings{
		// sort first: it does nothing without a sort, and ByDate orders by date alone.
		RankingRules:         []string{"sort", "words", "typo", "proximity", "attributeRank", "demoted:asc", "wordPosition", "exactness"},
		SearchableAttributes: meiliSearchable,
		FilterableAttributes: append([]string{"type", "key", "codes"}, AllFacets...),
		SortableAttributes:   []string{"date", "demoted"},
		LocalizedAttributes:  []*meilisearch.LocalizedAttributes{{Locales: []string{"cmn"}, AttributePatterns: localized}},
		TypoTolerance: &meilisearch.TypoTolerance{
			Enabled:             true,
			MinWordSizeForTypos: meilisearch.MinWordSizeForTypos{OneTypo: 5, TwoTypos: 9},
			DisableOnWords:      []string{},
			DisableOnAttributes: []string{"codes", "chars_codes", "pinyin", "syn"},
			DisableOnNumbers:    true,
		},
		Pagination: &meilisearch.Pagination{MaxTotalHits: meiliPageMax},
		Faceting: &meilisearch.Faceting{MaxValuesPerFacet: meiliFacetMax,
			SortFacetValuesBy: map[string]meilisearch.SortFacetType{"*": meilisearch.SortFacetTypeCount}},
	}
}

// task sends a request that enqueues a task and waits for the task to finish, each within the
// timeout; a task that failed with one of the codes in ok is not an error.
func (m *Meili) task(ctx context.Context, what string, send func(context.Context) (*meilisearch.TaskInfo, error), ok ...meilisearch.APIErrCode) error {
	rctx, cancel := context.WithTimeout(ctx, m.timeout)
	info, err := send(rctx)
	cancel()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := m.wait(ctx, info, ok...); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// wait waits for the task of info to finish, within the timeout; a task that failed with one of
// the codes in ok is not an error.
func (m *Meili) wait(ctx context.Context, info *meilisearch.TaskInfo, ok ...meilisearch.APIErrCode) error {
	ctx, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()
	task, err := m.client.WaitForTask(ctx, info.TaskUID, meiliPoll)
	if err != nil {
		return fmt.Errorf("wait for task %d: %w", info.TaskUID, err)
	}
	if task.Status == meilisearch.TaskStatusSucceeded || slices.Contains(ok, task.Error.Code) {
		return nil
	}
	return fmt.Errorf("task %d (%s) %s: %s: %s", task.UID, task.Type, task.Status, task.Error.Code, task.Error.Message)
}

// meiliKey is the document id of a record: the hex of its key, since Meilisearch ids allow only
// [A-Za-z0-9_-].
func meiliKey(t Type, id string) string { return hex.EncodeToString([]byte(string(t) + ":" + id)) }

// parseMeiliKey returns the type and ID that meiliKey encoded.
func parseMeiliKey(key string) (Type, string, error) {
	b, err := hex.DecodeString(key)
	if err != nil {
		return "", "", fmt.Errorf("document key %q: %w", key, err)
	}
	t, id, ok := strings.Cut(string(b), ":")
	if !ok {
		return "", "", fmt.Errorf("document key %q: no type", key)
	}
	return Type(t), id, nil
}

// charWords writes folded text as the single-character field holds it: each character that is
// not ASCII is a word of its own, a run of ASCII letters and digits is one word, and the words
// are separated by single spaces.
func charWords(folded string) string {
	var b strings.Builder
	b.Grow(len(folded) * 4 / 3)
	ascii := false // the last thing written is part of an ASCII run
	for _, r := range folded {
		switch {
		case r == ' ':
			ascii = false
			continue
		case r < utf8.RuneSelf:
			if !ascii && b.Len() > 0 {
				b.WriteByte(' ')
			}
			ascii = true
		default:
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			ascii = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// meiliQuery turns folded terms into the q of a request: a term with a Chinese (non-ASCII)
// character becomes a phrase of its characters, any other term is sent as it is. Folded terms
// hold no quote, and no '-' that could negate a word.
func meiliQuery(terms []string) string {
	parts := make([]string, 0, len(terms))
	for _, t := range terms {
		if isASCII(t) {
			parts = append(parts, t)
		} else {
			parts = append(parts, `"`+charWords(t)+`"`)
		}
	}
	return strings.Join(parts, " ")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// meiliQuote writes v as a double-quoted filter value, escaping backslashes and quotes.
func meiliQuote(v string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(v, `\`, `\\`), `"`, `\"`) + `"`
}

// meiliIn is the filter "field IN [values]" with every value quoted; field is one of ours, never
// user text. No values: no filter.
func meiliIn(field string, values []string) string {
	if len(values) == 0 {
		return ""
	}
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = meiliQuote(v)
	}
	return field + " IN [" + strings.Join(quoted, ", ") + "]"
}

// meiliAnd joins the non-empty filters with AND.
func meiliAnd(filters ...string) string {
	var parts []string
	for _, f := range filters {
		if f != "" {
			parts = append(parts, "("+f+")")
		}
	}
	return strings.Join(parts, " AND ")
}

// meiliFilters builds the filters of q: the type filter, and each facet field's (sorted by field,
// so that requests are the same for the same query).
func meiliFilters(q *Query) (types string, facets map[string]string) {
	var names []string
	for _, t := range q.Types {
		names = append(names, string(t))
	}
	facets = map[string]string{}
	for field, values := range q.Filters {
		if f := meiliIn(field, values); f != "" {
			facets[field] = f
		}
	}
	return meiliIn("type", names), facets
}

// facetFilter joins the type filter and every facet filter but the one of field except.
func facetFilter(types string, facets map[string]string, except string) string {
	parts := []string{types}
	for _, field := range slices.Sorted(maps.Keys(facets)) {
		if field != except {
			parts = append(parts, facets[field])
		}
	}
	return meiliAnd(parts...)
}

// meiliDoc is a record as the index holds it.
func (m *Meili) meiliDoc(r *Record, syn Synonyms) map[string]any {
	f := foldRecord(r)
	doc := map[string]any{
		"key": meiliKey(r.Type, r.ID), "type": string(r.Type), "id": r.ID, "url": r.URL,
		"show_title": r.Title, "show_text": r.Text,
		"title": f.title, "tags": f.tags, "codes": f.codeSet, "text": f.body,
		"chars_title": charWords(f.title), "chars_tags": charWords(f.tags),
		"chars_codes": charWords(f.codes), "chars_text": charWords(f.body),
		"pinyin": namePinyin(r.Names), "syn": synWords(syn, f.title, f.tags, f.codes, f.body),
		"date": r.Date.Unix(), "demoted": 0,
	}
	if f.codeSet == nil {
		doc["codes"] = []string{}
	}
	if r.Demoted {
		doc["demoted"] = 1
	}
	for field, v := range r.Facets {
		if v != "" && slices.Contains(AllFacets, field) {
			doc[field] = v
		}
	}
	return doc
}

// namePinyin is the pinyin of names, full and by initials, from each character on, so that a
// prefix match finds a pinyin word anywhere in a name.
func namePinyin(names []string) []string {
	out := []string{}
	seen := map[string]bool{}
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, n := range names {
		var full, initials []string
		for _, r := range Fold(n) {
			if r == ' ' {
				continue
			}
			f, i := Pinyin(string(r))
			if f == "" {
				continue
			}
			full, initials = append(full, f), append(initials, i)
		}
		for k := range full {
			tail := strings.Join(full[k:], "")
			add(tail)
			if strings.Contains(tail, "v") {
				add(strings.ReplaceAll(tail, "v", "u"))
			}
			add(strings.Join(initials[k:], ""))
		}
	}
	return out
}

// synWords are the synonym words (as phrases of characters) whose expansion one of the folded
// fields contains.
func synWords(syn Synonyms, fields ...string) []string {
	out := []string{}
	for _, word := range slices.Sorted(maps.Keys(syn)) {
	alts:
		for _, alt := range syn[word] {
			alt = strings.ReplaceAll(alt, " ", "")
			for _, f := range fields {
				if alt != "" && strings.Contains(f, alt) {
					out = append(out, charWords(word))
					break alts
				}
			}
		}
	}
	return out
}

// meiliHit is what a search retrieves of a document.
type meiliHit struct {
	Type      string `json:"type"`
	ID        string `json:"id"`
	URL       string `json:"url"`
	Key       string `json:"key"`
	ShowTitle string `json:"show_title"`
	ShowText  string `json:"show_text"`
}

var meiliRetrieve = []string{"type", "id", "url", "key", "show_title", "show_text"}

func (m *Meili) request(q string, filter string, facets []string) *meilisearch.SearchRequest {
	r := &meilisearch.SearchRequest{
		IndexUID: m.uid, Query: q, MatchingStrategy: meilisearch.All, Locales: []string{"cmn"},
		AttributesToRetrieve: []string{"key"}, Facets: facets,
	}
	if filter != "" {
		r.Filter = filter
	}
	return r
}

func countOnly(r *meilisearch.SearchRequest) *meilisearch.SearchRequest {
	zero := int64(0)
	r.HitsPerPage = &zero
	return r
}

// Search implements Engine.
func (m *Meili) Search(ctx context.Context, q Query) (*Result, error) {
	start := time.Now()
	if err := checkQuery(&q); err != nil {
		return nil, err
	}
	res := newResult(q)
	terms := Terms(q.Text)
	if len(terms) == 0 {
		res.Took = time.Since(start)
		return res, nil
	}
	ctx, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()
	text := meiliQuery(terms)
	types, facets := meiliFilters(&q)
	filter := facetFilter(types, facets, "")
	offset := int64((q.Page - 1) * q.PerPage)
	limit := int64(q.PerPage)

	main := m.request(text, filter, []string{"type"})
	main.AttributesToRetrieve = meiliRetrieve
	main.Offset, main.Limit = offset, limit
	if q.Sort == ByDate {
		main.Sort = []string{"date:desc"}
	}
	exact := strings.Join(terms, " ")
	codes := m.request(text, meiliAnd(filter, "codes = "+meiliQuote(exact)), nil)
	codes.Limit = 5
	codes.AttributesToRetrieve = meiliRetrieve
	queries := []*meilisearch.SearchRequest{main, countOnly(m.request(text, "", []string{"type"})), codes}
	for _, f := range q.Facets {
		queries = append(queries, countOnly(m.request(text, facetFilter(types, facets, f), []string{f})))
	}
	resp, err := m.client.MultiSearch(ctx, &meilisearch.MultiSearchRequest{Queries: queries})
	if err != nil {
		return nil, unavailable(fmt.Errorf("meilisearch search %q: %w", q.Text, err))
	}
	if len(resp.Results) != len(queries) {
		return nil, unavailable(fmt.Errorf("meilisearch search %q: %d results for %d queries", q.Text, len(resp.Results), len(queries)))
	}
	dist := make([]map[string]map[string]int, len(queries))
	for i := range resp.Results {
		if raw := resp.Results[i].FacetDistribution; len(raw) > 0 {
			if err := json.Unmarshal(raw, &dist[i]); err != nil {
				return nil, unavailable(fmt.Errorf("meilisearch facets: %w", err))
			}
		}
	}
	for _, n := range dist[0]["type"] {
		res.Total += n
	}
	for _, t := range Types {
		res.Counts[t] = dist[1]["type"][string(t)]
	}
	for i, f := range q.Facets {
		res.Facets[f] = sortedFacets(dist[3+i][f])
	}

	hits := resp.Results[0].Hits
	if exactHits := resp.Results[2].Hits; len(exactHits) > 0 {
		hits, err = m.codesFirst(ctx, main, exactHits, offset, limit)
		if err != nil {
			return nil, unavailable(fmt.Errorf("meilisearch search %q: %w", q.Text, err))
		}
	}
	marks := highlightTerms(terms, *m.syn.Load())
	for _, raw := range hits {
		var h meiliHit
		if err := raw.DecodeInto(&h); err != nil {
			return nil, unavailable(fmt.Errorf("meilisearch hit: %w", err))
		}
		res.Hits = append(res.Hits, Hit{Type: Type(h.Type), ID: h.ID, URL: h.URL,
			Title: Highlight(h.ShowTitle, marks, 0), Snippet: Highlight(h.ShowText, marks, snippetRunes)})
	}
	res.Took = time.Since(start)
	return res, nil
}

// codesFirst returns the page [offset, offset+limit) of the hits in which the records whose
// code is the query (exact, a subset of the hits) come first and the others follow in main's
// order.
func (m *Meili) codesFirst(ctx context.Context, main *meilisearch.SearchRequest, exact meilisearch.Hits, offset, limit int64) (meilisearch.Hits, error) {
	var keys []string
	for _, h := range exact {
		var k struct {
			Key string `json:"key"`
		}
		if err := h.DecodeInto(&k); err != nil {
			return nil, err
		}
		keys = append(keys, k.Key)
	}
	n := int64(len(exact))
	var out meilisearch.Hits
	if offset < n {
		out = append(out, exact[offset:min(n, offset+limit)]...)
	}
	rest := limit - int64(len(out))
	if rest == 0 {
		return out, nil
	}
	next := *main
	next.IndexUID, next.Facets = "", nil
	next.Filter = meiliAnd(filterString(main.Filter), "NOT "+meiliIn("key", keys))
	next.Offset, next.Limit = max(0, offset-n), rest
	resp, err := m.client.Index(m.uid).Search(ctx, next.Query, &next)
	if err != nil {
		return nil, err
	}
	return append(out, resp.Hits...), nil
}

func filterString(f any) string {
	s, _ := f.(string)
	return s
}

// highlightTerms are the terms and the synonyms of each, as the hits mark them.
func highlightTerms(terms []string, syn Synonyms) []string {
	out := slices.Clone(terms)
	for _, t := range terms {
		for _, s := range syn[t] {
			out = append(out, strings.ReplaceAll(s, " ", ""))
		}
	}
	return out
}

func sortedFacets(counts map[string]int) []FacetCount {
	out := []FacetCount{}
	for v, n := range counts {
		if v != "" && n > 0 {
			out = append(out, FacetCount{Value: v, Count: n})
		}
	}
	slices.SortFunc(out, func(a, b FacetCount) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return strings.Compare(a.Value, b.Value)
	})
	return out
}

// Match implements Engine.
func (m *Meili) Match(ctx context.Context, t Type, text string, limit int) ([]string, error) {
	if limit <= 0 || limit > MaxMatches {
		limit = MaxMatches
	}
	terms := Terms(cleanText(text))
	if len(terms) == 0 {
		return nil, ctx.Err()
	}
	ctx, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()
	req := m.request(meiliQuery(terms), meiliIn("type", []string{string(t)}), nil)
	req.AttributesToRetrieve = []string{"id"}
	req.Limit = int64(limit)
	resp, err := m.client.Index(m.uid).Search(ctx, req.Query, req)
	if err != nil {
		return nil, unavailable(fmt.Errorf("meilisearch match %q: %w", text, err))
	}
	ids := make([]string, 0, len(resp.Hits))
	for _, raw := range resp.Hits {
		var h meiliHit
		if err := raw.DecodeInto(&h); err != nil {
			return nil, unavailable(fmt.Errorf("meilisearch hit: %w", err))
		}
		ids = append(ids, h.ID)
	}
	return ids, nil
}

// Replace implements Engine. For every type it builds IndexPrefix+"records_new", swaps it with
// the live index and deletes the old one. For some types it adds or replaces their documents,
// then deletes those of the types that recs does not hold: a search in between sees both.
func (m *Meili) Replace(ctx context.Context, types []Type, recs []Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	syn := *m.syn.Load()
	var docs []map[string]any
	for i := range recs {
		if slices.Contains(types, recs[i].Type) {
			docs = append(docs, m.meiliDoc(&recs[i], syn))
		}
	}
	all := true
	for _, t := range Types {
		all = all && slices.Contains(types, t)
	}
	var err error
	if all {
		err = m.rebuild(ctx, docs)
	} else {
		err = m.replaceTypes(ctx, types, docs)
	}
	if err != nil {
		return unavailable(err)
	}
	return nil
}

func (m *Meili) rebuild(ctx context.Context, docs []map[string]any) error {
	if err := m.dropIndex(ctx, m.tmpUID); err != nil {
		return err
	}
	if err := m.prepare(ctx, m.tmpUID); err != nil {
		return err
	}
	tmp := m.client.Index(m.tmpUID)
	if syn := *m.syn.Load(); len(syn) > 0 {
		s := map[string][]string(syn)
		err := m.task(ctx, "synonyms of "+m.tmpUID, func(ctx context.Context) (*meilisearch.TaskInfo, error) {
			return tmp.UpdateSynonyms(ctx, &s)
		})
		if err != nil {
			return err
		}
	}
	if err := m.addDocuments(ctx, tmp, docs); err != nil {
		return err
	}
	err := m.task(ctx, "swap "+m.uid+" and "+m.tmpUID, func(ctx context.Context) (*meilisearch.TaskInfo, error) {
		return m.client.SwapIndexes(ctx, []*meilisearch.SwapIndexesParams{{Indexes: []string{m.uid, m.tmpUID}}})
	})
	if err != nil {
		return err
	}
	return m.dropIndex(ctx, m.tmpUID)
}

func (m *Meili) dropIndex(ctx context.Context, uid string) error {
	return m.task(ctx, "delete index "+uid, func(ctx context.Context) (*meilisearch.TaskInfo, error) {
		return m.client.DeleteIndex(ctx, uid)
	}, meilisearch.APIErrCodeIndexNotFound)
}

func (m *Meili) addDocuments(ctx context.Context, idx meilisearch.IndexManager, docs []map[string]any) error {
	key := "key"
	for from := 0; from < len(docs); from += meiliBatch {
		batch := docs[from:min(from+meiliBatch, len(docs))]
		err := m.task(ctx, "add documents", func(ctx context.Context) (*meilisearch.TaskInfo, error) {
			return idx.AddDocuments(ctx, batch, &meilisearch.DocumentOptions{PrimaryKey: &key})
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (m *Meili) replaceTypes(ctx context.Context, types []Type, docs []map[string]any) error {
	idx := m.client.Index(m.uid)
	if err := m.addDocuments(ctx, idx, docs); err != nil {
		return err
	}
	keep := make(map[string]bool, len(docs))
	for _, d := range docs {
		keep[d["key"].(string)] = true
	}
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = string(t)
	}
	var stale []string
	err := m.eachDocument(ctx, idx, meiliIn("type", names), []string{"key"}, func(h meilisearch.Hit) error {
		var d struct {
			Key string `json:"key"`
		}
		if err := h.DecodeInto(&d); err != nil {
			return err
		}
		if !keep[d.Key] {
			stale = append(stale, d.Key)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for from := 0; from < len(stale); from += meiliBatch {
		batch := stale[from:min(from+meiliBatch, len(stale))]
		err := m.task(ctx, "delete documents", func(ctx context.Context) (*meilisearch.TaskInfo, error) {
			return idx.DeleteDocuments(ctx, batch, nil)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// eachDocument calls fn with the given fields of every document that filter selects.
func (m *Meili) eachDocument(ctx context.Context, idx meilisearch.IndexManager, filter string, fields []string, fn func(meilisearch.Hit) error) error {
	for offset := int64(0); ; {
		q := &meilisearch.DocumentsQuery{Offset: offset, Limit: meiliBatch, Fields: fields}
		if filter != "" {
			q.Filter = filter
		}
		var page meilisearch.DocumentsResult
		rctx, cancel := context.WithTimeout(ctx, m.timeout)
		err := idx.GetDocuments(rctx, q, &page)
		cancel()
		if err != nil {
			return fmt.Errorf("list documents: %w", err)
		}
		for _, h := range page.Results {
			if err := fn(h); err != nil {
				return fmt.Errorf("list documents: %w", err)
			}
		}
		offset += int64(len(page.Results))
		if len(page.Results) == 0 || offset >= page.Total {
			return nil
		}
	}
}

// SetSynonyms implements Engine. The synonyms go into the index's settings; when they changed,
// the syn field of every record is computed again from its folded fields.
func (m *Meili) SetSynonyms(ctx context.Context, syn Synonyms) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if syn == nil {
		syn = Synonyms{}
	}
	if maps.EqualFunc(syn, *m.syn.Load(), slices.Equal) {
		return nil
	}
	idx := m.client.Index(m.uid)
	s := map[string][]string(syn)
	err := m.task(ctx, "synonyms of "+m.uid, func(ctx context.Context) (*meilisearch.TaskInfo, error) {
		return idx.UpdateSynonyms(ctx, &s)
	})
	if err != nil {
		return unavailable(err)
	}
	m.syn.Store(&syn)
	var updates []map[string]any
	err = m.eachDocument(ctx, idx, "", []string{"key", "title", "tags", "codes", "text", "syn"}, func(h meilisearch.Hit) error {
		var d struct {
			Key   string   `json:"key"`
			Title string   `json:"title"`
			Tags  string   `json:"tags"`
			Codes []string `json:"codes"`
			Text  string   `json:"text"`
			Syn   []string `json:"syn"`
		}
		if err := h.DecodeInto(&d); err != nil {
			return err
		}
		words := synWords(syn, d.Title, d.Tags, strings.Join(d.Codes, " "), d.Text)
		if !slices.Equal(words, d.Syn) {
			updates = append(updates, map[string]any{"key": d.Key, "syn": words})
		}
		return nil
	})
	if err != nil {
		return unavailable(err)
	}
	key := "key"
	for from := 0; from < len(updates); from += meiliBatch {
		batch := updates[from:min(from+meiliBatch, len(updates))]
		err := m.task(ctx, "update synonyms of documents", func(ctx context.Context) (*meilisearch.TaskInfo, error) {
			return idx.UpdateDocuments(ctx, batch, &meilisearch.DocumentOptions{PrimaryKey: &key})
		})
		if err != nil {
			return unavailable(err)
		}
	}
	return nil
}

// Close implements Engine.
func (m *Meili) Close() error {
	m.client.Close()
	return nil
}

var _ Engine = (*Meili)(nil)
