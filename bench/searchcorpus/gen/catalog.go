package gen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing"
	"zhenxing/catalog"
)

// goods are the products of the hall by category: each kind of produce with its varieties.
var goods = []struct {
	category string
	name     string
	kinds    []string
	specs    []string
}{
	{"樱桃", "樱桃", []string{"大红灯", "美早", "红蜜", "先锋", "雷尼", "黑珍珠"}, []string{"2.5千克礼盒装", "1.5千克家庭装", "5千克周转箱"}},
	{"果蔬", "猕猴桃", []string{"徐香", "翠香", "红阳", "海沃德"}, []string{"5千克箱装", "3千克礼盒装"}},
	{"果蔬", "葡萄", []string{"阳光玫瑰", "夏黑", "巨峰", "户太八号"}, []string{"2千克礼盒装", "5千克箱装"}},
	{"果蔬", "草莓", []string{"红颜", "章姬", "白雪公主"}, []string{"1.5千克礼盒装", "3千克箱装"}},
	{"果蔬", "桃", []string{"白凤", "油", "蟠", "黄"}, []string{"5千克箱装", "2.5千克礼盒装"}},
	{"果蔬", "苹果", []string{"红富士", "嘎啦", "瑞阳"}, []string{"5千克箱装", "10千克箱装"}},
	{"果蔬", "梨", []string{"酥", "雪花", "红香酥"}, []string{"5千克箱装"}},
	{"果蔬", "柿子", []string{"火晶", "磨盘"}, []string{"3千克箱装"}},
	{"果蔬", "蔬菜", []string{"高山", "有机", "时令"}, []string{"5千克组合装", "8种蔬菜礼盒"}},
	{"干果", "核桃", []string{"薄皮", "纸皮", "香玲", "秦岭野生"}, []string{"1千克袋装", "2.5千克礼盒装"}},
	{"干果", "板栗", []string{"秦岭", "油"}, []string{"1千克袋装"}},
	{"干果", "红枣", []string{"骏枣", "灰枣"}, []string{"1千克袋装", "500克罐装"}},
	{"菌菇", "香菇", []string{"花菇", "椴木", "干"}, []string{"250克袋装", "500克礼盒装"}},
	{"菌菇", "黑木耳", []string{"秋", "椴木", "小碗"}, []string{"250克袋装", "500克礼盒装"}},
	{"菌菇", "羊肚菌", []string{"干", "野生"}, []string{"100克罐装"}},
	{"禽蛋肉类", "乌鸡", []string{"略阳", "散养"}, []string{"整只约1.2千克", "2只礼盒装"}},
	{"禽蛋肉类", "土鸡蛋", []string{"林下散养", "谷物喂养"}, []string{"30枚箱装", "60枚箱装"}},
	{"禽蛋肉类", "腊肉", []string{"柴火烟熏", "农家"}, []string{"1千克袋装"}},
	{"中药材", "天麻", []string{"乌天麻", "鲜", "干"}, []string{"500克礼盒装", "1千克袋装"}},
	{"中药材", "杜仲", []string{"杜仲雄花茶", "杜仲皮"}, []string{"100克罐装", "250克袋装"}},
	{"中药材", "黄精", []string{"九蒸九晒", "野生"}, []string{"250克罐装"}},
	{"粮油", "菜籽油", []string{"压榨", "小榨"}, []string{"5升桶装", "2.5升桶装"}},
	{"粮油", "小米", []string{"黄", "有机"}, []string{"2.5千克袋装"}},
	{"粮油", "挂面", []string{"手工", "杂粮"}, []string{"2千克箱装"}},
	{"蜂产品", "蜂蜜", []string{"土蜂", "百花", "槐花", "中蜂"}, []string{"500克瓶装", "1千克瓶装"}},
	{"茶叶", "绿茶", []string{"略阳毛尖", "明前", "高山"}, []string{"250克罐装", "500克礼盒装"}},
	{"其他", "豆腐乳", []string{"农家", "麻辣"}, []string{"6瓶礼盒装"}},
}

var (
	origins = map[string][]string{
		catalog.CountyLocal:  {"白鹿原", "灞桥", "狄寨", "洪庆山", "席王"},
		catalog.CountyPaired: {"略阳", "秦岭", "嘉陵江", "接官亭", "两河口"},
	}
	units   = []string{"箱", "盒", "袋", "瓶", "罐", "桶"}
	praises = []string{"果肉饱满、酸甜适口", "个大均匀、色泽鲜亮", "产地直发、当天采摘", "自然晾晒、无添加", "林下散养、肉质紧实", "传统工艺、口感醇厚"}
)

// Catalog generates o.Suppliers suppliers (IDs 1…n) and o.Products products of theirs.
func Catalog(o Options) ([]catalog.Supplier, []catalog.PublicProduct) {
	r := rand.New(rand.NewPCG(o.Seed, 2))
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	sups := make([]catalog.Supplier, 0, o.Suppliers)
	names := map[string]bool{}
	for i := range o.Suppliers {
		county, towns, area := catalog.CountyPaired, lueyangTowns, "610727"
		if i%3 == 2 {
			county, towns, area = catalog.CountyLocal, baqiaoTowns, "610111"
		}
		kind := catalog.SupplierKinds[i%len(catalog.SupplierKinds)]
		town := pick(r, towns)
		g := pick(r, goods)
		var name string
		for name == "" || names[name] {
			switch kind {
			case "合作社":
				name = fmt.Sprintf("%s%s%s%s%s专业合作社", county, town, pick(r, brands), g.name, pick(r, []string{"种植", "产销", "养殖"}))
			case "企业":
				name = fmt.Sprintf("陕西%s%s农业科技有限公司", pick(r, brands), g.name)
			default:
				name = fmt.Sprintf("%s%s%s%s家庭农场", county, town, pick(r, surnames), pick(r, surnames))
			}
			if names[name] {
				name += fmt.Sprintf("（%d）", i)
			}
		}
		names[name] = true
		first := fmt.Sprintf("93%sMA%07d", area, i+1)
		check, _ := catalog.CreditCodeCheckChar(first)
		cert := time.Date(2022+i%4, time.Month(1+i%12), 1, 0, 0, 0, 0, time.UTC)
		expiry := cert.AddDate(3, 0, 0)
		households := 10 + r.IntN(300)
		sups = append(sups, catalog.Supplier{
			ID: int64(i + 1), Slug: fmt.Sprintf("supplier-%04d", i+1), Name: name, Kind: kind, County: county, Township: town,
			CreditCode: first + string(check), CertNumber: fmt.Sprintf("陕扶认字〔%d〕%03d号", cert.Year(), i+1),
			CertDate: &cert, CertExpiry: &expiry, Households: households,
			Linkage:     fmt.Sprintf("通过土地流转、订单收购和务工带动%d户农户增收，其中脱贫户%d户。", households, households/3),
			Description: fmt.Sprintf("位于%s%s，主营%s，%s。", county, town, g.name, pick(r, praises)),
			CreatedAt:   created, UpdatedAt: created,
		})
	}
	prods := make([]catalog.PublicProduct, 0, o.Products)
	for i := range o.Products {
		s := &sups[r.IntN(len(sups))]
		g := pick(r, goods)
		variety := pick(r, g.kinds)
		name := fmt.Sprintf("%s%s%s %s", pick(r, origins[s.County]), variety, g.name, pick(r, g.specs))
		price := zhenxing.Money(500 + r.IntN(40000))
		start, end := 0, 0
		if g.category == "樱桃" {
			start, end = 5, 6
		} else if r.IntN(4) == 0 {
			start = 1 + r.IntN(12)
			end = 1 + (start+r.IntN(3))%12
		}
		stock := r.IntN(2000)
		if r.IntN(15) == 0 {
			stock = 0
		}
		at := created.Add(time.Duration(i) * time.Minute)
		var flags []string
		if r.IntN(3) == 0 {
			flags = []string{pick(r, catalog.Flags)}
		}
		prods = append(prods, catalog.PublicProduct{
			Product: catalog.Product{
				ID: int64(i + 1), Slug: fmt.Sprintf("product-%05d", i+1), Name: name, Category: g.category,
				County: s.County, Township: s.Township, SupplierID: s.ID, Spec: pick(r, g.specs), Unit: pick(r, units),
				Price: price, Tiers: []catalog.PriceTier{{MinQty: 50, Price: price * 95 / 100}, {MinQty: 200, Price: price * 90 / 100}},
				MinQty: 1 + r.IntN(10), Multiple: 1, Stock: stock, SeasonStart: start, SeasonEnd: end, Flags: flags,
				Description: fmt.Sprintf("**%s**：%s，%s。由%s供货，%s；工会集中采购满50%s享受批量价。",
					g.name, pick(r, praises), pick(r, praises), s.Name, pick(r, []string{"冷链直发", "顺丰包邮", "次日达", "产地一件代发"}), "件"),
				Listed: r.IntN(20) != 0, CreatedAt: at, UpdatedAt: at,
			},
			SupplierSlug: s.Slug, SupplierName: s.Name,
		})
	}
	return sups, prods
}

// Public is the public catalogue of the generated suppliers and products, as catalog.Public
// reads it back from the database: listed products only.
func Public(o Options) *catalog.Public {
	sups, prods := Catalog(o)
	pub := &catalog.Public{Suppliers: sups}
	for _, p := range prods {
		if p.Listed {
			pub.Products = append(pub.Products, p)
		}
	}
	return pub
}

// Fill inserts the generated suppliers and products into a migrated, empty catalogue with COPY.
func Fill(ctx context.Context, pool *pgxpool.Pool, o Options) error {
	sups, prods := Catalog(o)
	rows := make([][]any, len(sups))
	for i, s := range sups {
		rows[i] = []any{s.Slug, s.Name, s.Kind, s.County, s.Township, s.CreditCode, s.CertNumber, s.CertDate, s.CertExpiry,
			s.Households, s.Linkage, s.Description, s.CreatedAt, s.UpdatedAt}
	}
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"suppliers"},
		[]string{"slug", "name", "kind", "county", "township", "credit_code", "cert_number", "cert_date", "cert_expiry",
			"households", "linkage", "description", "created_at", "updated_at"}, pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("copy suppliers: %w", err)
	}
	ids := map[string]int64{}
	res, err := pool.Query(ctx, `SELECT slug, id FROM suppliers`)
	if err != nil {
		return err
	}
	var slug string
	var id int64
	if _, err := pgx.ForEachRow(res, []any{&slug, &id}, func() error { ids[slug] = id; return nil }); err != nil {
		return fmt.Errorf("read supplier ids: %w", err)
	}
	rows = make([][]any, len(prods))
	for i, p := range prods {
		flags := p.Flags
		if flags == nil {
			flags = []string{}
		}
		rows[i] = []any{p.Slug, p.Name, p.Category, p.County, p.Township, ids[p.SupplierSlug], p.Spec, p.Unit, p.Price, p.Tiers,
			p.MinQty, p.Multiple, p.Stock, p.SeasonStart, p.SeasonEnd, flags, p.Description, p.Listed, p.CreatedAt, p.UpdatedAt}
	}
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"products"},
		[]string{"slug", "name", "category", "county", "township", "supplier_id", "spec", "unit", "price", "tiers",
			"min_qty", "multiple", "stock", "season_start", "season_end", "flags", "description", "listed", "created_at", "updated_at"},
		pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("copy products: %w", err)
	}
	_, err = pool.Exec(ctx, `ANALYZE suppliers, products`)
	return err
}
