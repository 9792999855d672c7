package site

import (
	"encoding/xml"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"zhenxing"
)

func TestAmountFormats(t *testing.T) {
	for _, tt := range []struct {
		fen           zhenxing.Money
		grouped, wan  string
		share         string // of 418800 fen
		scale, scaleW string
	}{
		{0, "¥0.00", "0.00万元", "0.0%", "0", "0"},
		{5, "¥0.05", "0.00万元", "0.0%", "¥0", "0万"},
		{156000, "¥1,560.00", "0.16万元", "37.2%", "¥1,560", "0.16万"},
		{418800, "¥4,188.00", "0.42万元", "100.0%", "¥4,188", "0.42万"},
		{1_000_000, "¥10,000.00", "1.00万元", "238.8%", "¥10,000", "1万"},
		{1_500_000, "¥15,000.00", "1.50万元", "358.2%", "¥15,000", "1.5万"},
		{46_479_900, "¥464,799.00", "46.48万元", "11098.4%", "¥464,799", "46.48万"},
		{237_570_000, "¥2,375,700.00", "237.57万元", "56726.4%", "¥2,375,700", "237.57万"},
		{123_456_789_012, "¥1,234,567,890.12", "123,456.79万元", "29478698.4%", "¥1,234,567,890", "123,456.79万"},
	} {
		if got := groupedYuan(tt.fen); got != tt.grouped {
			t.Errorf("groupedYuan(%d) = %q, want %q", tt.fen, got, tt.grouped)
		}
		if got := wanYuan(tt.fen); got != tt.wan {
			t.Errorf("wanYuan(%d) = %q, want %q", tt.fen, got, tt.wan)
		}
		if got := percentOf(tt.fen, 418800); got != tt.share {
			t.Errorf("percentOf(%d, 418800) = %q, want %q", tt.fen, got, tt.share)
		}
		if got, gotW := scaleLabel(tt.fen, false), scaleLabel(tt.fen, true); got != tt.scale || gotW != tt.scaleW {
			t.Errorf("scaleLabel(%d) = %q, %q; want %q, %q", tt.fen, got, gotW, tt.scale, tt.scaleW)
		}
	}
	if got := percentOf(5, 0); got != "0.0%" {
		t.Errorf("percentOf of nothing = %q", got)
	}
	for _, tt := range []struct{ max, step zhenxing.Money }{
		{0, 100}, {1, 100}, {400, 100}, {401, 200}, {301800, 100000}, {418800, 200000}, {4_000_000, 1_000_000}, {4_000_001, 2_000_000},
	} {
		if got := niceStep(tt.max, 4); got != tt.step {
			t.Errorf("niceStep(%d) = %d, want %d", tt.max, got, tt.step)
		}
	}
}

// svgOf parses a chart as XML and returns its root's attributes and every element by name, each
// with its attributes and text.
type svgElement struct {
	attrs map[string]string
	text  string
}

func svgOf(t *testing.T, chart string) map[string][]svgElement {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(chart))
	out := map[string][]svgElement{}
	var stack []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the chart is not well-formed: %v\n%s", err, chart)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			e := svgElement{attrs: map[string]string{}}
			for _, a := range tok.Attr {
				e.attrs[a.Name.Local] = a.Value
			}
			out[tok.Name.Local] = append(out[tok.Name.Local], e)
			stack = append(stack, tok.Name.Local)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if n := len(stack); n > 0 {
				list := out[stack[n-1]]
				list[len(list)-1].text += string(tok)
			}
		}
	}
	return out
}

func texts(els []svgElement) []string {
	var out []string
	for _, e := range els {
		out = append(out, e.text)
	}
	return out
}

func TestBarChart(t *testing.T) {
	chart := string(barChartSVG("按产地统计的销售额", []chartBar{{"略阳县", 262800}, {"灞桥区", 156000}, {"<甲&乙>", 0}}))
	svg := svgOf(t, chart)
	root := svg["svg"][0].attrs
	label := "按产地统计的销售额：略阳县 ¥2,628.00，灞桥区 ¥1,560.00，<甲&乙> ¥0.00。"
	if root["role"] != "img" || root["aria-label"] != label || svg["title"][0].text != label {
		t.Errorf("accessible name: role %q, aria-label %q, title %q; want img and %q", root["role"], root["aria-label"], svg["title"][0].text, label)
	}
	if root["viewBox"] != "0 0 600 200" || strings.Contains(chart, ` width="600"`) {
		t.Errorf("viewBox %q: the chart must scale with the page, without a fixed width", root["viewBox"])
	}
	var widths []string
	for _, r := range svg["rect"] {
		widths = append(widths, r.attrs["width"])
	}
	// The largest bar spans the chart less the room for its amount; nothing is drawn for 0.
	if strings.Join(widths, " ") != "450 267" {
		t.Errorf("bar widths %v, want 450 267", widths)
	}
	if got := strings.Join(texts(svg["text"]), "|"); got != "略阳县|¥2,628.00|灞桥区|¥1,560.00|<甲&乙>|¥0.00" {
		t.Errorf("texts %s", got)
	}

	// Ten thousand yuan and more: every amount of the chart in 万元.
	svg = svgOf(t, string(barChartSVG("按品类", []chartBar{{"樱桃", 2_500_000}, {"茶叶", 30600}})))
	if got := strings.Join(texts(svg["text"]), "|"); got != "樱桃|2.50万元|茶叶|0.03万元" {
		t.Errorf("texts %s, want the amounts in 万元", got)
	}
}

func TestColumnChart(t *testing.T) {
	cols := []chartColumn{{"2026年8月", "8月", "2026年", 117000}, {"2026年9月", "9月", "", 301800}, {"2026年10月", "10月", "", 0}, {"2026年11月", "11月", "", 12399}}
	svg := svgOf(t, string(columnChartSVG("按月统计的销售额", cols)))
	if svg["svg"][0].attrs["role"] != "img" || svg["svg"][0].attrs["aria-label"] != "按月统计的销售额：2026年8月 ¥1,170.00，2026年9月 ¥3,018.00，2026年10月 ¥0.00，2026年11月 ¥123.99。" {
		t.Errorf("aria-label %q", svg["svg"][0].attrs["aria-label"])
	}
	if n := len(svg["rect"]); n != 3 {
		t.Errorf("%d columns drawn, want 3 (none for October)", n)
	}
	if n := len(svg["line"]); n != 5 {
		t.Errorf("%d grid lines, want 5", n)
	}
	want := "0|¥1,000|¥2,000|¥3,000|¥4,000|¥1,170.00|8月|2026年|¥3,018.00|9月|10月|¥123.99|11月"
	if got := strings.Join(texts(svg["text"]), "|"); got != want {
		t.Errorf("texts\n%s\nwant\n%s", got, want)
	}
	// The tallest column reaches the top of the scale in proportion: 301800 of 400000.
	heights := map[string]int{}
	for _, r := range svg["rect"] {
		h, _ := strconv.Atoi(r.attrs["height"])
		heights[r.attrs["x"]] = h
	}
	if h := heights["245"]; h != 301800*248/400000 {
		t.Errorf("column heights %v, want September %d high", heights, 301800*248/400000)
	}

	// Thirty months: the latest 24, labelled every other month, without amounts above them.
	var many []chartColumn
	for i := range 30 {
		many = append(many, chartColumn{Name: strconv.Itoa(i), Label: strconv.Itoa(i%12+1) + "月", Value: zhenxing.Money(1_000_000 * (i + 1))})
	}
	many[24].Sub = "2027年"
	chart := string(columnChartSVG("最近 24 个月的销售额", many))
	svg = svgOf(t, chart)
	if n := len(svg["rect"]); n != 24 {
		t.Errorf("%d columns, want the latest 24", n)
	}
	labels := texts(svg["text"])
	if got := strings.Join(labels[:5], "|"); got != "0|10万|20万|30万|40万" {
		t.Errorf("scale %s, want 0 to 40万", got)
	}
	if regexp.MustCompile(`万元`).MatchString(strings.Join(labels, "")) {
		t.Errorf("amounts above 24 columns: %v", labels)
	}
	if got := strings.Join(labels[5:], "|"); got != "7月|9月|11月|1月|3月|5月|7月|9月|11月|1月|2027年|3月|5月" {
		t.Errorf("labels %s", got)
	}
}
