package search_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhenxing/search"
	"zhenxing/search/searchtest"
)

// Every conformance case passes on segments read back from snapshots: the engine each case gets
// reads the snapshots another engine wrote of the same records.
func TestSnapshotConformance(t *testing.T) {
	dir := t.TempDir()
	syn, _ := search.ParseSynonyms(searchtest.Synonyms)
	writer := search.NewEmbeddedAt(dir, nil)
	if err := writer.SetSynonyms(context.Background(), syn); err != nil {
		t.Fatal(err)
	}
	if err := writer.Replace(context.Background(), search.Types, searchtest.Corpus()); err != nil {
		t.Fatal(err)
	}
	writer.Close()
	searchtest.Run(t, func(t *testing.T) search.Engine {
		e := search.NewEmbeddedAt(dir, nil)
		t.Cleanup(func() { e.Close() }) // the snapshots it writes are written before dir goes
		return e
	})
}

func TestSnapshotIsReadBackAndReplaced(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var logs bytes.Buffer
	open := func() *search.Embedded {
		logs.Reset()
		return search.NewEmbeddedAt(dir, slog.New(slog.NewTextHandler(&logs, nil)))
	}
	recs := searchtest.Corpus()
	e := open()
	if err := e.Replace(ctx, search.Types, recs); err != nil {
		t.Fatal(err)
	}
	e.Close()
	if got := strings.Count(logs.String(), "snapshot written"); got != len(search.Types) {
		t.Fatalf("%d snapshots written, want one per type:\n%s", got, logs.String())
	}

	// A restart with the same records reads them back and writes nothing.
	e = open()
	if err := e.Replace(ctx, search.Types, recs); err != nil {
		t.Fatal(err)
	}
	e.Close()
	if strings.Contains(logs.String(), "snapshot") {
		t.Errorf("the second start wrote or missed a snapshot:\n%s", logs.String())
	}
	if ids, _ := e.Match(ctx, search.TypeProduct, "樱桃", 0); len(ids) != 2 {
		t.Errorf("樱桃 from the snapshot: %v", ids)
	}

	// Changed records build a new segment, whose snapshot replaces the old one.
	recs[3].Title = "白鹿原早熟樱桃"
	e = open()
	if err := e.Replace(ctx, search.Types, recs); err != nil {
		t.Fatal(err)
	}
	e.Close()
	if got := strings.Count(logs.String(), "snapshot written"); got != 1 {
		t.Errorf("%d snapshots written after one product changed:\n%s", got, logs.String())
	}
	products, _ := filepath.Glob(filepath.Join(dir, "product-*.idx"))
	if len(products) != 1 {
		t.Errorf("product snapshots: %v", products)
	}
	if ids, _ := e.Match(ctx, search.TypeProduct, "早熟", 0); len(ids) != 1 {
		t.Errorf("the changed title: %v", ids)
	}

	// A damaged snapshot is reported and the index built all the same.
	if err := os.Truncate(products[0], 100); err != nil {
		t.Fatal(err)
	}
	e = open()
	if err := e.Replace(ctx, search.Types, recs); err != nil {
		t.Fatal(err)
	}
	e.Close()
	if !strings.Contains(logs.String(), "snapshot not read") {
		t.Errorf("a damaged snapshot was not reported:\n%s", logs.String())
	}
	if ids, _ := e.Match(ctx, search.TypeProduct, "早熟", 0); len(ids) != 1 {
		t.Errorf("after a damaged snapshot: %v", ids)
	}
}
