package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing/catalog"
	"zhenxing/content"
)

// CatalogSource is the catalogue as the indexer reads it; *catalog.Catalog is one.
type CatalogSource interface {
	Public(ctx context.Context) (*catalog.Public, error)
	Version(ctx context.Context) (catalog.Version, error)
}

// Indexer feeds an engine from the content library and the catalogue and keeps it in step:
// content when the library it is given changes (a reload) and when an indexed event ends (it
// is demoted then); the catalogue when its version in PostgreSQL moves (a change through any
// replica) and at once after a change through this one (Changed); everything when `zhenxing
// reindex` moves the search generation. Every replica runs its own Indexer; nothing it keeps
// can disagree with another's for longer than one poll.
type Indexer struct {
	engine  Engine
	library func() *content.Library
	catalog CatalogSource // nil: no catalogue
	pool    *pgxpool.Pool // nil: no reindex requests
	log     *slog.Logger
	now     func() time.Time
	kick    chan struct{}

	contentMu sync.Mutex // one content indexing at a time, guarding lib and nextEnd
	lib       *content.Library
	nextEnd   time.Time // the end of the next indexed event to end; zero when none

	catalogMu sync.Mutex // one catalogue indexing at a time, guarding version and synced
	version   catalog.Version
	synced    bool // the catalogue was indexed at version

	genMu      sync.Mutex
	generation int64 // the search generation last seen
	seen       bool  // generation was read once
}

// IndexerConfig is what an Indexer reads from. Library and Engine are required.
type IndexerConfig struct {
	Engine  Engine
	Library func() *content.Library // the current library (content.Store.Library)
	Catalog CatalogSource
	DB      *pgxpool.Pool // for reindex requests (search_state)
	Log     *slog.Logger
	Now     func() time.Time
}

// NewIndexer returns an indexer; nothing is indexed until Sync or Run.
func NewIndexer(cfg IndexerConfig) *Indexer {
	ix := &Indexer{engine: cfg.Engine, library: cfg.Library, catalog: cfg.Catalog, pool: cfg.DB,
		log: cfg.Log, now: cfg.Now, kick: make(chan struct{}, 1)}
	if ix.log == nil {
		ix.log = slog.New(slog.DiscardHandler)
	}
	if ix.now == nil {
		ix.now = time.Now
	}
	return ix
}

// Changed tells the indexer that the catalogue changed through this process; the running
// indexer reads it at once. It never blocks.
func (ix *Indexer) Changed() {
	select {
	case ix.kick <- struct{}{}:
	default:
	}
}

// Sync brings the engine up to date with both sources and returns when it is: the content if
// the library changed or an event ended since it was indexed, the catalogue if its version
// moved, everything if a reindex was requested. The two sources are indexed side by side. The
// first Sync indexes everything.
func (ix *Indexer) Sync(ctx context.Context) error {
	// The content is local: it is indexed even when the database cannot be read.
	force, genErr := ix.reindexRequested(ctx)
	var contentErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		contentErr = ix.syncContent(ctx, force)
	}()
	catalogErr := ix.syncCatalog(ctx, force)
	<-done
	err := errors.Join(genErr, contentErr, catalogErr)
	if force && (contentErr != nil || catalogErr != nil) {
		// The rebuild did not finish: ask again at the next sync.
		ix.genMu.Lock()
		ix.generation--
		ix.genMu.Unlock()
	}
	return err
}

// reindexRequested reports whether the search generation moved since the last look.
func (ix *Indexer) reindexRequested(ctx context.Context) (bool, error) {
	if ix.pool == nil {
		return false, nil
	}
	ix.genMu.Lock()
	defer ix.genMu.Unlock()
	var gen int64
	if err := ix.pool.QueryRow(ctx, `SELECT generation FROM search_state`).Scan(&gen); err != nil {
		return false, fmt.Errorf("read search generation: %w", err)
	}
	if gen == ix.generation {
		return false, nil
	}
	if ix.seen {
		ix.log.Info("search: reindex requested", "generation", gen)
	}
	ix.generation, ix.seen = gen, true
	return true, nil
}

func (ix *Indexer) syncContent(ctx context.Context, force bool) error {
	ix.contentMu.Lock()
	defer ix.contentMu.Unlock()
	lib := ix.library()
	if !force && lib == ix.lib && (ix.nextEnd.IsZero() || ix.now().Before(ix.nextEnd)) {
		return nil
	}
	return ix.indexContent(ctx, lib)
}

func (ix *Indexer) indexContent(ctx context.Context, lib *content.Library) error {
	start := ix.now()
	syn, bad := ParseSynonyms(lib.Synonyms())
	for _, line := range bad {
		ix.log.Warn("search: synonyms line not understood", "file", content.SynonymsFile, "line", line)
	}
	if err := ix.engine.SetSynonyms(ctx, syn); err != nil {
		return fmt.Errorf("set synonyms: %w", err)
	}
	recs := ContentRecords(lib, start)
	if err := ix.engine.Replace(ctx, ContentTypes, recs); err != nil {
		return fmt.Errorf("index content: %w", err)
	}
	ix.lib = lib
	ix.nextEnd = time.Time{}
	for _, e := range lib.AllEvents() {
		if e.End.After(start) && (ix.nextEnd.IsZero() || e.End.Before(ix.nextEnd)) {
			ix.nextEnd = e.End
		}
	}
	ix.log.Info("search: content indexed", "records", len(recs), "took", time.Since(start))
	return nil
}

func (ix *Indexer) syncCatalog(ctx context.Context, force bool) error {
	if ix.catalog == nil {
		return nil
	}
	ix.catalogMu.Lock()
	defer ix.catalogMu.Unlock()
	if !force && ix.synced {
		v, err := ix.catalog.Version(ctx)
		if err != nil {
			return fmt.Errorf("read catalogue version: %w", err)
		}
		if v == ix.version {
			return nil
		}
	}
	start := time.Now()
	pub, err := ix.catalog.Public(ctx)
	if err != nil {
		return fmt.Errorf("read catalogue: %w", err)
	}
	recs := CatalogRecords(pub)
	if err := ix.engine.Replace(ctx, CatalogTypes, recs); err != nil {
		return fmt.Errorf("index catalogue: %w", err)
	}
	ix.version, ix.synced = pub.Version, true
	ix.log.Info("search: catalogue indexed", "records", len(recs), "version", pub.Version.Catalog, "took", time.Since(start))
	return nil
}

// Run syncs every interval, and at once after Changed, until ctx ends. A failed sync is logged
// and tried again after a pause that doubles with each failure, up to a minute (an engine that is
// down is not rebuilt against every tick); the engine keeps answering from what it holds.
func (ix *Indexer) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	var failures int
	var retryAt time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-ix.kick:
		}
		if time.Now().Before(retryAt) {
			continue
		}
		err := ix.Sync(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			if failures == 0 {
				ix.log.Warn("search: index not updated, retrying", "err", err)
			}
			failures++
			retryAt = time.Now().Add(min(every<<min(failures, 10), time.Minute))
		case err == nil && failures > 0:
			ix.log.Info("search: index up to date again", "failures", failures)
			failures, retryAt = 0, time.Time{}
		}
	}
}

// RequestReindex asks every replica to rebuild its index whole, by moving the search generation,
// and returns the new generation.
func RequestReindex(ctx context.Context, pool *pgxpool.Pool) (int64, error) {
	var gen int64
	err := pool.QueryRow(ctx, `UPDATE search_state SET generation = generation + 1 RETURNING generation`).Scan(&gen)
	if err != nil {
		return 0, fmt.Errorf("request reindex: %w", err)
	}
	return gen, nil
}
