package catalog_test

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"zhenxing"
	"zhenxing/catalog"
)

func TestParseProductQuery(t *testing.T) {
	q, err := catalog.ParseProductQuery(url.Values{"category": {"樱桃", " 菌菇 ", "樱桃", ""}, "county": {"灞桥区"},
		"supplier": {"dizhai"}, "flag": {"绿色"}, "band": {"50-100"}, "min": {"39.9"}, "max": {"¥100"},
		"season": {"1"}, "q": {" 红灯 "}, "sort": {"-price"}, "page": {"2"}, "from": {"feed"}})
	if err != nil {
		t.Fatal(err)
	}
	want := catalog.ProductQuery{Categories: []string{"樱桃", "菌菇"}, Counties: []string{"灞桥区"}, Suppliers: []string{"dizhai"},
		Flags: []string{"绿色"}, PriceBand: "50-100", MinPrice: 3990, MaxPrice: 10000, InSeason: true, Q: "红灯",
		Sort: catalog.SortPriceDesc, Page: 2}
	if !reflect.DeepEqual(q, want) {
		t.Fatalf("parsed %+v\nwant   %+v", q, want)
	}
	// The normalized values read back as the same query (without the page).
	again, err := catalog.ParseProductQuery(q.Values())
	want.Page = 0
	if err != nil || !reflect.DeepEqual(again, want) {
		t.Errorf("round trip of %s: %+v, %v", q.Values().Encode(), again, err)
	}
	if got := q.Values().Get("min"); got != "39.90" {
		t.Errorf("min written as %q", got)
	}

	for _, tt := range []struct {
		key, value, msg string
	}{
		{"category", "榴莲", "品类“榴莲”不存在，可选："},
		{"county", "长安区", "产地“长安区”不存在"},
		{"supplier", "Not A Slug", "供应商“Not A Slug”不存在。"},
		{"flag", "进口", "认证标志“进口”不存在"},
		{"band", "1-2", "价格区间“1-2”不存在"},
		{"min", "-5", "最低价“-5”无效：价格不能为负数。"},
		{"max", "abc", "最高价“abc”无效"},
		{"min", "1e9", "最低价“1e9”无效"},
		{"max", "100000.01", "最高价“100000.01”无效"},
		{"season", "maybe", "参数 season 的值“maybe”无效"},
		{"q", strings.Repeat("词", 101), "关键词不能超过 100 个字。"},
		{"sort", "cheapest", "排序方式“cheapest”无效"},
		{"page", "0", "页码“0”无效，应为正整数。"},
		{"page", "x", "页码“x”无效"},
	} {
		_, err := catalog.ParseProductQuery(url.Values{tt.key: {tt.value}})
		if zhenxing.ErrorCode(err) != zhenxing.EInvalid || !strings.Contains(zhenxing.ErrorMessage(err), tt.msg) {
			t.Errorf("%s=%s: %v, want EInvalid with %q", tt.key, tt.value, err, tt.msg)
		}
	}
	_, err = catalog.ParseProductQuery(url.Values{"min": {"100"}, "max": {"20"}})
	if !strings.Contains(zhenxing.ErrorMessage(err), "最低价（100.00 元）高于最高价（20.00 元）") {
		t.Errorf("inverted range: %v", err)
	}
}

func FuzzParseProductQuery(f *testing.F) {
	for _, s := range []string{"category=樱桃&county=灞桥区&min=39.9", "sort=-price&page=2", "q=%3Cb%3E&season=1", "min=abc", "band=200-&supplier=a-b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := catalog.ParseProductQuery(v)
		if err != nil {
			if zhenxing.ErrorCode(err) != zhenxing.EInvalid || zhenxing.ErrorMessage(err) == "" {
				t.Fatalf("%q: %v", raw, err)
			}
			return
		}
		again, err := catalog.ParseProductQuery(q.Values())
		q.Page = 0
		if err != nil || !reflect.DeepEqual(again, q) {
			t.Fatalf("%q: round trip %+v, %v; want %+v", raw, again, err, q)
		}
	})
}
