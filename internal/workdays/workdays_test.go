package workdays

import (
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"

	"zhenxing"
)

func day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 10, 0, 0, 0, zhenxing.Beijing)
}

func TestAddAcrossHolidays(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		name  string
		start time.Time
		n     int
		want  time.Time
	}{
		// 2025 National Day and Mid-Autumn: 10-01 to 10-08 off, Sunday 09-28 and Saturday 10-11 worked.
		{"make-up Sunday before National Day", day(2025, 9, 26), 1, day(2025, 9, 28)},
		{"last day before National Day", day(2025, 9, 26), 3, day(2025, 9, 30)},
		{"first day after National Day", day(2025, 9, 26), 4, day(2025, 10, 9)},
		{"make-up Saturday after National Day", day(2025, 9, 26), 6, day(2025, 10, 11)},
		{"the Monday after", day(2025, 9, 26), 7, day(2025, 10, 13)},
		// 2026 Spring Festival: 02-15 to 02-23 off, Saturdays 02-14 and 02-28 worked.
		{"make-up Saturday before Spring Festival", day(2026, 2, 12), 2, day(2026, 2, 14)},
		{"first day after Spring Festival", day(2026, 2, 12), 3, day(2026, 2, 24)},
		{"make-up Saturday after Spring Festival", day(2026, 2, 12), 7, day(2026, 2, 28)},
		{"twenty working days over Spring Festival", day(2026, 2, 12), 20, day(2026, 3, 18)},
		{"no days", day(2026, 2, 15), 0, day(2026, 2, 15)},
	} {
		got := c.Add(tc.start, tc.n)
		want := time.Date(tc.want.Year(), tc.want.Month(), tc.want.Day(), 23, 59, 59, 0, zhenxing.Beijing)
		if !got.Equal(want) {
			t.Errorf("%s: Add(%s, %d) = %s, want %s", tc.name, tc.start.Format(time.DateOnly), tc.n, got.Format(time.DateOnly), want.Format(time.DateOnly))
		}
		if tc.n > 0 {
			if n := c.Between(tc.start, got); n != tc.n {
				t.Errorf("%s: Between = %d, want %d", tc.name, n, tc.n)
			}
		}
	}
	if c.IsWorkday(day(2026, 2, 17)) || !c.IsWorkday(day(2026, 2, 14)) || c.IsWorkday(day(2026, 3, 7)) {
		t.Error("IsWorkday: 2026-02-17 is 春节， 2026-02-14 a make-up Saturday, 2026-03-07 an ordinary Saturday")
	}
}

func TestYearWithoutCalendar(t *testing.T) {
	c, err := Load(fstest.MapFS{"holidays/2025.txt": {Data: []byte("2025-10-01 休 国庆节\n")}})
	if err != nil {
		t.Fatal(err)
	}
	if c.Known(2029) || !c.Known(2025) {
		t.Errorf("known years: %v", c.Years())
	}
	// 2030-01-01 is a holiday in fact, but without a 2030 file only the weekend is skipped.
	if got := c.Add(day(2029, 12, 28), 2); got.Format(time.DateOnly) != "2030-01-01" {
		t.Errorf("Add over a year without a calendar: %s", got.Format(time.DateOnly))
	}
	if got := c.Missing(day(2029, 12, 28), day(2030, 1, 5)); !slices.Equal(got, []int{2029, 2030}) {
		t.Errorf("Missing: %v", got)
	}
}

func TestLoadRefusesBadLines(t *testing.T) {
	for _, text := range []string{"2025-13-01 休 元旦\n", "2024-10-01 休 国庆节\n", "2025-10-01 放 国庆节\n", "2025-10-01\n"} {
		if _, err := Load(fstest.MapFS{"holidays/2025.txt": {Data: []byte(text)}}); err == nil {
			t.Errorf("%q: no error", text)
		}
	}
}

// Every committed file says what lunar-go's tables, which follow the State Council's notices, say.
func TestFilesAgreeWithTheNotices(t *testing.T) {
	c := Default()
	if len(c.Years()) == 0 {
		t.Fatal("no holiday files")
	}
	for _, y := range c.Years() {
		off, on := map[civil]bool{}, map[civil]bool{}
		days := HolidayUtil.GetHolidaysByYear(y)
		for e := days.Front(); e != nil; e = e.Next() {
			h := e.Value.(*HolidayUtil.Holiday)
			d, err := time.Parse(time.DateOnly, h.GetDay())
			if err != nil {
				t.Fatal(err)
			}
			if h.IsWork() {
				on[civil{d.Year(), d.Month(), d.Day()}] = true
			} else {
				off[civil{d.Year(), d.Month(), d.Day()}] = true
			}
		}
		for d := time.Date(y, 1, 1, 12, 0, 0, 0, zhenxing.Beijing); d.Year() == y; d = d.AddDate(0, 0, 1) {
			cd := dateOf(d)
			_, fileOff := c.off[cd]
			_, fileOn := c.on[cd]
			if fileOff != off[cd] || fileOn != on[cd] {
				t.Errorf("%s: file says off %v, make-up %v; the tables say off %v, make-up %v", d.Format(time.DateOnly), fileOff, fileOn, off[cd], on[cd])
			}
		}
	}
}
