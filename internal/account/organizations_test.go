package account_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"zhenxing"
	"zhenxing/internal/account"
	"zhenxing/internal/db"
)

const buyerPassword = "union buyer secret"

// orgCode completes 17 characters into a valid 统一社会信用代码.
func orgCode(t *testing.T, first17 string) string {
	t.Helper()
	c, ok := zhenxing.CreditCodeCheckChar(first17)
	if !ok {
		t.Fatalf("credit code %q", first17)
	}
	return first17 + string(c)
}

// registration is a complete registration of a union whose administrator logs in with phone and
// e-mail.
func registration(t *testing.T, first17, phone, email string) account.Registration {
	t.Helper()
	return account.Registration{
		Name: "灞桥区纺织城街道总工会", CreditCode: orgCode(t, first17), Parent: "灞桥区总工会",
		ContactName: "王芳", ContactPhone: "029-83520000", ContactEmail: "gh@example.cn",
		Addresses: []account.NewAddress{{Recipient: "王芳", Phone: "13800000000", Address: "西安市灞桥区纺织城正街 1 号"}},
		Invoice:   account.Invoice{Kind: account.InvoiceOrdinary},
		Admin:     account.NewBuyer{Name: "王芳", Phone: phone, Email: email, Password: buyerPassword},
	}
}

// mustRegister registers r and fails the test unless it worked.
func mustRegister(t *testing.T, store *account.Store, r account.Registration) (*account.Organization, *account.User) {
	t.Helper()
	org, admin, err := store.Register(context.Background(), r)
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	return org, admin
}

func TestRegister(t *testing.T) {
	store, pool := mustStore(t)
	ctx := context.Background()
	r := registration(t, "81610111MA6W00001", "138 0013 8000", "Wang.Fang@example.cn")
	r.CreditCode = " " + strings.ToLower(r.CreditCode) + " "
	r.Addresses = append(r.Addresses, account.NewAddress{Recipient: "李强", Phone: "13900000000", Address: "西安市灞桥区席王街道 2 号"})
	org, admin, err := store.Register(ctx, r)
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	if org.Status != account.OrgPending || org.Approved() || org.CreditCode != orgCode(t, "81610111MA6W00001") {
		t.Errorf("organisation = %+v", org)
	}
	if org.Invoice.Title != r.Name || org.Invoice.TaxID != org.CreditCode || org.Invoice.Kind != account.InvoiceOrdinary {
		t.Errorf("invoice defaults = %+v", org.Invoice)
	}
	if !admin.IsBuyer() || !admin.IsOrgAdmin() || *admin.OrganizationID != org.ID || admin.Phone != "13800138000" {
		t.Errorf("administrator = %+v", admin)
	}
	addrs, err := store.Addresses(ctx, org.ID)
	if err != nil || len(addrs) != 2 || !addrs[0].IsDefault || addrs[0].Recipient != "王芳" || addrs[1].IsDefault {
		t.Errorf("addresses = %+v, %v", addrs, err)
	}
	entries, err := db.Audit(ctx, pool, db.AuditQuery{Entity: "organization"})
	if err != nil || len(entries) != 1 || entries[0].Action != "organization.register" {
		t.Errorf("audit = %+v, %v", entries, err)
	}

	// The administrator logs in with the phone (as typed, or with +86) and with the e-mail in any case.
	for _, login := range []string{"13800138000", "+86 138-0013-8000", "wang.fang@EXAMPLE.cn"} {
		u, err := store.Authenticate(ctx, login, buyerPassword, "10.0.0.1", accountsNow)
		if err != nil || u.ID != admin.ID || u.OrgRole != account.OrgAdmin {
			t.Errorf("Authenticate(%q) = %+v, %v", login, u, err)
		}
	}
	_, err = store.Authenticate(ctx, "13800138000", "wrong password!", "10.0.0.1", accountsNow)
	wantAccountCode(t, err, zhenxing.EUnauthorized)

	// A second registration with the same credit code is refused, and creates nothing.
	again := registration(t, "81610111MA6W00001", "13900139000", "")
	_, _, err = store.Register(ctx, again)
	wantAccountCode(t, err, zhenxing.EConflict)
	if !strings.Contains(zhenxing.ErrorMessage(err), "已经注册") {
		t.Errorf("message = %q", zhenxing.ErrorMessage(err))
	}
	var users int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM users WHERE phone = '13900139000'`).Scan(&users); err != nil || users != 0 {
		t.Errorf("a refused registration left %d users (%v)", users, err)
	}
	// Another union with the administrator's phone: EConflict, nothing created.
	_, _, err = store.Register(ctx, registration(t, "81610111MA6W00002", "13800138000", ""))
	wantAccountCode(t, err, zhenxing.EConflict)
	var orgs int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM organizations`).Scan(&orgs); err != nil || orgs != 1 {
		t.Errorf("organizations = %d (%v), want 1", orgs, err)
	}
}

func TestRegisterBadInput(t *testing.T) {
	store, _ := mustStore(t)
	ctx := context.Background()
	good := func() account.Registration { return registration(t, "81610111MA6W00003", "13700137000", "") }
	tests := []struct {
		name    string
		change  func(r *account.Registration)
		message string
	}{
		{"wrong check digit", func(r *account.Registration) {
			r.CreditCode = r.CreditCode[:17] + map[bool]string{true: "1", false: "0"}[r.CreditCode[17] == '0']
		}, "校验位不正确"},
		{"short credit code", func(r *account.Registration) { r.CreditCode = "91610111" }, "18 位"},
		{"no name", func(r *account.Registration) { r.Name = "  " }, "单位名称"},
		{"no address", func(r *account.Registration) { r.Addresses = nil }, "收货地址"},
		{"no login", func(r *account.Registration) { r.Admin.Phone, r.Admin.Email = "", "" }, "手机号或电子邮箱"},
		{"bad mobile", func(r *account.Registration) { r.Admin.Phone = "12345" }, "手机号"},
		{"short password", func(r *account.Registration) { r.Admin.Password = "short" }, "密码至少"},
		{"special invoice without bank", func(r *account.Registration) { r.Invoice.Kind = account.InvoiceSpecial }, "开户银行"},
		{"bad invoice kind", func(r *account.Registration) { r.Invoice.Kind = "other" }, "发票类型"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := good()
			tt.change(&r)
			_, _, err := store.Register(ctx, r)
			wantAccountCode(t, err, zhenxing.EInvalid)
			if !strings.Contains(zhenxing.ErrorMessage(err), tt.message) {
				t.Errorf("message %q lacks %q", zhenxing.ErrorMessage(err), tt.message)
			}
		})
	}
	// A 专票 with its bank details is fine.
	r := good()
	r.Invoice = account.Invoice{Kind: account.InvoiceSpecial, Bank: "长安银行灞桥支行", Account: "8060 1234 5678", Address: "纺织城正街 1 号", Phone: "029-83520000"}
	if _, _, err := store.Register(ctx, r); err != nil {
		t.Fatalf("special invoice: %v", err)
	}
}

func TestReview(t *testing.T) {
	store, pool := mustStore(t)
	ctx := context.Background()
	staff := mustStaffAccount(t, store, "hall-staff", "correct horse battery")
	org, _ := mustRegister(t, store, registration(t, "81610111MA6W00004", "13600136000", ""))

	err := store.Reject(ctx, staff.Actor(), org.ID, "  ", accountsNow)
	wantAccountCode(t, err, zhenxing.EInvalid)
	if err := store.Reject(ctx, staff.Actor(), org.ID, "统一社会信用代码与单位名称不符", accountsNow); err != nil {
		t.Fatalf("Reject: %v", err)
	}
	got, err := store.Organization(ctx, org.ID)
	if err != nil || got.Status != account.OrgRejected || got.ReviewReason != "统一社会信用代码与单位名称不符" ||
		got.ReviewedBy == nil || *got.ReviewedBy != staff.ID || got.ReviewedAt == nil {
		t.Fatalf("after Reject: %+v, %v", got, err)
	}
	wantAccountCode(t, store.Reject(ctx, staff.Actor(), org.ID, "again", accountsNow), zhenxing.EConflict)
	if err := store.Approve(ctx, staff.Actor(), org.ID, accountsNow.Add(time.Hour)); err != nil {
		t.Fatalf("Approve: %v", err)
	}
	got, _ = store.Organization(ctx, org.ID)
	if !got.Approved() || got.ReviewReason != "" {
		t.Errorf("after Approve: %+v", got)
	}
	wantAccountCode(t, store.Approve(ctx, staff.Actor(), org.ID, accountsNow), zhenxing.EConflict)
	wantAccountCode(t, store.Approve(ctx, staff.Actor(), org.ID+100, accountsNow), zhenxing.ENotFound)

	entries, err := db.Audit(ctx, pool, db.AuditQuery{Entity: "organization"})
	if err != nil || len(entries) != 3 || entries[0].Action != "organization.approve" || entries[1].Action != "organization.reject" ||
		entries[1].ActorName != "测试员" || entries[1].Note != "统一社会信用代码与单位名称不符" {
		t.Errorf("audit = %+v, %v", entries, err)
	}

	// The staff list shows the pending first.
	pending, _ := mustRegister(t, store, registration(t, "81610111MA6W00005", "13600136001", ""))
	list, total, err := store.Organizations(ctx, account.OrganizationQuery{})
	if err != nil || total != 2 || len(list) != 2 || list[0].ID != pending.ID {
		t.Errorf("Organizations = %+v, %d, %v", list, total, err)
	}
	list, total, err = store.Organizations(ctx, account.OrganizationQuery{Status: account.OrgApproved})
	if err != nil || total != 1 || list[0].ID != org.ID {
		t.Errorf("approved = %+v, %d, %v", list, total, err)
	}
	_, _, err = store.Organizations(ctx, account.OrganizationQuery{Status: "bogus"})
	wantAccountCode(t, err, zhenxing.EInvalid)
}

func TestInvitations(t *testing.T) {
	store, _ := mustStore(t)
	ctx := context.Background()
	org, admin := mustRegister(t, store, registration(t, "81610111MA6W00006", "13500135000", ""))
	now := accountsNow

	_, err := store.Invite(ctx, admin, "not a contact", account.OrgPurchaser, now)
	wantAccountCode(t, err, zhenxing.EInvalid)
	_, err = store.Invite(ctx, admin, "buyer@example.cn", "owner", now)
	wantAccountCode(t, err, zhenxing.EInvalid)

	inv, err := store.Invite(ctx, admin, "buyer@example.cn", account.OrgPurchaser, now)
	if err != nil {
		t.Fatalf("Invite: %v", err)
	}
	if inv.Token == "" || inv.OrganizationName != org.Name || !inv.ExpiresAt.Equal(now.Add(account.InvitationTTL)) {
		t.Errorf("invitation = %+v", inv)
	}
	shown, err := store.InvitationByToken(ctx, inv.Token, now.Add(time.Hour))
	if err != nil || shown.Role != account.OrgPurchaser || shown.Contact != "buyer@example.cn" {
		t.Fatalf("InvitationByToken = %+v, %v", shown, err)
	}
	_, err = store.InvitationByToken(ctx, "not-a-token", now)
	wantAccountCode(t, err, zhenxing.ENotFound)

	nb := account.NewBuyer{Name: "赵采购", Email: "buyer@example.cn", Password: buyerPassword}
	_, err = store.AcceptInvitation(ctx, inv.Token, account.NewBuyer{Name: "赵采购", Email: "buyer@example.cn", Password: "short"}, now)
	wantAccountCode(t, err, zhenxing.EInvalid)
	u, err := store.AcceptInvitation(ctx, inv.Token, nb, now.Add(time.Hour))
	if err != nil {
		t.Fatalf("AcceptInvitation: %v", err)
	}
	if !u.IsBuyer() || u.IsOrgAdmin() || u.OrgRole != account.OrgPurchaser || *u.OrganizationID != org.ID {
		t.Errorf("invited user = %+v", u)
	}
	if got, err := store.Authenticate(ctx, "BUYER@example.cn", buyerPassword, "", now); err != nil || got.ID != u.ID {
		t.Errorf("invitee login = %+v, %v", got, err)
	}
	// The token works once.
	nb.Email = "other@example.cn"
	_, err = store.AcceptInvitation(ctx, inv.Token, nb, now.Add(2*time.Hour))
	wantAccountCode(t, err, zhenxing.EConflict)
	_, err = store.InvitationByToken(ctx, inv.Token, now)
	wantAccountCode(t, err, zhenxing.EConflict)

	// An invitation expires after seven days.
	old, err := store.Invite(ctx, admin, "13500135001", account.OrgAdmin, now.Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if old.Contact != "13500135001" {
		t.Errorf("contact = %q", old.Contact)
	}
	late := now.Add(account.InvitationTTL - time.Minute)
	_, err = store.AcceptInvitation(ctx, old.Token, account.NewBuyer{Name: "迟到者", Phone: "13500135001", Password: buyerPassword}, late)
	wantAccountCode(t, err, zhenxing.ENotFound)
	if !strings.Contains(zhenxing.ErrorMessage(err), "已过期") {
		t.Errorf("message = %q", zhenxing.ErrorMessage(err))
	}
	// The purchaser can invite nobody.
	_, err = store.Invite(ctx, u, "x@example.cn", account.OrgPurchaser, now)
	wantAccountCode(t, err, zhenxing.EForbidden)

	list, err := store.Invitations(ctx, org.ID)
	if err != nil || len(list) != 2 || list[0].AcceptedBy == nil || *list[0].AcceptedBy != u.ID {
		t.Errorf("Invitations = %+v, %v", list, err)
	}
	members, err := store.Members(ctx, org.ID)
	if err != nil || len(members) != 2 || members[0].ID != admin.ID {
		t.Errorf("Members = %+v, %v", members, err)
	}
}

// An administrator acts on its own organisation only: another's addresses and users are
// ENotFound, and a purchaser edits nothing.
func TestOrganizationIsolation(t *testing.T) {
	store, _ := mustStore(t)
	ctx := context.Background()
	_, adminA := mustRegister(t, store, registration(t, "81610111MA6W00007", "13400134000", ""))
	orgB, adminB := mustRegister(t, store, registration(t, "81610111MA6W00008", "13400134001", ""))
	addrsB, _ := store.Addresses(ctx, orgB.ID)
	inv, _ := store.Invite(ctx, adminB, "13400134002", account.OrgPurchaser, accountsNow)
	buyerB, err := store.AcceptInvitation(ctx, inv.Token, account.NewBuyer{Name: "采购乙", Phone: "13400134002", Password: buyerPassword}, accountsNow)
	if err != nil {
		t.Fatal(err)
	}

	wantAccountCode(t, store.DeleteAddress(ctx, adminA, addrsB[0].ID), zhenxing.ENotFound)
	wantAccountCode(t, store.SetDefaultAddress(ctx, adminA, addrsB[0].ID), zhenxing.ENotFound)
	wantAccountCode(t, store.SetMemberDisabled(ctx, adminA, buyerB.ID, true), zhenxing.ENotFound)
	if got, _ := store.User(ctx, buyerB.ID); got.Disabled {
		t.Error("another organisation's administrator disabled the user")
	}

	// The purchaser of B may not edit B.
	wantAccountCode(t, store.UpdateInvoice(ctx, buyerB, account.Invoice{Title: "x", TaxID: orgB.CreditCode}), zhenxing.EForbidden)
	_, err = store.AddAddress(ctx, buyerB, account.NewAddress{Recipient: "x", Phone: "13400134003", Address: "y"})
	wantAccountCode(t, err, zhenxing.EForbidden)
	wantAccountCode(t, store.SetPurchasePlan(ctx, buyerB, 2026, nil), zhenxing.EForbidden)
	limit := zhenxing.YuanOf(5000)
	wantAccountCode(t, store.SetApprovalThreshold(ctx, buyerB, &limit), zhenxing.EForbidden)

	// B's administrator manages B: addresses, default, deletion, users.
	added, err := store.AddAddress(ctx, adminB, account.NewAddress{Recipient: "食堂", Phone: "029-83520001", Address: "西安市灞桥区东城 3 号", Default: true})
	if err != nil || !added.IsDefault {
		t.Fatalf("AddAddress = %+v, %v", added, err)
	}
	if err := store.DeleteAddress(ctx, adminB, added.ID); err != nil {
		t.Fatalf("DeleteAddress: %v", err)
	}
	list, _ := store.Addresses(ctx, orgB.ID)
	if len(list) != 1 || !list[0].IsDefault {
		t.Errorf("after deleting the default: %+v", list)
	}
	wantAccountCode(t, store.DeleteAddress(ctx, adminB, list[0].ID), zhenxing.EConflict)
	if err := store.SetApprovalThreshold(ctx, adminB, &limit); err != nil {
		t.Fatal(err)
	}
	got, _ := store.Organization(ctx, orgB.ID)
	if got.ApprovalThreshold == nil || *got.ApprovalThreshold != limit || !got.NeedsApproval(limit+1) || got.NeedsApproval(limit) {
		t.Errorf("threshold = %v", got.ApprovalThreshold)
	}
	if err := store.UpdateInvoice(ctx, adminB, account.Invoice{Title: "灞桥区总工会", TaxID: orgB.CreditCode, Kind: account.InvoiceSpecial,
		Bank: "长安银行", Account: "123456", Address: "纺织城", Phone: "029-1234567"}); err != nil {
		t.Fatal(err)
	}
	got, _ = store.Organization(ctx, orgB.ID)
	if got.Invoice.Kind != account.InvoiceSpecial || got.Invoice.Bank != "长安银行" {
		t.Errorf("invoice = %+v", got.Invoice)
	}
	wantAccountCode(t, store.SetMemberDisabled(ctx, adminB, adminB.ID, true), zhenxing.EForbidden)
	if err := store.SetMemberDisabled(ctx, adminB, buyerB.ID, true); err != nil {
		t.Fatal(err)
	}
	_, err = store.Authenticate(ctx, "13400134002", buyerPassword, "", accountsNow)
	wantAccountCode(t, err, zhenxing.EForbidden)
}

// mustPaidOrder inserts an order of the organisation in state with one line per product
// (id → total), and a transfer paid on paidOn when paidOn is not "".
func mustPaidOrder(t *testing.T, pool *pgxpool.Pool, orgID, supplierID int64, state, paidOn string, refunded int64, lines map[int64]int64) {
	t.Helper()
	ctx := context.Background()
	var total int64
	for _, v := range lines {
		total += v
	}
	var checkout, order int64
	if err := pool.QueryRow(ctx, `INSERT INTO checkouts (organization_id, reference, total) VALUES ($1, gen_random_uuid()::text, $2) RETURNING id`,
		orgID, total).Scan(&checkout); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `INSERT INTO orders (number, checkout_id, organization_id, supplier_id, state, total, refunded,
		recipient, phone, address, invoice, created_at) VALUES (gen_random_uuid()::text, $1, $2, $3, $4, $5, $6, 'r', 'p', 'a', '{}', '2026-03-01T10:00:00+08:00') RETURNING id`,
		checkout, orgID, supplierID, state, total, refunded).Scan(&order); err != nil {
		t.Fatal(err)
	}
	for product, v := range lines {
		if _, err := pool.Exec(ctx, `INSERT INTO order_lines (order_id, product_id, name, spec, unit, quantity, unit_price, total)
			VALUES ($1, $2, 'n', 's', 'u', 1, $3, $3)`, order, product, v); err != nil {
			t.Fatal(err)
		}
	}
	if paidOn != "" {
		var payment int64
		if err := pool.QueryRow(ctx, `INSERT INTO payments (checkout_id, method, amount, paid_on, bank_reference)
			VALUES ($1, 'transfer', $2, $3, gen_random_uuid()::text) RETURNING id`, checkout, total, paidOn).Scan(&payment); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `INSERT INTO payment_orders (payment_id, order_id, amount) VALUES ($1, $2, $3)`, payment, order, total); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPlanProgress(t *testing.T) {
	store, pool := mustStore(t)
	ctx := context.Background()
	org, admin := mustRegister(t, store, registration(t, "81610111MA6W00009", "13300133000", ""))
	other, _ := mustRegister(t, store, registration(t, "81610111MA6W00010", "13300133001", ""))
	var supplier, lueyang, baqiao int64
	if err := pool.QueryRow(ctx, `INSERT INTO suppliers (slug, name, kind, county, credit_code) VALUES ('s', '合作社', '合作社', '略阳县', $1) RETURNING id`,
		orgCode(t, "93610727MA6W00001")).Scan(&supplier); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		slug, county string
		id           *int64
	}{{"tianma", "略阳县", &lueyang}, {"cherry", "灞桥区", &baqiao}} {
		if err := pool.QueryRow(ctx, `INSERT INTO products (slug, name, category, county, supplier_id, spec, unit, price)
			VALUES ($1::text, $1::text, '其他', $2, $3, '1袋', '袋', 100) RETURNING id`, p.slug, p.county, supplier).Scan(p.id); err != nil {
			t.Fatal(err)
		}
	}
	mustPaidOrder(t, pool, org.ID, supplier, "paid", "2026-03-02", 0, map[int64]int64{lueyang: 100000, baqiao: 50000})
	mustPaidOrder(t, pool, org.ID, supplier, "received", "2026-05-02", 20000, map[int64]int64{lueyang: 60000, baqiao: 20000}) // a quarter refunded
	mustPaidOrder(t, pool, org.ID, supplier, "invoiced", "", 0, map[int64]int64{baqiao: 7000})                                // placed in 2026, no payment row
	mustPaidOrder(t, pool, org.ID, supplier, "unpaid", "", 0, map[int64]int64{lueyang: 999})                                  // not paid
	mustPaidOrder(t, pool, org.ID, supplier, "refunded", "2026-03-02", 999, map[int64]int64{lueyang: 999})                    // refunded in full
	mustPaidOrder(t, pool, org.ID, supplier, "paid", "2025-12-30", 0, map[int64]int64{lueyang: 888})                          // last year
	mustPaidOrder(t, pool, other.ID, supplier, "paid", "2026-03-02", 0, map[int64]int64{lueyang: 777})                        // another union

	plan := zhenxing.YuanOf(5000)
	if err := store.SetPurchasePlan(ctx, admin, 2026, &plan); err != nil {
		t.Fatal(err)
	}
	p, err := store.PlanProgress(ctx, org.ID, 2026)
	if err != nil {
		t.Fatal(err)
	}
	want := []account.CountyPurchases{{County: "略阳县", Amount: 100000 + 45000}, {County: "灞桥区", Amount: 50000 + 15000 + 7000}}
	if p.Plan == nil || *p.Plan != plan || len(p.ByCounty) != 2 || p.ByCounty[0] != want[0] || p.ByCounty[1] != want[1] ||
		p.Total != 217000 || p.Percent() != 43 {
		t.Fatalf("progress = %+v (plan %v), want %+v", p, p.Plan, want)
	}
	empty, err := store.PlanProgress(ctx, org.ID, 2024)
	if err != nil || empty.Plan != nil || len(empty.ByCounty) != 0 || empty.Total != 0 {
		t.Errorf("2024 = %+v, %v", empty, err)
	}
	if err := store.SetPurchasePlan(ctx, admin, 2026, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := store.PurchasePlan(ctx, org.ID, 2026); err != nil || got != nil {
		t.Errorf("removed plan = %v, %v", got, err)
	}
	wantAccountCode(t, store.SetPurchasePlan(ctx, admin, 1999, &plan), zhenxing.EInvalid)
}
