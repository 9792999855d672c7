package zhenxing_test

import (
	"strings"
	"testing"

	"zhenxing"
)

func TestCheckCreditCode(t *testing.T) {
	first17 := "93610727MA63PWQ34"
	c, ok := zhenxing.CreditCodeCheckChar(first17)
	if !ok {
		t.Fatalf("CreditCodeCheckChar(%q) refused", first17)
	}
	valid := first17 + string(c)
	if valid != "93610727MA63PWQ346" {
		t.Fatalf("computed %q, want the seed cooperative's code", valid)
	}
	tests := []struct {
		name, code string
		ok         bool
		message    string
	}{
		{"seed cooperative", valid, true, ""},
		{"published example", "91350100M000100Y43", true, ""},
		{"lower case and spaces", " " + strings.ToLower(valid) + " ", true, ""},
		{"check digit wrong", valid[:17] + "7", false, "校验位不正确"},
		{"letter O", "9361072OMA63PWQ346", false, "不是有效字符"},
		{"too long", valid + "1", false, "18 位"},
		{"letters in the division code", "9361A727MA63PWQ346", false, "行政区划"},
		{"empty", "", false, "18 位"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := zhenxing.CheckCreditCode(tt.code)
			if zhenxing.ValidCreditCode(tt.code) != tt.ok {
				t.Errorf("ValidCreditCode(%q) = %v", tt.code, !tt.ok)
			}
			if tt.ok {
				if err != nil {
					t.Fatalf("CheckCreditCode(%q) = %v", tt.code, err)
				}
				return
			}
			if zhenxing.ErrorCode(err) != zhenxing.EInvalid || !strings.Contains(zhenxing.ErrorMessage(err), tt.message) {
				t.Fatalf("CheckCreditCode(%q) = %v, want EInvalid mentioning %q", tt.code, err, tt.message)
			}
		})
	}
	if got := zhenxing.NormalizeCreditCode(" 91350100m000100y43 "); got != "91350100M000100Y43" {
		t.Errorf("NormalizeCreditCode = %q", got)
	}
}
