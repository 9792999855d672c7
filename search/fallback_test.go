package search_test

import (
	"context"
	"testing"
	"time"

	"zhenxing"
	"zhenxing/internal/testdb"
	"zhenxing/search"
	"zhenxing/search/searchtest"
)

// downMeili is a Meilisearch engine pointed at a port where nothing listens: a server that is
// down.
func downMeili(t *testing.T) *search.Lazy {
	t.Helper()
	addr := testdb.ClosedAddr(t)
	return search.NewLazy(func(ctx context.Context) (search.Engine, error) {
		return search.NewMeili(ctx, search.MeiliConfig{URL: "http://" + addr, Timeout: time.Second})
	}, time.Hour)
}

func TestSearchServerDown(t *testing.T) {
	ctx := context.Background()
	meili := downMeili(t)
	if err := meili.Replace(ctx, search.Types, searchtest.Corpus()); zhenxing.ErrorCode(err) != zhenxing.EUnavailable {
		t.Errorf("Replace with the server down: %v", err)
	}
	_, err := meili.Search(ctx, search.Query{Text: "樱桃"})
	if zhenxing.ErrorCode(err) != zhenxing.EUnavailable || zhenxing.ErrorMessage(err) != "搜索暂时无法使用，请稍后再试。" {
		t.Errorf("Search with the server down: %v", err)
	}

	// With an embedded fallback the same search is answered, from the records it was given.
	fb := search.Fallback{Primary: downMeili(t), Secondary: search.NewEmbedded()}
	if err := fb.Replace(ctx, search.Types, searchtest.Corpus()); zhenxing.ErrorCode(err) != zhenxing.EUnavailable {
		t.Errorf("Replace reports the primary's failure: %v", err)
	}
	res, err := fb.Search(ctx, search.Query{Text: "樱桃", Types: []search.Type{search.TypeProduct}})
	if err != nil || res.Total != 2 {
		t.Errorf("fallback search: %v, %+v", err, res)
	}
}
