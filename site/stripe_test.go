package site

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"zhenxing"
	"zhenxing/catalog"
	"zhenxing/internal/account"
	"zhenxing/internal/db"
	"zhenxing/internal/stripetest"
	"zhenxing/internal/testdb"
	"zhenxing/order"
	"zhenxing/payment"
)

// stripeEnv is a site with Stripe (on stripe-mock) on a fresh database, a catalogue with one
// product, and the order service the site uses.
type stripeEnv struct {
	*adminEnv
	orders *order.Service
	stripe *payment.Client
	logs   *logRecords
	seq    int
}

func stripeClientAt(t *testing.T, apiURL string) *payment.Client {
	t.Helper()
	c, err := payment.New(payment.Config{SecretKey: stripetest.SecretKey, WebhookSecret: stripetest.WebhookSecret, APIURL: apiURL})
	if err != nil {
		t.Fatalf("payment.New: %v", err)
	}
	return c
}

func newStripeEnv(t *testing.T) *stripeEnv {
	t.Helper()
	pool := testdb.New(t)
	env := &adminEnv{cat: catalog.New(pool, catalog.Config{}), accounts: account.NewStore(pool), now: testNow}
	se := &stripeEnv{adminEnv: env, orders: order.New(pool, order.Config{Now: func() time.Time { return env.now }}),
		stripe: stripeClientAt(t, stripetest.URL(t)), logs: newLogRecords()}
	env.s = se.server(t, se.stripe)
	env.staff = env.mustAccount(t, account.NewUser{Username: adminStaffUser, Name: "李明", Password: adminStaffPassword,
		Kind: account.KindStaff, Roles: []account.Role{account.RoleHall}})
	sup := &catalog.Supplier{Slug: "lueyang-wuji", Name: "略阳乌鸡合作社", Kind: "合作社", County: catalog.CountyPaired,
		Township: "某镇", CreditCode: creditCode(t, "93610727MA63PW001"), Households: 12, Linkage: "订单收购"}
	if err := env.cat.Suppliers.Create(context.Background(), db.CommandLine, sup); err != nil {
		t.Fatal(err)
	}
	p := &catalog.Product{Slug: "wuji", Name: "略阳乌鸡", Category: "禽蛋肉类", County: catalog.CountyPaired, Township: "某镇",
		Spec: "1只/盒", Unit: "盒", Price: 12800, MinQty: 1, Multiple: 1, Stock: 1000, Listed: true}
	if err := env.cat.Products.Create(context.Background(), db.CommandLine, p, "lueyang-wuji"); err != nil {
		t.Fatal(err)
	}
	return se
}

// server is a site on the environment's database with the Stripe client (nil: no Stripe), and
// a staff route that calls refundOrder as the staff order page does.
func (se *stripeEnv) server(t *testing.T, stripe *payment.Client) *Server {
	t.Helper()
	s := mustServer(t, se.deps, withLog(se.logs), func(_ *Config, d *Deps) { d.Stripe, d.Orders = stripe, se.orders })
	s.App.Post("/admin/test-refund/:number", s.loadSession, s.requireRole(account.RoleHall), s.checkCSRF, func(c *fiber.Ctx) error {
		amount, err := zhenxing.ParseYuan(c.FormValue("amount"))
		if err != nil {
			return err
		}
		if err := s.refundOrder(c, c.Params("number"), amount, c.FormValue("reason")); err != nil {
			return err
		}
		return c.SendString("已退款")
	})
	return s
}

// union is a buyer organisation's administrator, logged in.
type union struct {
	client *adminClient
	buyer  order.Buyer
}

// union registers an organisation, has staff approve it and logs its administrator in.
func (se *stripeEnv) union(t *testing.T) *union {
	t.Helper()
	se.seq++
	phone := fmt.Sprintf("1380013%04d", se.seq)
	org, admin, err := se.accounts.Register(context.Background(), account.Registration{
		Name: fmt.Sprintf("灞桥区第%d街道总工会", se.seq), CreditCode: creditCode(t, fmt.Sprintf("81610111MA6W%05d", se.seq)),
		ContactName: "王芳", ContactPhone: "029-83520000",
		Addresses: []account.NewAddress{{Recipient: "王芳", Phone: "13800000000", Address: "西安市灞桥区纺织城正街 1 号"}},
		Invoice:   account.Invoice{Kind: account.InvoiceOrdinary},
		Admin:     account.NewBuyer{Name: "王芳", Phone: phone, Password: buyerTestPassword},
	})
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	if err := se.accounts.Approve(context.Background(), se.staff.Actor(), org.ID, se.now); err != nil {
		t.Fatalf("Approve: %v", err)
	}
	c := se.adminClient(t)
	res := c.submit("/account/login", "/account/login", url.Values{"login": {phone}, "password": {buyerTestPassword}})
	wantAdminStatus(t, res, http.StatusSeeOther)
	return &union{client: c, buyer: order.Buyer{UserID: admin.ID, OrganizationID: org.ID, Name: "王芳", Admin: true, Approved: true}}
}

// checkout places an order of qty boxes for the union.
func (se *stripeEnv) checkout(t *testing.T, u *union, qty int) *order.Placed {
	t.Helper()
	ctx := context.Background()
	if _, err := se.orders.Carts.Add(ctx, u.buyer.UserID, "wuji", strconv.Itoa(qty)); err != nil {
		t.Fatalf("Carts.Add: %v", err)
	}
	p, err := se.orders.Checkouts.Place(ctx, u.buyer, order.CheckoutInput{AddressID: firstAddress(t, se.accounts, u.buyer.OrganizationID),
		Invoice: order.InvoiceDetails{Title: "灞桥区总工会", TaxID: "81610111MA6W00011X"}})
	if err != nil {
		t.Fatalf("Place: %v", err)
	}
	return p
}

func (se *stripeEnv) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := se.orders.Pool().QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// deliver posts a webhook delivery signed with secret at the time given.
func (se *stripeEnv) deliver(t *testing.T, body []byte, secret string, at time.Time) response {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/webhooks/stripe", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Stripe-Signature", stripetest.Sign(body, secret, at))
	return do(t, se.s, req)
}

func sessionObject(ref, pi, status string, amount zhenxing.Money) map[string]any {
	return map[string]any{"id": "cs_test_" + ref, "object": "checkout.session", "client_reference_id": ref,
		"payment_intent": pi, "payment_status": status, "amount_total": int64(amount), "currency": "cny"}
}

func chargeObject(ref, pi string, amount, refunded zhenxing.Money) map[string]any {
	return map[string]any{"id": "ch_" + ref, "object": "charge", "payment_intent": pi, "amount": int64(amount),
		"amount_refunded": int64(refunded), "currency": "cny", "metadata": map[string]string{"reference": ref}}
}

func TestStripeCheckoutSession(t *testing.T) {
	se := newStripeEnv(t)
	a, b := se.union(t), se.union(t)
	p := se.checkout(t, a, 3)
	target := "/account/checkouts/" + p.Reference + "/stripe"

	// With Stripe the payment instructions offer paying online, on the checkout's page and the
	// order's, but not on the printed confirmation; without Stripe no page offers it.
	for _, page := range []string{"/hall/checkout/" + p.Reference, "/account/orders/" + p.Orders[0].Number} {
		res := a.client.get(page)
		wantAdminStatus(t, res, http.StatusOK)
		mustContain(t, res.Body, `action="`+target+`"`, "在线支付 ¥")
	}
	if res := a.client.get("/account/orders/" + p.Orders[0].Number + "/print"); strings.Contains(res.Body, "在线支付") {
		t.Error("the printed confirmation offers paying online")
	}
	withStripe := se.s
	se.s = se.server(t, nil)
	for _, page := range []string{"/hall/checkout/" + p.Reference, "/account/orders/" + p.Orders[0].Number} {
		if res := a.client.get(page); res.Status != http.StatusOK || strings.Contains(res.Body, "在线支付") || strings.Contains(res.Body, "Stripe") {
			t.Errorf("%s without Stripe: %d, offers paying online", page, res.Status)
		}
	}
	se.s = withStripe

	res := a.client.submit("/account/", target, url.Values{})
	wantAdminStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "https://checkout.stripe.com/") {
		t.Fatalf("Location = %q, want the session's payment page", loc)
	}
	k, err := se.orders.Checkouts.ByID(context.Background(), p.CheckoutID)
	if err != nil || k.StripeAttempts != 1 || k.StripeSession == nil || !strings.HasPrefix(*k.StripeSession, "cs_") {
		t.Fatalf("checkout after the session: %+v, %v", k, err)
	}

	// Another organisation's reference, a POST without its token, no Stripe: refused.
	res = b.client.submit("/account/", target, url.Values{})
	wantAdminStatus(t, res, http.StatusNotFound)
	mustContain(t, res.Body, "没有找到这个付款识别码")
	wantAdminStatus(t, a.client.post(target, url.Values{}), http.StatusForbidden)
	token := a.client.csrf("/account/")
	se.s = se.server(t, nil)
	res = a.client.post(target, url.Values{"_csrf": {token}})
	wantAdminStatus(t, res, http.StatusNotFound)
	mustContain(t, res.Body, "页面不存在")

	// Stripe out of reach: 503 with the Chinese page that points to bank transfer.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()
	se.s = se.server(t, stripeClientAt(t, closed))
	res = a.client.post(target, url.Values{"_csrf": {token}})
	wantAdminStatus(t, res, http.StatusServiceUnavailable)
	mustContain(t, res.Body, "对公转账")
	if n := se.count(t, `SELECT stripe_attempts FROM checkouts WHERE id = $1`, p.CheckoutID); n != 1 {
		t.Errorf("stripe_attempts = %d after a failed attempt", n)
	}
}

// delivery is one webhook delivery of a test.
type delivery struct {
	name string
	body []byte
}

// TestStripeWebhookOnce: the five event types, each delivered three times, in shuffled orders,
// give one transition each: the orders paid once, one payment, one refund. A delivery Stripe
// gets a non-2xx answer for comes again later, as Stripe retries it.
func TestStripeWebhookOnce(t *testing.T) {
	se := newStripeEnv(t)
	u := se.union(t)
	retried := 0
	for round, seed := range []uint64{1, 2, 3, 4} {
		p := se.checkout(t, u, 2)
		ref, pi := p.Reference, fmt.Sprintf("pi_round%d", round)
		ev := func(kind, typ string, object any) delivery {
			return delivery{typ, stripetest.Event(t, fmt.Sprintf("evt_%d_%s", round, kind), typ, object)}
		}
		events := []delivery{
			ev("completed", payment.EventCheckoutCompleted, sessionObject(ref, pi, "paid", p.Total)),
			ev("succeeded", payment.EventCheckoutAsyncSucceeded, sessionObject(ref, pi, "paid", p.Total)),
			ev("failed", payment.EventCheckoutAsyncFailed, sessionObject(ref, "", "unpaid", p.Total)),
			ev("expired", payment.EventCheckoutExpired, sessionObject(ref, "", "unpaid", p.Total)),
			ev("refunded", payment.EventChargeRefunded, chargeObject(ref, pi, p.Total, 5000)),
		}
		var queue []delivery
		for range 3 {
			queue = append(queue, events...)
		}
		rand.New(rand.NewPCG(seed, 0)).Shuffle(len(queue), func(i, j int) { queue[i], queue[j] = queue[j], queue[i] })
		for i := 0; i < len(queue); i++ {
			if i > 100 {
				t.Fatal("deliveries never accepted")
			}
			res := se.deliver(t, queue[i].body, stripetest.WebhookSecret, se.now)
			switch {
			case res.Status == http.StatusOK:
			case res.Status == http.StatusConflict && queue[i].name == payment.EventChargeRefunded:
				mustContain(t, res.Body, "尚未登记")
				queue = append(queue, queue[i]) // Stripe delivers it again later
				retried++
			default:
				t.Fatalf("round %d, %s: %d %s", round, queue[i].name, res.Status, res.Body)
			}
		}
		number := p.Orders[0].Number
		d, err := se.orders.Orders.Get(context.Background(), u.buyer.OrganizationID, number)
		if err != nil {
			t.Fatal(err)
		}
		if d.State != order.StatePaid || d.Refunded != 5000 {
			t.Errorf("round %d: order %s, refunded %s", round, d.State, d.Refunded)
		}
		for what, n := range map[string]int{
			"paid transitions": se.count(t, `SELECT count(*) FROM order_events e JOIN orders o ON o.id = e.order_id WHERE o.number = $1 AND e.to_state = 'paid' AND e.from_state = 'unpaid'`, number),
			"payments":         se.count(t, `SELECT count(*) FROM payments WHERE checkout_id = $1`, p.CheckoutID),
			"refunds":          se.count(t, `SELECT count(*) FROM refunds r JOIN orders o ON o.id = r.order_id WHERE o.number = $1`, number),
		} {
			if n != 1 {
				t.Errorf("round %d: %d %s, want 1", round, n, what)
			}
		}
		if n := se.count(t, `SELECT count(*) FROM stripe_events WHERE id LIKE $1`, fmt.Sprintf("evt_%d_%%", round)); n != 5 {
			t.Errorf("round %d: %d events recorded, want 5", round, n)
		}
	}
	if retried == 0 {
		t.Error("no round delivered a refund before its payment: the seeds test less than they should")
	}
}

// TestStripeWebhookRefused: forged and stale signatures are 400 with a Chinese JSON error and
// change nothing; an unknown checkout is 200, changes nothing and is logged at WARN.
func TestStripeWebhookRefused(t *testing.T) {
	se := newStripeEnv(t)
	u := se.union(t)
	p := se.checkout(t, u, 1)
	body := stripetest.Event(t, "evt_forged", payment.EventCheckoutCompleted, sessionObject(p.Reference, "pi_forged", "paid", p.Total))
	for name, res := range map[string]response{
		"forged": se.deliver(t, body, "whsec_someone_else", se.now),
		"stale":  se.deliver(t, body, stripetest.WebhookSecret, se.now.Add(-payment.WebhookTolerance-time.Second)),
	} {
		wantAdminStatus(t, res, http.StatusBadRequest)
		var answer struct{ Error struct{ Message string } }
		if err := json.Unmarshal([]byte(res.Body), &answer); err != nil || !strings.Contains(answer.Error.Message, "支付回调签名") {
			t.Errorf("%s: body %s", name, res.Body)
		}
	}
	unknown := stripetest.Event(t, "evt_unknown", payment.EventCheckoutCompleted, sessionObject("ZZZZ2222", "pi_unknown", "paid", p.Total))
	wantAdminStatus(t, se.deliver(t, unknown, stripetest.WebhookSecret, se.now), http.StatusOK)
	if rs := se.logs.matching(slog.LevelWarn, "stripe event for an unknown checkout", "event_id", "evt_unknown"); len(rs) != 1 {
		t.Errorf("%d WARN lines for the unknown checkout", len(rs))
	}
	for what, n := range map[string]int{
		"events":   se.count(t, `SELECT count(*) FROM stripe_events`),
		"payments": se.count(t, `SELECT count(*) FROM payments`),
		"paid":     se.count(t, `SELECT count(*) FROM orders WHERE state <> 'unpaid'`),
	} {
		if n != 0 {
			t.Errorf("%d %s after refused deliveries", n, what)
		}
	}
}

// TestStripeLatePaymentRefunded: a payment that arrives after its order expired is sent back
// through Stripe and recorded; the order stays cancelled and is no longer flagged as paid late.
func TestStripeLatePaymentRefunded(t *testing.T) {
	se := newStripeEnv(t)
	u := se.union(t)
	p := se.checkout(t, u, 2)
	se.now = se.now.Add(order.DefaultPayWithin + time.Minute)
	if n, err := se.orders.Orders.Expire(context.Background()); err != nil || n != 1 {
		t.Fatalf("Expire = %d, %v", n, err)
	}
	body := stripetest.Event(t, "evt_late", payment.EventCheckoutCompleted, sessionObject(p.Reference, "pi_late", "paid", p.Total))
	for range 2 {
		wantAdminStatus(t, se.deliver(t, body, stripetest.WebhookSecret, se.now), http.StatusOK)
	}
	d, err := se.orders.Orders.Get(context.Background(), u.buyer.OrganizationID, p.Orders[0].Number)
	if err != nil {
		t.Fatal(err)
	}
	if d.State != order.StateCanceled || d.Refunded != p.Total {
		t.Errorf("order %s, refunded %s of %s", d.State, d.Refunded, p.Total)
	}
	if n := se.count(t, `SELECT count(*) FROM refunds WHERE stripe_refund LIKE 're_%'`); n != 1 {
		t.Errorf("%d refunds through Stripe, want 1", n)
	}
	// Sent back in full, the late payment is settled: staff's filter of late payments is empty.
	if n := se.count(t, `SELECT count(*) FROM orders WHERE late_payment`); n != 0 {
		t.Errorf("%d orders still flagged as paid late after the refund", n)
	}
}

// TestStripeStaffRefund: refundOrder sends a Stripe-paid order's refund through Stripe and
// records its id; a bank-transfer order's refund is only recorded.
func TestStripeStaffRefund(t *testing.T) {
	se := newStripeEnv(t)
	u := se.union(t)
	paidOnline, byTransfer := se.checkout(t, u, 2), se.checkout(t, u, 1)
	body := stripetest.Event(t, "evt_paid", payment.EventCheckoutCompleted, sessionObject(paidOnline.Reference, "pi_staff", "paid", paidOnline.Total))
	wantAdminStatus(t, se.deliver(t, body, stripetest.WebhookSecret, se.now), http.StatusOK)
	if _, err := se.orders.Payments.RecordTransfer(context.Background(), se.staff.Actor(), order.Transfer{Target: byTransfer.Reference,
		PaidOn: se.now, Amount: byTransfer.Total, Payer: "灞桥区总工会", BankReference: "BANK-001"}); err != nil {
		t.Fatal(err)
	}
	staff := se.adminClient(t)
	staff.mustLogin()
	for _, p := range []*order.Placed{paidOnline, byTransfer} {
		res := staff.submit("/admin/", "/admin/test-refund/"+p.Orders[0].Number, url.Values{"amount": {"50"}, "reason": {"少发一盒"}})
		wantAdminStatus(t, res, http.StatusOK)
	}
	res := staff.submit("/admin/", "/admin/test-refund/"+paidOnline.Orders[0].Number, url.Values{"amount": {"1000"}, "reason": {"退货"}})
	wantAdminStatus(t, res, http.StatusBadRequest)
	mustContain(t, res.Body, "超过可退金额")
	if n := se.count(t, `SELECT count(*) FROM refunds r JOIN orders o ON o.id = r.order_id WHERE o.number = $1 AND r.stripe_refund LIKE 're_%'`, paidOnline.Orders[0].Number); n != 1 {
		t.Errorf("%d Stripe refunds of the online order", n)
	}
	if n := se.count(t, `SELECT count(*) FROM refunds r JOIN orders o ON o.id = r.order_id WHERE o.number = $1 AND r.stripe_refund IS NULL`, byTransfer.Orders[0].Number); n != 1 {
		t.Errorf("%d recorded refunds of the transfer order", n)
	}
	// The charge.refunded event of the staff refund adds nothing.
	refunded := stripetest.Event(t, "evt_staff_refund", payment.EventChargeRefunded, chargeObject(paidOnline.Reference, "pi_staff", paidOnline.Total, 5000))
	wantAdminStatus(t, se.deliver(t, refunded, stripetest.WebhookSecret, se.now), http.StatusOK)
	if n := se.count(t, `SELECT count(*) FROM refunds`); n != 2 {
		t.Errorf("%d refunds after the refund event, want 2", n)
	}
}

// TestStripeSecondPaymentRefunded: a second paid session of a checkout paid already (a buyer who
// opened two and paid both) is sent back through Stripe and changes nothing on the site.
func TestStripeSecondPaymentRefunded(t *testing.T) {
	se := newStripeEnv(t)
	u := se.union(t)
	p := se.checkout(t, u, 2)
	first := stripetest.Event(t, "evt_first", payment.EventCheckoutCompleted, sessionObject(p.Reference, "pi_first", "paid", p.Total))
	wantAdminStatus(t, se.deliver(t, first, stripetest.WebhookSecret, se.now), http.StatusOK)
	second := stripetest.Event(t, "evt_second", payment.EventCheckoutCompleted, sessionObject(p.Reference, "pi_second", "paid", p.Total))
	for range 2 {
		wantAdminStatus(t, se.deliver(t, second, stripetest.WebhookSecret, se.now), http.StatusOK)
	}
	if n := se.count(t, `SELECT count(*) FROM payments WHERE checkout_id = $1`, p.CheckoutID); n != 1 {
		t.Errorf("%d payments recorded, want 1", n)
	}
	if rs := se.logs.matching(slog.LevelWarn, "stripe payment of a checkout with nothing left to pay, refunded", "event_id", "evt_second"); len(rs) != 2 {
		t.Errorf("%d WARN lines for the second payment's two deliveries, want 2", len(rs))
	}
	d, err := se.orders.Orders.Get(context.Background(), u.buyer.OrganizationID, p.Orders[0].Number)
	if err != nil || d.State != order.StatePaid || d.Refunded != 0 {
		t.Errorf("the order after a second payment: %+v, %v", d, err)
	}
}
