package gen

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// The word lists the generated text is built from. They are the vocabulary of a district
// rural-revitalisation bureau: places of Baqiao and of the paired county Lueyang, crops and
// products, programmes, organisations and the figures that go with them.
var (
	baqiaoTowns  = []string{"狄寨街道", "席王街道", "洪庆街道", "新筑街道", "灞桥街道", "红旗街道", "十里铺街道", "纺织城街道", "新合街道"}
	lueyangTowns = []string{"接官亭镇", "两河口镇", "金家河镇", "徐家坪镇", "白水江镇", "硖口驿镇", "马蹄湾镇", "乐素河镇", "郭镇", "黑河镇", "观音寺镇", "五龙洞镇"}
	villages     = []string{"鲸鱼沟村", "史家寨村", "南郭村", "北车村", "马渡王村", "杨家坡村", "毛西村", "田王村", "水流村", "上桥梓口村", "雷家寨村", "东城村", "北门村", "柳家湾村", "刘家庄村", "姚家村", "中咀村", "双河村", "白雀寺村", "花园村", "何家岩村", "庙坪村", "石门村", "青岗坪村", "铁佛寺村", "黄家营村", "窑坪村", "七里店村"}
	fruits       = []string{"樱桃", "核桃", "猕猴桃", "葡萄", "草莓", "桃", "油桃", "蟠桃", "梨", "苹果", "柿子", "石榴", "杏", "李子", "红枣", "板栗", "山楂", "樱桃番茄"}
	crops        = []string{"樱桃", "核桃", "天麻", "香菇", "黑木耳", "杜仲", "猕猴桃", "葡萄", "乌鸡", "中蜂", "茶叶", "草莓", "油菜", "小麦", "玉米", "花椒", "魔芋", "羊肚菌", "蔬菜", "桃"}
	programmes   = []string{
		"巩固拓展脱贫攻坚成果", "衔接推进乡村振兴补助资金管理", "防止返贫动态监测和帮扶", "消费帮扶", "农村人居环境整治提升",
		"高标准农田建设", "樱桃产业高质量发展", "雨露计划职业教育补助", "脱贫人口小额信贷", "公益性岗位开发管理",
		"东西部协作", "村级集体经济发展壮大", "农村饮水安全巩固提升", "庭院经济发展", "乡村建设行动",
		"就业帮扶车间认定管理", "易地搬迁后续扶持", "农业产业化联合体培育", "农村电商服务体系建设", "乡村治理示范创建",
		"特色产业帮扶", "驻村帮扶", "防汛救灾和灾后恢复", "农产品冷链物流设施建设", "农民合作社规范提升",
	}
	offices        = []string{"西安市灞桥区乡村振兴局", "西安市灞桥区农业农村局", "西安市灞桥区人民政府办公室", "西安市灞桥区财政局", "西安市灞桥区人力资源和社会保障局"}
	numberPrefixes = []string{"灞乡振发", "灞乡振字", "灞乡振办发", "灞政办发", "灞农发", "灞财农发"}
	topics         = []string{"乡村振兴", "社会保障", "财政资金", "就业创业", "农业农村", "政务公开", "产业发展", "消费帮扶"}
	banks          = []string{"中国农业发展银行西安市分行", "中国农业银行灞桥支行", "陕西秦农农村商业银行", "邮储银行灞桥区支行", "中国农业发展银行略阳县支行"}
	cities         = []string{"西安", "南京", "苏州", "无锡", "汉中", "宝鸡", "咸阳", "上海", "北京"}
	brands         = []string{"秦川", "鲸鱼沟", "白鹿", "灞柳", "浐灞", "华秦", "秦岭", "嘉陵", "汉水", "龙门", "青泥", "玉带", "凤鸣", "金穗", "绿源", "丰泽", "康禾", "田园", "山珍", "古道", "秦香", "满仓", "富民", "兴农"}
	surnames       = []string{"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗"}
	things         = []string{"项目实施方案", "资金使用情况", "监测对象名单", "帮扶措施台账", "绩效自评报告", "项目验收资料", "年度工作总结", "资产确权登记表"}
	headings       = []string{"一、基本情况", "二、主要做法", "三、取得成效", "四、存在问题", "五、下一步工作", "六、保障措施"}
)

func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// money is an amount of 万元 with up to two decimals, written as a Chinese document writes it.
func money(r *rand.Rand, lo, hi int) string {
	v := lo*100 + r.IntN((hi-lo)*100+1)
	if v%100 == 0 {
		return fmt.Sprintf("%d", v/100)
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%d.%02d", v/100, v%100), "0"), ".")
}

// sentence is one sentence of a document body; number is a 文号 the body may cite, "" for none.
func sentence(r *rand.Rand, year int, number string) string {
	town := pick(r, baqiaoTowns)
	if r.IntN(3) == 0 {
		town = "略阳县" + pick(r, lueyangTowns)
	}
	switch r.IntN(16) {
	case 0:
		return fmt.Sprintf("%d年，%s%s围绕%s产业，新建标准化示范园%d亩，带动脱贫户%d户，户均增收%d元。", year, town, pick(r, villages), pick(r, crops), 50+r.IntN(950), 10+r.IntN(290), 800+r.IntN(5200))
	case 1:
		if r.IntN(2) == 0 {
			return fmt.Sprintf("区财政安排衔接资金%s万元，重点支持%s、%s等%d个项目，衔接资金使用情况在村务公开栏公示。", money(r, 50, 3000), pick(r, programmes), pick(r, programmes), 3+r.IntN(25))
		}
		return fmt.Sprintf("区财政安排衔接推进乡村振兴补助资金%s万元，重点支持%s、%s等%d个项目。", money(r, 50, 3000), pick(r, programmes), pick(r, programmes), 3+r.IntN(25))
	case 2:
		if number != "" {
			return fmt.Sprintf("根据《关于做好%s工作的通知》（%s）要求，各街道须于%d月%d日前报送%s。", pick(r, programmes), number, 1+r.IntN(12), 1+r.IntN(28), pick(r, things))
		}
		return fmt.Sprintf("各街道须于%d月%d日前将%s报送区乡村振兴局，逾期未报的视为放弃。", 1+r.IntN(12), 1+r.IntN(28), pick(r, things))
	case 3:
		return fmt.Sprintf("%s向%s%s专业合作社发放贷款%s万元，用于%s冷链仓储和分拣设施建设。", pick(r, banks), town, pick(r, crops), money(r, 20, 800), pick(r, fruits))
	case 4:
		return fmt.Sprintf("%s组织%d名脱贫劳动力参加%s种植技术培训，发放培训补贴%d元。", town, 20+r.IntN(480), pick(r, crops), 200*(1+r.IntN(20)))
	case 5:
		return fmt.Sprintf("对纳入防止返贫监测的%d户%d人逐户落实帮扶措施，已消除风险%d户。", 3+r.IntN(40), 8+r.IntN(120), 1+r.IntN(30))
	case 6:
		return fmt.Sprintf("依托消费帮扶馆，%s%s销往%s等地，全年销售额%s万元。", pick(r, []string{"略阳县", "白鹿原", "灞桥区"}), pick(r, fruits), pick(r, cities), money(r, 10, 500))
	case 7:
		return fmt.Sprintf("基层工会采购对口帮扶县农副产品%s万元，惠及农户%d户。", money(r, 5, 420), 20+r.IntN(900))
	case 8:
		return fmt.Sprintf("开发乡村公益性岗位%d个，优先安置弱劳力、半劳力脱贫人口，月补贴%d元。", 5+r.IntN(180), 600+100*r.IntN(8))
	case 9:
		return fmt.Sprintf("%s%s的%s已进入盛果期，亩产约%d千克，商品果率达到%d%%。", town, pick(r, villages), pick(r, fruits), 500+r.IntN(1500), 60+r.IntN(35))
	case 10:
		return fmt.Sprintf("项目资产确权到村集体，%s村集体经济收入达到%s万元。", pick(r, villages), money(r, 5, 80))
	case 11:
		return fmt.Sprintf("持续深化东西部协作，与%s签订产销协议%d份，引进帮扶企业%d家。", pick(r, []string{"南京市", "苏州市", "无锡市"}), 2+r.IntN(20), 1+r.IntN(9))
	case 12:
		return fmt.Sprintf("雨露计划共资助职业院校在校生%d名，每生每学期补助%d元。", 30+r.IntN(400), 1500)
	case 13:
		return fmt.Sprintf("落实脱贫人口小额信贷政策，新增放贷%s万元，惠及%d户，按期还款率保持在%d%%以上。", money(r, 30, 900), 10+r.IntN(300), 95+r.IntN(5))
	case 14:
		return fmt.Sprintf("%s在%s设立就业帮扶车间，吸纳周边群众%d人就近就业，其中脱贫劳动力%d人。", pick(r, brands)+pick(r, []string{"食品有限公司", "服饰有限公司", "农业科技有限公司"}), town, 20+r.IntN(120), 5+r.IntN(40))
	default:
		return fmt.Sprintf("下一步，将坚持%s和%s统筹推进，守住不发生规模性返贫的底线。", pick(r, programmes), pick(r, programmes))
	}
}

// paragraph is 3 to 6 sentences.
func paragraph(r *rand.Rand, year int, number string) string {
	var b strings.Builder
	for range 3 + r.IntN(4) {
		b.WriteString(sentence(r, year, number))
	}
	return b.String()
}
