package site

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"zhenxing/catalog"
	"zhenxing/internal/account"
	"zhenxing/internal/db"
	"zhenxing/order"
	"zhenxing/payment"
)

// testBank is the collection account the order tests' site shows.
var testBank = payment.BankAccount{Name: "西安市灞桥区消费帮扶馆", Bank: "中国农业银行西安灞桥支行", Number: "2603 0101 0400 12345"}

// newOrderEnv is the back-office environment with the collection account configured and a
// supplier (with its households) selling a product with the stock.
func newOrderEnv(t *testing.T, stock int) *adminEnv {
	t.Helper()
	env := newAdminEnv(t)
	env.s = mustServer(t, env.deps, func(c *Config, _ *Deps) { c.Bank = testBank })
	sp := &catalog.Supplier{Slug: "bailuyuan-coop", Name: "白鹿原樱桃专业合作社", Kind: "合作社", County: catalog.CountyLocal,
		Township: "狄寨街道", CreditCode: adminCreditCode(t, "93610111MA6TXXXX0"), Households: 86, Linkage: "按保底价收购社员樱桃。"}
	if err := env.cat.Suppliers.Create(context.Background(), db.CommandLine, sp); err != nil {
		t.Fatalf("create supplier: %v", err)
	}
	p := &catalog.Product{Slug: "bailuyuan-cherry", Name: "白鹿原大樱桃", Category: "樱桃", County: catalog.CountyLocal,
		Spec: "2.5千克/箱", Unit: "箱", Price: 12800, Tiers: []catalog.PriceTier{{MinQty: 10, Price: 12000}},
		MinQty: 2, Multiple: 2, Stock: stock, Listed: true}
	if err := env.cat.Products.Create(context.Background(), db.CommandLine, p, sp.Slug); err != nil {
		t.Fatalf("create product: %v", err)
	}
	return env
}

// newBuyer registers an organisation through the form (its administrator logs in by phone),
// and, when approve, has staff approve it through the back office.
func newBuyer(t *testing.T, env *adminEnv, first17, phone string, approve bool) *adminClient {
	t.Helper()
	b := env.adminClient(t)
	form := registerValues(t, first17, phone)
	form.Set("invoice_title", "灞桥区纺织城街道总工会")
	form.Set("invoice_tax_id", "81610111MA6W00011X")
	wantAdminStatus(t, b.submit("/account/register", "/account/register", form), http.StatusSeeOther)
	if approve {
		staff := env.adminClient(t)
		staff.mustLogin()
		var id int64
		if err := env.cat.Pool().QueryRow(context.Background(), `SELECT organization_id FROM users WHERE phone = $1`, phone).Scan(&id); err != nil {
			t.Fatal(err)
		}
		page := fmt.Sprintf("/admin/buyers/%d", id)
		wantAdminStatus(t, staff.submit(page, page+"/approve", url.Values{}), http.StatusSeeOther)
	}
	return b
}

// firstAddress is the id of the organisation's first delivery address.
func firstAddress(t *testing.T, accounts *account.Store, orgID int64) int64 {
	t.Helper()
	addrs, err := accounts.Addresses(context.Background(), orgID)
	if err != nil || len(addrs) == 0 {
		t.Fatalf("addresses of organisation %d: %v, %v", orgID, addrs, err)
	}
	return addrs[0].ID
}

// multipartPost posts fields and one file (field, name, data; none when field is "") to target.
func (b *adminClient) multipartPost(target string, fields map[string]string, field, name string, data []byte) response {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	if field != "" {
		fw, _ := w.CreateFormFile(field, name)
		_, _ = io.Copy(fw, bytes.NewReader(data))
	}
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, target, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.send(req)
}

var (
	orderNumberRE = regexp.MustCompile(`/account/orders/(XF\d{8}-\d{6})`)
	referenceRE   = regexp.MustCompile(`<strong class="reference">([A-Z0-9]+)</strong>`)
)

func checkoutValues(address string) url.Values {
	return url.Values{"address": {address}, "invoice_kind": {"ordinary"}, "invoice_title": {"灞桥区纺织城街道总工会"},
		"invoice_tax_id": {"81610111MA6W00011X"}, "purchase_ref": {"CG-2026-118"}, "note": {"请工作日送货"}}
}

var addressRE = regexp.MustCompile(`name="address" value="(\d+)"`)

// The whole journey by HTTP: a union registers and is approved; its buyer adds a product to the
// cart, checks out and sees the payment instructions; staff records the bank transfer and ships;
// the buyer confirms receipt and asks for the invoice; staff records it with a PDF; the buyer
// downloads it and orders the same again.
func TestOrderJourney(t *testing.T) {
	env := newOrderEnv(t, 50)
	// Anyone else sees a login link back to the product, not the form.
	res := get(t, env.s, "/hall/products/bailuyuan-cherry")
	wantAdminStatus(t, res, http.StatusOK)
	mustContain(t, res.Body, "/account/login?next=%2Fhall%2Fproducts%2Fbailuyuan-cherry", "登录后加入采购单")
	if strings.Contains(res.Body, `action="/hall/cart"`) {
		t.Error("an anonymous visitor gets the order form")
	}

	union := newBuyer(t, env, "81610111MA6W00011", "13800138000", true)
	res = union.get("/hall/products/bailuyuan-cherry")
	mustContain(t, res.Body, `action="/hall/cart"`, "加入采购单", `value="2"`, "起订 2 箱，按 2 箱的整数倍订购")

	// Bad quantities: 400 with the domain's message, nothing added.
	for qty, want := range map[string]string{"0": "数量不能为 0", "3": "2", "abc": "请填写整数", "-2": "必须大于 0"} {
		res = union.submit("/hall/products/bailuyuan-cherry", "/hall/cart", url.Values{"product": {"bailuyuan-cherry"}, "quantity": {qty}})
		wantAdminStatus(t, res, http.StatusBadRequest)
		mustContain(t, res.Body, want, "采购单是空的")
	}
	res = union.submit("/hall/products/bailuyuan-cherry", "/hall/cart", url.Values{"product": {"bailuyuan-cherry"}, "quantity": {"4"}})
	wantAdminStatus(t, res, http.StatusSeeOther)
	cart := union.get(res.Header.Get("Location"))
	mustContain(t, cart.Body, "已加入采购单", "白鹿原大樱桃", "¥128.00 / 箱", "¥512.00", "去结算")
	// A quantity change to the bulk tier; a bad one is 400 and changes nothing.
	res = union.submit("/hall/cart", "/hall/cart/bailuyuan-cherry", url.Values{"quantity": {"5"}})
	wantAdminStatus(t, res, http.StatusBadRequest)
	mustContain(t, res.Body, "¥512.00")
	wantAdminStatus(t, union.submit("/hall/cart", "/hall/cart/bailuyuan-cherry", url.Values{"quantity": {"10"}}), http.StatusSeeOther)
	mustContain(t, union.get("/hall/cart").Body, "¥120.00 / 箱", "批量价（10 箱及以上）", "¥1200.00")

	// Checkout: the organisation's address, invoice details, purchase reference.
	page := union.get("/hall/checkout")
	wantAdminStatus(t, page, http.StatusOK)
	mustContain(t, page.Body, "西安市灞桥区纺织城正街 1 号", "提交订单")
	addr := addressRE.FindStringSubmatch(page.Body)
	if addr == nil {
		t.Fatalf("no address on %s", page.Body)
	}
	bad := checkoutValues(addr[1])
	bad.Set("invoice_tax_id", "")
	res = union.submit("/hall/checkout", "/hall/checkout", bad)
	wantAdminStatus(t, res, http.StatusBadRequest)
	mustContain(t, res.Body, "请填写税号")
	res = union.submit("/hall/checkout", "/hall/checkout", checkoutValues(addr[1]))
	wantAdminStatus(t, res, http.StatusSeeOther)
	done := union.get(res.Header.Get("Location"))
	wantAdminStatus(t, done, http.StatusOK)
	mustContain(t, done.Body, "订单已提交", "白鹿原樱桃专业合作社", "¥1200.00", testBank.Name, testBank.Bank, testBank.Number, "付款期限")
	number := orderNumberRE.FindStringSubmatch(done.Body)
	ref := referenceRE.FindStringSubmatch(done.Body)
	if number == nil || ref == nil {
		t.Fatalf("no order number or reference code on %s", done.Body)
	}
	orderPage := "/account/orders/" + number[1]
	mustContain(t, union.get("/hall/cart").Body, "采购单是空的")
	res = union.get(orderPage)
	mustContain(t, res.Body, "待付款", ref[1], "联农带农：带动农户 86 户", "CG-2026-118", "请工作日送货")
	mustContain(t, union.get("/account/orders?state=unpaid").Body, number[1])
	if strings.Contains(union.get("/account/orders?state=paid").Body, number[1]) {
		t.Error("the paid filter shows an unpaid order")
	}
	mustContain(t, union.get("/account/orders?number=CG-2026").Body, number[1])

	// Staff: shipping an unpaid order is 409 with the message; then the transfer by reference code.
	staff := env.adminClient(t)
	staff.mustLogin()
	adminPage := "/admin/orders/" + number[1]
	mustContain(t, staff.get("/admin/orders?state=unpaid").Body, number[1], "灞桥区纺织城街道总工会")
	res = staff.submit(adminPage, adminPage+"/ship", url.Values{"carrier": {"顺丰速运"}, "tracking": {"SF100"}})
	wantAdminStatus(t, res, http.StatusConflict)
	mustContain(t, res.Body, "订单尚未付款，不能")
	wrong := url.Values{"target": {ref[1]}, "paid_on": {"2026-11-28"}, "amount": {"1000"}, "payer": {"灞桥区纺织城街道总工会"}, "bank_reference": {"ABC20261128001"}}
	res = staff.submit("/admin/payments", "/admin/payments", wrong)
	wantAdminStatus(t, res, http.StatusBadRequest)
	mustContain(t, res.Body, "1200.00")
	wrong.Set("amount", "1200.00")
	res = staff.submit("/admin/payments", "/admin/payments", wrong)
	wantAdminStatus(t, res, http.StatusSeeOther)
	mustContain(t, staff.get(res.Header.Get("Location")).Body, "转账已记录", number[1], "ABC20261128001")
	mustContain(t, union.get(orderPage).Body, "已付款", "ABC20261128001")
	csv := staff.get("/admin/payments.csv")
	wantAdminStatus(t, csv, http.StatusOK)
	mustContain(t, csv.Body, "ABC20261128001", number[1], "1200.00")

	res = staff.submit(adminPage, adminPage+"/ship", url.Values{"carrier": {"顺丰速运"}, "tracking": {"SF1234567890"}})
	wantAdminStatus(t, res, http.StatusSeeOther)
	mustContain(t, union.get(orderPage).Body, "已发货", "顺丰速运", "SF1234567890", "确认收货")

	// The buyer reports a problem with a photo and confirms receipt.
	res = union.multipartPost(orderPage+"/problem", map[string]string{"_csrf": union.csrf(orderPage), "text": "两箱有压伤"}, "photo", "p.png", adminPNG(t))
	wantAdminStatus(t, res, http.StatusSeeOther)
	mustContain(t, staff.get(adminPage).Body, "两箱有压伤", "查看照片")
	wantAdminStatus(t, union.submit(orderPage, orderPage+"/receipt", url.Values{}), http.StatusSeeOther)
	mustContain(t, union.get(orderPage).Body, "已收货", "申请开票")
	wantAdminStatus(t, union.submit(orderPage, orderPage+"/invoice", url.Values{}), http.StatusSeeOther)
	mustContain(t, union.get(orderPage).Body, "等待开具")

	// Staff records the invoice with its PDF; the buyer downloads it.
	queue := staff.get("/admin/invoices")
	mustContain(t, queue.Body, number[1], "81610111MA6W00011X")
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")
	res = staff.multipartPost("/admin/invoices/"+number[1], map[string]string{"_csrf": staff.csrf("/admin/invoices"),
		"number": "61012345", "issued_on": "2026-11-28", "amount": "1200.00"}, "pdf", "fp.pdf", pdf)
	wantAdminStatus(t, res, http.StatusSeeOther)
	mustContain(t, staff.get(res.Header.Get("Location")).Body, "发票已记录", "没有待开具的发票")
	mustContain(t, union.get(orderPage).Body, "已开票", "61012345", "下载发票")
	dl := union.get(orderPage + "/invoice.pdf")
	wantAdminStatus(t, dl, http.StatusOK)
	if dl.Header.Get("Content-Type") != "application/pdf" || dl.Body != string(pdf) {
		t.Errorf("invoice download: %s %q", dl.Header.Get("Content-Type"), dl.Body)
	}

	// A partial refund; a bad amount is 400.
	res = staff.submit(adminPage, adminPage+"/refund", url.Values{"amount": {"十元"}, "reason": {"两箱压伤"}})
	wantAdminStatus(t, res, http.StatusBadRequest)
	mustContain(t, res.Body, "金额“十元”无效")
	res = staff.submit(adminPage, adminPage+"/refund", url.Values{"amount": {"64.00"}, "reason": {"两箱压伤"}})
	wantAdminStatus(t, res, http.StatusSeeOther)
	mustContain(t, union.get(orderPage).Body, "已退款", "¥64.00", "两箱压伤", "已开票")

	// The print view: the 订单确认单 without the site's navigation.
	pr := union.get(orderPage + "/print")
	wantAdminStatus(t, pr, http.StatusOK)
	mustContain(t, pr.Body, "订单确认单", number[1], "白鹿原大樱桃", "灞桥区纺织城街道总工会", "order_print")
	if strings.Contains(pr.Body, "site-nav") {
		t.Error("the print view has the site's navigation")
	}

	// Reorder, after the price changed: the cart has the product again with a note.
	if _, err := env.cat.Pool().Exec(context.Background(), `UPDATE products SET tiers = '[]' WHERE slug = 'bailuyuan-cherry'`); err != nil {
		t.Fatal(err)
	}
	res = union.submit(orderPage, orderPage+"/reorder", url.Values{})
	wantAdminStatus(t, res, http.StatusOK)
	mustContain(t, res.Body, "已将订单 "+number[1]+" 的产品加入采购单", "“白鹿原大樱桃”单价由上次的 ¥120.00变为 ¥128.00。", "¥1280.00")

	// The staff export has the order.
	ordersCSV := staff.get("/admin/orders.csv?state=invoiced")
	wantAdminStatus(t, ordersCSV, http.StatusOK)
	mustContain(t, ordersCSV.Body, number[1], "已开票", "灞桥区纺织城街道总工会")
}

// An organisation sees only its own orders and cart; another's number is 404.
func TestOrderIsolation(t *testing.T) {
	env := newOrderEnv(t, 50)
	a := newBuyer(t, env, "81610111MA6W00011", "13800138000", true)
	b := newBuyer(t, env, "81610111MA6W00012", "13900139000", true)
	wantAdminStatus(t, a.submit("/hall/products/bailuyuan-cherry", "/hall/cart", url.Values{"product": {"bailuyuan-cherry"}, "quantity": {"6"}}), http.StatusSeeOther)
	if strings.Contains(b.get("/hall/cart").Body, "白鹿原大樱桃") {
		t.Error("b sees a's cart")
	}
	page := a.get("/hall/checkout")
	addr := addressRE.FindStringSubmatch(page.Body)
	res := a.submit("/hall/checkout", "/hall/checkout", checkoutValues(addr[1]))
	wantAdminStatus(t, res, http.StatusSeeOther)
	checkoutPage := res.Header.Get("Location")
	number := orderNumberRE.FindStringSubmatch(a.get(checkoutPage).Body)[1]
	for _, p := range []string{"/account/orders/" + number, "/account/orders/" + number + "/print", "/account/orders/" + number + "/invoice.pdf", checkoutPage} {
		res := b.get(p)
		wantAdminStatus(t, res, http.StatusNotFound)
	}
	wantAdminStatus(t, b.submit("/account/", "/account/orders/"+number+"/cancel", url.Values{}), http.StatusNotFound)
	if strings.Contains(b.get("/account/orders").Body, number) {
		t.Error("b's list shows a's order")
	}
	// b may not check out with a's address.
	wantAdminStatus(t, b.submit("/hall/products/bailuyuan-cherry", "/hall/cart", url.Values{"product": {"bailuyuan-cherry"}, "quantity": {"2"}}), http.StatusSeeOther)
	res = b.submit("/hall/checkout", "/hall/checkout", checkoutValues(addr[1]))
	wantAdminStatus(t, res, http.StatusNotFound)
	// a cancels before payment: the stock comes back.
	wantAdminStatus(t, a.submit("/account/orders/"+number, "/account/orders/"+number+"/cancel", url.Values{}), http.StatusSeeOther)
	mustContain(t, a.get("/account/orders/"+number).Body, "已取消")
	// The back office's order pages need the hall role: a buyer gets 403, no session the login,
	// staff of another role 403.
	other := env.mustAccount(t, account.NewUser{Username: "wangwei", Name: "王伟", Password: adminStaffPassword,
		Kind: account.KindStaff, Roles: []account.Role{account.RoleOpen}})
	openStaff := env.adminClient(t)
	wantAdminStatus(t, openStaff.login(other.Username, adminStaffPassword), http.StatusSeeOther)
	for _, p := range []string{"/admin/orders", "/admin/orders.csv", "/admin/orders/" + number, "/admin/payments", "/admin/payments.csv", "/admin/invoices"} {
		wantAdminStatus(t, a.get(p), http.StatusForbidden)
		wantAdminStatus(t, openStaff.get(p), http.StatusForbidden)
		res := get(t, env.s, p)
		wantAdminStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/admin/login?next=") {
			t.Errorf("%s: Location = %q", p, loc)
		}
	}
	for _, p := range []string{"/account/orders", "/account/orders/" + number, "/account/approvals", "/hall/checkout"} {
		res := get(t, env.s, p)
		wantAdminStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/account/login?next=") {
			t.Errorf("%s: Location = %q", p, loc)
		}
	}
}

// Bad input: an unapproved organisation sees why it cannot order; no CSRF token is 403; the
// checkout is rate-limited per user; bad filters are 400.
func TestOrderBadInput(t *testing.T) {
	env := newOrderEnv(t, 50)
	pending := newBuyer(t, env, "81610111MA6W00013", "13700137000", false)
	wantAdminStatus(t, pending.submit("/hall/products/bailuyuan-cherry", "/hall/cart", url.Values{"product": {"bailuyuan-cherry"}, "quantity": {"2"}}), http.StatusSeeOther)
	page := pending.get("/hall/checkout")
	wantAdminStatus(t, page, http.StatusOK)
	mustContain(t, page.Body, "正在等待消费帮扶馆工作人员审核，审核通过后才能下单")
	res := pending.submit("/account/", "/hall/checkout", checkoutValues("1"))
	wantAdminStatus(t, res, http.StatusForbidden)
	mustContain(t, res.Body, "尚未通过审核")

	union := newBuyer(t, env, "81610111MA6W00014", "13600136000", true)
	// No CSRF token: 403, nothing added.
	res = union.post("/hall/cart", url.Values{"product": {"bailuyuan-cherry"}, "quantity": {"2"}})
	wantAdminStatus(t, res, http.StatusForbidden)
	mustContain(t, res.Body, "安全校验未通过")
	mustContain(t, union.get("/hall/cart").Body, "采购单是空的")
	// An unknown product: 404 on the cart.
	res = union.submit("/account/", "/hall/cart", url.Values{"product": {"no-such"}, "quantity": {"2"}})
	wantAdminStatus(t, res, http.StatusNotFound)
	// Not logged in: the cart goes to the buyers' login.
	res = get(t, env.s, "/hall/cart")
	wantAdminStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/account/login?next=%2Fhall%2Fcart" {
		t.Errorf("Location = %q", loc)
	}
	// Bad filters.
	wantAdminStatus(t, union.get("/account/orders?state=nonsense"), http.StatusBadRequest)
	wantAdminStatus(t, union.get("/account/orders?page=0"), http.StatusBadRequest)
	staff := env.adminClient(t)
	staff.mustLogin()
	wantAdminStatus(t, staff.get("/admin/orders?from=yesterday"), http.StatusBadRequest)
	wantAdminStatus(t, staff.get("/admin/orders/XF20261128-999999"), http.StatusNotFound)
	res = staff.submit("/admin/payments", "/admin/payments", url.Values{"target": {"XF20261128-999999"}, "paid_on": {"2026-11-28"}, "amount": {"10"}, "bank_reference": {"R1"}})
	wantAdminStatus(t, res, http.StatusNotFound)
	// The checkout is limited per user: the eleventh attempt in ten minutes is 429.
	for i := range order.DefaultCheckoutRate.Max {
		res := union.submit("/account/", "/hall/checkout", url.Values{})
		if res.Status == http.StatusTooManyRequests {
			t.Fatalf("attempt %d was limited", i+1)
		}
	}
	res = union.submit("/account/", "/hall/checkout", url.Values{})
	wantAdminStatus(t, res, http.StatusTooManyRequests)
	mustContain(t, res.Body, "操作过于频繁")
	if res.Header.Get("Retry-After") == "" {
		t.Error("the limited checkout has no Retry-After")
	}
}

// A purchaser's order above the approval amount waits for an administrator, who approves one
// and sends another back.
func TestOrderApprovals(t *testing.T) {
	env := newOrderEnv(t, 50)
	admin := newBuyer(t, env, "81610111MA6W00015", "13500135000", true)
	wantAdminStatus(t, admin.submit("/account/", "/account/approval", url.Values{"amount": {"100"}}), http.StatusSeeOther)
	res := admin.submit("/account/", "/account/invitations", url.Values{"contact": {"buyer@example.cn"}, "role": {"purchaser"}})
	link := inviteLinkRE.FindStringSubmatch(res.Body)
	if link == nil {
		t.Fatalf("no invitation link in %s", res.Body)
	}
	buyer := env.adminClient(t)
	wantAdminStatus(t, buyer.submit(link[1], link[1], url.Values{"name": {"赵采购"}, "email": {"buyer@example.cn"},
		"password": {buyerTestPassword}, "confirm": {buyerTestPassword}}), http.StatusSeeOther)
	var numbers []string
	for range 2 {
		wantAdminStatus(t, buyer.submit("/hall/products/bailuyuan-cherry", "/hall/cart", url.Values{"product": {"bailuyuan-cherry"}, "quantity": {"2"}}), http.StatusSeeOther)
		page := buyer.get("/hall/checkout")
		mustContain(t, page.Body, "提交后需本单位管理员审批")
		addr := addressRE.FindStringSubmatch(page.Body)
		res := buyer.submit("/hall/checkout", "/hall/checkout", checkoutValues(addr[1]))
		wantAdminStatus(t, res, http.StatusSeeOther)
		done := buyer.get(res.Header.Get("Location"))
		mustContain(t, done.Body, "已提交本单位管理员审批", "待审批")
		numbers = append(numbers, orderNumberRE.FindStringSubmatch(done.Body)[1])
	}
	wantAdminStatus(t, buyer.get("/account/approvals"), http.StatusForbidden)
	list := admin.get("/account/approvals")
	mustContain(t, list.Body, numbers[0], numbers[1])
	wantAdminStatus(t, admin.submit("/account/", "/account/approvals/"+numbers[0]+"/approve", url.Values{}), http.StatusSeeOther)
	res = admin.submit("/account/", "/account/approvals/"+numbers[1]+"/send-back", url.Values{"reason": {""}})
	wantAdminStatus(t, res, http.StatusBadRequest)
	wantAdminStatus(t, admin.submit("/account/", "/account/approvals/"+numbers[1]+"/send-back", url.Values{"reason": {"本月预算已用完"}}), http.StatusSeeOther)
	mustContain(t, buyer.get("/account/orders/"+numbers[0]).Body, "待付款", "付款识别码")
	mustContain(t, buyer.get("/account/orders/"+numbers[1]).Body, "已取消", "本月预算已用完")
	res = admin.submit("/account/", "/account/approvals/"+numbers[0]+"/approve", url.Values{})
	wantAdminStatus(t, res, http.StatusConflict)

	// Staff cancels the approved, unpaid order with a reason.
	staff := env.adminClient(t)
	staff.mustLogin()
	adminPage := "/admin/orders/" + numbers[0]
	wantAdminStatus(t, staff.submit(adminPage, adminPage+"/cancel", url.Values{"reason": {""}}), http.StatusBadRequest)
	wantAdminStatus(t, staff.submit(adminPage, adminPage+"/cancel", url.Values{"reason": {"采购单位电话要求取消"}}), http.StatusSeeOther)
	mustContain(t, buyer.get("/account/orders/"+numbers[0]).Body, "已取消", "采购单位电话要求取消")
}

// 1,000 buyers, each with a cart of one unit, check out at once through the HTTP handler on a
// product with stock 10: exactly ten orders are placed and the stock is 0; the rest see why.
func TestOrderConcurrentCheckouts(t *testing.T) {
	env := newOrderEnv(t, 10)
	if _, err := env.cat.Pool().Exec(context.Background(), `UPDATE products SET min_qty = 1, multiple = 1 WHERE slug = 'bailuyuan-cherry'`); err != nil {
		t.Fatal(err)
	}
	const n = 1000
	ctx := context.Background()
	pool := env.cat.Pool()
	_, err := pool.Exec(ctx, `
		WITH o AS (
			INSERT INTO organizations (name, credit_code, contact_name, contact_phone, status, invoice_title, invoice_tax_id)
			SELECT '工会' || i, '91610111MA' || lpad(i::text, 8, '0'), '联系人', '029-8000' || i, 'approved', '工会' || i, '91610111MA' || lpad(i::text, 8, '0')
			FROM generate_series(1, $1) i RETURNING id, name),
		a AS (INSERT INTO delivery_addresses (organization_id, recipient, phone, address, is_default)
			SELECT id, '收货人', '13800000000', '西安市灞桥区' || name, true FROM o),
		u AS (INSERT INTO users (username, display_name, password_hash, kind, organization_id, organization_role)
			SELECT 'buyer' || id, '采购员', 'x', 'buyer', id, 'admin' FROM o RETURNING id)
		INSERT INTO cart_lines (user_id, product_id, quantity, price_at_add)
		SELECT u.id, p.id, 1, p.price FROM u, products p WHERE p.slug = 'bailuyuan-cherry'`, n)
	if err != nil {
		t.Fatalf("insert buyers: %v", err)
	}
	rows, err := pool.Query(ctx, `SELECT u.id, a.id FROM users u JOIN delivery_addresses a ON a.organization_id = u.organization_id WHERE u.username LIKE 'buyer%'`)
	if err != nil {
		t.Fatal(err)
	}
	type buyer struct {
		cookie, csrf string
		address      int64
	}
	var buyers []buyer
	var ids [][2]int64
	for rows.Next() {
		var id [2]int64
		if err := rows.Scan(&id[0], &id[1]); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		sess, err := env.accounts.CreateSession(ctx, id[0], env.now, DefaultSessionMaxAge)
		if err != nil {
			t.Fatal(err)
		}
		buyers = append(buyers, buyer{sess.Token, sess.CSRFToken, id[1]})
	}
	if len(buyers) != n {
		t.Fatalf("%d buyers", len(buyers))
	}
	statuses := make([]int, n)
	bodies := make([]string, n)
	var wg sync.WaitGroup
	for i, b := range buyers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			form := checkoutValues(fmt.Sprint(b.address))
			form.Set("_csrf", b.csrf)
			req := httptest.NewRequest(http.MethodPost, "/hall/checkout", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: b.cookie})
			res, err := env.s.App.Test(req, -1)
			if err != nil {
				bodies[i] = err.Error()
				return
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			statuses[i], bodies[i] = res.StatusCode, string(body)
		}()
	}
	wg.Wait()
	placed, refused := 0, 0
	for i, st := range statuses {
		switch st {
		case http.StatusSeeOther:
			placed++
		case http.StatusConflict, http.StatusBadRequest:
			refused++
			if !strings.Contains(bodies[i], "库存不足") {
				t.Errorf("refusal without the stock message: %.300s", bodies[i])
			}
		default:
			t.Errorf("status %d: %.300s", st, bodies[i])
		}
	}
	if placed != 10 || refused != n-10 {
		t.Errorf("%d placed, %d refused; want 10 and %d", placed, refused, n-10)
	}
	var orders, stock int
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM orders), (SELECT stock FROM products WHERE slug = 'bailuyuan-cherry')`).Scan(&orders, &stock); err != nil {
		t.Fatal(err)
	}
	if orders != 10 || stock != 0 {
		t.Errorf("%d orders, stock %d; want 10 and 0", orders, stock)
	}
}
