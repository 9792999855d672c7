package search

import (
	"context"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Over texts of a four-character alphabet, where every pair of a word is present in most texts
// without the word, the engine finds exactly the texts that contain the word.
func TestEmbeddedFindsExactlyTheSubstrings(t *testing.T) {
	alphabet := []rune("乡村振兴")
	rng := rand.New(rand.NewPCG(1, 2))
	word := func(n int) string {
		r := make([]rune, n)
		for i := range r {
			r[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(r)
	}
	var recs []Record
	for i := range 400 {
		recs = append(recs, Record{Type: TypeDocument, ID: strconv.Itoa(i), Title: "文件", Text: word(5 + rng.IntN(40))})
	}
	e := NewEmbedded()
	if err := e.Replace(context.Background(), []Type{TypeDocument}, recs); err != nil {
		t.Fatal(err)
	}
	for range 200 {
		q := word(3 + rng.IntN(4))
		var want []string
		for _, r := range recs {
			if strings.Contains(r.Text, q) {
				want = append(want, r.ID)
			}
		}
		got, err := e.Match(context.Background(), TypeDocument, q, 0)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("%s: found %d records, %d contain it", q, len(got), len(want))
		}
	}
}
