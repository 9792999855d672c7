package site

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"zhenxing"
)

const buyerTestPassword = "union buyer secret"

// registerForm is a complete registration form of a union with the credit code of first17.
func registerValues(t *testing.T, first17, adminPhone string) url.Values {
	t.Helper()
	c, ok := zhenxing.CreditCodeCheckChar(first17)
	if !ok {
		t.Fatalf("credit code %q", first17)
	}
	return url.Values{
		"name": {"灞桥区纺织城街道总工会"}, "credit_code": {first17 + string(c)}, "parent": {"灞桥区总工会"},
		"contact_name": {"王芳"}, "contact_phone": {"029-83520000"}, "recipient": {"王芳"}, "recipient_phone": {"13800000000"},
		"address": {"西安市灞桥区纺织城正街 1 号"}, "invoice_kind": {"ordinary"},
		"admin_name": {"王芳"}, "admin_phone": {adminPhone}, "password": {buyerTestPassword}, "confirm": {buyerTestPassword},
	}
}

var inviteLinkRE = regexp.MustCompile(`value="http://localhost:8080(/account/invite/[^"]+)"`)

// The whole journey: a union registers and sees it awaits approval; staff approves it; its
// administrator invites a purchaser, who accepts, logs in, sees the organisation and cannot edit it.
func TestAccountJourney(t *testing.T) {
	env := newAdminEnv(t)
	union := env.adminClient(t)

	res := union.submit("/account/register", "/account/register", registerValues(t, "81610111MA6W00011", "13800138000"))
	wantAdminStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/account/?done=registered" {
		t.Fatalf("Location = %q", loc)
	}
	home := union.get(res.Header.Get("Location"))
	wantAdminStatus(t, home, http.StatusOK)
	mustContain(t, home.Body, "审核状态：待审核", "注册申请已提交", "灞桥区纺织城街道总工会", "王芳（单位管理员）")

	// A second registration with the same credit code: 409 with a Chinese message.
	other := env.adminClient(t)
	res = other.submit("/account/register", "/account/register", registerValues(t, "81610111MA6W00011", "13900139000"))
	wantAdminStatus(t, res, http.StatusConflict)
	mustContain(t, res.Body, "已经注册")
	// A wrong credit code: 400.
	bad := registerValues(t, "81610111MA6W00012", "13900139000")
	bad.Set("credit_code", "81610111MA6W000120")
	res = other.submit("/account/register", "/account/register", bad)
	wantAdminStatus(t, res, http.StatusBadRequest)
	mustContain(t, res.Body, "统一社会信用代码")

	// Staff approves it.
	staff := env.adminClient(t)
	staff.mustLogin()
	list := staff.get("/admin/buyers")
	wantAdminStatus(t, list, http.StatusOK)
	mustContain(t, list.Body, "灞桥区纺织城街道总工会", "待审核")
	m := regexp.MustCompile(`href="/admin/buyers/(\d+)"`).FindStringSubmatch(list.Body)
	if m == nil {
		t.Fatalf("no organisation link in %s", list.Body)
	}
	page := "/admin/buyers/" + m[1]
	res = staff.submit(page, page+"/reject", url.Values{"reason": {""}})
	wantAdminStatus(t, res, http.StatusBadRequest)
	mustContain(t, res.Body, "请填写不通过的原因")
	res = staff.submit(page, page+"/approve", url.Values{})
	wantAdminStatus(t, res, http.StatusSeeOther)
	mustContain(t, staff.get(res.Header.Get("Location")).Body, "已审核通过", "已通过")
	mustContain(t, union.get("/account/").Body, "审核状态：已通过")

	// The administrator invites a purchaser; the link is shown once.
	res = union.submit("/account/", "/account/invitations", url.Values{"contact": {"buyer@example.cn"}, "role": {"purchaser"}})
	wantAdminStatus(t, res, http.StatusOK)
	link := inviteLinkRE.FindStringSubmatch(res.Body)
	if link == nil {
		t.Fatalf("no invitation link in %s", res.Body)
	}
	invitee := env.adminClient(t)
	form := invitee.get(link[1])
	wantAdminStatus(t, form, http.StatusOK)
	mustContain(t, form.Body, "以“采购员”身份加入", `value="buyer@example.cn"`)
	res = invitee.submit(link[1], link[1], url.Values{"name": {"赵采购"}, "email": {"buyer@example.cn"},
		"password": {buyerTestPassword}, "confirm": {buyerTestPassword}})
	wantAdminStatus(t, res, http.StatusSeeOther)
	mustContain(t, invitee.get("/account/").Body, "赵采购（采购员）")
	// The link works once.
	wantAdminStatus(t, env.adminClient(t).get(link[1]), http.StatusConflict)

	// The purchaser logs in again by e-mail, sees the organisation but no edit form, and every
	// POST is 403.
	invitee.post("/account/logout", url.Values{"_csrf": {invitee.csrf("/account/")}})
	wantAdminStatus(t, invitee.get("/account/"), http.StatusSeeOther)
	res = invitee.submit("/account/login", "/account/login", url.Values{"login": {"BUYER@example.cn"}, "password": {buyerTestPassword}})
	wantAdminStatus(t, res, http.StatusSeeOther)
	home = invitee.get("/account/")
	wantAdminStatus(t, home, http.StatusOK)
	mustContain(t, home.Body, "灞桥区纺织城街道总工会", "发票抬头")
	for _, no := range []string{`action="/account/invoice"`, `action="/account/invitations"`, `action="/account/addresses"`, `action="/account/plan"`} {
		if strings.Contains(home.Body, no) {
			t.Errorf("the purchaser's page has the form %s", no)
		}
	}
	for _, p := range []string{"/account/invoice", "/account/invitations", "/account/addresses", "/account/plan", "/account/approval"} {
		res := invitee.submit("/account/", p, url.Values{"amount": {"100"}, "invoice_title": {"x"}, "contact": {"x@example.cn"}})
		wantAdminStatus(t, res, http.StatusForbidden)
		mustContain(t, res.Body, "只有单位管理员")
	}

	// The administrator (by phone) edits the approval amount and the plan.
	res = union.submit("/account/", "/account/approval", url.Values{"amount": {"5000"}})
	wantAdminStatus(t, res, http.StatusSeeOther)
	res = union.submit("/account/", "/account/plan", url.Values{"amount": {"20000"}})
	wantAdminStatus(t, res, http.StatusSeeOther)
	mustContain(t, union.get("/account/").Body, "超过 5000.00 元", "计划金额 20000.00 元", "本年已付款采购 0.00 元")
	res = union.submit("/account/", "/account/plan", url.Values{"amount": {"-3"}})
	wantAdminStatus(t, res, http.StatusBadRequest)
}

func TestAccountAccess(t *testing.T) {
	env := newAdminEnv(t)
	// No session: a page goes to the buyers' login with next, a POST to the login.
	res := get(t, env.s, "/account/")
	wantAdminStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/account/login?next="+url.QueryEscape("/account/") {
		t.Errorf("Location = %q", loc)
	}
	// A staff account is refused the buyers' pages and the buyers' login.
	staff := env.adminClient(t)
	staff.mustLogin()
	res = staff.get("/account/")
	wantAdminStatus(t, res, http.StatusForbidden)
	mustContain(t, res.Body, "工作人员账号不能使用采购单位页面")
	res = env.adminClient(t).submit("/account/login", "/account/login", url.Values{"login": {adminStaffUser}, "password": {adminStaffPassword}})
	wantAdminStatus(t, res, http.StatusForbidden)
	// A buyer may not open /admin/buyers.
	union := env.adminClient(t)
	wantAdminStatus(t, union.submit("/account/register", "/account/register", registerValues(t, "81610111MA6W00013", "13700137000")), http.StatusSeeOther)
	wantAdminStatus(t, union.get("/admin/buyers"), http.StatusForbidden)
	// A POST without its CSRF token is 403 and changes nothing.
	res = union.post("/account/plan", url.Values{"amount": {"100"}})
	wantAdminStatus(t, res, http.StatusForbidden)
	mustContain(t, res.Body, "安全校验未通过")
	if strings.Contains(union.get("/account/").Body, "计划金额 100.00 元") {
		t.Error("a POST without CSRF token set the plan")
	}
	// Wrong password: 401 on the form.
	res = env.adminClient(t).submit("/account/login", "/account/login", url.Values{"login": {"13700137000"}, "password": {"wrong password!"}})
	wantAdminStatus(t, res, http.StatusUnauthorized)
	mustContain(t, res.Body, "用户名或密码错误")
	// Another organisation's address is 404.
	other := env.adminClient(t)
	wantAdminStatus(t, other.submit("/account/register", "/account/register", registerValues(t, "81610111MA6W00014", "13700137001")), http.StatusSeeOther)
	ctx := context.Background()
	u, err := env.accounts.Authenticate(ctx, "13700137000", buyerTestPassword, "", env.now)
	if err != nil {
		t.Fatal(err)
	}
	addrs, err := env.accounts.Addresses(ctx, *u.OrganizationID)
	if err != nil {
		t.Fatal(err)
	}
	target := "/account/addresses/" + strconv.FormatInt(addrs[0].ID, 10) + "/delete"
	res = other.submit("/account/", target, url.Values{})
	wantAdminStatus(t, res, http.StatusNotFound)
	if got, _ := env.accounts.Addresses(ctx, *u.OrganizationID); len(got) != 1 {
		t.Error("another organisation deleted the address")
	}
	// An unknown invitation is 404.
	wantAdminStatus(t, get(t, env.s, "/account/invite/nonsense"), http.StatusNotFound)
}

// Registration is limited to five an hour per client address: the sixth gets 429 with
// Retry-After and a Chinese message.
func TestAccountRegisterRateLimit(t *testing.T) {
	env := newAdminEnv(t)
	b := env.adminClient(t)
	for i := range 5 {
		res := b.submit("/account/register", "/account/register", url.Values{"name": {"x"}})
		if res.Status == http.StatusTooManyRequests {
			t.Fatalf("attempt %d was limited", i+1)
		}
	}
	res := b.submit("/account/register", "/account/register", registerValues(t, "81610111MA6W00015", "13600136000"))
	wantAdminStatus(t, res, http.StatusTooManyRequests)
	mustContain(t, res.Body, "操作过于频繁")
	if ra, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || ra < 1 || ra > 3600 {
		t.Errorf("Retry-After = %q", res.Header.Get("Retry-After"))
	}
}

// Accepting invitations is limited likewise, per client address.
func TestAccountInviteRateLimit(t *testing.T) {
	env := newAdminEnv(t)
	union := env.adminClient(t)
	wantAdminStatus(t, union.submit("/account/register", "/account/register", registerValues(t, "81610111MA6W00016", "13500135000")), http.StatusSeeOther)
	res := union.submit("/account/", "/account/invitations", url.Values{"contact": {"13500135001"}, "role": {"admin"}})
	link := inviteLinkRE.FindStringSubmatch(res.Body)
	if link == nil {
		t.Fatalf("no invitation link in %s", res.Body)
	}
	b := env.adminClient(t)
	for i := range 5 {
		res := b.submit(link[1], link[1], url.Values{"name": {"钱某"}, "phone": {"13500135001"}, "password": {"short"}, "confirm": {"short"}})
		wantAdminStatus(t, res, http.StatusBadRequest)
		if i == 0 {
			mustContain(t, res.Body, "密码至少")
		}
	}
	res = b.submit(link[1], link[1], url.Values{"name": {"钱某"}, "phone": {"13500135001"}, "password": {buyerTestPassword}, "confirm": {buyerTestPassword}})
	wantAdminStatus(t, res, http.StatusTooManyRequests)
	if res.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	// The invitation is still unused.
	wantAdminStatus(t, env.adminClient(t).get(link[1]), http.StatusOK)
}
