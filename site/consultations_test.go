package site

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"zhenxing"
	"zhenxing/internal/account"
)

// The sample draft open for comment from 2026-11-25 to 2026-12-25.
const consultDoc = "/open/notices/consumption-assistance-measures-consultation-2026"

// TestConsultationJourney follows a consultation on the site's clock: no form before it opens,
// a guarded form while it runs, comments refused after it closes; staff handle the comment and
// publish the summary, which the page then shows without the commenter.
func TestConsultationJourney(t *testing.T) {
	env := newAdminEnv(t)
	env.mustAccount(t, account.NewUser{Username: openStaffUser, Name: "张伟", Password: openStaffPassword,
		Kind: account.KindStaff, Roles: []account.Role{account.RoleOpen}})
	citizen := env.adminClient(t)
	comment := url.Values{"body": {"建议明确预留份额的具体比例。"}, "name": {"王秀兰"}, "contact": {"13911112222"}}
	post := func(from string, form url.Values) response {
		return citizen.submitGuarded(from, "/interact/consultations/consumption-assistance-measures-consultation-2026", form)
	}

	env.now = time.Date(2026, 11, 24, 12, 0, 0, 0, zhenxing.Beijing)
	page := get(t, env.s, consultDoc)
	wantAdminStatus(t, page, http.StatusOK)
	mustContain(t, page.Body, "征求意见尚未开始，请于2026年11月25日起提交意见。")
	mustNotContain(t, page.Body, `name="challenge_answer"`)
	res := post("/interact/write", comment) // a guard from another form: the period still refuses it
	wantAdminStatus(t, res, http.StatusConflict)
	mustContain(t, res.Body, "本次征求意见尚未开始")

	env.now = time.Date(2026, 12, 3, 10, 0, 0, 0, zhenxing.Beijing)
	page = citizen.get(consultDoc)
	mustContain(t, page.Body, "本文件正在公开征求意见，截止日期为2026年12月25日。", "征求意见时间：2026年11月25日至2026年12月25日。",
		`action="/interact/consultations/consumption-assistance-measures-consultation-2026#consult"`, `name="challenge_answer"`)
	res = post(consultDoc, url.Values{"body": {" "}})
	wantAdminStatus(t, res, http.StatusBadRequest)
	mustContain(t, res.Body, "请填写您的意见或建议。")
	res = post(consultDoc, comment)
	wantAdminStatus(t, res, http.StatusOK)
	mustContain(t, res.Body, "您的意见已收到，感谢您的参与。")
	list := get(t, env.s, "/interact/consultations")
	mustContain(t, list.Body, "关于公开征求《西安市灞桥区消费帮扶工作实施办法（征求意见稿）》意见的公告", "正在征求意见")

	staff := env.adminClient(t)
	wantAdminStatus(t, staff.login(openStaffUser, openStaffPassword), http.StatusSeeOther)
	admin := "/admin/consultations/consumption-assistance-measures-consultation-2026"
	mustContain(t, staff.get("/admin/consultations").Body, "征求中")
	res = staff.get(admin)
	mustContain(t, res.Body, "建议明确预留份额的具体比例。", "王秀兰", "13911112222", "征求意见截止后才能公布采纳情况。")
	res = staff.submit(admin, admin+"/summary", url.Values{"summary": {"共收到意见 1 条。"}})
	wantAdminStatus(t, res, http.StatusConflict)

	env.now = time.Date(2026, 12, 26, 9, 0, 0, 0, zhenxing.Beijing)
	res = post("/interact/write", comment)
	wantAdminStatus(t, res, http.StatusConflict)
	mustContain(t, res.Body, "本次征求意见已于2026年12月25日截止")
	mustContain(t, get(t, env.s, consultDoc).Body, "本次征求意见已结束，意见采纳情况整理后将在本页公布。")

	wantAdminStatus(t, staff.login(openStaffUser, openStaffPassword), http.StatusSeeOther)
	res = staff.submit(admin, admin+"/summary", url.Values{"summary": {"共收到意见 1 条。"}})
	wantAdminStatus(t, res, http.StatusConflict)
	mustContain(t, res.Body, "还有 1 条意见没有填写采纳情况")
	id := regexpFind(t, `action="/admin/consultations/consumption-assistance-measures-consultation-2026/comments/(\d+)"`, staff.get(admin).Body)
	res = staff.submit(admin, admin+"/comments/"+id, url.Values{"decision": {"adopted"}, "point": {""}, "reason": {"已补充"}})
	wantAdminStatus(t, res, http.StatusBadRequest)
	mustContain(t, res.Body, "请填写意见要点。")
	wantAdminStatus(t, staff.submit(admin, admin+"/comments/"+id, url.Values{"decision": {"adopted"},
		"point": {"明确预留份额比例"}, "reason": {"第三条已明确为不低于食堂食材采购额的 10%。"}}), http.StatusSeeOther)
	wantAdminStatus(t, staff.submit(admin, admin+"/summary", url.Values{"summary": {"征求意见期间共收到意见 1 条，已全部研究处理。"}}), http.StatusSeeOther)

	page = get(t, env.s, consultDoc)
	mustContain(t, page.Body, "意见采纳情况", "征求意见期间共收到意见 1 条，其中采纳 1 条、部分采纳 0 条、未采纳 0 条。",
		"明确预留份额比例", "第三条已明确为不低于食堂食材采购额的 10%。")
	mustNotContain(t, page.Body, "王秀兰", "13911112222", `name="challenge_answer"`)
	mustContain(t, get(t, env.s, "/interact/consultations").Body, "已公布采纳情况（收到意见 1 条）")

	// Staff without the open-government role cannot see the comments.
	hall := env.adminClient(t)
	hall.mustLogin()
	wantAdminStatus(t, hall.get(admin), http.StatusForbidden)
}

// The 2025 annual report shows its request table computed from the requests, in its place in
// the body.
func TestAnnualReportRequestTable(t *testing.T) {
	env := newAdminEnv(t)
	page := get(t, env.s, "/open/annual-reports/annual-report-2025")
	wantAdminStatus(t, page, http.StatusOK)
	mustContain(t, page.Body, "2025年收到和处理政府信息公开申请情况（单位：件）", "8.属于行政查询事项", "四、结转下年度继续办理",
		"下表由本局网站收到和办理的政府信息公开申请自动统计。")
	mustNotContain(t, page.Body, "【申请情况表】")
}
