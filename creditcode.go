package zhenxing

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// creditCodeChars are the characters of a 统一社会信用代码 (GB 32100-2015): digits and the capital
// letters but I, O, Z, S and V, each worth its index.
const creditCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditCodeWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// CreditCodeCheckChar returns the check character of a 统一社会信用代码 whose first 17 characters
// are first17, and false when first17 is not 17 valid characters.
func CreditCodeCheckChar(first17 string) (byte, bool) {
	if len(first17) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditCodeChars, first17[i])
		if v < 0 {
			return 0, false
		}
		sum += v * creditCodeWeights[i]
	}
	return creditCodeChars[(31-sum%31)%31], true
}

// NormalizeCreditCode returns code without surrounding spaces and in capitals, the form in
// which credit codes are stored.
func NormalizeCreditCode(code string) string { return strings.ToUpper(strings.TrimSpace(code)) }

// CheckCreditCode verifies a 统一社会信用代码 (surrounding spaces and lower case are tolerated):
// 18 characters from the code's alphabet, administrative-division digits in places 3 to 8, and
// the check character of GB 32100-2015. The error is EInvalid with a Chinese message that quotes
// the code.
func CheckCreditCode(code string) error {
	c := NormalizeCreditCode(code)
	bad := func(why string) error {
		return Errorf(EInvalid, "统一社会信用代码“%s”%s", code, why)
	}
	if utf8.RuneCountInString(c) != 18 || len(c) != 18 {
		return bad("应为 18 位")
	}
	for i := 0; i < 18; i++ {
		if strings.IndexByte(creditCodeChars, c[i]) < 0 {
			return bad(fmt.Sprintf("第 %d 位“%c”不是有效字符（不使用 I、O、Z、S、V）", i+1, c[i]))
		}
	}
	for i := 2; i < 8; i++ {
		if c[i] < '0' || c[i] > '9' {
			return bad("第 3—8 位应为行政区划代码（数字）")
		}
	}
	if want, _ := CreditCodeCheckChar(c[:17]); c[17] != want {
		return bad("校验位不正确")
	}
	return nil
}

// ValidCreditCode reports whether code is a 统一社会信用代码 that CheckCreditCode accepts.
func ValidCreditCode(code string) bool { return CheckCreditCode(code) == nil }
