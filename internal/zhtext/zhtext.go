// Package zhtext keeps Chinese text typographically Chinese: punctuation written next to Chinese
// characters is full-width. Editors and code generators often turn ，：；（） into ASCII; Fix puts
// them back, and the package's test fails on any source file that still needs it.
package zhtext

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// fullWidth maps ASCII punctuation to its full-width form.
var fullWidth = map[rune]rune{',': '\uff0c', ':': '\uff1a', ';': '\uff1b', '?': '\uff1f', '!': '\uff01'}

// chinese reports whether r is a Chinese character or Chinese punctuation.
func chinese(r rune) bool {
	return (r >= 0x3000 && r <= 0x303f) || (r >= 0x3400 && r <= 0x4dbf) || (r >= 0x4e00 && r <= 0x9fff) ||
		(r >= 0xff00 && r <= 0xffef) || (r >= 0x2018 && r <= 0x201d) || r == 0x2026 || r == 0x2014
}

func han(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }

// yamlFlow matches YAML flow sequences and mappings, whose commas are syntax: [a, b], {k: v}.
var yamlFlow = regexp.MustCompile(`^\s*-?\s*[A-Za-z_]+:\s*\[.*\]\s*,?\s*$|[A-Za-z_]+:\s*\{([^{]|$)|-\s*\{([^{]|$)`)

// Fix returns text with full-width punctuation wherever ASCII , : ; ? ! follows a Chinese
// character (or a format verb, digit or Latin letter and precedes one), and ( ) enclose Chinese
// text next to Chinese characters or beginning with one. html also converts punctuation after a template action ({{end}}:) and
// parentheses around template actions after Chinese text. Lines without Chinese characters and
// YAML flow collections are left alone, and so is punctuation before a slash (URLs).
func Fix(text string, kind Kind) string {
	lines := strings.SplitAfter(text, "\n")
	for i, l := range lines {
		if kind == Go {
			code, comment := splitComment(l)
			lines[i] = fixLine(code, false) + comment
			continue
		}
		lines[i] = fixLine(l, kind == HTML)
	}
	return strings.Join(lines, "")
}

// Kind says how to read a file: plain text (Markdown, JSON), an html/template, or Go source,
// whose comments are English (quoting Chinese) and stay as written.
type Kind int

// The kinds of file Fix reads.
const (
	Text Kind = iota
	HTML
	Go
)

// KindOf tells the kind of a file from its name.
func KindOf(name string) Kind {
	switch {
	case strings.HasSuffix(name, ".go"):
		return Go
	case strings.HasSuffix(name, ".html"):
		return HTML
	}
	return Text
}

// splitComment splits a Go line before a // comment that is not inside a string literal.
func splitComment(line string) (code, comment string) {
	inString, inRaw := false, false
	for i := 0; i+1 < len(line); i++ {
		switch c := line[i]; {
		case inString && c == '\\':
			i++
		case !inRaw && c == '"':
			inString = !inString
		case !inString && c == '`':
			inRaw = !inRaw
		case !inString && !inRaw && c == '/' && line[i+1] == '/':
			return line[:i], line[i:]
		}
	}
	return line, ""
}

func fixLine(line string, html bool) string {
	if !strings.ContainsFunc(line, han) || yamlFlow.MatchString(line) {
		return line
	}
	rs := []rune(line)
	at := func(i int) rune {
		if i < 0 || i >= len(rs) {
			return 0
		}
		return rs[i]
	}
	for i, r := range rs {
		fw, ok := fullWidth[r]
		if !ok || at(i+1) == '/' {
			continue
		}
		prev := i - 1
		if at(prev) == '*' && at(prev-1) == '*' {
			prev -= 2 // after the closing ** of bold Chinese text
		}
		verb := at(i-2) == '%' && strings.ContainsRune("sdvq", at(i-1))
		digit := at(i-1) >= '0' && at(i-1) <= '9'
		latin := (at(i-1) >= 'A' && at(i-1) <= 'Z') || (at(i-1) >= 'a' && at(i-1) <= 'z') || at(i-1) == ')'
		template := html && at(i-1) == '}' && at(i-2) == '}'
		switch {
		case chinese(at(prev)):
			rs[i] = fw
		case (verb || digit || latin) && r != '?' && r != '!' && (chinese(at(i+1)) || (at(i+1) == '%' && (verb || digit))):
			rs[i] = fw
		case template && r != '?' && r != '!' && at(i+1) != 0 && !strings.ContainsRune(" \t\n\"", at(i+1)):
			rs[i] = fw
		}
	}
	fixParens(rs, html)
	return string(rs)
}

// fixParens turns (…) into （…） where the text inside is Chinese and a Chinese character stands
// right before or after, or (in templates) a Chinese character stands before.
func fixParens(rs []rune, html bool) {
	for open := 0; open < len(rs); open++ {
		if rs[open] != '(' {
			continue
		}
		closing, hasChinese, plain := -1, false, true
		for j := open + 1; j < len(rs) && j-open <= 121; j++ {
			r := rs[j]
			if r == ')' {
				closing = j
				break
			}
			if r == '(' || r == '\n' || r == '"' {
				break
			}
			if strings.ContainsRune("{}`=", r) {
				plain = false
			}
			if chinese(r) {
				hasChinese = true
			}
		}
		if closing < 0 {
			continue
		}
		before := open > 0 && chinese(rs[open-1])
		after := closing+1 < len(rs) && chinese(rs[closing+1])
		startsChinese := closing > open+1 && han(rs[open+1])
		if (plain && hasChinese && (before || after || startsChinese)) || (html && before && closing-open <= 81) {
			rs[open], rs[closing] = '\uff08', '\uff09'
		}
	}
}

// Valid reports whether s is valid UTF-8; Fix leaves invalid text alone.
func Valid(s string) bool { return utf8.ValidString(s) }
