package demo

import (
	"fmt"

	"dtfund"
	"dtfund/internal/app"
)

// announcements publishes the city bureau's notices for the open calls
// and one policy explanation, and keeps one draft, so that the public site
// and the management page both have something to show.
func (s *seeder) announcements(calls []*dtfund.Call) error {
	city := s.actor("shigongxin")
	var ins []app.AnnouncementInput
	for _, c := range calls {
		ins = append(ins, app.AnnouncementInput{Kind: "notice", CallID: c.ID, Publish: true, Title: "关于组织申报" + c.Title + "的通知",
			Body: "各县（市）区、开发区工业和信息化主管部门，各有关单位：\n\n根据《长春市中小企业数字化转型专项资金使用管理办法（暂行）》，现组织申报" +
				c.Title + "。请申报主体登录本系统在线填报，并按申报材料清单上传附件。\n\n长春市工业和信息化局"})
	}
	ins = append(ins,
		app.AnnouncementInput{Kind: "policy", Publish: true, Title: "《长春市中小企业数字化转型专项资金使用管理办法（暂行）》政策解读",
			Body: "一、支持哪些行业？汽车零部件配件制造、轨道交通高端装备制造、电子元器件制造、中成药生物药品制品制造四个试点行业（第四条）。\n" +
				"二、奖补标准？中小企业数字化改造按核定改造投入的50%以内奖补，累计不超过50万元（第七条（一））。\n" +
				"三、如何测算？可使用本网站的政策计算器逐条查看判定结果。"},
		app.AnnouncementInput{Kind: "result", Title: "（草稿）2026年第二批奖补结果公告", Body: "待政府审批后发布。"})
	for _, in := range ins {
		if _, err := s.a.SaveAnnouncement(s.ctx, city, 0, in); err != nil {
			return fmt.Errorf("demo announcement %s: %w", in.Title, err)
		}
	}
	return nil
}
