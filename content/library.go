package content

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"zhenxing"
)

// Library is one consistent load of the content: every document that passed validation,
// indexed for the site's pages. It is never modified after Load returns.
type Library struct {
	docs   []*Document // newest first
	bySlug map[string]*Document
	byKind map[Kind][]*Document
	files  fs.FS
	loaded time.Time

	events      []*Event // earliest start first
	eventBySlug map[string]*Event
	districts   []string
	industries  []string

	projects      []*Project // the latest year first
	projectBySlug map[string]*Project
	websiteFacts  map[int]WebsiteFacts

	kept []string // files whose new version has problems, served as they were in the last load

	synonyms string // the text of SynonymsFile, "" when there is none
}

// SynonymsFile is the file of the content tree that lists the search box's synonyms, one group a
// line (the search package reads it).
const SynonymsFile = "synonyms.txt"

// Load reads every document under docs/<kind>/ and every event under events/ in fsys, validates
// and renders them. Files with problems are left out and their problems returned; the rest form
// the library.
func Load(fsys fs.FS) (*Library, []Problem) { return load(fsys, nil) }

// load is Load, except that a file whose new version cannot be read or parsed keeps the version
// it had in prev, when it had one: a document saved slowly is served as it was until its new
// version is whole. Its problems are returned all the same. A file that is gone is gone.
func load(fsys fs.FS, prev *Library) (*Library, []Problem) {
	var files []string
	var problems []Problem
	err := fs.WalkDir(fsys, "docs", func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if p == "docs" {
				return fs.SkipDir
			}
			return err
		}
		if e.IsDir() || !strings.HasSuffix(p, ".md") {
			return nil
		}
		if _, ok := docKind(p); !ok {
			problems = append(problems, Problem{p, 1, "文件须位于 docs/ 下的栏目目录中：" + kindList()})
			return nil
		}
		files = append(files, p)
		return nil
	})
	if err != nil {
		problems = append(problems, Problem{"docs", 1, fmt.Sprintf("无法读取目录：%v", err)})
	}

	lastGood := lastGoodOf(prev, func(l *Library) []*Document { return l.docs }, func(d *Document) string { return d.File })
	docs, found, kept := parseFiles(fsys, files, func(file string, data []byte) (*Document, []Problem) {
		kind, _ := docKind(file)
		return parseDocument(fsys, file, kind, data)
	}, lastGood, (*Document).unlinked)
	problems = append(problems, found...)

	lib := &Library{bySlug: map[string]*Document{}, byKind: map[Kind][]*Document{}, files: fsys, loaded: time.Now(), kept: kept}
	byIndex := map[string]*Document{}
	for _, d := range docs {
		if d == nil {
			continue
		}
		if other, dup := lib.bySlug[d.Slug]; dup {
			problems = append(problems, Problem{d.File, 1, fmt.Sprintf("文件名(slug)%q 与 %s 重复", d.Slug, other.File)})
			continue
		}
		if other, dup := byIndex[d.IndexNo]; dup {
			problems = append(problems, Problem{d.File, 2, fmt.Sprintf("索引号 %q 与 %s 重复", d.IndexNo, other.File)})
			continue
		}
		lib.bySlug[d.Slug] = d
		byIndex[d.IndexNo] = d
		lib.docs = append(lib.docs, d)
	}
	problems = append(problems, lib.resolve()...)
	sort.Slice(lib.docs, func(i, j int) bool { return newer(lib.docs[i], lib.docs[j]) })
	for _, d := range lib.docs {
		lib.byKind[d.Kind] = append(lib.byKind[d.Kind], d)
	}
	lib.relate()
	problems = append(problems, lib.loadEvents(fsys, prev)...)
	problems = append(problems, lib.loadProjects(fsys, prev)...)
	problems = append(problems, lib.loadWebsiteFacts(fsys)...)
	if data, err := fs.ReadFile(fsys, SynonymsFile); err == nil {
		lib.synonyms = string(data)
	} else if !errors.Is(err, fs.ErrNotExist) {
		problems = append(problems, Problem{SynonymsFile, 1, fmt.Sprintf("无法读取同义词文件：%v", err)})
	}
	sort.Strings(lib.kept)
	sort.Slice(problems, func(i, j int) bool {
		if problems[i].File != problems[j].File {
			return problems[i].File < problems[j].File
		}
		return problems[i].Line < problems[j].Line
	})
	return lib, problems
}

// CheckLayout returns nil when fsys is laid out as a content directory: it holds docs/ or events/,
// or both. When it holds neither, it returns an EInvalid error whose Chinese message names the
// layout expected, so a wrong folder is never taken for an empty one.
func CheckLayout(fsys fs.FS) error {
	for _, dir := range []string{"docs", "events"} {
		if info, err := fs.Stat(fsys, dir); err == nil && info.IsDir() {
			return nil
		}
	}
	return zhenxing.Errorf(zhenxing.EInvalid, "不是内容目录：其中既没有 docs/ 也没有 events/ 目录。内容目录的结构应为 "+
		"docs/{kind}/*.md（政务公开文件，kind 为 %s 之一）、events/*.md（招聘活动）、projects/*.md（衔接资金项目）和 files/（附件）。", kindList())
}

// docKind returns the kind of a document from its path, docs/<kind>/<slug>.md, and false when
// the path is not of that form.
func docKind(file string) (Kind, bool) {
	kind, ok := ParseKind(path.Base(path.Dir(file)))
	return kind, ok && path.Dir(path.Dir(file)) == "docs"
}

// parseFiles reads and parses content files in parallel, returning them in the order of files
// (nil for a file with problems) with every problem found. A file whose new version has problems
// keeps the version lastGood has under its name, passed through reuse, and is listed in kept. A
// lastGoodOf indexes by file what prev (nil on a first load) holds of a kind of content, for
// parseFiles to serve again when a file's new version has problems.
func lastGoodOf[T any](prev *Library, list func(*Library) []*T, file func(*T) string) map[string]*T {
	out := map[string]*T{}
	if prev != nil {
		for _, x := range list(prev) {
			out[file(x)] = x
		}
	}
	return out
}

// file deleted since its directory was listed is left out, with no problem.
func parseFiles[T any](fsys fs.FS, files []string, parse func(file string, data []byte) (*T, []Problem),
	lastGood map[string]*T, reuse func(*T) *T) (parsed []*T, problems []Problem, kept []string) {
	parsed = make([]*T, len(files))
	found := make([][]Problem, len(files))
	parallel(len(files), func(i int) {
		data, err := fs.ReadFile(fsys, files[i])
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			found[i] = []Problem{{files[i], 1, fmt.Sprintf("无法读取文件：%v", err)}}
		default:
			parsed[i], found[i] = parse(files[i], data)
		}
	})
	for i, p := range found {
		problems = append(problems, p...)
		if old := lastGood[files[i]]; parsed[i] == nil && len(p) > 0 && old != nil {
			parsed[i] = reuse(old)
			kept = append(kept, files[i])
		}
	}
	return parsed, problems, kept
}

// parallel calls f(0) … f(n-1) on as many goroutines as there are processors.
func parallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

func kindList() string {
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = string(k)
	}
	return strings.Join(names, "、")
}

func newer(a, b *Document) bool {
	if !a.Published.Equal(b.Published) {
		return a.Published.After(b.Published)
	}
	return a.IndexNo > b.IndexNo
}

// resolve links documents to their successors and policies, and checks body links. A link to a
// document that does not exist is a problem; the document keeps serving without the link.
func (l *Library) resolve() []Problem {
	var problems []Problem
	for _, d := range l.docs {
		if d.successorSlug != "" {
			if s, ok := l.bySlug[d.successorSlug]; ok && s != d {
				d.Successor = s
				s.Predecessors = append(s.Predecessors, d)
			} else {
				problems = append(problems, Problem{d.File, 2, fmt.Sprintf("替代或修改它的文件 %q 不存在", d.successorSlug)})
			}
		}
		if d.policySlug != "" {
			if p, ok := l.bySlug[d.policySlug]; ok && p.Kind == KindPolicy {
				d.Policy = p
				p.Interpretations = append(p.Interpretations, d)
			} else {
				problems = append(problems, Problem{d.File, 2, fmt.Sprintf("所解读的政策文件 %q 不存在", d.policySlug)})
			}
		}
		problems = append(problems, l.checkLinks(d.File, d.links)...)
	}
	return problems
}

// openPages are the pages under /open/ that the site serves besides its columns and documents:
// the request form and its status page.
var openPages = []string{"open/apply", "open/apply/status"}

// checkLinks reports the links to /open/ pages that do not exist.
func (l *Library) checkLinks(file string, links []link) []Problem {
	var problems []Problem
	for _, ln := range links {
		target := strings.Trim(strings.SplitN(strings.SplitN(ln.target, "#", 2)[0], "?", 2)[0], "/")
		parts := strings.Split(target, "/") // open, kind[, slug]
		ok := false
		switch len(parts) {
		case 1:
			ok = true
		case 2:
			_, ok = ParseKind(parts[1])
		case 3:
			t, found := l.bySlug[parts[2]]
			ok = found && string(t.Kind) == parts[1]
		}
		if !ok && !slices.Contains(openPages, target) {
			problems = append(problems, Problem{file, ln.line, fmt.Sprintf("链接 %q 指向的页面不存在", ln.target)})
		}
	}
	return problems
}

// relate gives each document up to five related documents: those sharing the most keywords
// (keywords used by more than maxPosting documents say too little to count), then the newest of
// the same topic. Each document costs its keywords' postings, not the whole library.
func (l *Library) relate() {
	const maxPosting, want = 100, 5
	byKeyword := map[string][]*Document{}
	byTopic := map[string][]*Document{} // newest first, as l.docs
	for _, d := range l.docs {
		for _, k := range d.Keywords {
			byKeyword[k] = append(byKeyword[k], d)
		}
		byTopic[d.Topic] = append(byTopic[d.Topic], d)
	}
	for _, d := range l.docs {
		score := map[*Document]int{}
		for _, k := range d.Keywords {
			if list := byKeyword[k]; len(list) <= maxPosting {
				for _, o := range list {
					score[o] += 2
				}
			}
		}
		for _, o := range byTopic[d.Topic] {
			if len(score) > want*2 {
				break
			}
			score[o]++
		}
		delete(score, d)
		related := make([]*Document, 0, len(score))
		for o := range score {
			related = append(related, o)
		}
		sort.Slice(related, func(i, j int) bool {
			a, b := related[i], related[j]
			if score[a] != score[b] {
				return score[a] > score[b]
			}
			return newer(a, b)
		})
		d.Related = related[:min(want, len(related))]
	}
}

// Synonyms returns the text of the content's SynonymsFile, "" when it has none.
func (l *Library) Synonyms() string { return l.synonyms }

// Files is the file system the library was loaded from, for serving attachments.
func (l *Library) Files() fs.FS { return l.files }

// Kept lists the files whose new version has problems and that are served as they were before,
// sorted; it is empty for a library built by Load.
func (l *Library) Kept() []string { return l.kept }

// Loaded is when the library was built.
func (l *Library) Loaded() time.Time { return l.loaded }

// Len is the number of documents.
func (l *Library) Len() int { return len(l.docs) }

// Document returns the document with the slug, or a NotFound error.
func (l *Library) Document(slug string) (*Document, error) {
	if d, ok := l.bySlug[slug]; ok {
		return d, nil
	}
	return nil, zhenxing.Errorf(zhenxing.ENotFound, "未找到该文件，它可能已被移动或删除。")
}

// Consultations returns the documents open for comment at some time (意见征集), the latest to
// open first.
func (l *Library) Consultations() []*Document {
	var out []*Document
	for _, d := range l.docs {
		if d.Consultation != nil {
			out = append(out, d)
		}
	}
	slices.SortStableFunc(out, func(a, b *Document) int { return b.Consultation.Opens.Compare(a.Consultation.Opens) })
	return out
}

// Latest returns the n newest documents of a kind, or of every kind when kind is "".
func (l *Library) Latest(kind Kind, n int) []*Document {
	list := l.docs
	if kind != "" {
		list = l.byKind[kind]
	}
	return list[:min(n, len(list))]
}

// Query selects documents for a listing. Zero values mean "any"; a Limit of 0 means no limit.
type Query struct {
	Kind   Kind
	Topic  string
	Year   int
	Offset int // matching documents to skip, newest first
	Limit  int // documents to return at the most
}

// Page is one window of a listing.
type Page struct {
	Documents []*Document
	Total     int // documents matching the query, in every window
}

// Documents lists the documents matching q, newest first, from q.Offset on and at most q.Limit
// of them. An unknown topic or year is an Invalid error; an offset past the end gives no
// documents, not an error.
func (l *Library) Documents(q Query) (Page, error) {
	if q.Topic != "" && !slices.Contains(l.Topics(q.Kind), q.Topic) {
		return Page{}, zhenxing.Errorf(zhenxing.EInvalid, "没有主题分类为“%s”的文件。", q.Topic)
	}
	if q.Year != 0 && !slices.Contains(l.Years(q.Kind), q.Year) {
		return Page{}, zhenxing.Errorf(zhenxing.EInvalid, "没有 %d 年发布的文件。", q.Year)
	}
	list := l.docs
	if q.Kind != "" {
		list = l.byKind[q.Kind]
	}
	var match []*Document
	if q.Topic == "" && q.Year == 0 {
		match = list
	} else {
		for _, d := range list {
			if (q.Topic == "" || d.Topic == q.Topic) && (q.Year == 0 || d.Published.Year() == q.Year) {
				match = append(match, d)
			}
		}
	}
	from := min(max(q.Offset, 0), len(match))
	to := len(match)
	if q.Limit > 0 {
		to = min(from+q.Limit, len(match))
	}
	return Page{Documents: match[from:to], Total: len(match)}, nil
}

// Topics lists the topics used by documents of a kind (every kind when ""), sorted.
func (l *Library) Topics(kind Kind) []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range l.Latest(kind, len(l.docs)) {
		if !seen[d.Topic] {
			seen[d.Topic] = true
			out = append(out, d.Topic)
		}
	}
	sort.Strings(out)
	return out
}

// Years lists the years documents of a kind were published in, newest first.
func (l *Library) Years(kind Kind) []int {
	var out []int
	for _, d := range l.Latest(kind, len(l.docs)) {
		if y := d.Published.Year(); len(out) == 0 || out[len(out)-1] != y {
			out = append(out, y)
		}
	}
	return out
}
