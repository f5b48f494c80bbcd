package demo

import (
	"fmt"

	"dtfund/internal/app"
)

// Publicity (网站公示) and approval (政府审批) of the history, in three
// batches: the first closed and approved weeks ago (an objection upheld,
// another dismissed, two awards: central and local funds); the second
// closed and waiting for the government's approval; the third on the
// public page now, with an objection still to investigate.

// objection is one objection lodged by the public.
type objection struct {
	user, name, contact, ip, reason string
	finding                         string // "" while open
	upheld                          bool
}

var (
	objUpheld = objection{user: "tiancheng", name: "李先生", contact: "13904315678", ip: "203.0.113.21",
		reason:  "该企业申报的第2项支出（数据采集设备）已于上一年度获得省级工业企业技术改造专项资金支持，属于重复申报。",
		finding: "经核查省级技改项目资金拨付记录，该企业第2项支出已获省级专项资金支持，属重复申报，异议成立（第十四条（五））。", upheld: true}
	objDismissed = objection{user: "lianzhu", name: "张女士", contact: "zhang.demo@example.com", ip: "203.0.113.35",
		reason:  "反映该企业申报的从业人员人数与实际不符，可能不属于中小企业。",
		finding: "经核对该企业社保缴纳记录和年度财务报表，从业人员和营业收入数据属实，符合中小企业划型标准，异议不成立。"}
	objOpen = objection{user: "huaxin", name: "长春某汽车部件公司", contact: "0431-85001234", ip: "198.51.100.7",
		reason: "据了解，该企业申报的MES系统至今尚未实际上线运行，改造成效存疑，请核实。"}
)

func (h *history) schedulePublicity() {
	h.scheduleBatch(0, 31, "第一批", append([]string{"tiancheng", "lianzhu", "zhongche"}, projectUsers...)...)
	h.on(29, "10:15", func() error { return h.lodge(0, objUpheld) })
	h.on(29, "16:40", func() error { return h.lodge(0, objDismissed) })
	h.on(27, "15:00", func() error { return h.decide(objUpheld) })
	h.on(27, "15:30", func() error { return h.decide(objDismissed) })
	h.on(24, "09:00", func() error { return h.close(0) })
	h.on(15, "10:30", h.approve)

	h.scheduleBatch(1, 14, "第二批", "tongda")
	h.on(7, "09:00", func() error { return h.close(1) })

	h.scheduleBatch(2, 3, "第三批", "huaxin")
	h.on(1, "15:20", func() error { return h.lodge(2, objOpen) })
}

// scheduleBatch creates batch i on day k, going public the next working
// day, and puts the applications in it.
func (h *history) scheduleBatch(i, k int, which string, users ...string) {
	h.on(k, "09:30", func() error {
		start := h.day(k - 1)
		title := fmt.Sprintf("%d年中小企业数字化转型专项资金拟支持项目公示（%s）", start.Year, which)
		b, err := h.a.CreatePublicityBatch(h.ctx, h.actor("shigongxin"), title, start.String())
		h.batches[i] = b
		return err
	})
	h.on(k, "10:00", func() error {
		for _, u := range users {
			it, err := h.a.Publish(h.ctx, h.actor("shigongxin"), app.Publication{BatchID: h.batches[i].ID, AppID: h.apps[u].ID})
			if err != nil {
				return fmt.Errorf("publishing %s: %w", u, err)
			}
			h.items[u] = it
		}
		return nil
	})
}

func (h *history) lodge(batch int, o objection) error {
	got, err := h.a.LodgeObjection(h.ctx, app.ObjectionInput{BatchID: h.batches[batch].ID, ItemID: h.items[o.user].ID,
		Name: o.name, Contact: o.contact, Reason: o.reason, IP: o.ip})
	if err == nil {
		h.objections[o.user] = got
	}
	return err
}

func (h *history) decide(o objection) error {
	return h.a.DecideObjection(h.ctx, h.actor("shigongxin"), app.ObjectionDecision{ID: h.objections[o.user].ID,
		Upheld: o.upheld, Finding: o.finding})
}

func (h *history) close(batch int) error {
	_, err := h.a.ClosePublicity(h.ctx, h.actor("shigongxin"), h.batches[batch].ID)
	return err
}

// approve records the city government's approval of the first batch, dated
// the day before it is entered; the awards follow from it.
func (h *history) approve() error {
	doc := h.day(16)
	_, err := h.a.ApproveBatch(h.ctx, h.actor("shigongxin"), app.ApprovalInput{BatchID: h.batches[0].ID,
		DocNumber: fmt.Sprintf("长府批〔%d〕57号", doc.Year), DocDate: doc.String()})
	return err
}
