package content

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"time"

	"zhenxing"
)

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,99}$`)

var documentKeys = map[string]bool{
	"title": true, "index_no": true, "publisher": true, "written": true, "published": true,
	"number": true, "topic": true, "validity": true, "replaced_by": true, "amended_by": true,
	"interprets": true, "keywords": true, "summary": true, "attachments": true, "history": true,
}

// parseDocument parses one document file. It returns nil and the problems when the document
// cannot be published; links to other documents are checked later, by the library.
func parseDocument(fsys fs.FS, file string, kind Kind, data []byte) (*Document, []Problem) {
	fm, slug, p := openFile(file, data, documentKeys)
	if p != nil {
		return nil, []Problem{*p}
	}
	summary := fm.text("summary", false)
	d := &Document{
		Slug:      slug,
		Kind:      kind,
		File:      file,
		Title:     fm.text("title", true),
		IndexNo:   fm.text("index_no", true),
		Publisher: fm.text("publisher", true),
		Written:   fm.date("written", true),
		Number:    fm.text("number", false),
		Topic:     fm.text("topic", true),
		Keywords:  fm.strings("keywords", false),
	}
	published, ok := fm.parseTime(fm.value("published"), "published", true, true)
	d.Published = published
	if ok && !d.Written.IsZero() && published.Before(d.Written) {
		fm.problem(fm.value("published"), "发布日期 %s 早于成文日期 %s", published.Format("2006-01-02"), d.Written.Format("2006-01-02"))
	}

	validity := fm.text("validity", true)
	switch v := Validity(validity); v {
	case InForce, Amended, Repealed, Expired:
		d.Validity = v
	case "":
	default:
		fm.problem(fm.value("validity"), "有效性 %q 无效，应为 有效、已修改、已废止 或 已失效", validity)
	}
	replacedBy, amendedBy := fm.text("replaced_by", false), fm.text("amended_by", false)
	switch {
	case replacedBy != "" && amendedBy != "":
		fm.problem(fm.value("amended_by"), "replaced_by 与 amended_by 只能填写一个")
	case replacedBy != "" && d.Validity != Repealed && d.Validity != Expired:
		fm.problem(fm.value("replaced_by"), "只有已废止或已失效的文件才能填写 replaced_by")
	case amendedBy != "" && d.Validity != Amended:
		fm.problem(fm.value("amended_by"), "只有已修改的文件才能填写 amended_by")
	case d.Validity == Amended && amendedBy == "":
		fm.problem(fm.value("validity"), "已修改的文件须用 amended_by 指明修改它的文件")
	}
	d.successorSlug = replacedBy + amendedBy

	d.policySlug = fm.text("interprets", kind == KindInterpretation)
	if d.policySlug != "" && kind != KindInterpretation {
		fm.problem(fm.value("interprets"), "只有政策解读才能填写 interprets")
	}

	d.Attachments = parseAttachments(fsys, fm)
	d.History = parseHistory(fm)

	if len(fm.problems) > 0 {
		return nil, fm.problems
	}
	var problems []Problem
	if d.Body, problems = fm.renderBody(slug, summary); problems != nil {
		return nil, problems
	}
	return d, nil
}

// renderBody renders the Markdown after the header, with summary, or the start of the text when
// summary is empty. A failure is a problem at the body's line.
func (fm *frontMatter) renderBody(slug, summary string) (Body, []Problem) {
	b, err := render(slug, fm.body, fm.bodyLine)
	if err != nil {
		return Body{}, []Problem{{fm.file, fm.bodyLine, fmt.Sprintf("正文无法渲染\uff1a%v", err)}}
	}
	b.Summary = summary
	if b.Summary == "" {
		b.Summary = excerpt(b.Text, 120)
	}
	return b, nil
}

func parseAttachments(fsys fs.FS, fm *frontMatter) []Attachment {
	var raw []struct {
		File  string `yaml:"file"`
		Title string `yaml:"title"`
	}
	n := fm.decode("attachments", &raw, false)
	if n == nil {
		return nil
	}
	out := make([]Attachment, 0, len(raw))
	for i, a := range raw {
		item := n.Content[i]
		file := path.Clean(strings.TrimPrefix(strings.TrimSpace(a.File), "/"))
		if a.File == "" || strings.TrimSpace(a.Title) == "" {
			fm.problem(item, "附件须同时填写 file 和 title")
			continue
		}
		if !strings.HasPrefix(file, "files/") || !fs.ValidPath(file) {
			fm.problem(item, "附件 %q 须位于 files/ 目录下", a.File)
			continue
		}
		info, err := fs.Stat(fsys, file)
		if err != nil || info.IsDir() {
			fm.problem(item, "附件文件 %q 不存在", a.File)
			continue
		}
		out = append(out, Attachment{File: file, Title: strings.TrimSpace(a.Title), Type: fileType(file), Size: info.Size()})
	}
	return out
}

func parseHistory(fm *frontMatter) []Change {
	var raw []struct {
		Date string `yaml:"date"`
		Note string `yaml:"note"`
	}
	n := fm.decode("history", &raw, false)
	if n == nil {
		return nil
	}
	out := make([]Change, 0, len(raw))
	for i, c := range raw {
		item := n.Content[i]
		t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(c.Date), zhenxing.Beijing)
		if err != nil {
			fm.problem(item, "变更记录的日期 %q 无效，应为 YYYY-MM-DD", c.Date)
			continue
		}
		if strings.TrimSpace(c.Note) == "" {
			fm.problem(item, "变更记录须填写 note")
			continue
		}
		out = append(out, Change{Date: t, Note: strings.TrimSpace(c.Note)})
	}
	return out
}

// fileType names a file's type for readers, from its extension.
func fileType(file string) string {
	ext := strings.ToUpper(strings.TrimPrefix(path.Ext(file), "."))
	if ext == "" {
		return "文件"
	}
	return ext
}

// excerpt returns the first n runes of s, with an ellipsis when cut.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
