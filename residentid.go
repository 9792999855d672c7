package zhenxing

import (
	"strings"
	"time"
)

var residentIDWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// residentIDCheck maps the weighted sum mod 11 to the check character (GB 11643-1999).
const residentIDCheck = "10X98765432"

// NormalizeResidentID returns a resident ID number without surrounding spaces and with a
// capital X.
func NormalizeResidentID(id string) string { return strings.ToUpper(strings.TrimSpace(id)) }

// CheckResidentID verifies an 18-digit 居民身份证号码: 17 digits, a birth date that exists and is
// not in the future of now, and the check character of GB 11643-1999 (a digit or X). The error
// is EInvalid with a Chinese message that does not repeat the number (it is personal data).
func CheckResidentID(id string, now time.Time) error {
	id = NormalizeResidentID(id)
	if len(id) != 18 {
		return Errorf(EInvalid, "居民身份证号码应为 18 位，请核对。")
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := id[i]
		if c < '0' || c > '9' {
			return Errorf(EInvalid, "居民身份证号码的前 17 位应为数字，请核对。")
		}
		sum += int(c-'0') * residentIDWeights[i]
	}
	birth, err := time.Parse("20060102", id[6:14])
	if err != nil || birth.After(now) || birth.Year() < 1900 {
		return Errorf(EInvalid, "居民身份证号码中的出生日期不正确，请核对。")
	}
	if id[17] != residentIDCheck[sum%11] {
		return Errorf(EInvalid, "居民身份证号码的校验位不正确，请核对是否输错。")
	}
	return nil
}
