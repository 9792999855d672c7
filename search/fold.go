package search

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"
	"github.com/mozillazg/go-pinyin"
	"golang.org/x/text/unicode/norm"
)

// Fold returns s as the engines compare it: NFKC (full-width letters and digits become ASCII),
// lower case, traditional characters as simplified, and every punctuation mark (each bracket
// form of a 文号 among them: 〔〕 [] () ［］ 【】) as a space, with runs of spaces made one and none
// at either end. Text and queries are folded alike, so 灞乡振发[2022]3号 and 灞乡振发〔2022〕3号
// fold to the same words.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true // at the start, or after a space: drop the next space
	for _, r := range s {
		for _, f := range foldRune(r) {
			if f == ' ' {
				if !space {
					b.WriteByte(' ')
					space = true
				}
				continue
			}
			b.WriteRune(f)
			space = false
		}
	}
	out := b.String()
	return strings.TrimSuffix(out, " ")
}

// Terms splits a query into its folded words, each of which a record must contain.
func Terms(q string) []string { return strings.Fields(Fold(q)) }

// foldRune folds one rune; the result is a few runes, possibly none, with ' ' for a separator.
// Folding rune by rune lets the highlighter map folded text back to the original. The Basic
// Multilingual Plane is folded once, into a table.
func foldRune(r rune) []rune {
	if r < 0x10000 {
		return bmp()[r]
	}
	return foldSlow(r)
}

var bmp = sync.OnceValue(func() [][]rune {
	t := make([][]rune, 0x10000)
	for r := range t {
		t[r] = foldSlow(rune(r))
	}
	return t
})

func foldSlow(r rune) []rune {
	switch {
	case r < utf8.RuneSelf:
		switch {
		case 'A' <= r && r <= 'Z':
			return asciiRunes[r+'a'-'A' : r+'a'-'A'+1]
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			return asciiRunes[r : r+1]
		case r == '+' || r == '#' || r == '%' || r == '&' || r == '@' || r == '$':
			return asciiRunes[r : r+1]
		}
		return spaceRune
	case 0x4e00 <= r && r <= 0x9fff:
		if s, ok := simplified()[r]; ok {
			return []rune{s}
		}
		return []rune{r}
	}
	n := norm.NFKC.String(string(r))
	out := make([]rune, 0, len(n))
	for _, c := range n {
		switch {
		case c < utf8.RuneSelf:
			out = append(out, foldSlow(c)...)
		case unicode.IsPunct(c) || unicode.IsSpace(c) || unicode.IsControl(c) || c == '\ufffd':
			out = append(out, ' ')
		default:
			c = unicode.ToLower(c)
			if s, ok := simplified()[c]; ok {
				c = s
			}
			out = append(out, c)
		}
	}
	return out
}

var (
	asciiRunes = func() []rune {
		rs := make([]rune, utf8.RuneSelf)
		for i := range rs {
			rs[i] = rune(i)
		}
		return rs
	}()
	spaceRune = []rune{' '}
)

// simplified maps each traditional character that has one simplified form to it, from OpenCC's
// t2s dictionary, built once on first use.
var simplified = sync.OnceValue(func() map[rune]rune {
	conv, err := opencc.New("t2s")
	if err != nil {
		panic("search: opencc t2s: " + err.Error())
	}
	m := map[rune]rune{}
	add := func(lo, hi rune) {
		for r := lo; r <= hi; r++ {
			out, err := conv.Convert(string(r))
			if err != nil {
				continue
			}
			if s, size := utf8.DecodeRuneInString(out); size == len(out) && s != r && s != utf8.RuneError {
				m[r] = s
			}
		}
	}
	add(0x3400, 0x4dbf)
	add(0x4e00, 0x9fff)
	add(0xf900, 0xfaff)
	return m
})

// Pinyin returns the pinyin of the Chinese characters in name, in full ("yingtao") and by
// initials ("yt"); letters and digits in the name are kept as they are (lower-cased). A ü is
// written v, as Chinese keyboards type it.
func Pinyin(name string) (full, initials string) {
	var f, i strings.Builder
	args := pinyin.NewArgs()
	for _, r := range Fold(name) {
		switch {
		case r == ' ':
		case r < utf8.RuneSelf:
			f.WriteRune(r)
			i.WriteRune(r)
		default:
			p := pinyin.SinglePinyin(r, args)
			if len(p) == 0 || p[0] == "" {
				continue
			}
			f.WriteString(p[0])
			i.WriteByte(p[0][0])
		}
	}
	return f.String(), i.String()
}

// latinWord reports whether term is made only of ASCII letters: a word that may be pinyin.
func latinWord(term string) bool {
	for i := 0; i < len(term); i++ {
		if c := term[i]; c < 'a' || c > 'z' {
			return false
		}
	}
	return term != ""
}
