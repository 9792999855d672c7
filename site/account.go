package site

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"zhenxing"
	"zhenxing/internal/account"
	"zhenxing/internal/db"
)

// The buyers' side of the hall (/account): registration of an organisation, login and logout,
// accepting an invitation, and the organisation's own page (account_org.go). A buyer session is
// a session of the same table as the back office's; the pages behind requireBuyer need one.

// Public forms are limited per client address, counted in PostgreSQL so that replicas agree.
var (
	registerRate = db.Rate{Max: 5, Window: time.Hour}
	inviteRate   = db.Rate{Max: 5, Window: time.Hour}
)

// accountLayout is the layout of a buyer page titled title, in the hall's section, never
// indexed, with crumbs from the home page through the hall down to crumbs.
func accountLayout(title string, crumbs ...crumb) Layout {
	all := []crumb{{"首页", "/"}, {hallColumn, "/hall/"}}
	if len(crumbs) == 0 {
		crumbs = []crumb{{Name: title}}
	}
	return Layout{Title: title, Column: hallColumn, Section: sectionHall, NoIndex: true, Crumbs: append(all, crumbs...)}
}

// ensureSession gives the request an anonymous session, to carry the CSRF token of a public form,
// when it has none.
func (s *Server) ensureSession(c *fiber.Ctx) error {
	if sessionOf(c) != nil {
		return nil
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	sess, err := s.deps.Accounts.CreateSession(ctx, 0, s.cfg.Now(), s.sessionIdle())
	if err != nil {
		return err
	}
	s.setSessionCookie(c, sess)
	c.Locals(localsSession, sess)
	return nil
}

// rateLimit counts one use under key (an action and who does it: "register:" and the client's
// address). Past rate it returns the ETooMany error, having set Retry-After.
func (s *Server) rateLimit(c *fiber.Ctx, key string, rate db.Rate) error {
	ctx, cancel := dbContext(c)
	defer cancel()
	err := db.NewLimiter(s.deps.DB).Allow(ctx, key, rate, s.cfg.Now())
	setRetryAfter(c, err)
	return err
}

// setRetryAfter sets Retry-After when err is a rate limit's ETooMany.
func setRetryAfter(c *fiber.Ctx, err error) {
	var rl *db.RateLimitError
	if zhenxing.ErrorCode(err) == zhenxing.ETooMany && errors.As(err, &rl) {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(rl.Seconds()))
	}
}

// formStatus returns the status and message with which a form shows err when the user can act
// on it (invalid input, a conflict, a refusal, a limit); shown is false for any other error.
func (s *Server) formStatus(c *fiber.Ctx, err error) (status int, message string, shown bool) {
	switch code := zhenxing.ErrorCode(err); code {
	case zhenxing.EConflict, zhenxing.ENotFound:
		return statusOf[code], zhenxing.ErrorMessage(err), true
	}
	return s.refusal(c, err, s.cfg.Now())
}

// requireBuyer lets through an enabled buyer of an organisation. Without a session a page
// request goes to the buyers' login (303, with the page to come back to); a staff account, or a
// buyer without organisation, gets 403.
func (s *Server) requireBuyer(c *fiber.Ctx) error {
	u := userOf(c)
	switch {
	case u == nil:
		target := "/account/login"
		if c.Method() == fiber.MethodGet {
			target += "?next=" + url.QueryEscape(c.OriginalURL())
		}
		return c.Redirect(target, fiber.StatusSeeOther)
	case u.Kind == account.KindStaff:
		return zhenxing.Errorf(zhenxing.EForbidden, "工作人员账号不能使用采购单位页面，请退出后台后用采购单位的账号登录。")
	case !u.IsBuyer():
		return zhenxing.Errorf(zhenxing.EForbidden, "该账号没有关联采购单位，请联系馆务工作人员。")
	}
	return c.Next()
}

// accountNext is where a buyer goes after logging in: next when it is a page of the buyers'
// side or the hall, else the organisation's page.
func accountNext(next string) string {
	if (strings.HasPrefix(next, "/account") || strings.HasPrefix(next, "/hall")) && localPath(next) == next &&
		!strings.HasPrefix(next, "/account/login") {
		return next
	}
	return "/account/"
}

// logIn replaces the request's session by one for u and sends it to next.
func (s *Server) logIn(c *fiber.Ctx, u *account.User, next string) error {
	ctx, cancel := dbContext(c)
	defer cancel()
	sess, err := s.deps.Accounts.RotateSession(ctx, c.Cookies(sessionCookie), u.ID, s.cfg.Now(), s.sessionMaxAge())
	if err != nil {
		return err
	}
	s.setSessionCookie(c, sess)
	return c.Redirect(next, fiber.StatusSeeOther)
}

// buyerLoginView is the buyers' login page.
type buyerLoginView struct {
	Layout
	CSRF   string
	Next   string
	Login  string
	Error  string
	Notice string
}

func (s *Server) renderBuyerLogin(c *fiber.Ctx, status int, v buyerLoginView) error {
	v.CSRF = csrfOf(c)
	v.Layout = accountLayout("采购单位登录")
	return s.renderPage(c, status, "account_login", &v)
}

// accountLoginForm shows the buyers' login form; a logged-in buyer goes to its page.
func (s *Server) accountLoginForm(c *fiber.Ctx) error {
	if userOf(c).IsBuyer() {
		return c.Redirect("/account/", fiber.StatusSeeOther)
	}
	if err := s.ensureSession(c); err != nil {
		return err
	}
	v := buyerLoginView{Next: c.Query("next")}
	if c.Query("out") == "1" {
		v.Notice = "您已安全退出。"
	}
	return s.renderBuyerLogin(c, fiber.StatusOK, v)
}

// accountLogin checks a buyer's phone or e-mail and password, under the login throttle: wrong
// ones give the form again with 401, a lockout 429 with Retry-After, a staff account 403.
func (s *Server) accountLogin(c *fiber.Ctx) error {
	v := buyerLoginView{Next: formField(c, "next"), Login: strings.TrimSpace(formField(c, "login"))}
	password := formField(c, "password")
	if v.Login == "" || password == "" {
		v.Error = "请输入手机号或电子邮箱，以及密码。"
		return s.renderBuyerLogin(c, fiber.StatusBadRequest, v)
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	u, err := s.deps.Accounts.Authenticate(ctx, v.Login, password, s.clientIP(c), s.cfg.Now())
	if err != nil {
		status, message, shown := s.refusal(c, err, s.cfg.Now())
		if !shown {
			return err
		}
		v.Error = message
		return s.renderBuyerLogin(c, status, v)
	}
	if !u.IsBuyer() {
		v.Error = "该账号不是采购单位的账号。工作人员请从后台登录。"
		return s.renderBuyerLogin(c, fiber.StatusForbidden, v)
	}
	return s.logIn(c, u, accountNext(v.Next))
}

// accountLogout ends the session and clears the cookie.
func (s *Server) accountLogout(c *fiber.Ctx) error { return s.logOut(c, "/account/login") }

// registerForm is the registration form as typed.
type registerForm struct {
	Name, CreditCode, Parent, ContactName, ContactPhone, ContactEmail string
	Recipient, RecipientPhone, Address                                string
	InvoiceTitle, InvoiceTaxID, InvoiceKind                           string
	InvoiceBank, InvoiceAccount, InvoiceAddress, InvoicePhone         string
	AdminName, AdminPhone, AdminEmail                                 string
}

func readRegisterForm(c *fiber.Ctx) registerForm {
	f := func(name string) string { return formField(c, name) }
	return registerForm{
		Name: f("name"), CreditCode: f("credit_code"), Parent: f("parent"), ContactName: f("contact_name"),
		ContactPhone: f("contact_phone"), ContactEmail: f("contact_email"), Recipient: f("recipient"),
		RecipientPhone: f("recipient_phone"), Address: f("address"), InvoiceTitle: f("invoice_title"),
		InvoiceTaxID: f("invoice_tax_id"), InvoiceKind: f("invoice_kind"), InvoiceBank: f("invoice_bank"),
		InvoiceAccount: f("invoice_account"), InvoiceAddress: f("invoice_address"), InvoicePhone: f("invoice_phone"),
		AdminName: f("admin_name"), AdminPhone: f("admin_phone"), AdminEmail: f("admin_email"),
	}
}

// registerView is the registration page.
type registerView struct {
	Layout
	CSRF      string
	Form      registerForm
	Error     string
	MinLength int
}

func (s *Server) renderRegister(c *fiber.Ctx, status int, v registerView) error {
	v.CSRF = csrfOf(c)
	v.MinLength = account.MinPasswordLength
	v.Layout = accountLayout("采购单位注册")
	return s.renderPage(c, status, "account_register", &v)
}

// accountRegisterForm shows the registration form.
func (s *Server) accountRegisterForm(c *fiber.Ctx) error {
	if err := s.ensureSession(c); err != nil {
		return err
	}
	return s.renderRegister(c, fiber.StatusOK, registerView{Form: registerForm{InvoiceKind: string(account.InvoiceOrdinary)}})
}

// accountRegister registers the organisation and its administrator, limited per client address
// (429 with Retry-After past registerRate). A refused form comes back with its message: 400 for
// a bad field, 409 for a credit code registered already. Success logs the administrator in and
// shows the organisation's page, which says it awaits approval.
func (s *Server) accountRegister(c *fiber.Ctx) error {
	f := readRegisterForm(c)
	v := registerView{Form: f}
	refuse := func(err error) error {
		status, message, shown := s.formStatus(c, err)
		if !shown {
			return err
		}
		v.Error = message
		return s.renderRegister(c, status, v)
	}
	if err := s.rateLimit(c, "register:"+s.clientIP(c), registerRate); err != nil {
		return refuse(err)
	}
	password := formField(c, "password")
	if password != formField(c, "confirm") {
		v.Error = "两次输入的密码不一致。"
		return s.renderRegister(c, fiber.StatusBadRequest, v)
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	_, admin, err := s.deps.Accounts.Register(ctx, account.Registration{
		Name: f.Name, CreditCode: f.CreditCode, Parent: f.Parent, ContactName: f.ContactName,
		ContactPhone: f.ContactPhone, ContactEmail: f.ContactEmail,
		Addresses: []account.NewAddress{{Recipient: f.Recipient, Phone: f.RecipientPhone, Address: f.Address}},
		Invoice: account.Invoice{Title: f.InvoiceTitle, TaxID: f.InvoiceTaxID, Kind: account.InvoiceKind(f.InvoiceKind),
			Bank: f.InvoiceBank, Account: f.InvoiceAccount, Address: f.InvoiceAddress, Phone: f.InvoicePhone},
		Admin: account.NewBuyer{Name: f.AdminName, Phone: f.AdminPhone, Email: f.AdminEmail, Password: password},
	})
	if err != nil {
		return refuse(err)
	}
	return s.logIn(c, admin, "/account/?done=registered")
}

// inviteView is the page that accepts an invitation.
type inviteView struct {
	Layout
	CSRF       string
	Token      string
	Invitation *account.Invitation
	Name       string
	Phone      string
	Email      string
	Error      string
	MinLength  int
}

func (s *Server) renderInvite(c *fiber.Ctx, status int, v inviteView) error {
	v.CSRF = csrfOf(c)
	v.MinLength = account.MinPasswordLength
	v.Layout = accountLayout("接受邀请")
	return s.renderPage(c, status, "account_invite", &v)
}

// accountInviteForm shows the invitation of the token with the form that accepts it; an
// unknown or expired token is 404, one used before 409.
func (s *Server) accountInviteForm(c *fiber.Ctx) error {
	ctx, cancel := dbContext(c)
	defer cancel()
	inv, err := s.deps.Accounts.InvitationByToken(ctx, c.Params("token"), s.cfg.Now())
	if err != nil {
		return err
	}
	if err := s.ensureSession(c); err != nil {
		return err
	}
	v := inviteView{Token: c.Params("token"), Invitation: inv}
	if strings.Contains(inv.Contact, "@") {
		v.Email = inv.Contact
	} else {
		v.Phone = inv.Contact
	}
	return s.renderInvite(c, fiber.StatusOK, v)
}

// accountInviteAccept creates the invited user, limited per client address (429 past
// inviteRate), logs it in and shows the organisation's page. A refused form comes back with its
// message.
func (s *Server) accountInviteAccept(c *fiber.Ctx) error {
	token := utils.CopyString(c.Params("token"))
	v := inviteView{Token: token, Name: formField(c, "name"), Phone: formField(c, "phone"), Email: formField(c, "email")}
	ctx, cancel := dbContext(c)
	defer cancel()
	inv, err := s.deps.Accounts.InvitationByToken(ctx, token, s.cfg.Now())
	if err != nil {
		return err
	}
	v.Invitation = inv
	refuse := func(err error) error {
		status, message, shown := s.formStatus(c, err)
		if !shown {
			return err
		}
		v.Error = message
		return s.renderInvite(c, status, v)
	}
	if err := s.rateLimit(c, "invite:"+s.clientIP(c), inviteRate); err != nil {
		return refuse(err)
	}
	password := formField(c, "password")
	if password != formField(c, "confirm") {
		v.Error = "两次输入的密码不一致。"
		return s.renderInvite(c, fiber.StatusBadRequest, v)
	}
	u, err := s.deps.Accounts.AcceptInvitation(ctx, token, account.NewBuyer{Name: v.Name, Phone: v.Phone, Email: v.Email, Password: password}, s.cfg.Now())
	if err != nil {
		return refuse(err)
	}
	return s.logIn(c, u, "/account/?done=joined")
}
