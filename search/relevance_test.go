package search_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhenxing"
	"zhenxing/catalog"
	"zhenxing/content"
	"zhenxing/internal/testdb"
	"zhenxing/search"
)

// relevanceNow is the moment the relevance set is judged at: events that ended before it are past.
var relevanceNow = time.Date(2026, 12, 2, 12, 0, 0, 0, zhenxing.Beijing)

// The thresholds below which the relevance test fails.
const (
	minRecallAt5 = 0.95
	minMRR       = 0.9
)

// relevanceCase is one line of testdata/relevance.tsv.
type relevanceCase struct {
	line   int
	query  string
	types  []search.Type
	need   int      // how many of expect must be in the top 5
	expect []string // record keys
	why    string
}

func (c relevanceCase) String() string { return fmt.Sprintf("relevance.tsv:%d %q", c.line, c.query) }

func readRelevanceSet(t *testing.T) []relevanceCase {
	t.Helper()
	f, err := os.Open("testdata/relevance.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []relevanceCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 5 {
			t.Fatalf("relevance.tsv:%d: %d columns, want 5 (query, types, need, expect, why)", n, len(cols))
		}
		c := relevanceCase{line: n, query: cols[0], expect: strings.Fields(cols[3]), why: cols[4]}
		if cols[1] != "*" {
			for _, s := range strings.Split(cols[1], ",") {
				typ, ok := search.ParseType(strings.TrimSpace(s))
				if !ok {
					t.Fatalf("relevance.tsv:%d: no type %q", n, s)
				}
				c.types = append(c.types, typ)
			}
		}
		c.need = min(len(c.expect), 5)
		if cols[2] != "*" {
			c.need, err = strconv.Atoi(cols[2])
			if err != nil || c.need < 1 || c.need > min(len(c.expect), 5) {
				t.Fatalf("relevance.tsv:%d: need %q: want * or 1..%d", n, cols[2], min(len(c.expect), 5))
			}
		}
		if c.query == "" || len(c.expect) == 0 {
			t.Fatalf("relevance.tsv:%d: a query and at least one expected record, please", n)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// relevanceCorpus indexes the sample content and catalogue in a fresh embedded engine, through
// the Indexer as the site does, and returns the engine and the records it was fed.
func relevanceCorpus(t *testing.T) (search.Engine, []search.Record) {
	t.Helper()
	ctx := context.Background()
	lib, problems := content.Load(content.Embedded())
	if len(problems) > 0 {
		t.Fatalf("sample content: %v", problems)
	}
	pool := testdb.New(t)
	cat := catalog.New(pool, catalog.Config{})
	if _, err := cat.Seed(ctx, catalog.SeedFS()); err != nil {
		t.Fatalf("seed catalogue: %v", err)
	}
	engine := search.NewEmbedded()
	ix := search.NewIndexer(search.IndexerConfig{Engine: engine, Library: func() *content.Library { return lib },
		Catalog: cat, DB: pool, Now: func() time.Time { return relevanceNow }})
	if err := ix.Sync(ctx); err != nil {
		t.Fatalf("index: %v", err)
	}
	pub, err := cat.Public(ctx)
	if err != nil {
		t.Fatal(err)
	}
	recs := append(search.ContentRecords(lib, relevanceNow), search.CatalogRecords(pub)...)
	if engine.Len() != len(recs) {
		t.Fatalf("the engine holds %d records, the sources %d", engine.Len(), len(recs))
	}
	return engine, recs
}

// searchAll returns the keys of every hit of text in the given types, best first, page by page
// as the search page shows them.
func searchAll(t *testing.T, e search.Engine, text string, types []search.Type) []string {
	t.Helper()
	var keys []string
	for page := 1; ; page++ {
		res, err := e.Search(context.Background(), search.Query{Text: text, Types: types, Page: page, PerPage: search.MaxPerPage})
		if err != nil {
			t.Fatalf("search %q: %v", text, err)
		}
		for _, h := range res.Hits {
			keys = append(keys, string(h.Type)+":"+h.ID)
		}
		if page >= res.Pages() || len(res.Hits) == 0 {
			if len(keys) != res.Total {
				t.Fatalf("search %q: %d hits over the pages, total %d", text, len(keys), res.Total)
			}
			return keys
		}
	}
}

// TestRelevance runs the relevance set of testdata/relevance.tsv over the sample content and
// catalogue: ranking (recall@5 and MRR) and recall against substring matching.
func TestRelevance(t *testing.T) {
	engine, recs := relevanceCorpus(t)
	cases := readRelevanceSet(t)
	if len(cases) < 60 {
		t.Fatalf("the relevance set has %d queries, want at least 60", len(cases))
	}
	byKey := map[string]*search.Record{}
	for i := range recs {
		byKey[recs[i].Key()] = &recs[i]
	}
	for _, c := range cases {
		for _, k := range c.expect {
			if byKey[k] == nil {
				t.Fatalf("%s: expects %s, which the sample has no record of", c, k)
			}
		}
	}

	t.Run("ranking", func(t *testing.T) {
		// recall@5 is counted over all (query, expected record) pairs: each query contributes
		// its need, and the expected records found in its top 5, up to need. It is also shown
		// averaged per query. MRR is the mean over queries of 1/rank of the first expected
		// record in the whole ranking (0 when none is found).
		var pairs, found int
		var perQuery, rr float64
		var misses []string
		for _, c := range cases {
			ranked := searchAll(t, engine, c.query, c.types)
			top := ranked[:min(5, len(ranked))]
			in := 0
			var missing []string
			for _, k := range c.expect {
				if slices.Contains(top, k) {
					in++
				} else {
					missing = append(missing, k)
				}
			}
			got := min(in, c.need)
			pairs += c.need
			found += got
			perQuery += float64(got) / float64(c.need)
			first := 0
			for i, k := range ranked {
				if slices.Contains(c.expect, k) {
					first = i + 1
					break
				}
			}
			if first > 0 {
				rr += 1 / float64(first)
			}
			if got < c.need || first != 1 {
				misses = append(misses, fmt.Sprintf("%s (%s): %d of %d needed in the top 5, first expected at rank %d\n\tnot in the top 5: %s\n\ttop 5: %s",
					c, c.why, got, c.need, first, strings.Join(missing, " "), describe(top, byKey)))
			}
		}
		recall := float64(found) / float64(pairs)
		mrr := rr / float64(len(cases))
		t.Logf("relevance: %d queries, recall@5 %.3f over %d pairs (%.3f averaged per query), MRR %.3f",
			len(cases), recall, pairs, perQuery/float64(len(cases)), mrr)
		for _, m := range misses {
			t.Logf("miss: %s", m)
		}
		if recall < minRecallAt5 || mrr < minMRR {
			t.Errorf("recall@5 %.3f (at least %.2f wanted), MRR %.3f (at least %.2f wanted)", recall, minRecallAt5, mrr, minMRR)
		}
	})

	t.Run("substring", func(t *testing.T) {
		// Every record whose folded title, tags, codes and body contain every folded term of a
		// query must be among its hits (synonyms and pinyin may add more, never fewer).
		folded := make([]string, len(recs))
		for i, r := range recs {
			folded[i] = strings.Join([]string{search.Fold(r.Title), search.Fold(strings.Join(r.Tags, " ")),
				search.Fold(strings.Join(r.Codes, " ")), search.Fold(r.Text)}, " ")
		}
		var want, got int
		for _, c := range cases {
			terms := search.Terms(c.query)
			hits := searchAll(t, engine, c.query, nil)
			var missed []string
			for i := range recs {
				if !containsAll(folded[i], terms) {
					continue
				}
				want++
				if slices.Contains(hits, recs[i].Key()) {
					got++
				} else {
					missed = append(missed, recs[i].Key())
				}
			}
			if len(missed) > 0 {
				t.Errorf("%s: contained in %s but not found", c, strings.Join(missed, " "))
			}
		}
		if want == 0 {
			t.Fatal("no record contains any query of the set: the check checks nothing")
		}
		t.Logf("substring recall: %d of %d (query, containing record) pairs found: %.3f", got, want, float64(got)/float64(want))
	})
}

func containsAll(text string, terms []string) bool {
	for _, term := range terms {
		if !strings.Contains(text, term) {
			return false
		}
	}
	return len(terms) > 0
}

func describe(keys []string, byKey map[string]*search.Record) string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k
		if r := byKey[k]; r != nil {
			out[i] += "「" + r.Title + "」"
		}
	}
	return strings.Join(out, " ")
}
