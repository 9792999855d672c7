package content

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"zhenxing"
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

// TestStoreKeepsLastGoodVersion saves documents and events the way a slow editor does: half a
// file first, then the whole. Until the new version parses, readers get the last good one and the
// log names the problem; a deleted file goes at the next reload.
func TestStoreKeepsLastGoodVersion(t *testing.T) {
	dir := t.TempDir()
	doc := filepath.Join(dir, "docs/notices/first.md")
	event := filepath.Join(dir, "events/fair.md")
	writeFile(t, doc, docFile)
	writeFile(t, event, eventFile)
	// A repealed notice replaced by first: the kept copy of first must be linked afresh.
	writeFile(t, filepath.Join(dir, "docs/notices/old.md"),
		replace(replace(docFile, "2024-00001", "2024-00002"), "validity: 有效", "validity: 已废止\nreplaced_by: first"))
	var log bytes.Buffer
	s := NewStore(os.DirFS(dir), slog.New(slog.NewTextHandler(&log, nil)))
	before := s.Library()

	newDoc := replace(docFile, "关于做好防返贫监测工作的通知", "关于做好防返贫监测工作的补充通知")
	newEvent := replace(eventFile, "灞桥区—略阳县劳务协作专场招聘会", "灞桥区—略阳县劳务协作春季专场招聘会")
	writeFile(t, doc, newDoc[:len(newDoc)/2])
	writeFile(t, event, replace(newEvent, "headcount: 80", "headcount: -80"))
	log.Reset()
	problems := s.Reload()
	var got []string
	for _, p := range problems {
		got = append(got, p.String())
	}
	wantProblems := []string{
		"docs/notices/first.md:1: YAML 头信息没有以 --- 结束",
		fmt.Sprintf("events/fair.md:%d: 招聘人数须为正整数，现为 -80", strings.Count(eventFile[:strings.Index(eventFile, "headcount: 80")], "\n")+1),
	}
	if !slices.Equal(got, wantProblems) {
		t.Errorf("problems = %q, want %q", got, wantProblems)
	}
	lib := s.Library()
	if d, err := lib.Document("first"); err != nil || d.Title != "关于做好防返贫监测工作的通知" {
		t.Fatalf("half-written document: %v, %v; want its last good version", d, err)
	}
	if e, err := lib.Event("fair"); err != nil || e.Title != "灞桥区—略阳县劳务协作专场招聘会" {
		t.Fatalf("broken event: %v, %v; want its last good version", e, err)
	}
	if got := strings.Join(lib.Kept(), ","); got != "docs/notices/first.md,events/fair.md" {
		t.Errorf("Kept = %q", got)
	}
	first, _ := lib.Document("first")
	if len(first.Predecessors) != 1 || first.Predecessors[0].Slug != "old" {
		t.Errorf("kept document's predecessors = %v", first.Predecessors)
	}
	if old, _ := before.Document("first"); len(old.Predecessors) != 1 || old.Title != first.Title || old == first {
		t.Error("keeping a document changed it in the library its readers hold")
	}
	for _, want := range []string{
		`at="docs/notices/first.md:1: YAML 头信息没有以 --- 结束"`,
		`msg="content kept its last good version" file=docs/notices/first.md`,
		`msg="content kept its last good version" file=events/fair.md`,
	} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, log.String())
		}
	}

	// The writes finish: the new versions replace the old.
	writeFile(t, doc, newDoc)
	writeFile(t, event, newEvent)
	if problems := s.Reload(); len(problems) != 0 {
		t.Errorf("problems = %q", problems)
	}
	lib = s.Library()
	if d, err := lib.Document("first"); err != nil || d.Title != "关于做好防返贫监测工作的补充通知" {
		t.Errorf("finished document: %v, %v", d, err)
	}
	if e, err := lib.Event("fair"); err != nil || e.Title != "灞桥区—略阳县劳务协作春季专场招聘会" {
		t.Errorf("finished event: %v, %v", e, err)
	}
	if len(lib.Kept()) != 0 {
		t.Errorf("Kept = %q", lib.Kept())
	}

	// Broken, then deleted: the file goes, whatever version was last good.
	writeFile(t, doc, "---\ntitle: [\n")
	s.Reload()
	if _, err := s.Library().Document("first"); err != nil {
		t.Fatal("broken document not kept")
	}
	if err := os.Remove(doc); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(event); err != nil {
		t.Fatal(err)
	}
	s.Reload()
	if _, err := s.Library().Document("first"); zhenxing.ErrorCode(err) != zhenxing.ENotFound {
		t.Errorf("deleted document: %v, want not found", err)
	}
	if _, err := s.Library().Event("fair"); zhenxing.ErrorCode(err) != zhenxing.ENotFound {
		t.Errorf("deleted event: %v, want not found", err)
	}
}
