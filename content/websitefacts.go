package content

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"

	"gopkg.in/yaml.v3"
)

// WebsiteFactsFile is the file of the content tree holding, year by year, what the site's yearly
// report (政府网站工作年度报表) asks and the site cannot count itself: visits, security checks,
// new-media accounts, online interviews.
const WebsiteFactsFile = "website-report.yaml"

// WebsiteFacts are one year's entries of WebsiteFactsFile.
type WebsiteFacts struct {
	Visitors   int `yaml:"visitors"`  // 独立用户访问总量
	Visits     int `yaml:"visits"`    // 网站总访问量
	Responses  int `yaml:"responses"` // 回应公众关注热点或重大舆情数量
	Interviews struct {
		Sessions  int `yaml:"sessions"`  // 访谈期数
		Questions int `yaml:"questions"` // 网民留言数量
		Answered  int `yaml:"answered"`  // 答复网民提问数量
	} `yaml:"interviews"`
	Security struct {
		Checks     int  `yaml:"checks"`     // 安全检测评估次数
		Problems   int  `yaml:"problems"`   // 发现问题数量
		Fixed      int  `yaml:"fixed"`      // 问题整改数量
		Monitoring bool `yaml:"monitoring"` // 是否建立安全监测预警机制
		Drills     bool `yaml:"drills"`     // 是否开展应急演练
		Owner      bool `yaml:"owner"`      // 是否明确网站安全责任人
	} `yaml:"security"`
	Media []struct {
		Kind      string `yaml:"kind"` // 微博, 微信, 其他
		Name      string `yaml:"name"`
		Posts     int    `yaml:"posts"`     // 信息发布量
		Followers int    `yaml:"followers"` // 关注量或订阅数
	} `yaml:"media"`
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// loadWebsiteFacts reads WebsiteFactsFile, when the tree has one: a map from year to facts.
func (l *Library) loadWebsiteFacts(fsys fs.FS) []Problem {
	data, err := fs.ReadFile(fsys, WebsiteFactsFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	problem := func(err error) []Problem {
		line := 1
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		return []Problem{{WebsiteFactsFile, line, fmt.Sprintf("网站年度报表数据无法读取（应为以年份为键的 YAML 映射）：%v", err)}}
	}
	if err != nil {
		return problem(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	facts := map[int]WebsiteFacts{}
	if err := dec.Decode(&facts); err != nil {
		return problem(err)
	}
	l.websiteFacts = facts
	return nil
}

// WebsiteFacts returns the year's entries of WebsiteFactsFile, and false when it has none.
func (l *Library) WebsiteFacts(year int) (WebsiteFacts, bool) {
	f, ok := l.websiteFacts[year]
	return f, ok
}
