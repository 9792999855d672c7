package gen

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"zhenxing/catalog"
	"zhenxing/content"
	"zhenxing/internal/testdb"
	"zhenxing/search"
)

var small = Options{Documents: 200, Events: 20, Products: 400, Suppliers: 20, Seed: 7}

// The generated tree loads with no problem, and the search engine finds in it what the benchmark
// queries ask for: a one-character query many records, a 文号 in another bracket form its document.
func TestContentLoadsAndIsFound(t *testing.T) {
	dir := t.TempDir()
	if err := WriteContent(dir, small); err != nil {
		t.Fatal(err)
	}
	lib, problems := content.Load(os.DirFS(dir))
	for _, p := range problems {
		t.Errorf("%s:%d: %s", p.File, p.Line, p.Message)
	}
	if lib.Len() != small.Documents || len(lib.AllEvents()) != small.Events {
		t.Fatalf("loaded %d documents and %d events, want %d and %d", lib.Len(), len(lib.AllEvents()), small.Documents, small.Events)
	}
	var numbered *content.Document
	for _, d := range lib.Latest("", lib.Len()) {
		if strings.HasPrefix(d.Number, "灞乡振发〔") {
			numbered = d
			break
		}
	}
	if numbered == nil {
		t.Fatal("no document has a 文号 of 灞乡振发")
	}
	syn, bad := search.ParseSynonyms(lib.Synonyms())
	if len(bad) > 0 || len(syn["农发行"]) == 0 {
		t.Errorf("synonyms: %v, lines not understood %v", syn, bad)
	}

	ctx := context.Background()
	e := search.NewEmbedded()
	recs := append(search.ContentRecords(lib, time.Now()), search.CatalogRecords(Public(small))...)
	if err := e.Replace(ctx, append(search.ContentTypes, search.CatalogTypes...), recs); err != nil {
		t.Fatal(err)
	}
	res, err := e.Search(ctx, search.Query{Text: "桃", PerPage: search.MaxPerPage})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total < len(recs)/10 {
		t.Errorf("桃 finds %d of %d records, want at least a tenth", res.Total, len(recs))
	}
	seen := map[string]bool{}
	for _, h := range res.Hits {
		for _, w := range []string{"樱桃", "核桃", "猕猴桃"} {
			if strings.Contains(h.TitleText()+h.SnippetText(), w) {
				seen[w] = true
			}
		}
	}
	if len(seen) < 2 {
		t.Errorf("桃 finds only %v among the first %d hits", seen, len(res.Hits))
	}
	query := strings.NewReplacer("〔", "[", "〕", "]").Replace(numbered.Number)
	res, err = e.Search(ctx, search.Query{Text: query})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].ID != numbered.Slug {
		t.Errorf("%s: first hit %v, want %s (%s)", query, res.Hits, numbered.Slug, numbered.Number)
	}
}

// Fill puts the generated catalogue into the database, and the catalogue read back is the one
// generated in process (which bench/searchcmp uses without a database).
func TestFillMatchesPublic(t *testing.T) {
	pool := testdb.New(t)
	ctx := context.Background()
	if err := Fill(ctx, pool, small); err != nil {
		t.Fatal(err)
	}
	got, err := catalog.New(pool, catalog.Config{}).Public(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := Public(small)
	if len(got.Suppliers) != len(want.Suppliers) || len(got.Products) != len(want.Products) {
		t.Fatalf("read back %d suppliers and %d products, want %d and %d", len(got.Suppliers), len(got.Products), len(want.Suppliers), len(want.Products))
	}
	for i := range want.Products {
		g, w := got.Products[i], want.Products[i]
		if g.Slug != w.Slug || g.Name != w.Name || g.SupplierName != w.SupplierName || g.Description != w.Description {
			t.Fatalf("product %d: read back %s %q (%s), want %s %q (%s)", i, g.Slug, g.Name, g.SupplierName, w.Slug, w.Name, w.SupplierName)
		}
	}
}
