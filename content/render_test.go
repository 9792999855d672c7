package content

import (
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	tests := []struct {
		name    string
		source  string
		want    []string
		notWant []string
	}{
		{
			name:    "line break after full-width punctuation leaves no space",
			source:  "全区共完成消费帮扶产品销售，\n2022年销售额237.57万元。\n下一段落继续。",
			want:    []string{"<p>全区共完成消费帮扶产品销售，2022年销售额237.57万元。下一段落继续。</p>"},
			notWant: []string{",\n2022", ", 2022"},
		},
		{
			name:   "heading IDs keep Chinese characters",
			source: "## 一、2022年工作总结\n\n### （一）工作情况\n\n## 一、2022年工作总结\n\n## Work Plan 2023",
			want: []string{
				`<h2 id="一2022年工作总结">`, `<h3 id="一工作情况">`, `<h2 id="一2022年工作总结-1">`, `<h2 id="work-plan-2023">`,
			},
		},
		{
			name:   "tables",
			source: "| 指标 | 数值 |\n|---|---:|\n| 衔接资金 | 2600万元 |\n",
			want:   []string{"<table>", "<th>指标</th>", `<td style="text-align:right">2600万元</td>`},
		},
		{
			name:   "footnotes are prefixed with the document",
			source: "两不愁三保障[^1]。\n\n[^1]: 不愁吃、不愁穿，义务教育、基本医疗、住房安全有保障。",
			want:   []string{`id="doc-fnref:1"`, `href="#doc-fn:1"`, `id="doc-fn:1"`},
		},
		{
			name:    "raw HTML is not rendered",
			source:  "段落<script>alert(1)</script>\n\n<div onclick=\"x()\">块</div>\n\n<img src=x onerror=alert(1)>",
			notWant: []string{"<script", "<div", "onclick", "<img", "onerror"},
		},
		{
			name:    "javascript links are not rendered",
			source:  "[点我](javascript:alert(1)) [再点](JAVASCRIPT:alert(2)) ![图](javascript:alert(3))",
			want:    []string{"点我"},
			notWant: []string{"javascript:", "JAVASCRIPT:"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := render("doc", []byte(tt.source), 1)
			if err != nil {
				t.Fatal(err)
			}
			html := string(r.HTML)
			for _, w := range tt.want {
				if !strings.Contains(html, w) {
					t.Errorf("html lacks %q:\n%s", w, html)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(html, w) {
					t.Errorf("html contains %q:\n%s", w, html)
				}
			}
		})
	}
}

func TestRenderPlainText(t *testing.T) {
	r, err := render("doc", []byte("## 标题\n\n第一段**加粗**文字。\n\n- 条目一\n- 条目二\n"), 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"标题", "第一段加粗文字。", "条目一", "条目二"} {
		if !strings.Contains(r.Text, w) {
			t.Errorf("text %q lacks %q", r.Text, w)
		}
	}
	if strings.Contains(r.Text, "**") || strings.Contains(r.Text, "<") {
		t.Errorf("text keeps markup: %q", r.Text)
	}
}
