package site

import (
	"github.com/gofiber/fiber/v2"

	"zhenxing/internal/account"
)

// The password page (/admin/password): every staff member may change the password here, and an
// account marked to change it (the first-run account) is sent here before any other back-office
// page works.

// passwordView is the password page.
type passwordView struct {
	Layout
	Admin      adminBase
	MustChange bool   // the account may use no other page until the password is changed
	MinLength  int    // account.MinPasswordLength
	Error      string // why the last attempt was refused
	Done       bool   // the password has just been changed
}

func (s *Server) renderPassword(c *fiber.Ctx, status int, v passwordView) error {
	v.Admin = adminBaseOf(c, "password")
	v.MustChange = v.Admin.User.MustChangePassword
	v.MinLength = account.MinPasswordLength
	v.Layout = adminLayout("修改密码", crumb{Name: "修改密码"})
	return s.renderPage(c, status, "admin_password", &v)
}

// adminPasswordForm shows the form, or after a change (?done=1) that the password is changed.
func (s *Server) adminPasswordForm(c *fiber.Ctx) error {
	return s.renderPassword(c, fiber.StatusOK, passwordView{Done: c.Query("done") == "1" && !userOf(c).MustChangePassword})
}

// adminPasswordChange checks the current password and sets the new one. A refusal gives the form
// again: 400 for a new password that is too short, differs from its confirmation or equals the
// current one, 401 for a wrong current password, 429 with Retry-After while the account or the
// address is locked. Success ends every session of the account, starts a new one and shows that
// the password is changed.
func (s *Server) adminPasswordChange(c *fiber.Ctx) error {
	current, next := formField(c, "current"), formField(c, "password")
	if current == "" || next == "" {
		return s.renderPassword(c, fiber.StatusBadRequest, passwordView{Error: "请输入当前密码和新密码。"})
	}
	if next != formField(c, "confirm") {
		return s.renderPassword(c, fiber.StatusBadRequest, passwordView{Error: "两次输入的新密码不一致。"})
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	u, now := userOf(c), s.cfg.Now()
	if err := s.deps.Accounts.ChangePassword(ctx, u.ID, current, next, s.clientIP(c), now); err != nil {
		status, message, shown := s.refusal(c, err, now)
		if !shown {
			return err
		}
		return s.renderPassword(c, status, passwordView{Error: message})
	}
	sess, err := s.deps.Accounts.RotateSession(ctx, c.Cookies(sessionCookie), u.ID, now, s.sessionMaxAge())
	if err != nil {
		return err
	}
	s.setSessionCookie(c, sess)
	s.log.Info("password changed", "request_id", requestID(c), "user", u.Username, "ip", s.clientIP(c))
	return c.Redirect("/admin/password?done=1", fiber.StatusSeeOther)
}

// requirePasswordChanged sends an account marked to change its password to the password page
// (303; 403 JSON for requests accepting JSON) instead of any page registered after it.
func (s *Server) requirePasswordChanged(c *fiber.Ctx) error {
	if u := userOf(c); u != nil && u.MustChangePassword {
		if wantsJSON(c) {
			return c.Status(fiber.StatusForbidden).JSON(fiber.Map{"error": "请先修改初始密码。"})
		}
		return c.Redirect("/admin/password", fiber.StatusSeeOther)
	}
	return c.Next()
}
