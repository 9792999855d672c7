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

func letter() interact.MessageInput {
	return interact.MessageInput{Kind: "consult", Subject: "樱桃采摘季的交通安排",
		Body:    "我是王建国，电话13800000000。请问今年白鹿原樱桃采摘季有没有公交专线？",
		Contact: interact.Contact{Name: "王建国", Phone: "13800000000"}, Publish: true}
}

func TestMessageJourney(t *testing.T) {
	ctx := context.Background()
	clock := time.Date(2026, 9, 29, 10, 0, 0, 0, zhenxing.Beijing) // the Tuesday before National Day
	pool := testdb.New(t)
	store := interact.NewMessages(pool, nil, func() time.Time { return clock }, 0)

	sub, err := store.Submit(ctx, letter())
	if err != nil {
		t.Fatal(err)
	}
	// 5 working days: 09-30, then 10-09 (a make-up working day) to 10-12 skip the holiday.
	if sub.Number != "XX2026-000001" || sub.DueAt.Format(time.DateOnly) != workdays.Default().Add(clock, 5).Format(time.DateOnly) ||
		!sub.DueAt.After(time.Date(2026, 10, 8, 0, 0, 0, 0, zhenxing.Beijing)) {
		t.Errorf("submitted %+v", sub)
	}
	if _, err := store.Status(ctx, sub.Number, "WRONGCODE1"); zhenxing.ErrorCode(err) != zhenxing.ENotFound {
		t.Errorf("wrong code: %v", err)
	}

	clock = time.Date(2026, 10, 9, 15, 0, 0, 0, zhenxing.Beijing)
	m, _ := store.Find(ctx, sub.Number)
	err = store.Answer(ctx, db.Actor{Name: "办公室"}, sub.Number, interact.Reply{
		Answer: "采摘季期间开通临时公交专线，详见区交通运输局通知。", Publish: true,
		PublishedQuestion: interact.Redact(m.Body, m.Contact)})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Answer(ctx, db.Actor{Name: "办公室"}, sub.Number, interact.Reply{Answer: "再答"}); zhenxing.ErrorCode(err) != zhenxing.EConflict {
		t.Errorf("answered twice: %v", err)
	}
	list, total, err := store.Published(ctx, 0, 20)
	if err != nil || total != 1 || len(list) != 1 {
		t.Fatalf("published %d, %v", total, err)
	}
	if q := list[0].Question; strings.Contains(q, "王建国") || strings.Contains(q, "13800000000") || !strings.Contains(q, "公交专线") {
		t.Errorf("published question %q", q)
	}
	st, err := store.Status(ctx, sub.Number, sub.Secret)
	if err != nil || st.Answer == "" || st.Contact != nil {
		t.Errorf("status %+v, %v", st, err)
	}

	// Without consent it cannot be published.
	clock = time.Date(2026, 10, 12, 9, 0, 0, 0, zhenxing.Beijing)
	private := letter()
	private.Publish = false
	sub2, _ := store.Submit(ctx, private)
	err = store.Answer(ctx, db.Actor{Name: "办公室"}, sub2.Number, interact.Reply{Answer: "已电话答复。", Publish: true, PublishedQuestion: "问"})
	if zhenxing.ErrorCode(err) != zhenxing.EConflict {
		t.Errorf("published without consent: %v", err)
	}

	stats, err := store.MonthlyStats(ctx, 3)
	if err != nil || len(stats) != 3 {
		t.Fatalf("stats %v, %v", stats, err)
	}
	if stats[0].Received != 1 || stats[0].Answered != 1 || stats[1].Received != 1 || stats[2].Received != 0 {
		t.Errorf("stats %+v", stats)
	}
	if want := float64(workdays.Default().Between(time.Date(2026, 9, 29, 10, 0, 0, 0, zhenxing.Beijing), time.Date(2026, 10, 9, 15, 0, 0, 0, zhenxing.Beijing))); stats[0].AverageDays != want {
		t.Errorf("average %v, want %v", stats[0].AverageDays, want)
	}

	// Retention clears the contact of answered messages only.
	if n, err := store.PurgePersonal(ctx, time.Date(2030, 1, 1, 0, 0, 0, 0, zhenxing.Beijing)); err != nil || n != 1 {
		t.Errorf("purge %d, %v", n, err)
	}
}

func TestMessageValidation(t *testing.T) {
	in := interact.MessageInput{Kind: "praise", Subject: strings.Repeat("题", 51), Contact: interact.Contact{Email: "not-an-address"}}
	fe := zhenxing.AsFieldErrors(in.Validate())
	for _, f := range []string{"kind", "subject", "body", "email"} {
		if fe.For(f) == "" {
			t.Errorf("no message for %s: %v", f, fe)
		}
	}
}

func TestRedact(t *testing.T) {
	got := interact.Redact("我叫李秀英，身份证11010519491231002X，手机138 0000 0000，座机029-83510000，邮箱li@example.cn。", &interact.Contact{Name: "李秀英"})
	for _, leak := range []string{"李秀英", "11010519491231002X", "138", "83510000", "li@example.cn"} {
		if strings.Contains(got, leak) {
			t.Errorf("%q left in %q", leak, got)
		}
	}
	if !strings.Contains(got, "[已隐去]") {
		t.Errorf("redacted: %q", got)
	}
}
