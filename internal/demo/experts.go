package demo

import (
	"fmt"

	"dtfund/internal/store"
)

// expertSeed is one expert of the pool (专家库).
type expertSeed struct {
	username, display  string
	field, affiliation string
	contact            string
	org                string // the affiliation when it is a demo organisation
}

// expertSeeds are five experts, so that a panel of three can be drawn even
// when one or two are excluded. zhuanjia5 works for 长春启明数字科技有限公司, a
// service provider: the draw leaves them out of any panel with an
// application of 启明 or one naming 启明 as its provider (利益冲突回避).
var expertSeeds = []expertSeed{
	{"zhuanjia", "陈教授（专家）", "智能制造", "吉林大学机械与航空航天工程学院", "0431-85095101", ""},
	{"zhuanjia2", "刘研究员（专家）", "工业互联网", "中国科学院长春光学精密机械与物理研究所", "0431-86176102", ""},
	{"zhuanjia3", "王高工（专家）", "汽车电子与制造信息化", "长春汽车工业高等专科学校", "0431-85958103", ""},
	{"zhuanjia4", "杨会计师（专家）", "财务审计", "吉林安信会计师事务所", "0431-88906104", ""},
	{"zhuanjia5", "赵总工（专家）", "工业软件", "长春启明数字科技有限公司", "0431-81920105", "长春启明数字科技有限公司"},
}

// experts gives every expert account its pool profile, as the city bureau
// does on the expert pool page.
func (s *seeder) experts() error {
	city := s.actor("shigongxin")
	for _, e := range expertSeeds {
		p := store.ExpertProfile{Field: e.field, Affiliation: e.affiliation, Contact: e.contact, Active: true}
		if e.org != "" {
			p.OrgID = s.orgs[e.org].ID
		}
		if err := s.a.SaveExpertProfile(s.ctx, city, e.username, p); err != nil {
			return fmt.Errorf("demo expert %s: %w", e.username, err)
		}
	}
	return nil
}
