package content

import (
	"bytes"
	"fmt"
	"path"
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

// frontMatter is a parsed YAML header: the mapping node for line lookups and the body after it.
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

// line returns the file line of a header node.
func (fm *frontMatter) line(n *yaml.Node) int {
	if n == nil {
		return 2
	}
	return n.Line // the header keeps the newline after the opening ---, so lines match the file
}

// value returns the value node of a key, or nil.
func (fm *frontMatter) value(key string) *yaml.Node {
	for i := 0; i+1 < len(fm.root.Content); i += 2 {
		if fm.root.Content[i].Value == key {
			return fm.root.Content[i+1]
		}
	}
	return nil
}

func (fm *frontMatter) problem(n *yaml.Node, format string, args ...any) {
	fm.problems = append(fm.problems, Problem{fm.file, fm.line(n), fmt.Sprintf(format, args...)})
}

// checkKeys reports keys that are not in allowed, and duplicate keys.
func (fm *frontMatter) checkKeys(allowed map[string]bool) {
	seen := map[string]bool{}
	for i := 0; i+1 < len(fm.root.Content); i += 2 {
		k := fm.root.Content[i]
		switch {
		case !allowed[k.Value]:
			fm.problem(k, "未知字段 %q", k.Value)
		case seen[k.Value]:
			fm.problem(k, "字段 %q 重复", k.Value)
		}
		seen[k.Value] = true
	}
}

// decode decodes the value of key into out; a missing key is reported when required.
func (fm *frontMatter) decode(key string, out any, required bool) *yaml.Node {
	n := fm.value(key)
	if n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		if required {
			fm.problem(nil, "缺少必填字段 %q", key)
		}
		return nil
	}
	if err := n.Decode(out); err != nil {
		fm.problem(n, "字段 %q 的值无效：%s", key, yamlErrorText(err))
		return nil
	}
	return n
}

// text returns a required or optional string field, trimmed.
func (fm *frontMatter) text(key string, required bool) string {
	var s string
	n := fm.decode(key, &s, required)
	s = strings.TrimSpace(s)
	if n != nil && s == "" && required {
		fm.problem(n, "字段 %q 不能为空", key)
	}
	return s
}

// strings returns a list of strings; a single string is accepted as a list of one.
func (fm *frontMatter) strings(key string, required bool) []string {
	n := fm.value(key)
	if n != nil && n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		return []string{strings.TrimSpace(n.Value)}
	}
	var list []string
	if fm.decode(key, &list, required) != nil && len(list) == 0 && required {
		fm.problem(fm.value(key), "字段 %q 不能为空", key)
	}
	out := list[:0]
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// date returns a date field, read in Asia/Shanghai.
func (fm *frontMatter) date(key string, required bool) time.Time {
	n := fm.value(key)
	t, _ := fm.parseTime(n, key, required, false)
	return t
}

// parseTime reads a node as "YYYY-MM-DD" or, when withClock, also "YYYY-MM-DD HH:MM".
func (fm *frontMatter) parseTime(n *yaml.Node, key string, required, withClock bool) (time.Time, bool) {
	if n == nil || n.Tag == "!!null" {
		if required {
			fm.problem(nil, "缺少必填字段 %q", key)
		}
		return time.Time{}, false
	}
	s := strings.TrimSpace(n.Value)
	layouts := []string{"2006-01-02"}
	if withClock {
		layouts = append(layouts, "2006-01-02 15:04", "2006-01-02T15:04")
	}
	for _, layout := range layouts {
		if t, err := time.ParseInLocation(layout, s, zhenxing.Beijing); err == nil {
			return t, true
		}
	}
	want := "YYYY-MM-DD"
	if withClock {
		want = "YYYY-MM-DD 或 YYYY-MM-DD HH:MM"
	}
	fm.problem(n, "字段 %q 的日期 %q 无效，应为 %s", key, s, want)
	return time.Time{}, false
}

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
	fm.checkKeys(keys)
	return fm, slug, nil
}
