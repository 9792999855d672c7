package site

import (
	"strings"

	"zhenxing/content"
)

// The column tags of every page (国办发〔2017〕47号, 附件《政府网站网页设计规范》): ColumnName comes
// from the page's Layout.Column; ColumnDescription, ColumnKeywords and ColumnType from this
// table, so that every column says the same on every one of its pages. A test holds that every
// column a page names is here.

// columnMeta is what the tags say of a column. Type is one of the functions the guideline gives
// government sites: 信息公开, 解读回应, 办事服务, 互动交流, or 其他.
type columnMeta struct {
	Description string
	Keywords    []string
	Type        string
}

// KeywordList is the keywords as the tag writes them.
func (m columnMeta) KeywordList() string { return strings.Join(m.Keywords, ",") }

var columnMetas = func() map[string]columnMeta {
	m := map[string]columnMeta{
		"首页":                {"西安市灞桥区乡村振兴局门户网站首页：工作动态、政务公开、消费帮扶和招聘活动。", []string{"乡村振兴", "政务公开", "消费帮扶", "招聘活动"}, "其他"},
		openColumn:          {"依法主动公开本局的政府信息：指南、制度、法定主动公开内容和年度报告。", []string{"政府信息公开", "政务公开", "法定主动公开内容"}, "信息公开"},
		applyColumn:         {"在线提交政府信息公开申请，查询办理进度和答复。", []string{"依申请公开", "政府信息公开申请", "办理进度"}, "办事服务"},
		projectsColumn:      {"衔接推进乡村振兴补助资金项目的资金、进度、联农带农和资产移交情况。", []string{"衔接资金", "项目公示", "联农带农", "资产移交"}, "信息公开"},
		websiteReportColumn: {"按规定格式由本站数据生成的政府网站工作年度报表。", []string{"政府网站", "年度报表", "网站工作"}, "信息公开"},
		hallColumn:          {"脱贫地区和本区合作社的农副产品目录，供基层工会和预算单位采购。", []string{"消费帮扶", "帮扶产品", "基层工会", "采购"}, "办事服务"},
		jobsColumn:          {"面向脱贫劳动力和监测对象家庭成员的招聘会、公益性岗位招聘和岗位信息。", []string{"招聘活动", "就业帮扶", "公益性岗位", "岗位查询"}, "办事服务"},
		interactColumn:      {"领导信箱、意见征集和来信公开答复。", []string{"领导信箱", "意见征集", "互动交流", "公开答复"}, "互动交流"},
		"站内搜索":              {"搜索本站的文件、产品、供应商、招聘活动和岗位。", []string{"站内搜索", "文件检索"}, "其他"},
		"本站纠错":              {"报告本站页面上的错误。", []string{"网站纠错", "我为政府网站找错"}, "互动交流"},
		sitemapColumn:       {"本站全部栏目和页面的索引。", []string{"网站地图", "栏目导航"}, "其他"},
		a11yColumn:          {"本站支持的无障碍和适老化功能，以及反馈障碍的方式。", []string{"无障碍声明", "适老化", "大字版", "高对比度"}, "其他"},
		"后台":                {"工作人员后台。", []string{"后台"}, "其他"},
	}
	for _, k := range content.Kinds {
		m[k.Name()] = kindMetas[k]
	}
	return m
}()

// kindMetas are the tags of the open-government columns, one per document kind.
var kindMetas = map[content.Kind]columnMeta{
	content.KindGuide:          {"公开的范围、方式和程序，依申请公开的办理流程和监督渠道。", []string{"政府信息公开指南", "依申请公开", "办理流程"}, "信息公开"},
	content.KindRules:          {"本局政府信息公开工作的制度规定。", []string{"政府信息公开制度", "保密审查", "发布审核"}, "信息公开"},
	content.KindFunctions:      {"本局的主要职责和机构设置。", []string{"机构职能", "主要职责"}, "信息公开"},
	content.KindLeaders:        {"本局领导的姓名、职务、分工和简历。", []string{"领导信息", "领导分工", "简历"}, "信息公开"},
	content.KindDepartments:    {"本局内设机构的职责和联系电话。", []string{"内设机构", "科室职责", "联系电话"}, "信息公开"},
	content.KindPolicy:         {"本局制定的规范性文件和政策文件，标注有效性。", []string{"政策文件", "规范性文件", "有效性"}, "信息公开"},
	content.KindInterpretation: {"对本局政策文件的解读。", []string{"政策解读", "解读回应"}, "解读回应"},
	content.KindPlans:          {"乡村振兴发展规划和年度工作计划。", []string{"规划计划", "发展规划", "年度计划"}, "信息公开"},
	content.KindBudgets:        {"本局部门预算、决算和“三公”经费。", []string{"预决算", "部门预算", "部门决算", "三公经费"}, "信息公开"},
	content.KindStatistics:     {"防返贫监测、消费帮扶、衔接资金和就业帮扶的统计数据。", []string{"统计信息", "防返贫监测", "消费帮扶", "衔接资金"}, "信息公开"},
	content.KindReport:         {"本局年度和半年工作总结及工作计划。", []string{"工作总结", "工作计划"}, "信息公开"},
	content.KindNotice:         {"本局发布的通知、公告和征求意见。", []string{"通知公告", "征求意见"}, "信息公开"},
	content.KindNews:           {"本局乡村振兴工作的最新动态。", []string{"工作动态", "乡村振兴", "消费帮扶"}, "信息公开"},
	content.KindAnnualReport:   {"本局政府信息公开工作年度报告。", []string{"政府信息公开年度报告", "依申请公开统计"}, "信息公开"},
}

// ColumnMeta is the tags of the page's column; a page outside every column has none.
func (l *Layout) ColumnMeta() columnMeta { return columnMetas[l.Column] }

// The columns that are not a section of their own.
const (
	sitemapColumn       = "网站地图"
	a11yColumn          = "无障碍声明"
	projectsColumn      = "衔接资金项目公示"
	websiteReportColumn = "政府网站工作年度报表"
)
