package zhenxing

import (
	"encoding/json"
	"testing"
)

func TestParseYuan(t *testing.T) {
	good := map[string]Money{
		"0": 0, "12": 1200, "12.3": 1230, "12.30": 1230, "12.03": 1203, " 39.9 ": 3990,
		"¥39.90": 3990, "￥1,200": 120000, "1200元": 120000, "99999999999.99": 9999999999999,
	}
	for in, want := range good {
		got, err := ParseYuan(in)
		if err != nil || got != want {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", " ", "-1", "1.234", "1.", ".5", "abc", "1e3", "12,3.4.5", "１２", "999999999999", "+3"} {
		if _, err := ParseYuan(in); ErrorCode(err) != EInvalid {
			t.Errorf("ParseYuan(%q): err %v, want an invalid error", in, err)
		} else if msg := ErrorMessage(err); msg == "" {
			t.Errorf("ParseYuan(%q): no message", in)
		}
	}
}

func TestMoneyFormats(t *testing.T) {
	cases := []struct {
		m           Money
		yuan, short string
		price       string
	}{
		{0, "0.00", "0", "¥0.00"},
		{5, "0.05", "0.05", "¥0.05"},
		{1230, "12.30", "12.3", "¥12.30"},
		{400000, "4000.00", "4000", "¥4000.00"},
		{-5, "-0.05", "-0.05", "¥-0.05"},
	}
	for _, c := range cases {
		if got := c.m.Yuan(); got != c.yuan {
			t.Errorf("%d.Yuan() = %q, want %q", c.m, got, c.yuan)
		}
		if got := c.m.ShortYuan(); got != c.short {
			t.Errorf("%d.ShortYuan() = %q, want %q", c.m, got, c.short)
		}
		if got := c.m.String(); got != c.price {
			t.Errorf("%d.String() = %q, want %q", c.m, got, c.price)
		}
	}
	b, err := json.Marshal(struct{ Price Money }{1230})
	if err != nil || string(b) != `{"Price":1230}` {
		t.Errorf("JSON = %s, %v; want integer fen", b, err)
	}
}
