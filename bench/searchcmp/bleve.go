package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/bleve/v2/search/query"

	"zhenxing/search"
)

// The Bleve candidate: one scorch index on disk, its text fields analysed by "zh": the unicode
// tokenizer (every Han character a token of its own), then search.Fold on each token (NFKC,
// case, traditional to simplified), then Bleve's cjk_bigram filter with output_unigram, so that
// each character and each adjacent pair is a term. The stock cjk analyzer emits pairs only, and a
// one-character query finds nothing with it.

const (
	foldFilter   = "zx_fold"
	bigramFilter = "zx_cjk_bigram_unigram"
	zhAnalyzer   = "zh"
)

func init() {
	err := registry.RegisterTokenFilter(foldFilter, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return foldTokens{}, nil
	})
	if err != nil {
		panic(err)
	}
}

// foldTokens folds each token's term as the embedded engine folds text; offsets are kept, so
// highlights still point into the original text.
type foldTokens struct{}

func (foldTokens) Filter(in analysis.TokenStream) analysis.TokenStream {
	out := in[:0]
	for _, t := range in {
		f := strings.ReplaceAll(search.Fold(string(t.Term)), " ", "")
		if f == "" {
			continue
		}
		t.Term = []byte(f)
		out = append(out, t)
	}
	return out
}

// textFields are the searched fields with their boosts (title over tags and codes over body).
var textFields = []struct {
	name  string
	boost float64
	store bool
}{{"title", 4, true}, {"tags", 2, false}, {"codes", 2, false}, {"text", 1, true}}

func bleveMapping() (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	if err := im.AddCustomTokenFilter(bigramFilter, map[string]any{"type": cjk.BigramName, "output_unigram": true}); err != nil {
		return nil, err
	}
	if err := im.AddCustomAnalyzer(zhAnalyzer, map[string]any{
		"type": custom.Name, "tokenizer": unicode.Name, "token_filters": []any{foldFilter, bigramFilter},
	}); err != nil {
		return nil, err
	}
	im.DefaultAnalyzer = zhAnalyzer
	doc := bleve.NewDocumentStaticMapping()
	for _, f := range textFields {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = zhAnalyzer
		fm.Store = f.store
		fm.IncludeTermVectors = true // phrases and the highlighter need positions
		fm.IncludeInAll = false
		fm.DocValues = false
		doc.AddFieldMappingsAt(f.name, fm)
	}
	py := bleve.NewTextFieldMapping()
	py.Analyzer = keyword.Name
	py.Store, py.IncludeInAll, py.IncludeTermVectors, py.DocValues = false, false, false, false
	doc.AddFieldMappingsAt("pinyin", py)
	for _, f := range append([]string{"type"}, search.AllFacets...) {
		fm := bleve.NewKeywordFieldMapping()
		fm.Store, fm.IncludeInAll, fm.IncludeTermVectors = false, false, false
		doc.AddFieldMappingsAt(f, fm)
	}
	im.DefaultMapping = doc
	im.StoreDynamic, im.IndexDynamic, im.DocValuesDynamic = false, false, false
	return im, nil
}

func bleveDocument(r *search.Record) map[string]any {
	d := map[string]any{
		"type": string(r.Type), "title": r.Title, "tags": strings.Join(r.Tags, "\n"),
		"codes": strings.Join(r.Codes, "\n"), "text": r.Text,
	}
	var py []string
	for _, n := range r.Names {
		full, initials := search.Pinyin(n)
		if full != "" {
			py = append(py, full, initials)
		}
	}
	if len(py) > 0 {
		d["pinyin"] = py
	}
	for k, v := range r.Facets {
		d[k] = v
	}
	return d
}

// buildBleve indexes recs from nothing into a new scorch index in dir, closes it (so that
// everything is on disk), and returns the index size in bytes.
func buildBleve(dir string, recs []search.Record) (int64, error) {
	im, err := bleveMapping()
	if err != nil {
		return 0, err
	}
	idx, err := bleve.New(dir, im)
	if err != nil {
		return 0, err
	}
	b := idx.NewBatch()
	for i := range recs {
		if err := b.Index(recs[i].Key(), bleveDocument(&recs[i])); err != nil {
			idx.Close()
			return 0, err
		}
		if b.Size() == 1000 {
			if err := idx.Batch(b); err != nil {
				idx.Close()
				return 0, err
			}
			b = idx.NewBatch()
		}
	}
	if err := idx.Batch(b); err != nil {
		idx.Close()
		return 0, err
	}
	if err := idx.Close(); err != nil {
		return 0, err
	}
	return dirSize(dir)
}

func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return err
	})
	return n, err
}

// bleveSearcher runs the site's query on a Bleve index: every term of the query (with its
// synonyms) must match in one of the text fields, or, for a Latin word, in the pinyin of a name;
// ten hits, with the facets of every facet field and the type, and highlighted title and text.
type bleveSearcher struct {
	idx    bleve.Index
	zh     analysis.Analyzer
	syn    search.Synonyms
	phrase bool // each term as a phrase of its pairs, else as a match of all its grams
}

func openBleve(dir string, syn search.Synonyms, phrase bool) (*bleveSearcher, error) {
	idx, err := bleve.Open(dir)
	if err != nil {
		return nil, err
	}
	return &bleveSearcher{idx: idx, zh: idx.Mapping().AnalyzerNamed(zhAnalyzer), syn: syn, phrase: phrase}, nil
}

func (s *bleveSearcher) search(ctx context.Context, text string) (int, error) {
	terms := search.Terms(text)
	if len(terms) == 0 {
		return 0, nil
	}
	var conj []query.Query
	for _, t := range terms {
		var alts []query.Query
		for _, alt := range append([]string{t}, s.syn[t]...) {
			alts = append(alts, s.termQuery(strings.ReplaceAll(alt, " ", ""))...)
		}
		conj = append(conj, bleve.NewDisjunctionQuery(alts...))
	}
	req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(conj...), 10, 0, false)
	req.Highlight = bleve.NewHighlightWithStyle("html")
	req.Highlight.AddField("title")
	req.Highlight.AddField("text")
	for _, f := range append([]string{"type"}, search.AllFacets...) {
		req.AddFacet(f, bleve.NewFacetRequest(f, 10))
	}
	res, err := s.idx.SearchInContext(ctx, req)
	if err != nil {
		return 0, err
	}
	return int(res.Total), nil
}

// termQuery is the query of one folded word over each text field (and the pinyin).
func (s *bleveSearcher) termQuery(term string) []query.Query {
	var out []query.Query
	var grams [][]string
	if s.phrase {
		grams = s.phraseGrams(term)
	}
	for _, f := range textFields {
		var q query.Query
		switch {
		case !s.phrase:
			m := bleve.NewMatchQuery(term)
			m.SetField(f.name)
			m.Analyzer = zhAnalyzer
			m.SetOperator(query.MatchQueryOperatorAnd)
			m.SetBoost(f.boost)
			q = m
		case len(grams) == 1 && len(grams[0]) == 1:
			tq := bleve.NewTermQuery(grams[0][0])
			tq.SetField(f.name)
			tq.SetBoost(f.boost)
			q = tq
		default:
			mp := query.NewMultiPhraseQuery(grams, f.name)
			mp.SetBoost(f.boost)
			q = mp
		}
		out = append(out, q)
	}
	if latin(term) {
		w := bleve.NewWildcardQuery("*" + term + "*")
		w.SetField("pinyin")
		w.SetBoost(1.5)
		out = append(out, w)
	}
	return out
}

// phraseGrams analyses term and keeps, at each position, its pair when there is one (the pairs
// of consecutive positions overlap, so the phrase of pairs is the term itself), else what the
// analyzer put there; a last lone character already covered by the pair before it is dropped.
func (s *bleveSearcher) phraseGrams(term string) [][]string {
	var grams [][]string
	var pair []bool
	last := 0
	for _, tok := range s.zh.Analyze([]byte(term)) {
		if tok.Position != last {
			grams = append(grams, nil)
			pair = append(pair, false)
			last = tok.Position
		}
		i := len(grams) - 1
		switch {
		case tok.Type == analysis.Double && !pair[i]:
			grams[i], pair[i] = []string{string(tok.Term)}, true
		case !pair[i]:
			grams[i] = append(grams[i], string(tok.Term))
		}
	}
	if n := len(grams); n > 1 && pair[n-2] && !pair[n-1] {
		grams = grams[:n-1]
	}
	return grams
}

func latin(term string) bool {
	for i := 0; i < len(term); i++ {
		if c := term[i]; c < 'a' || c > 'z' {
			return false
		}
	}
	return term != ""
}

func (s *bleveSearcher) close() error { return s.idx.Close() }
