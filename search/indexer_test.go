package search_test

import (
	"context"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing/catalog"
	"zhenxing/content"
	"zhenxing/internal/db"
	"zhenxing/internal/testdb"
	"zhenxing/search"
)

// replica is one server's view: its own catalogue (with its own listing index), its own engine
// and indexer, on the shared database.
type replica struct {
	cat *catalog.Catalog
	eng *search.Embedded
	ix  *search.Indexer
}

func found(t *testing.T, e search.Engine, typ search.Type, q string) []string {
	t.Helper()
	ids, err := e.Match(context.Background(), typ, q, 0)
	if err != nil {
		t.Fatalf("Match(%s, %q): %v", typ, q, err)
	}
	return ids
}

func TestIndexerKeepsReplicasInStep(t *testing.T) {
	ctx := context.Background()
	pool := testdb.New(t)
	lib, problems := content.Load(content.Embedded())
	if len(problems) > 0 {
		t.Fatalf("sample content: %v", problems)
	}
	library := func() *content.Library { return lib }
	open := func() *replica {
		r := &replica{eng: search.NewEmbedded()}
		r.cat = catalog.New(pool, catalog.Config{OnChange: func() { r.ix.Changed() }})
		r.ix = search.NewIndexer(search.IndexerConfig{Engine: r.eng, Library: library, Catalog: r.cat, DB: pool})
		return r
	}
	a, b := open(), open()
	if _, err := a.cat.Seed(ctx, catalog.SeedFS()); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*replica{a, b} {
		if err := r.ix.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	slug := "bailuyuan-hongdeng-cherry-1kg"
	if got := found(t, b.eng, search.TypeProduct, "红灯樱桃"); !slices.Contains(got, slug) {
		t.Fatalf("seeded cherry not found on b: %v", got)
	}

	// A product renamed through replica a is found by its new name through replica b once b
	// syncs (which Run does every SEARCH_RECHECK), and no longer by the old one.
	d, err := a.cat.Products.Find(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	p := d.Product
	p.Name = "白鹿原黑珍珠樱桃 礼盒"
	if err := a.cat.Products.Update(ctx, db.CommandLine, &p, d.Supplier.Slug); err != nil {
		t.Fatal(err)
	}
	if got := found(t, b.eng, search.TypeProduct, "黑珍珠"); len(got) != 0 {
		t.Fatalf("found before b synced: %v", got)
	}
	if err := b.ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := found(t, b.eng, search.TypeProduct, "黑珍珠"); !slices.Equal(got, []string{slug}) {
		t.Errorf("renamed product on b: %v", got)
	}
	if got := found(t, b.eng, search.TypeProduct, "红灯樱桃"); slices.Contains(got, slug) {
		t.Errorf("old name still finds it on b: %v", got)
	}

	// Unlisted: the public cannot open it, so search does not find it.
	if err := a.cat.Products.SetListed(ctx, db.CommandLine, slug, false); err != nil {
		t.Fatal(err)
	}
	if err := b.ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := found(t, b.eng, search.TypeProduct, "黑珍珠"); len(got) != 0 {
		t.Errorf("unlisted product found: %v", got)
	}

	// A reindex request rebuilds every replica's index whole.
	if _, err := search.RequestReindex(ctx, pool); err != nil {
		t.Fatal(err)
	}
	if err := a.ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := found(t, a.eng, search.TypeDocument, "衔接"); len(got) == 0 {
		t.Errorf("documents gone after reindex")
	}
}

func TestIndexerFollowsContent(t *testing.T) {
	ctx := context.Background()
	clock := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	fsys := fstest.MapFS{
		"docs/notices/a.md": {Data: []byte(noticeFile("早樱桃上市通知", "XCZX-2026-0001"))},
		"events/short.md":   {Data: []byte(eventFile("春风行动专场招聘会", "2026-03-03 09:00", "2026-03-03 12:00"))},
		"events/long.md":    {Data: []byte(eventFile("春风行动招聘周活动", "2026-02-27 09:00", "2026-03-10 17:00"))},
		"synonyms.txt":      {Data: []byte("车厘子 → 樱桃\n")},
	}
	lib, problems := content.Load(fsys)
	if len(problems) > 0 {
		t.Fatalf("content: %v", problems)
	}
	eng := search.NewEmbedded()
	ix := search.NewIndexer(search.IndexerConfig{Engine: eng, Library: func() *content.Library { return lib },
		Now: func() time.Time { return clock }})
	if err := ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := found(t, eng, search.TypeDocument, "车厘子"); !slices.Equal(got, []string{"a"}) {
		t.Errorf("synonym from the content tree: %v", got)
	}
	// Both events are to come: the one that starts later is newer and comes first. Once it has
	// ended, the next sync demotes it below the one still running.
	if got := found(t, eng, search.TypeEvent, "春风行动"); !slices.Equal(got, []string{"short", "long"}) {
		t.Errorf("events before the short one ends: %v", got)
	}
	clock = time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	if err := ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := found(t, eng, search.TypeEvent, "春风行动"); !slices.Equal(got, []string{"long", "short"}) {
		t.Errorf("events after the short one ended: %v", got)
	}

	// A reload that changes the document is indexed at the next sync.
	fsys["docs/notices/a.md"] = &fstest.MapFile{Data: []byte(noticeFile("核桃收购通知", "XCZX-2026-0001"))}
	lib, _ = content.Load(fsys)
	if err := ix.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := found(t, eng, search.TypeDocument, "核桃"); !slices.Equal(got, []string{"a"}) {
		t.Errorf("after reload: %v", got)
	}
	if got := found(t, eng, search.TypeDocument, "早樱桃"); len(got) != 0 {
		t.Errorf("old text after reload: %v", got)
	}
}

func noticeFile(title, index string) string {
	return "---\ntitle: " + title + "\nindex_no: " + index + "\npublisher: 灞桥区乡村振兴局\nwritten: 2026-02-01\npublished: 2026-02-02\ntopic: 产业发展\nvalidity: 有效\n---\n\n" + title + "的正文。\n"
}

func eventFile(title, start, end string) string {
	return "---\ntitle: " + title + "\nkind: 春风行动\nmode: 现场\nstart: " + start + " +08:00\nend: " + end + " +08:00\npublished: 2026-02-01\n" +
		"venue:\n  name: 灞桥区人力资源市场\n  address: 西安市灞桥区纺织城正街168号\n  district: 灞桥区\n" +
		"hosts: [灞桥区人力资源和社会保障局]\ncontact:\n  name: 区就业服务中心\n  phone: 029-83521610\n" +
		"registration:\n  how: 直接进场。\nemployers:\n  - name: 西安康宁颐养护理院\n    industry: 养老服务\n    positions:\n" +
		"      - title: 养老护理员\n        headcount: 2\n        education: 不限\n        location: 灞桥区\n---\n" + title + "欢迎求职者参加。\n"
}

// With the database down, the content (local files) is still indexed; the catalogue waits.
func TestIndexerWithTheDatabaseDown(t *testing.T) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, "postgres://nobody@"+testdb.ClosedAddr(t)+"/none?connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	lib, _ := content.Load(content.Embedded())
	eng := search.NewEmbedded()
	ix := search.NewIndexer(search.IndexerConfig{Engine: eng, Library: func() *content.Library { return lib },
		Catalog: catalog.New(pool, catalog.Config{}), DB: pool})
	if err := ix.Sync(ctx); err == nil {
		t.Fatal("Sync with the database down: no error")
	}
	if got := found(t, eng, search.TypeDocument, "衔接"); len(got) == 0 {
		t.Error("documents not indexed with the database down")
	}
}
