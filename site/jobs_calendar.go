package site

import (
	"fmt"
	"strings"

	ics "github.com/arran4/golang-ical"
	"github.com/gofiber/fiber/v2"

	"zhenxing"
	"zhenxing/content"
)

// The iCalendar export (RFC 5545) is written by github.com/arran4/golang-ical, which ends lines
// with CRLF, folds them at 75 octets without splitting a UTF-8 character and escapes TEXT values.
// Times are local times of a VTIMEZONE for Asia/Shanghai, which has kept +08:00 without daylight
// saving time since 1992, so one STANDARD rule describes it exactly.

const calendarTZID = "Asia/Shanghai"

const icalLocal = "20060102T150405"

// eventICS is the iCalendar file of one event.
func (s *Server) eventICS(c *fiber.Ctx) error {
	e, err := s.deps.Content.Library().Event(c.Params("slug"))
	if err != nil {
		return err
	}
	cal := s.newCalendar(e.Title)
	s.addEvent(cal, e)
	return sendCalendar(c, cal, e.Slug+".ics")
}

// calendarICS is the subscription feed: every event that has not ended yet, cancelled ones
// included so that calendars drop them.
func (s *Server) calendarICS(c *fiber.Ctx) error {
	cal := s.newCalendar(s.cfg.Identity.Name + " · " + jobsColumn)
	cal.SetRefreshInterval("PT6H")
	cal.SetXPublishedTTL("PT6H")
	now := s.now()
	for _, e := range s.deps.Content.Library().AllEvents() {
		if !e.Ended(now) {
			s.addEvent(cal, e)
		}
	}
	return sendCalendar(c, cal, "jobs.ics")
}

func (s *Server) newCalendar(name string) *ics.Calendar {
	cal := ics.NewCalendar()
	cal.SetProductId("-//" + s.cfg.BaseURL.Hostname() + "//zhenxing jobs//ZH-CN")
	cal.SetMethod(ics.MethodPublish)
	cal.SetCalscale("GREGORIAN")
	cal.SetName(name)
	cal.SetXWRCalName(name)
	cal.SetXWRTimezone(calendarTZID)
	tz := cal.AddTimezone(calendarTZID)
	std := tz.AddStandard()
	std.SetProperty(ics.ComponentProperty("DTSTART"), "19700101T000000")
	std.SetProperty(ics.ComponentProperty("TZOFFSETFROM"), "+0800")
	std.SetProperty(ics.ComponentProperty("TZOFFSETTO"), "+0800")
	std.SetProperty(ics.ComponentProperty("TZNAME"), "CST")
	return cal
}

// addEvent adds one VEVENT. Its UID is stable (slug@host), DTSTAMP and LAST-MODIFIED are when the
// event last changed, and SEQUENCE rises once it is cancelled, moved or postponed.
func (s *Server) addEvent(cal *ics.Calendar, e *content.Event) {
	ev := cal.AddEvent(e.Slug + "@" + s.cfg.BaseURL.Hostname())
	ev.SetDtStampTime(e.Updated)
	ev.SetModifiedAt(e.Updated)
	ev.SetCreatedTime(e.Published)
	ev.SetSequence(e.Sequence())
	ev.SetProperty(ics.ComponentPropertyDtStart, e.Start.In(zhenxing.Beijing).Format(icalLocal), ics.WithTZID(calendarTZID))
	ev.SetProperty(ics.ComponentPropertyDtEnd, e.End.In(zhenxing.Beijing).Format(icalLocal), ics.WithTZID(calendarTZID))
	summary := e.Title
	switch e.Status {
	case content.Cancelled:
		ev.SetStatus(ics.ObjectStatusCancelled)
		summary = "【已取消】" + summary
	case content.Postponed:
		ev.SetStatus(ics.ObjectStatusTentative)
		summary = "【已延期】" + summary
	default:
		ev.SetStatus(ics.ObjectStatusConfirmed)
	}
	ev.SetSummary(summary)
	ev.SetLocation(calendarLocation(e))
	ev.SetURL(s.absURL(e.URL()))
	ev.SetDescription(s.calendarDescription(e))
	ev.AddCategory(string(e.Kind))
	ev.SetClass(ics.ClassificationPublic)
}

func calendarLocation(e *content.Event) string {
	var parts []string
	if v := e.Venue; v != nil {
		parts = append(parts, v.Name, v.Address)
	}
	if e.Live != "" {
		parts = append(parts, "线上："+e.Live)
	}
	return strings.Join(parts, ", ")
}

func (s *Server) calendarDescription(e *content.Event) string {
	var b strings.Builder
	line := func(label, value string) {
		if value != "" {
			b.WriteString(label + "\uff1a" + value + "\n")
		}
	}
	switch e.Status {
	case content.Cancelled:
		b.WriteString("本场活动已取消。\n")
	case content.Rescheduled:
		b.WriteString("本场活动已改期，原定 " + e.PreviousStart.In(zhenxing.Beijing).Format("2006-01-02 15:04") + " 开始。\n")
	case content.Postponed:
		b.WriteString("本场活动已延期，新的时间另行通知。\n")
	}
	line("类型", string(e.Kind)+"\uff08"+string(e.Mode)+"\uff09")
	line("时间", timeRange(e.Start, e.End))
	if v := e.Venue; v != nil {
		line("地点", v.District+v.Township+" "+v.Name+","+v.Address)
		line("交通", v.Transport)
	}
	line("线上参与", e.Live)
	line("主办", strings.Join(e.Hosts, "、"))
	line("报名", e.Registration.How)
	contact := strings.TrimSpace(e.Contact.Name + " " + e.Contact.Phone)
	line("咨询", contact)
	if n := e.Headcount(); n > 0 {
		fmt.Fprintf(&b, "用人单位 %d 家，招聘 %d 人。\n", len(e.Employers), n)
	}
	line("详情", s.absURL(e.URL()))
	return strings.TrimSuffix(b.String(), "\n")
}

func sendCalendar(c *fiber.Ctx, cal *ics.Calendar, filename string) error {
	var b strings.Builder
	if err := cal.SerializeTo(&b, ics.WithNewLine("\r\n"), ics.WithLineLength(75)); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="`+filename+`"`)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.SendString(b.String())
}
