package search

import (
	"slices"
	"testing"
	"unicode/utf8"
)

func TestMeiliQuote(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`鲜果`, `"鲜果"`},
		{`a"b`, `"a\"b"`},
		{`a\b`, `"a\\b"`},
		{`\"`, `"\\\""`},
		{`end\`, `"end\\"`},
		{`" OR type = "x`, `"\" OR type = \"x"`},
	} {
		if got := meiliQuote(c.in); got != c.want {
			t.Errorf("meiliQuote(%q) = %s, want %s", c.in, got, c.want)
		}
	}
	// Every quote inside the value is escaped: the filter holds exactly one string per value.
	f := meiliIn("category", []string{`x" OR 1=1 OR category = "y`, `z\`})
	if want := `category IN ["x\" OR 1=1 OR category = \"y", "z\\"]`; f != want {
		t.Errorf("meiliIn = %s, want %s", f, want)
	}
	if got := meiliIn("type", nil); got != "" {
		t.Errorf("no values: %q", got)
	}
	q := Query{Types: []Type{TypeProduct}, Filters: map[string][]string{FacetCounty: {"略阳县"}, FacetCategory: {"鲜果", "干果"}}}
	types, facets := meiliFilters(&q)
	if got, want := facetFilter(types, facets, ""), `(type IN ["product"]) AND (category IN ["鲜果", "干果"]) AND (county IN ["略阳县"])`; got != want {
		t.Errorf("filter %s, want %s", got, want)
	}
	if got, want := facetFilter(types, facets, FacetCategory), `(type IN ["product"]) AND (county IN ["略阳县"])`; got != want {
		t.Errorf("filter without its own field %s, want %s", got, want)
	}
}

func TestMeiliKeyRoundTrip(t *testing.T) {
	for _, r := range []Record{
		{Type: TypeDocument, ID: "fund-2022"},
		{Type: TypePosition, ID: "fair-2026/1"},
		{Type: TypeProduct, ID: "cherry:grade-1 白鹿原樱桃 a_b"},
		{Type: TypeSupplier, ID: ""},
	} {
		key := meiliKey(r.Type, r.ID)
		for _, c := range key {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				t.Fatalf("key %q of %s holds %q", key, r.Key(), c)
			}
		}
		if len(key) > 511 {
			t.Errorf("key of %s is %d bytes", r.Key(), len(key))
		}
		typ, id, err := parseMeiliKey(key)
		if err != nil || typ != r.Type || id != r.ID {
			t.Errorf("%s: round trip gave %q %q %v", r.Key(), typ, id, err)
		}
	}
	for _, bad := range []string{"zz", "abc", hexOf("nocolon")} {
		if _, _, err := parseMeiliKey(bad); err == nil {
			t.Errorf("parseMeiliKey(%q) accepted", bad)
		}
	}
}

func hexOf(s string) string { return meiliKey(Type(s), "")[:len(s)*2] }

func TestMeiliQueryText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"樱桃", `"樱 桃"`},
		{"桃", `"桃"`},
		{"灞乡振发〔2022〕3号", `"灞 乡 振 发" 2022 "3 号"`},
		{"yingtao", `yingtao`},
		{"\"樱桃", `"樱 桃"`},
		{"MB0000001X 櫻桃果醬", `mb0000001x "樱 桃 果 酱"`},
	} {
		if got := meiliQuery(Terms(c.in)); got != c.want {
			t.Errorf("meiliQuery(%q) = %s, want %s", c.in, got, c.want)
		}
	}
	if got, want := charWords(Fold("关于下达2022年衔接资金（ABC-12）")), "关 于 下 达 2022 年 衔 接 资 金 abc 12"; got != want {
		t.Errorf("charWords = %q, want %q", got, want)
	}
}

func TestMeiliPinyinAndSynonyms(t *testing.T) {
	py := namePinyin([]string{"白鹿原樱桃专业合作社"})
	for _, w := range []string{"yingtao", "yt", "bailu", "hezuoshe"} {
		if !slices.ContainsFunc(py, func(p string) bool { return len(p) >= len(w) && p[:len(w)] == w }) {
			t.Errorf("no pinyin starts with %q: %v", w, py)
		}
	}
	for _, p := range py {
		if !utf8.ValidString(p) || p == "" {
			t.Errorf("pinyin %q", p)
		}
	}
	syn, _ := ParseSynonyms("农发行 → 中国农业发展银行\n公益岗 → 公益性岗位\n")
	if got := synWords(syn, Fold("各镇街：现将中国农业发展银行支持的资金下达")); !slices.Equal(got, []string{"农 发 行"}) {
		t.Errorf("synWords = %v", got)
	}
	if got := synWords(syn, "樱桃"); len(got) != 0 {
		t.Errorf("synWords of a text without synonyms = %v", got)
	}
	if got := highlightTerms([]string{"公益岗"}, syn); !slices.Equal(got, []string{"公益岗", "公益性岗位"}) {
		t.Errorf("highlightTerms = %v", got)
	}
}

func TestMeiliVersion(t *testing.T) {
	for v, ok := range map[string]bool{"1.36.0": true, "1.37.2": true, "v2.0.0": true, "1.36.0-rc.1": true, "1.35.9": false, "1.4.0": false, "": false, "x": false} {
		if meiliVersionOK(v) != ok {
			t.Errorf("meiliVersionOK(%q) = %v", v, !ok)
		}
	}
}
