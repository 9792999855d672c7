package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

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
	var any bool
	if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM messages)`).Scan(&any); err != nil {
		return fmt.Errorf("count messages: %w", err)
	}
	if any {
		fmt.Fprintln(stdout, "示例来信：已有来信，未添加。")
		return nil
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
