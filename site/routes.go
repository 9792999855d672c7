package site

import (
	"github.com/gofiber/fiber/v2"

	"zhenxing/internal/account"
)

// routes is the whole URL map of the site. Every GET route answers HEAD as well.
func (s *Server) routes() {
	app := s.App

	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Get("/metrics", s.metrics.handler())
	app.Get("/static/*", s.serveStatic)
	app.Get("/files/*", s.attachment)
	app.Get("/robots.txt", s.robots)
	app.Get("/sitemap.xml", s.sitemap)
	app.Get("/sitemap", s.siteMapPage)
	app.Get("/accessibility", s.accessibilityPage)
	app.Get("/prefs", s.setPrefs)

	app.Get("/", s.home)

	// 站内搜索 (site search): the page behind the header's search box, and its API; the
	// parameters are in search.go
	app.Get("/search", s.searchPage)
	app.Get("/api/v1/search", s.apiSearch)

	// The citizens' channels (interact). Their forms are open to all: an anonymous session carries
	// the CSRF token, and each form is guarded (publicform.go). Registered before /open/:kind/ so
	// that /open/apply is never read as a kind.
	// Prepend citizen to a route's handlers (never a Group: a group's middleware runs for every
	// later route under its prefix).
	citizen := []fiber.Handler{s.loadSession, s.checkCSRF}
	// 依申请公开 (disclosure on request): requests.go
	app.Get("/open/apply", append(citizen, s.applyPage)...)
	app.Post("/open/apply", append(citizen, s.applySubmit)...)
	app.Get("/open/apply/status", append(citizen, s.applyStatusPage)...)
	app.Post("/open/apply/status", append(citizen, s.applyStatus)...)
	app.Post("/open/apply/status/files/:id", append(citizen, s.applyFile)...)
	// 领导信箱 (the director's mailbox) and published replies: messages.go
	app.Get("/interact", s.interactIndex)
	app.Get("/interact/", s.interactIndex)
	app.Get("/interact/write", append(citizen, s.writePage)...)
	app.Post("/interact/write", append(citizen, s.writeSubmit)...)
	app.Get("/interact/status", append(citizen, s.messageStatusPage)...)
	app.Post("/interact/status", append(citizen, s.messageStatus)...)
	// 意见征集 (consultations): consultations.go
	app.Get("/interact/consultations", s.consultations)
	app.Post("/interact/consultations/:slug", append(citizen, s.consultationComment)...)
	// 找错 (reports of errors on the site): feedback.go
	app.Get("/feedback", append(citizen, s.feedbackPage)...)
	app.Post("/feedback", append(citizen, s.feedbackSubmit)...)

	// Open government (政务公开)
	app.Get("/open/", s.openIndex)
	app.Get("/open/feed.atom", s.documentFeed)
	// 衔接资金项目公示: projects.go, before /open/:kind/ so that projects is never read as a kind.
	app.Get("/open/projects", s.projects)
	app.Get("/open/projects/", s.projects)
	app.Get("/open/projects.csv", s.projectsCSV)
	app.Get("/open/projects/:slug", s.projectPage)
	// 政府网站工作年度报表: website_report.go.
	app.Get("/open/website-report", s.websiteReportIndex)
	app.Get("/open/website-report/", s.websiteReportIndex)
	app.Get("/open/website-report/:year.csv", s.websiteReportCSV)
	app.Get("/open/website-report/:year", s.websiteReportPage)
	app.Get("/open/:kind/feed.atom", s.documentFeed)
	app.Get("/open/:kind/", s.documentList)
	app.Get("/open/:kind/:slug", s.documentPage)

	// 招聘活动 (recruitment events): pages, calendars, feed and API. The .ics route comes before
	// the event page so that "slug.ics" is never read as a slug.
	app.Get("/jobs", s.jobsIndex)
	app.Get("/jobs/", s.jobsIndex)
	app.Get("/jobs/positions", s.positionsPage)
	app.Get("/jobs/calendar.ics", s.calendarICS)
	app.Get("/jobs/feed.atom", s.jobsFeed)
	app.Get("/jobs/events/:slug.ics", s.eventICS)
	app.Get("/jobs/events/:slug", s.eventPage)
	app.Get("/api/v1/events", s.apiEvents)
	app.Get("/api/v1/events/:slug", s.apiEvent)
	app.Get("/api/v1/positions", s.apiPositions)

	// 后台 (back office). Every /admin URL loads the session; the login page is open to all
	// (its POST checks the CSRF token of the anonymous pre-login session). Every route after the
	// staff group needs a staff account (requireRole: no session redirects to the login page, 401
	// for JSON; a buyer gets 403) and the session's CSRF token on every POST; a route that names a
	// role needs it too (403 without). An account that must change its password can use only the
	// password page and logout: requirePasswordChanged sends it there from every later route.
	// Routes are matched in the order they are registered, so a group's middleware never runs for
	// a route registered before it.
	admin := app.Group("/admin", s.loadSession)
	admin.Get("/login", s.adminLoginForm)
	admin.Post("/login", s.checkCSRF, s.adminLogin)
	staff := admin.Group("", s.requireRole(), s.checkCSRF)
	staff.Post("/logout", s.adminLogout)
	staff.Get("/password", s.adminPasswordForm)
	staff.Post("/password", s.adminPasswordChange)
	staff.Use(s.requirePasswordChanged)
	staff.Get("/", s.adminHome)
	hall := s.requireRole(account.RoleHall)
	staff.Get("/audit", hall, s.adminAudit)
	staff.Get("/suppliers", hall, s.adminSuppliers)
	staff.Get("/suppliers/new", hall, s.adminSupplierNew)
	staff.Post("/suppliers", hall, s.adminSupplierSave)
	staff.Get("/suppliers/:slug", hall, s.adminSupplierEdit)
	staff.Post("/suppliers/:slug", hall, s.adminSupplierSave)
	staff.Get("/products", hall, s.adminProducts)
	staff.Get("/products/new", hall, s.adminProductNew)
	staff.Post("/products", hall, s.adminProductCreate)
	staff.Get("/products/:slug", hall, s.adminProductEdit)
	staff.Post("/products/:slug", hall, s.adminProductUpdate)
	staff.Post("/products/:slug/listing", hall, s.adminProductListing)
	staff.Post("/products/:slug/stock", hall, s.adminProductStock)
	staff.Post("/products/:slug/photos", hall, s.adminProductPhoto)
	staff.Get("/buyers", hall, s.adminBuyers)
	staff.Get("/buyers/:id", hall, s.adminBuyer)
	staff.Post("/buyers/:id/approve", hall, s.adminBuyerReview(true))
	staff.Post("/buyers/:id/reject", hall, s.adminBuyerReview(false))
	staff.Get("/orders", hall, s.adminOrders)
	staff.Get("/orders.csv", hall, s.adminOrdersCSV)
	staff.Get("/orders/:number", hall, s.adminOrder)
	staff.Get("/orders/:number/invoice.pdf", hall, s.adminOrderInvoicePDF)
	staff.Get("/orders/:number/problems/:id/photo", hall, s.adminProblemPhoto)
	staff.Post("/orders/:number/ship", hall, s.adminOrderShip)
	staff.Post("/orders/:number/refund", hall, s.adminOrderRefund)
	staff.Post("/orders/:number/cancel", hall, s.adminOrderCancel)
	staff.Get("/payments", hall, s.adminPayments)
	staff.Get("/payments.csv", hall, s.adminPaymentsCSV)
	staff.Post("/payments", hall, s.adminPaymentRecord)
	staff.Get("/invoices", hall, s.adminInvoices)
	staff.Post("/invoices/:number", hall, s.adminInvoiceRecord)
	// The citizens' channels: requests (open-government role), messages (messages role),
	// consultations (open-government role), error reports (open-government role).
	open, messages := s.requireRole(account.RoleOpen), s.requireRole(account.RoleMessages)
	staff.Get("/requests", open, s.adminRequests)
	staff.Get("/requests/table", open, s.adminRequestTable)
	staff.Get("/requests/table.csv", open, s.adminRequestTableCSV)
	staff.Get("/requests/:number", open, s.adminRequest)
	staff.Get("/requests/:number/files/:id", open, s.adminRequestFile)
	staff.Post("/requests/:number/:step", open, s.adminRequestStep)
	staff.Get("/consultations", open, s.adminConsultations)
	staff.Get("/consultations/:slug", open, s.adminConsultation)
	staff.Post("/consultations/:slug/comments/:id", open, s.adminConsultationDecide)
	staff.Post("/consultations/:slug/summary", open, s.adminConsultationPublish)
	staff.Get("/feedback", open, s.adminFeedback)
	staff.Post("/feedback/:id", open, s.adminFeedbackHandle)
	staff.Get("/messages", messages, s.adminMessages)
	staff.Get("/messages/:number", messages, s.adminMessage)
	staff.Post("/messages/:number/answer", messages, s.adminMessageAnswer)

	// 采购单位 (buyer organisations). Every /account URL loads the session and checks the CSRF
	// token of every POST; registration, login and invitations are open to all (their forms carry
	// the token of an anonymous session), every route after the buyer group needs a buyer of an
	// organisation (requireBuyer: no session redirects to /account/login, staff gets 403).
	acct := app.Group("/account", s.loadSession, s.checkCSRF)
	acct.Get("/register", s.accountRegisterForm)
	acct.Post("/register", s.accountRegister)
	acct.Get("/login", s.accountLoginForm)
	acct.Post("/login", s.accountLogin)
	acct.Post("/logout", s.accountLogout)
	acct.Get("/invite/:token", s.accountInviteForm)
	acct.Post("/invite/:token", s.accountInviteAccept)
	buyer := acct.Group("", s.requireBuyer)
	buyer.Get("/", s.accountHome)
	buyer.Post("/invitations", s.accountInvite)
	buyer.Post("/addresses", s.accountAddAddress)
	buyer.Post("/addresses/:id/default", s.accountDefaultAddress)
	buyer.Post("/addresses/:id/delete", s.accountDeleteAddress)
	buyer.Post("/invoice", s.accountInvoice)
	buyer.Post("/approval", s.accountApproval)
	buyer.Post("/plan", s.accountPlan)
	buyer.Post("/users/:id", s.accountMember)
	// The buyer's orders (orders.go) and the administrators' approvals (approvals.go).
	buyer.Get("/orders", s.accountOrders)
	buyer.Get("/orders/:number", s.accountOrder)
	buyer.Get("/orders/:number/print", s.accountOrderPrint)
	buyer.Get("/orders/:number/invoice.pdf", s.accountOrderInvoicePDF)
	buyer.Get("/orders/:number/problems/:id/photo", s.accountProblemPhoto)
	buyer.Post("/orders/:number/receipt", s.accountOrderReceipt)
	buyer.Post("/orders/:number/problem", s.accountOrderProblem)
	buyer.Post("/orders/:number/invoice", s.accountOrderInvoice)
	buyer.Post("/orders/:number/reorder", s.accountOrderReorder)
	buyer.Post("/orders/:number/cancel", s.accountOrderCancel)
	buyer.Get("/approvals", s.accountApprovals)
	buyer.Post("/approvals/:number/approve", s.accountApprovalDecide(true))
	buyer.Post("/approvals/:number/send-back", s.accountApprovalDecide(false))
	buyer.Post("/checkouts/:reference/stripe", s.stripeCheckout)

	// Stripe's webhook: no session and no CSRF token; the signature over the raw body is the check.
	app.Post("/webhooks/stripe", s.stripeWebhook)

	// 消费帮扶馆 (consumption-assistance hall); the listing's query parameters are in products.go
	app.Get("/hall/", s.hallIndex)
	app.Get("/hall/products", s.productList)
	// The product page loads the session (when there is a cookie) for the buyer's order form.
	app.Get("/hall/products/:slug", s.loadSession, s.productPage)
	app.Get("/hall/suppliers/:slug", s.supplierPage)
	app.Get("/hall/photos/:hash.:ext", s.productPhoto)
	app.Get("/hall/stats", s.hallStats)
	app.Get("/api/v1/products", s.apiProducts)
	app.Get("/api/v1/products/:slug", s.apiProduct)
	app.Get("/api/v1/suppliers", s.apiSuppliers)
	app.Get("/api/v1/stats", s.apiStats)
	// The buyer's cart (cart.go) and checkout (checkout.go): a buyer session, the CSRF token on
	// every POST.
	buying := []fiber.Handler{s.loadSession, s.checkCSRF, s.requireBuyer}
	app.Get("/hall/cart", append(buying, s.cartPage)...)
	app.Post("/hall/cart", append(buying, s.cartAdd)...)
	app.Post("/hall/cart/:slug", append(buying, s.cartUpdate)...)
	app.Post("/hall/cart/:slug/remove", append(buying, s.cartRemove)...)
	app.Get("/hall/checkout", append(buying, s.checkoutPage)...)
	app.Post("/hall/checkout", append(buying, s.checkoutPlace)...)
	app.Get("/hall/checkout/:reference", append(buying, s.checkoutDone)...)

	api := app.Group("/api/v1")
	api.Get("/documents", s.apiDocuments)
	api.Get("/documents/:slug", s.apiDocument)
	api.Get("/projects", s.apiProjects)
}
