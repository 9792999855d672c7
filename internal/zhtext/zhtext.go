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
// character (or a format verb or digit and precedes one), and ( ) enclose Chinese text next to
// Chinese characters. html also converts punctuation after a template action ({{end}}:) and
// parentheses around template actions after Chinese text. Lines without Chinese characters and
// YAML flow collections are left alone, and so is punctuation before a slash (URLs).
func Fix(text string, html bool) string {
	lines := strings.SplitAfter(text, "\n")
	for i, l := range lines {
		lines[i] = fixLine(l, html)
	}
	return strings.Join(lines, "")
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
		template := html && at(i-1) == '}' && at(i-2) == '}'
		switch {
		case chinese(at(prev)):
			rs[i] = fw
		case (verb || digit) && r != '?' && r != '!' && (chinese(at(i+1)) || at(i+1) == '%'):
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
		if (plain && hasChinese && (before || after)) || (html && before && closing-open <= 81) {
			rs[open], rs[closing] = '\uff08', '\uff09'
		}
	}
}

// Valid reports whether s is valid UTF-8; Fix leaves invalid text alone.
func Valid(s string) bool { return utf8.ValidString(s) }
