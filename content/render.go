package content

import (
	"bytes"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// markdown is the one configured renderer. Raw HTML is never rendered (goldmark leaves it out
// unless WithUnsafe is given) and neither are javascript:, vbscript: or data: links.
var markdown = goldmark.New(
	goldmark.WithExtensions(
		extension.GFM,
		extension.NewCJK(extension.WithEastAsianLineBreaks(extension.EastAsianLineBreaksCSS3Draft), extension.WithEscapedSpace()),
		extension.NewFootnote(extension.WithFootnoteIDPrefixFunction(footnotePrefix)),
	),
	goldmark.WithParserOptions(parser.WithAutoHeadingID()),
)

const metaSlug = "slug"

// footnotePrefix makes footnote IDs unique to their document, so two bodies on one page
// (or a body and the page around it) never share an ID.
func footnotePrefix(n ast.Node) []byte {
	if doc := n.OwnerDocument(); doc != nil {
		if slug, ok := doc.Meta()[metaSlug].(string); ok && slug != "" {
			return []byte(slug + "-")
		}
	}
	return nil
}

// Body is a rendered Markdown body, shared by documents and events.
type Body struct {
	HTML    template.HTML // the rendered body
	Text    string        // the body as plain text, for search and descriptions
	Summary string        // from the front matter, else the start of Text

	links []link // links to /open/ pages, for checking against the library
}

// render turns a Markdown body into HTML. slug prefixes footnote IDs; firstLine is the file
// line the body starts on, so link problems can name their line.
func render(slug string, source []byte, firstLine int) (out Body, err error) {
	// goldmark's East Asian line-break handling panics on invalid UTF-8 (FuzzRender tries it):
	// replace bad bytes first, and turn any other panic into an error so one file cannot stop a load.
	source = bytes.ToValidUTF8(source, []byte("\uFFFD"))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("markdown renderer: %v", r)
		}
	}()
	ctx := parser.NewContext(parser.WithIDs(newHeadingIDs()))
	doc := markdown.Parser().Parse(text.NewReader(source), parser.WithContext(ctx))
	doc.OwnerDocument().AddMeta(metaSlug, slug)

	var plain strings.Builder
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			dest := string(n.Destination)
			if strings.HasPrefix(dest, "/open/") {
				out.links = append(out.links, link{target: dest, line: firstLine + lineOf(source, n)})
			}
		case *ast.Text:
			plain.Write(n.Segment.Value(source))
			if n.SoftLineBreak() || n.HardLineBreak() {
				plain.WriteByte(' ')
			}
		case *ast.String:
			plain.Write(n.Value)
		}
		if n.Type() == ast.TypeBlock && n.PreviousSibling() != nil {
			plain.WriteByte('\n')
		}
		return ast.WalkContinue, nil
	})
	var buf bytes.Buffer
	if err := markdown.Renderer().Render(&buf, source, doc); err != nil {
		return Body{}, err
	}
	out.HTML = template.HTML(scrollTables(buf.String()))
	out.Text = strings.TrimSpace(plain.String())
	return out, nil
}

// lineOf returns the 0-based line within source of the first text under n.
func lineOf(source []byte, n ast.Node) int {
	for c := n; c != nil; c = c.FirstChild() {
		if t, ok := c.(*ast.Text); ok {
			return bytes.Count(source[:t.Segment.Start], []byte("\n"))
		}
	}
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Type() == ast.TypeBlock && p.Lines().Len() > 0 {
			return bytes.Count(source[:p.Lines().At(0).Start], []byte("\n"))
		}
	}
	return 0
}

// headingIDs makes heading IDs that keep Chinese characters: letters and digits of any script
// stay, spaces become hyphens, punctuation goes; repeats get -1, -2, ...
type headingIDs struct{ used map[string]bool }

func newHeadingIDs() *headingIDs { return &headingIDs{used: map[string]bool{}} }

func (h *headingIDs) Generate(value []byte, _ ast.NodeKind) []byte {
	var b strings.Builder
	hyphen := false
	for _, r := range string(value) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(unicode.ToLower(r))
		case r == ' ' || r == '-' || r == '_' || r == '\u3000':
			hyphen = true
		}
	}
	id := b.String()
	if id == "" {
		id = "section"
	}
	base := id
	for i := 1; h.used[id]; i++ {
		id = base + "-" + strconv.Itoa(i)
	}
	h.used[id] = true
	return []byte(id)
}

func (h *headingIDs) Put(value []byte) { h.used[string(value)] = true }

// tableScroll is what a body's table is wrapped in: a region that scrolls sideways on a narrow
// screen instead of squeezing its columns, named for assistive technology and reachable by
// keyboard. Raw HTML never reaches a body, so every <table> is goldmark's.
const tableScroll = `<div class="table-scroll body-table" role="region" aria-label="表格（可左右滑动查看）" tabindex="0">`

func scrollTables(html string) string {
	if !strings.Contains(html, "<table>") {
		return html
	}
	html = strings.ReplaceAll(html, "<table>", tableScroll+"<table>")
	return strings.ReplaceAll(html, "</table>", "</table></div>")
}
