package site

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"zhenxing/internal/account"
)

// A reader reports an error on a page through the site's own form; staff of the open-government
// role handle it; a page of another site, a filled honeypot and another role are refused.
func TestFeedbackJourney(t *testing.T) {
	env := newAdminEnv(t)
	env.mustAccount(t, account.NewUser{Username: openStaffUser, Name: "张伟", Password: openStaffPassword,
		Kind: account.KindStaff, Roles: []account.Role{account.RoleOpen}})
	reader := env.adminClient(t)
	from := "/feedback?page=/open/policies/"

	res := get(t, env.s, "/feedback?page=https://evil.example/")
	wantAdminStatus(t, res, http.StatusBadRequest)
	mustContain(t, res.Body, "只能针对本网站的页面")

	trap := reader.guarded(from, url.Values{"page": {"/open/policies/"}, "body": {"链接失效"}})
	trap.Set("website", "x")
	wantAdminStatus(t, reader.post("/feedback", trap), http.StatusBadRequest)

	res = reader.submitGuarded(from, "/feedback", url.Values{"page": {"/open/policies/"}, "body": {""}})
	wantAdminStatus(t, res, http.StatusBadRequest)
	mustContain(t, res.Body, "请写明页面上有什么错误。")

	res = reader.submitGuarded(from, "/feedback", url.Values{"page": {"/open/policies/"},
		"body": {"第二页的附件链接打不开。"}, "contact": {"13900000000"}})
	wantAdminStatus(t, res, http.StatusOK)
	mustContain(t, res.Body, "感谢您的纠错")

	hall := env.adminClient(t)
	hall.mustLogin()
	wantAdminStatus(t, hall.get("/admin/feedback"), http.StatusForbidden)

	staff := env.adminClient(t)
	wantAdminStatus(t, staff.login(openStaffUser, openStaffPassword), http.StatusSeeOther)
	list := staff.get("/admin/feedback")
	mustContain(t, list.Body, "待处理", "/open/policies/", "第二页的附件链接打不开。", "13900000000")
	id := regexpFind(t, `action="/admin/feedback/(\d+)"`, list.Body)
	res = staff.submit("/admin/feedback", "/admin/feedback/"+id, url.Values{"state": {"fixed"}, "reply": {"已更换附件。"}})
	wantAdminStatus(t, res, http.StatusSeeOther)
	mustContain(t, staff.get("/admin/feedback").Body, "已修正", "已更换附件。")
	res = staff.submit("/admin/feedback", "/admin/feedback/"+id, url.Values{"state": {"lost"}})
	wantAdminStatus(t, res, http.StatusBadRequest)
}

// regexpFind returns the first group of pattern in body, failing the test without a match.
func regexpFind(t *testing.T, pattern, body string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s in the page", pattern)
	}
	return m[1]
}
