// Command searchcmp compares candidate engines for the site search on the benchmark corpus, in
// process: for each, the time to build its index from nothing, the index size, and the p50 and
// p99 latency of the query mix run by 8 goroutines for a while, each query asking for facets and
// highlighted snippets as the search page does. It prints Markdown tables.
//
// Candidates: "embedded" (search.NewEmbedded, the default engine; its size is the Go heap held
// after runtime.GC, minus the heap before the build) and Bleve v2 with single characters and
// pairs (its size is that of the scorch index directory), queried two ways: "bleve-phrase"
// (each term a phrase of its pairs) and "bleve-match" (each term a match of all its grams).
//
// It is a module of its own so that Bleve never enters zhenxing's go.mod:
//
//	go run ./bench/searchcorpus -out /tmp/sc -db "$URL"   # in the zhenxing module
//	cd bench/searchcmp && go run . -content /tmp/sc -db "$URL"
//
// Without -db, the catalogue is generated in process by the same generator.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing/bench/searchcorpus/gen"
	"zhenxing/catalog"
	"zhenxing/content"
	"zhenxing/search"
)

// Mix is the query mix: one, two and four characters, a 文号 in another bracket form than the
// documents', and a pinyin word.
var Mix = []string{"桃", "农", "樱桃", "资金", "乡村振兴", "衔接资金", "灞乡振发[2023]12号", "yingtao"}

type result struct {
	name    string
	build   time.Duration
	size    int64
	sizeOf  string
	lat     []time.Duration   // every query
	byQuery [][]time.Duration // per query of Mix
	totals  []int             // the total of each query of Mix
	elapsed time.Duration
}

func main() {
	dir := flag.String("content", "", "the content directory written by bench/searchcorpus (required)")
	dbURL := flag.String("db", "", "the database filled by bench/searchcorpus -db; without it the catalogue is generated in process")
	duration := flag.Duration("d", 10*time.Second, "how long to run the query mix on each engine")
	workers := flag.Int("c", 8, "concurrent goroutines")
	engines := flag.String("engines", "embedded,bleve-phrase,bleve-match", "the candidates, comma-separated")
	products := flag.Int("products", gen.Default.Products, "without -db: the number of products to generate")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	bleveDir := flag.String("bleve-dir", "", "where to build the Bleve index (default: a temporary directory, removed)")
	flag.Parse()
	if *dir == "" {
		flag.Usage()
		os.Exit(2)
	}
	log.SetFlags(0)
	log.SetPrefix("searchcmp: ")
	ctx := context.Background()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}

	lib, problems := content.Load(os.DirFS(*dir))
	if len(problems) > 0 {
		log.Fatalf("%d problems in %s, the first: %s:%d: %s", len(problems), *dir, problems[0].File, problems[0].Line, problems[0].Message)
	}
	var pub *catalog.Public
	if *dbURL != "" {
		pool, err := pgxpool.New(ctx, *dbURL)
		if err != nil {
			log.Fatal(err)
		}
		if pub, err = catalog.New(pool, catalog.Config{}).Public(ctx); err != nil {
			log.Fatal(err)
		}
		pool.Close()
	} else {
		o := gen.Default
		o.Products = *products
		pub = gen.Public(o)
	}
	contentRecs := search.ContentRecords(lib, time.Now())
	catalogRecs := search.CatalogRecords(pub)
	all := append(slices.Clone(contentRecs), catalogRecs...)
	syn, _ := search.ParseSynonyms(lib.Synonyms())
	counts := map[search.Type]int{}
	for _, r := range all {
		counts[r.Type]++
	}
	fmt.Printf("corpus: %d records (%d documents, %d events, %d positions, %d products, %d suppliers); %d CPUs; %d goroutines for %s per engine\n\n",
		len(all), counts[search.TypeDocument], counts[search.TypeEvent], counts[search.TypePosition], counts[search.TypeProduct], counts[search.TypeSupplier],
		runtime.NumCPU(), *workers, *duration)

	var results []*result
	var built string // the Bleve index directory, built once for both query styles
	for _, name := range strings.Split(*engines, ",") {
		var res *result
		switch name = strings.TrimSpace(name); name {
		case "embedded":
			res = runEmbedded(ctx, contentRecs, catalogRecs, syn, *duration, *workers)
		case "bleve-phrase", "bleve-match":
			res = &result{name: name, sizeOf: "scorch directory"}
			if built == "" {
				d := *bleveDir
				if d == "" {
					tmp, err := os.MkdirTemp("", "searchcmp-bleve-")
					if err != nil {
						log.Fatal(err)
					}
					defer os.RemoveAll(tmp)
					d = tmp + "/index"
				}
				start := time.Now()
				size, err := buildBleve(d, all)
				if err != nil {
					log.Fatalf("build bleve: %v", err)
				}
				res.build, res.size = time.Since(start), size
				built = d
				fmt.Fprintf(os.Stderr, "bleve: built in %s, %s\n", res.build.Round(time.Millisecond), mib(size))
			} else {
				res.build, res.size = results[len(results)-1].build, results[len(results)-1].size
			}
			s, err := openBleve(built, syn, name == "bleve-phrase")
			if err != nil {
				log.Fatal(err)
			}
			measure(res, func(q string) (int, error) { return s.search(ctx, q) }, *duration, *workers)
			s.close()
		default:
			log.Fatalf("unknown engine %q", name)
		}
		results = append(results, res)
	}
	printTables(results)
}

func runEmbedded(ctx context.Context, contentRecs, catalogRecs []search.Record, syn search.Synonyms, d time.Duration, workers int) *result {
	res := &result{name: "embedded", sizeOf: "Go heap held"}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := ms.HeapAlloc
	start := time.Now()
	e := search.NewEmbedded()
	if err := e.SetSynonyms(ctx, syn); err != nil {
		log.Fatal(err)
	}
	if err := e.Replace(ctx, search.ContentTypes, contentRecs); err != nil {
		log.Fatal(err)
	}
	if err := e.Replace(ctx, search.CatalogTypes, catalogRecs); err != nil {
		log.Fatal(err)
	}
	res.build = time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&ms)
	res.size = int64(ms.HeapAlloc) - int64(before)
	fmt.Fprintf(os.Stderr, "embedded: built in %s, %s\n", res.build.Round(time.Millisecond), mib(res.size))
	measure(res, func(q string) (int, error) {
		r, err := e.Search(ctx, search.Query{Text: q, Facets: search.AllFacets, PerPage: 10})
		if err != nil {
			return 0, err
		}
		return r.Total, nil
	}, d, workers)
	runtime.KeepAlive(e)
	return res
}

// measure runs each query of Mix once for its total, then the mix from workers goroutines for d,
// each starting at a different query, timing every search.
func measure(res *result, run func(q string) (int, error), d time.Duration, workers int) {
	for _, q := range Mix {
		n, err := run(q)
		if err != nil {
			log.Fatalf("%s: %q: %v", res.name, q, err)
		}
		res.totals = append(res.totals, n)
	}
	per := make([][][]time.Duration, workers)
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for w := range workers {
		per[w] = make([][]time.Duration, len(Mix))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; ; i++ {
				t0 := time.Now()
				if t0.After(deadline) {
					return
				}
				k := i % len(Mix)
				if _, err := run(Mix[k]); err != nil {
					log.Fatalf("%s: %q: %v", res.name, Mix[k], err)
				}
				per[w][k] = append(per[w][k], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.byQuery = make([][]time.Duration, len(Mix))
	for _, p := range per {
		for k, l := range p {
			res.byQuery[k] = append(res.byQuery[k], l...)
			res.lat = append(res.lat, l...)
		}
	}
	slices.Sort(res.lat)
	for _, l := range res.byQuery {
		slices.Sort(l)
	}
}

func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(float64(len(sorted))*p))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func mib(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }

func printTables(results []*result) {
	fmt.Println("| engine | build from nothing | index size | p50 | p99 | searches/s |")
	fmt.Println("|---|---:|---:|---:|---:|---:|")
	for _, r := range results {
		fmt.Printf("| %s | %s | %s (%s) | %s | %s | %.0f |\n", r.name, r.build.Round(time.Millisecond), mib(r.size), r.sizeOf,
			ms(pct(r.lat, 0.50)), ms(pct(r.lat, 0.99)), float64(len(r.lat))/r.elapsed.Seconds())
	}
	fmt.Println()
	fmt.Print("| query |")
	for _, r := range results {
		fmt.Printf(" %s: total | p50 | p99 |", r.name)
	}
	fmt.Print("\n|---|")
	for range results {
		fmt.Print("---:|---:|---:|")
	}
	fmt.Println()
	for k, q := range Mix {
		fmt.Printf("| %s |", q)
		for _, r := range results {
			fmt.Printf(" %d | %s | %s |", r.totals[k], ms(pct(r.byQuery[k], 0.50)), ms(pct(r.byQuery[k], 0.99)))
		}
		fmt.Println()
	}
}
