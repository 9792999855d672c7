package zhenxing

import (
	"time"
	_ "time/tzdata" // Asia/Shanghai without the host's zone database (distroless images have none)
)

// Beijing is the time zone every date of the product is read and shown in (Asia/Shanghai,
// UTC+8, no daylight saving time since 1991).
var Beijing = mustLoadLocation("Asia/Shanghai")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("zhenxing: " + err.Error()) // unreachable: time/tzdata is embedded
	}
	return loc
}
