package interact_test

import (
	"context"
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
	if err := store.Answer(ctx, staff, sub.Number, "所需信息已通过电子邮件发送，附项目分配表。"); err != nil {
		t.Fatal(err)
	}
	st, err = store.Status(ctx, sub.Number, sub.Secret)
	if err != nil || st.State != interact.Answered || st.ClosedAt == nil || !strings.Contains(st.Reply, "项目分配表") {
		t.Errorf("answered: %+v, %v", st, err)
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
	if err := store.Refuse(ctx, staff, sub2.Number, "no_such_reason", "不予公开。"); zhenxing.ErrorCode(err) != zhenxing.EInvalid {
		t.Errorf("refused on an unknown ground: %v", err)
	}
	if err := store.Refuse(ctx, staff, sub2.Number, "third_party", "所需信息涉及第三方个人隐私，依法不予公开。"); err != nil {
		t.Fatal(err)
	}
	st, _ = store.Status(ctx, sub2.Number, sub2.Secret)
	if st.State != interact.Refused || !strings.Contains(st.Refusal, "第十五条") {
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
