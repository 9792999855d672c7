package content

import (
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzParseDocument feeds arbitrary files to the front-matter parser and validator: they must
// never panic, and a document they accept must have its required fields.
func FuzzParseDocument(f *testing.F) {
	f.Add([]byte(docFile))
	f.Add([]byte("---\n---\n"))
	f.Add([]byte("---\ntitle: [\n---\n"))
	f.Add([]byte("\xef\xbb\xbf---\r\ntitle: 标题\r\n---\r\n正文"))
	fsys := fstest.MapFS{"files/a.pdf": &fstest.MapFile{Data: []byte("%PDF-1.4")}}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, problems := parseDocument(fsys, "docs/notices/fuzz.md", KindNotice, data)
		if d == nil && len(problems) == 0 {
			t.Fatal("rejected without a problem")
		}
		if d != nil && (d.Title == "" || d.IndexNo == "" || d.Published.IsZero() || d.Validity == "") {
			t.Fatalf("accepted a document missing required fields: %+v", d)
		}
		for _, p := range problems {
			if p.Line < 1 || p.Message == "" {
				t.Fatalf("problem without line or message: %+v", p)
			}
		}
	})
}

// FuzzRender renders arbitrary Markdown: it must never panic nor emit script or javascript: URLs.
func FuzzRender(f *testing.F) {
	f.Add("## 标题\n\n正文，\n续行。[^1]\n\n[^1]: 注释")
	f.Add("<script>alert(1)</script>")
	f.Add("[x](javascript:alert(1))")
	f.Add("| a | b |\n|---|---|\n| 1 | 2 |")
	f.Fuzz(func(t *testing.T, src string) {
		r, err := render("fuzz", []byte(src), 1)
		if err != nil {
			t.Fatal(err)
		}
		html := strings.ToLower(string(r.HTML))
		if strings.Contains(html, "<script") || strings.Contains(html, `href="javascript:`) || strings.Contains(html, `src="javascript:`) {
			t.Fatalf("unsafe output for %q: %s", src, r.HTML)
		}
	})
}
