package search

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhenxing/catalog"
	"zhenxing/content"
)

// DocumentRecord is what the search box finds of a document. A repealed or expired document is
// demoted.
func DocumentRecord(d *content.Document) Record {
	tags := append([]string{d.Publisher, d.Topic, d.Kind.Name()}, d.Keywords...)
	return Record{
		Type: TypeDocument, ID: d.Slug, Title: d.Title, URL: d.URL(), Text: d.Text,
		Tags: tags, Codes: nonEmpty(d.Number, d.IndexNo),
		Facets:  map[string]string{FacetDocKind: d.Kind.Name(), FacetTopic: d.Topic, FacetYear: strconv.Itoa(d.Published.Year())},
		Date:    d.Published,
		Demoted: d.Validity == content.Repealed || d.Validity == content.Expired,
	}
}

// PositionID is the record ID of the n-th position (from 1) of an event, as the API shows it.
func PositionID(eventSlug string, n int) string { return eventSlug + "/" + strconv.Itoa(n) }

// PositionAnchor is the fragment of the event page's row for its n-th position.
func PositionAnchor(n int) string { return "position-" + strconv.Itoa(n) }

// EventRecords are what the search box finds of an event: the event and each of its positions.
// An event that has ended at now is demoted, and so are its positions.
func EventRecords(e *content.Event, now time.Time) []Record {
	facets := map[string]string{FacetEventKind: string(e.Kind), FacetDistrict: e.District()}
	ended := e.Ended(now)
	tags := append(append([]string{string(e.Kind)}, e.Hosts...), e.Organisers...)
	if e.Venue != nil {
		tags = append(tags, e.Venue.Name, e.Venue.Address, e.Venue.District, e.Venue.Township)
	}
	var employers []string
	for _, em := range e.Employers {
		employers = append(employers, em.Name)
	}
	// The employers are the event's content, found like its body: a query for an employer brings
	// its positions first and the events it recruits at after them.
	text := strings.Join(append([]string{e.Text}, employers...), "\n")
	recs := []Record{{
		Type: TypeEvent, ID: e.Slug, Title: e.Title, URL: e.URL(), Text: strings.TrimSpace(text),
		Tags: tags, Names: employers, Facets: facets, Date: e.Start, Demoted: ended,
	}}
	for i, p := range e.Positions() {
		n := i + 1
		var text []string
		for _, s := range []string{p.Requirements, p.Education, p.Board, p.Insurance, p.SalaryText()} {
			if s != "" {
				text = append(text, s)
			}
		}
		employer := ""
		if p.Employer != nil {
			employer = p.Employer.Name
			text = append(text, p.Employer.Industry, p.Employer.Description)
		}
		// The event's title is the position's context, not its name: it goes in the body, so that
		// a query for an event brings the event before its positions.
		text = append(text, e.Title)
		recs = append(recs, Record{
			Type: TypePosition, ID: PositionID(e.Slug, n), Title: p.Title, URL: e.URL() + "#" + PositionAnchor(n),
			Text: strings.Join(text, "\n"), Tags: nonEmpty(employer, p.Location),
			Names: nonEmpty(p.Title, employer), Facets: facets, Date: e.Start, Demoted: ended,
		})
	}
	return recs
}

// ProductRecord is what the search box finds of a listed product. A product out of stock is
// demoted. Its name and its category are found by pinyin (yingtao finds the cherries).
func ProductRecord(p *catalog.PublicProduct) Record {
	return Record{
		Type: TypeProduct, ID: p.Slug, Title: p.Name, URL: "/hall/products/" + p.Slug,
		Text:  strings.TrimSpace(p.Spec + "\n" + plainMarkdown(p.Description)),
		Tags:  append(nonEmpty(p.Category, p.County, p.Township, p.SupplierName), p.Flags...),
		Names: nonEmpty(p.Name, p.Category), Date: p.UpdatedAt, Demoted: p.Stock <= 0,
		Facets: map[string]string{FacetCategory: p.Category, FacetCounty: p.County},
	}
}

// SupplierRecord is what the search box finds of a supplier. Its contact person and phone are
// personal data and stay out of the index.
func SupplierRecord(s *catalog.Supplier) Record {
	return Record{
		Type: TypeSupplier, ID: s.Slug, Title: s.Name, URL: "/hall/suppliers/" + s.Slug,
		Text: strings.TrimSpace(plainMarkdown(s.Description) + "\n" + s.Linkage),
		Tags: nonEmpty(s.Kind, s.County, s.Township), Codes: nonEmpty(s.CreditCode, s.CertNumber),
		Names: nonEmpty(s.Name), Date: s.UpdatedAt,
		Facets: map[string]string{FacetCounty: s.County, FacetSupplierKind: s.Kind},
	}
}

// ContentRecords are the records of every document, event and position of lib.
func ContentRecords(lib *content.Library, now time.Time) []Record {
	var recs []Record
	for _, d := range lib.Latest("", lib.Len()) {
		recs = append(recs, DocumentRecord(d))
	}
	for _, e := range lib.AllEvents() {
		recs = append(recs, EventRecords(e, now)...)
	}
	return recs
}

// CatalogRecords are the records of every listed product and every supplier of pub.
func CatalogRecords(pub *catalog.Public) []Record {
	recs := make([]Record, 0, len(pub.Products)+len(pub.Suppliers))
	for i := range pub.Products {
		recs = append(recs, ProductRecord(&pub.Products[i]))
	}
	for i := range pub.Suppliers {
		recs = append(recs, SupplierRecord(&pub.Suppliers[i]))
	}
	return recs
}

// ContentTypes and CatalogTypes are the types each source feeds.
var (
	ContentTypes = []Type{TypeDocument, TypeEvent, TypePosition}
	CatalogTypes = []Type{TypeProduct, TypeSupplier}
)

func nonEmpty(ss ...string) []string {
	out := ss[:0:0]
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// plainMarkdown is a short Markdown text (a product or supplier description) as the plain text
// a snippet shows: list markers, heading and quote marks, emphasis and code marks dropped, a link
// as its text. Rendering twenty thousand descriptions with goldmark would take a second at
// every start; folding ignores the marks anyway.
func plainMarkdown(md string) string {
	var b strings.Builder
	b.Grow(len(md))
	for i, line := range strings.Split(md, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		line = strings.TrimLeft(line, " \t")
		for _, mark := range []string{"- ", "* ", "+ ", "> "} {
			line = strings.TrimPrefix(line, mark)
		}
		if h := strings.TrimLeft(line, "#"); len(h) < len(line) && strings.HasPrefix(h, " ") {
			line = h[1:]
		}
		for len(line) > 0 {
			switch {
			case strings.HasPrefix(line, "**"), strings.HasPrefix(line, "__"), strings.HasPrefix(line, "~~"):
				line = line[2:]
			case line[0] == '`' || line[0] == '*':
				line = line[1:]
			case line[0] == '[':
				text, rest, ok := strings.Cut(line[1:], "](")
				_, after, closed := strings.Cut(rest, ")")
				if !ok || !closed || strings.Contains(text, "\n") {
					b.WriteByte('[')
					line = line[1:]
					continue
				}
				b.WriteString(text)
				line = after
			default:
				_, size := utf8.DecodeRuneInString(line)
				b.WriteString(line[:size])
				line = line[size:]
			}
		}
	}
	return b.String()
}
