// Package searchtest is the conformance suite every search engine passes: the embedded engine
// always, Meilisearch when MEILI_URL is set. Each case indexes a small corpus and asserts what a
// reader of the search page would see: which records are found, in what order, with which facet
// counts and marks.
package searchtest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"zhenxing"
	"zhenxing/search"
)

// Corpus is the records every case indexes.
func Corpus() []search.Record {
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 9, 0, 0, 0, zhenxing.Beijing) }
	return []search.Record{
		{Type: search.TypeDocument, ID: "fund-2022", Title: "关于下达2022年衔接推进乡村振兴补助资金的通知", URL: "/open/policies/fund-2022",
			Text:   "各镇街：现将中国农业发展银行支持的衔接资金计划下达如下，请抓紧实施。",
			Codes:  []string{"灞乡振发〔2022〕3号", "11610111MB0000001X/2022-00003"},
			Facets: map[string]string{search.FacetDocKind: "政策文件", search.FacetTopic: "衔接资金", search.FacetYear: "2022"},
			Date:   day(2022, 3, 1)},
		{Type: search.TypeDocument, ID: "fund-2019", Title: "关于下达2019年扶贫资金的通知（已废止）", URL: "/open/policies/fund-2019",
			Text:  "本通知所列衔接资金按原渠道使用。",
			Codes: []string{"灞扶办发〔2019〕7号"}, Demoted: true,
			Facets: map[string]string{search.FacetDocKind: "政策文件", search.FacetTopic: "衔接资金", search.FacetYear: "2019"},
			Date:   day(2019, 5, 1)},
		{Type: search.TypeDocument, ID: "report-2022", Title: "2022年乡村振兴工作总结", URL: "/open/reports/report-2022",
			Text:   "全年开发公益性岗位120个，消费帮扶销售额237.57万元；樱桃产业带动农户增收。",
			Codes:  []string{"11610111MB0000001X/2023-00001"},
			Facets: map[string]string{search.FacetDocKind: "工作总结", search.FacetTopic: "综合", search.FacetYear: "2023"},
			Date:   day(2023, 1, 10)},
		{Type: search.TypeProduct, ID: "cherry", Title: "白鹿原大樱桃", URL: "/hall/products/cherry", Text: "当季现摘的樱桃，果大味甜。",
			Tags: []string{"鲜果", "灞桥区", "白鹿原樱桃专业合作社"}, Names: []string{"白鹿原大樱桃"},
			Facets: map[string]string{search.FacetCategory: "鲜果", search.FacetCounty: "灞桥区"}, Date: day(2024, 5, 1)},
		{Type: search.TypeProduct, ID: "walnut", Title: "略阳核桃", URL: "/hall/products/walnut", Text: "山地核桃，壳薄仁满。",
			Tags: []string{"干果", "略阳县"}, Names: []string{"略阳核桃"},
			Facets: map[string]string{search.FacetCategory: "干果", search.FacetCounty: "略阳县"}, Date: day(2024, 1, 1)},
		{Type: search.TypeProduct, ID: "cherry-jam", Title: "樱桃果酱", URL: "/hall/products/cherry-jam", Text: "樱桃熬制。",
			Tags: []string{"加工品", "灞桥区"}, Names: []string{"樱桃果酱"}, Demoted: true,
			Facets: map[string]string{search.FacetCategory: "加工品", search.FacetCounty: "灞桥区"}, Date: day(2024, 6, 1)},
		{Type: search.TypeSupplier, ID: "bly-coop", Title: "白鹿原樱桃专业合作社", URL: "/hall/suppliers/bly-coop", Text: "联农带农120户。",
			Codes: []string{"93610111MA6W000001"}, Names: []string{"白鹿原樱桃专业合作社"},
			Facets: map[string]string{search.FacetCounty: "灞桥区", search.FacetSupplierKind: "合作社"}, Date: day(2023, 1, 1)},
		{Type: search.TypeEvent, ID: "fair-2026", Title: "2026年春风行动招聘会", URL: "/jobs/events/fair-2026", Text: "现场提供政策咨询。",
			Facets: map[string]string{search.FacetEventKind: "招聘会", search.FacetDistrict: "灞桥区"}, Date: day(2026, 3, 1)},
		{Type: search.TypeEvent, ID: "fair-2021", Title: "2021年春风行动招聘会", URL: "/jobs/events/fair-2021", Text: "现场提供政策咨询。", Demoted: true,
			Facets: map[string]string{search.FacetEventKind: "招聘会", search.FacetDistrict: "灞桥区"}, Date: day(2021, 3, 1)},
		{Type: search.TypePosition, ID: "fair-2026/1", Title: "保洁员（公益性岗位）", URL: "/jobs/events/fair-2026#position-1", Text: "负责村道保洁。",
			Tags:   []string{"狄寨街道办事处", "狄寨街道"},
			Facets: map[string]string{search.FacetEventKind: "招聘会", search.FacetDistrict: "灞桥区"}, Date: day(2026, 3, 1)},
	}
}

// Synonyms are the corpus's synonyms.
const Synonyms = "农发行 → 中国农业发展银行\n公益岗 → 公益性岗位\n"

// Run runs every case against the engine that open returns, freshly made for each case.
func Run(t *testing.T, open func(t *testing.T) search.Engine) {
	ctx := context.Background()
	setup := func(t *testing.T) search.Engine {
		t.Helper()
		e := open(t)
		syn, bad := search.ParseSynonyms(Synonyms)
		if len(bad) > 0 {
			t.Fatalf("synonyms: bad lines %v", bad)
		}
		if err := e.SetSynonyms(ctx, syn); err != nil {
			t.Fatal(err)
		}
		if err := e.Replace(ctx, search.Types, Corpus()); err != nil {
			t.Fatal(err)
		}
		return e
	}
	e := setup(t)

	found := func(t *testing.T, q search.Query) []string {
		t.Helper()
		res, err := e.Search(ctx, q)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		var keys []string
		for _, h := range res.Hits {
			keys = append(keys, string(h.Type)+":"+h.ID)
		}
		return keys
	}
	text := func(s string) search.Query { return search.Query{Text: s, PerPage: search.MaxPerPage} }

	t.Run("substrings", func(t *testing.T) {
		for _, c := range []struct {
			q    string
			want []string // each must be found
			not  []string // none may be found
		}{
			{"桃", []string{"product:cherry", "product:walnut", "product:cherry-jam", "supplier:bly-coop"}, nil},
			{"樱桃", []string{"product:cherry", "product:cherry-jam", "supplier:bly-coop", "document:report-2022"}, []string{"product:walnut"}},
			{"农业", []string{"document:fund-2022"}, nil},
			{"发展银行", []string{"document:fund-2022"}, nil},
			{"櫻桃", []string{"product:cherry"}, nil},
			{"ＹＩＮＧＴＡＯ", []string{"product:cherry"}, nil},
			{"yingtao", []string{"product:cherry", "product:cherry-jam", "supplier:bly-coop"}, []string{"product:walnut"}},
			{"yt", []string{"product:cherry-jam"}, nil},
			{"hetao", []string{"product:walnut"}, nil},
			{"农发行", []string{"document:fund-2022"}, nil},
			{"公益岗", []string{"document:report-2022", "position:fair-2026/1"}, nil},
			{"狄寨", []string{"position:fair-2026/1"}, nil},
			{"樱桃 果酱", []string{"product:cherry-jam"}, []string{"product:cherry"}},
			{"没有这样的词", nil, []string{"product:cherry"}},
		} {
			got := found(t, text(c.q))
			for _, w := range c.want {
				if !slices.Contains(got, w) {
					t.Errorf("%q: %s not found in %v", c.q, w, got)
				}
			}
			for _, w := range c.not {
				if slices.Contains(got, w) {
					t.Errorf("%q: %s found", c.q, w)
				}
			}
		}
	})

	t.Run("document numbers in every form come first", func(t *testing.T) {
		for _, q := range []string{"灞乡振发〔2022〕3号", "灞乡振发[2022]3号", "灞乡振发(2022)3号", "灞乡振发（2022）3号",
			"灞乡振发【2022】3号", "灞乡振发［2022］3号", "2022 3号", "11610111MB0000001X/2022-00003"} {
			got := found(t, text(q))
			if len(got) == 0 || got[0] != "document:fund-2022" {
				t.Errorf("%q: first is not the document: %v", q, got)
			}
		}
	})

	t.Run("ranking", func(t *testing.T) {
		for _, c := range []struct {
			q            string
			above, below string
		}{
			{"樱桃", "product:cherry", "document:report-2022"},     // a title outranks a body
			{"衔接资金", "document:fund-2022", "document:fund-2019"}, // in force above repealed
			{"春风行动", "event:fair-2026", "event:fair-2021"},       // upcoming above past
			{"樱桃", "product:cherry", "product:cherry-jam"},       // in stock above sold out
		} {
			got := found(t, text(c.q))
			a, b := slices.Index(got, c.above), slices.Index(got, c.below)
			if a < 0 || b < 0 || a > b {
				t.Errorf("%q: want %s above %s: %v", c.q, c.above, c.below, got)
			}
		}
	})

	t.Run("types, filters and facets", func(t *testing.T) {
		res, err := e.Search(ctx, search.Query{Text: "樱桃", Types: []search.Type{search.TypeProduct},
			Facets: []string{search.FacetCategory, search.FacetCounty}, Filters: map[string][]string{search.FacetCategory: {"鲜果"}}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 1 || len(res.Hits) != 1 || res.Hits[0].ID != "cherry" {
			t.Fatalf("products filtered by category %q: %+v", "鲜果", res.Hits)
		}
		if res.Counts[search.TypeProduct] != 2 || res.Counts[search.TypeSupplier] != 1 {
			t.Errorf("counts by type: %v", res.Counts)
		}
		// The category facet ignores its own filter; the county facet applies it.
		want := map[string][]search.FacetCount{
			search.FacetCategory: {{Value: "加工品", Count: 1}, {Value: "鲜果", Count: 1}},
			search.FacetCounty:   {{Value: "灞桥区", Count: 1}},
		}
		for f, w := range want {
			if !slices.Equal(res.Facets[f], w) {
				t.Errorf("facet %s: %v, want %v", f, res.Facets[f], w)
			}
		}
		if _, err := e.Search(ctx, search.Query{Text: "樱桃", Filters: map[string][]string{"price": {"1"}}}); zhenxing.ErrorCode(err) != zhenxing.EInvalid {
			t.Errorf("filter on an unknown field: %v", err)
		}
	})

	t.Run("paging", func(t *testing.T) {
		all := found(t, text("桃"))
		var paged []string
		for page := 1; page <= 3; page++ {
			res, err := e.Search(ctx, search.Query{Text: "桃", Page: page, PerPage: 2})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != len(all) {
				t.Errorf("page %d: total %d, want %d", page, res.Total, len(all))
			}
			for _, h := range res.Hits {
				paged = append(paged, string(h.Type)+":"+h.ID)
			}
		}
		if !slices.Equal(paged, all[:min(6, len(all))]) {
			t.Errorf("pages: %v, want %v", paged, all)
		}
		res, err := e.Search(ctx, search.Query{Text: "桃", Page: 99})
		if err != nil || len(res.Hits) != 0 || res.Total != len(all) {
			t.Errorf("past the end: %v, %+v", err, res)
		}
	})

	t.Run("marks", func(t *testing.T) {
		res, err := e.Search(ctx, search.Query{Text: "櫻桃", Types: []search.Type{search.TypeProduct}})
		if err != nil || len(res.Hits) == 0 {
			t.Fatal(err, res)
		}
		h := res.Hits[0]
		var marked []string
		for _, s := range append(h.Title, h.Snippet...) {
			if s.Mark {
				marked = append(marked, s.Text)
			}
		}
		if len(marked) == 0 || marked[0] != "樱桃" {
			t.Errorf("marks: %v in %+v", marked, h)
		}
		if h.TitleText() != "白鹿原大樱桃" || !strings.Contains(h.SnippetText(), "现摘的樱桃") {
			t.Errorf("title %q, snippet %q", h.TitleText(), h.SnippetText())
		}
	})

	t.Run("bad input", func(t *testing.T) {
		for _, q := range []string{"", "   ", strings.Repeat("桃", 2000), "桃\x00\x07\x1b", "\"樱桃", "（樱桃", "[[[", "\xff\xfe"} {
			res, err := e.Search(ctx, search.Query{Text: q, PerPage: 1000})
			if err != nil {
				t.Errorf("%q: %v", q, err)
				continue
			}
			if res.PerPage != search.MaxPerPage {
				t.Errorf("%q: per page %d", q, res.PerPage)
			}
		}
		if got := found(t, text("\"樱桃")); !slices.Contains(got, "product:cherry") {
			t.Errorf("an unbalanced quote: %v", got)
		}
	})

	t.Run("match", func(t *testing.T) {
		ids, err := e.Match(ctx, search.TypeProduct, "樱桃", 0)
		if err != nil || !slices.Equal(ids, []string{"cherry", "cherry-jam"}) {
			t.Errorf("match: %v, %v", ids, err)
		}
	})

	t.Run("replace", func(t *testing.T) {
		e := setup(t)
		recs := Corpus()
		var products []search.Record
		for _, r := range recs {
			if r.Type == search.TypeProduct && r.ID != "walnut" {
				if r.ID == "cherry" {
					r.Title = "白鹿原早樱桃"
				}
				products = append(products, r)
			}
		}
		if err := e.Replace(ctx, []search.Type{search.TypeProduct}, products); err != nil {
			t.Fatal(err)
		}
		res, err := e.Search(ctx, search.Query{Text: "桃", PerPage: search.MaxPerPage})
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, h := range res.Hits {
			titles = append(titles, h.TitleText())
		}
		if slices.Contains(titles, "略阳核桃") || !slices.Contains(titles, "白鹿原早樱桃") || !slices.Contains(titles, "白鹿原樱桃专业合作社") {
			t.Errorf("after replacing the products: %v", titles)
		}
	})
}
