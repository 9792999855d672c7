package site

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"zhenxing"
	"zhenxing/internal/account"
	"zhenxing/internal/db"
)

// The back office (后台): login, logout, the home page and the audit log. Suppliers and products
// have their own files (admin_suppliers.go, admin_products.go).

// adminBase is what every back-office page shows: the sub-nav, who is logged in and the CSRF
// token of its forms.
type adminBase struct {
	Section string // home, suppliers, products, audit
	User    *account.User
	CSRF    string
}

func adminBaseOf(c *fiber.Ctx, section string) adminBase {
	return adminBase{Section: section, User: userOf(c), CSRF: csrfOf(c)}
}

// adminLayout is the layout of the back-office page titled title: in the 后台 column, never
// indexed, with crumbs from 后台 down to crumbs; with no crumbs the page is 后台 itself.
func adminLayout(title string, crumbs ...crumb) Layout {
	all := []crumb{{Name: "后台"}}
	if len(crumbs) > 0 {
		all = append([]crumb{{Name: "后台", URL: "/admin/"}}, crumbs...)
	}
	return Layout{Title: title, Column: "后台", Section: sectionAdmin, NoIndex: true, Crumbs: all}
}

// adminFormLayout is the layout of the form page of one record of a back-office list (noun: 产品,
// 供应商): titled 新建<noun> when record (its name) is "", else 编辑<noun>：<record>, with crumbs
// back to the list at listURL.
func adminFormLayout(noun, listURL, record string) Layout {
	title := "新建" + noun
	last := title
	if record != "" {
		title, last = "编辑"+noun+"\uff1a"+record, record
	}
	return adminLayout(title, crumb{Name: noun, URL: listURL}, crumb{Name: last})
}

// loginView is the login page.
type loginView struct {
	Layout
	CSRF     string
	Next     string
	Username string
	Error    string
	Notice   string
}

// adminLoginForm shows the login form. It starts an anonymous session to carry the form's CSRF
// token; a logged-in staff member goes straight to the back office.
func (s *Server) adminLoginForm(c *fiber.Ctx) error {
	if userOf(c).IsStaff() {
		return c.Redirect("/admin/", fiber.StatusSeeOther)
	}
	if sessionOf(c) == nil {
		ctx, cancel := dbContext(c)
		defer cancel()
		sess, err := s.deps.Accounts.CreateSession(ctx, 0, s.cfg.Now(), s.sessionIdle())
		if err != nil {
			return err
		}
		s.setSessionCookie(c, sess)
		c.Locals(localsSession, sess)
	}
	v := loginView{CSRF: csrfOf(c), Next: c.Query("next")}
	if c.Query("out") == "1" {
		v.Notice = "您已安全退出。"
	}
	return s.renderLogin(c, fiber.StatusOK, v)
}

func (s *Server) renderLogin(c *fiber.Ctx, status int, v loginView) error {
	v.Layout = adminLayout("后台登录")
	v.Crumbs = nil // the login page shows no breadcrumbs
	return s.renderPage(c, status, "admin_login", &v)
}

// adminLogin checks the credentials. Wrong ones give the form again with 401, a locked account
// or address 429 with the time to retry, an account that is not staff 403. Success replaces the
// pre-login session by a new one and goes to the password page for an account that must change
// its password, else to next (a back-office path) or the back-office home.
func (s *Server) adminLogin(c *fiber.Ctx) error {
	v := loginView{CSRF: csrfOf(c), Next: formField(c, "next"), Username: strings.TrimSpace(formField(c, "username"))}
	password := formField(c, "password")
	if v.Username == "" || password == "" {
		v.Error = "请输入用户名和密码。"
		return s.renderLogin(c, fiber.StatusBadRequest, v)
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	now := s.cfg.Now()
	u, err := s.deps.Accounts.Authenticate(ctx, v.Username, password, s.clientIP(c), now)
	if err != nil {
		status, message, shown := s.refusal(c, err, now)
		if !shown {
			return err
		}
		v.Error = message
		return s.renderLogin(c, status, v)
	}
	if !u.IsStaff() {
		v.Error = "该账号不是工作人员账号，不能登录后台。"
		return s.renderLogin(c, fiber.StatusForbidden, v)
	}
	sess, err := s.deps.Accounts.RotateSession(ctx, c.Cookies(sessionCookie), u.ID, now, s.sessionMaxAge())
	if err != nil {
		return err
	}
	s.setSessionCookie(c, sess)
	s.log.Info("staff login", "request_id", requestID(c), "user", u.Username, "ip", s.clientIP(c))
	next := "/admin/"
	if u.MustChangePassword {
		next = "/admin/password"
	} else if v.Next != "" && strings.HasPrefix(v.Next, "/admin") && localPath(v.Next) == v.Next {
		next = v.Next
	}
	return c.Redirect(next, fiber.StatusSeeOther)
}

// adminLogout ends the session on the server and clears the cookie.
func (s *Server) adminLogout(c *fiber.Ctx) error { return s.logOut(c, "/admin/login") }

// adminHomeView is the back office's first page.
type adminHomeView struct {
	Layout
	Admin   adminBase
	Entries []auditRow // the latest changes
}

// adminHome is the back office's first page: where to go and the latest changes.
func (s *Server) adminHome(c *fiber.Ctx) error {
	ctx, cancel := dbContext(c)
	defer cancel()
	entries, err := db.Audit(ctx, s.deps.DB, db.AuditQuery{Limit: 5})
	if err != nil {
		return err
	}
	return s.renderPage(c, fiber.StatusOK, "admin_home", &adminHomeView{
		Layout:  adminLayout("后台首页"),
		Admin:   adminBaseOf(c, "home"),
		Entries: auditRows(entries),
	})
}

// auditEntity is an entity the audit page filters by: its value in the query, its Chinese name.
type auditEntity struct{ Value, Label string }

// auditEntities are the entities the audit page filters by.
var auditEntities = []auditEntity{
	{"product", "产品"},
	{"supplier", "供应商"},
	{"organization", "采购单位"},
}

// auditActions names the recorded actions in Chinese; others are shown as recorded.
var auditActions = map[string]string{
	"product.create":       "新建产品",
	"product.update":       "修改产品",
	"product.list":         "上架产品",
	"product.unlist":       "下架产品",
	"product.listing":      "上架/下架",
	"product.stock":        "调整库存",
	"product.photo.add":    "上传图片",
	"product.photo.delete": "删除图片",
	"product.photo.cover":  "设为封面",
	"supplier.create":      "新建供应商",
	"supplier.update":      "修改供应商",

	"organization.register":           "注册采购单位",
	"organization.approve":            "审核通过",
	"organization.reject":             "审核不通过",
	"organization.invoice":            "修改开票信息",
	"organization.approval_threshold": "修改审批金额",
	"organization.plan":               "填报年度采购计划",
	"address.add":                     "新增收货地址",
	"address.default":                 "设为默认地址",
	"address.delete":                  "删除收货地址",
	"member.invite":                   "邀请成员",
	"member.join":                     "成员加入",
	"member.enable":                   "启用成员",
	"member.disable":                  "停用成员",
}

// fieldLabels names the fields of products and suppliers in Chinese for the audit diff.
var fieldLabels = map[string]string{
	"slug": "标识", "name": "名称", "category": "品类", "county": "县区", "township": "镇街",
	"supplier": "供应商", "supplier_id": "供应商编号", "spec": "规格", "unit": "单位", "price": "单价（分）",
	"tiers": "批量价", "min_qty": "起订量", "multiple": "订购倍数", "stock": "库存",
	"season_start": "上市起始月", "season_end": "上市结束月", "flags": "认证标志", "description": "介绍",
	"listed": "上架", "kind": "类型", "credit_code": "统一社会信用代码", "cert_number": "扶贫产品认定编号",
	"cert_date": "认定日期", "cert_expiry": "认定有效期至", "households": "带动农户数", "linkage": "联农带农方式",
	"contact_name": "联系人", "contact_phone": "联系电话", "photos": "图片", "hash": "图片摘要",
	"content_type": "图片类型", "alt": "替代文字", "position": "顺序", "delta": "变动", "reason": "原因",
	"created_at": "创建时间", "updated_at": "更新时间",
}

// auditChange is one field that differs between before and after.
type auditChange struct {
	Field, Before, After string
}

// auditRow is an audit entry ready to show.
type auditRow struct {
	db.AuditEntry
	ActionLabel string
	Changes     []auditChange
}

func auditRows(entries []db.AuditEntry) []auditRow {
	rows := make([]auditRow, len(entries))
	for i, e := range entries {
		label := auditActions[e.Action]
		if label == "" {
			label = e.Action
		}
		rows[i] = auditRow{AuditEntry: e, ActionLabel: label, Changes: auditDiff(e.Before, e.After)}
	}
	return rows
}

// auditDiff lists the fields whose values differ between two JSON objects, by label, leaving
// out timestamps that change with every write. Values that are not objects are compared whole.
func auditDiff(before, after json.RawMessage) []auditChange {
	var b, a map[string]any
	bOK := len(before) == 0 || json.Unmarshal(before, &b) == nil
	aOK := len(after) == 0 || json.Unmarshal(after, &a) == nil
	if !bOK || !aOK {
		return []auditChange{{Field: "内容", Before: string(before), After: string(after)}}
	}
	keys := map[string]bool{}
	for k := range b {
		keys[k] = true
	}
	for k := range a {
		keys[k] = true
	}
	var names []string
	for k := range keys {
		if k == "updated_at" || k == "created_at" || k == "id" {
			continue
		}
		names = append(names, k)
	}
	slices.Sort(names)
	var out []auditChange
	for _, k := range names {
		bv, inB := b[k]
		av, inA := a[k]
		if inB && inA && reflect.DeepEqual(bv, av) {
			continue
		}
		label := fieldLabels[k]
		if label == "" {
			label = k
		}
		out = append(out, auditChange{Field: label, Before: auditValue(bv, inB && b != nil), After: auditValue(av, inA && a != nil)})
	}
	return out
}

// auditValue shows one JSON value: strings bare, booleans as 是/否, others as compact JSON.
func auditValue(v any, present bool) string {
	if !present {
		return "—"
	}
	switch x := v.(type) {
	case nil:
		return "（空）"
	case string:
		if x == "" {
			return "（空）"
		}
		return x
	case bool:
		if x {
			return "是"
		}
		return "否"
	}
	j, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(j)
}

// auditView is the audit log page.
type auditView struct {
	Layout
	Admin    adminBase
	Entries  []auditRow // this page's
	Entity   string     // the entity filtered by, "" for all
	Entities []auditEntity
	Pager    pager
}

// adminAudit shows the audit log, newest first, filtered by entity, one page at a time.
func (s *Server) adminAudit(c *fiber.Ctx) error {
	entity := c.Query("entity")
	known := entity == ""
	for _, e := range auditEntities {
		known = known || e.Value == entity
	}
	if !known {
		return zhenxing.Errorf(zhenxing.EInvalid, "未知的记录类别。")
	}
	pg, err := pageParam(c)
	if err != nil {
		return err
	}
	ctx, cancel := dbContext(c)
	defer cancel()
	// The log is not counted: one more than a page tells whether there is a next one.
	entries, err := db.Audit(ctx, s.deps.DB, db.AuditQuery{Entity: entity, Limit: pg.Limit() + 1, Offset: pg.Offset()})
	if err != nil {
		return err
	}
	pager := pg.Pager(requestLink(c), pg.Offset()+len(entries))
	entries = entries[:min(len(entries), pg.Limit())]
	return s.renderPage(c, fiber.StatusOK, "admin_audit", &auditView{
		Layout:   adminLayout("审计日志", crumb{Name: "审计日志"}),
		Admin:    adminBaseOf(c, "audit"),
		Entries:  auditRows(entries),
		Entity:   entity,
		Entities: auditEntities,
		Pager:    pager,
	})
}

// When is the time of the change to the second, in Asia/Shanghai.
func (r auditRow) When() string {
	return r.At.In(zhenxing.Beijing).Format("2006-01-02 15:04:05")
}
