package search

import (
	"strings"
	"testing"
)

func TestHighlight(t *testing.T) {
	long := strings.Repeat("这是与查询无关的一段文字。", 100) + "白鹿原的櫻桃在五月上市，樱桃节同期举办。" + strings.Repeat("后文。", 100)
	for _, c := range []struct {
		text   string
		terms  []string
		window int
		want   string // the spans, marks in [ ]
	}{
		{"白鹿原大樱桃", []string{"樱桃"}, 0, "白鹿原大[樱桃]"},
		{"灞乡振发〔2022〕3号", []string{"灞乡振发", "2022", "3号"}, 0, "[灞乡振发]〔[2022]〕[3号]"},
		{"ＡＢＣ樱桃abc", []string{"abc"}, 0, "[ＡＢＣ]樱桃[abc]"},
		{"<script>樱桃</script>", []string{"樱桃"}, 0, "<script>[樱桃]</script>"},
		{"没有匹配的文字", []string{"樱桃"}, 4, "没有匹配…"},
		{long, []string{"樱桃", "五月"}, 20, "…白鹿原的[櫻桃]在[五月]上市，[樱桃]节同期举办。…"},
	} {
		var b strings.Builder
		for _, s := range Highlight(c.text, c.terms, c.window) {
			if s.Mark {
				b.WriteString("[" + s.Text + "]")
			} else {
				b.WriteString(s.Text)
			}
		}
		if got := b.String(); got != c.want {
			t.Errorf("Highlight(%.20q, %q, %d) = %q, want %q", c.text, c.terms, c.window, got, c.want)
		}
	}
}

func TestPlainMarkdown(t *testing.T) {
	for md, want := range map[string]string{
		"- **产地**：灞桥区狄寨街道\n- **特点**：果大味甜":  "产地：灞桥区狄寨街道\n特点：果大味甜",
		"## 储存\n到货后 `0–4℃` 冷藏":             "储存\n到货后 0–4℃ 冷藏",
		"详见[合作社介绍](https://example.cn/a)。": "详见合作社介绍。",
		"[未闭合的括号":                          "[未闭合的括号",
	} {
		if got := plainMarkdown(md); got != want {
			t.Errorf("plainMarkdown(%q) = %q, want %q", md, got, want)
		}
	}
}
