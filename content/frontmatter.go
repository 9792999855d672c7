package content

import (
	"bytes"
	"fmt"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"zhenxing"
)

// Problem is one thing wrong with a content file, located by file and line.
type Problem struct {
	File    string
	Line    int
	Message string
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message) }

func (p Problem) Error() string { return p.String() }

// frontMatter is a parsed YAML header: the mapping node for line lookups, the body after it and
// the problems found while reading it. Documents and events read their fields through header().
type frontMatter struct {
	file     string
	root     *yaml.Node // the mapping node
	body     []byte
	bodyLine int // the line of the file the body starts on
	problems []Problem
}

var fence = []byte("---")

// splitFrontMatter parses the YAML header of a content file. A file without one, or with a
// header that is not valid YAML mapping, yields a problem and a nil frontMatter.
func splitFrontMatter(file string, data []byte) (*frontMatter, *Problem) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	if !bytes.HasPrefix(data, fence) || !(len(data) == 3 || data[3] == '\n') {
		return nil, &Problem{file, 1, "文件须以 --- 开头的 YAML 头信息开始"}
	}
	rest := data[len(fence):]
	end := bytes.Index(rest, []byte("\n---"))
	for end >= 0 && end+4 < len(rest) && rest[end+4] != '\n' {
		next := bytes.Index(rest[end+4:], []byte("\n---"))
		if next < 0 {
			end = -1
			break
		}
		end += 4 + next
	}
	if end < 0 {
		return nil, &Problem{file, 1, "YAML 头信息没有以 --- 结束"}
	}
	header := rest[:end]
	body := rest[end+4:]
	body = bytes.TrimPrefix(body, []byte("\n"))
	bodyLine := 1 + bytes.Count(rest[:end+4], []byte("\n")) + 1

	var doc yaml.Node
	if err := yaml.Unmarshal(header, &doc); err != nil {
		return nil, &Problem{file, yamlErrorLine(err), "YAML 头信息格式错误：" + yamlErrorText(err)}
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, &Problem{file, 2, "YAML 头信息须为“键： 值”的映射"}
	}
	return &frontMatter{file: file, root: doc.Content[0], body: body, bodyLine: bodyLine}, nil
}

// yamlErrorLine extracts the header line from a yaml.v3 error message ("yaml: line 3: ...").
func yamlErrorLine(err error) int {
	var line int
	msg := err.Error()
	if i := strings.Index(msg, "line "); i >= 0 {
		fmt.Sscanf(msg[i+5:], "%d", &line)
	}
	if line == 0 {
		line = 1
	}
	return line
}

func yamlErrorText(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if i := strings.Index(msg, ": "); strings.HasPrefix(msg, "line ") && i >= 0 {
		msg = msg[i+2:]
	}
	return msg
}

// line returns the file line of a header node; nil stands for the header as a whole, whose first
// line is the one after the opening ---.
func (fm *frontMatter) line(n *yaml.Node) int {
	if n == nil {
		return 2
	}
	return n.Line // the header keeps the newline after the opening ---, so lines match the file
}

// problem records a problem at the line of n.
func (fm *frontMatter) problem(n *yaml.Node, format string, args ...any) {
	fm.problems = append(fm.problems, Problem{fm.file, fm.line(n), fmt.Sprintf(format, args...)})
}

// header returns the whole header as an object to read fields from.
func (fm *frontMatter) header() object { return object{fm: fm, node: fm.root} }

// openFile splits a content file's header and checks what documents and events share: the slug
// their file name gives and the keys they may use. Without a readable header it returns the
// problem and a nil frontMatter.
func openFile(file string, data []byte, keys map[string]bool) (*frontMatter, string, *Problem) {
	slug := strings.TrimSuffix(path.Base(file), ".md")
	fm, p := splitFrontMatter(file, data)
	if p != nil {
		return nil, "", p
	}
	if !slugPattern.MatchString(slug) {
		fm.problem(nil, "文件名 %q 须由小写字母、数字和连字符组成", slug)
	}
	fm.header().checkKeys(keys)
	return fm, slug, nil
}

// object is a YAML mapping of a front matter: the header itself or a mapping inside it. It is the
// one reader of documents and events. Each field reader reports what is wrong to the front
// matter, at the line of the node at fault, and returns the zero value (and false) for a missing,
// null or invalid field; a missing required field is a problem too.
type object struct {
	fm   *frontMatter
	node *yaml.Node
	key  *yaml.Node // the key it was found under; nil for the header and list items
}

func keySet(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// at is the node to name in a problem about the object as a whole: its key, whose line is the
// one a reader looks for, or the mapping itself.
func (o object) at() *yaml.Node {
	if o.key != nil {
		return o.key
	}
	return o.node
}

// keyNode returns the key node of key, or nil.
func (o object) keyNode(key string) *yaml.Node {
	for i := 0; i+1 < len(o.node.Content); i += 2 {
		if o.node.Content[i].Value == key {
			return o.node.Content[i]
		}
	}
	return nil
}

// value returns the value node of key, with an alias resolved, or nil.
func (o object) value(key string) *yaml.Node {
	for i := 0; i+1 < len(o.node.Content); i += 2 {
		if o.node.Content[i].Value == key {
			return resolve(o.node.Content[i+1])
		}
	}
	return nil
}

func resolve(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool { return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") }

// field returns the value node of key, or nil when it is missing or null; a missing required
// field is reported on the mapping's line (for the header, its first line).
func (o object) field(key string, required bool) *yaml.Node {
	n := o.value(key)
	if !isNull(n) {
		return n
	}
	if required {
		at := o.node
		if at == o.fm.root {
			at = nil
		}
		o.fm.problem(at, "缺少必填字段 %q", key)
	}
	return nil
}

// checkKeys reports keys that are not in allowed, and duplicate keys.
func (o object) checkKeys(allowed map[string]bool) {
	seen := map[string]bool{}
	for i := 0; i+1 < len(o.node.Content); i += 2 {
		k := o.node.Content[i]
		switch {
		case !allowed[k.Value]:
			o.fm.problem(k, "未知字段 %q", k.Value)
		case seen[k.Value]:
			o.fm.problem(k, "字段 %q 重复", k.Value)
		}
		seen[k.Value] = true
	}
}

// text reads a text field, trimmed; a required one may not be empty.
func (o object) text(key string, required bool) string {
	n := o.field(key, required)
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		o.fm.problem(n, "字段 %q 须为文字", key)
		return ""
	}
	s := strings.TrimSpace(n.Value)
	if s == "" && required {
		o.fm.problem(n, "字段 %q 不能为空", key)
	}
	return s
}

// strings reads a list of texts, leaving out empty items; a single text is a list of one. A
// required list may not be empty.
func (o object) strings(key string, required bool) []string {
	n := o.field(key, required)
	if n == nil {
		return nil
	}
	items := []*yaml.Node{n}
	switch n.Kind {
	case yaml.SequenceNode:
		items = n.Content
	case yaml.ScalarNode:
	default:
		o.fm.problem(n, "字段 %q 须为文字或文字的列表", key)
		return nil
	}
	var out []string
	for _, item := range items {
		item = resolve(item)
		if isNull(item) {
			continue
		}
		if item.Kind != yaml.ScalarNode {
			o.fm.problem(item, "字段 %q 的每一项须为文字", key)
			continue
		}
		if s := strings.TrimSpace(item.Value); s != "" {
			out = append(out, s)
		}
	}
	if len(out) == 0 && required {
		o.fm.problem(n, "字段 %q 不能为空", key)
	}
	return out
}

// int reads a whole number.
func (o object) int(key string, required bool) (int, bool) {
	n := o.field(key, required)
	if n == nil {
		return 0, false
	}
	v, err := strconv.Atoi(strings.TrimSpace(n.Value))
	if n.Kind != yaml.ScalarNode || err != nil {
		o.fm.problem(n, "字段 %q 须为整数，现为 %q", key, n.Value)
		return 0, false
	}
	return v, true
}

// money reads a positive amount of yuan with at most two decimals, as zhenxing.ParseYuan does.
func (o object) money(key string, required bool) (zhenxing.Money, bool) {
	n := o.field(key, required)
	if n == nil {
		return 0, false
	}
	s := strings.TrimSpace(n.Value)
	if strings.HasPrefix(s, "-") {
		o.fm.problem(n, "金额 %q 不能为负数", s)
		return 0, false
	}
	m, err := zhenxing.ParseYuan(s)
	if n.Kind != yaml.ScalarNode || err != nil {
		o.fm.problem(n, "字段 %q 须为以元计的金额（最多两位小数），现为 %q", key, s)
		return 0, false
	}
	if m == 0 {
		o.fm.problem(n, "金额须大于零")
		return 0, false
	}
	return m, true
}

// object reads a nested mapping.
func (o object) object(key string, required bool) (object, bool) {
	n := o.field(key, required)
	if n == nil {
		return object{}, false
	}
	if n.Kind != yaml.MappingNode {
		o.fm.problem(n, "字段 %q 须为“键： 值”的映射", key)
		return object{}, false
	}
	return object{o.fm, n, o.keyNode(key)}, true
}

// list reads a list of mappings; an item that is not a mapping is reported and left out. A
// required list may not be empty. The bool is true when the list is there, even empty.
func (o object) list(key string, required bool) ([]object, bool) {
	n := o.field(key, required)
	if n == nil {
		return nil, false
	}
	if n.Kind != yaml.SequenceNode {
		o.fm.problem(n, "字段 %q 须为列表", key)
		return nil, false
	}
	if len(n.Content) == 0 && required {
		o.fm.problem(n, "字段 %q 不能为空", key)
	}
	var out []object
	for _, item := range n.Content {
		item = resolve(item)
		if item.Kind != yaml.MappingNode {
			o.fm.problem(item, "字段 %q 的每一项须为“键： 值”的映射", key)
			continue
		}
		out = append(out, object{o.fm, item, nil})
	}
	return out, true
}

// link reads an absolute http or https URL; httpsOnly refuses plain http.
func (o object) link(key string, required, httpsOnly bool) string {
	s := o.text(key, required)
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	ok := err == nil && u.Host != "" && (u.Scheme == "https" || (u.Scheme == "http" && !httpsOnly))
	if !ok {
		want := "http:// 或 https://"
		if httpsOnly {
			want = "https://"
		}
		o.fm.problem(o.value(key), "链接 %q 无效，须为以 %s 开头的完整网址", s, want)
		return ""
	}
	return u.String()
}

// parseDate reads a calendar date, YYYY-MM-DD, in Beijing time.
func parseDate(s string) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01-02", s, zhenxing.Beijing)
	return t, err == nil
}

// date reads a calendar date, YYYY-MM-DD, in Beijing time.
func (o object) date(key string, required bool) (time.Time, bool) {
	return o.localTime(key, required, false)
}

// dateTime reads a date with an optional time of day, "YYYY-MM-DD" or "YYYY-MM-DD HH:MM", in
// Beijing time.
func (o object) dateTime(key string, required bool) (time.Time, bool) {
	return o.localTime(key, required, true)
}

func (o object) localTime(key string, required, withClock bool) (time.Time, bool) {
	n := o.field(key, required)
	if n == nil {
		return time.Time{}, false
	}
	s := strings.TrimSpace(n.Value)
	if t, ok := parseDate(s); ok {
		return t, true
	}
	want := "YYYY-MM-DD"
	if withClock {
		for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04"} {
			if t, err := time.ParseInLocation(layout, s, zhenxing.Beijing); err == nil {
				return t, true
			}
		}
		want = "YYYY-MM-DD 或 YYYY-MM-DD HH:MM"
	}
	o.fm.problem(n, "字段 %q 的日期 %q 无效，应为 %s", key, s, want)
	return time.Time{}, false
}

var zonedLayouts = []string{
	time.RFC3339, "2006-01-02T15:04Z07:00",
	"2006-01-02 15:04 Z07:00", "2006-01-02 15:04:05 Z07:00", "2006-01-02 15:04Z07:00",
}

var localLayouts = []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02"}

// zonedTime reads a point in time that names its zone: an offset ("2026-12-05 09:00 +08:00",
// RFC 3339) or a time zone ("2026-12-05 09:00 Asia/Shanghai"). A time without a zone is a
// problem, never silently read in some zone. The result is in Beijing time.
func (o object) zonedTime(key string, required bool) (time.Time, bool) {
	n := o.field(key, required)
	if n == nil {
		return time.Time{}, false
	}
	s := strings.Join(strings.Fields(n.Value), " ")
	if t, ok := parseZoned(s); ok {
		return t.In(zhenxing.Beijing), true
	}
	if i := strings.LastIndexByte(s, ' '); i > 0 && strings.Contains(s[i+1:], "/") {
		name := s[i+1:]
		loc, err := loadZone(name)
		if err != nil {
			o.fm.problem(n, "字段 %q 的时区 %q 无效，应为如 Asia/Shanghai 的时区名", key, name)
			return time.Time{}, false
		}
		for _, layout := range localLayouts[:2] {
			if t, err := time.ParseInLocation(layout, s[:i], loc); err == nil {
				return t.In(zhenxing.Beijing), true
			}
		}
	}
	for _, layout := range localLayouts {
		if _, err := time.Parse(layout, s); err == nil {
			o.fm.problem(n, "字段 %q 的时间 %q 没有时区，请写成 %q 或 %q", key, s, s+" +08:00", s+" Asia/Shanghai")
			return time.Time{}, false
		}
	}
	o.fm.problem(n, "字段 %q 的时间 %q 无效，应为如 2026-12-05 09:00 +08:00 的带时区时间", key, s)
	return time.Time{}, false
}

func parseZoned(s string) (time.Time, bool) {
	for _, layout := range zonedLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func loadZone(name string) (*time.Location, error) {
	if name == "Asia/Shanghai" {
		return zhenxing.Beijing, nil
	}
	return time.LoadLocation(name)
}
