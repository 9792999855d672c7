package content

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Embedded is the sample content built into the binary: docs/, events/ and files/.
//
//go:embed docs events projects files synonyms.txt website-report.yaml
var embedded embed.FS

// Embedded returns the content built into the binary.
func Embedded() fs.FS { return embedded }

// Store holds the current Library and swaps in a new one, whole, on Reload. Readers never see
// half a reload: they hold the Library they got until they are done. A document or event whose
// file changed into something that does not parse (a file still being written, a slip of the
// editor) keeps being served as it was; it goes only when its file is deleted.
type Store struct {
	fsys fs.FS
	log  *slog.Logger
	cur  atomic.Pointer[Library]
	mu   sync.Mutex // serialises reloads
}

// NewStore loads fsys and logs every problem found. It never fails: a library with problems
// serves the documents that passed.
func NewStore(fsys fs.FS, log *slog.Logger) *Store {
	s := &Store{fsys: fsys, log: log}
	s.Reload()
	return s
}

// Library returns the current library.
func (s *Store) Library() *Library { return s.cur.Load() }

// Reload loads the content again and swaps it in, returning the problems found. Each problem is
// logged with its file and line, and so is each file served in its last good version.
func (s *Store) Reload() []Problem {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	lib, problems := load(s.fsys, s.cur.Load())
	for _, p := range problems {
		s.log.Warn("content problem", "file", p.File, "line", p.Line, "problem", p.Message, "at", p.String())
	}
	for _, f := range lib.Kept() {
		s.log.Warn("content kept its last good version", "file", f)
	}
	s.cur.Store(lib)
	s.log.Info("content loaded", "documents", lib.Len(), "events", len(lib.AllEvents()), "problems", len(problems), "kept", len(lib.Kept()), "took", time.Since(start))
	return problems
}

// Watch reloads the store when a file under dir changes, until ctx ends. Changes within a short
// window are gathered into one reload. onReload, when not nil, is called after each reload.
func (s *Store) Watch(ctx context.Context, dir string, onReload func([]Problem)) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	addTree := func(root string) {
		_ = filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
			if err == nil && e.IsDir() {
				if err := w.Add(p); err != nil {
					s.log.Warn("content watch", "dir", p, "err", err)
				}
			}
			return nil
		})
	}
	addTree(dir)
	go func() {
		defer w.Close()
		var timer *time.Timer
		var fire <-chan time.Time
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				if ev.Op&fsnotify.Create != 0 {
					if info, err := os.Stat(ev.Name); err == nil && info.IsDir() {
						addTree(ev.Name)
					}
				}
				if timer == nil {
					timer = time.NewTimer(200 * time.Millisecond)
				} else {
					timer.Reset(200 * time.Millisecond)
				}
				fire = timer.C
			case err, ok := <-w.Errors:
				if !ok {
					return
				}
				s.log.Warn("content watch", "err", err)
			case <-fire:
				fire = nil
				problems := s.Reload()
				if onReload != nil {
					onReload(problems)
				}
			}
		}
	}()
	return nil
}
