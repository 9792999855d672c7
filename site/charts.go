package site

import (
	"html/template"
	"strconv"
	"strings"

	"zhenxing"
)

// Charts drawn on the server as inline SVG: no script, no image request, scaled by the viewBox to
// the width of the page. Every chart is a picture (role="img") named by its aria-label and
// <title>; the page puts a table with the same figures beside it, so that it reads without the
// picture. Colours are classes of site.css (the accent for bars, the text and line colours of the
// page), which the high-contrast mode restyles; the presentation attributes are the same colours
// for a reader that shows the SVG without the stylesheet.

// chartBar is one bar: a label and an amount.
type chartBar struct {
	Label string
	Value zhenxing.Money
}

// chartColumn is one column of a column chart: its full name for the accessible name of the
// chart (e.g. 2026年8月), a label under it (8月), a second line under the label when not empty
// (2026年), and an amount.
type chartColumn struct {
	Name  string
	Label string
	Sub   string
	Value zhenxing.Money
}

const (
	chartWidth   = 600
	chartFont    = 20 // about 11px on a phone, 20px at the largest
	barRowHeight = 64
	barRoom      = 150 // right of the longest bar, for its amount
)

// barChartSVG draws a horizontal bar per entry, largest amount the longest: the label above the
// bar, the amount after it. title names the chart for assistive technology.
func barChartSVG(title string, bars []chartBar) template.HTML {
	var maxV zhenxing.Money
	for _, b := range bars {
		maxV = max(maxV, b.Value)
	}
	wan := maxV >= wanFen
	height := len(bars)*barRowHeight + 8
	var b strings.Builder
	svgOpen(&b, "chart chart-bars", height, title, chartSummary(bars, wan))
	span := chartWidth - barRoom
	for i, bar := range bars {
		top := i*barRowHeight + 4
		svgText(&b, "chart-text", 0, top+21, "start", bar.Label)
		w := 0
		if maxV > 0 {
			w = int(int64(bar.Value) * int64(span) / int64(maxV))
		}
		if bar.Value > 0 {
			w = max(w, 2)
			b.WriteString(`<rect class="chart-bar" fill="#9e1b1b" x="0" y="` + itoa(top+30) + `" width="` + itoa(w) + `" height="24"/>`)
		}
		svgText(&b, "chart-value", w+8, top+49, "start", chartAmount(bar.Value, wan))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// maxChartColumns is how many columns a column chart shows at most: the latest ones. With up
// to maxValuedColumns, each shows its amount above it.
const maxChartColumns, maxValuedColumns = 24, 5

// columnChartSVG draws a vertical column per entry, in order, over a scale of four steps, with
// the amount above each column when there are few of them.
func columnChartSVG(title string, cols []chartColumn) template.HTML {
	if len(cols) > maxChartColumns {
		cols = cols[len(cols)-maxChartColumns:]
	}
	const height, left, right, top, bottom = 340, 96, 8, 28, 64
	var maxV zhenxing.Money
	bars := make([]chartBar, len(cols))
	for i, c := range cols {
		maxV = max(maxV, c.Value)
		bars[i] = chartBar{c.Name, c.Value}
	}
	step := niceStep(maxV, 4)
	scaleMax := step * 4
	wan := scaleMax >= wanFen
	var b strings.Builder
	svgOpen(&b, "chart chart-columns", height, title, chartSummary(bars, maxV >= wanFen))
	plotW, plotH := chartWidth-left-right, height-top-bottom
	base := top + plotH
	for i := 0; i <= 4; i++ {
		y := base - i*plotH/4
		b.WriteString(`<line class="chart-grid" stroke="#c9ced4" x1="` + itoa(left) + `" x2="` + itoa(chartWidth-right) +
			`" y1="` + itoa(y) + `" y2="` + itoa(y) + `"/>`)
		svgText(&b, "chart-text", left-8, y+7, "end", scaleLabel(step*zhenxing.Money(i), wan))
	}
	slot := plotW / max(len(cols), 1)
	every := (len(cols) + 11) / 12 // label at most twelve columns
	for i, c := range cols {
		x := left + i*slot
		colW := max(slot*3/5, 2)
		cx := x + slot/2
		if c.Value > 0 {
			h := max(int(int64(c.Value)*int64(plotH)/int64(scaleMax)), 1)
			b.WriteString(`<rect class="chart-bar" fill="#9e1b1b" x="` + itoa(cx-colW/2) + `" y="` + itoa(base-h) +
				`" width="` + itoa(colW) + `" height="` + itoa(h) + `"/>`)
			if len(cols) <= maxValuedColumns {
				svgText(&b, "chart-value", cx, base-h-8, "middle", chartAmount(c.Value, maxV >= wanFen))
			}
		}
		if i%every == 0 || c.Sub != "" {
			svgText(&b, "chart-text", cx, base+26, "middle", c.Label)
		}
		if c.Sub != "" {
			svgText(&b, "chart-text", cx, base+52, "middle", c.Sub)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// svgOpen starts an SVG picture of the chart width and the height with its accessible name.
func svgOpen(b *strings.Builder, class string, height int, title, summary string) {
	label := title + "：" + summary
	b.WriteString(`<svg class="` + class + `" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ` + itoa(chartWidth) + ` ` + itoa(height) +
		`" role="img" aria-label="` + template.HTMLEscapeString(label) + `" font-size="` + itoa(chartFont) + `">`)
	b.WriteString(`<title>` + template.HTMLEscapeString(label) + `</title>`)
}

func svgText(b *strings.Builder, class string, x, y int, anchor, text string) {
	b.WriteString(`<text class="` + class + `" fill="#1f2328" x="` + itoa(x) + `" y="` + itoa(y) + `"`)
	if anchor != "start" {
		b.WriteString(` text-anchor="` + anchor + `"`)
	}
	b.WriteString(`>` + template.HTMLEscapeString(text) + `</text>`)
}

// chartSummary is every label with its amount, for the accessible name of a chart.
func chartSummary(bars []chartBar, wan bool) string {
	parts := make([]string, len(bars))
	for i, bar := range bars {
		parts[i] = bar.Label + " " + chartAmount(bar.Value, wan)
	}
	return strings.Join(parts, "，") + "。"
}

func itoa(n int) string { return strconv.Itoa(n) }

// wanFen is ten thousand yuan (1万元) in fen.
const wanFen = zhenxing.Money(1_000_000)

// chartAmount is an amount as a chart shows it: in 万元 with two decimals when wan, else in
// yuan with thousands separators.
func chartAmount(m zhenxing.Money, wan bool) string {
	if wan {
		return wanYuan(m)
	}
	return groupedYuan(m)
}

// wanYuan writes an amount in 万元, rounded to two decimals: 46479900 → "46.48万元".
func wanYuan(m zhenxing.Money) string {
	hundredths := (int64(m) + 5000) / 10000 // hundredths of 万元 are hundreds of yuan
	return groupDigits(hundredths/100) + "." + twoDigitString(hundredths%100) + "万元"
}

// groupedYuan writes an amount as a price with thousands separators: 1234567 → "¥12,345.67".
func groupedYuan(m zhenxing.Money) string {
	n := int64(m)
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	return sign + "¥" + groupDigits(n/100) + "." + twoDigitString(n%100)
}

// scaleLabel is a label of a chart's scale: whole or decimal 万 when wan ("1.5万"), else yuan;
// "0" at the foot.
func scaleLabel(m zhenxing.Money, wan bool) string {
	if m == 0 {
		return "0"
	}
	if !wan {
		y := groupedYuan(m)
		return y[:len(y)-3]
	}
	w := wanYuan(m)
	w = strings.TrimSuffix(w, "万元")
	w = strings.TrimSuffix(strings.TrimSuffix(w, "0"), ".0")
	return w + "万"
}

// niceStep is the smallest step of 1, 2 or 5 times a power of ten, in whole yuan at least, such
// that steps of it reach maxV.
func niceStep(maxV zhenxing.Money, steps int) zhenxing.Money {
	raw := (int64(maxV) + int64(steps) - 1) / int64(steps)
	for mag := int64(100); ; mag *= 10 {
		for _, f := range []int64{1, 2, 5} {
			if f*mag >= raw {
				return zhenxing.Money(f * mag)
			}
		}
	}
}

func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func twoDigitString(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}
