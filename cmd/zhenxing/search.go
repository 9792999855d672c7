package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing/catalog"
	"zhenxing/content"
	"zhenxing/search"
)

// openSearch returns the configured engine: the embedded one, or Meilisearch (opened lazily, so
// a server that is down at start makes only search unavailable), with an embedded index beside
// it when SEARCH_FALLBACK=embedded.
func openSearch(cfg *config, log *slog.Logger) search.Engine {
	sc := cfg.Search
	if sc.MeiliURL == "" {
		return search.NewEmbeddedAt(sc.DataDir, log)
	}
	meili := search.NewLazy(func(ctx context.Context) (search.Engine, error) {
		return search.NewMeili(ctx, search.MeiliConfig{URL: sc.MeiliURL, Key: sc.MeiliKey, IndexPrefix: sc.MeiliPrefix, Timeout: sc.MeiliTimeout})
	}, sc.Recheck)
	if sc.Fallback {
		return search.Fallback{Primary: meili, Secondary: search.NewEmbeddedAt(sc.DataDir, log)}
	}
	return meili
}

// newSearch makes the engine and its indexer; nothing is indexed yet.
func newSearch(cfg *config, library func() *content.Library, cat *catalog.Catalog, pool *pgxpool.Pool, log *slog.Logger) (search.Engine, *search.Indexer) {
	engine := search.NewCached(openSearch(cfg, log), cfg.Search.Cache)
	return engine, search.NewIndexer(search.IndexerConfig{Engine: engine, Library: library, Catalog: cat, DB: pool, Log: log})
}

// startSearch indexes the content and the catalogue (side by side) and keeps the index in step
// until ctx ends. A source that cannot be read is logged and tried again by the indexer's loop:
// the site starts all the same. (Reading the catalogue while the content loads was tried: both
// are CPU-bound, and start-up took longer.)
func startSearch(ctx context.Context, cfg *config, ix *search.Indexer, log *slog.Logger) {
	start := time.Now()
	if err := ix.Sync(ctx); err != nil {
		log.Warn("search: index incomplete at start, retrying", "err", err)
	}
	log.Info("search ready", "took", time.Since(start))
	go ix.Run(ctx, cfg.Search.Recheck)
}

// reindexCmd rebuilds the search index whole. With Meilisearch it builds a new index beside the
// old one, which keeps answering, and swaps them. Every replica holding an embedded index
// rebuilds its own, in the background, when it sees the request.
func reindexCmd(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	return withDB(ctx, getenv, func(cfg *config, pool *pgxpool.Pool) error {
		var fsys fs.FS = content.Embedded()
		if cfg.ContentDir != "" {
			fsys = os.DirFS(cfg.ContentDir)
		}
		lib, problems := content.Load(fsys)
		if len(problems) > 0 {
			fmt.Fprintf(stdout, "内容有 %d 个问题，有问题的文件不编入索引（用 zhenxing check 查看）。\n", len(problems))
		}
		start := time.Now()
		pub, err := catalog.New(pool, catalog.Config{}).Public(ctx)
		if err != nil {
			return err
		}
		recs := append(search.ContentRecords(lib, time.Now()), search.CatalogRecords(pub)...)
		if cfg.Search.MeiliURL != "" {
			engine, err := search.NewMeili(ctx, search.MeiliConfig{URL: cfg.Search.MeiliURL, Key: cfg.Search.MeiliKey,
				IndexPrefix: cfg.Search.MeiliPrefix, Timeout: cfg.Search.MeiliTimeout})
			if err != nil {
				return err
			}
			defer engine.Close()
			syn, _ := search.ParseSynonyms(lib.Synonyms())
			if err := engine.SetSynonyms(ctx, syn); err != nil {
				return err
			}
			if err := engine.Replace(ctx, search.Types, recs); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "已重建 Meilisearch 索引：%d 条记录，用时 %s。\n", len(recs), time.Since(start).Round(time.Millisecond))
			return nil
		}
		// The embedded index lives in each server: build one here to check the sources and
		// time it, then ask every server to rebuild its own.
		if err := search.NewEmbedded().Replace(ctx, search.Types, recs); err != nil {
			return err
		}
		gen, err := search.RequestReindex(ctx, pool)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已请求重建索引（第 %d 次）：%d 条记录，本机重建用时 %s；各服务实例将在 %s 内各自重建，重建期间旧索引照常响应。\n",
			gen, len(recs), time.Since(start).Round(time.Millisecond), cfg.Search.Recheck)
		return nil
	})
}
