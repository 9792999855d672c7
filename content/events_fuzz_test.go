package content

import (
	"strings"
	"testing"
)

// FuzzParseEvent feeds arbitrary files to the event parser: it must never panic, and an event
// it accepts must be consistent (end after start, positive headcounts, salaries the right way
// round).
func FuzzParseEvent(f *testing.F) {
	f.Add([]byte(eventFile))
	f.Add([]byte(welfareFile))
	f.Add([]byte(replace(eventFile, "start: 2026-12-05 09:00 +08:00", "start: 2026-12-05 09:00")))
	f.Add([]byte("---\nemployers: [1, 2]\nvenue: []\nstages: {a: b}\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, problems := parseEvent("events/fuzz.md", data)
		if e == nil {
			if len(problems) == 0 {
				t.Fatal("rejected without a problem")
			}
			return
		}
		if !e.End.After(e.Start) {
			t.Errorf("accepted an event ending %s before it starts %s", e.End, e.Start)
		}
		for _, p := range e.Positions() {
			if p.Headcount <= 0 || (p.Salary != nil && p.Salary.Min > p.Salary.Max) {
				t.Errorf("accepted position %+v", p)
			}
		}
		for _, p := range problems {
			if !strings.HasPrefix(p.String(), "events/fuzz.md:") {
				t.Errorf("problem without its file: %s", p)
			}
		}
	})
}
