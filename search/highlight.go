package search

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// snippetRunes is the length of a hit's snippet, in characters.
const snippetRunes = 90

// Highlight marks in text every place where one of terms (folded words) matches its folded form.
// With window > 0 it returns only a passage of about window characters, starting a little before
// the first match (or the start of text when nothing matches), with "…" where it was cut. The
// spans are plain text.
func Highlight(text string, terms []string, window int) []Span {
	if text == "" {
		return nil
	}
	// The folded text, and for each of its bytes the byte range of the original rune it came
	// from. For a passage, folding stops a window past the first match: a long body costs only
	// what comes before its first match.
	longest := 0
	for _, t := range terms {
		longest = max(longest, len(t))
	}
	var folded []byte
	var from, to []int
	type span struct{ start, end int } // in text's bytes
	var marks []span
	searched := 0 // folded bytes searched for matches so far
	search := func(final bool) {
		end := len(folded)
		if !final {
			end -= longest // a match may still be cut at the end
		}
		if end <= searched {
			return
		}
		for _, t := range terms {
			if t == "" {
				continue
			}
			// Matches starting before searched were found by the last call.
			for off := searched; off < end; {
				k := strings.Index(string(folded[off:min(len(folded), end+len(t)-1)]), t)
				if k < 0 {
					break
				}
				k += off
				marks = append(marks, span{from[k], to[k+len(t)-1]})
				off = k + len(t)
			}
		}
		searched = end
	}
	stop := -1 // the byte offset in text where folding may stop
	var buf [utf8.UTFMax]byte
	for i, r := range text {
		if stop >= 0 && i >= stop {
			break
		}
		size := utf8.RuneLen(r)
		if r == utf8.RuneError {
			size = 1
		}
		for _, f := range foldRune(r) {
			n := utf8.EncodeRune(buf[:], f)
			folded = append(folded, buf[:n]...)
			for range n {
				from = append(from, i)
				to = append(to, i+size)
			}
		}
		if window > 0 && stop < 0 && len(folded)-searched >= 256 {
			search(false)
			if len(marks) > 0 {
				first := slices.MinFunc(marks, func(a, b span) int { return a.start - b.start })
				stop = forwardRunes(text, first.start, window)
			}
		}
	}
	search(true)
	slices.SortFunc(marks, func(a, b span) int { return a.start - b.start })
	merged := marks[:0]
	for _, m := range marks {
		if n := len(merged); n > 0 && m.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, m.end)
			continue
		}
		merged = append(merged, m)
	}

	lo, hi := 0, len(text)
	if window > 0 {
		if len(merged) > 0 {
			lo = backRunes(text, merged[0].start, window/5)
		}
		hi = forwardRunes(text, lo, window)
	}
	var out []Span
	if lo > 0 {
		out = append(out, Span{Text: "…"})
	}
	pos := lo
	for _, m := range merged {
		if m.end <= lo || m.start >= hi {
			continue
		}
		s, e := max(m.start, lo), min(m.end, hi)
		if s > pos {
			out = append(out, Span{Text: text[pos:s]})
		}
		out = append(out, Span{Text: text[s:e], Mark: true})
		pos = e
	}
	if pos < hi {
		out = append(out, Span{Text: text[pos:hi]})
	}
	if hi < len(text) {
		out = append(out, Span{Text: "…"})
	}
	return out
}

// backRunes moves back from byte offset i by up to n runes, stopping after a sentence end.
func backRunes(text string, i, n int) int {
	for ; n > 0 && i > 0; n-- {
		r, size := utf8.DecodeLastRuneInString(text[:i])
		if r == '。' || r == '\n' || r == '；' {
			break
		}
		i -= size
	}
	return i
}

// forwardRunes moves forward from byte offset i by up to n runes.
func forwardRunes(text string, i, n int) int {
	for ; n > 0 && i < len(text); n-- {
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	return i
}
