package site

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"zhenxing/internal/account"
)

// The first-run account must change its password before any other back-office page works.
func TestAdminForcedPasswordChange(t *testing.T) {
	env := newAdminEnv(t)
	const initial, chosen = "the initial random one", "a password of my own"
	env.mustAccount(t, account.NewUser{Username: "admin", Password: initial, Kind: account.KindStaff,
		Roles: []account.Role{account.RoleAdmin}, MustChangePassword: true})
	b := env.adminClient(t)

	res := b.submit("/admin/login", "/admin/login", url.Values{"username": {"admin"}, "password": {initial}, "next": {"/admin/products"}})
	wantAdminStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/admin/password" {
		t.Fatalf("login sent the account to %q, want /admin/password", loc)
	}
	for _, p := range []string{"/admin/", "/admin/products", "/admin/audit", "/admin/suppliers/new", "/admin/no-such-page"} {
		res := b.get(p)
		wantAdminStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/admin/password" {
			t.Errorf("GET %s: Location %q, want /admin/password", p, loc)
		}
	}
	req := httptest.NewRequest(http.MethodGet, "/admin/products", nil)
	req.Header.Set("Accept", "application/json")
	res = b.send(req)
	wantAdminStatus(t, res, http.StatusForbidden)
	mustContain(t, res.Body, "请先修改初始密码")
	res = b.submit("/admin/password", "/admin/suppliers", url.Values{"slug": {"x"}})
	wantAdminStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/admin/password" {
		t.Errorf("POST /admin/suppliers: Location %q", loc)
	}

	form := b.get("/admin/password")
	wantAdminStatus(t, form, http.StatusOK)
	mustContain(t, form.Body, "修改密码", "这是初始密码", `name="current"`, `autocomplete="new-password"`, `minlength="10"`, `name="_csrf"`,
		`action="/admin/logout"`, `<meta name="robots" content="noindex">`)
	if strings.Contains(form.Body, "后台导航") {
		t.Error("the password page shows the back-office menu to an account that may use no other page")
	}

	// Without the form's CSRF token nothing changes.
	res = b.post("/admin/password", url.Values{"current": {initial}, "password": {chosen}, "confirm": {chosen}})
	wantAdminStatus(t, res, http.StatusForbidden)
	mustContain(t, res.Body, "安全校验未通过")

	tests := []struct {
		name                   string
		current, next, confirm string
		status                 int
		message                string
	}{
		{"empty", "", "", "", http.StatusBadRequest, "请输入当前密码和新密码"},
		{"too short", initial, "short", "short", http.StatusBadRequest, "密码至少需要 10 个字符"},
		{"confirmation differs", initial, chosen, chosen + "!", http.StatusBadRequest, "两次输入的新密码不一致"},
		{"unchanged", initial, initial, initial, http.StatusBadRequest, "新密码不能与当前密码相同"},
		{"wrong current", "not the password", chosen, chosen, http.StatusUnauthorized, "当前密码不正确"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := b.submit("/admin/password", "/admin/password", url.Values{"current": {tt.current}, "password": {tt.next}, "confirm": {tt.confirm}})
			wantAdminStatus(t, res, tt.status)
			mustContain(t, res.Body, tt.message, `name="current"`)
			if b.get("/admin/").Status != http.StatusSeeOther {
				t.Error("a refused change let the account in")
			}
		})
	}

	before := b.cookies[sessionCookie]
	res = b.submit("/admin/password", "/admin/password", url.Values{"current": {initial}, "password": {chosen}, "confirm": {chosen}})
	wantAdminStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/admin/password?done=1" {
		t.Errorf("Location %q", loc)
	}
	if after := b.cookies[sessionCookie]; after == "" || after == before {
		t.Error("the session was not replaced")
	}
	old := env.adminClient(t)
	old.cookies[sessionCookie] = before
	if res := old.get("/admin/"); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/login") {
		t.Errorf("the session from before the change still works: %d %s", res.Status, res.Header.Get("Location"))
	}
	done := b.get("/admin/password?done=1")
	wantAdminStatus(t, done, http.StatusOK)
	mustContain(t, done.Body, "密码已修改", "后台导航")
	wantAdminStatus(t, b.get("/admin/"), http.StatusOK)
	wantAdminStatus(t, b.get("/admin/products"), http.StatusOK)

	// The new password is the one that logs in, and no longer to the password page.
	wantAdminStatus(t, b.submit("/admin/", "/admin/logout", url.Values{}), http.StatusSeeOther)
	wantAdminStatus(t, b.login("admin", initial), http.StatusUnauthorized)
	res = b.login("admin", chosen)
	wantAdminStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/admin/" {
		t.Errorf("login after the change went to %q", loc)
	}
}

// Any staff member may change the password; guesses of the current one lock like logins do.
func TestAdminPasswordChangeLockout(t *testing.T) {
	env := newAdminEnv(t)
	b := env.adminClient(t)
	b.mustLogin()
	form := b.get("/admin/password")
	wantAdminStatus(t, form, http.StatusOK)
	mustContain(t, form.Body, "后台导航", `aria-current="page">修改密码`)
	if strings.Contains(form.Body, "这是初始密码") {
		t.Error("an ordinary account is told its password is the initial one")
	}
	guess := url.Values{"current": {"a wrong guess"}, "password": {"a password of my own"}, "confirm": {"a password of my own"}}
	for range account.AccountFreeFailures {
		wantAdminStatus(t, b.submit("/admin/password", "/admin/password", guess), http.StatusUnauthorized)
	}
	right := url.Values{"current": {adminStaffPassword}, "password": {"a password of my own"}, "confirm": {"a password of my own"}}
	res := b.submit("/admin/password", "/admin/password", right)
	wantAdminStatus(t, res, http.StatusTooManyRequests)
	mustContain(t, res.Body, "登录失败次数过多", "请于 2026年11月28日 10:01 之后再试")
	if ra := res.Header.Get("Retry-After"); ra != "60" {
		t.Errorf("Retry-After = %q, want 60", ra)
	}
}
