package site

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"zhenxing"
	"zhenxing/catalog"
	"zhenxing/internal/account"
	"zhenxing/internal/db"
	"zhenxing/internal/testdb"
)

const (
	adminStaffUser     = "liming"
	adminStaffPassword = "correct horse battery"
)

// adminEnv is a site on a fresh database with one staff account of the hall and a clock the
// test moves.
type adminEnv struct {
	s        *Server
	cat      *catalog.Catalog // suppliers, products, photos, stock
	accounts *account.Store
	now      time.Time
	staff    *account.User
}

func newAdminEnv(t *testing.T) *adminEnv {
	t.Helper()
	pool := testdb.New(t)
	env := &adminEnv{cat: catalog.New(pool, catalog.Config{}), accounts: account.NewStore(pool), now: testNow}
	env.s = mustServer(t, env.deps)
	env.staff = env.mustAccount(t, account.NewUser{Username: adminStaffUser, Name: "李明", Password: adminStaffPassword,
		Kind: account.KindStaff, Roles: []account.Role{account.RoleHall}})
	return env
}

// deps gives a site the environment's stores and clock.
func (env *adminEnv) deps(c *Config, d *Deps) {
	c.Now = func() time.Time { return env.now }
	useCatalog(d, env.cat)
	d.Accounts = env.accounts
	useInteract(d, env.cat.Pool(), func() time.Time { return env.now })
}

// mustAccount creates an account in the environment's database.
func (env *adminEnv) mustAccount(t *testing.T, nu account.NewUser) *account.User {
	t.Helper()
	u, err := env.accounts.CreateUser(context.Background(), nu)
	if err != nil {
		t.Fatalf("create %s: %v", nu.Username, err)
	}
	return u
}

// adminClient keeps cookies between requests, like a browser with a cookie jar for one site.
type adminClient struct {
	t       *testing.T
	env     *adminEnv
	cookies map[string]string
}

func (env *adminEnv) adminClient(t *testing.T) *adminClient {
	return &adminClient{t: t, env: env, cookies: map[string]string{}}
}

func (b *adminClient) send(req *http.Request) response {
	b.t.Helper()
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	res := do(b.t, b.env.s, req)
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	return res
}

func (b *adminClient) get(target string) response {
	b.t.Helper()
	return b.send(httptest.NewRequest(http.MethodGet, target, nil))
}

func (b *adminClient) post(target string, form url.Values) response {
	b.t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.send(req)
}

var adminCSRFField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrf returns the CSRF token of the forms of the page at target.
func (b *adminClient) csrf(target string) string {
	b.t.Helper()
	return b.hiddenField(target, adminCSRFField)
}

// hiddenField returns the value of the hidden field that field matches in the page at target.
func (b *adminClient) hiddenField(target string, field *regexp.Regexp) string {
	b.t.Helper()
	res := b.get(target)
	m := field.FindStringSubmatch(res.Body)
	if m == nil {
		b.t.Fatalf("GET %s (%d): no field %s", target, res.Status, field)
	}
	return m[1]
}

// submit posts form to target with the CSRF token of the page at from.
func (b *adminClient) submit(from, target string, form url.Values) response {
	b.t.Helper()
	form.Set("_csrf", b.csrf(from))
	return b.post(target, form)
}

func (b *adminClient) login(user, password string) response {
	b.t.Helper()
	return b.submit("/admin/login", "/admin/login", url.Values{"username": {user}, "password": {password}})
}

// mustLogin logs the staff member in and fails the test unless it worked.
func (b *adminClient) mustLogin() {
	b.t.Helper()
	if res := b.login(adminStaffUser, adminStaffPassword); res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/admin/" {
		b.t.Fatalf("login = %d %s: %s", res.Status, res.Header.Get("Location"), res.Body)
	}
}

func wantAdminStatus(t *testing.T, res response, want int) {
	t.Helper()
	if res.Status != want {
		t.Fatalf("status = %d, want %d; body: %.600s", res.Status, want, res.Body)
	}
}

func TestAdminRequiresSession(t *testing.T) {
	env := newAdminEnv(t)
	pages := []string{"/admin/", "/admin", "/admin/audit", "/admin/audit?entity=product", "/admin/suppliers",
		"/admin/suppliers/new", "/admin/suppliers/some-coop", "/admin/products", "/admin/products/new",
		"/admin/products/some-product", "/admin/no-such-page"}
	for _, p := range pages {
		t.Run("page "+p, func(t *testing.T) {
			res := get(t, env.s, p)
			wantAdminStatus(t, res, http.StatusSeeOther)
			loc := res.Header.Get("Location")
			if !strings.HasPrefix(loc, "/admin/login") {
				t.Fatalf("Location = %q", loc)
			}
			if p != "/admin/" && p != "/admin" && loc != "/admin/login?next="+url.QueryEscape(p) {
				t.Errorf("Location = %q, want next=%s", loc, p)
			}
			if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control = %q", cc)
			}
		})
		t.Run("json "+p, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, p, nil)
			req.Header.Set("Accept", "application/json")
			res := do(t, env.s, req)
			wantAdminStatus(t, res, http.StatusUnauthorized)
			var body struct{ Error string }
			if err := json.Unmarshal([]byte(res.Body), &body); err != nil || body.Error == "" {
				t.Fatalf("body %q is not {\"error\": ...}: %v", res.Body, err)
			}
		})
	}
	posts := []string{"/admin/logout", "/admin/suppliers", "/admin/suppliers/x", "/admin/products", "/admin/products/x",
		"/admin/products/x/listing", "/admin/products/x/stock", "/admin/products/x/photos"}
	for _, p := range posts {
		t.Run("post "+p, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, p, strings.NewReader("name=x"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res := do(t, env.s, req)
			wantAdminStatus(t, res, http.StatusSeeOther)
			if loc := res.Header.Get("Location"); loc != "/admin/login" {
				t.Errorf("Location = %q", loc)
			}
		})
	}
	// The login page itself is open.
	res := get(t, env.s, "/admin/login")
	wantAdminStatus(t, res, http.StatusOK)
	mustContain(t, res.Body, "后台登录", `name="username"`, `type="password"`, `name="_csrf"`, `<meta name="robots" content="noindex">`)
}

func TestAdminLoginFlow(t *testing.T) {
	env := newAdminEnv(t)
	b := env.adminClient(t)

	form := b.get("/admin/login?next=" + url.QueryEscape("/admin/products"))
	wantAdminStatus(t, form, http.StatusOK)
	anonymous := b.cookies[sessionCookie]
	if anonymous == "" {
		t.Fatal("the login page set no session cookie")
	}
	setCookie := form.Header.Get("Set-Cookie")
	for _, attr := range []string{"zx_session=", "path=/", "HttpOnly", "SameSite=Lax"} {
		if !strings.Contains(setCookie, attr) {
			t.Errorf("Set-Cookie %q lacks %s", setCookie, attr)
		}
	}
	if strings.Contains(setCookie, "secure") {
		t.Errorf("Set-Cookie %q is Secure over http", setCookie)
	}
	token := adminCSRFField.FindStringSubmatch(form.Body)[1]

	// Wrong password: the form again, 401, the username kept.
	res := b.post("/admin/login", url.Values{"_csrf": {token}, "username": {adminStaffUser}, "password": {"not the password"}, "next": {"/admin/products"}})
	wantAdminStatus(t, res, http.StatusUnauthorized)
	mustContain(t, res.Body, "用户名或密码错误", `value="liming"`)
	// Unknown user: the same answer.
	res = b.post("/admin/login", url.Values{"_csrf": {token}, "username": {"nobody"}, "password": {"whatever it is"}})
	wantAdminStatus(t, res, http.StatusUnauthorized)
	mustContain(t, res.Body, "用户名或密码错误")
	res = b.post("/admin/login", url.Values{"_csrf": {token}, "username": {adminStaffUser}})
	wantAdminStatus(t, res, http.StatusBadRequest)
	mustContain(t, res.Body, "请输入用户名和密码")

	// Success: a new session ID, back to next.
	res = b.post("/admin/login", url.Values{"_csrf": {token}, "username": {"LiMing"}, "password": {adminStaffPassword}, "next": {"/admin/products"}})
	wantAdminStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/admin/products" {
		t.Errorf("Location = %q, want /admin/products", loc)
	}
	loggedIn := b.cookies[sessionCookie]
	if loggedIn == "" || loggedIn == anonymous {
		t.Fatalf("session ID did not change at login (%q → %q)", anonymous, loggedIn)
	}
	if !strings.Contains(res.Header.Get("Set-Cookie"), "expires=") {
		t.Errorf("Set-Cookie %q has no expiry", res.Header.Get("Set-Cookie"))
	}
	home := b.get("/admin/")
	wantAdminStatus(t, home, http.StatusOK)
	mustContain(t, home.Body, "后台首页", "李明", `href="/admin/suppliers"`, `href="/admin/products"`, `href="/admin/audit"`, "退出")

	// The pre-login session is gone from the server.
	if _, err := env.accounts.Session(context.Background(), anonymous, env.now, time.Hour); err == nil {
		t.Error("the pre-login session still exists after login")
	}
	old := env.adminClient(t)
	old.cookies[sessionCookie] = anonymous
	if res := old.get("/admin/"); res.Status != http.StatusSeeOther {
		t.Errorf("the pre-login session still works after login: %d", res.Status)
	}
	// The login page sends a logged-in member on.
	if res := b.get("/admin/login"); res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/admin/" {
		t.Errorf("login page when logged in = %d %s", res.Status, res.Header.Get("Location"))
	}

	// Logout ends the session on the server: the old cookie no longer works.
	res = b.submit("/admin/", "/admin/logout", url.Values{})
	wantAdminStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/admin/login?out=1" {
		t.Errorf("Location = %q", loc)
	}
	if _, ok := b.cookies[sessionCookie]; ok {
		t.Error("logout did not clear the cookie")
	}
	replay := env.adminClient(t)
	replay.cookies[sessionCookie] = loggedIn
	res = replay.get("/admin/")
	wantAdminStatus(t, res, http.StatusSeeOther)
	if _, err := env.accounts.Session(context.Background(), loggedIn, env.now, time.Hour); err == nil {
		t.Error("the session still exists in the database after logout")
	}
	mustContain(t, b.get("/admin/login?out=1").Body, "您已安全退出")

	// Over https the cookie is Secure.
	tls := newAdminEnv(t)
	tls.s = mustServer(t, tls.deps, func(c *Config, d *Deps) {
		c.BaseURL, _ = url.Parse("https://xczx.example.cn")
	})
	if sc := get(t, tls.s, "/admin/login").Header.Get("Set-Cookie"); !strings.Contains(sc, "secure") {
		t.Errorf("Set-Cookie %q is not Secure over https", sc)
	}
}

func TestAdminLoginNext(t *testing.T) {
	env := newAdminEnv(t)
	tests := []struct{ next, want string }{
		{"", "/admin/"},
		{"/admin/audit?entity=product", "/admin/audit?entity=product"},
		{"//evil.example/admin", "/admin/"},
		{"https://evil.example/", "/admin/"},
		{"/open/", "/admin/"},
		{"/\\evil.example", "/admin/"},
	}
	for _, tt := range tests {
		t.Run(tt.next, func(t *testing.T) {
			b := env.adminClient(t)
			res := b.submit("/admin/login", "/admin/login", url.Values{"username": {adminStaffUser}, "password": {adminStaffPassword}, "next": {tt.next}})
			wantAdminStatus(t, res, http.StatusSeeOther)
			if loc := res.Header.Get("Location"); loc != tt.want {
				t.Errorf("Location = %q, want %q", loc, tt.want)
			}
		})
	}
}

func TestAdminLoginLockout(t *testing.T) {
	env := newAdminEnv(t)
	b := env.adminClient(t)
	for i := range account.AccountFreeFailures {
		res := b.login(adminStaffUser, "wrong password "+strconv.Itoa(i))
		wantAdminStatus(t, res, http.StatusUnauthorized)
	}
	// Locked: refused even with the right password, and from a fresh browser too.
	for _, c := range []*adminClient{b, env.adminClient(t)} {
		res := c.login(adminStaffUser, adminStaffPassword)
		wantAdminStatus(t, res, http.StatusTooManyRequests)
		// testNow is 10:00 in Shanghai; the first lock lasts LockBase.
		mustContain(t, res.Body, "登录失败次数过多", "请于 2026年11月28日 10:01 之后再试")
		if ra := res.Header.Get("Retry-After"); ra != "60" {
			t.Errorf("Retry-After = %q, want 60", ra)
		}
		if _, ok := c.cookies[sessionCookie]; ok && c.get("/admin/").Status != http.StatusSeeOther {
			t.Error("a locked login got a session")
		}
	}
	// After the lock the right password works.
	env.now = testNow.Add(account.LockBase + time.Second)
	b.mustLogin()
}

func TestAdminSessionTimeouts(t *testing.T) {
	t.Run("idle", func(t *testing.T) {
		env := newAdminEnv(t)
		b := env.adminClient(t)
		b.mustLogin()
		env.now = env.now.Add(DefaultSessionIdle - time.Minute)
		wantAdminStatus(t, b.get("/admin/"), http.StatusOK) // activity moves the idle deadline
		env.now = env.now.Add(DefaultSessionIdle - time.Minute)
		wantAdminStatus(t, b.get("/admin/"), http.StatusOK)
		env.now = env.now.Add(DefaultSessionIdle + time.Second)
		res := b.get("/admin/products")
		wantAdminStatus(t, res, http.StatusSeeOther)
		if !strings.HasPrefix(res.Header.Get("Location"), "/admin/login") {
			t.Errorf("Location = %q", res.Header.Get("Location"))
		}
	})
	t.Run("absolute", func(t *testing.T) {
		env := newAdminEnv(t)
		b := env.adminClient(t)
		b.mustLogin()
		start := env.now
		for env.now.Add(20 * time.Minute).Before(start.Add(DefaultSessionMaxAge)) {
			env.now = env.now.Add(20 * time.Minute)
			wantAdminStatus(t, b.get("/admin/"), http.StatusOK)
		}
		env.now = start.Add(DefaultSessionMaxAge)
		wantAdminStatus(t, b.get("/admin/"), http.StatusSeeOther)
	})
	t.Run("configured", func(t *testing.T) {
		env := newAdminEnv(t)
		env.s = mustServer(t, env.deps, func(c *Config, d *Deps) {
			c.SessionIdle = 5 * time.Minute
		})
		b := env.adminClient(t)
		b.mustLogin()
		env.now = env.now.Add(6 * time.Minute)
		wantAdminStatus(t, b.get("/admin/"), http.StatusSeeOther)
	})
}

func TestAdminCSRF(t *testing.T) {
	env := newAdminEnv(t)
	sup := mustAdminSupplier(t, env)
	p := mustAdminProduct(t, env, sup, 5)
	b := env.adminClient(t)
	b.mustLogin()
	good := b.csrf("/admin/products/" + p.Slug)
	wrong := "A" + good[1:] // the same length, one character different
	if good[0] == 'A' {
		wrong = "B" + good[1:]
	}
	tests := []struct {
		name  string
		form  url.Values
		heads map[string]string
	}{
		{"no token", url.Values{"delta": {"-5"}, "reason": {"出库"}}, nil},
		{"wrong token", url.Values{"_csrf": {wrong}, "delta": {"-5"}, "reason": {"出库"}}, nil},
		{"token in the query string", url.Values{"delta": {"-5"}, "reason": {"出库"}}, nil},
		{"wrong header", url.Values{"delta": {"-5"}, "reason": {"出库"}}, map[string]string{"X-CSRF-Token": "nope"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := "/admin/products/" + p.Slug + "/stock"
			if tt.name == "token in the query string" {
				target += "?_csrf=" + url.QueryEscape(good)
			}
			req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(tt.form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tt.heads {
				req.Header.Set(k, v)
			}
			res := b.send(req)
			wantAdminStatus(t, res, http.StatusForbidden)
			mustContain(t, res.Body, "安全校验未通过")
		})
	}
	after, err := env.cat.Products.Find(context.Background(), p.Slug)
	if err != nil || after.Stock != 5 {
		t.Fatalf("stock after refused posts = %d (%v), want 5", after.Stock, err)
	}
	// Logout without the token does not log out.
	wantAdminStatus(t, b.post("/admin/logout", url.Values{}), http.StatusForbidden)
	wantAdminStatus(t, b.get("/admin/"), http.StatusOK)
	// The header works as well as the field.
	req := httptest.NewRequest(http.MethodPost, "/admin/products/"+p.Slug+"/stock", strings.NewReader(url.Values{"delta": {"-1"}, "reason": {"出库"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-CSRF-Token", good)
	wantAdminStatus(t, b.send(req), http.StatusSeeOther)

	// The login form needs its token too.
	anon := env.adminClient(t)
	anon.get("/admin/login")
	res := anon.post("/admin/login", url.Values{"username": {adminStaffUser}, "password": {adminStaffPassword}})
	wantAdminStatus(t, res, http.StatusForbidden)
	if _, ok := anon.cookies[sessionCookie]; ok && anon.get("/admin/").Status != http.StatusSeeOther {
		t.Error("a login without CSRF token logged in")
	}
}

func TestAdminBuyerForbidden(t *testing.T) {
	env := newAdminEnv(t)
	ctx := context.Background()
	buyer := env.mustAccount(t, account.NewUser{Username: "union-buyer", Name: "工会采购员", Password: adminStaffPassword, Kind: account.KindBuyer})
	b := env.adminClient(t)
	res := b.login("union-buyer", adminStaffPassword)
	wantAdminStatus(t, res, http.StatusForbidden)
	mustContain(t, res.Body, "不是工作人员账号")

	// Even with a buyer session (as the hall will give them), every /admin page is 403.
	sess, err := env.accounts.RotateSession(ctx, "", buyer.ID, env.now, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	b.cookies[sessionCookie] = sess.Token
	for _, p := range []string{"/admin/", "/admin/products", "/admin/audit", "/admin/suppliers/new", "/admin/password"} {
		res := b.get(p)
		wantAdminStatus(t, res, http.StatusForbidden)
		mustContain(t, res.Body, "没有后台访问权限")
	}
	req := httptest.NewRequest(http.MethodGet, "/admin/products", nil)
	req.Header.Set("Accept", "application/json")
	wantAdminStatus(t, b.send(req), http.StatusForbidden)
	form := url.Values{"_csrf": {sess.CSRFToken}, "slug": {"x"}}
	wantAdminStatus(t, b.post("/admin/suppliers", form), http.StatusForbidden)
}

// Each staff role opens the pages it needs: the hall pages need 馆务 (or 管理员); every staff
// account has the back-office home, the password page and logout.
func TestAdminRoles(t *testing.T) {
	env := newAdminEnv(t)
	hallPages := []string{"/admin/suppliers", "/admin/suppliers/new", "/admin/products", "/admin/products/new", "/admin/audit"}
	tests := []struct {
		username string
		roles    []account.Role
		hall     bool
	}{
		{"hall-clerk", []account.Role{account.RoleHall}, true},
		{"open-clerk", []account.Role{account.RoleOpen}, false},
		{"message-clerk", []account.Role{account.RoleMessages, account.RoleOpen}, false},
		{"administrator", []account.Role{account.RoleAdmin}, true},
	}
	for _, tt := range tests {
		t.Run(tt.username, func(t *testing.T) {
			env.mustAccount(t, account.NewUser{Username: tt.username, Password: adminStaffPassword, Kind: account.KindStaff, Roles: tt.roles})
			b := env.adminClient(t)
			if res := b.login(tt.username, adminStaffPassword); res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/admin/" {
				t.Fatalf("login = %d %s", res.Status, res.Header.Get("Location"))
			}
			home := b.get("/admin/")
			wantAdminStatus(t, home, http.StatusOK)
			mustContain(t, home.Body, "后台首页", `href="/admin/password"`, "退出")
			if got := strings.Contains(home.Body, `href="/admin/products"`); got != tt.hall {
				t.Errorf("link to the products shown: %v, want %v", got, tt.hall)
			}
			wantAdminStatus(t, b.get("/admin/password"), http.StatusOK)
			for _, p := range hallPages {
				res := b.get(p)
				if tt.hall {
					wantAdminStatus(t, res, http.StatusOK)
					continue
				}
				wantAdminStatus(t, res, http.StatusForbidden)
				mustContain(t, res.Body, "没有访问权限", "该账号没有此页面的访问权限：需要“馆务”角色，请联系管理员。")
			}
			if tt.hall {
				return
			}
			req := httptest.NewRequest(http.MethodGet, "/admin/products", nil)
			req.Header.Set("Accept", "application/json")
			res := b.send(req)
			wantAdminStatus(t, res, http.StatusForbidden)
			var body struct{ Error string }
			if err := json.Unmarshal([]byte(res.Body), &body); err != nil || !strings.Contains(body.Error, "馆务") {
				t.Errorf("JSON body %q: %v", res.Body, err)
			}
			// A valid form from a page of its own is still refused, and changes nothing.
			res = b.submit("/admin/", "/admin/suppliers", url.Values{"slug": {"role-test"}, "name": {"角色测试合作社"}})
			wantAdminStatus(t, res, http.StatusForbidden)
			if _, err := env.cat.Suppliers.Find(context.Background(), "role-test"); err == nil {
				t.Error("a staff member without the hall role created a supplier")
			}
			wantAdminStatus(t, b.submit("/admin/", "/admin/logout", url.Values{}), http.StatusSeeOther)
		})
	}
}

// adminCreditCode makes a 统一社会信用代码 with a right check character (GB 32100-2015).
func adminCreditCode(t *testing.T, first17 string) string {
	t.Helper()
	const chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	weights := []int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	sum := 0
	for i, w := range weights {
		v := strings.IndexByte(chars, first17[i])
		if v < 0 {
			t.Fatalf("bad character in %q", first17)
		}
		sum += v * w
	}
	return first17 + string(chars[(31-sum%31)%31])
}

func mustAdminSupplier(t *testing.T, env *adminEnv) *catalog.Supplier {
	t.Helper()
	sp := &catalog.Supplier{Slug: "baqiao-cherry-coop", Name: "白鹿原樱桃专业合作社", Kind: "合作社", County: catalog.CountyLocal,
		Township: "狄寨街道", CreditCode: adminCreditCode(t, "93610111MA6TXXXX0")}
	if err := env.cat.Suppliers.Create(context.Background(), db.CommandLine, sp); err != nil {
		t.Fatalf("create supplier: %v", err)
	}
	return sp
}

func mustAdminProduct(t *testing.T, env *adminEnv, sup *catalog.Supplier, stock int) *catalog.Product {
	t.Helper()
	p := &catalog.Product{Slug: "bailuyuan-cherry", Name: "白鹿原大樱桃", Category: "樱桃", County: catalog.CountyLocal,
		Spec: "2.5千克/箱", Unit: "箱", Price: 12800, MinQty: 1, Multiple: 1, Stock: stock,
		SeasonStart: 5, SeasonEnd: 6, Listed: true}
	if err := env.cat.Products.Create(context.Background(), db.CommandLine, p, sup.Slug); err != nil {
		t.Fatalf("create product: %v", err)
	}
	return p
}

func adminPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// upload posts a photo form with the CSRF token of the product page.
func (b *adminClient) upload(slug, filename string, data []byte, alt string) response {
	b.t.Helper()
	token := b.csrf("/admin/products/" + slug)
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", token)
	_ = w.WriteField("alt", alt)
	fw, _ := w.CreateFormFile("photo", filename)
	_, _ = io.Copy(fw, bytes.NewReader(data))
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, "/admin/products/"+slug+"/photos", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.send(req)
}

func TestAdminSuppliersThroughForms(t *testing.T) {
	env := newAdminEnv(t)
	b := env.adminClient(t)
	b.mustLogin()
	code := adminCreditCode(t, "93610821MA6YYYY0A")
	form := url.Values{"slug": {"lueyang-wuji-coop"}, "name": {"略阳县乌鸡养殖专业合作社"}, "kind": {"合作社"},
		"county": {catalog.CountyPaired}, "township": {"接官亭镇"}, "credit_code": {code[:17] + "0"},
		"cert_number": {"FP-2025-0018"}, "cert_date": {"2025-03-01"}, "cert_expiry": {"2027-02-28"},
		"households": {"126"}, "linkage": {"保底收购、吸纳务工"}, "contact_name": {"王芳"}, "contact_phone": {"0916-4820000"}}
	if code[17] == '0' {
		form.Set("credit_code", code[:17]+"1")
	}
	res := b.submit("/admin/suppliers/new", "/admin/suppliers", form)
	wantAdminStatus(t, res, http.StatusBadRequest)
	mustContain(t, res.Body, `id="credit_code-error"`, "校验", `value="略阳县乌鸡养殖专业合作社"`, `value="126"`, `value="2025-03-01"`)
	if list, _ := env.cat.Suppliers.List(context.Background()); len(list) != 0 {
		t.Fatalf("a rejected form created a supplier: %v", list)
	}
	form.Set("households", "很多")
	form.Set("credit_code", code)
	res = b.submit("/admin/suppliers/new", "/admin/suppliers", form)
	wantAdminStatus(t, res, http.StatusBadRequest)
	mustContain(t, res.Body, "带动农户数应为整数")

	form.Set("households", "126")
	res = b.submit("/admin/suppliers/new", "/admin/suppliers", form)
	wantAdminStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/admin/suppliers/lueyang-wuji-coop?done=created" {
		t.Fatalf("Location = %q", loc)
	}
	page := b.get("/admin/suppliers/lueyang-wuji-coop?done=created")
	wantAdminStatus(t, page, http.StatusOK)
	mustContain(t, page.Body, "供应商已创建", code, "FP-2025-0018", `value="2027-02-28"`)

	form.Set("households", "140")
	form.Set("slug", "an-attempt-to-rename") // ignored: the URL names the supplier
	form.Set("version", b.formVersion("/admin/suppliers/lueyang-wuji-coop"))
	res = b.submit("/admin/suppliers/lueyang-wuji-coop", "/admin/suppliers/lueyang-wuji-coop", form)
	wantAdminStatus(t, res, http.StatusSeeOther)
	list := b.get("/admin/suppliers")
	wantAdminStatus(t, list, http.StatusOK)
	mustContain(t, list.Body, "略阳县乌鸡养殖专业合作社", code)
	audit := b.get("/admin/audit?entity=supplier")
	mustContain(t, audit.Body, "修改供应商", "带动农户数", "126", "140", "李明")
}

func TestAdminProductsThroughForms(t *testing.T) {
	env := newAdminEnv(t)
	ctx := context.Background()
	sup := mustAdminSupplier(t, env)
	b := env.adminClient(t)
	b.mustLogin()

	// Create: price in yuan becomes fen exactly, tiers as rows.
	form := url.Values{"slug": {"lueyang-tianma"}, "name": {"略阳天麻"}, "category": {"中药材"}, "county": {catalog.CountyPaired},
		"township": {"白水江镇"}, "supplier": {sup.Slug}, "spec": {"250克/盒"}, "unit": {"盒"}, "price": {"0.29"},
		"min_qty": {"2"}, "multiple": {"2"}, "stock": {"20"}, "flags": {"地理标志", "绿色"},
		"tier_qty": {"10", "50", ""}, "tier_price": {"0.25", "0.2", ""}, "description": {"**天麻**"}}
	form.Set("price", "abc")
	res := b.submit("/admin/products/new", "/admin/products", form)
	wantAdminStatus(t, res, http.StatusBadRequest)
	mustContain(t, res.Body, "金额“abc”无效", `value="略阳天麻"`, `value="0.25"`)
	form.Set("price", "0.29")
	res = b.submit("/admin/products/new", "/admin/products", form)
	wantAdminStatus(t, res, http.StatusSeeOther)
	p, err := env.cat.Products.Find(ctx, "lueyang-tianma")
	if err != nil {
		t.Fatal(err)
	}
	if p.Price != 29 || len(p.Tiers) != 2 || p.Tiers[0] != (catalog.PriceTier{MinQty: 10, Price: 25}) || p.Tiers[1].Price != 20 ||
		p.Stock != 20 || p.Listed || p.MinQty != 2 || len(p.Flags) != 2 {
		t.Fatalf("created product = %+v", p)
	}

	// Edit: the price changes, stock and listing stay.
	edit := b.get("/admin/products/lueyang-tianma")
	wantAdminStatus(t, edit, http.StatusOK)
	mustContain(t, edit.Body, `value="0.29"`, "未上架", "20 盒", `value="0.25"`)
	form.Set("price", "1234.5")
	form.Set("stock", "9999")
	form.Set("version", b.formVersion("/admin/products/lueyang-tianma"))
	res = b.submit("/admin/products/lueyang-tianma", "/admin/products/lueyang-tianma", form)
	wantAdminStatus(t, res, http.StatusSeeOther)
	p, _ = env.cat.Products.Find(ctx, "lueyang-tianma")
	if p.Price != 123450 || p.Stock != 20 || p.Listed {
		t.Fatalf("after edit price %d stock %d listed %v, want 123450, 20, false", p.Price, p.Stock, p.Listed)
	}
	// A new product cannot take an existing slug (it would overwrite it): a conflict.
	res = b.submit("/admin/products/new", "/admin/products", form)
	wantAdminStatus(t, res, http.StatusConflict)
	mustContain(t, res.Body, "已被其他产品使用", `id="slug-error"`)

	// Stock: add, then take too much.
	res = b.submit("/admin/products/lueyang-tianma", "/admin/products/lueyang-tianma/stock", url.Values{"delta": {"+10"}, "reason": {"新到货"}})
	wantAdminStatus(t, res, http.StatusSeeOther)
	res = b.submit("/admin/products/lueyang-tianma", "/admin/products/lueyang-tianma/stock", url.Values{"delta": {"-100"}, "reason": {"出库"}})
	wantAdminStatus(t, res, http.StatusConflict)
	mustContain(t, res.Body, "库存不足", `value="-100"`, `value="出库"`)
	res = b.submit("/admin/products/lueyang-tianma", "/admin/products/lueyang-tianma/stock", url.Values{"delta": {"-3"}})
	wantAdminStatus(t, res, http.StatusBadRequest)
	mustContain(t, res.Body, "原因")
	if p, _ = env.cat.Products.Find(ctx, "lueyang-tianma"); p.Stock != 30 {
		t.Fatalf("stock = %d, want 30", p.Stock)
	}

	// Photos: a PNG is taken whatever its name; a text file named .png is not.
	res = b.upload("lueyang-tianma", "photo.txt", adminPNG(t), "天麻切片")
	wantAdminStatus(t, res, http.StatusSeeOther)
	res = b.upload("lueyang-tianma", "fake.png", []byte("this is not an image at all, only words"), "")
	wantAdminStatus(t, res, http.StatusBadRequest)
	res = b.upload("lueyang-tianma", "huge.png", bytes.Repeat([]byte{0}, catalog.MaxPhotoBytes+1), "")
	wantAdminStatus(t, res, http.StatusBadRequest)
	mustContain(t, res.Body, "图片过大")
	d, err := env.cat.Products.Find(ctx, "lueyang-tianma")
	if err != nil || len(d.Photos) != 1 || d.Photos[0].ContentType != "image/png" || d.Photos[0].Alt != "天麻切片" {
		t.Fatalf("photos = %+v (%v)", d.Photos, err)
	}
	mustContain(t, b.get("/admin/products/lueyang-tianma").Body, `alt="天麻切片"`)

	// Listing buttons.
	res = b.submit("/admin/products", "/admin/products/lueyang-tianma/listing", url.Values{"listed": {"1"}, "back": {"list"}})
	wantAdminStatus(t, res, http.StatusSeeOther)
	if p, _ = env.cat.Products.Find(ctx, "lueyang-tianma"); !p.Listed {
		t.Fatal("not listed")
	}
	list := b.get("/admin/products?done=listed")
	wantAdminStatus(t, list, http.StatusOK)
	mustContain(t, list.Body, "产品已上架", "略阳天麻", "1234.50", "30 盒", "已上架")
	res = b.submit("/admin/products/lueyang-tianma", "/admin/products/lueyang-tianma/listing", url.Values{"listed": {"0"}})
	wantAdminStatus(t, res, http.StatusSeeOther)
	if p, _ = env.cat.Products.Find(ctx, "lueyang-tianma"); p.Listed {
		t.Fatal("still listed")
	}

	// The audit log shows each change, who made it, and the before and after.
	audit := b.get("/admin/audit?entity=product")
	wantAdminStatus(t, audit, http.StatusOK)
	mustContain(t, audit.Body, "新建产品", "修改产品", "调整库存", "下架产品", "上架产品", "李明",
		"单价（分）", "<td class=\"diff-before\">29</td>", "<td class=\"diff-after\">123450</td>", "新到货")
	// Times are those of the database clock, shown in Beijing time.
	entries, err := db.Audit(ctx, env.cat.Pool(), db.AuditQuery{Entity: "product", Limit: 1})
	if err != nil || len(entries) != 1 {
		t.Fatalf("audit entries: %v", err)
	}
	mustContain(t, audit.Body, entries[0].At.In(zhenxing.Beijing).Format("2006-01-02 15:04:05"))
	if i, j := strings.Index(audit.Body, "下架产品"), strings.Index(audit.Body, "新建产品"); i < 0 || j < 0 || i > j {
		t.Error("the audit log is not newest first")
	}
	wantAdminStatus(t, b.get("/admin/audit?entity=nothing"), http.StatusBadRequest)
	badPage := b.get("/admin/audit?page=0")
	wantAdminStatus(t, badPage, http.StatusBadRequest)
	mustContain(t, badPage.Body, "页码“0”无效，应为正整数。")
	wantAdminStatus(t, b.get("/admin/products/no-such-product"), http.StatusNotFound)
}

var adminVersionField = regexp.MustCompile(`name="version" value="([0-9]+)"`)

// formVersion returns the row version the form at target was loaded with.
func (b *adminClient) formVersion(target string) string {
	b.t.Helper()
	return b.hiddenField(target, adminVersionField)
}

// TestAdminConcurrentSaves: two staff members open the same form; the first save wins, the second
// is refused with a Chinese conflict message and a link to reload the form, and overwrites
// nothing. After reloading, the second can save.
func TestAdminConcurrentSaves(t *testing.T) {
	env := newAdminEnv(t)
	ctx := context.Background()
	env.mustAccount(t, account.NewUser{Username: "wangfang", Name: "王芳", Password: adminStaffPassword,
		Kind: account.KindStaff, Roles: []account.Role{account.RoleHall}})
	sup := mustAdminSupplier(t, env)
	p := mustAdminProduct(t, env, sup, 10)
	liming, wangfang := env.adminClient(t), env.adminClient(t)
	liming.mustLogin()
	if res := wangfang.login("wangfang", adminStaffPassword); res.Status != http.StatusSeeOther {
		t.Fatalf("second login: %d", res.Status)
	}

	t.Run("product", func(t *testing.T) {
		target := "/admin/products/" + p.Slug
		form := func(price, version string) url.Values {
			return url.Values{"name": {p.Name}, "category": {p.Category}, "county": {p.County}, "supplier": {sup.Slug},
				"spec": {p.Spec}, "unit": {p.Unit}, "price": {price}, "min_qty": {"1"}, "multiple": {"1"}, "version": {version}}
		}
		first, second := liming.formVersion(target), wangfang.formVersion(target)
		wantAdminStatus(t, liming.submit(target, target, form("130", first)), http.StatusSeeOther)
		res := wangfang.submit(target, target, form("99.5", second))
		wantAdminStatus(t, res, http.StatusConflict)
		mustContain(t, res.Body, "已被他人修改", "本次修改没有保存", `<a href="`+target+`">重新打开表单</a>`, `value="99.5"`)
		if now, _ := env.cat.Products.Find(ctx, p.Slug); now.Price != 13000 {
			t.Fatalf("the refused save wrote the price %d", now.Price)
		}
		// Saving the same old form again is still refused; reloading shows the first save.
		wantAdminStatus(t, wangfang.submit(target, target, form("99.5", second)), http.StatusConflict)
		reloaded := wangfang.get(target)
		mustContain(t, reloaded.Body, `value="130.00"`)
		wantAdminStatus(t, wangfang.submit(target, target, form("99.5", wangfang.formVersion(target))), http.StatusSeeOther)
		if now, _ := env.cat.Products.Find(ctx, p.Slug); now.Price != 9950 || now.Stock != 10 {
			t.Fatalf("after the reloaded save: price %d stock %d", now.Price, now.Stock)
		}
		audit := liming.get("/admin/audit?entity=product")
		mustContain(t, audit.Body, "李明", "王芳")
	})

	t.Run("supplier", func(t *testing.T) {
		target := "/admin/suppliers/" + sup.Slug
		form := func(households, version string) url.Values {
			return url.Values{"name": {sup.Name}, "kind": {sup.Kind}, "county": {sup.County}, "township": {sup.Township},
				"credit_code": {sup.CreditCode}, "households": {households}, "version": {version}}
		}
		first, second := liming.formVersion(target), wangfang.formVersion(target)
		wantAdminStatus(t, liming.submit(target, target, form("40", first)), http.StatusSeeOther)
		res := wangfang.submit(target, target, form("75", second))
		wantAdminStatus(t, res, http.StatusConflict)
		mustContain(t, res.Body, "已被他人修改", `<a href="`+target+`">重新打开表单</a>`, `value="75"`)
		if now, _ := env.cat.Suppliers.Find(ctx, sup.Slug); now.Households != 40 {
			t.Fatalf("the refused save wrote %d households", now.Households)
		}
		mustContain(t, wangfang.get(target).Body, `value="40"`)
		wantAdminStatus(t, wangfang.submit(target, target, form("75", wangfang.formVersion(target))), http.StatusSeeOther)
		if now, _ := env.cat.Suppliers.Find(ctx, sup.Slug); now.Households != 75 {
			t.Fatalf("after the reloaded save: %d households", now.Households)
		}
	})

	// A form without its version (or with a made-up one) never overwrites either.
	res := liming.submit("/admin/suppliers/"+sup.Slug, "/admin/suppliers/"+sup.Slug, url.Values{"name": {sup.Name},
		"kind": {sup.Kind}, "county": {sup.County}, "credit_code": {sup.CreditCode}, "households": {"1"}})
	wantAdminStatus(t, res, http.StatusConflict)
	mustContain(t, res.Body, "已被他人修改")
}

// TestAdminCreateTakenSlug: creating a supplier whose slug exists is a conflict on the slug.
func TestAdminCreateTakenSlug(t *testing.T) {
	env := newAdminEnv(t)
	sup := mustAdminSupplier(t, env)
	b := env.adminClient(t)
	b.mustLogin()
	res := b.submit("/admin/suppliers/new", "/admin/suppliers", url.Values{"slug": {sup.Slug}, "name": {"另一家合作社"},
		"kind": {"合作社"}, "county": {catalog.CountyLocal}, "credit_code": {adminCreditCode(t, "93610111MA6TQQQQ0")}, "households": {"3"}})
	wantAdminStatus(t, res, http.StatusConflict)
	mustContain(t, res.Body, "已被其他供应商使用", `id="slug-error"`, `value="另一家合作社"`)
	if now, _ := env.cat.Suppliers.Find(context.Background(), sup.Slug); now.Name != sup.Name {
		t.Errorf("the refused create renamed the supplier to %s", now.Name)
	}
}

func TestAdminAuditPagination(t *testing.T) {
	env := newAdminEnv(t)
	sup := mustAdminSupplier(t, env)
	p := mustAdminProduct(t, env, sup, 0)
	for i := range perPage + 5 {
		if _, err := env.cat.Stock.Adjust(context.Background(), env.staff.Actor(), p.Slug, 1, "盘点 "+strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
	}
	newest := "盘点 " + strconv.Itoa(perPage+4)
	b := env.adminClient(t)
	b.mustLogin()
	first := b.get("/admin/audit")
	wantAdminStatus(t, first, http.StatusOK)
	mustContain(t, first.Body, newest, `href="/admin/audit?page=2"`)
	second := b.get("/admin/audit?page=2")
	mustContain(t, second.Body, "盘点 0", "新建产品", `href="/admin/audit" rel="prev"`)
	if strings.Contains(second.Body, newest) {
		t.Error("page 2 repeats page 1")
	}
}

// TestAdminProductsPagination: the product list pages by the site's one page size, with the
// site's pager, whose links leave out the notice of the last change.
func TestAdminProductsPagination(t *testing.T) {
	env := newAdminEnv(t)
	sup := mustAdminSupplier(t, env)
	for i := range perPage + 1 {
		p := &catalog.Product{Slug: "cherry-" + strconv.Itoa(i), Name: "樱桃" + strconv.Itoa(i), Category: "樱桃",
			County: catalog.CountyLocal, Spec: "1千克/箱", Unit: "箱", Price: 5000, MinQty: 1, Multiple: 1}
		if err := env.cat.Products.Create(context.Background(), db.CommandLine, p, sup.Slug); err != nil {
			t.Fatalf("create product: %v", err)
		}
	}
	b := env.adminClient(t)
	b.mustLogin()
	first := b.get("/admin/products?done=listed")
	wantAdminStatus(t, first, http.StatusOK)
	mustContain(t, first.Body, "产品已上架", "共 "+strconv.Itoa(perPage+1)+" 种产品", `href="/admin/products?page=2" rel="next"`)
	if n := strings.Count(first.Body, `<th scope="row">`); n != perPage {
		t.Errorf("page 1 shows %d products, want %d", n, perPage)
	}
	second := b.get("/admin/products?page=2")
	wantAdminStatus(t, second, http.StatusOK)
	mustContain(t, second.Body, "樱桃0", `href="/admin/products" rel="prev"`, `<span aria-current="page">2</span>`)
	if n := strings.Count(second.Body, `<th scope="row">`); n != 1 {
		t.Errorf("page 2 shows %d products, want 1", n)
	}
	badPage := b.get("/admin/products?page=x")
	wantAdminStatus(t, badPage, http.StatusBadRequest)
	mustContain(t, badPage.Body, "页码“x”无效，应为正整数。")
}

func TestClientIP(t *testing.T) {
	s := mustServer(t, func(c *Config, d *Deps) {
		c.TrustedProxies = []string{"0.0.0.0", "10.0.0.0/8"} // app.Test's connection comes from 0.0.0.0
	})
	s.App.Get("/test/client-ip", func(c *fiber.Ctx) error { return c.SendString(s.clientIP(c)) })
	tests := []struct{ xff, want string }{
		{"", "0.0.0.0"},
		{"203.0.113.9", "203.0.113.9"},
		{"6.6.6.6, 203.0.113.9", "203.0.113.9"},           // the client's own prefix is ignored
		{"203.0.113.9, 10.1.2.3", "203.0.113.9"},          // a trusted hop is skipped
		{"1.1.1.1, 203.0.113.9, 10.1.2.3", "203.0.113.9"}, // both
		{"garbage", "0.0.0.0"},
		{"::ffff:203.0.113.9", "203.0.113.9"},
	}
	for _, tt := range tests {
		t.Run(tt.xff, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/test/client-ip", nil)
			if tt.xff != "" {
				req.Header.Set("X-Forwarded-For", tt.xff)
			}
			if res := do(t, s, req); res.Body != tt.want {
				t.Errorf("clientIP = %q, want %q", res.Body, tt.want)
			}
		})
	}
}
