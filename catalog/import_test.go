package catalog_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"

	"zhenxing"
	"zhenxing/catalog"
	"zhenxing/internal/db"
)

func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func importFile(t testing.TB, store *catalog.Catalog, kind, name string, data []byte) (catalog.ImportResult, error) {
	t.Helper()
	opts := catalog.ImportOptions{Name: name, Photos: os.DirFS("testdata")}
	if kind == "suppliers" {
		return store.ImportSuppliers(context.Background(), db.CommandLine, bytes.NewReader(data), opts)
	}
	return store.ImportProducts(context.Background(), db.CommandLine, bytes.NewReader(data), opts)
}

func mustImport(t testing.TB, store *catalog.Catalog, kind, name string, data []byte) catalog.ImportResult {
	t.Helper()
	res, err := importFile(t, store, kind, name, data)
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	return res
}

// importedCatalogue imports testdata/suppliers.csv and testdata/products.csv.
func importedCatalogue(t testing.TB) *catalog.Catalog {
	t.Helper()
	store := newCatalog(t)
	mustImport(t, store, "suppliers", "suppliers.csv", mustRead(t, "testdata/suppliers.csv"))
	mustImport(t, store, "products", "products.csv", mustRead(t, "testdata/products.csv"))
	return store
}

func TestImportGoodFiles(t *testing.T) {
	store := newCatalog(t)
	ctx := context.Background()
	res := mustImport(t, store, "suppliers", "suppliers.csv", mustRead(t, "testdata/suppliers.csv"))
	if res != (catalog.ImportResult{Created: 2}) {
		t.Fatalf("suppliers: %+v", res)
	}
	sp, err := store.Suppliers.Find(ctx, "dizhai")
	if err != nil || sp.Name != "狄寨樱桃专业合作社" || sp.Description != "白鹿原樱桃,\n分拣装箱" || sp.CertDate != nil {
		t.Fatalf("supplier from a Chinese header and a quoted multi-line cell: %+v, %v", sp, err)
	}

	// The same products as UTF-8 with a BOM, UTF-8 without, and GB18030 as Excel writes it.
	for i, name := range []string{"products.csv", "products-plain.csv", "products-gb18030.csv"} {
		res := mustImport(t, store, "products", name, mustRead(t, "testdata/"+name))
		want := catalog.ImportResult{Unchanged: 3}
		if i == 0 {
			want = catalog.ImportResult{Created: 3}
		}
		if res != want {
			t.Errorf("%s: %+v, want %+v", name, res, want)
		}
	}
	d, err := store.Products.Find(ctx, "wuji")
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "略阳乌鸡" || d.Price != 16800 || d.PriceFor(50) != 14800 || d.Stock != 120 || !slices.Equal(d.Flags, []string{"地理标志", "绿色"}) || !d.Listed || d.Seasonal() {
		t.Errorf("wuji = %+v", d.Product)
	}
	meizao, _ := store.Products.Find(ctx, "meizao")
	if meizao.Listed || meizao.MinQty != 2 || meizao.SeasonStart != 5 || meizao.SupplierID != sp.ID {
		t.Errorf("meizao (supplier named by its name, unlisted) = %+v", meizao)
	}

	// JSON with tier objects, flag and photo arrays.
	res = mustImport(t, store, "products", "products.json", mustRead(t, "testdata/products.json"))
	if res != (catalog.ImportResult{Created: 1}) {
		t.Fatalf("json: %+v", res)
	}
	tianma, _ := store.Products.Find(ctx, "tianma")
	if len(tianma.Tiers) != 2 || tianma.Tiers[1] != (catalog.PriceTier{MinQty: 100, Price: 10000}) ||
		len(tianma.Photos) != 1 || tianma.Photos[0].ContentType != "image/svg+xml" {
		t.Fatalf("tianma from JSON = %+v", tianma)
	}

	// An update: a new price and a new stock, the rest as stored.
	update := "slug,price,stock\nwuji,17000,100\nhongdeng,7800,600\n"
	res = mustImport(t, store, "products", "update.csv", []byte(update))
	if res != (catalog.ImportResult{Updated: 1, Unchanged: 1}) {
		t.Fatalf("update: %+v", res)
	}
	wuji, _ := store.Products.Find(ctx, "wuji")
	if wuji.Price != 17000 || wuji.Stock != 100 || wuji.Name != "略阳乌鸡" {
		t.Errorf("wuji after the update = %+v", wuji)
	}
	moves, _ := store.Stock.Movements(ctx, wuji.ID, 1)
	if len(moves) != 1 || moves[0].Delta != -20 || moves[0].Reason != "导入 update.csv" {
		t.Errorf("the stock change is not a movement: %+v", moves)
	}

	// A dry run counts and writes nothing.
	res, err = store.ImportProducts(ctx, db.CommandLine, strings.NewReader("slug,price\nwuji,18000"),
		catalog.ImportOptions{Name: "dry.csv", DryRun: true})
	if err != nil || res.Updated != 1 {
		t.Fatalf("dry run: %+v, %v", res, err)
	}
	if wuji, _ = store.Products.Find(ctx, "wuji"); wuji.Price != 17000 {
		t.Errorf("the dry run wrote the price %d", wuji.Price)
	}
}

// problemsOf returns the ImportProblems inside err, failing the test when there are none.
func problemsOf(t testing.TB, err error) catalog.ImportProblems {
	t.Helper()
	var problems catalog.ImportProblems
	if zhenxing.ErrorCode(err) != zhenxing.EInvalid || !errors.As(err, &problems) || len(problems) == 0 {
		t.Fatalf("error = %v, want EInvalid with import problems", err)
	}
	return problems
}

func TestImportBadFiles(t *testing.T) {
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte("slug,name\nx,y\n"))
	tests := []struct {
		name, kind, file string
		data             string
		want             []string // each problem's text, in order
	}{
		{"unknown column", "products", "a.csv", "slug,name,colour\nwuji,乌鸡,red\n",
			[]string{"第 1 行，colour 列：未知的列“colour”"}},
		{"price in yuan", "products", "a.csv", "slug,单价（元）\nwuji,168\n",
			[]string{"第 1 行，单价（元） 列：单价请以“分”为单位，列名写 price 或 单价（分）"}},
		{"duplicate column", "products", "a.csv", "slug,name,品名\nwuji,a,b\n",
			[]string{"第 1 行，品名 列：列“name”重复"}},
		{"no slug column", "products", "a.csv", "name\n乌鸡\n",
			[]string{"第 1 行，slug 列：缺少 slug（网址标识）列，无法对应已有记录"}},
		{"bad numbers", "products", "a.csv", "slug,price,min_qty,stock,tiers\nwuji,16.8,1.5,-3,10:abc\nhongdeng,abc,1,1,\n",
			[]string{
				"第 2 行，price 列：单价“16.8”无效，应为以“分”为单位的正整数，如 3990 表示 39.90 元",
				"第 2 行，min_qty 列：“1.5”应为整数",
				"第 2 行，tiers 列：阶梯价“10:abc”的单价应为正整数（分）",
				"第 2 行，stock 列：库存不能小于 0",
				"第 3 行，price 列：单价“abc”无效，应为以“分”为单位的正整数，如 3990 表示 39.90 元",
			}},
		{"duplicate slugs", "products", "a.csv", "slug,price\nwuji,17000\nhongdeng,8000\nwuji,18000\n",
			[]string{"第 4 行，slug 列：网址标识“wuji”与第 2 行重复"}},
		{"new product missing fields and an unknown supplier", "products", "a.json",
			`[{"slug": "new-one", "name": "新品", "category": "海鲜", "supplier": "nobody", "price": 100}]`,
			[]string{
				"第 1 条，supplier 列：供应商“nobody”不存在，请先导入供应商",
				"第 1 条，category 列：品类“海鲜”无效，应为 樱桃、菌菇、禽蛋肉类、中药材、粮油、蜂产品、干果、茶叶、果蔬、其他 之一",
				"第 1 条，county 列：产地“”无效，应为 略阳县（对口帮扶县）或 灞桥区",
				"第 1 条，spec 列：请填写规格",
				"第 1 条，unit 列：请填写单位",
			}},
		{"missing photo", "products", "a.json", `[{"slug": "wuji", "photos": ["nothing.svg"]}]`,
			[]string{"第 1 条，photos 列：找不到图片“nothing.svg”"}},
		{"JSON that is not an array", "products", "a.json", `{"slug": "wuji"}`,
			[]string{"不是有效的 JSON：应为对象组成的数组"}},
		{"JSON object in a cell", "products", "a.json", `[{"slug": "wuji", "name": {"zh": "乌鸡"}}]`,
			[]string{"第 1 条，name 列：应为文字、数字或数组"}},
		{"broken quotes", "products", "a.csv", "slug,name\nwuji,\"乌鸡\n", []string{"第 2 行：引号不成对"}},
		{"UTF-16", "products", "a.csv", string(utf16), []string{"文件是 UTF-16 编码，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”或“CSV（逗号分隔）”"}},
		{"empty", "products", "a.csv", "", []string{"文件是空的"}},
		{"header only", "products", "a.csv", "slug,price\n", []string{"文件中没有记录"}},
		{"unknown format", "products", "a.xlsx", "PK...", []string{"文件格式应为 CSV 或 JSON（按扩展名 .csv、.json 判断）"}},
		{"supplier check digit and a taken credit code", "suppliers", "s.csv",
			"slug,name,kind,county,credit_code\nhongyuan,鸿源乌鸡养殖专业合作社,合作社,略阳县,93610727MA63PWQ340\nnewcomer,新合作社,合作社,略阳县," + creditCode(t, "93610111MA6TX2K05") + "\n",
			[]string{
				"第 2 行，credit_code 列：统一社会信用代码“93610727MA63PWQ340”校验位不正确",
				"第 3 行，credit_code 列：统一社会信用代码 " + creditCode(t, "93610111MA6TX2K05") + " 已属于供应商“dizhai”",
			}},
		{"supplier bad date and count", "suppliers", "s.json", `[{"slug": "hongyuan", "cert_date": "2024-13-01", "households": "many"}]`,
			[]string{"第 1 条，cert_date 列：日期“2024-13-01”无效，应写成 2024-03-01", "第 1 条，households 列：带动农户数“many”应为整数"}},
	}
	store := importedCatalogue(t)
	ctx := context.Background()
	before, _ := db.Audit(ctx, store.Pool(), db.AuditQuery{Limit: 500})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := importFile(t, store, tt.kind, tt.file, []byte(tt.data))
			var got []string
			for _, p := range problemsOf(t, err) {
				got = append(got, p.String())
			}
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if !strings.Contains(zhenxing.ErrorMessage(err), "未导入任何记录") {
				t.Errorf("message %q", zhenxing.ErrorMessage(err))
			}
		})
	}
	after, _ := db.Audit(ctx, store.Pool(), db.AuditQuery{Limit: 500})
	if len(after) != len(before) {
		t.Errorf("bad files changed something: %d audit entries, then %d", len(before), len(after))
	}
	if wuji, _ := store.Products.Find(ctx, "wuji"); wuji.Price != 16800 || wuji.Stock != 120 {
		t.Errorf("bad files changed wuji: %+v", wuji)
	}
}

// TestImportAllOrNothing: one bad row among good ones writes nothing at all.
func TestImportAllOrNothing(t *testing.T) {
	store := importedCatalogue(t)
	ctx := context.Background()
	_, err := importFile(t, store, "products", "mixed.csv", []byte("slug,price\nwuji,17000\nhongdeng,0\n"))
	problems := problemsOf(t, err)
	if len(problems) != 1 || problems[0].Row != 3 || problems[0].Column != "price" {
		t.Fatalf("problems = %v", problems)
	}
	if wuji, _ := store.Products.Find(ctx, "wuji"); wuji.Price != 16800 {
		t.Errorf("the good row was written: price %d", wuji.Price)
	}
}

func TestSeedTwice(t *testing.T) {
	store := newCatalog(t)
	ctx := context.Background()
	first, err := store.Seed(ctx, catalog.SeedFS())
	if err != nil {
		var problems catalog.ImportProblems
		errors.As(err, &problems)
		t.Fatalf("seed: %v\n%s", err, problems)
	}
	if first.Suppliers.Created < 8 || first.Products.Created < 40 {
		t.Fatalf("the sample catalogue is too small: %+v", first)
	}
	entries, _ := db.Audit(ctx, store.Pool(), db.AuditQuery{Limit: 500})
	page, err := store.Products.List(ctx, catalog.ProductQuery{PerPage: catalog.MaxPerPage})
	if err != nil {
		t.Fatal(err)
	}
	counties := counts(page.Facets.Counties)
	cherries, _ := store.Products.List(ctx, catalog.ProductQuery{Categories: []string{"樱桃"}, Today: may15, InSeason: true})
	if counties[catalog.CountyPaired] == 0 || counties[catalog.CountyLocal] == 0 || cherries.Total == 0 {
		t.Errorf("the sample catalogue lacks paired-county products or cherries in May: %v, %d cherries", counties, cherries.Total)
	}
	withPhoto := 0
	for _, c := range page.Products {
		if c.Photo != nil {
			withPhoto++
		}
	}
	if withPhoto == 0 {
		t.Error("no sample product has a photo")
	}

	second, err := store.Seed(ctx, catalog.SeedFS())
	if err != nil {
		t.Fatal(err)
	}
	if second.Suppliers.Created+second.Suppliers.Updated+second.Products.Created+second.Products.Updated != 0 ||
		second.Products.Skipped != first.Products.Created {
		t.Errorf("the second seed changed something: %+v", second)
	}
	again, _ := db.Audit(ctx, store.Pool(), db.AuditQuery{Limit: 500})
	if len(again) != len(entries) {
		t.Errorf("the second seed wrote %d audit entries", len(again)-len(entries))
	}
}

func TestExportRoundTrip(t *testing.T) {
	store := importedCatalogue(t)
	ctx := context.Background()
	var buf bytes.Buffer
	if err := store.ExportProducts(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "\uFEFFslug,name,category,") || !strings.Contains(out, "wuji,略阳乌鸡,禽蛋肉类,略阳县,接官亭镇,hongyuan,1.5千克/只,只,16800,10:15800;50:14800,1,1,120,,,地理标志|绿色,**散养** 180 天,true") {
		t.Fatalf("export:\n%s", out)
	}
	before, _ := db.Audit(ctx, store.Pool(), db.AuditQuery{Limit: 500})
	res := mustImport(t, store, "products", "export.csv", buf.Bytes())
	if res != (catalog.ImportResult{Unchanged: 3}) {
		t.Errorf("re-importing the export: %+v", res)
	}
	after, _ := db.Audit(ctx, store.Pool(), db.AuditQuery{Limit: 500})
	if len(after) != len(before) {
		t.Errorf("re-importing the export wrote %d audit entries", len(after)-len(before))
	}
}

func FuzzReadImport(f *testing.F) {
	f.Add([]byte("slug,price\nwuji,100\n"), false)
	f.Add(mustRead(f, "testdata/products-gb18030.csv"), false)
	f.Add(mustRead(f, "testdata/products.json"), true)
	f.Add([]byte(`[{"slug": 1, "tiers": [{"min_qty": 1, "price": 2}], "flags": [null, true]}]`), true)
	f.Add([]byte("\xff\xfe\x00"), false)
	f.Add([]byte("slug,\"name\nx,\"\"y\"\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, json bool) {
		format := catalog.FormatCSV
		if json {
			format = catalog.FormatJSON
		}
		records, problems := catalog.ReadImportFile(data, format)
		for _, p := range problems {
			if p.Message == "" || p.Row < 0 {
				t.Fatalf("problem without a message or row: %+v", p)
			}
		}
		if records < 0 {
			t.Fatal("negative record count")
		}
	})
}

// TestImportFullWidthHeader reads a Chinese header typed with a Chinese input method, whose
// parentheses are full-width: 单价（分） names the price column as 单价(分) does.
func TestImportFullWidthHeader(t *testing.T) {
	store := newCatalog(t)
	mustImport(t, store, "suppliers", "suppliers.csv", mustRead(t, "testdata/suppliers.csv"))
	data := string(mustRead(t, "testdata/products.csv"))
	data = strings.Replace(data, ",price,", ",单价\uff08分\uff09,", 1)
	if res := mustImport(t, store, "products", "products.csv", []byte(data)); res.Created != 3 {
		t.Fatalf("import: %+v", res)
	}
	d, err := store.Products.Find(context.Background(), "wuji")
	if err != nil || d.Price != 16800 {
		t.Fatalf("wuji: %+v, %v", d, err)
	}
}
