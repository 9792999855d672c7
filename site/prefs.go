package site

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// prefs are the reader's display modes (适老化): larger text and high contrast. They live in a
// cookie, are switched by plain links and need no JavaScript.
type prefs struct {
	LargeText    bool
	HighContrast bool
}

const prefsCookie = "zx_prefs"

func prefsOf(c *fiber.Ctx) prefs {
	v := c.Cookies(prefsCookie)
	return prefs{LargeText: strings.Contains(v, "large"), HighContrast: strings.Contains(v, "contrast")}
}

// Class is the class list of the <html> element.
func (p prefs) Class() string {
	var cls []string
	if p.LargeText {
		cls = append(cls, "large-text")
	}
	if p.HighContrast {
		cls = append(cls, "high-contrast")
	}
	return strings.Join(cls, " ")
}

// setPrefs handles /prefs?text=large|normal&contrast=high|normal&back=/path: it stores the
// choice and sends the reader back to the page they were on.
func (s *Server) setPrefs(c *fiber.Ctx) error {
	p := prefsOf(c)
	switch c.Query("text") {
	case "large":
		p.LargeText = true
	case "normal":
		p.LargeText = false
	}
	switch c.Query("contrast") {
	case "high":
		p.HighContrast = true
	case "normal":
		p.HighContrast = false
	}
	var v []string
	if p.LargeText {
		v = append(v, "large")
	}
	if p.HighContrast {
		v = append(v, "contrast")
	}
	c.Cookie(&fiber.Cookie{
		Name:     prefsCookie,
		Value:    strings.Join(v, "."),
		Path:     "/",
		Expires:  time.Now().AddDate(1, 0, 0),
		HTTPOnly: true,
		Secure:   s.cfg.BaseURL.Scheme == "https",
		SameSite: fiber.CookieSameSiteLaxMode,
	})
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Redirect(localPath(c.Query("back")), fiber.StatusSeeOther)
}

// localPath returns p when it is a path on this site, else "/": never an open redirect.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\r\n") {
		return "/"
	}
	return p
}
