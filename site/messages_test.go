package site

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"zhenxing"
	"zhenxing/internal/account"
)

var (
	messageNumberRE = regexp.MustCompile(`<dt>来信编号</dt><dd><strong>(XX\d{4}-\d{6})</strong>`)
	messageSecretRE = regexp.MustCompile(`<dt>查询码</dt><dd><strong>([0-9A-Z]{10})</strong>`)
)

// A citizen writes, agreeing to publication; staff with the messages role answers and publishes
// it; /interact/ shows it without the name and phone, and the writer reads the answer.
func TestMessageJourney(t *testing.T) {
	env := newAdminEnv(t)
	env.now = time.Date(2026, 11, 23, 10, 0, 0, 0, zhenxing.Beijing)
	env.mustAccount(t, account.NewUser{Username: "zhaomin", Name: "赵敏", Password: openStaffPassword,
		Kind: account.KindStaff, Roles: []account.Role{account.RoleMessages}})
	citizen := env.adminClient(t)
	letter := url.Values{"kind": {"consult"}, "subject": {"樱桃采摘季的公交安排"}, "publish": {"yes"},
		"body": {"我是李秀英，电话13800000000。请问白鹿原樱桃采摘季有没有公交专线？"}, "name": {"李秀英"}, "phone": {"13800000000"}}

	// Bad input: a filled honeypot, no token, an empty letter.
	trap := citizen.guarded("/interact/write", letter)
	trap.Set("website", "x")
	wantAdminStatus(t, citizen.post("/interact/write", trap), http.StatusBadRequest)
	noToken := citizen.guarded("/interact/write", letter)
	noToken.Del("_csrf")
	wantAdminStatus(t, citizen.post("/interact/write", noToken), http.StatusForbidden)
	empty := url.Values{"kind": {"consult"}, "subject": {"问"}, "name": {"李秀英"}}
	res := citizen.submitGuarded("/interact/write", "/interact/write", empty)
	wantAdminStatus(t, res, http.StatusBadRequest)
	mustContain(t, res.Body, "请填写来信内容。", `value="李秀英"`)

	res = citizen.submitGuarded("/interact/write", "/interact/write", letter)
	wantAdminStatus(t, res, http.StatusOK)
	n, sec := messageNumberRE.FindStringSubmatch(res.Body), messageSecretRE.FindStringSubmatch(res.Body)
	if n == nil || sec == nil {
		t.Fatalf("no number and code:\n%s", res.Body)
	}
	number, secret := n[1], sec[1]
	mustContain(t, res.Body, "2026年11月30日前") // 5 working days

	// Staff of another role cannot see the mailbox.
	hall := env.adminClient(t)
	hall.mustLogin()
	wantAdminStatus(t, hall.get("/admin/messages"), http.StatusForbidden)

	staff := env.adminClient(t)
	wantAdminStatus(t, staff.login("zhaomin", openStaffPassword), http.StatusSeeOther)
	mustContain(t, staff.get("/admin/messages").Body, number, "樱桃采摘季的公交安排")
	page := staff.get("/admin/messages/" + number)
	mustContain(t, page.Body, "李秀英 13800000000", "我是[已隐去]，电话[已隐去]。")
	res = staff.submit("/admin/messages/"+number, "/admin/messages/"+number+"/answer", url.Values{
		"answer": {"采摘季期间开通临时公交专线，详见区交通运输局通知。李秀英您好。"}, "publish": {"yes"},
		"published_question": {"我是[已隐去]，电话[已隐去]。请问白鹿原樱桃采摘季有没有公交专线？"}})
	wantAdminStatus(t, res, http.StatusSeeOther)

	public := get(t, env.s, "/interact/")
	wantAdminStatus(t, public, http.StatusOK)
	mustContain(t, public.Body, "樱桃采摘季的公交安排", "临时公交专线", "2026年11月", "来信时间：2026年11月23日")
	mustNotContain(t, public.Body, "李秀英", "13800000000")

	st := citizen.submit("/interact/status", "/interact/status", url.Values{"number": {number}, "secret": {secret}})
	wantAdminStatus(t, st, http.StatusOK)
	mustContain(t, st.Body, "已答复", "临时公交专线")
	for range messageStatusRate.Max - 1 {
		res = citizen.submit("/interact/status", "/interact/status", url.Values{"number": {number}, "secret": {"WRONGCODE9"}})
		wantAdminStatus(t, res, http.StatusNotFound)
		mustNotContain(t, res.Body, "临时公交专线")
	}
	wantAdminStatus(t, citizen.submit("/interact/status", "/interact/status", url.Values{"number": {number}, "secret": {secret}}), http.StatusTooManyRequests)
}
