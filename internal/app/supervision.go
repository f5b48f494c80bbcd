package app

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/store"
)

// Process supervision (过程监督, 第十八条): “各县（市）区、开发区工业和信息化
// 主管部门应加强对改造项目进度和目标完成等情况进行过程监督，项目实施效果与原定
// 绩效目标发生偏离的应及时整改，情况严重的暂缓或停止项目执行。”
//
// A district industry bureau (the city bureau for a recipient without a
// Changchun district, and as the supervising bureau anywhere) records a
// deviation of an awarded project from its goals, orders rectification with
// a deadline, records whether it was rectified, and when it is serious:
//   - suspends (暂缓): the award is suspended — payments hold it — and its
//     unpaid commitment moves to the award's frozen account in the ledger;
//     lifting the suspension moves it back and makes the award active;
//   - stops (停止): the award is revoked and recovered (revokeTx) in the
//     same transaction.
//
// Every step is one transaction with its timeline line, its audit record and
// the applicant's notification, and cites 第十八条.

// SuperviseArticle is the article every supervision step cites.
const SuperviseArticle = "第十八条"

// Bounds of the supervision forms.
const (
	supervisionTextRunes = 2000
	supervisionGoalRunes = 200
)

// supervisionViewers read cases; supervisors act on them.
var (
	supervisionViewers = []dtfund.Role{dtfund.RoleDistrictMIIT, dtfund.RoleCityMIIT, dtfund.RoleCityFinance}
	supervisors        = []dtfund.Role{dtfund.RoleDistrictMIIT, dtfund.RoleCityMIIT}
)

// CanSupervise reports whether the role acts on supervision cases.
func CanSupervise(r dtfund.Role) bool {
	return r == dtfund.RoleDistrictMIIT || r == dtfund.RoleCityMIIT
}

// CaseStateLabel names a case state in Chinese.
func CaseStateLabel(s string) string {
	return map[string]string{store.CaseOpen: "发现偏离，待处理", store.CaseRectifying: "整改中", store.CaseRectified: "整改到位（已结案）",
		store.CaseSuspended: "暂缓执行", store.CaseStopped: "停止执行（奖补已撤销）"}[s]
}

// OrderStateLabel names a rectification order state in Chinese.
func OrderStateLabel(s string) string {
	return map[string]string{store.OrderOpen: "整改中", store.OrderAccepted: "整改到位", store.OrderRejected: "整改不到位"}[s]
}

// CaseEventLabel names a step of a case's timeline.
func CaseEventLabel(kind string) string {
	return map[string]string{"deviation": "登记偏离", "order": "下达整改通知", "result": "登记整改结果", "suspend": "暂缓执行",
		"lift": "解除暂缓", "stop": "停止执行"}[kind]
}

// caseScope is the district filter of the actor's case queries: a district
// official's own district ("-" matches nothing when the account has none),
// "" for the city bureaus.
func caseScope(actor Actor) (string, error) {
	if err := requireRole(actor, supervisionViewers...); err != nil {
		return "", err
	}
	if actor.User.Role == dtfund.RoleDistrictMIIT {
		if actor.User.DistrictCode == "" {
			return "-", nil
		}
		return actor.User.DistrictCode, nil
	}
	return "", nil
}

// inCaseScope reports whether a record of district d is within the scope.
func inCaseScope(scope, d string) bool { return scope == "" || scope == d }

// txToday is the civil date (Asia/Shanghai) of the transaction.
func txToday(tx *store.Tx) string { return calendar.DateOf(tx.Now()).String() }

// checkCivilDate validates a date field: a real date, not after today.
func checkCivilDate(v *dtfund.ValidationErrors, field, label, value, today string) {
	d, err := calendar.ParseDate(value)
	switch {
	case err != nil:
		v.Add(field, "%s：%s", label, err.Error())
	case d.String() > today:
		v.Add(field, "%s不能晚于今天（%s）", label, today)
	}
}

// checkText validates a required text field with a length bound.
func checkText(v *dtfund.ValidationErrors, field, label, value string, max int) {
	switch n := utf8.RuneCountInString(value); {
	case value == "":
		v.Add(field, "请填写%s", label)
	case n > max:
		v.Add(field, "%s不超过 %d 字（现 %d 字）", label, max, n)
	}
}

// checkEvidence validates an optional evidence file (PDF or image, checked
// by its bytes, as the publicity stage's files).
func checkEvidence(v *dtfund.ValidationErrors, f *PublicityFile) {
	if f == nil {
		return
	}
	if err := f.check(); err != nil {
		*v = append(*v, err)
	}
}

// DeviationInput is a deviation of an awarded project from its goals.
type DeviationInput struct {
	AwardID int64
	Goal    string // the performance goal concerned (指标及目标值)
	Facts   string // what was found
	FoundOn string // YYYY-MM-DD
	File    *PublicityFile
}

func (in *DeviationInput) validate(today string) error {
	in.Goal, in.Facts, in.FoundOn = strings.TrimSpace(in.Goal), strings.TrimSpace(in.Facts), strings.TrimSpace(in.FoundOn)
	var v dtfund.ValidationErrors
	checkText(&v, "facts", "偏离事实", in.Facts, supervisionTextRunes)
	if utf8.RuneCountInString(in.Goal) > supervisionGoalRunes {
		v.Add("goal", "绩效目标不超过 %d 字", supervisionGoalRunes)
	}
	checkCivilDate(&v, "found_on", "发现日期", in.FoundOn, today)
	checkEvidence(&v, in.File)
	return v.Err()
}

// RecordDeviation opens a supervision case for an award in the actor's
// jurisdiction (第十八条). An award has at most one case being handled.
func (a *App) RecordDeviation(ctx context.Context, actor Actor, in DeviationInput) (*store.SupervisionCase, error) {
	if err := requireRole(actor, supervisors...); err != nil {
		return nil, err
	}
	scope, _ := caseScope(actor)
	if err := in.validate(a.today()); err != nil {
		return nil, err
	}
	fc, err := a.storePublicityFile(in.File)
	if err != nil {
		return nil, err
	}
	c := &store.SupervisionCase{AwardID: in.AwardID, State: store.CaseOpen, Goal: in.Goal, Facts: in.Facts, FoundOn: in.FoundOn,
		CreatedBy: actor.User.ID}
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		f, err := tx.AwardFacts(ctx, in.AwardID)
		if err != nil {
			return err
		}
		if !inCaseScope(scope, f.DistrictCode) {
			return dtfund.Errorf(dtfund.ENOTFOUND, "奖补记录不存在")
		}
		if f.Status == "revoked" {
			return dtfund.Errorf(dtfund.ECONFLICT, "该奖补已撤销，不再进行过程监督")
		}
		if live, err := tx.LiveCaseOfAward(ctx, in.AwardID); err != nil || live != 0 {
			if err != nil {
				return err
			}
			prior, err := tx.Case(ctx, live, txToday(tx))
			if err == nil && prior.Facts == in.Facts && prior.CreatedBy == actor.User.ID {
				*c = *prior // a resent form: the case exists
				return nil
			}
			return dtfund.Errorf(dtfund.ECONFLICT, "该奖补已有进行中的监督事项（编号 %d），请在该事项中继续办理", live)
		}
		c.OrgID, c.DistrictCode = f.OrgID, f.DistrictCode
		if err := tx.CreateCase(ctx, c); err != nil {
			return err
		}
		note := "偏离事实：" + in.Facts
		if in.Goal != "" {
			note = "绩效目标：" + in.Goal + "；" + note
		}
		if err := caseEvent(ctx, tx, actor, c.ID, "deviation", note, in.FoundOn, fc, in.File, nil); err != nil {
			return err
		}
		if err := tx.Notify(ctx, store.Notification{OrgID: f.OrgID, Subject: "项目实施效果偏离绩效目标（第十八条）",
			Body: "主管部门在过程监督中发现：" + in.Facts + "。请及时整改。"}); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("supervision.deviation", "supervision_case", itoa(c.ID)), nil, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// caseEvent appends a timeline line citing 第十八条, with its evidence and,
// for a freeze or its release, the amount and ledger transaction.
func caseEvent(ctx context.Context, tx *store.Tx, actor Actor, caseID int64, kind, note, onDate string, fc *store.FileContent,
	file *PublicityFile, money *store.SupervisionEvent) error {
	e := &store.SupervisionEvent{CaseID: caseID, Kind: kind, Note: note, Article: SuperviseArticle, OnDate: onDate,
		ActorID: actorID(actor), ActorName: actor.User.DisplayName}
	if money != nil {
		e.OrderID, e.AmountFen, e.LedgerTxID = money.OrderID, money.AmountFen, money.LedgerTxID
		if money.Article != "" {
			e.Article = money.Article
		}
	}
	if fc != nil {
		if err := tx.SaveFileContent(ctx, fc); err != nil {
			return err
		}
		e.EvidenceSHA256, e.EvidenceName = fc.SHA256, file.Name
	}
	return tx.AddCaseEvent(ctx, e)
}

// liveCase reads a case inside the transaction for an actor who acts on it:
// outside the actor's district it is not found; a closed case is refused.
func liveCase(ctx context.Context, tx *store.Tx, actor Actor, id int64) (*store.SupervisionCase, error) {
	if err := requireRole(actor, supervisors...); err != nil {
		return nil, err
	}
	scope, _ := caseScope(actor)
	c, err := tx.Case(ctx, id, txToday(tx))
	if err != nil {
		return nil, err
	}
	if !inCaseScope(scope, c.DistrictCode) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "监督事项不存在")
	}
	if c.State == store.CaseRectified || c.State == store.CaseStopped {
		return nil, dtfund.Errorf(dtfund.ECONFLICT, "监督事项已%s，不能再办理", CaseStateLabel(c.State))
	}
	return c, nil
}

// OrderInput is a rectification order.
type OrderInput struct {
	CaseID      int64
	Requirement string // 整改要求
	Deadline    string // 整改期限, YYYY-MM-DD
}

// IssueRectification orders rectification (责令整改, 第十八条) with a deadline
// not before today.
func (a *App) IssueRectification(ctx context.Context, actor Actor, in OrderInput) (*store.RectificationOrder, error) {
	in.Requirement, in.Deadline = strings.TrimSpace(in.Requirement), strings.TrimSpace(in.Deadline)
	today := a.today()
	var v dtfund.ValidationErrors
	checkText(&v, "requirement", "整改要求", in.Requirement, supervisionTextRunes)
	if d, err := calendar.ParseDate(in.Deadline); err != nil {
		v.Add("deadline", "整改期限：%s", err.Error())
	} else if d.String() < today {
		v.Add("deadline", "整改期限不能早于今天（%s）", today)
	}
	if err := requireRole(actor, supervisors...); err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	o := &store.RectificationOrder{CaseID: in.CaseID, Requirement: in.Requirement, Deadline: in.Deadline, IssuedBy: actor.User.ID}
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		c, err := liveCase(ctx, tx, actor, in.CaseID)
		if err != nil {
			return err
		}
		o.IssuedOn = txToday(tx)
		if same, err := tx.SameOpenOrder(ctx, c.ID, o.Requirement, o.Deadline); err != nil || same != 0 {
			o.ID = same
			return err // a resent form: the order exists
		}
		if err := tx.CreateOrder(ctx, o); err != nil {
			return err
		}
		if c.State == store.CaseOpen {
			if err := tx.SetCaseState(ctx, c.ID, c.State, store.CaseRectifying); err != nil {
				return err
			}
		}
		note := "整改要求：" + in.Requirement + "；整改期限：" + in.Deadline
		if err := caseEvent(ctx, tx, actor, c.ID, "order", note, o.IssuedOn, nil, nil, &store.SupervisionEvent{OrderID: o.ID}); err != nil {
			return err
		}
		if err := tx.Notify(ctx, store.Notification{OrgID: c.OrgID, Subject: "整改通知（第十八条）：" + c.AppNumber,
			Body: "请于 " + in.Deadline + " 前完成整改：" + in.Requirement}); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("supervision.order", "supervision_case", itoa(c.ID)), nil, o)
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// ResultInput is the result of a rectification order.
type ResultInput struct {
	CaseID   int64
	OrderID  int64
	Accepted bool   // 整改到位
	Note     string // 整改情况
	On       string // YYYY-MM-DD
	File     *PublicityFile
}

// RecordRectification records whether an order was complied with. When the
// last open order is accepted, a case under rectification is closed as
// rectified; a suspended case stays suspended until the suspension is lifted.
func (a *App) RecordRectification(ctx context.Context, actor Actor, in ResultInput) (*store.RectificationOrder, error) {
	in.Note, in.On = strings.TrimSpace(in.Note), strings.TrimSpace(in.On)
	var v dtfund.ValidationErrors
	checkText(&v, "note", "整改情况", in.Note, supervisionTextRunes)
	checkCivilDate(&v, "result_on", "核实日期", in.On, a.today())
	checkEvidence(&v, in.File)
	if err := requireRole(actor, supervisors...); err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	fc, err := a.storePublicityFile(in.File)
	if err != nil {
		return nil, err
	}
	var o *store.RectificationOrder
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		c, err := liveCase(ctx, tx, actor, in.CaseID)
		if err != nil {
			return err
		}
		if o, err = tx.Order(ctx, in.OrderID); err != nil || o.CaseID != c.ID {
			if err == nil {
				err = dtfund.Errorf(dtfund.ENOTFOUND, "整改通知不存在")
			}
			return err
		}
		if in.On < o.IssuedOn {
			return dtfund.FieldError("result_on", "核实日期不能早于整改通知下达日期（%s）", o.IssuedOn)
		}
		o.State, o.Result, o.ResultOn, o.ResultBy = store.OrderRejected, in.Note, in.On, actor.User.ID
		verdict := "整改不到位"
		if in.Accepted {
			o.State, verdict = store.OrderAccepted, "整改到位"
		}
		if err := tx.SetOrderResult(ctx, o); err != nil {
			return err
		}
		open, err := tx.OpenOrders(ctx, c.ID)
		if err != nil {
			return err
		}
		if in.Accepted && open == 0 && c.State == store.CaseRectifying {
			if err := tx.SetCaseState(ctx, c.ID, c.State, store.CaseRectified); err != nil {
				return err
			}
		}
		note := verdict + "：" + in.Note
		if err := caseEvent(ctx, tx, actor, c.ID, "result", note, in.On, fc, in.File, &store.SupervisionEvent{OrderID: o.ID}); err != nil {
			return err
		}
		if err := tx.Notify(ctx, store.Notification{OrgID: c.OrgID, Subject: "整改结果：" + verdict + "（第十八条）", Body: in.Note}); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("supervision.result", "supervision_case", itoa(c.ID)), nil, o)
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// StepInput is a decision on a case: suspend, lift or stop.
type StepInput struct {
	CaseID  int64
	Reason  string
	On      string // the decision's date, YYYY-MM-DD
	DueDate string // stop: the receivable's due date
}

func (in *StepInput) validate(today string, needDue bool) error {
	in.Reason, in.On, in.DueDate = strings.TrimSpace(in.Reason), strings.TrimSpace(in.On), strings.TrimSpace(in.DueDate)
	var v dtfund.ValidationErrors
	checkText(&v, "reason", "理由", in.Reason, 1000)
	checkCivilDate(&v, "on", "决定日期", in.On, today)
	if needDue {
		if d, err := calendar.ParseDate(in.DueDate); err != nil {
			v.Add("due_date", "追回期限：%s", err.Error())
		} else if d.String() < today {
			v.Add("due_date", "追回期限不能早于今天（%s）", today)
		}
	}
	return v.Err()
}

// MoneyStep says what a suspension or its lifting did to the money.
type MoneyStep struct {
	AmountFen  int64 // frozen or released
	LedgerTxID int64
	Replay     bool // the case was already in the requested state: nothing done
}

// SuspendProject suspends a project (暂缓执行, 第十八条): the award becomes
// suspended (payments hold it) and its unpaid commitment moves to the
// award's frozen account. Suspending a suspended case changes nothing.
func (a *App) SuspendProject(ctx context.Context, actor Actor, in StepInput) (*MoneyStep, error) {
	if err := requireRole(actor, supervisors...); err != nil {
		return nil, err
	}
	if err := in.validate(a.today(), false); err != nil {
		return nil, err
	}
	res := &MoneyStep{}
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		c, err := liveCase(ctx, tx, actor, in.CaseID)
		if err != nil {
			return err
		}
		if c.State == store.CaseSuspended {
			res.Replay = true
			return nil
		}
		f, err := tx.AwardFacts(ctx, c.AwardID)
		if err != nil {
			return err
		}
		if f.Status != "active" {
			return dtfund.Errorf(dtfund.ECONFLICT, "奖补状态为%s，不能暂缓", awardStatusLabel(f.Status))
		}
		if err := freeze(ctx, tx, actor, c, f, res); err != nil {
			return err
		}
		if err := tx.SetCaseState(ctx, c.ID, c.State, store.CaseSuspended); err != nil {
			return err
		}
		if err := tx.SetAwardStatus(ctx, c.AwardID, "suspended"); err != nil {
			return err
		}
		note := "暂缓项目执行：" + in.Reason + "；冻结尚未拨付的奖补资金 " + yuanText(res.AmountFen) + " 元，暂停拨付"
		if err := caseEvent(ctx, tx, actor, c.ID, "suspend", note, in.On, nil, nil,
			&store.SupervisionEvent{AmountFen: res.AmountFen, LedgerTxID: res.LedgerTxID}); err != nil {
			return err
		}
		if err := tx.Notify(ctx, store.Notification{OrgID: c.OrgID, Subject: "项目暂缓执行（第十八条）：" + c.AppNumber,
			Body: in.Reason + "。暂缓期间暂停拨付，尚未拨付的 " + yuanText(res.AmountFen) + " 元已冻结。"}); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("supervision.suspend", "supervision_case", itoa(c.ID)), map[string]any{"award_status": f.Status},
			map[string]any{"award_status": "suspended", "frozen_fen": res.AmountFen, "ledger_tx": res.LedgerTxID, "reason": in.Reason})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// freeze moves the award's unpaid commitment to its frozen account, keyed
// by the case and the number of its suspensions so far (a repeated posting
// is a no-op).
func freeze(ctx context.Context, tx *store.Tx, actor Actor, c *store.SupervisionCase, f *store.AwardFacts, res *MoneyStep) error {
	unpaid, err := tx.Balance(ctx, store.CommitmentAccount(f.ID))
	if err != nil || unpaid == 0 {
		return err
	}
	if _, err := tx.EnsureAccount(ctx, store.FrozenAccount(f.ID), store.AccountCommitment, "暂缓冻结·奖补 "+itoa(f.ID)); err != nil {
		return err
	}
	n, err := suspensionCount(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	id, _, err := tx.Post(ctx, &store.LedgerTx{Kind: "freeze", IdempotencyKey: fmt.Sprintf("freeze:case:%d:%d", c.ID, n+1),
		RefType: "award", RefID: itoa(f.ID), Memo: "暂缓执行，冻结未拨付奖补 " + f.OrgName, ActorID: actorID(actor),
		Postings: []store.Posting{{Account: store.FrozenAccount(f.ID), AmountFen: unpaid}, {Account: store.CommitmentAccount(f.ID), AmountFen: -unpaid}}})
	res.AmountFen, res.LedgerTxID = unpaid, id
	return err
}

// suspensionCount counts a case's suspensions so far, for the ledger keys.
func suspensionCount(ctx context.Context, tx *store.Tx, caseID int64) (int, error) {
	return tx.CountCaseEvents(ctx, caseID, "suspend")
}

// LiftSuspension lifts a suspension (解除暂缓): the frozen money returns to
// the award's commitment and the award becomes active again. The case goes
// back to rectification while orders are open, else it is closed as
// rectified. Lifting a case that is not suspended changes nothing.
func (a *App) LiftSuspension(ctx context.Context, actor Actor, in StepInput) (*MoneyStep, error) {
	if err := requireRole(actor, supervisors...); err != nil {
		return nil, err
	}
	if err := in.validate(a.today(), false); err != nil {
		return nil, err
	}
	res := &MoneyStep{}
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		c, err := liveCase(ctx, tx, actor, in.CaseID)
		if err != nil {
			return err
		}
		if c.State != store.CaseSuspended {
			res.Replay = true
			return nil
		}
		if err := unfreeze(ctx, tx, actor, c, res); err != nil {
			return err
		}
		open, err := tx.OpenOrders(ctx, c.ID)
		if err != nil {
			return err
		}
		next := store.CaseRectified
		if open > 0 {
			next = store.CaseRectifying
		}
		if err := tx.SetCaseState(ctx, c.ID, c.State, next); err != nil {
			return err
		}
		if err := tx.SetAwardStatus(ctx, c.AwardID, "active"); err != nil {
			return err
		}
		note := "解除暂缓，恢复项目执行：" + in.Reason + "；解冻奖补资金 " + yuanText(res.AmountFen) + " 元"
		if err := caseEvent(ctx, tx, actor, c.ID, "lift", note, in.On, nil, nil,
			&store.SupervisionEvent{AmountFen: res.AmountFen, LedgerTxID: res.LedgerTxID}); err != nil {
			return err
		}
		if err := tx.Notify(ctx, store.Notification{OrgID: c.OrgID, Subject: "解除暂缓，恢复项目执行（第十八条）：" + c.AppNumber,
			Body: in.Reason}); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("supervision.lift", "supervision_case", itoa(c.ID)), map[string]any{"award_status": "suspended"},
			map[string]any{"award_status": "active", "released_fen": res.AmountFen, "ledger_tx": res.LedgerTxID, "reason": in.Reason})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// unfreeze moves the frozen money back to the award's commitment.
func unfreeze(ctx context.Context, tx *store.Tx, actor Actor, c *store.SupervisionCase, res *MoneyStep) error {
	frozen, err := tx.Balance(ctx, store.FrozenAccount(c.AwardID))
	if err != nil || frozen == 0 {
		return err
	}
	n, err := suspensionCount(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	id, _, err := tx.Post(ctx, &store.LedgerTx{Kind: "unfreeze", IdempotencyKey: fmt.Sprintf("unfreeze:case:%d:%d", c.ID, n),
		RefType: "award", RefID: itoa(c.AwardID), Memo: "解除暂缓，解冻奖补 " + c.OrgName, ActorID: actorID(actor),
		Postings: []store.Posting{{Account: store.CommitmentAccount(c.AwardID), AmountFen: frozen}, {Account: store.FrozenAccount(c.AwardID), AmountFen: -frozen}}})
	res.AmountFen, res.LedgerTxID = frozen, id
	return err
}

// StopProject stops a project (停止项目执行, 第十八条): the case ends and the
// award is revoked in the same transaction — the unpaid and frozen money
// returns to the budget line, what was paid out becomes a receivable due by
// the due date (追回).
func (a *App) StopProject(ctx context.Context, actor Actor, in StepInput) (*store.Revocation, error) {
	if err := requireRole(actor, supervisors...); err != nil {
		return nil, err
	}
	if err := in.validate(a.today(), true); err != nil {
		return nil, err
	}
	var rev *store.Revocation
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		c, err := liveCase(ctx, tx, actor, in.CaseID)
		if err != nil {
			return err
		}
		if err := tx.SetCaseState(ctx, c.ID, c.State, store.CaseStopped); err != nil {
			return err
		}
		note := "停止项目执行：" + in.Reason
		money := &store.SupervisionEvent{}
		if c.AwardStatus != "revoked" {
			rev, err = revokeTx(ctx, tx, actor, RevokeInput{AwardID: c.AwardID, Reason: "项目停止执行（第十八条）：" + in.Reason,
				Article: SuperviseArticle, DueDate: in.DueDate})
			if err != nil {
				return err
			}
			note += "；撤销奖补，退回预算指标 " + yuanText(rev.ReturnedFen) + " 元，应追回已拨付资金 " + yuanText(rev.ReceivableFen) +
				" 元（追回期限 " + in.DueDate + "）"
			money.AmountFen, money.LedgerTxID = rev.ReturnedFen+rev.ReceivableFen, rev.LedgerTxID
		}
		if err := caseEvent(ctx, tx, actor, c.ID, "stop", note, in.On, nil, nil, money); err != nil {
			return err
		}
		if err := tx.Notify(ctx, store.Notification{OrgID: c.OrgID, Subject: "项目停止执行（第十八条）：" + c.AppNumber, Body: in.Reason}); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("supervision.stop", "supervision_case", itoa(c.ID)), map[string]any{"state": c.State},
			map[string]any{"state": store.CaseStopped, "reason": in.Reason, "revocation": rev})
	})
	if err != nil {
		return nil, err
	}
	return rev, nil
}

// endCasesOnRevoke ends the award's cases still being handled when the
// award is revoked (by a violation decision or on the award page): there is
// no project left to supervise.
func endCasesOnRevoke(ctx context.Context, tx *store.Tx, actor Actor, awardID int64, in RevokeInput) error {
	ids, states, err := tx.LiveCasesOfAward(ctx, awardID)
	if err != nil {
		return err
	}
	for i, id := range ids {
		if err := tx.SetCaseState(ctx, id, states[i], store.CaseStopped); err != nil {
			return err
		}
		note := "奖补已撤销（依据" + in.Article + "）：" + in.Reason + "，监督事项随之结束"
		if err := caseEvent(ctx, tx, actor, id, "stop", note, txToday(tx), nil, nil, &store.SupervisionEvent{Article: in.Article}); err != nil {
			return err
		}
	}
	return nil
}

// FindCases lists the cases the actor may see; today dates the overdue counts.
func (a *App) FindCases(ctx context.Context, actor Actor, f store.CaseFilter) ([]*store.SupervisionCase, int, error) {
	scope, err := caseScope(actor)
	if err != nil {
		return nil, 0, err
	}
	f.DistrictCode, f.Today = scope, a.today()
	return a.DB.FindCases(ctx, f)
}

// CaseView is a case with its orders, timeline and money.
type CaseView struct {
	Case      *store.SupervisionCase
	Orders    []*store.RectificationOrder
	Events    []*store.SupervisionEvent
	UnpaidFen int64 // the award's commitment not yet paid
	FrozenFen int64 // frozen by a suspension
	Today     string
}

// Case returns a case the actor may see, or ENOTFOUND.
func (a *App) Case(ctx context.Context, actor Actor, id int64) (*CaseView, error) {
	scope, err := caseScope(actor)
	if err != nil {
		return nil, err
	}
	v := &CaseView{Today: a.today()}
	if v.Case, err = a.DB.Case(ctx, id, scope, v.Today); err != nil {
		return nil, err
	}
	if v.Orders, err = a.DB.Orders(ctx, id); err != nil {
		return nil, err
	}
	if v.Events, err = a.DB.CaseEvents(ctx, id); err != nil {
		return nil, err
	}
	if v.UnpaidFen, err = a.DB.Balance(ctx, store.CommitmentAccount(v.Case.AwardID)); err != nil {
		return nil, err
	}
	v.FrozenFen, err = a.DB.Balance(ctx, store.FrozenAccount(v.Case.AwardID))
	return v, err
}

// OpenCaseEvidence opens the evidence of a step of a case the actor may
// see; the caller closes it.
func (a *App) OpenCaseEvidence(ctx context.Context, actor Actor, caseID, eventID int64) (string, *store.FileContent, *os.File, error) {
	scope, err := caseScope(actor)
	if err != nil {
		return "", nil, nil, err
	}
	if _, err := a.DB.Case(ctx, caseID, scope, a.today()); err != nil {
		return "", nil, nil, err
	}
	e, err := a.DB.CaseEvent(ctx, caseID, eventID)
	if err != nil {
		return "", nil, nil, err
	}
	fc, f, err := a.openPublicityFile(ctx, e.EvidenceSHA256)
	return e.EvidenceName, fc, f, err
}

// OverdueRectifications counts the open orders past their deadline the
// actor is responsible for (待办): a district's own, all for the city bureau.
func (a *App) OverdueRectifications(ctx context.Context, actor Actor) (int, error) {
	if err := requireRole(actor, supervisors...); err != nil {
		return 0, err
	}
	scope, _ := caseScope(actor)
	return a.DB.CountOverdueOrders(ctx, scope, a.today())
}

// DaysLeft is the number of days from today to a deadline (negative when
// overdue), for the pages.
func DaysLeft(today, deadline string) int {
	t, err1 := time.Parse(time.DateOnly, today)
	d, err2 := time.Parse(time.DateOnly, deadline)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(d.Sub(t).Hours() / 24)
}
