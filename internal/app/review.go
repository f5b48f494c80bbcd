package app

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"dtfund"
	"dtfund/internal/store"
)

// District review (县区推荐, 第十四条（二）): the district's first review ends
// in a return for correction, a refusal to recommend with the article relied
// on, or a recommendation with the district's opinion; recommendations
// respect the call's quota and travel to the city in numbered letters.

// DeclineCitation is an article a refusal may rely on, with what it requires.
type DeclineCitation struct {
	Article string
	Summary string
}

// DeclineCitations are the articles offered for 不予推荐 (free text is
// accepted too): the conditions a district's first review checks.
var DeclineCitations = []DeclineCitation{
	{"第十二条", "支持对象须依法登记注册、具有独立法人资格"},
	{"第十三条", "基本条件：属地注册、合法经营、依法纳税、财务及信用记录良好、近三年无重大事故"},
	{"第十条（一）", "已获中央财政资金支持的专精特新“小巨人”企业（中央资金）"},
	{"第十条（二）", "已纳入2022年中小企业数字化转型改造试点（中央资金）"},
	{"第十条（三）", "试点期结束项目未验收或验收不合格（中央资金）"},
	{"第十一条（一）", "三年内存在严重失信行为"},
	{"第十一条（二）", "存在其他违反本办法的行为"},
	{"第五条", "不属于中小企业（工信部联企业〔2011〕300号）"},
	{"第十四条（一）", "未按申报通知要求报送材料"},
}

// reviewTextRunes bounds reasons and opinions: they are shown on timelines
// and printed in letters.
const reviewTextRunes = 2000

// DistrictDecision is a district official's decision on a submitted
// application.
type DistrictDecision struct {
	AppID  int64
	Action dtfund.AppAction // ActReturn, ActDecline or ActRecommend
	// Reason is what to correct (退回补正), why not (不予推荐) or the
	// district's opinion (推荐意见), by action.
	Reason         string
	Citation       string // the article relied on; required to decline
	IdempotencyKey string
}

func (d *DistrictDecision) validate() error {
	d.Reason, d.Citation = strings.TrimSpace(d.Reason), strings.TrimSpace(d.Citation)
	var v dtfund.ValidationErrors
	field := "reason"
	switch d.Action {
	case dtfund.ActReturn:
		if d.Reason == "" {
			v.Add(field, "请填写退回补正的理由，说明需要补正的内容")
		}
	case dtfund.ActDecline:
		if d.Reason == "" {
			v.Add(field, "请填写不予推荐的理由")
		}
		if d.Citation == "" {
			v.Add("citation", "请选择或填写不予推荐所依据的条款")
		}
	case dtfund.ActRecommend:
		field = "opinion"
		if d.Reason == "" {
			v.Add(field, "请填写推荐意见")
		}
	default:
		v.Add("action", "请选择退回补正、不予推荐或推荐")
	}
	if utf8.RuneCountInString(d.Reason) > reviewTextRunes {
		v.Add(field, "内容不超过%d个字", reviewTextRunes)
	}
	if utf8.RuneCountInString(d.Citation) > 100 {
		v.Add("citation", "依据条款不超过100个字")
	}
	return v.Err()
}

// DistrictReview takes the district's decision through Act: the state
// machine, the jurisdiction (another district's application is not found),
// the timeline with reason and citation, the audit and the notification. A
// recommendation also checks the quota and records the opinion for the
// letter, in the same transaction.
func (a *App) DistrictReview(ctx context.Context, actor Actor, d DistrictDecision) (*dtfund.Application, error) {
	if err := requireRole(actor, dtfund.RoleDistrictMIIT, dtfund.RoleCityMIIT); err != nil {
		return nil, err
	}
	if err := d.validate(); err != nil {
		return nil, err
	}
	step := Step{AppID: d.AppID, Action: d.Action, Reason: d.Reason, Citation: d.Citation, IdempotencyKey: d.IdempotencyKey}
	if d.Action == dtfund.ActRecommend {
		step.Before = func(ctx context.Context, tx *store.Tx, app *dtfund.Application, _ dtfund.AppState) error {
			return recordRecommendation(ctx, tx, actor, app, d.Reason)
		}
	}
	return a.Act(ctx, actor, step)
}

func recordRecommendation(ctx context.Context, tx *store.Tx, actor Actor, app *dtfund.Application, opinion string) error {
	call, err := tx.Call(ctx, app.CallID)
	if err != nil {
		return err
	}
	if quota, limited := call.Quotas[app.DistrictCode]; limited {
		if err := tx.LockQuota(ctx, call.ID, app.DistrictCode); err != nil {
			return err
		}
		used, err := tx.CountQuotaUsed(ctx, call.ID, app.DistrictCode)
		if err != nil {
			return err
		}
		if used >= quota {
			return dtfund.Errorf(dtfund.ECONFLICT, "本批次分配给%s的推荐名额为%d个，已推荐%d个，名额已用完，不能再推荐",
				app.DistrictName, quota, used)
		}
	}
	return tx.AddRecommendation(ctx, &store.Recommendation{ApplicationID: app.ID, CallID: app.CallID,
		DistrictCode: app.DistrictCode, Opinion: opinion, OfficialID: actor.User.ID, OfficialName: actor.User.DisplayName})
}

// QuotaUse is a district's use of its recommendation places in a call.
type QuotaUse struct {
	Limited bool
	Quota   int
	Used    int
}

// Left is the number of places still free.
func (q QuotaUse) Left() int { return max(q.Quota-q.Used, 0) }

// DistrictQuota reports the district's places in the call (store.QuotaStates
// says which applications occupy one).
func (a *App) DistrictQuota(ctx context.Context, call *dtfund.Call, district string) (QuotaUse, error) {
	q := QuotaUse{}
	q.Quota, q.Limited = call.Quotas[district]
	var err error
	q.Used, err = a.DB.CountQuotaUsed(ctx, call.ID, district)
	return q, err
}

// Recommendation returns the district's recommendation of an application
// the actor may see, or nil.
func (a *App) Recommendation(ctx context.Context, actor Actor, appID int64) (*store.Recommendation, error) {
	if _, err := a.Application(ctx, actor, appID); err != nil {
		return nil, err
	}
	return a.DB.Recommendation(ctx, appID)
}

// CreateLetter numbers a recommendation letter (推荐函) of the official's
// district for the call, carrying every recommendation not yet in a letter.
func (a *App) CreateLetter(ctx context.Context, actor Actor, callID int64) (*store.Letter, error) {
	if err := requireRole(actor, dtfund.RoleDistrictMIIT); err != nil {
		return nil, err
	}
	if callID == 0 {
		return nil, dtfund.FieldError("call", "请选择申报批次")
	}
	u := actor.User
	l := &store.Letter{DistrictCode: u.DistrictCode, CallID: callID, OfficialID: u.ID, OfficialName: u.DisplayName}
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Call(ctx, callID); err != nil {
			if dtfund.ErrorCode(err) == dtfund.ENOTFOUND {
				return dtfund.FieldError("call", "申报批次不存在")
			}
			return err
		}
		if err := tx.CreateLetter(ctx, l); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("letter.create", "letter", strconv.FormatInt(l.ID, 10)), nil,
			map[string]any{"number": l.Number, "call_id": callID, "district": l.DistrictCode})
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// letterScope is the district whose letters the actor sees: their own for
// district officials, every district ("") for city officials.
func letterScope(actor Actor) (string, error) {
	if actor.User == nil {
		return "", dtfund.Errorf(dtfund.EUNAUTHORIZED, "请先登录")
	}
	switch u := actor.User; {
	case u.Role.NeedsDistrict():
		return u.DistrictCode, nil
	case u.Role.IsCity():
		return "", nil
	}
	return "", dtfund.Errorf(dtfund.EFORBIDDEN, "您的角色无权查看推荐函")
}

// FindLetters lists the letters the actor may see.
func (a *App) FindLetters(ctx context.Context, actor Actor, f store.LetterFilter) ([]*store.Letter, int, error) {
	district, err := letterScope(actor)
	if err != nil {
		return nil, 0, err
	}
	if district != "" {
		f.DistrictCode = district
	}
	return a.DB.FindLetters(ctx, f)
}

// Letter returns a letter the actor may see, with its items.
func (a *App) Letter(ctx context.Context, actor Actor, id int64) (*store.Letter, error) {
	district, err := letterScope(actor)
	if err != nil {
		return nil, err
	}
	return a.DB.Letter(ctx, id, district)
}

// PendingLetterCalls lists the calls with recommendations of the official's
// district waiting for a letter.
func (a *App) PendingLetterCalls(ctx context.Context, actor Actor) ([]store.PendingLetterCall, error) {
	if err := requireRole(actor, dtfund.RoleDistrictMIIT); err != nil {
		return nil, err
	}
	return a.DB.PendingLetterCalls(ctx, actor.User.DistrictCode)
}
