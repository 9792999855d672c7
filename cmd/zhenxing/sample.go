package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing"
	"zhenxing/internal/account"
	"zhenxing/internal/db"
	"zhenxing/order"
)

// The sample buyers and orders of `zhenxing seed`: two approved union organisations, their
// users, and orders in every state with their payments spread over the last months, so that a
// first `make run` shows the ordering pages and real charts on /hall/stats. They are added only
// to a database with no organisation yet.

// sampleOrg is one sample organisation with its administrator and, optionally, a purchaser.
type sampleOrg struct {
	name, code17, parent, contact, phone, address string
	admin, purchaser                              account.NewBuyer // Password is set at random
	threshold                                     zhenxing.Money   // 0: no approval amount
}

var sampleOrgs = []sampleOrg{
	{
		name: "西安市灞桥区纺织城街道总工会", code17: "81610111MC0000001", parent: "西安市灞桥区总工会",
		contact: "张华", phone: "13700000001", address: "西安市灞桥区纺织城正街 1 号",
		admin:     account.NewBuyer{Name: "张华", Phone: "13700000001", Email: "zhanghua@example.cn"},
		purchaser: account.NewBuyer{Name: "李娜", Phone: "13700000002"},
	},
	{
		name: "西安市灞桥区教育系统工会", code17: "81610111MC0000002", parent: "西安市灞桥区总工会",
		contact: "王强", phone: "13700000003", address: "西安市灞桥区灞桥街道灞柳西路 10 号",
		admin:     account.NewBuyer{Name: "王强", Phone: "13700000003", Email: "wangqiang@example.cn"},
		purchaser: account.NewBuyer{Name: "赵敏", Phone: "13700000004"},
		threshold: 500000, // ¥5,000.00
	},
}

// samplePurchase is one sample checkout: who buys what, and how far the orders go.
type samplePurchase struct {
	org       int  // index in sampleOrgs
	purchaser bool // placed by the purchaser, else by the administrator
	lines     []sampleLine
	until     string // the state the orders reach
	monthsAgo int    // when they were paid
	refund    zhenxing.Money
}

type sampleLine struct {
	slug string
	qty  int
}

var samplePurchases = []samplePurchase{
	{org: 0, lines: []sampleLine{{"lueyang-black-chicken", 20}, {"lueyang-black-chicken-eggs-30", 40}}, until: order.StateInvoiced, monthsAgo: 5},
	{org: 1, lines: []sampleLine{{"bailuyuan-cherry-jam", 120}}, until: order.StateReceived, monthsAgo: 6, refund: 2800},
	{org: 0, lines: []sampleLine{{"lueyang-rapeseed-oil-5l", 60}}, until: order.StateReceived, monthsAgo: 4},
	{org: 0, purchaser: true, lines: []sampleLine{{"jinjiahe-wild-honey-500g", 50}, {"lueyang-walnuts", 80}}, until: order.StateShipped, monthsAgo: 3},
	{org: 1, lines: []sampleLine{{"lueyang-kiwi-3kg", 40}, {"lueyang-green-tea", 10}}, until: order.StatePaid, monthsAgo: 2},
	{org: 1, lines: []sampleLine{{"lueyang-chestnut-kernels", 100}, {"lueyang-black-fungus-250g", 60}}, until: order.StateReceived, monthsAgo: 1},
	{org: 0, lines: []sampleLine{{"lueyang-black-tea", 12}}, until: order.StateUnpaid},
	{org: 1, purchaser: true, lines: []sampleLine{{"lueyang-tianma-slices", 50}}, until: order.StateApproval},
	{org: 0, purchaser: true, lines: []sampleLine{{"heihe-potatoes", 30}}, until: order.StateCanceled},
	{org: 1, lines: []sampleLine{{"bailuyuan-cherry-wine", 20}}, until: order.StateRefunded, monthsAgo: 2},
}

// seeded reports whether the sample data a seed adds is there already (exists is a query of one
// boolean), and then says so on stdout with skipped: every seed adds its data once.
func seeded(ctx context.Context, pool *pgxpool.Pool, stdout io.Writer, skipped, exists string, args ...any) (bool, error) {
	var done bool
	if err := pool.QueryRow(ctx, exists, args...).Scan(&done); err != nil {
		return false, fmt.Errorf("look for sample data: %w", err)
	}
	if done {
		fmt.Fprintln(stdout, skipped)
	}
	return done, nil
}

// seedSample adds the sample organisations, users and orders when the database has no
// organisation, and prints the users' passwords once. The catalogue must be seeded first.
func seedSample(ctx context.Context, pool *pgxpool.Pool, stdout io.Writer, now time.Time) error {
	if done, err := seeded(ctx, pool, stdout, "示例采购单位：已有采购单位，未添加。", `SELECT EXISTS (SELECT 1 FROM organizations)`); done || err != nil {
		return err
	}
	accounts := account.NewStore(pool)
	orders := order.New(pool, order.Config{Now: func() time.Time { return now }})
	type member struct {
		user  *account.User
		buyer order.Buyer
	}
	admins, purchasers := make([]member, len(sampleOrgs)), make([]member, len(sampleOrgs))
	addresses := make([]int64, len(sampleOrgs))
	fmt.Fprintln(stdout, "示例采购单位的账号（用手机号或邮箱登录 /account/login；密码只显示这一次）：")
	for i, so := range sampleOrgs {
		check, _ := zhenxing.CreditCodeCheckChar(so.code17)
		so.admin.Password = rand.Text()
		org, admin, err := accounts.Register(ctx, account.Registration{
			Name: so.name, CreditCode: so.code17 + string(check), Parent: so.parent,
			ContactName: so.contact, ContactPhone: so.phone,
			Addresses: []account.NewAddress{{Recipient: so.contact, Phone: so.phone, Address: so.address}},
			Admin:     so.admin,
		})
		if err != nil {
			return fmt.Errorf("register %s: %w", so.name, err)
		}
		if err := accounts.Approve(ctx, db.CommandLine, org.ID, now); err != nil {
			return fmt.Errorf("approve %s: %w", so.name, err)
		}
		if so.threshold > 0 {
			t := so.threshold
			if err := accounts.SetApprovalThreshold(ctx, admin, &t); err != nil {
				return fmt.Errorf("approval amount of %s: %w", so.name, err)
			}
		}
		inv, err := accounts.Invite(ctx, admin, so.purchaser.Phone, account.OrgPurchaser, now)
		if err != nil {
			return fmt.Errorf("invite into %s: %w", so.name, err)
		}
		so.purchaser.Password = rand.Text()
		purchaser, err := accounts.AcceptInvitation(ctx, inv.Token, so.purchaser, now)
		if err != nil {
			return fmt.Errorf("accept the invitation of %s: %w", so.name, err)
		}
		if org, err = accounts.Organization(ctx, org.ID); err != nil {
			return err
		}
		addrs, err := accounts.Addresses(ctx, org.ID)
		if err != nil {
			return err
		}
		addresses[i] = addrs[0].ID
		buyer := func(u *account.User) order.Buyer {
			return order.Buyer{UserID: u.ID, OrganizationID: org.ID, Name: u.Name, Admin: u.IsOrgAdmin(),
				Approved: org.Approved(), ApprovalThreshold: org.ApprovalThreshold}
		}
		admins[i], purchasers[i] = member{admin, buyer(admin)}, member{purchaser, buyer(purchaser)}
		fmt.Fprintf(stdout, "  %s  单位管理员 %s  %s  密码 %s\n", so.name, so.admin.Name, so.admin.Phone, so.admin.Password)
		fmt.Fprintf(stdout, "  %s  采购员 %s  %s  密码 %s\n", so.name, so.purchaser.Name, so.purchaser.Phone, so.purchaser.Password)
	}

	placed := 0
	for i, sp := range samplePurchases {
		m := admins[sp.org]
		if sp.purchaser {
			m = purchasers[sp.org]
		}
		ref, err := samplePurchaseRun(ctx, orders, m.buyer, admins[sp.org].buyer, sampleOrgs[sp.org], addresses[sp.org], sp, i, now)
		if err != nil {
			return fmt.Errorf("sample purchase %d: %w", i+1, err)
		}
		if err := sampleBackdate(ctx, pool, ref, sp.monthsAgo); err != nil {
			return err
		}
		placed++
	}
	fmt.Fprintf(stdout, "示例订单：%d 次下单，覆盖各个订单状态。\n", placed)
	return nil
}

// samplePurchaseRun places one sample checkout as b and takes its orders to sp.until; admin is
// the organisation's administrator (who receives the goods at the address addr). It returns the
// checkout's reference.
func samplePurchaseRun(ctx context.Context, svc *order.Service, b, admin order.Buyer, so sampleOrg, addr int64, sp samplePurchase, n int, now time.Time) (string, error) {
	for _, l := range sp.lines {
		if _, err := svc.Carts.Add(ctx, b.UserID, l.slug, fmt.Sprint(l.qty)); err != nil {
			return "", fmt.Errorf("cart %s: %w", l.slug, err)
		}
	}
	check, _ := zhenxing.CreditCodeCheckChar(so.code17)
	p, err := svc.Checkouts.Place(ctx, b, order.CheckoutInput{
		AddressID:   addr,
		Invoice:     order.InvoiceDetails{Title: so.name, TaxID: so.code17 + string(check), Kind: order.InvoiceOrdinary},
		PurchaseRef: fmt.Sprintf("GH-%d-%03d", now.In(zhenxing.Beijing).Year(), n+1),
	})
	if err != nil {
		return "", err
	}
	switch sp.until {
	case order.StateApproval, order.StateUnpaid:
		return p.Reference, nil
	case order.StateCanceled:
		return p.Reference, svc.Orders.Cancel(ctx, b, p.Orders[0].Number)
	}
	paidOn := now.AddDate(0, -sp.monthsAgo, 0)
	if _, err := svc.Payments.RecordTransfer(ctx, db.CommandLine, order.Transfer{
		Target: p.Reference, PaidOn: paidOn, Amount: p.Total, Payer: so.name,
		BankReference: fmt.Sprintf("SAMPLE-%s-%02d", paidOn.In(zhenxing.Beijing).Format("200601"), n+1),
	}); err != nil {
		return "", fmt.Errorf("transfer: %w", err)
	}
	for i, o := range p.Orders {
		switch sp.until {
		case order.StatePaid:
			continue
		case order.StateRefunded:
			if err := svc.Orders.Refund(ctx, db.CommandLine, o.Number, o.Total, "采购计划调整，全额退款", ""); err != nil {
				return "", fmt.Errorf("refund: %w", err)
			}
			continue
		}
		if err := svc.Orders.Ship(ctx, db.CommandLine, o.Number, "中国邮政 EMS", fmt.Sprintf("EMS%09d", 100000*(n+1)+i)); err != nil {
			return "", fmt.Errorf("ship: %w", err)
		}
		if sp.until == order.StateShipped {
			continue
		}
		if err := svc.Orders.ConfirmReceipt(ctx, admin, o.Number); err != nil {
			return "", fmt.Errorf("receipt: %w", err)
		}
		if sp.refund > 0 && i == 0 {
			if err := svc.Orders.Refund(ctx, db.CommandLine, o.Number, sp.refund, "一件破损，按件退款", ""); err != nil {
				return "", fmt.Errorf("refund: %w", err)
			}
		}
		if sp.until == order.StateInvoiced {
			if err := svc.Invoices.Request(ctx, admin, o.Number); err != nil {
				return "", fmt.Errorf("invoice request: %w", err)
			}
			if err := svc.Invoices.Record(ctx, db.CommandLine, o.Number, order.IssuedInvoice{
				Number: fmt.Sprintf("2461%08d", 1000*(n+1)+i), IssuedOn: paidOn.AddDate(0, 0, 10), Amount: o.Total,
			}); err != nil {
				return "", fmt.Errorf("invoice: %w", err)
			}
		}
	}
	return p.Reference, nil
}

// sampleBackdate moves every time of the sample checkout ref and of what followed it back by
// months, as if it had been placed then (a day before its payment), its order numbers' dates too.
func sampleBackdate(ctx context.Context, pool *pgxpool.Pool, ref string, months int) error {
	if months == 0 {
		return nil
	}
	shift := fmt.Sprintf("%d months 1 day", months)
	return db.InTx(ctx, pool, func(tx pgx.Tx) error {
		for _, q := range []string{
			`UPDATE checkouts SET created_at = created_at - $2::interval WHERE reference = $1`,
			`UPDATE orders o SET created_at = o.created_at - $2::interval, updated_at = o.updated_at - $2::interval,
				pay_by = o.pay_by - $2::interval,
				number = 'XF' || to_char((o.created_at - $2::interval) AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || substr(o.number, 11)
				FROM checkouts c WHERE c.id = o.checkout_id AND c.reference = $1`,
			`UPDATE order_events e SET at = e.at - $2::interval FROM orders o, checkouts c
				WHERE o.id = e.order_id AND c.id = o.checkout_id AND c.reference = $1`,
			`UPDATE shipments s SET shipped_at = s.shipped_at - $2::interval + interval '2 days' FROM orders o, checkouts c
				WHERE o.id = s.order_id AND c.id = o.checkout_id AND c.reference = $1`,
			`UPDATE payments p SET recorded_at = p.recorded_at - $2::interval + interval '1 day' FROM checkouts c
				WHERE c.id = p.checkout_id AND c.reference = $1`,
			`UPDATE refunds r SET at = r.at - $2::interval + interval '8 days' FROM orders o, checkouts c
				WHERE o.id = r.order_id AND c.id = o.checkout_id AND c.reference = $1`,
			`UPDATE invoices i SET requested_at = i.requested_at - $2::interval + interval '6 days',
				recorded_at = i.recorded_at - $2::interval + interval '10 days' FROM orders o, checkouts c
				WHERE o.id = i.order_id AND c.id = o.checkout_id AND c.reference = $1`,
		} {
			if _, err := tx.Exec(ctx, q, ref, shift); err != nil {
				return fmt.Errorf("backdate sample checkout: %w", err)
			}
		}
		return nil
	})
}
