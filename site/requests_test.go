package site

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"zhenxing"
	"zhenxing/internal/account"
)

const openStaffUser, openStaffPassword = "zhangwei", "open government secret"

// applyValues is a citizen's complete request form.
func applyValues() url.Values {
	return url.Values{
		"kind": {"citizen"}, "name": {"王建国"}, "id_type": {"居民身份证"}, "id_number": {"11010519491231002X"},
		"phone": {"13800000000"}, "email": {"wang@example.cn"}, "address": {"西安市灞桥区纺织城正街1号"},
		"description": {"2025年衔接推进乡村振兴补助资金项目的分配结果"}, "document_number": {"灞乡振发〔2025〕3号"},
		"purpose": {"了解本村项目安排"}, "delivery": {"email"},
	}
}

var (
	requestNumberRE = regexp.MustCompile(`<dt>申请编号</dt><dd><strong>(YSQ\d{4}-\d{6})</strong>`)
	requestSecretRE = regexp.MustCompile(`<dt>查询码</dt><dd><strong>([0-9A-Z]{10})</strong>`)
)

// submitRequest sends the form as a citizen and returns the tracking number and secret code.
func submitRequest(t *testing.T, citizen *adminClient, form url.Values) (number, secret string) {
	t.Helper()
	res := citizen.submitGuarded("/open/apply", "/open/apply", form)
	wantAdminStatus(t, res, http.StatusOK)
	n, s := requestNumberRE.FindStringSubmatch(res.Body), requestSecretRE.FindStringSubmatch(res.Body)
	if n == nil || s == nil {
		t.Fatalf("no number and code on the page:\n%s", res.Body)
	}
	return n[1], s[1]
}

// The whole journey of a request through the site: submitted, accepted, asked for more,
// supplemented, answered; the applicant follows it with the number and code. A second is
// extended and then refused.
func TestRequestJourney(t *testing.T) {
	env := newAdminEnv(t)
	env.now = time.Date(2026, 2, 12, 10, 0, 0, 0, zhenxing.Beijing) // the Thursday before Spring Festival
	env.mustAccount(t, account.NewUser{Username: openStaffUser, Name: "张伟", Password: openStaffPassword,
		Kind: account.KindStaff, Roles: []account.Role{account.RoleOpen}})
	citizen := env.adminClient(t)

	form := get(t, env.s, "/open/apply")
	wantAdminStatus(t, form, http.StatusOK)
	mustContain(t, form.Body, "20 个工作日", "居民身份证", "验证问题：", `name="website"`)

	number, secret := submitRequest(t, citizen, applyValues())
	status := func(number, secret string) response {
		return citizen.submit("/open/apply/status", "/open/apply/status", url.Values{"number": {number}, "secret": {secret}})
	}
	res := status(number, strings.ToLower(secret))
	wantAdminStatus(t, res, http.StatusOK)
	mustContain(t, res.Body, "已提交", "2026年3月18日前") // 20 working days over Spring Festival

	staff := env.adminClient(t)
	// login again after the clock moves: sessions end after 12 hours.
	login := func() { wantAdminStatus(t, staff.login(openStaffUser, openStaffPassword), http.StatusSeeOther) }
	login()
	queue := staff.get("/admin/requests")
	wantAdminStatus(t, queue, http.StatusOK)
	mustContain(t, queue.Body, number, "2026-03-18")
	page := staff.get("/admin/requests/" + number)
	mustContain(t, page.Body, "王建国", "11010519491231002X", "受理")

	step := func(name string, form url.Values) response {
		t.Helper()
		return staff.submit("/admin/requests/"+number, "/admin/requests/"+number+"/"+name, form)
	}
	wantAdminStatus(t, step("accept", url.Values{}), http.StatusSeeOther)
	// Accepting twice is a conflict, said in Chinese.
	res = step("accept", url.Values{})
	wantAdminStatus(t, res, http.StatusConflict)
	mustContain(t, res.Body, "不能受理")
	env.now = time.Date(2026, 3, 2, 9, 0, 0, 0, zhenxing.Beijing)
	login()
	wantAdminStatus(t, step("ask", url.Values{"note": {"请说明所需信息涉及的村名"}}), http.StatusSeeOther)
	mustContain(t, status(number, secret).Body, "需补正", "期限暂停计算")
	env.now = time.Date(2026, 3, 9, 9, 0, 0, 0, zhenxing.Beijing)
	login()
	wantAdminStatus(t, step("supplemented", url.Values{"note": {"狄寨街道"}}), http.StatusSeeOther)
	// An empty answer is refused and nothing changes.
	wantAdminStatus(t, step("answer", url.Values{"outcome": {"disclosed"}, "reply": {" "}}), http.StatusBadRequest)
	// The answer carries a file; one that is not what its name says is refused.
	answer := func(file []byte) response {
		return staff.multipartPost("/admin/requests/"+number+"/answer", map[string]string{"_csrf": staff.csrf("/admin/requests/" + number),
			"outcome": "partial", "reply": "所需信息已通过电子邮件发送，涉及个人信息的部分已作区分处理。"}, "files", "项目分配表.pdf", file)
	}
	res = answer([]byte("<html>not a pdf</html>"))
	wantAdminStatus(t, res, http.StatusBadRequest)
	mustContain(t, res.Body, "附件“项目分配表.pdf”的内容与其扩展名不符。")
	wantAdminStatus(t, answer([]byte("%PDF-1.7 项目分配表")), http.StatusSeeOther)
	res = status(number, secret)
	mustContain(t, res.Body, "已答复", "办理结果", "部分公开", "涉及个人信息的部分已作区分处理", "下载“项目分配表.pdf”")
	mustNotContain(t, res.Body, "王建国", "11010519491231002X")
	// The applicant downloads the file by posting the pair again; a wrong code gets nothing.
	fileID := regexp.MustCompile(`action="/open/apply/status/files/(\d+)"`).FindStringSubmatch(res.Body)
	if fileID == nil {
		t.Fatalf("no download form:\n%s", res.Body)
	}
	download := func(secret string) response {
		return citizen.submit("/open/apply/status", "/open/apply/status/files/"+fileID[1], url.Values{"number": {number}, "secret": {secret}})
	}
	res = download(secret)
	wantAdminStatus(t, res, http.StatusOK)
	if res.Body != "%PDF-1.7 项目分配表" {
		t.Errorf("downloaded %q", res.Body)
	}
	res = download("WRONGCODE2")
	wantAdminStatus(t, res, http.StatusNotFound)
	mustContain(t, res.Body, "申请编号或查询码不正确")
	page = staff.get("/admin/requests/" + number)
	mustContain(t, page.Body, "要求补正：请说明所需信息涉及的村名", "申请人已补正 狄寨街道", "答复申请人：部分公开", "张伟", "项目分配表.pdf")
	wantAdminStatus(t, staff.get("/admin/requests/"+number+"/files/"+fileID[1]), http.StatusOK)

	// A second request: extended once, then refused on one of the regulation's grounds.
	second, secret2 := submitRequest(t, citizen, applyValues())
	step = func(name string, form url.Values) response {
		t.Helper()
		return staff.submit("/admin/requests/"+second, "/admin/requests/"+second+"/"+name, form)
	}
	wantAdminStatus(t, step("accept", url.Values{}), http.StatusSeeOther)
	wantAdminStatus(t, step("extend", url.Values{"reason": {"需要征求第三方意见"}}), http.StatusSeeOther)
	res = step("extend", url.Values{"reason": {"再次延期"}})
	wantAdminStatus(t, res, http.StatusConflict)
	mustContain(t, res.Body, "不能再次延期")
	mustContain(t, status(second, secret2).Body, "已延期")
	wantAdminStatus(t, step("refuse", url.Values{"reason": {"third_party"}, "reply": {"经征求意见，第三方不同意公开。"}}), http.StatusSeeOther)
	mustContain(t, status(second, secret2).Body, "不予公开", "第十五条", "第三方不同意公开")

	// The annual report's table counts both: one citizen's request partly disclosed, one refused
	// to protect a third party. The CSV says the same.
	table := staff.get("/admin/requests/table?year=2026")
	wantAdminStatus(t, table, http.StatusOK)
	mustContain(t, table.Body, "2026年收到和处理政府信息公开申请情况",
		`<tr class="level-0"><th scope="row">一、本年新收政府信息公开申请数量</th><td class="num">2</td><td class="num">0</td><td class="num">0</td><td class="num">0</td><td class="num">0</td><td class="num">0</td><td class="num">2</td></tr>`,
		`<th scope="row">4.保护第三方合法权益</th><td class="num">1</td>`)
	csv := staff.get("/admin/requests/table.csv?year=2026")
	wantAdminStatus(t, csv, http.StatusOK)
	mustContain(t, csv.Body, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）,1,0,0,0,0,0,1", "（七）总计,2,0,0,0,0,0,2")
	wantAdminStatus(t, staff.get("/admin/requests/table?year=abc"), http.StatusBadRequest)

	// Staff without the open-government role cannot see the queue.
	hall := env.adminClient(t)
	hall.mustLogin()
	wantAdminStatus(t, hall.get("/admin/requests"), http.StatusForbidden)
	wantAdminStatus(t, hall.get("/admin/requests/"+number), http.StatusForbidden)
}

// A wrong code shows nothing but the message, the same as an unknown number, and the lookups
// of one address are limited.
func TestRequestStatusWrongCode(t *testing.T) {
	env := newAdminEnv(t)
	citizen := env.adminClient(t)
	number, secret := submitRequest(t, citizen, applyValues())
	for i := range statusRate.Max {
		res := citizen.submit("/open/apply/status", "/open/apply/status", url.Values{"number": {number}, "secret": {"WRONGCODE" + string(rune('A'+i))}})
		wantAdminStatus(t, res, http.StatusNotFound)
		mustContain(t, res.Body, "申请编号或查询码不正确")
		mustNotContain(t, res.Body, "已提交", "衔接推进")
	}
	res := citizen.submit("/open/apply/status", "/open/apply/status", url.Values{"number": {number}, "secret": {secret}})
	wantAdminStatus(t, res, http.StatusTooManyRequests)
	mustContain(t, res.Body, "操作过于频繁")
	mustNotContain(t, res.Body, "已提交")
	if res.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
}

// Bad input: a clear message beside the field, what was typed kept, the right status.
func TestRequestBadInput(t *testing.T) {
	env := newAdminEnv(t)
	citizen := env.adminClient(t)

	bad := applyValues()
	bad.Set("id_number", "110105194912310021") // wrong check digit
	bad.Set("purpose", strings.Repeat("用", 2001))
	res := citizen.submitGuarded("/open/apply", "/open/apply", bad)
	wantAdminStatus(t, res, http.StatusBadRequest)
	mustContain(t, res.Body, "校验", "不能超过 2000 个字", `value="110105194912310021"`, "王建国", `aria-invalid="true"`)

	// A filled honeypot is refused.
	trap := citizen.guarded("/open/apply", applyValues())
	trap.Set("website", "http://spam.example")
	res = citizen.post("/open/apply", trap)
	wantAdminStatus(t, res, http.StatusBadRequest)
	mustContain(t, res.Body, "请勿填写")

	// A wrong answer to the challenge, and an answer to a challenge used already.
	wrong := citizen.guarded("/open/apply", applyValues())
	wrong.Set("challenge_answer", "99")
	res = citizen.post("/open/apply", wrong)
	wantAdminStatus(t, res, http.StatusBadRequest)
	mustContain(t, res.Body, "验证问题的答案不正确")

	// No CSRF token: 403, nothing recorded.
	noToken := citizen.guarded("/open/apply", applyValues())
	noToken.Del("_csrf")
	wantAdminStatus(t, citizen.post("/open/apply", noToken), http.StatusForbidden)
	var n int
	if err := env.cat.Pool().QueryRow(t.Context(), `SELECT count(*) FROM disclosure_requests`).Scan(&n); err != nil || n != 0 {
		t.Errorf("requests recorded = %d, %v; want 0", n, err)
	}
}

// Every page's footer links to the national error-report platform with the site's code and the
// page's own address, as a plain link.
func TestErrorReportLinkOnEveryPage(t *testing.T) {
	s := mustServer(t)
	for _, path := range []string{"/", "/open/", "/open/policies/", "/jobs/", "/search?q=樱桃", "/open/apply/status"} {
		res := get(t, s, path)
		if res.Status != http.StatusOK && path != "/open/apply/status" {
			t.Errorf("%s: %d", path, res.Status)
			continue
		}
		page := strings.SplitN(path, "?", 2)[0]
		want := `href="https://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteInfo.action?sitecode=6101110000&amp;url=` +
			url.QueryEscape("http://localhost:8080"+page) + `" rel="noopener">我为政府网站找错</a>`
		mustContain(t, res.Body, want, `<a href="/feedback?page=`+url.QueryEscape(page)+`">本站纠错</a>`)
	}
}
