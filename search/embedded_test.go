package search_test

import (
	"context"
	"testing"

	"zhenxing/search"
	"zhenxing/search/searchtest"
)

func TestEmbeddedConformance(t *testing.T) {
	searchtest.Run(t, func(t *testing.T) search.Engine { return search.NewEmbedded() })
}

func TestCachedConformance(t *testing.T) {
	searchtest.Run(t, func(t *testing.T) search.Engine { return search.NewCached(search.NewEmbedded(), 16) })
}

// A cached answer is forgotten when the records change.
func TestCachedForgetsOnReplace(t *testing.T) {
	ctx := context.Background()
	e := search.NewCached(search.NewEmbedded(), 16)
	recs := searchtest.Corpus()
	if err := e.Replace(ctx, search.Types, recs); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		t.Helper()
		res, err := e.Search(ctx, search.Query{Text: "核桃"})
		if err != nil {
			t.Fatal(err)
		}
		ids, err := e.Match(ctx, search.TypeProduct, "核桃", 0)
		if err != nil || len(ids) != res.Total {
			t.Fatalf("match %v (%v), search total %d", ids, err, res.Total)
		}
		return res.Total
	}
	if n := count(); n != 1 || count() != 1 {
		t.Fatalf("核桃 before: %d", n)
	}
	var without []search.Record
	for _, r := range recs {
		if r.Type == search.TypeProduct && r.ID != "walnut" {
			without = append(without, r)
		}
	}
	if err := e.Replace(ctx, []search.Type{search.TypeProduct}, without); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 0 {
		t.Errorf("核桃 after the walnut was removed: %d", n)
	}
}
