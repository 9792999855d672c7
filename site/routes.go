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

	api := app.Group("/api/v1")
	api.Get("/documents", s.apiDocuments)
	api.Get("/documents/:slug", s.apiDocument)
}
