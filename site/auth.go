package site

import (
	"crypto/subtle"
	"errors"
	"math"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"zhenxing"
	"zhenxing/internal/account"
)

// Sessions: a random token in the zx_session cookie names a row of the sessions table (by its
// SHA-256), so any replica serves any session. The row carries the CSRF token of every form.

const (
	sessionCookie = "zx_session"
	localsSession = "zx.session"

	// DefaultSessionIdle and DefaultSessionMaxAge apply when Config leaves the timeouts zero.
	DefaultSessionIdle   = 30 * time.Minute
	DefaultSessionMaxAge = 12 * time.Hour
)

func (s *Server) sessionIdle() time.Duration {
	if s.cfg.SessionIdle > 0 {
		return s.cfg.SessionIdle
	}
	return DefaultSessionIdle
}

func (s *Server) sessionMaxAge() time.Duration {
	if s.cfg.SessionMaxAge > 0 {
		return s.cfg.SessionMaxAge
	}
	return DefaultSessionMaxAge
}

// loadSession puts the live session named by the cookie, if any, into c.Locals. A cookie whose
// session has expired or ended is cleared. Responses behind it are never cached.
func (s *Server) loadSession(c *fiber.Ctx) error {
	if err := s.readSession(c); err != nil {
		return err
	}
	return c.Next()
}

// readSession is loadSession for a handler outside the routes that load sessions: a page that
// shows a form only sometimes (a document open for comment).
func (s *Server) readSession(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if token := c.Cookies(sessionCookie); token != "" {
		ctx, cancel := dbContext(c)
		sess, err := s.deps.Accounts.Session(ctx, token, s.cfg.Now(), s.sessionIdle())
		cancel()
		switch zhenxing.ErrorCode(err) {
		case "":
			c.Locals(localsSession, sess)
		case zhenxing.ENotFound:
			s.clearSessionCookie(c)
		default:
			return err
		}
	}
	return nil
}

// sessionOf returns the request's session, or nil.
func sessionOf(c *fiber.Ctx) *account.Session {
	sess, _ := c.Locals(localsSession).(*account.Session)
	return sess
}

// userOf returns the logged-in account, or nil.
func userOf(c *fiber.Ctx) *account.User {
	if sess := sessionOf(c); sess != nil {
		return sess.User
	}
	return nil
}

// csrfOf returns the CSRF token for the forms of the page, "" without a session.
func csrfOf(c *fiber.Ctx) string {
	if sess := sessionOf(c); sess != nil {
		return sess.CSRFToken
	}
	return ""
}

func (s *Server) setSessionCookie(c *fiber.Ctx, sess *account.Session) {
	c.Cookie(&fiber.Cookie{
		Name:     sessionCookie,
		Value:    sess.Token,
		Path:     "/",
		Expires:  sess.ExpiresAt,
		HTTPOnly: true,
		Secure:   s.cfg.BaseURL.Scheme == "https",
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}

func (s *Server) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{
		Name:     sessionCookie,
		Value:    "",
		Path:     "/",
		Expires:  time.Unix(0, 0),
		MaxAge:   -1,
		HTTPOnly: true,
		Secure:   s.cfg.BaseURL.Scheme == "https",
		SameSite: fiber.CookieSameSiteLaxMode,
	})
	c.Locals(localsSession, nil)
}

// formField returns a field of a url-encoded or multipart request body, never of the query
// string (a token must not travel in a URL).
func formField(c *fiber.Ctx, name string) string {
	if v := c.Request().PostArgs().Peek(name); len(v) > 0 {
		return string(v)
	}
	if form, err := c.MultipartForm(); err == nil {
		if v := form.Value[name]; len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// checkCSRF refuses a POST, PUT, PATCH or DELETE whose _csrf form field (or X-CSRF-Token
// header) differs from the session's token, with 403 and a Chinese page.
func (s *Server) checkCSRF(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions, fiber.MethodTrace:
		return c.Next()
	}
	token := formField(c, "_csrf")
	if token == "" {
		token = c.Get("X-CSRF-Token")
	}
	sess := sessionOf(c)
	if sess == nil || token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(sess.CSRFToken)) != 1 {
		return zhenxing.Errorf(zhenxing.EForbidden, "安全校验未通过：表单已过期或并非从本站提交。请返回上一页，刷新后重新操作。")
	}
	return c.Next()
}

// clientIP is the address the login throttle counts against. Behind trusted proxies it is the
// rightmost X-Forwarded-For entry that is not one of them: entries to its left are whatever the
// client chose to send, and would let it change its key at will.
func (s *Server) clientIP(c *fiber.Ctx) string {
	remote := c.Context().RemoteIP().String()
	if len(s.cfg.TrustedProxies) == 0 || !c.IsProxyTrusted() {
		return remote
	}
	trusted := func(a netip.Addr) bool {
		for _, p := range s.cfg.TrustedProxies {
			if pfx, err := netip.ParsePrefix(p); err == nil && pfx.Contains(a) {
				return true
			}
			if ip, err := netip.ParseAddr(p); err == nil && ip == a {
				return true
			}
		}
		return false
	}
	hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a garbled entry: nothing left of it can be trusted
		}
		if a = a.Unmap(); !trusted(a) {
			return a.String()
		}
	}
	return remote
}

// wantsJSON reports whether the client prefers JSON to HTML.
func wantsJSON(c *fiber.Ctx) bool {
	return c.Accepts(fiber.MIMETextHTML, fiber.MIMEApplicationJSON) == fiber.MIMEApplicationJSON
}

// requireRole lets through a staff account holding one of roles (an administrator holds them
// all); with no roles, any staff account. Without a session a page request is sent to the login
// page (303, with the page to come back to) and a JSON request gets 401; an account without the
// role (a buyer, or staff with other roles) gets 403 with a Chinese page or JSON message.
func (s *Server) requireRole(roles ...account.Role) fiber.Handler {
	need := ""
	if len(roles) > 0 {
		labels := make([]string, len(roles))
		for i, r := range roles {
			labels[i] = "“" + r.Label() + "”"
		}
		need = "需要" + strings.Join(labels, "或") + "角色，请联系管理员。"
	}
	return func(c *fiber.Ctx) error {
		u := userOf(c)
		if u == nil {
			if wantsJSON(c) {
				return c.Status(fiber.StatusUnauthorized).JSON(fiber.Map{"error": "请先登录后台。"})
			}
			target := "/admin/login"
			if c.Method() == fiber.MethodGet && c.Path() != "/admin/" && c.Path() != "/admin" {
				target += "?next=" + url.QueryEscape(c.OriginalURL())
			}
			return c.Redirect(target, fiber.StatusSeeOther)
		}
		message := ""
		switch {
		case !u.HasRole():
			message = "该账号没有后台访问权限。后台仅供工作人员使用。"
		case !u.HasRole(roles...):
			message = "该账号没有此页面的访问权限：" + need
		default:
			return c.Next()
		}
		if wantsJSON(c) {
			return c.Status(fiber.StatusForbidden).JSON(fiber.Map{"error": message})
		}
		return zhenxing.Errorf(zhenxing.EForbidden, "%s", message)
	}
}

// refusal returns the status and message with which a form shows err, when it is one the user
// can act on: invalid input, wrong credentials, a forbidden account or a lockout (with its
// Retry-After header). shown is false for any other error, which goes to the error handler.
func (s *Server) refusal(c *fiber.Ctx, err error, now time.Time) (status int, message string, shown bool) {
	switch code := zhenxing.ErrorCode(err); code {
	case zhenxing.EInvalid, zhenxing.EUnauthorized, zhenxing.EForbidden, zhenxing.ETooMany:
		status = statusOf[code]
	default:
		return 0, "", false
	}
	var lock *account.LockoutError
	if errors.As(err, &lock) {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(lock.Until.Sub(now).Seconds()))))
	}
	return status, zhenxing.ErrorMessage(err), true
}

// logOut ends the request's session on the server, clears its cookie and sends the browser to
// the login page at login, which then says the user has logged out.
func (s *Server) logOut(c *fiber.Ctx, login string) error {
	ctx, cancel := dbContext(c)
	defer cancel()
	if err := s.deps.Accounts.DeleteSession(ctx, c.Cookies(sessionCookie)); err != nil {
		return err
	}
	s.clearSessionCookie(c)
	return c.Redirect(login+"?out=1", fiber.StatusSeeOther)
}
