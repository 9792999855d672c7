package interact_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"zhenxing"
	"zhenxing/interact"
	"zhenxing/internal/db"
	"zhenxing/internal/testdb"
	"zhenxing/internal/workdays"
)

var staff = db.Actor{ID: 0, Name: "政务公开办"}

func citizen() interact.RequestInput {
	return interact.RequestInput{
		Applicant: interact.Applicant{Kind: "citizen", Name: "王建国", IDType: "居民身份证", IDNumber: "11010519491231002X",
			Phone: "13800000000", Email: "wang@example.cn", Address: "西安市灞桥区纺织城正街1号"},
		Description: "2025年衔接推进乡村振兴补助资金项目的分配结果", DocumentNumber: "灞乡振发〔2025〕3号",
		Purpose: "了解本村项目安排", Delivery: "email",
	}
}

func TestRequestJourney(t *testing.T) {
	ctx := context.Background()
	clock := time.Date(2026, 2, 12, 10, 0, 0, 0, zhenxing.Beijing) // the Thursday before Spring Festival
	cal := workdays.Default()
	store := interact.NewRequests(testdb.New(t), cal, func() time.Time { return clock })

	sub, err := store.Submit(ctx, citizen())
	if err != nil {
		t.Fatal(err)
	}
	if sub.Number != "YSQ2026-000001" || len(sub.Secret) != 10 {
		t.Errorf("submitted: %+v", sub)
	}
	if want := cal.Add(clock, 20); !sub.DueAt.Equal(want) || want.Format(time.DateOnly) != "2026-03-18" {
		t.Errorf("due %s, want %s (20 working days over Spring Festival)", sub.DueAt, want)
	}

	// Only the right code shows the state; a wrong one and an unknown number look the same.
	_, errWrong := store.Status(ctx, sub.Number, "WRONGCODE2")
	_, errUnknown := store.Status(ctx, "YSQ2026-999999", sub.Secret)
	if zhenxing.ErrorCode(errWrong) != zhenxing.ENotFound || zhenxing.ErrorMessage(errWrong) != zhenxing.ErrorMessage(errUnknown) {
		t.Errorf("wrong code: %v; unknown number: %v", errWrong, errUnknown)
	}
	st, err := store.Status(ctx, strings.ToLower(sub.Number), strings.ToLower(sub.Secret))
	if err != nil || st.State != interact.Received || st.State.Label() != "已提交" {
		t.Fatalf("status: %+v, %v", st, err)
	}

	if err := store.Accept(ctx, staff, sub.Number); err != nil {
		t.Fatal(err)
	}
	if err := store.Accept(ctx, staff, sub.Number); zhenxing.ErrorCode(err) != zhenxing.EConflict {
		t.Errorf("accepted twice: %v", err)
	}
	// Asked for more on 03-02 (12 working days left: 03-03 to 03-18); the answer comes on 03-09,
	// and the 12 days run from there.
	clock = time.Date(2026, 3, 2, 9, 0, 0, 0, zhenxing.Beijing)
	if err := store.AskForMore(ctx, staff, sub.Number, "请说明所需信息涉及的村名"); err != nil {
		t.Fatal(err)
	}
	q, err := store.Find(ctx, sub.Number)
	if err != nil || q.State != interact.NeedsInfo || q.RemainingDays == nil || *q.RemainingDays != 12 {
		t.Fatalf("asked for more: %+v, %v", q, err)
	}
	clock = time.Date(2026, 3, 9, 9, 0, 0, 0, zhenxing.Beijing)
	if err := store.Supplemented(ctx, staff, sub.Number, "申请人补充：灞桥区狄寨街道"); err != nil {
		t.Fatal(err)
	}
	q, _ = store.Find(ctx, sub.Number)
	if q.State != interact.Accepted || q.DueAt.Format(time.DateOnly) != "2026-03-25" {
		t.Errorf("after the supplement: %s due %s, want 2026-03-25", q.State, q.DueAt.Format(time.DateOnly))
	}
	pdf := interact.File{Name: `C:\扫描件\项目分配表.pdf`, Data: []byte("%PDF-1.7 分配表")}
	for _, bad := range []interact.RequestReply{
		{Outcome: "refused_third_party", Text: "答复"},
		{Outcome: "disclosed", Text: " "},
		{Outcome: "disclosed", Text: "答复", Files: []interact.File{{Name: "表.exe", Data: []byte("MZ")}}},
		{Outcome: "disclosed", Text: "答复", Files: []interact.File{{Name: "表.pdf", Data: []byte("<html>")}}},
	} {
		if err := store.Answer(ctx, staff, sub.Number, bad); zhenxing.ErrorCode(err) != zhenxing.EInvalid {
			t.Errorf("answered with %+v: %v", bad, err)
		}
	}
	err = store.Answer(ctx, staff, sub.Number, interact.RequestReply{Outcome: "disclosed",
		Text: "所需信息已通过电子邮件发送，附项目分配表。", Files: []interact.File{pdf}})
	if err != nil {
		t.Fatal(err)
	}
	st, err = store.Status(ctx, sub.Number, sub.Secret)
	if err != nil || st.State != interact.Answered || st.ClosedAt == nil || !strings.Contains(st.Reply, "项目分配表") ||
		st.Outcome != "予以公开" || len(st.Files) != 1 || st.Files[0].Name != "项目分配表.pdf" {
		t.Fatalf("answered: %+v, %v", st, err)
	}
	f, err := store.File(ctx, sub.Number, sub.Secret, st.Files[0].ID)
	if err != nil || string(f.Data) != string(pdf.Data) || f.ContentType != "application/pdf" {
		t.Errorf("the reply's file: %+v, %v", f, err)
	}
	if _, err := store.File(ctx, sub.Number, "WRONGCODE2", st.Files[0].ID); zhenxing.ErrorCode(err) != zhenxing.ENotFound {
		t.Errorf("the file with a wrong code: %v", err)
	}
	q, _ = store.Find(ctx, sub.Number)
	if len(q.Events) != 5 || q.Events[0].To != interact.Received || q.Events[4].To != interact.Answered {
		t.Errorf("steps: %+v", q.Events)
	}

	// A second request is extended once, then refused.
	sub2, err := store.Submit(ctx, citizen())
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Extend(ctx, staff, sub2.Number, "需要征求第三方意见"); zhenxing.ErrorCode(err) != zhenxing.EConflict {
		t.Errorf("extended before being accepted: %v", err)
	}
	store.Accept(ctx, staff, sub2.Number)
	before, _ := store.Find(ctx, sub2.Number)
	if err := store.Extend(ctx, staff, sub2.Number, " "); zhenxing.ErrorCode(err) != zhenxing.EInvalid {
		t.Errorf("extended without a reason: %v", err)
	}
	if err := store.Extend(ctx, staff, sub2.Number, "需要征求第三方意见"); err != nil {
		t.Fatal(err)
	}
	after, _ := store.Find(ctx, sub2.Number)
	if after.State != interact.Extended || !after.DueAt.Equal(cal.Add(before.DueAt, 20)) {
		t.Errorf("extended: %s due %s", after.State, after.DueAt)
	}
	if err := store.Extend(ctx, staff, sub2.Number, "再次延期"); zhenxing.ErrorCode(err) != zhenxing.EConflict {
		t.Errorf("extended twice: %v", err)
	}
	if err := store.Refuse(ctx, staff, sub2.Number, interact.RequestReply{Reason: "no_such_reason", Text: "不予公开。"}); zhenxing.ErrorCode(err) != zhenxing.EInvalid {
		t.Errorf("refused on an unknown ground: %v", err)
	}
	if _, err := store.File(ctx, sub2.Number, sub2.Secret, st.Files[0].ID); zhenxing.ErrorCode(err) != zhenxing.ENotFound {
		t.Errorf("another request's file: %v", err)
	}
	if err := store.Refuse(ctx, staff, sub2.Number, interact.RequestReply{Reason: "third_party", Text: "所需信息涉及第三方个人隐私，依法不予公开。"}); err != nil {
		t.Fatal(err)
	}
	st, _ = store.Status(ctx, sub2.Number, sub2.Secret)
	if st.State != interact.Refused || !strings.Contains(st.Refusal, "第十五条") || st.Outcome != "不予公开：保护第三方合法权益" {
		t.Errorf("refused: %+v", st)
	}
	if queue, err := store.Queue(ctx); err != nil || len(queue) != 0 {
		t.Errorf("open requests left: %d, %v", len(queue), err)
	}
}

func TestRequestValidation(t *testing.T) {
	now := time.Date(2026, 12, 2, 0, 0, 0, 0, zhenxing.Beijing)
	for _, c := range []struct {
		name  string
		edit  func(*interact.RequestInput)
		field string
	}{
		{"bad check digit", func(in *interact.RequestInput) { in.Applicant.IDNumber = "110105194912310021" }, "id_number"},
		{"no name", func(in *interact.RequestInput) { in.Applicant.Name = " " }, "name"},
		{"over-long description", func(in *interact.RequestInput) { in.Description = strings.Repeat("资", 2001) }, "description"},
		{"e-mail delivery without e-mail", func(in *interact.RequestInput) { in.Applicant.Email = "" }, "email"},
		{"bad e-mail", func(in *interact.RequestInput) { in.Applicant.Email = "wang@" }, "email"},
		{"unknown delivery", func(in *interact.RequestInput) { in.Delivery = "fax" }, "delivery"},
		{"organisation with a bad credit code", func(in *interact.RequestInput) {
			in.Applicant = interact.Applicant{Kind: "organization", OrgName: "某合作社", CreditCode: "93610111MA6W000000", LegalRep: "李", Contact: "李", Phone: "1"}
			in.Delivery = "pickup"
		}, "credit_code"},
		{"no kind", func(in *interact.RequestInput) { in.Applicant.Kind = "" }, "kind"},
		{"organisation without a category", func(in *interact.RequestInput) {
			in.Applicant = interact.Applicant{Kind: "organization", OrgName: "某律师事务所", CreditCode: "91610111MA6W00001X", LegalRep: "李", Contact: "李", Phone: "1"}
			in.Delivery = "pickup"
		}, "org_category"},
	} {
		in := citizen()
		c.edit(&in)
		err := in.Validate(now)
		fe := zhenxing.AsFieldErrors(err)
		if zhenxing.ErrorCode(err) != zhenxing.EInvalid || fe.For(c.field) == "" {
			t.Errorf("%s: %v (fields %v)", c.name, err, fe)
		}
	}
	in := citizen()
	if err := in.Validate(now); err != nil {
		t.Errorf("a good request: %v", err)
	}
}

func organization(category string) interact.RequestInput {
	in := citizen()
	in.Applicant = interact.Applicant{Kind: "organization", OrgName: "陕西某某律师事务所", CreditCode: "91610000MA6TGXQ895",
		LegalRep: "张明", Contact: "张明", Phone: "02900000000"}
	in.Delivery, in.OrgCategory = "pickup", category
	return in
}

// TestYearTable computes the annual report's request table from requests over two years: one
// carried over from the year before, some closed in the year by outcome, one carried into the
// next. Retention clearing the applicants changes nothing.
func TestYearTable(t *testing.T) {
	ctx := context.Background()
	clock := time.Date(2025, 12, 15, 10, 0, 0, 0, zhenxing.Beijing)
	pool := testdb.New(t)
	store := interact.NewRequests(pool, nil, func() time.Time { return clock })
	submit := func(in interact.RequestInput) string {
		t.Helper()
		sub, err := store.Submit(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.Accept(ctx, staff, sub.Number); err != nil {
			t.Fatal(err)
		}
		return sub.Number
	}
	answer := func(number, outcome string) {
		t.Helper()
		if err := store.Answer(ctx, staff, number, interact.RequestReply{Outcome: outcome, Text: "答复"}); err != nil {
			t.Fatal(err)
		}
	}
	carried := submit(citizen()) // received in 2025, answered in 2026
	clock = time.Date(2026, 3, 2, 9, 0, 0, 0, zhenxing.Beijing)
	answer(carried, "disclosed")
	answer(submit(citizen()), "partial")
	legal := submit(organization("legal"))
	if err := store.Refuse(ctx, staff, legal, interact.RequestReply{Reason: "process", Text: "过程性信息"}); err != nil {
		t.Fatal(err)
	}
	answer(submit(organization("business")), "unavailable_not_held")
	waiting := submit(citizen())
	if err := store.AskForMore(ctx, staff, waiting, "请说明所需信息"); err != nil {
		t.Fatal(err)
	}
	if err := store.Answer(ctx, staff, waiting, interact.RequestReply{Outcome: "disclosed", Text: "答复"}); zhenxing.ErrorCode(err) != zhenxing.EConflict {
		t.Errorf("a request waiting for more answered as disclosed: %v", err)
	}
	answer(waiting, "other_no_supplement")
	submit(organization("research")) // still open at the end of 2026
	clock = time.Date(2027, 1, 5, 9, 0, 0, 0, zhenxing.Beijing)
	submit(citizen()) // received in 2027: not in the 2026 table

	if _, err := store.PurgePersonal(ctx, clock); err != nil {
		t.Fatal(err)
	}
	table, err := store.YearTable(ctx, 2026)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{ // row: counts for 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计
		"一、本年新收政府信息公开申请数量":             "2 1 1 0 1 0 5",
		"二、上年结转政府信息公开申请数量":             "1 0 0 0 0 0 1",
		"（一）予以公开":                      "1 0 0 0 0 0 1",
		"（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "1 0 0 0 0 0 1",
		"（三）不予公开":                      "0 0 0 0 1 0 1",
		"6.属于四类过程性信息":                  "0 0 0 0 1 0 1",
		"（四）无法提供":                      "0 1 0 0 0 0 1",
		"1.本机关不掌握相关政府信息":               "0 1 0 0 0 0 1",
		"（六）其他处理":                      "1 0 0 0 0 0 1",
		"（七）总计":                        "3 1 0 0 1 0 5",
		"四、结转下年度继续办理":                  "0 0 1 0 0 0 1",
	}
	seen := 0
	for _, row := range table.Rows {
		got := strings.Trim(fmt.Sprint(row.Counts), "[]")
		if w, ok := want[row.Label]; ok {
			seen++
			if got != w {
				t.Errorf("%s: %s, want %s", row.Label, got, w)
			}
		}
	}
	if seen != len(want) || len(table.Rows) != 30 || len(table.Columns) != 7 {
		t.Errorf("%d of %d rows checked; %d rows, %d columns", seen, len(want), len(table.Rows), len(table.Columns))
	}
	var csv strings.Builder
	if err := table.WriteCSV(&csv); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(csv.String(), "\uFEFF2026年收到和处理政府信息公开申请情况,自然人,商业企业") ||
		!strings.Contains(csv.String(), "\n（七）总计,3,1,0,0,1,0,5\n") {
		t.Errorf("CSV:\n%s", csv.String())
	}
}
