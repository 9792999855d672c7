package content

import (
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"time"
)

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,99}$`)

var documentKeys = keySet("title", "index_no", "publisher", "written", "published", "number", "topic",
	"validity", "replaced_by", "amended_by", "interprets", "keywords", "summary", "attachments", "history",
	"requests_table", "consultation", "projects")

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
	d.Consultation = parseConsultation(h, kind)
	if list := h.strings("projects", false); len(list) > 0 {
		d.projectSlugs, d.projectLine = list, fm.line(h.value("projects"))
	}
	if year, ok := h.int("requests_table", false); ok {
		switch {
		case kind != KindAnnualReport:
			fm.problem(h.value("requests_table"), "只有政府信息公开年度报告才能填写 requests_table")
		case year < 2019 || year > 2100:
			fm.problem(h.value("requests_table"), "requests_table 须为统计年度，如 2025")
		default:
			d.RequestsYear = year
		}
	}

	if len(fm.problems) > 0 {
		return nil, fm.problems
	}
	var problems []Problem
	if d.Body, problems = fm.renderBody(slug, summary); problems != nil {
		return nil, problems
	}
	if d.RequestsYear != 0 {
		if n := strings.Count(string(d.HTML), requestsTableMark); n != 1 {
			return nil, []Problem{{file, fm.bodyLine, fmt.Sprintf("填写了 requests_table 的年度报告，正文须有且只有一行“%s”标明统计表的位置（现有 %d 行）",
				requestsTableLine, n)}}
		}
		d.Text = strings.Replace(d.Text, requestsTableLine, "", 1)
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
	return parseAttachmentList(fsys, h, "attachments", "附件")
}

// parseAttachmentList reads the list under key of files under files/, each with file and title;
// what names them in problems.
func parseAttachmentList(fsys fs.FS, h object, key, what string) []Attachment {
	list, ok := h.list(key, false)
	if !ok {
		return nil
	}
	out := make([]Attachment, 0, len(list))
	for _, a := range list {
		name, title := a.text("file", false), a.text("title", false)
		if name == "" || title == "" {
			a.fm.problem(a.node, "%s须同时填写 file 和 title", what)
			continue
		}
		file := path.Clean(strings.TrimPrefix(name, "/"))
		if !strings.HasPrefix(file, "files/") || !fs.ValidPath(file) {
			a.fm.problem(a.node, "%s %q 须位于 files/ 目录下", what, name)
			continue
		}
		info, err := fs.Stat(fsys, file)
		if err != nil || info.IsDir() {
			a.fm.problem(a.node, "%s文件 %q 不存在", what, name)
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

// requestsTableLine is the line of an annual report's body where the request table computed
// from the site's requests goes; requestsTableMark is how it renders.
const (
	requestsTableLine = "【申请情况表】"
	requestsTableMark = "<p>" + requestsTableLine + "</p>"
)

// RequestsTableParts splits the body of an annual report with a RequestsYear around the place of
// its request table. A document without one is all before.
func (d *Document) RequestsTableParts() (before, after template.HTML) {
	b, a, _ := strings.Cut(string(d.HTML), requestsTableMark)
	return template.HTML(b), template.HTML(a)
}

// parseConsultation reads a consultation on a draft (意见征集): the dates it opens and closes,
// both included. Policies and notices may carry one.
func parseConsultation(h object, kind Kind) *Consultation {
	o, ok := h.object("consultation", false)
	if !ok {
		return nil
	}
	o.checkKeys(keySet("opens", "closes"))
	opens, ok1 := o.date("opens", true)
	closes, ok2 := o.date("closes", true)
	switch {
	case !ok1 || !ok2:
		return nil
	case kind != KindPolicy && kind != KindNotice:
		h.fm.problem(h.value("consultation"), "只有政策文件和通知公告才能征求意见")
		return nil
	case closes.Before(opens):
		o.fm.problem(o.value("closes"), "征求意见截止日期 %s 早于开始日期 %s", closes.Format(time.DateOnly), opens.Format(time.DateOnly))
		return nil
	}
	return &Consultation{Opens: opens, Closes: closes}
}
