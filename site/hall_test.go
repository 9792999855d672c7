package site

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing"
	"zhenxing/catalog"
	"zhenxing/interact"
	"zhenxing/internal/account"
	"zhenxing/internal/db"
	"zhenxing/internal/testdb"
	"zhenxing/order"
)

// mayNow is a clock in cherry season; testNow (28 November) is out of it.
var mayNow = time.Date(2026, 5, 20, 10, 0, 0, 0, zhenxing.Beijing)

// hallFixture is a small catalogue made through the store: three suppliers (a cooperative with a
// valid certification, an enterprise whose certification expired in 2025, a family farm without
// one) and seven products, one of them unlisted.
type hallFixture struct {
	store      *catalog.Catalog
	photoURL   string // the PNG cover of the red cherries
	svgURL     string // an SVG drawing of the herbs
	unlistedID string
}

func day(s string) *time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return &t
}

// creditCode makes a valid 统一社会信用代码 from its first 17 characters.
func creditCode(t testing.TB, first17 string) string {
	t.Helper()
	c, ok := catalog.CreditCodeCheckChar(first17)
	if !ok {
		t.Fatalf("credit code %q", first17)
	}
	return first17 + string(c)
}

func newHallFixture(t testing.TB) *hallFixture {
	t.Helper()
	pool := testdb.New(t)
	store := catalog.New(pool, catalog.Config{})
	ctx := context.Background()
	actor := db.CommandLine
	suppliers := []catalog.Supplier{
		{Slug: "dizhai-cherry", Name: "灞桥区狄寨樱桃专业合作社", Kind: "合作社", County: catalog.CountyLocal, Township: "狄寨街道",
			CreditCode: creditCode(t, "93610111MA6TXR01"+"2"), CertNumber: "FP61011120240012", CertDate: day("2024-05-01"), CertExpiry: day("2027-04-30"),
			Households: 128, Linkage: "统一品种、统一采收，按保底价收购社员樱桃。", Description: "合作社位于**白鹿原**。"},
		{Slug: "jialingyuan-herbs", Name: "略阳县嘉陵源中药材有限公司", Kind: "企业", County: catalog.CountyPaired, Township: "兴州街道",
			CreditCode: creditCode(t, "91610727MA6LCCBX5"), CertNumber: "FP61072720220007", CertDate: day("2022-03-22"), CertExpiry: day("2025-03-21"),
			Households: 412, Linkage: "流转山坡地建天麻基地，优先雇用脱贫户务工。"},
		{Slug: "jieguanting-wuji", Name: "略阳县接官亭镇乌鸡家庭农场", Kind: "家庭农场", County: catalog.CountyPaired, Township: "接官亭镇",
			CreditCode: creditCode(t, "92610727MA6Q8W3K1"), Households: 16, Linkage: "带动邻近农户林下散养。"},
	}
	for i := range suppliers {
		if err := store.Suppliers.Create(ctx, actor, &suppliers[i]); err != nil {
			t.Fatalf("save supplier %s: %v", suppliers[i].Slug, err)
		}
	}
	type row struct {
		supplier string
		p        catalog.Product
	}
	products := []row{
		{"dizhai-cherry", catalog.Product{Slug: "hongdeng-cherry", Name: "白鹿原红灯樱桃", Category: "樱桃", County: catalog.CountyLocal, Township: "狄寨街道",
			Spec: "1千克/盒", Unit: "盒", Price: 7800, Tiers: []catalog.PriceTier{{MinQty: 50, Price: 7200}, {MinQty: 200, Price: 6800}},
			MinQty: 1, Multiple: 1, Stock: 600, SeasonStart: 5, SeasonEnd: 6, Flags: []string{"地理标志"}, Listed: true,
			Description: "- **产地**：白鹿原\n\n<script>alert(1)</script>\n\n[链接](javascript:alert(2))"}},
		{"dizhai-cherry", catalog.Product{Slug: "meizao-cherry", Name: "白鹿原美早樱桃", Category: "樱桃", County: catalog.CountyLocal, Township: "狄寨街道",
			Spec: "2千克/箱", Unit: "箱", Price: 12800, MinQty: 1, Multiple: 1, Stock: 3, SeasonStart: 5, SeasonEnd: 6, Listed: true}},
		{"jialingyuan-herbs", catalog.Product{Slug: "lueyang-tianma", Name: "略阳天麻", Category: "中药材", County: catalog.CountyPaired, Township: "两河口镇",
			Spec: "250克/袋", Unit: "袋", Price: 16800, Tiers: []catalog.PriceTier{{MinQty: 20, Price: 15800}}, MinQty: 2, Multiple: 2, Stock: 0,
			Flags: []string{"绿色"}, Listed: true}},
		{"jialingyuan-herbs", catalog.Product{Slug: "duzhong-tea", Name: "杜仲雄花茶", Category: "茶叶", County: catalog.CountyPaired, Township: "郭镇",
			Spec: "100克/罐", Unit: "罐", Price: 3900, MinQty: 1, Multiple: 1, Stock: 500, Flags: []string{"绿色", "有机"}, Listed: true}},
		{"jieguanting-wuji", catalog.Product{Slug: "lueyang-wuji", Name: "略阳乌鸡", Category: "禽蛋肉类", County: catalog.CountyPaired, Township: "接官亭镇",
			Spec: "1.5千克/只", Unit: "只", Price: 9800, MinQty: 1, Multiple: 1, Stock: 100, SeasonStart: 11, SeasonEnd: 2, Listed: true}},
		{"jieguanting-wuji", catalog.Product{Slug: "lueyang-muer", Name: "略阳黑木耳", Category: "菌菇", County: catalog.CountyPaired, Township: "接官亭镇",
			Spec: "250克/袋", Unit: "袋", Price: 2500, MinQty: 1, Multiple: 1, Stock: 300, Listed: true}},
		{"jieguanting-wuji", catalog.Product{Slug: "hidden-xianggu", Name: "未上架香菇", Category: "菌菇", County: catalog.CountyPaired, Township: "接官亭镇",
			Spec: "500克/袋", Unit: "袋", Price: 3000, MinQty: 1, Multiple: 1, Stock: 50, Listed: false}},
	}
	for i := range products {
		if err := store.Products.Create(ctx, actor, &products[i].p, products[i].supplier); err != nil {
			t.Fatalf("save product %s: %v", products[i].p.Slug, err)
		}
	}
	f := &hallFixture{store: store, unlistedID: "hidden-xianggu"}

	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	img.Set(1, 1, color.RGBA{R: 0x9e, G: 0x1b, B: 0x1b, A: 0xff})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	ph, err := store.Photos.Add(ctx, actor, "hongdeng-cherry", buf.Bytes(), "一盒红灯樱桃")
	if err != nil {
		t.Fatalf("add photo: %v", err)
	}
	f.photoURL = ph.URL()

	// SVG drawings come only with the seed, never through an upload: insert one as the seed would.
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 30"><rect width="40" height="30" fill="#7a5"/></svg>`)
	sum := sha256.Sum256(svg)
	hash := hex.EncodeToString(sum[:])
	if _, err := pool.Exec(ctx, `INSERT INTO product_photos (product_id, position, content_type, size, sha256, alt, data)
		SELECT id, 1, 'image/svg+xml', $1, $2, '天麻', $3 FROM products WHERE slug = 'lueyang-tianma'`, len(svg), hash, svg); err != nil {
		t.Fatalf("insert svg: %v", err)
	}
	f.svgURL = "/hall/photos/" + hash + ".svg"
	return f
}

// server is a site on the fixture's catalogue with the clock at now.
func (f *hallFixture) server(t testing.TB, now time.Time) *Server {
	t.Helper()
	return mustServer(t, func(c *Config, d *Deps) {
		useCatalog(d, f.store)
		c.Now = func() time.Time { return now }
	})
}

// useCatalog gives the site the catalogue's stores, and the accounts, the pool (readiness,
// audit log), the ordering and the sales statistics of the same database.
func useCatalog(d *Deps, cat *catalog.Catalog) {
	catalogs.Store(cat.Products, cat)
	d.Suppliers, d.Products, d.Photos, d.Stock = cat.Suppliers, cat.Products, cat.Photos, cat.Stock
	d.Accounts = account.NewStore(cat.Pool())
	d.DB = cat.Pool()
	d.Orders = order.New(cat.Pool(), order.Config{})
	d.Stats = order.NewStats(cat.Pool())
	useInteract(d, cat.Pool(), nil)
}

// useInteract gives a site the citizens' channels on pool, on the clock now (time.Now when nil).
func useInteract(d *Deps, pool *pgxpool.Pool, now func() time.Time) {
	d.Requests = interact.NewRequests(pool, nil, now)
	d.Messages = interact.NewMessages(pool, nil, now, 0)
	d.Consultations = interact.NewConsultations(pool, now)
	d.Feedback = interact.NewFeedback(pool, now)
}

// unreachableCatalog is a catalogue on a pool whose server does not answer: every call fails
// with a connection error, at once.
func unreachableCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=1")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	cat := catalog.New(pool, catalog.Config{})
	unreachable.Store(cat.Products, true)
	return cat
}

func hallStatus(t *testing.T, target string, res response, want int) {
	t.Helper()
	if res.Status != want {
		t.Fatalf("GET %s: status %d, want %d\n%.2000s", target, res.Status, want, res.Body)
	}
}

// cardNames are the product names of the cards on a page, in order.
func cardNames(body string) []string {
	var names []string
	for _, m := range regexp.MustCompile(`<h3><a href="/hall/products/[^"]+">([^<]+)</a></h3>`).FindAllStringSubmatch(body, -1) {
		names = append(names, m[1])
	}
	return names
}

func TestHallPages(t *testing.T) {
	f := newHallFixture(t)
	s := f.server(t, testNow)
	tests := []struct {
		name, target string
		want         []string
		absent       []string
	}{
		{"hall", "/hall/", []string{
			"<title>消费帮扶馆 - ", `aria-current="page">消费帮扶馆</a>`, "当季产品", "略阳乌鸡", // in season in November
			"产品品类", "樱桃", "中药材", "产地", "略阳县", "灞桥区", "供应商",
			`<a href="/hall/suppliers/dizhai-cherry">灞桥区狄寨樱桃专业合作社</a>`, "128 户", "已过期", "有效", "暂无认定",
			"浏览全部 6 种产品",
		}, []string{"未上架香菇", "白鹿原红灯樱桃"}},
		{"listing", "/hall/products", []string{
			"全部产品", "共 6 种产品", "白鹿原红灯樱桃", "略阳天麻", "杜仲雄花茶", "略阳黑木耳",
			"¥78.00", "/ 盒", "已售罄", "库存紧张", "有货", "非当季", "全年供应",
			`<label for="min">最低价</label>`, "当季优先", "价格从低到高",
		}, []string{"未上架香菇"}},
		{"product", "/hall/products/hongdeng-cherry", []string{
			"<h1>白鹿原红灯樱桃</h1>", "¥78.00", "1千克/盒", "5月—6月 上市", "非当季",
			`<caption>批量价格</caption>`, `<th scope="col">起订数量</th><th scope="col">单价</th>`,
			"<td>1 盒及以上</td><td>¥78.00 / 盒</td>", "<td>50 盒及以上</td><td>¥72.00 / 盒</td>", "<td>200 盒及以上</td><td>¥68.00 / 盒</td>",
			"有货", "现有 600 盒", "地理标志",
			`<img src="` + f.photoURL + `" alt="一盒红灯樱桃" width="800" height="600"`,
			"<strong>产地</strong>", "灞桥区狄寨樱桃专业合作社", "FP61011120240012", "有效期至 2027-04-30", "带动 128 户农户",
			"相关产品", "白鹿原美早樱桃",
			`"@type":"Product"`, `"priceCurrency":"CNY"`, `"price":"78.00"`, `"availability":"https://schema.org/InStock"`,
		}, []string{"<script>alert", "javascript:"}},
		{"product with minimum and multiple", "/hall/products/lueyang-tianma", []string{
			"起订量</th><td>2 袋", "按 2 袋的整数倍订购", "已售罄", "全年供应", "<td>2 袋及以上</td><td>¥168.00 / 袋</td>",
			"<td>20 袋及以上</td><td>¥158.00 / 袋</td>", "已过期", "有效期至 2025-03-21", "OutOfStock",
		}, nil},
		{"supplier", "/hall/suppliers/jialingyuan-herbs", []string{
			"<h1>略阳县嘉陵源中药材有限公司</h1>", "企业", "略阳县兴州街道", "已过期", "带动 412 户农户", "流转山坡地",
			"在售产品（2 种）", "略阳天麻", "杜仲雄花茶",
		}, nil},
		{"supplier without listed product hidden", "/hall/suppliers/jieguanting-wuji", []string{"暂无认定", "略阳乌鸡", "略阳黑木耳"}, []string{"未上架香菇"}},
		{"home", "/", []string{"当季产品", "略阳乌鸡", `href="/hall/"`}, []string{"白鹿原红灯樱桃"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := get(t, s, tt.target)
			hallStatus(t, tt.target, res, http.StatusOK)
			mustContain(t, res.Body, tt.want...)
			for _, a := range tt.absent {
				if strings.Contains(res.Body, a) {
					t.Errorf("%s shows %q", tt.target, a)
				}
			}
		})
	}
	if res := get(t, s, "/hall"); res.Status != http.StatusMovedPermanently || res.Header.Get("Location") != "/hall/" {
		t.Errorf("/hall: %d %q, want a redirect to /hall/", res.Status, res.Header.Get("Location"))
	}
}

func TestHallSeasonBadgeFollowsClock(t *testing.T) {
	f := newHallFixture(t)
	for _, tt := range []struct {
		now   time.Time
		badge string
		home  []string
	}{
		{testNow, `<span class="badge season-off">非当季</span>`, []string{"略阳乌鸡"}},
		{mayNow, `<span class="badge season-on">当季</span>`, []string{"白鹿原红灯樱桃", "白鹿原美早樱桃"}},
	} {
		s := f.server(t, tt.now)
		res := get(t, s, "/hall/products/hongdeng-cherry")
		hallStatus(t, "product", res, http.StatusOK)
		mustContain(t, res.Body, tt.badge)
		res = get(t, s, "/")
		hallStatus(t, "/", res, http.StatusOK)
		mustContain(t, res.Body, tt.home...)
		res = get(t, s, "/hall/products?season=1")
		names := cardNames(res.Body)
		if len(names) != len(tt.home) {
			t.Errorf("%s: products in season %v, want %v", tt.now.Format("01-02"), names, tt.home)
		}
	}
}

func TestHallFacetsAndFilters(t *testing.T) {
	f := newHallFixture(t)
	s := f.server(t, testNow)

	res := get(t, s, "/hall/products")
	hallStatus(t, "/hall/products", res, http.StatusOK)
	// Every facet value shows its count.
	mustContain(t, res.Body,
		`<a href="/hall/products?category=%E6%A8%B1%E6%A1%83">樱桃</a> <span class="facet-count">（2）</span>`,
		`>略阳县`, `<span class="facet-count">（4）</span>`,
		`<a href="/hall/products?supplier=jialingyuan-herbs">略阳县嘉陵源中药材有限公司</a> <span class="facet-count">（2）</span>`,
		`<a href="/hall/products?flag=%E7%BB%BF%E8%89%B2">绿色</a> <span class="facet-count">（2）</span>`,
		`<a href="/hall/products?season=1">当季</a> <span class="facet-count">（1）</span>`,
	)

	// Two values of one facet combine with OR; another facet narrows with AND.
	target := "/hall/products?" + url.Values{"category": {"樱桃", "中药材"}, "county": {"灞桥区"}}.Encode()
	res = get(t, s, target)
	hallStatus(t, target, res, http.StatusOK)
	mustContain(t, res.Body, "共 2 种产品", "已选条件", "品类：樱桃", "品类：中药材", "产地：灞桥区", "清除全部条件")
	if names := cardNames(res.Body); len(names) != 2 || strings.Contains(strings.Join(names, ","), "天麻") {
		t.Errorf("樱桃|中药材 in 灞桥区： %v", names)
	}
	// Links keep the other filters: removing 中药材 keeps 樱桃 and 灞桥区; sorting keeps all three.
	keep := url.Values{"category": {"樱桃"}, "county": {"灞桥区"}}.Encode()
	mustContain(t, res.Body,
		`href="/hall/products?`+strings.ReplaceAll(keep, "&", "&amp;")+`"`,
		`href="/hall/products?`+strings.ReplaceAll(url.Values{"category": {"樱桃", "中药材"}, "county": {"灞桥区"}, "sort": {"price"}}.Encode(), "&", "&amp;")+`"`,
	)
	// The form carries the filters along as hidden fields.
	mustContain(t, res.Body, `<input type="hidden" name="category" value="樱桃">`, `<input type="hidden" name="county" value="灞桥区">`)

	// Price bounds in yuan, a band, flags and the season filter.
	for _, tt := range []struct {
		query string
		want  []string
		n     int
	}{
		{"min=39&max=99.5", []string{"最低价：39.00 元", "最高价：99.50 元"}, 3},
		{"band=0-50", []string{"价格区间：" + catalog.PriceBands[0].Label}, 2},
		{"flag=绿色&flag=有机", []string{"认证标志：绿色", "认证标志：有机"}, 2},
		{"season=1", []string{"上市季节：当季"}, 1},
		{"supplier=dizhai-cherry&sort=-price", []string{"供应商：灞桥区狄寨樱桃专业合作社"}, 2},
		{"q=樱桃", []string{"关键词：樱桃"}, 2},
	} {
		target := "/hall/products?" + tt.query
		res := get(t, s, target)
		hallStatus(t, target, res, http.StatusOK)
		mustContain(t, res.Body, tt.want...)
		if names := cardNames(res.Body); len(names) != tt.n {
			t.Errorf("%s: %d products %v, want %d", tt.query, len(names), names, tt.n)
		}
	}
}

func TestHallSorting(t *testing.T) {
	f := newHallFixture(t)
	s := f.server(t, testNow)
	for _, tt := range []struct {
		sort string
		want []string
	}{
		{"price", []string{"略阳黑木耳", "杜仲雄花茶", "白鹿原红灯樱桃", "略阳乌鸡", "白鹿原美早樱桃", "略阳天麻"}},
		{"-price", []string{"略阳天麻", "白鹿原美早樱桃", "略阳乌鸡", "白鹿原红灯樱桃", "杜仲雄花茶", "略阳黑木耳"}},
		{"newest", []string{"略阳黑木耳", "略阳乌鸡", "杜仲雄花茶", "略阳天麻", "白鹿原美早樱桃", "白鹿原红灯樱桃"}},
	} {
		res := get(t, s, "/hall/products?sort="+tt.sort)
		hallStatus(t, tt.sort, res, http.StatusOK)
		if got := cardNames(res.Body); strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("sort=%s: %v, want %v", tt.sort, got, tt.want)
		}
		mustContain(t, res.Body, `<span aria-current="true">`)
	}
	// The default order puts products in season first.
	res := get(t, s, "/hall/products")
	if got := cardNames(res.Body); len(got) == 0 || got[0] != "略阳乌鸡" {
		t.Errorf("default order starts with %v, want 略阳乌鸡 (in season in November)", got)
	}
}

func TestHallBadInput(t *testing.T) {
	f := newHallFixture(t)
	s := f.server(t, testNow)
	tests := []struct {
		target string
		status int
		want   string
	}{
		{"/hall/products/no-such-product", 404, "您查找的产品不存在或已下架"},
		{"/hall/products/hidden-xianggu", 404, "您查找的产品不存在或已下架"},
		{"/hall/suppliers/no-such-supplier", 404, "您查找的供应商不存在"},
		{"/hall/photos/" + strings.Repeat("ab", 32) + ".png", 404, "图片不存在"},
		{"/hall/photos/not-a-hash.png", 404, "图片不存在"},
		{"/hall/products?category=榴莲", 400, "品类“榴莲”不存在"},
		{"/hall/products?county=长安区", 400, "产地“长安区”不存在"},
		{"/hall/products?supplier=nobody", 400, "nobody"},
		{"/hall/products?flag=进口", 400, "认证标志“进口”不存在"},
		{"/hall/products?band=1-2", 400, "价格区间“1-2”不存在"},
		{"/hall/products?min=-5", 400, "价格不能为负数"},
		{"/hall/products?max=abc", 400, "最高价“abc”无效"},
		{"/hall/products?min=1e9", 400, "最低价“1e9”无效"},
		{"/hall/products?min=100&max=20", 400, "最低价（100.00 元）高于最高价（20.00 元）"},
		{"/hall/products?sort=cheapest", 400, "排序方式“cheapest”无效"},
		{"/hall/products?season=maybe", 400, "season"},
		{"/hall/products?page=0", 400, "页码“0”无效"},
		{"/hall/products?page=x", 400, "页码“x”无效"},
		{"/hall/products?page=99", 200, "第 99 页没有产品：符合条件的产品共 6 种，1 页。"},
		{"/hall/products?category=樱桃&page=3", 200, "第 3 页没有产品"},
		{"/api/v1/products?category=榴莲", 400, `"message":"品类“榴莲”不存在`},
		{"/api/v1/products?min=-1", 400, `价格不能为负数`},
		{"/api/v1/products/hidden-xianggu", 404, `"status":404`},
		{"/api/v1/products/nothing", 404, `您查找的产品不存在或已下架`},
		{"/api/v1/products?page=5", 200, `"message":"第 5 页没有产品`},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			res := get(t, s, tt.target)
			if res.Status != tt.status {
				t.Fatalf("status %d, want %d\n%.1500s", res.Status, tt.status, res.Body)
			}
			mustContain(t, res.Body, tt.want)
			if strings.HasPrefix(tt.target, "/api/") && !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
				t.Errorf("content type %q, want JSON", res.Header.Get("Content-Type"))
			}
		})
	}
}

func TestHallPhotos(t *testing.T) {
	f := newHallFixture(t)
	s := f.server(t, testNow)

	res := get(t, s, f.photoURL)
	hallStatus(t, f.photoURL, res, http.StatusOK)
	if got := res.Header.Get("Content-Type"); got != "image/png" {
		t.Errorf("content type %q", got)
	}
	if got := res.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("cache control %q", got)
	}
	if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("nosniff %q", got)
	}
	if !strings.HasPrefix(res.Body, "\x89PNG") {
		t.Errorf("body is not the PNG")
	}
	if csp := res.Header.Get("Content-Security-Policy"); strings.Contains(csp, "default-src 'none'") {
		t.Errorf("a PNG got the SVG policy: %q", csp)
	}

	res = get(t, s, f.svgURL)
	hallStatus(t, f.svgURL, res, http.StatusOK)
	if got := res.Header.Get("Content-Type"); got != "image/svg+xml" {
		t.Errorf("content type %q", got)
	}
	if got := res.Header.Get("Content-Security-Policy"); got != "default-src 'none'; style-src 'unsafe-inline'" {
		t.Errorf("svg policy %q", got)
	}
	// The wrong extension redirects to the photo's own address.
	wrong := strings.TrimSuffix(f.svgURL, ".svg") + ".png"
	if res := get(t, s, wrong); res.Status != http.StatusMovedPermanently || res.Header.Get("Location") != f.svgURL {
		t.Errorf("%s: %d %q", wrong, res.Status, res.Header.Get("Location"))
	}
}

func TestHallAPI(t *testing.T) {
	f := newHallFixture(t)
	s := f.server(t, mayNow)

	var list struct {
		Products []struct {
			Slug       string              `json:"slug"`
			Name       string              `json:"name"`
			Price      int64               `json:"price"`
			PriceYuan  string              `json:"price_yuan"`
			Tiers      []catalog.PriceTier `json:"tiers"`
			InSeason   bool                `json:"in_season"`
			StockState string              `json:"stock_state"`
			Supplier   struct{ Slug, Name string }
			Photo      string `json:"photo"`
		} `json:"products"`
		Total   int `json:"total"`
		Page    int `json:"page"`
		Pages   int `json:"pages"`
		PerPage int `json:"per_page"`
		Facets  map[string]json.RawMessage
	}
	target := "/api/v1/products?category=樱桃&category=中药材&sort=price"
	res := get(t, s, target)
	hallStatus(t, target, res, http.StatusOK)
	if err := json.Unmarshal([]byte(res.Body), &list); err != nil {
		t.Fatalf("decode: %v\n%s", err, res.Body)
	}
	if list.Total != 3 || list.Page != 1 || list.Pages != 1 || list.PerPage != 20 || len(list.Products) != 3 {
		t.Fatalf("list: total %d page %d/%d per %d, %d products", list.Total, list.Page, list.Pages, list.PerPage, len(list.Products))
	}
	first := list.Products[0]
	if first.Slug != "hongdeng-cherry" || first.Price != 7800 || first.PriceYuan != "78.00" || !first.InSeason ||
		first.StockState != "有货" || len(first.Tiers) != 2 || first.Supplier.Slug != "dizhai-cherry" ||
		!strings.HasSuffix(first.Photo, f.photoURL) {
		t.Errorf("first product: %+v", first)
	}
	var cats []catalog.FacetValue
	if err := json.Unmarshal(list.Facets["category"], &cats); err != nil {
		t.Fatalf("facets: %v", err)
	}
	counts := map[string]int{}
	for _, c := range cats {
		counts[c.Value] = c.Count
		if (c.Value == "樱桃" || c.Value == "中药材") != c.Selected {
			t.Errorf("facet %s selected=%v", c.Value, c.Selected)
		}
	}
	if counts["樱桃"] != 2 || counts["中药材"] != 1 || counts["菌菇"] != 1 {
		t.Errorf("category counts %v", counts)
	}
	for _, k := range []string{"county", "supplier", "band", "flag", "season"} {
		if _, ok := list.Facets[k]; !ok {
			t.Errorf("facet %s missing: %v", k, list.Facets)
		}
	}

	var one struct {
		Product struct {
			Slug            string `json:"slug"`
			DescriptionHTML string `json:"description_html"`
			Photos          []struct{ URL, Alt string }
			Season          string `json:"season"`
		} `json:"product"`
		Supplier struct {
			Slug          string `json:"slug"`
			Households    int    `json:"households"`
			Certification struct {
				Number string `json:"number"`
				Expiry string `json:"expiry"`
				Valid  bool   `json:"valid"`
			} `json:"certification"`
		} `json:"supplier"`
	}
	res = get(t, s, "/api/v1/products/hongdeng-cherry")
	hallStatus(t, "api product", res, http.StatusOK)
	if err := json.Unmarshal([]byte(res.Body), &one); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if one.Product.Slug != "hongdeng-cherry" || !strings.Contains(one.Product.DescriptionHTML, "<strong>产地</strong>") ||
		strings.Contains(one.Product.DescriptionHTML, "<script") || len(one.Product.Photos) != 1 || one.Product.Season != "5月—6月 上市" {
		t.Errorf("product: %+v", one.Product)
	}
	if one.Supplier.Slug != "dizhai-cherry" || one.Supplier.Households != 128 || !one.Supplier.Certification.Valid ||
		one.Supplier.Certification.Expiry != "2027-04-30" {
		t.Errorf("supplier: %+v", one.Supplier)
	}
	if strings.Contains(res.Body, "contact") {
		t.Errorf("the public API shows contact details")
	}

	var sups struct {
		Suppliers []struct {
			Slug          string `json:"slug"`
			Products      int    `json:"products"`
			Certification struct {
				State string `json:"state"`
				Valid bool   `json:"valid"`
			} `json:"certification"`
		} `json:"suppliers"`
		Total int `json:"total"`
	}
	res = get(t, s, "/api/v1/suppliers")
	hallStatus(t, "api suppliers", res, http.StatusOK)
	if err := json.Unmarshal([]byte(res.Body), &sups); err != nil {
		t.Fatalf("decode: %v", err)
	}
	got := map[string]string{}
	for _, sp := range sups.Suppliers {
		got[sp.Slug] = fmt.Sprintf("%d %s %v", sp.Products, sp.Certification.State, sp.Certification.Valid)
	}
	want := map[string]string{"dizhai-cherry": "2 有效 true", "jialingyuan-herbs": "2 已过期 false", "jieguanting-wuji": "2 暂无认定 false"}
	if sups.Total != 3 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("suppliers %v, want %v", got, want)
	}
}

func TestHallSitemap(t *testing.T) {
	f := newHallFixture(t)
	s := f.server(t, testNow)
	res := get(t, s, "/sitemap.xml")
	hallStatus(t, "/sitemap.xml", res, http.StatusOK)
	mustContain(t, res.Body, "http://localhost:8080/hall/</loc>", "/hall/products</loc>", "/hall/products/hongdeng-cherry</loc>",
		"/hall/suppliers/jialingyuan-herbs</loc>")
	if strings.Contains(res.Body, "hidden-xianggu") {
		t.Error("the sitemap lists an unlisted product")
	}
}

// TestHallDatabaseUnreachable: the hall needs its database, the documents do not. With the
// database unreachable the hall's pages fail while the home page and the sitemap still serve.
func TestHallDatabaseUnreachable(t *testing.T) {
	s := mustServer(t)
	res := get(t, s, "/")
	hallStatus(t, "/", res, http.StatusOK)
	mustContain(t, res.Body, `<a href="/hall/">消费帮扶馆</a>`, "最新公开")
	if strings.Contains(res.Body, "product-card") {
		t.Error("the home page shows product cards without a database")
	}
	res = get(t, s, "/sitemap.xml")
	hallStatus(t, "/sitemap.xml", res, http.StatusOK)
	mustContain(t, res.Body, "/open/policies/")
	for _, target := range []string{"/hall/", "/hall/products", "/hall/products/hongdeng-cherry", "/api/v1/products"} {
		if res := get(t, s, target); res.Status < 500 {
			t.Errorf("%s without a database: %d", target, res.Status)
		}
	}
}

func TestHallPaginationAndCache(t *testing.T) {
	f := newHallFixture(t)
	ctx := context.Background()
	for i := 1; i <= 20; i++ {
		p := catalog.Product{Slug: fmt.Sprintf("xianggu-%02d", i), Name: fmt.Sprintf("香菇%02d号", i), Category: "菌菇",
			County: catalog.CountyPaired, Spec: "500克/袋", Unit: "袋", Price: zhenxing.Money(1000 + i), MinQty: 1, Multiple: 1, Stock: 80, Listed: true}
		if err := f.store.Products.Create(ctx, db.CommandLine, &p, "jieguanting-wuji"); err != nil {
			t.Fatal(err)
		}
	}
	s := f.server(t, testNow)
	target := "/hall/products?category=菌菇&from=feed"
	res := get(t, s, target)
	hallStatus(t, target, res, http.StatusOK)
	mustContain(t, res.Body, "共 21 种产品，第 1/2 页", `href="/hall/products?category=%E8%8F%8C%E8%8F%87&amp;page=2" rel="next"`)
	if n := len(cardNames(res.Body)); n != 20 {
		t.Errorf("page 1 has %d products, want 20", n)
	}
	if strings.Contains(res.Body, "from=feed") {
		t.Error("a listing carries a stray query parameter in its links")
	}
	res2 := get(t, s, "/hall/products?category=菌菇&page=2")
	hallStatus(t, "page 2", res2, http.StatusOK)
	mustContain(t, res2.Body, "第 2/2 页", `rel="prev"`)
	if n := len(cardNames(res2.Body)); n != 1 {
		t.Errorf("page 2 has %d products, want 1", n)
	}

	// The same filters give the same page, with an ETag a browser can revalidate.
	again := get(t, s, "/hall/products?category=菌菇")
	etag := again.Header.Get("ETag")
	if again.Body != res.Body || etag == "" {
		t.Fatalf("same filters, different page or no ETag (%q)", etag)
	}
	req := httptest.NewRequest(http.MethodGet, "/hall/products?category=菌菇", nil)
	req.Header.Set("If-None-Match", etag)
	if res := do(t, s, req); res.Status != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", res.Status)
	}
	// Another display mode is another page.
	req = httptest.NewRequest(http.MethodGet, "/hall/products?category=菌菇", nil)
	req.Header.Set("Cookie", "zx_prefs=large")
	if res := do(t, s, req); !strings.Contains(res.Body, `class="large-text"`) {
		t.Error("the large-text reader got the cached standard page")
	}
}

// TestHallEscapesWhatItShows: names, units and search words reach the page escaped, in text and
// in attributes alike.
func TestHallEscapesWhatItShows(t *testing.T) {
	f := newHallFixture(t)
	p := catalog.Product{Slug: "tricky-name", Name: `<b>"甜"&'脆'+</b>`, Category: "果蔬", County: catalog.CountyLocal,
		Spec: "1<2千克", Unit: "箱&", Price: 1000, MinQty: 1, Multiple: 1, Stock: 9, Listed: true}
	if err := f.store.Products.Create(context.Background(), db.CommandLine, &p, "dizhai-cherry"); err != nil {
		t.Fatal(err)
	}
	s := f.server(t, testNow)
	target := "/hall/products?" + url.Values{"category": {"果蔬"}, "q": {`<b>"甜"`}}.Encode()
	res := get(t, s, target)
	hallStatus(t, target, res, http.StatusOK)
	mustContain(t, res.Body, `&lt;b&gt;&#34;甜&#34;&amp;&#39;脆&#39;&#43;&lt;/b&gt;`, "1&lt;2千克", "/ 箱&amp;",
		`value="&lt;b&gt;&#34;甜&#34;"`, "关键词：&lt;b&gt;&#34;甜&#34;")
	if strings.Contains(res.Body, "<b>") {
		t.Error("the listing shows markup from the catalogue")
	}
}

// TestHallListingShell: the layout around a listing is rendered once per display mode and
// robots flag and the page built from it is the page rendered whole; the display mode links keep
// each listing's own address.
func TestHallListingShell(t *testing.T) {
	f := newHallFixture(t)
	s := f.server(t, testNow)
	first := get(t, s, "/hall/products?county=灞桥区")
	again := get(t, s, "/hall/products?county=略阳县&sort=price")
	hallStatus(t, "listing", again, http.StatusOK)
	if s.shells.broken.Load() || len(s.shells.shells) != 1 {
		t.Fatalf("shells: broken %v, %d kept; the layout no longer fits a listing shell", s.shells.broken.Load(), len(s.shells.shells))
	}
	mustContain(t, first.Body, "back=%2fhall%2fproducts%3fcounty%3d%25E7%2581%259E%25E6%25A1%25A5%25E5%258C%25BA")
	mustContain(t, again.Body, "back=%2fhall%2fproducts%3fcounty%3d%25E7%2595%25A5%25E9%2598%25B3%25E5%258E%25BF%26sort%3dprice",
		"共 4 种产品", "略阳黑木耳")
}

// TestHallCacheTTL: with HALL_CACHE_TTL set a listing is served again as rendered until it ages;
// with 0 every request shows the catalogue as it is.
func TestHallCacheTTL(t *testing.T) {
	f := newHallFixture(t)
	ctx := context.Background()
	for _, tt := range []struct {
		ttl   time.Duration
		fresh bool
	}{{time.Hour, false}, {0, true}} {
		s := mustServer(t, func(c *Config, d *Deps) {
			useCatalog(d, f.store)
			c.Now = func() time.Time { return testNow }
			c.HallCacheTTL = tt.ttl
		})
		target := "/hall/products?category=茶叶"
		mustContain(t, get(t, s, target).Body, "杜仲雄花茶", "有货")
		if _, err := f.store.Stock.Adjust(ctx, db.CommandLine, "duzhong-tea", -500, "售出"); err != nil {
			t.Fatal(err)
		}
		body := get(t, s, target).Body
		if sold := strings.Contains(body, "已售罄"); sold != tt.fresh {
			t.Errorf("ttl %s: the sold-out tea shows sold out: %v", tt.ttl, sold)
		}
		if _, err := f.store.Stock.Adjust(ctx, db.CommandLine, "duzhong-tea", 500, "补货"); err != nil {
			t.Fatal(err)
		}
	}
}
