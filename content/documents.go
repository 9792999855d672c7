package content

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
)

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,99}$`)

var documentKeys = keySet("title", "index_no", "publisher", "written", "published", "number", "topic",
	"validity", "replaced_by", "amended_by", "interprets", "keywords", "summary", "attachments", "history")

// parseDocument parses one document file. It returns nil and the problems when the document
// cannot be published; links to other documents are checked later, by the library.
func parseDocument(fsys fs.FS, file string, kind Kind, data []byte) (*Document, []Problem) {
	fm, slug, p := openFile(file, data, documentKeys)
	if p != nil {
		return nil, []Problem{*p}
	}
	h := fm.header()
	summary := h.text("summary", false)
	written, _ := h.date("written", true)
	d := &Document{
		Slug:      slug,
		Kind:      kind,
		File:      file,
		Title:     h.text("title", true),
		IndexNo:   h.text("index_no", true),
		Publisher: h.text("publisher", true),
		Written:   written,
		Number:    h.text("number", false),
		Topic:     h.text("topic", true),
		Keywords:  h.strings("keywords", false),
	}
	published, ok := h.dateTime("published", true)
	d.Published = published
	if ok && !d.Written.IsZero() && published.Before(d.Written) {
		fm.problem(h.value("published"), "发布日期 %s 早于成文日期 %s", published.Format("2006-01-02"), d.Written.Format("2006-01-02"))
	}

	validity := h.text("validity", true)
	switch v := Validity(validity); v {
	case InForce, Amended, Repealed, Expired:
		d.Validity = v
	case "":
	default:
		fm.problem(h.value("validity"), "有效性 %q 无效，应为 有效、已修改、已废止 或 已失效", validity)
	}
	replacedBy, amendedBy := h.text("replaced_by", false), h.text("amended_by", false)
	switch {
	case replacedBy != "" && amendedBy != "":
		fm.problem(h.value("amended_by"), "replaced_by 与 amended_by 只能填写一个")
	case replacedBy != "" && d.Validity != Repealed && d.Validity != Expired:
		fm.problem(h.value("replaced_by"), "只有已废止或已失效的文件才能填写 replaced_by")
	case amendedBy != "" && d.Validity != Amended:
		fm.problem(h.value("amended_by"), "只有已修改的文件才能填写 amended_by")
	case d.Validity == Amended && amendedBy == "":
		fm.problem(h.value("validity"), "已修改的文件须用 amended_by 指明修改它的文件")
	}
	d.successorSlug = replacedBy + amendedBy

	d.policySlug = h.text("interprets", kind == KindInterpretation)
	if d.policySlug != "" && kind != KindInterpretation {
		fm.problem(h.value("interprets"), "只有政策解读才能填写 interprets")
	}

	d.Attachments = parseAttachments(fsys, h)
	d.History = parseHistory(h)

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

func parseAttachments(fsys fs.FS, h object) []Attachment {
	list, ok := h.list("attachments", false)
	if !ok {
		return nil
	}
	out := make([]Attachment, 0, len(list))
	for _, a := range list {
		name, title := a.text("file", false), a.text("title", false)
		if name == "" || title == "" {
			a.fm.problem(a.node, "附件须同时填写 file 和 title")
			continue
		}
		file := path.Clean(strings.TrimPrefix(name, "/"))
		if !strings.HasPrefix(file, "files/") || !fs.ValidPath(file) {
			a.fm.problem(a.node, "附件 %q 须位于 files/ 目录下", name)
			continue
		}
		info, err := fs.Stat(fsys, file)
		if err != nil || info.IsDir() {
			a.fm.problem(a.node, "附件文件 %q 不存在", name)
			continue
		}
		out = append(out, Attachment{File: file, Title: title, Type: fileType(file), Size: info.Size()})
	}
	return out
}

func parseHistory(h object) []Change {
	list, ok := h.list("history", false)
	if !ok {
		return nil
	}
	out := make([]Change, 0, len(list))
	for _, c := range list {
		date := c.text("date", false)
		t, ok := parseDate(date)
		if !ok {
			c.fm.problem(c.node, "变更记录的日期 %q 无效，应为 YYYY-MM-DD", date)
			continue
		}
		note := c.text("note", false)
		if note == "" {
			c.fm.problem(c.node, "变更记录须填写 note")
			continue
		}
		out = append(out, Change{Date: t, Note: note})
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
