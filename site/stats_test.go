package site

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing/catalog"
	"zhenxing/internal/testdb"
)

// statsOrder is an order of the statistics tests: its organisation, state, the fen refunded, the
// date of its payment ("" for none) and its lines (a product of the sample catalogue, a quantity).
type statsOrder struct {
	org      string
	state    string
	refunded int64
	paidOn   string
	lines    map[string]int
}

// statsOrders are orders in every state. Those that count:
//
//	甲 嘉陵源 paid      162000 - 16200 = 145800 (中药材 115200, 茶叶 30600), paid 2026-09-03
//	甲 狄寨   received  156000 (樱桃), paid 2026-09-03
//	乙 白水江 invoiced  117000 (菌菇), paid 2026-08-31
//
// total 418800: 略阳县 262800, 灞桥区 156000; and those that do not: 甲's refunded order paid in
// October, 乙's unpaid order, 丙's cancelled and awaiting-approval orders.
var statsOrders = []statsOrder{
	{"甲工会", "paid", 16200, "2026-09-03", map[string]int{"lueyang-tianma-slices": 10, "lueyang-eucommia-flower-tea": 5}},
	{"甲工会", "received", 0, "2026-09-03", map[string]int{"bailuyuan-hongdeng-cherry-1kg": 20}},
	{"乙工会", "invoiced", 0, "2026-08-31", map[string]int{"lueyang-black-fungus-250g": 30}},
	{"甲工会", "refunded", 64000, "2026-10-10", map[string]int{"lueyang-black-chicken": 5}},
	{"乙工会", "unpaid", 0, "", map[string]int{"lueyang-walnuts": 10}},
	{"丙工会", "cancelled", 0, "", map[string]int{"lueyang-tianma-gift": 10}},
	{"丙工会", "approval", 0, "", map[string]int{"heihe-potatoes": 100}},
}

// statsCatalog is the sample catalogue with three approved organisations and the orders, each in
// a checkout of its own and, when it has a payment date, paid by a bank transfer.
func statsCatalog(t *testing.T, orders []statsOrder) *catalog.Catalog {
	t.Helper()
	pool := testdb.New(t)
	ctx := context.Background()
	cat := catalog.New(pool, catalog.Config{})
	if _, err := cat.Seed(ctx, catalog.SeedFS()); err != nil {
		t.Fatalf("seed: %v", err)
	}
	for i, name := range []string{"甲工会", "乙工会", "丙工会"} {
		mustExec(t, pool, `INSERT INTO organizations (name, credit_code, contact_name, contact_phone, status)
			VALUES ($1, $2, '联系人', '029-00000000', 'approved')`, name, fmt.Sprintf("81610111MA6T00000%d", i))
	}
	addStatsOrders(t, pool, 0, orders)
	return cat
}

// addStatsOrders writes the orders, numbered from first on.
func addStatsOrders(t *testing.T, pool *pgxpool.Pool, first int, orders []statsOrder) {
	t.Helper()
	ctx := context.Background()
	for i, o := range orders {
		i += first
		var checkout, id int64
		var product string
		for slug := range o.lines {
			product = slug
		}
		if err := pool.QueryRow(ctx, `INSERT INTO checkouts (organization_id, reference, total)
			SELECT id, $2, 0 FROM organizations WHERE name = $1 RETURNING id`, o.org, fmt.Sprintf("REF%04d", i)).Scan(&checkout); err != nil {
			t.Fatalf("checkout %d: %v", i, err)
		}
		if err := pool.QueryRow(ctx, `INSERT INTO orders (number, checkout_id, organization_id, supplier_id, state, total,
				recipient, phone, address, invoice)
			SELECT $1, c.id, c.organization_id, p.supplier_id, $4, 0, '收货人', '13800000000', '西安市灞桥区', '{}'
			FROM checkouts c, products p WHERE c.id = $2 AND p.slug = $3 RETURNING id`,
			fmt.Sprintf("XF20260901-%06d", i+1), checkout, product, o.state).Scan(&id); err != nil {
			t.Fatalf("order %d: %v", i, err)
		}
		for slug, qty := range o.lines {
			mustExec(t, pool, `INSERT INTO order_lines (order_id, product_id, name, spec, unit, quantity, unit_price, total)
				SELECT $1, id, name, spec, unit, $3::integer, price, price * $3::integer FROM products WHERE slug = $2`, id, slug, qty)
		}
		mustExec(t, pool, `UPDATE orders SET total = (SELECT sum(total) FROM order_lines WHERE order_id = $1), refunded = $2 WHERE id = $1`, id, o.refunded)
		mustExec(t, pool, `UPDATE checkouts SET total = (SELECT total FROM orders WHERE id = $2) WHERE id = $1`, checkout, id)
		if o.paidOn != "" {
			mustExec(t, pool, `WITH p AS (
					INSERT INTO payments (checkout_id, method, amount, paid_on, bank_reference)
					SELECT $1, 'transfer', total, $3, $4 FROM orders WHERE id = $2 RETURNING id, amount)
				INSERT INTO payment_orders (payment_id, order_id, amount) SELECT id, $2, amount FROM p`,
				checkout, id, o.paidOn, fmt.Sprintf("BANK%04d", i))
		}
	}
}

func mustExec(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	if _, err := pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// statsServer is a site on the catalogue.
func statsServer(t *testing.T, cat *catalog.Catalog) *Server {
	t.Helper()
	return mustServer(t, func(_ *Config, d *Deps) { useCatalog(d, cat) })
}

// tableRows are the rows of the table with the caption, each as its cells' text.
func tableRows(t *testing.T, body, caption string) [][]string {
	t.Helper()
	i := strings.Index(body, "<caption>"+caption+"</caption>")
	if i < 0 {
		t.Fatalf("no table %q", caption)
	}
	table := body[i:]
	table = table[:strings.Index(table, "</table>")]
	var rows [][]string
	tags := regexp.MustCompile(`<[^>]+>`)
	for _, tr := range regexp.MustCompile(`(?s)<tr>(.*?)</tr>`).FindAllStringSubmatch(table, -1) {
		if strings.Contains(tr[1], `scope="col"`) {
			continue
		}
		var cells []string
		for _, cell := range regexp.MustCompile(`(?s)<t[hd][^>]*>(.*?)</t[hd]>`).FindAllStringSubmatch(tr[1], -1) {
			cells = append(cells, strings.TrimSpace(tags.ReplaceAllString(cell[1], "")))
		}
		rows = append(rows, cells)
	}
	return rows
}

func TestStatsPage(t *testing.T) {
	s := statsServer(t, statsCatalog(t, statsOrders))
	res := get(t, s, "/hall/stats")
	hallStatus(t, "/hall/stats", res, http.StatusOK)
	mustContain(t, res.Body,
		"<title>销售统计 - ", `aria-current="page">消费帮扶馆</a>`,
		`<li><a href="/">首页</a></li><li><a href="/hall/">消费帮扶馆</a></li><li><span aria-current="page">销售统计</span></li>`,
		"<dt>累计销售额</dt><dd>¥4,188.00</dd>", "<dt>已付款订单</dt><dd>3 笔</dd>", "<dt>采购单位</dt><dd>2 家</dd>",
		"<dt>供应商</dt><dd>3 家</dd>", "<dt>带动农户</dt><dd>882 户</dd>", // 412 + 312 + 158
		"统计截至 2026年11月28日 10:00",
		`role="img" aria-label="按产地统计的销售额：略阳县 ¥2,628.00，灞桥区 ¥1,560.00。"`,
		"<title>按产地统计的销售额：略阳县 ¥2,628.00，灞桥区 ¥1,560.00。</title>",
	)
	if n := strings.Count(res.Body, `<svg class="chart`); n != 4 {
		t.Errorf("%d charts, want 4", n)
	}
	for _, absent := range []string{"鸿源乌鸡", "山里红干果", "黑河镇山货", "¥640.00", "暂无销售统计"} {
		if strings.Contains(res.Body, absent) {
			t.Errorf("the page shows %q, of an order that does not count", absent)
		}
	}
	for _, tt := range []struct {
		caption string
		want    [][]string
	}{
		{"按产地统计的销售额", [][]string{{"略阳县", "¥2,628.00", "62.8%", "2 笔"}, {"灞桥区", "¥1,560.00", "37.2%", "1 笔"}}},
		{"按供应商统计的销售额", [][]string{
			{"西安市灞桥区狄寨白鹿原樱桃专业合作社", "灞桥区", "312 户", "¥1,560.00", "37.2%", "1 笔"},
			{"略阳县嘉陵源中药材有限公司", "略阳县", "412 户", "¥1,458.00", "34.8%", "1 笔"},
			{"略阳县白水江镇秦岭山珍食用菌专业合作社", "略阳县", "158 户", "¥1,170.00", "27.9%", "1 笔"},
		}},
		{"按品类统计的销售额", [][]string{
			{"樱桃", "¥1,560.00", "37.2%", "1 笔"}, {"菌菇", "¥1,170.00", "27.9%", "1 笔"},
			{"中药材", "¥1,152.00", "27.5%", "1 笔"}, {"茶叶", "¥306.00", "7.3%", "1 笔"},
		}},
		{"按付款月份统计的销售额", [][]string{{"2026年8月", "¥1,170.00", "27.9%", "1 笔"}, {"2026年9月", "¥3,018.00", "72.1%", "2 笔"}}},
	} {
		if got := tableRows(t, res.Body, tt.caption); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s:\n%v\nwant\n%v", tt.caption, got, tt.want)
		}
	}
	mustContain(t, res.Body, `<a href="/hall/suppliers/jialingyuan-herbs">略阳县嘉陵源中药材有限公司</a>`)

	for _, page := range []string{"/", "/hall/"} {
		res := get(t, s, page)
		hallStatus(t, page, res, http.StatusOK)
		mustContain(t, res.Body, "累计销售额 <strong>¥4,188.00</strong>，<strong>2</strong> 家采购单位参与采购。", `href="/hall/stats"`)
	}
}

func TestStatsAPI(t *testing.T) {
	s := statsServer(t, statsCatalog(t, statsOrders))
	res := get(t, s, "/api/v1/stats")
	hallStatus(t, "/api/v1/stats", res, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(res.Body), &got); err != nil {
		t.Fatalf("%v\n%s", err, res.Body)
	}
	want := map[string]any{
		"total": 418800.0, "total_yuan": "4188.00", "orders": 3.0, "buyers": 2.0, "households": 882.0,
		"by_county": []any{
			map[string]any{"name": "略阳县", "amount": 262800.0, "amount_yuan": "2628.00", "orders": 2.0},
			map[string]any{"name": "灞桥区", "amount": 156000.0, "amount_yuan": "1560.00", "orders": 1.0},
		},
		"by_supplier": []any{
			map[string]any{"slug": "dizhai-cherry-coop", "name": "西安市灞桥区狄寨白鹿原樱桃专业合作社", "url": "http://localhost:8080/hall/suppliers/dizhai-cherry-coop",
				"county": "灞桥区", "households": 312.0, "amount": 156000.0, "amount_yuan": "1560.00", "orders": 1.0},
			map[string]any{"slug": "jialingyuan-herbs", "name": "略阳县嘉陵源中药材有限公司", "url": "http://localhost:8080/hall/suppliers/jialingyuan-herbs",
				"county": "略阳县", "households": 412.0, "amount": 145800.0, "amount_yuan": "1458.00", "orders": 1.0},
			map[string]any{"slug": "baishuijiang-fungus-coop", "name": "略阳县白水江镇秦岭山珍食用菌专业合作社", "url": "http://localhost:8080/hall/suppliers/baishuijiang-fungus-coop",
				"county": "略阳县", "households": 158.0, "amount": 117000.0, "amount_yuan": "1170.00", "orders": 1.0},
		},
		"by_category": []any{
			map[string]any{"name": "樱桃", "amount": 156000.0, "amount_yuan": "1560.00", "orders": 1.0},
			map[string]any{"name": "菌菇", "amount": 117000.0, "amount_yuan": "1170.00", "orders": 1.0},
			map[string]any{"name": "中药材", "amount": 115200.0, "amount_yuan": "1152.00", "orders": 1.0},
			map[string]any{"name": "茶叶", "amount": 30600.0, "amount_yuan": "306.00", "orders": 1.0},
		},
		"by_month": []any{
			map[string]any{"month": "2026-08", "amount": 117000.0, "amount_yuan": "1170.00", "orders": 1.0},
			map[string]any{"month": "2026-09", "amount": 301800.0, "amount_yuan": "3018.00", "orders": 2.0},
		},
		"as_of": "2026-11-28T10:00:00+08:00",
	}
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("/api/v1/stats\n%s\nwant\n%s", gotJSON, wantJSON)
	}
}

func TestStatsWithoutPaidOrders(t *testing.T) {
	s := statsServer(t, statsCatalog(t, statsOrders[3:])) // refunded, unpaid, cancelled, awaiting approval
	res := get(t, s, "/hall/stats")
	hallStatus(t, "/hall/stats", res, http.StatusOK)
	mustContain(t, res.Body, "目前还没有已付款的订单，暂无销售统计。")
	for _, absent := range []string{"<svg", "<table", "<dt>累计销售额</dt>"} {
		if strings.Contains(res.Body, absent) {
			t.Errorf("the page without paid orders shows %q", absent)
		}
	}
	for _, page := range []string{"/", "/hall/"} {
		res := get(t, s, page)
		hallStatus(t, page, res, http.StatusOK)
		mustContain(t, res.Body, "尚无已付款的订单。", `href="/hall/stats"`)
	}
	res = get(t, s, "/api/v1/stats")
	hallStatus(t, "/api/v1/stats", res, http.StatusOK)
	for _, want := range []string{`"total":0,`, `"total_yuan":"0.00"`, `"buyers":0,`, `"households":0,`,
		`"by_county":[]`, `"by_supplier":[]`, `"by_category":[]`, `"by_month":[]`} {
		mustContain(t, res.Body, want)
	}
}

// TestStatsCache: with HALL_CACHE_TTL the figures are read once for the TTL, on every page that
// shows them; without, each request reads them.
func TestStatsCache(t *testing.T) {
	cat := statsCatalog(t, statsOrders[:1])
	cached := mustServer(t, func(c *Config, d *Deps) { useCatalog(d, cat); c.HallCacheTTL = time.Hour })
	uncached := statsServer(t, cat)
	mustContain(t, get(t, cached, "/hall/stats").Body, "<dt>累计销售额</dt><dd>¥1,458.00</dd>")
	addStatsOrders(t, cat.Pool(), len(statsOrders), statsOrders[1:2])
	mustContain(t, get(t, cached, "/hall/stats").Body, "<dt>累计销售额</dt><dd>¥1,458.00</dd>")
	mustContain(t, get(t, cached, "/").Body, "累计销售额 <strong>¥1,458.00</strong>，<strong>1</strong> 家")
	mustContain(t, get(t, cached, "/api/v1/stats").Body, `"total":145800,`)
	mustContain(t, get(t, uncached, "/hall/stats").Body, "<dt>累计销售额</dt><dd>¥3,018.00</dd>")
	mustContain(t, get(t, uncached, "/api/v1/stats").Body, `"total":301800,`)
}

// TestStatsDatabaseDown: without the database the statistics answer 503, the home page 200
// without the running total.
func TestStatsDatabaseDown(t *testing.T) {
	s := mustServer(t)
	res := get(t, s, "/")
	hallStatus(t, "/", res, http.StatusOK)
	for _, absent := range []string{"累计销售额", "尚无已付款的订单", "/hall/stats"} {
		if strings.Contains(res.Body, absent) {
			t.Errorf("the home page without a database shows %q", absent)
		}
	}
	for _, target := range []string{"/hall/stats", "/api/v1/stats"} {
		res := get(t, s, target)
		hallStatus(t, target, res, http.StatusServiceUnavailable)
	}
}

// TestBrowserStats opens the statistics page in both display modes, on a desktop and on a phone:
// no script, the text and the charts' bars and labels in contrast with the ground, nothing wider
// than a 375px screen.
func TestBrowserStats(t *testing.T) {
	base, ctx := chromium(t, statsServer(t, statsCatalog(t, statsOrders)))
	// chartColours is, for the first bar and the first label of each chart, the contrast ratio of
	// its fill against the first opaque background behind the chart.
	const chartColours = `(() => {
  const parse = c => { const m = c.match(/[\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const bg = el => { for (; el; el = el.parentElement) { const c = parse(getComputedStyle(el).backgroundColor); if (c.a > 0.99) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
  const out = [];
  for (const svg of document.querySelectorAll('svg.chart')) {
    const ground = lum(bg(svg));
    for (const sel of ['.chart-bar', '.chart-text']) {
      const a = lum(parse(getComputedStyle(svg.querySelector(sel)).fill));
      out.push({sel: sel, text: svg.getAttribute('aria-label').slice(0, 12), ratio: (Math.max(a, ground) + 0.05) / (Math.min(a, ground) + 0.05)});
    }
  }
  return out;
})()`
	for _, mode := range []struct {
		name, cookie string
		least        float64
	}{{"standard", "", 4.5}, {"high contrast", "contrast=high", 7}} {
		if mode.cookie != "" {
			run(t, ctx, chromedp.Navigate(base+"/prefs?"+mode.cookie+"&back=/"))
		}
		run(t, ctx, chromedp.EmulateViewport(1280, 900))
		run(t, ctx, chromedp.Navigate(base+"/hall/stats"))
		if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('script:not([type="application/ld+json"])').length`)); n != 0 {
			t.Errorf("%s: %d scripts", mode.name, n)
		}
		checkContrast(t, mode.name, run(t, ctx, chromedp.Evaluate[[]contrast](contrastScript)), mode.least)
		colours := run(t, ctx, chromedp.Evaluate[[]contrast](chartColours))
		if len(colours) != 8 {
			t.Fatalf("%s: %d chart colours measured, want 8", mode.name, len(colours))
		}
		for _, c := range colours {
			// A bar is a graphical object (WCAG 1.4.11: 3:1); a label is text.
			if least := map[bool]float64{true: 3, false: mode.least}[c.Sel == ".chart-bar"]; c.Ratio < least {
				t.Errorf("%s: %s of %q has contrast %.2f:1, want %.1f", mode.name, c.Sel, c.Text, c.Ratio, least)
			}
		}
		run(t, ctx, chromedp.EmulateViewport(375, 800))
		run(t, ctx, chromedp.Navigate(base+"/hall/stats"))
		if sw := run(t, ctx, chromedp.Evaluate[float64](`document.documentElement.scrollWidth`)); sw > 376 {
			t.Errorf("%s: %.0fpx wide on a 375px screen", mode.name, sw)
		}
		if w := run(t, ctx, chromedp.Evaluate[float64](`Math.max(...[...document.querySelectorAll('svg.chart')].map(s => s.getBoundingClientRect().right))`)); w > 375 {
			t.Errorf("%s: a chart reaches %.0fpx on a 375px screen", mode.name, w)
		}
	}
}
