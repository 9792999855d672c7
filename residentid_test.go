package zhenxing

import (
	"testing"
	"time"
)

func TestCheckResidentID(t *testing.T) {
	now := time.Date(2026, 12, 2, 0, 0, 0, 0, Beijing)
	// 11010519491231002X is the example number of GB 11643-1999.
	for _, ok := range []string{"11010519491231002X", "11010519491231002x", " 11010519491231002X "} {
		if err := CheckResidentID(ok, now); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"110105194912310021", "11010519491331002X", "1101051949123100", "11010520301231002X", "1101051949123100AX"} {
		if err := CheckResidentID(bad, now); ErrorCode(err) != EInvalid {
			t.Errorf("%s: %v", bad, err)
		}
	}
}
