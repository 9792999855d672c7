package interact_test

import (
	"context"
	"testing"
	"time"

	"zhenxing"
	"zhenxing/interact"
	"zhenxing/internal/testdb"
)

// TestConsultation follows a consultation on an injected clock: refused before it opens, open
// for comments, closed; the summary waits until every comment is handled, and then publishes the
// counts and the points without the commenters.
func TestConsultation(t *testing.T) {
	ctx := context.Background()
	day := func(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, zhenxing.Beijing) }
	clock := day(8, 31, 23)
	store := interact.NewConsultations(testdb.New(t), func() time.Time { return clock })
	p := interact.Period{Opens: day(9, 1, 0), Ends: day(10, 1, 0)} // 1 to 30 September
	comment := interact.CommentInput{Body: "建议把入户核实的时限写明。", Name: "李秀英", Contact: "13900000000"}

	if err := store.Comment(ctx, "draft", p, comment); zhenxing.ErrorCode(err) != zhenxing.EConflict {
		t.Errorf("a comment before the period: %v", err)
	}
	clock = day(9, 1, 8)
	if err := store.Comment(ctx, "draft", p, interact.CommentInput{Body: " "}); zhenxing.AsFieldErrors(err).For("body") == "" {
		t.Errorf("an empty comment: %v", err)
	}
	for _, body := range []string{comment.Body, "建议增加线上申报渠道。"} {
		in := comment
		in.Body = body
		if err := store.Comment(ctx, "draft", p, in); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.Publish(ctx, staff, "draft", p, "已吸收。"); zhenxing.ErrorCode(err) != zhenxing.EConflict {
		t.Errorf("published while open: %v", err)
	}
	clock = day(10, 1, 0)
	if err := store.Comment(ctx, "draft", p, comment); zhenxing.ErrorCode(err) != zhenxing.EConflict {
		t.Errorf("a comment after the period: %v", err)
	}

	comments, err := store.Comments(ctx, "draft")
	if err != nil || len(comments) != 2 || *comments[0].Name != "李秀英" {
		t.Fatalf("comments: %+v, %v", comments, err)
	}
	if err := store.Decide(ctx, staff, "draft", comments[0].ID, interact.Decision{Decision: "maybe", Point: "点", Reason: "因"}); zhenxing.AsFieldErrors(err).For("decision") == "" {
		t.Errorf("an unknown decision: %v", err)
	}
	if err := store.Decide(ctx, staff, "other", comments[0].ID, interact.Decision{Decision: "adopted", Point: "点", Reason: "因"}); zhenxing.ErrorCode(err) != zhenxing.ENotFound {
		t.Errorf("a comment of another document: %v", err)
	}
	if err := store.Decide(ctx, staff, "draft", comments[0].ID, interact.Decision{Decision: "adopted",
		Point: "写明入户核实时限", Reason: "已在认定程序中明确为 15 日内。"}); err != nil {
		t.Fatal(err)
	}
	if err := store.Publish(ctx, staff, "draft", p, "共收到意见 2 条。"); zhenxing.ErrorCode(err) != zhenxing.EConflict {
		t.Errorf("published with a comment not handled: %v", err)
	}
	if sum, _ := store.Summary(ctx, "draft"); sum != nil {
		t.Errorf("a summary before publishing: %+v", sum)
	}
	if err := store.Decide(ctx, staff, "draft", comments[1].ID, interact.Decision{Decision: "not_adopted",
		Point: "增加线上申报渠道", Reason: "已有“陕西防返贫监测”小程序，不另设渠道。"}); err != nil {
		t.Fatal(err)
	}
	if err := store.Publish(ctx, staff, "draft", p, "共收到意见 2 条，采纳 1 条。"); err != nil {
		t.Fatal(err)
	}
	sum, err := store.Summary(ctx, "draft")
	if err != nil || sum == nil || sum.Received != 2 || sum.Adopted != 1 || sum.Other != 1 || len(sum.Items) != 2 ||
		sum.Items[0].Decision != "采纳" || sum.Items[1].Point != "增加线上申报渠道" {
		t.Fatalf("summary: %+v, %v", sum, err)
	}
	if err := store.Decide(ctx, staff, "draft", comments[0].ID, interact.Decision{Decision: "partly", Point: "点", Reason: "因"}); zhenxing.ErrorCode(err) != zhenxing.EConflict {
		t.Errorf("decided after publishing: %v", err)
	}
	tallies, err := store.Tallies(ctx)
	if err != nil || tallies["draft"] != (interact.Tally{Comments: 2, Decided: 2, Published: true}) {
		t.Errorf("tallies: %+v, %v", tallies, err)
	}

	// Retention clears who commented; the summary stays.
	if n, err := store.PurgePersonal(ctx, clock.Add(time.Hour)); err != nil || n != 2 {
		t.Errorf("purged %d, %v", n, err)
	}
	comments, _ = store.Comments(ctx, "draft")
	if comments[0].Name != nil || comments[0].Contact != nil || comments[0].Body == "" {
		t.Errorf("after retention: %+v", comments[0])
	}
	if sum, _ := store.Summary(ctx, "draft"); sum == nil || sum.Received != 2 {
		t.Errorf("the summary after retention: %+v", sum)
	}
}
