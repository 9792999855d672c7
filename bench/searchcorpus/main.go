// Command searchcorpus writes the corpus of the search benchmark (issue 9): 5,000 documents and
// 500 recruitment events as a content tree (DIR/docs/<kind>/, DIR/events/, DIR/synonyms.txt),
// and, with -db, 20,000 products with their suppliers in a migrated database, beside a table
// bench_search_records holding the title and text of every record the search index holds (the
// rows of the PostgreSQL ILIKE baseline). With -hugo it also writes a Hugo site over the same
// document files.
//
//	go run ./bench/searchcorpus -out DIR [-db URL] [-hugo DIR]
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing/bench/searchcorpus/gen"
	"zhenxing/catalog"
	"zhenxing/content"
	"zhenxing/search"
)

func main() {
	o := gen.Default
	out := flag.String("out", "", "the content directory to write (required)")
	dbURL := flag.String("db", "", "a migrated, empty database to fill with the catalogue and the baseline table")
	hugo := flag.String("hugo", "", "also write a Hugo site over the documents here")
	flag.IntVar(&o.Documents, "docs", o.Documents, "number of documents")
	flag.IntVar(&o.Events, "events", o.Events, "number of events")
	flag.IntVar(&o.Products, "products", o.Products, "number of products")
	flag.IntVar(&o.Suppliers, "suppliers", o.Suppliers, "number of suppliers")
	flag.Parse()
	if *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	log.SetFlags(0)
	log.SetPrefix("searchcorpus: ")
	start := time.Now()
	if err := gen.WriteContent(*out, o); err != nil {
		log.Fatal(err)
	}
	lib, problems := content.Load(os.DirFS(*out))
	for _, p := range problems[:min(len(problems), 10)] {
		log.Printf("%s:%d: %s", p.File, p.Line, p.Message)
	}
	if len(problems) > 0 {
		log.Fatalf("%d problems in the generated content", len(problems))
	}
	fmt.Printf("wrote %d documents and %d events to %s in %s\n", lib.Len(), len(lib.AllEvents()), *out, time.Since(start).Round(time.Millisecond))
	if *hugo != "" {
		if err := writeHugo(*hugo, filepath.Join(*out, "docs")); err != nil {
			log.Fatal(err)
		}
	}
	if *dbURL == "" {
		return
	}
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, *dbURL)
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	start = time.Now()
	if err := gen.Fill(ctx, pool, o); err != nil {
		log.Fatal(err)
	}
	pub, err := catalog.New(pool, catalog.Config{}).Public(ctx)
	if err != nil {
		log.Fatal(err)
	}
	recs := append(search.ContentRecords(lib, time.Now()), search.CatalogRecords(pub)...)
	if err := writeBaseline(ctx, pool, recs); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("inserted %d suppliers, %d products (%d listed) and %d baseline rows in %s\n",
		o.Suppliers, o.Products, len(pub.Products), len(recs), time.Since(start).Round(time.Millisecond))
}

// writeBaseline puts the title and text of every record into bench_search_records.
func writeBaseline(ctx context.Context, pool *pgxpool.Pool, recs []search.Record) error {
	if _, err := pool.Exec(ctx, `DROP TABLE IF EXISTS bench_search_records;
		CREATE TABLE bench_search_records (type text NOT NULL, id text NOT NULL, title text NOT NULL, body text NOT NULL, PRIMARY KEY (type, id))`); err != nil {
		return fmt.Errorf("create baseline table: %w", err)
	}
	rows := make([][]any, len(recs))
	for i, r := range recs {
		rows[i] = []any{string(r.Type), r.ID, r.Title, r.Text}
	}
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"bench_search_records"}, []string{"type", "id", "title", "body"}, pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("copy baseline rows: %w", err)
	}
	_, err := pool.Exec(ctx, `ANALYZE bench_search_records`)
	return err
}

// writeHugo writes a minimal Hugo site in dir whose content is the directory docs.
func writeHugo(dir, docs string) error {
	if err := os.MkdirAll(filepath.Join(dir, "layouts", "_default"), 0o755); err != nil {
		return err
	}
	abs, err := filepath.Abs(docs)
	if err != nil {
		return err
	}
	if err := os.Symlink(abs, filepath.Join(dir, "content")); err != nil && !os.IsExist(err) {
		return err
	}
	files := map[string]string{
		"hugo.toml": "baseURL = 'http://localhost/'\nlanguageCode = 'zh-CN'\ntitle = 'bench'\ndisableKinds = ['taxonomy', 'term', 'RSS', 'sitemap']\n" +
			"[markup.goldmark.extensions]\n  cjk = { enable = true, eastAsianLineBreaks = true }\n",
		"layouts/_default/single.html": "<!DOCTYPE html><html lang=\"zh-CN\"><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1><p>{{ .Params.index_no }} {{ .Params.number }} {{ .Params.publisher }}</p>{{ .Content }}</body></html>\n",
		"layouts/_default/list.html":   "<!DOCTYPE html><html><body><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul></body></html>\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}
