package site

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
	app.Get("/prefs", s.setPrefs)

	app.Get("/", s.home)

	// Open government (政务公开)
	app.Get("/open/", s.openIndex)
	app.Get("/open/feed.atom", s.documentFeed)
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
	// (its POST checks the CSRF token of the anonymous pre-login session). The routes after the
	// staff group are for staff only: no session redirects to the login page (401 for JSON), a
	// buyer gets 403, and every POST needs the session's CSRF token. Login is registered before
	// the staff group so that the group's middleware never runs for it.
	admin := app.Group("/admin", s.loadSession)
	admin.Get("/login", s.adminLoginForm)
	admin.Post("/login", s.checkCSRF, s.adminLogin)
	staff := admin.Group("", s.requireStaff, s.checkCSRF)
	staff.Post("/logout", s.adminLogout)
	staff.Get("/", s.adminHome)
	staff.Get("/audit", s.adminAudit)
	staff.Get("/suppliers", s.adminSuppliers)
	staff.Get("/suppliers/new", s.adminSupplierNew)
	staff.Post("/suppliers", s.adminSupplierSave)
	staff.Get("/suppliers/:slug", s.adminSupplierEdit)
	staff.Post("/suppliers/:slug", s.adminSupplierSave)
	staff.Get("/products", s.adminProducts)
	staff.Get("/products/new", s.adminProductNew)
	staff.Post("/products", s.adminProductCreate)
	staff.Get("/products/:slug", s.adminProductEdit)
	staff.Post("/products/:slug", s.adminProductUpdate)
	staff.Post("/products/:slug/listing", s.adminProductListing)
	staff.Post("/products/:slug/stock", s.adminProductStock)
	staff.Post("/products/:slug/photos", s.adminProductPhoto)

	// 消费帮扶馆 (consumption-assistance hall); the listing's query parameters are in products.go
	app.Get("/hall/", s.hallIndex)
	app.Get("/hall/products", s.productList)
	app.Get("/hall/products/:slug", s.productPage)
	app.Get("/hall/suppliers/:slug", s.supplierPage)
	app.Get("/hall/photos/:hash.:ext", s.productPhoto)
	app.Get("/api/v1/products", s.apiProducts)
	app.Get("/api/v1/products/:slug", s.apiProduct)
	app.Get("/api/v1/suppliers", s.apiSuppliers)

	api := app.Group("/api/v1")
	api.Get("/documents", s.apiDocuments)
	api.Get("/documents/:slug", s.apiDocument)
}
