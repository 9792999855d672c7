package content

import (
	"html/template"
)

// RenderMarkdown renders a Markdown text that is not a document (a product or supplier
// description) with the site's one configured goldmark: GFM, CJK, footnotes, heading IDs that keep
// Chinese characters, and never raw HTML or javascript: links. A text that cannot be rendered
// comes back escaped as a single paragraph.
func RenderMarkdown(src string) template.HTML {
	out, err := render("md", []byte(src), 1)
	if err != nil {
		return template.HTML("<p>" + template.HTMLEscapeString(src) + "</p>")
	}
	return out.HTML
}
