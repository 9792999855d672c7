package zhtext

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFix(t *testing.T) {
	tests := []struct {
		in, want string
		kind     Kind
	}{
		{"全区共完成销售,2022年销售额237.57万元。", "全区共完成销售\uff0c2022年销售额237.57万元。", Text},
		{"各街道办事处,区级有关部门:", "各街道办事处\uff0c区级有关部门\uff1a", Text},
		{"**特点**:果肉翠绿", "**特点**\uff1a果肉翠绿", Text},
		{"报名时间:2026年11月5日;咨询电话:029-83510000", "报名时间\uff1a2026年11月5日\uff1b咨询电话\uff1a029-83510000", Text},
		{"真的吗?好!", "真的吗\uff1f好\uff01", Text},
		{"\"第 %d %s,%s 列\"", "\"第 %d %s\uff0c%s 列\"", Text},
		{"新建 0,更新 2", "新建 0\uff0c更新 2", Text},
		{"专场招聘会(2026年冬季)", "专场招聘会\uff082026年冬季\uff09", Text},
		{"(一)工作情况", "\uff08一\uff09工作情况", Text},
		{"导入商品（CSV 或 JSON,全部成功）", "导入商品（CSV 或 JSON\uff0c全部成功）", Text},
		{"导出为 CSV(默认输出到标准输出)", "导出为 CSV\uff08默认输出到标准输出\uff09", Text},
		{"Go (1.26) and fmt.Println(x), not Chinese", "Go (1.26) and fmt.Println(x), not Chinese", Text},
		{"\tSpec string // 规格, e.g. 500克/袋", "\tSpec string // 规格, e.g. 500克/袋", Go},
		{"\tmsg := \"单价,分\" // 单价: price", "\tmsg := \"单价\uff0c分\" // 单价: price", Go},
		{"\turl := \"http://x.cn\" + \"说明,见下\"", "\turl := \"http://x.cn\" + \"说明\uff0c见下\"", Go},
		{"网址:https://example.cn/a", "网址\uff1ahttps://example.cn/a", Text},
		{"keywords: [脱贫群众, 增收]", "keywords: [脱贫群众, 增收]", Text},
		{"contact: {name: 李女士, phone: 029-83510000}", "contact: {name: 李女士, phone: 029-83510000}", Text},
		{"time: 09:00, price: 16800, url: http://x.cn/a,b", "time: 09:00, price: 16800, url: http://x.cn/a,b", Text},
		{`fmt.Sprintf("%s(%s)", a, b) // no Chinese`, `fmt.Sprintf("%s(%s)", a, b) // no Chinese`, Text},
		{`call("中文")`, `call("中文")`, Text},
		{"现行规定见{{end}}:<a href", "现行规定见{{end}}\uff1a<a href", HTML},
		{"在售产品({{$s.Products}} 种)", "在售产品\uff08{{$s.Products}} 种\uff09", HTML},
		{`{{if (eq .X "中文")}}`, `{{if (eq .X "中文")}}`, HTML},
	}
	for _, tt := range tests {
		if got := Fix(tt.in, tt.kind); got != tt.want {
			t.Errorf("Fix(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestSourcesUseFullWidthPunctuation fails on every line of the content, templates, seed data
// and (non-test) Go sources that Fix would change: run
// go run ./internal/zhtext/zhpunct FILES to fix them.
func TestSourcesUseFullWidthPunctuation(t *testing.T) {
	root := moduleRoot(t)
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || rel == "internal/zhtext" || rel == "bin" {
				return filepath.SkipDir
			}
			return nil
		}
		html := strings.HasSuffix(rel, ".html") && strings.HasPrefix(rel, "site/templates/")
		kind := KindOf(rel)
		source := (strings.HasSuffix(rel, ".go") && !strings.HasSuffix(rel, "_test.go")) ||
			(strings.HasSuffix(rel, ".md") && (strings.HasPrefix(rel, "content/docs/") || strings.HasPrefix(rel, "content/events/"))) ||
			(strings.HasSuffix(rel, ".json") && strings.HasPrefix(rel, "catalog/seed/")) || html
		if !source {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		for i, line := range strings.SplitAfter(string(data), "\n") {
			if fixed := Fix(line, kind); fixed != line {
				t.Errorf("%s:%d: ASCII punctuation in Chinese text:\n  %s  want\n  %s", rel, i+1, strings.TrimSpace(line), strings.TrimSpace(fixed))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("checked only %d files", checked)
	}
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
}
