package site

import (
	"github.com/gofiber/fiber/v2"

	"zhenxing/content"
)

// /sitemap, the HTML site map every page's footer links to as 网站地图 (the XML one for search
// engines is /sitemap.xml), and /accessibility, the accessibility statement (无障碍声明).

// mapLink is one entry of the site map.
type mapLink struct {
	Name, URL string
}

// mapSection is one section of the site map with its columns and pages.
type mapSection struct {
	Name, URL string
	Groups    []mapGroup
}

// mapGroup is a named list of links within a section ("" for none).
type mapGroup struct {
	Name  string
	Links []mapLink
}

func kindLinks(keep func(content.Kind) bool) []mapLink {
	var out []mapLink
	for _, k := range content.Kinds {
		if keep(k) {
			out = append(out, mapLink{k.Name(), "/open/" + string(k) + "/"})
		}
	}
	return out
}

// siteMap is every column and section of the site, in the order of the main navigation.
func siteMap() []mapSection {
	mandatory := content.Kind.Mandatory
	return []mapSection{
		{Name: "首页", URL: "/"},
		{Name: openColumn, URL: "/open/", Groups: []mapGroup{
			{"", kindLinks(func(k content.Kind) bool { return k == content.KindGuide || k == content.KindRules })},
			{"法定主动公开内容", append(kindLinks(mandatory), mapLink{projectsColumn, "/open/projects"})},
			{"", append(kindLinks(func(k content.Kind) bool { return k == content.KindAnnualReport }),
				mapLink{applyColumn, "/open/apply"}, mapLink{"申请办理进度查询", "/open/apply/status"},
				mapLink{websiteReportColumn, "/open/website-report/"})},
		}},
		{Name: hallColumn, URL: "/hall/", Groups: []mapGroup{{"", []mapLink{
			{"全部产品", "/hall/products"}, {"销售统计", "/hall/stats"}, {"采购单位注册", "/account/register"}, {"采购单位登录", "/account/login"},
		}}}},
		{Name: jobsColumn, URL: "/jobs/", Groups: []mapGroup{{"", []mapLink{
			{"岗位查询", "/jobs/positions"}, {"招聘活动日历订阅", "/jobs/calendar.ics"},
		}}}},
		{Name: interactColumn, URL: "/interact/", Groups: []mapGroup{{"", []mapLink{
			{"领导信箱", "/interact/write"}, {"来信办理结果查询", "/interact/status"}, {"意见征集", "/interact/consultations"},
		}}}},
		{Name: "其他", Groups: []mapGroup{{"", []mapLink{
			{"站内搜索", "/search"}, {a11yColumn, "/accessibility"}, {"政务公开订阅（Atom）", "/open/feed.atom"}, {"招聘活动订阅（Atom）", "/jobs/feed.atom"},
		}}}},
	}
}

type siteMapView struct {
	Layout
	Sections []mapSection
}

func (s *Server) siteMapPage(c *fiber.Ctx) error {
	return s.renderPage(c, fiber.StatusOK, "sitemap", &siteMapView{Sections: siteMap(), Layout: Layout{
		Title: sitemapColumn, Column: sitemapColumn, Description: "本站全部栏目和页面的索引。",
		Crumbs: []crumb{{"首页", "/"}, {Name: sitemapColumn}},
	}})
}

func (s *Server) accessibilityPage(c *fiber.Ctx) error {
	return s.renderPage(c, fiber.StatusOK, "accessibility", &struct{ Layout }{Layout{
		Title: a11yColumn, Column: a11yColumn, Description: "本站支持的无障碍和适老化功能，以及反馈障碍的方式。",
		Crumbs: []crumb{{"首页", "/"}, {Name: a11yColumn}},
	}})
}
