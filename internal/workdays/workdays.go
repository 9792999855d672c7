// Package workdays counts working days in mainland China: weekends and the official holidays
// are days off, and the make-up working days (调休上班) that the State Council sets on weekends are
// working days. The holidays of each year the State Council has published are a data file,
// holidays/{year}.txt (written by ./gen from github.com/6tail/lunar-go's tables, which follow the
// notices). For a year without a file only weekends are skipped, and Known says so, so that
// staff pages can warn that the holiday calendar is missing.
package workdays

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"zhenxing"
)

//go:embed holidays/*.txt
var files embed.FS

// Calendar is the holidays and make-up working days of the years it knows.
type Calendar struct {
	off, on map[civil]string // holidays and make-up days, with the holiday's name
	years   []int            // the years it has a file for, ascending
}

// civil is a calendar date, without a time zone.
type civil struct {
	y int
	m time.Month
	d int
}

func dateOf(t time.Time) civil {
	y, m, d := t.In(zhenxing.Beijing).Date()
	return civil{y, m, d}
}

// Default is the calendar of the embedded holiday files, read once.
var Default = sync.OnceValue(func() *Calendar {
	c, err := Load(files)
	if err != nil {
		panic("workdays: embedded holiday files: " + err.Error())
	}
	return c
})

// Load reads every holidays/{year}.txt of fsys. Each line is a date, 休 (day off) or 班 (make-up
// working day) and the holiday's name; blank lines and lines starting with # are skipped. A line
// that does not read so, or a date outside the file's year, is an error naming file and line.
func Load(fsys fs.FS) (*Calendar, error) {
	names, err := fs.Glob(fsys, "holidays/*.txt")
	if err != nil {
		return nil, err
	}
	c := &Calendar{off: map[civil]string{}, on: map[civil]string{}}
	for _, name := range names {
		year, err := strconv.Atoi(strings.TrimSuffix(path.Base(name), ".txt"))
		if err != nil {
			return nil, fmt.Errorf("%s: the file name is not a year", name)
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		for i, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			f := strings.Fields(line)
			if len(f) < 2 {
				return nil, fmt.Errorf("%s：%d: want a date, 休 or 班， and a name", name, i+1)
			}
			t, err := time.Parse(time.DateOnly, f[0])
			if err != nil || t.Year() != year {
				return nil, fmt.Errorf("%s:%d: %q is not a date of %d", name, i+1, f[0], year)
			}
			d := civil{t.Year(), t.Month(), t.Day()}
			label := strings.Join(f[2:], " ")
			switch f[1] {
			case "休":
				c.off[d] = label
			case "班":
				c.on[d] = label
			default:
				return nil, fmt.Errorf("%s：%d: %q is neither 休 nor 班", name, i+1, f[1])
			}
		}
		c.years = append(c.years, year)
	}
	slices.Sort(c.years)
	return c, nil
}

// Known reports whether the calendar has the holidays of year.
func (c *Calendar) Known(year int) bool {
	_, ok := slices.BinarySearch(c.years, year)
	return ok
}

// Years lists the years the calendar knows, ascending.
func (c *Calendar) Years() []int { return slices.Clone(c.years) }

// IsWorkday reports whether the day of t (in Beijing) is a working day.
func (c *Calendar) IsWorkday(t time.Time) bool { return c.isWorkday(dateOf(t)) }

func (c *Calendar) isWorkday(d civil) bool {
	if _, ok := c.on[d]; ok {
		return true
	}
	if _, ok := c.off[d]; ok {
		return false
	}
	wd := time.Date(d.y, d.m, d.d, 12, 0, 0, 0, time.UTC).Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Add returns the day, at the end of it in Beijing (23:59:59), that is n working days after the
// day of start: the day of start does not count, as a 20-working-day reply period starts the
// day after a request is received. n must be at least 0; 0 is the end of start's own day.
func (c *Calendar) Add(start time.Time, n int) time.Time {
	d := start.In(zhenxing.Beijing)
	day := time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, zhenxing.Beijing)
	for n > 0 {
		day = day.AddDate(0, 0, 1)
		if c.IsWorkday(day) {
			n--
		}
	}
	return time.Date(day.Year(), day.Month(), day.Day(), 23, 59, 59, 0, zhenxing.Beijing)
}

// Between is the number of working days after the day of from up to and including the day of
// to; 0 when to is not after from.
func (c *Calendar) Between(from, to time.Time) int {
	a, b := from.In(zhenxing.Beijing), to.In(zhenxing.Beijing)
	day := time.Date(a.Year(), a.Month(), a.Day(), 12, 0, 0, 0, zhenxing.Beijing)
	end := time.Date(b.Year(), b.Month(), b.Day(), 12, 0, 0, 0, zhenxing.Beijing)
	n := 0
	for day.Before(end) {
		day = day.AddDate(0, 0, 1)
		if c.IsWorkday(day) {
			n++
		}
	}
	return n
}

// Missing lists the years from the day of from to the day of to that the calendar does not know:
// deadlines in them skip only weekends.
func (c *Calendar) Missing(from, to time.Time) []int {
	var out []int
	for y := dateOf(from).y; y <= dateOf(to).y; y++ {
		if !c.Known(y) {
			out = append(out, y)
		}
	}
	return out
}
