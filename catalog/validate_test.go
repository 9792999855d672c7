package catalog_test

import (
	"strings"
	"testing"
	"time"

	"zhenxing"
	"zhenxing/catalog"
)

// creditCode completes 17 characters into a 统一社会信用代码 with its check character.
func creditCode(t testing.TB, first17 string) string {
	t.Helper()
	c, ok := catalog.CreditCodeCheckChar(first17)
	if !ok {
		t.Fatalf("CreditCodeCheckChar(%q) refused", first17)
	}
	return first17 + string(c)
}

func TestCheckCreditCode(t *testing.T) {
	valid := creditCode(t, "93610727MA63PWQ34")
	tests := []struct {
		name, code string
		ok         bool
		message    string
	}{
		{"seed cooperative", "93610727MA63PWQ346", true, ""},
		{"computed", valid, true, ""},
		{"published example", "91350100M000100Y43", true, ""},
		{"lower case and spaces", " " + strings.ToLower(valid) + " ", true, ""},
		{"check digit wrong", valid[:17] + string("0123456789"[(strings.IndexByte("0123456789", valid[17])+1)%10]), false, "校验位"},
		{"letter I", "9361072IMA63PWQ346", false, "不是有效字符"},
		{"too short", "93610727MA63PWQ34", false, "18 位"},
		{"letters in the division code", "9361A727MA63PWQ346", false, "行政区划"},
		{"chinese", "统一社会信用代码统一社会信用代码统一", false, "18 位"},
		{"empty", "", false, "18 位"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := catalog.CheckCreditCode(tt.code)
			if tt.ok {
				if err != nil {
					t.Fatalf("CheckCreditCode(%q) = %v, want nil", tt.code, err)
				}
				return
			}
			if zhenxing.ErrorCode(err) != zhenxing.EInvalid || !strings.Contains(zhenxing.ErrorMessage(err), tt.message) {
				t.Fatalf("CheckCreditCode(%q) = %v, want EInvalid mentioning %q", tt.code, err, tt.message)
			}
		})
	}
}

func TestPriceFor(t *testing.T) {
	p := &catalog.Product{Price: 7800, MinQty: 1, Multiple: 1,
		Tiers: []catalog.PriceTier{{MinQty: 50, Price: 7200}, {MinQty: 200, Price: 6800}}}
	for _, tt := range []struct {
		qty  int
		want zhenxing.Money
	}{{1, 7800}, {49, 7800}, {50, 7200}, {199, 7200}, {200, 6800}, {5000, 6800}} {
		if got := p.PriceFor(tt.qty); got != tt.want {
			t.Errorf("PriceFor(%d) = %d, want %d", tt.qty, got, tt.want)
		}
	}
	if got := p.Total(60); got != 60*7200 {
		t.Errorf("Total(60) = %d, want %d", got, 60*7200)
	}
}

func TestCheckQuantity(t *testing.T) {
	p := &catalog.Product{Name: "乌鸡蛋", Unit: "箱", MinQty: 10, Multiple: 5}
	for _, tt := range []struct {
		qty  int
		want string
	}{{10, ""}, {15, ""}, {9, "起订量为 10箱"}, {12, "5箱的整数倍"}} {
		err := p.CheckQuantity(tt.qty)
		if tt.want == "" && err != nil || tt.want != "" && !strings.Contains(zhenxing.ErrorMessage(err), tt.want) {
			t.Errorf("CheckQuantity(%d) = %v, want %q", tt.qty, err, tt.want)
		}
	}
}

func TestInSeasonOn(t *testing.T) {
	at := func(month time.Month, day int) time.Time { return time.Date(2026, month, day, 12, 0, 0, 0, time.UTC) }
	cherries := &catalog.Product{SeasonStart: 5, SeasonEnd: 6}
	winter := &catalog.Product{SeasonStart: 11, SeasonEnd: 2}
	allYear := &catalog.Product{}
	tests := []struct {
		name string
		p    *catalog.Product
		t    time.Time
		want bool
	}{
		{"cherries in May", cherries, at(time.May, 1), true},
		{"cherries in June", cherries, at(time.June, 30), true},
		{"cherries in July", cherries, at(time.July, 1), false},
		{"cherries in April", cherries, at(time.April, 30), false},
		// 30 April 20:00 UTC is already 1 May in Shanghai.
		{"cherries by Shanghai's calendar", cherries, time.Date(2026, time.April, 30, 20, 0, 0, 0, time.UTC), true},
		{"winter window in December", winter, at(time.December, 15), true},
		{"winter window in January", winter, at(time.January, 15), true},
		{"winter window in March", winter, at(time.March, 15), false},
		{"all year is never in season", allYear, at(time.May, 15), false},
	}
	for _, tt := range tests {
		if got := tt.p.InSeasonOn(tt.t); got != tt.want {
			t.Errorf("%s: InSeasonOn = %v, want %v", tt.name, got, tt.want)
		}
	}
	if got := cherries.SeasonLabel(); got != "5月—6月" {
		t.Errorf("SeasonLabel = %q", got)
	}
	if got := allYear.SeasonLabel(); got != "全年供应" {
		t.Errorf("SeasonLabel = %q", got)
	}
}

func TestProductValidate(t *testing.T) {
	good := func() *catalog.Product {
		return &catalog.Product{Slug: "lueyang-tianma", Name: "略阳天麻", Category: "中药材", County: catalog.CountyPaired,
			SupplierID: 1, Spec: "500克/袋", Unit: "袋", Price: 12000, MinQty: 1, Multiple: 1,
			Tiers: []catalog.PriceTier{{MinQty: 10, Price: 11000}}}
	}
	tests := []struct {
		name   string
		change func(*catalog.Product)
		field  string
	}{
		{"good", func(*catalog.Product) {}, ""},
		{"slug with capitals", func(p *catalog.Product) { p.Slug = "Tianma" }, "slug"},
		{"unknown category", func(p *catalog.Product) { p.Category = "海鲜" }, "category"},
		{"unknown county", func(p *catalog.Product) { p.County = "西安市" }, "county"},
		{"zero price", func(p *catalog.Product) { p.Price = 0 }, "price"},
		{"tier dearer than the price", func(p *catalog.Product) { p.Tiers[0].Price = 12000 }, "tiers"},
		{"tier below the minimum order", func(p *catalog.Product) { p.MinQty = 10 }, "tiers"},
		{"tiers not getting cheaper", func(p *catalog.Product) {
			p.Tiers = append(p.Tiers, catalog.PriceTier{MinQty: 20, Price: 11500})
		}, "tiers"},
		{"minimum not a multiple", func(p *catalog.Product) { p.MinQty, p.Multiple, p.Tiers = 3, 2, nil }, "multiple"},
		{"half a season", func(p *catalog.Product) { p.SeasonStart = 5 }, "season_end"},
		{"month 13", func(p *catalog.Product) { p.SeasonStart, p.SeasonEnd = 13, 2 }, "season_start"},
		{"unknown flag", func(p *catalog.Product) { p.Flags = []string{"无公害"} }, "flags"},
		{"negative stock", func(p *catalog.Product) { p.Stock = -1 }, "stock"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := good()
			tt.change(p)
			p.Normalize()
			err := p.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate = %v", err)
				}
				return
			}
			if zhenxing.ErrorCode(err) != zhenxing.EInvalid || catalog.AsFieldErrors(err).For(tt.field) == "" {
				t.Fatalf("Validate = %v, want an error on %s", err, tt.field)
			}
		})
	}
}

func TestParseTiers(t *testing.T) {
	tiers, err := catalog.ParseTiers("50:6500；100：6200|200:6000")
	want := []catalog.PriceTier{{50, 6500}, {100, 6200}, {200, 6000}}
	if err != nil || len(tiers) != 3 || tiers[0] != want[0] || tiers[1] != want[1] || tiers[2] != want[2] {
		t.Fatalf("ParseTiers = %v, %v", tiers, err)
	}
	if got := catalog.FormatTiers(want); got != "50:6500;100:6200;200:6000" {
		t.Errorf("FormatTiers = %q", got)
	}
	for _, bad := range []string{"50", "x:100", "50:-1", "0:100", "50:12.5"} {
		if _, err := catalog.ParseTiers(bad); zhenxing.ErrorCode(err) != zhenxing.EInvalid {
			t.Errorf("ParseTiers(%q) = %v, want EInvalid", bad, err)
		}
	}
}

func FuzzCheckCreditCode(f *testing.F) {
	for _, s := range []string{"93610727MA63PWQ346", "91350100M000100Y43", "", "9361072IMA63PWQ346", "统一社会信用代码"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := catalog.CheckCreditCode(s)
		if err != nil && zhenxing.ErrorCode(err) != zhenxing.EInvalid {
			t.Fatalf("CheckCreditCode(%q) = %v", s, err)
		}
		if err == nil && len(strings.TrimSpace(s)) != 18 {
			t.Fatalf("CheckCreditCode accepted %q", s)
		}
	})
}

func FuzzParseTiers(f *testing.F) {
	for _, s := range []string{"50:6500;100:6200", "", "50", "50：6500|x", "1:1,2:2、3:3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tiers, err := catalog.ParseTiers(s)
		if err != nil {
			return
		}
		again, err := catalog.ParseTiers(catalog.FormatTiers(tiers))
		if err != nil || len(again) != len(tiers) {
			t.Fatalf("round trip of %q: %v %v", s, again, err)
		}
	})
}
