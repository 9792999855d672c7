package search

import (
	"context"
	"errors"
	"sync"
	"time"

	"zhenxing"
)

// Lazy is an engine opened on first use and opened again after a failed attempt, at most once
// per retry interval: a search server that is down when the program starts, or that goes away,
// makes searches EUnavailable until it can be reached, and the rest of the site runs on.
type Lazy struct {
	open  func(ctx context.Context) (Engine, error)
	retry time.Duration

	mu     sync.Mutex
	engine Engine
	failed time.Time // the last failed attempt
	err    error
}

// NewLazy returns an engine that opens the real one with open when first needed.
func NewLazy(open func(ctx context.Context) (Engine, error), retry time.Duration) *Lazy {
	return &Lazy{open: open, retry: retry}
}

func (l *Lazy) get(ctx context.Context) (Engine, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.engine != nil {
		return l.engine, nil
	}
	if !l.failed.IsZero() && time.Since(l.failed) < l.retry {
		return nil, unavailable(l.err)
	}
	e, err := l.open(ctx)
	if err != nil {
		l.failed, l.err = time.Now(), err
		if zhenxing.ErrorCode(err) == zhenxing.EUnavailable {
			return nil, err
		}
		return nil, unavailable(err)
	}
	l.engine = e
	return e, nil
}

// Search implements Engine.
func (l *Lazy) Search(ctx context.Context, q Query) (*Result, error) {
	e, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return e.Search(ctx, q)
}

// Match implements Engine.
func (l *Lazy) Match(ctx context.Context, t Type, text string, limit int) ([]string, error) {
	e, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return e.Match(ctx, t, text, limit)
}

// Replace implements Engine.
func (l *Lazy) Replace(ctx context.Context, types []Type, recs []Record) error {
	e, err := l.get(ctx)
	if err != nil {
		return err
	}
	return e.Replace(ctx, types, recs)
}

// SetSynonyms implements Engine.
func (l *Lazy) SetSynonyms(ctx context.Context, syn Synonyms) error {
	e, err := l.get(ctx)
	if err != nil {
		return err
	}
	return e.SetSynonyms(ctx, syn)
}

// Close implements Engine.
func (l *Lazy) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.engine == nil {
		return nil
	}
	return l.engine.Close()
}

// Fallback is an engine that keeps a second one, usually embedded, fed with the same records,
// and answers from it while the first is unavailable.
type Fallback struct {
	Primary, Secondary Engine
}

// Search implements Engine: the primary's answer, or the secondary's when the primary is
// unavailable.
func (f Fallback) Search(ctx context.Context, q Query) (*Result, error) {
	res, err := f.Primary.Search(ctx, q)
	if zhenxing.ErrorCode(err) == zhenxing.EUnavailable {
		return f.Secondary.Search(ctx, q)
	}
	return res, err
}

// Match implements Engine like Search.
func (f Fallback) Match(ctx context.Context, t Type, text string, limit int) ([]string, error) {
	ids, err := f.Primary.Match(ctx, t, text, limit)
	if zhenxing.ErrorCode(err) == zhenxing.EUnavailable {
		return f.Secondary.Match(ctx, t, text, limit)
	}
	return ids, err
}

// Replace implements Engine: both engines get the records; the secondary's error comes first,
// as the secondary is what answers when the primary cannot.
func (f Fallback) Replace(ctx context.Context, types []Type, recs []Record) error {
	return errors.Join(f.Secondary.Replace(ctx, types, recs), f.Primary.Replace(ctx, types, recs))
}

// SetSynonyms implements Engine on both engines.
func (f Fallback) SetSynonyms(ctx context.Context, syn Synonyms) error {
	return errors.Join(f.Secondary.SetSynonyms(ctx, syn), f.Primary.SetSynonyms(ctx, syn))
}

// Close implements Engine.
func (f Fallback) Close() error { return errors.Join(f.Primary.Close(), f.Secondary.Close()) }
