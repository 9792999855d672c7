package content

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestStoreReloadSwapsWhole(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "docs/notices/first.md"), docFile)
	s := NewStore(os.DirFS(dir), slog.New(slog.NewTextHandler(io.Discard, nil)))
	before := s.Library()
	if _, err := before.Document("first"); err != nil {
		t.Fatal(err)
	}

	writeFile(t, filepath.Join(dir, "docs/notices/second.md"), replace(docFile, "2024-00001", "2024-00002"))
	writeFile(t, filepath.Join(dir, "docs/notices/broken.md"), "---\ntitle: [\n---\n")
	problems := s.Reload()
	if len(problems) != 1 || problems[0].File != "docs/notices/broken.md" {
		t.Errorf("problems = %v", problems)
	}
	after := s.Library()
	if _, err := after.Document("second"); err != nil {
		t.Error("reload did not add the new document")
	}
	if _, err := after.Document("first"); err != nil {
		t.Error("reload lost a good document")
	}
	// A reader holding the old library keeps a consistent view.
	if _, err := before.Document("second"); err == nil || before.Len() != 1 {
		t.Error("the old library changed under its reader")
	}
}

func TestStoreWatch(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "docs/notices/first.md"), docFile)
	s := NewStore(os.DirFS(dir), slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reloaded := make(chan []Problem, 10)
	if err := s.Watch(ctx, dir, func(p []Problem) { reloaded <- p }); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "docs/policies/new.md"), replace(docFile, "2024-00001", "2024-00003"))
	deadline := time.After(20 * time.Second) // a safety net for a broken watcher, not a timing assertion
	for {
		select {
		case <-reloaded:
			if _, err := s.Library().Document("new"); err == nil {
				return
			}
		case <-deadline:
			t.Fatal("no reload after a file was added")
		}
	}
}
