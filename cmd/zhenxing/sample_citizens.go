package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing"
	"zhenxing/interact"
	"zhenxing/internal/db"
)

// sampleLetter is one sample letter to the director's mailbox: sent daysAgo days before now and,
// unless answer is "", answered after answerDays and published.
type sampleLetter struct {
	kind, subject, body, answer string
	daysAgo, answerDays         int
}

var sampleLetters = []sampleLetter{
	{"consult", "消费帮扶馆怎样注册采购", "我们街道工会想为职工采购略阳县的农产品，请问在网站上怎样注册、多久能审核通过？",
		"基层工会可在“消费帮扶馆”页面点击“采购单位注册”，填写单位信息和开票信息后提交，馆务工作人员一般在 2 个工作日内完成审核。审核通过后即可下单，支持对公转账付款。", 75, 2},
	{"suggest", "建议增加樱桃采摘期的信息", "每年樱桃上市时很多市民想去采摘，建议在网站上集中公布各合作社的采摘时间和联系方式。",
		"感谢您的建议。今年起，消费帮扶馆的樱桃产品页面标注上市月份，供应商页面列出合作社的地址和联系电话，采摘季前我们还将在“通知公告”栏目发布汇总信息。", 48, 3},
	{"consult", "公益性岗位的报名条件", "我是脱贫户家庭成员，想了解街道公益性岗位招聘需要什么条件，到哪里报名。",
		"公益性岗位优先安置脱贫劳动力和监测对象家庭劳动力，具体条件以每期招聘公告为准。请关注“招聘活动”栏目中的公益性岗位招聘，按公告所列地点和时间携带身份证、户口簿报名。", 20, 4},
	{"complain", "订单发货较慢", "上月通过消费帮扶馆下的订单，过了一周才发货，希望督促供应商及时发货。",
		"经核实，该批次因冷链运输车辆调度延误发货，我局已约谈供应商并要求其在付款到账后 3 日内发货。给您带来不便，深表歉意。", 9, 2},
	{"consult", "衔接资金项目在哪里公示", "想了解我们村今年衔接资金项目的安排，请问在哪里可以看到公示？", "", 1, 0},
}

// seedSampleLetters adds the sample letters when the mailbox is empty.
func seedSampleLetters(ctx context.Context, pool *pgxpool.Pool, stdout io.Writer, now time.Time) error {
	if done, err := seeded(ctx, pool, stdout, "示例来信：已有来信，未添加。", `SELECT EXISTS (SELECT 1 FROM messages)`); done || err != nil {
		return err
	}
	clock := now
	store := interact.NewMessages(pool, nil, func() time.Time { return clock }, 0)
	for _, l := range sampleLetters {
		clock = now.AddDate(0, 0, -l.daysAgo)
		sub, err := store.Submit(ctx, interact.MessageInput{Kind: l.kind, Subject: l.subject, Body: l.body, Publish: true})
		if err != nil {
			return fmt.Errorf("sample letter %q: %w", l.subject, err)
		}
		if l.answer == "" {
			continue
		}
		clock = clock.AddDate(0, 0, l.answerDays)
		err = store.Answer(ctx, db.CommandLine, sub.Number, interact.Reply{Answer: l.answer, Publish: true, PublishedQuestion: l.body})
		if err != nil {
			return fmt.Errorf("answer sample letter %q: %w", l.subject, err)
		}
	}
	fmt.Fprintf(stdout, "示例来信：%d 封，其中 %d 封已答复并公开。\n", len(sampleLetters), len(sampleLetters)-1)
	return nil
}

// sampleRequest is one sample request for government information: received at received and,
// unless outcome is "", answered at answered.
type sampleRequest struct {
	in                 interact.RequestInput
	received, answered time.Time
	outcome, reply     string
}

func sampleApplicant(name string) interact.Applicant {
	return interact.Applicant{Kind: "citizen", Name: name, IDType: "居民身份证", IDNumber: "11010519491231002X",
		Phone: "13800000000", Address: "西安市灞桥区席王街道"}
}

// sampleRequests are the requests of 2025 that the 2025 annual report's table counts (three
// from citizens, one from a law firm; two disclosed, one in part, one not held), and some of 2026.
func sampleRequests(now time.Time) []sampleRequest {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, zhenxing.Beijing) }
	ask := func(a interact.Applicant, what, purpose string) interact.RequestInput {
		return interact.RequestInput{Applicant: a, Description: what, Purpose: purpose, Delivery: "pickup"}
	}
	firm := interact.Applicant{Kind: "organization", OrgName: "陕西秦川律师事务所", CreditCode: "31610000MD0123456M",
		LegalRep: "周立", Contact: "何静", Phone: "02988886666"}
	lawFirm := ask(firm, "2024年度衔接资金项目的招标结果公告", "为委托人核实项目承建情况")
	lawFirm.OrgCategory = "legal"
	return []sampleRequest{
		{ask(sampleApplicant("陈卫东"), "2024年狄寨街道樱桃产业项目的资金使用明细", "了解本村项目情况"), day(2025, 3, 10), day(2025, 3, 28),
			"disclosed", "所需信息已制作为纸质件，请携带身份证件到本局办公室领取。"},
		{ask(sampleApplicant("刘桂芳"), "2025年公益性岗位的招聘计划和报名条件", "本人报名参考"), day(2025, 6, 3), day(2025, 6, 17),
			"disclosed", "招聘计划已在“通知公告”栏目公开，纸质件已备好，可随时领取。"},
		{lawFirm, day(2025, 8, 18), day(2025, 9, 12),
			"partial", "招标结果公告已提供；其中投标人的报价明细涉及商业秘密，依法作区分处理，不予提供。"},
		{ask(sampleApplicant("孙建民"), "2015年以前的扶贫搬迁安置名单", "核实个人情况"), day(2025, 11, 4), day(2025, 11, 21),
			"unavailable_not_held", "经检索，本局未制作、保存该信息，建议向区住房和城乡建设局咨询。"},
		{ask(sampleApplicant("赵玉梅"), "2026年防返贫监测对象的认定标准", "了解申报条件"), day(2026, 4, 20), day(2026, 5, 8),
			"disclosed", "认定标准见政策文件栏目的监测帮扶工作方案，纸质件可到本局领取。"},
		{ask(sampleApplicant("马志强"), "2026年衔接资金项目计划中本街道的项目清单", "了解村内项目安排"), now.AddDate(0, 0, -8), time.Time{}, "", ""},
	}
}

// seedSampleRequests adds the sample requests when there are none.
func seedSampleRequests(ctx context.Context, pool *pgxpool.Pool, stdout io.Writer, now time.Time) error {
	if done, err := seeded(ctx, pool, stdout, "示例政府信息公开申请：已有申请，未添加。", `SELECT EXISTS (SELECT 1 FROM disclosure_requests)`); done || err != nil {
		return err
	}
	clock := now
	store := interact.NewRequests(pool, nil, func() time.Time { return clock })
	list := sampleRequests(now)
	for _, q := range list {
		clock = q.received
		sub, err := store.Submit(ctx, q.in)
		if err != nil {
			return fmt.Errorf("sample request %q: %w", q.in.Description, err)
		}
		clock = q.received.Add(2 * time.Hour)
		if err := store.Accept(ctx, db.CommandLine, sub.Number); err != nil {
			return err
		}
		if q.outcome == "" {
			continue
		}
		clock = q.answered
		if err := store.Answer(ctx, db.CommandLine, sub.Number, interact.RequestReply{Outcome: q.outcome, Text: q.reply}); err != nil {
			return fmt.Errorf("answer sample request %q: %w", q.in.Description, err)
		}
	}
	fmt.Fprintf(stdout, "示例政府信息公开申请：%d 件，其中 2025 年 4 件。\n", len(list))
	return nil
}

// sampleConsultation is the closed sample consultation whose summary is published.
const sampleConsultation = "monitoring-rules-consultation-2026"

var sampleComments = []struct {
	body, name, decision, point, reason string
}{
	{"建议把街道入户核实的时限写清楚，避免群众申报后长时间没有回音。", "王大爷", "adopted",
		"明确入户核实时限", "已在认定程序中明确街道收到申报或预警后 15 日内完成入户核实、评议和公示。"},
	{"希望增加子女代为申报的方式，很多老人不会用手机。", "", "adopted",
		"允许家庭成员代为申报", "已增加由家庭成员或村干部代为申报的规定。"},
	{"建议对风险消除后的家庭继续跟踪一年。", "东村村民", "partly",
		"风险消除后继续跟踪", "风险消除后纳入常态化监测，跟踪期限按省级统一规定执行，本细则不另作规定。"},
	{"建议每户监测对象每月发放固定补助。", "", "not_adopted",
		"按月发放固定补助", "帮扶措施按致贫返贫风险类别分类落实，不设统一现金补助，以免形成依赖。"},
}

// seedSampleConsultation adds the comments on the closed sample consultation, their handling
// and its published summary, when it has none.
func seedSampleConsultation(ctx context.Context, pool *pgxpool.Pool, stdout io.Writer) error {
	if done, err := seeded(ctx, pool, stdout, "示例征求意见：已有意见，未添加。",
		`SELECT EXISTS (SELECT 1 FROM consultation_comments WHERE doc_slug = $1)`, sampleConsultation); done || err != nil {
		return err
	}
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 10, 0, 0, 0, zhenxing.Beijing) }
	clock := day(9, 3)
	store := interact.NewConsultations(pool, func() time.Time { return clock })
	period := interact.Period{Opens: time.Date(2026, 9, 1, 0, 0, 0, 0, zhenxing.Beijing), Ends: time.Date(2026, 10, 1, 0, 0, 0, 0, zhenxing.Beijing)}
	for i, m := range sampleComments {
		clock = day(9, 3+5*i)
		if err := store.Comment(ctx, sampleConsultation, period, interact.CommentInput{Body: m.body, Name: m.name}); err != nil {
			return fmt.Errorf("sample comment: %w", err)
		}
	}
	comments, err := store.Comments(ctx, sampleConsultation)
	if err != nil {
		return err
	}
	clock = day(10, 10)
	for i, m := range comments {
		c := sampleComments[i]
		if err := store.Decide(ctx, db.CommandLine, sampleConsultation, m.ID, interact.Decision{Decision: c.decision, Point: c.point, Reason: c.reason}); err != nil {
			return fmt.Errorf("decide sample comment: %w", err)
		}
	}
	clock = day(10, 12)
	err = store.Publish(ctx, db.CommandLine, sampleConsultation, period,
		"征求意见期间，我局共收到意见 4 条。经逐条研究，采纳 2 条、部分采纳 1 条、未采纳 1 条，细则已据此修改完善，将按程序印发。感谢各位群众的关心和支持。")
	if err != nil {
		return fmt.Errorf("publish sample summary: %w", err)
	}
	fmt.Fprintf(stdout, "示例征求意见：%d 条意见，采纳情况已公布。\n", len(sampleComments))
	return nil
}
