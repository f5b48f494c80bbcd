package app

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/store"
	"dtfund/policy"
)

// Digital-level assessments (数字化水平评测) of awarded applications, before
// and after the retrofit, under 《中小企业数字化水平评测指标（2024年版）》
// (工信厅企业〔2024〕56号): acceptance (验收评审, 第十九条) reads the latest
// 'after' assessment. An assessment is computed by policy.Assess from the
// questionnaire's answers with the indicator set in force on the assessment
// date, or entered from a third-party report and checked against the level
// table. The indicator set is the embedded file with the administrator's
// corrections (each with a citation) applied in order.

// assessmentWriters record assessments: the inspector acting as the
// third-party assessor (第十七条 委托第三方机构) and 市工信局, which organises
// acceptance (第六条（一）).
var assessmentWriters = []dtfund.Role{dtfund.RoleInspector, dtfund.RoleCityMIIT}

// assessmentReaders see assessments within their scope (ApplicationScope):
// the applicant its own, district officials their district's, city
// officials and the inspector all.
var assessmentReaders = []dtfund.Role{dtfund.RoleApplicant, dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance,
	dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleInspector}

// CanRecordAssessments reports whether the role records assessments.
func CanRecordAssessments(r dtfund.Role) bool { return hasRole(assessmentWriters, r) }

// CanReadAssessments reports whether the role reads assessments (in scope).
func CanReadAssessments(r dtfund.Role) bool { return hasRole(assessmentReaders, r) }

func hasRole(rs []dtfund.Role, r dtfund.Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// AssessmentPhaseLabel names a phase: 改造前 / 改造后.
func AssessmentPhaseLabel(phase string) string {
	switch phase {
	case store.PhaseBefore:
		return "改造前"
	case store.PhaseAfter:
		return "改造后"
	}
	return phase
}

// ---- the indicator set and its corrections ----

// IndicatorSet returns the newest version of the indicator set: the
// embedded base with every correction applied.
func (a *App) IndicatorSet(ctx context.Context) (*policy.IndicatorSet, error) {
	cs, err := a.DB.IndicatorCorrections(ctx, policy.AssessmentBase().Base)
	if err != nil {
		return nil, err
	}
	return applyCorrections(cs, len(cs), policy.Date{})
}

// IndicatorSetRevision returns version "<base>+r<revision>" of the set
// (revision 0 is the base), to show an older version.
func (a *App) IndicatorSetRevision(ctx context.Context, revision int) (*policy.IndicatorSet, error) {
	cs, err := a.DB.IndicatorCorrections(ctx, policy.AssessmentBase().Base)
	if err != nil {
		return nil, err
	}
	if revision < 0 || revision > len(cs) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "评测指标没有修订版本 %d", revision)
	}
	return applyCorrections(cs, revision, policy.Date{})
}

// IndicatorSetOn returns the version in force on a date: the base with the
// corrections effective on or before it (their dates never decrease, so
// these are the first ones).
func (a *App) IndicatorSetOn(ctx context.Context, d policy.Date) (*policy.IndicatorSet, error) {
	cs, err := a.DB.IndicatorCorrections(ctx, policy.AssessmentBase().Base)
	if err != nil {
		return nil, err
	}
	return applyCorrections(cs, len(cs), d)
}

// applyCorrections applies the first n corrections to the base, stopping
// at the first effective after on (when on is set).
func applyCorrections(cs []*store.IndicatorCorrection, n int, on policy.Date) (*policy.IndicatorSet, error) {
	s := policy.AssessmentBase()
	for _, c := range cs[:n] {
		from, err := policy.ParseDate(c.EffectiveFrom)
		if err != nil {
			return nil, err
		}
		if !on.IsZero() && from.After(on) {
			break
		}
		if s, err = s.Apply(policy.IndicatorCorrection{Key: c.FigureKey, Value: c.NewValue, From: from, Source: c.Citation,
			Confirmed: c.Confirmed}); err != nil {
			return nil, errors.New("stored indicator correction " + strconv.Itoa(c.Revision) + " no longer applies: " + err.Error())
		}
	}
	return s, nil
}

// CorrectionInput corrects one figure of the indicator set.
type CorrectionInput struct {
	Key            string
	Value          string
	From           string // YYYY-MM-DD
	Citation       string
	Confirmed      bool // the citation is the published original
	IdempotencyKey string
}

// CorrectIndicator records an administrator's correction of one figure with
// its citation: a new version of the indicator set. Assessments already
// computed keep the version they used; new ones dated on or after the
// correction's date use it. A retried request (same idempotency key)
// records nothing and returns nil.
func (a *App) CorrectIndicator(ctx context.Context, actor Actor, in CorrectionInput) (*store.IndicatorCorrection, error) {
	if err := requireRole(actor, dtfund.RoleAdmin); err != nil {
		return nil, err
	}
	from, derr := policy.ParseDate(strings.TrimSpace(in.From))
	var c *store.IndicatorCorrection
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		if done, err := a.replayed(ctx, tx, actor, in.IdempotencyKey); err != nil || done != "" {
			return err
		}
		base := policy.AssessmentBase()
		cs, err := tx.IndicatorCorrections(ctx, base.Base)
		if err != nil {
			return err
		}
		cur, err := applyCorrections(cs, len(cs), policy.Date{})
		if err != nil {
			return err
		}
		next, err := cur.Apply(policy.IndicatorCorrection{Key: in.Key, Value: in.Value, From: from, Source: in.Citation,
			Confirmed: in.Confirmed})
		if err != nil || derr != nil {
			return fieldErrors(err, derr, "from")
		}
		old, _ := cur.Figure(in.Key)
		now, _ := next.Figure(in.Key)
		c = &store.IndicatorCorrection{BaseVersion: base.Base, Revision: next.Revision, FigureKey: in.Key, OldValue: old.Value,
			NewValue: now.Value, EffectiveFrom: from.String(), Citation: strings.TrimSpace(in.Citation), Confirmed: in.Confirmed,
			CreatedBy: actor.User.ID}
		if err := tx.CreateIndicatorCorrection(ctx, c); err != nil {
			return err
		}
		if err := a.remember(ctx, tx, actor, in.IdempotencyKey, c.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("assessment.indicator.correct", "assessment_indicator", next.Version()),
			map[string]string{"key": in.Key, "value": old.Value, "version": cur.Version()}, c)
	})
	return c, err
}

// IndicatorCorrections lists the corrections, newest first, for the
// administrator.
func (a *App) IndicatorCorrections(ctx context.Context, actor Actor, page store.Page) ([]*store.IndicatorCorrection, int, error) {
	if err := requireRole(actor, dtfund.RoleAdmin); err != nil {
		return nil, 0, err
	}
	return a.DB.FindIndicatorCorrections(ctx, page)
}

// fieldErrors turns policy's FieldProblems (and a date error for dateField)
// into ValidationErrors.
func fieldErrors(err, dateErr error, dateField string) error {
	var ve dtfund.ValidationErrors
	var probs policy.FieldProblems
	if errors.As(err, &probs) {
		for _, p := range probs {
			if p.Field == dateField && dateErr != nil {
				continue // the date's own message says more
			}
			ve = append(ve, dtfund.FieldError(p.Field, "%s", p.Message))
		}
	} else if err != nil {
		return err
	}
	if dateErr != nil {
		ve = append(ve, dtfund.FieldError(dateField, "%s", dateErr.Error()))
	}
	return ve.Err()
}

// replayed returns the stored result of an idempotency key already used by
// the actor ("" when new).
func (a *App) replayed(ctx context.Context, tx *store.Tx, actor Actor, key string) (string, error) {
	if key == "" {
		return "", nil
	}
	return tx.IdempotencyResult(ctx, key, actor.User.ID)
}

func (a *App) remember(ctx context.Context, tx *store.Tx, actor Actor, key string, id int64) error {
	if key == "" {
		return nil
	}
	return tx.SaveIdempotencyResult(ctx, key, actor.User.ID, strconv.FormatInt(id, 10))
}

// ---- recording assessments ----

// AssessmentInput is a computed assessment: the questionnaire's answers.
type AssessmentInput struct {
	AppID          int64
	Phase          string // before | after
	AssessedOn     string // YYYY-MM-DD
	Assessor       string // the assessing body or person
	Answers        policy.AssessmentAnswers
	IdempotencyKey string // a resent form records nothing twice
}

// ReportInput is an assessment entered from a third-party report.
type ReportInput struct {
	AppID          int64
	Phase          string
	AssessedOn     string // the report's date
	Assessor       string // the third-party assessment body
	ReportNo       string
	Score          string // points as written in the report: "42.5"
	Level          string // "0" (未达到一级) … "4"
	IdempotencyKey string
}

// assessmentHead is what both kinds of entry share, checked.
type assessmentHead struct {
	appID          int64
	phase, on      string
	date           policy.Date
	assessor       string
	idempotencyKey string
}

func checkHead(appID int64, phase, on, assessor, key string) (assessmentHead, dtfund.ValidationErrors) {
	h := assessmentHead{appID: appID, phase: phase, on: strings.TrimSpace(on), assessor: strings.TrimSpace(assessor), idempotencyKey: key}
	var ve dtfund.ValidationErrors
	if phase != store.PhaseBefore && phase != store.PhaseAfter {
		ve.Add("phase", "请选择评测阶段（改造前或改造后）")
	}
	d, err := policy.ParseDate(h.on)
	if err != nil {
		ve.Add("assessed_on", "评测日期%s", strings.TrimPrefix(err.Error(), "日期"))
	}
	h.date = d
	if n := utf8.RuneCountInString(h.assessor); n == 0 || n > 100 {
		ve.Add("assessor", "请填写评测机构或评测人（不超过100字）")
	}
	return h, ve
}

// RecordAssessment records an assessment computed from the answers with the
// indicator set in force on the assessment date (policy.Assess). Only an
// awarded application can be assessed; the findings explain the level.
func (a *App) RecordAssessment(ctx context.Context, actor Actor, in AssessmentInput) (*store.Assessment, error) {
	if err := requireRole(actor, assessmentWriters...); err != nil {
		return nil, err
	}
	h, ve := checkHead(in.AppID, in.Phase, in.AssessedOn, in.Assessor, in.IdempotencyKey)
	if len(ve) > 0 {
		// Show every problem at once: the answers too, against today's set.
		if set, err := a.IndicatorSet(ctx); err == nil {
			if verr := fieldErrors(set.Validate(in.Answers), nil, ""); verr != nil {
				ve = append(ve, verr.(dtfund.ValidationErrors)...)
			}
		}
		return nil, ve
	}
	answers, err := json.Marshal(in.Answers)
	if err != nil {
		return nil, err
	}
	return a.recordAssessment(ctx, actor, h, func(set *policy.IndicatorSet) (*store.Assessment, error) {
		r, err := policy.Assess(set, in.Answers)
		if err != nil {
			return nil, fieldErrors(err, nil, "")
		}
		return &store.Assessment{Source: "computed", Answers: string(answers), ScoreCenti: r.ScoreCenti, Level: r.Level,
			Findings: mustJSON(r.Findings), Result: mustJSON(r)}, nil
	})
}

// RecordAssessmentReport records an assessment entered from a third-party
// report. The score and level are checked against the level table in force
// on the report's date (policy.CheckAssessmentReport): a level the score
// cannot reach is refused with the finding that says why.
func (a *App) RecordAssessmentReport(ctx context.Context, actor Actor, in ReportInput) (*store.Assessment, error) {
	if err := requireRole(actor, assessmentWriters...); err != nil {
		return nil, err
	}
	h, ve := checkHead(in.AppID, in.Phase, in.AssessedOn, in.Assessor, in.IdempotencyKey)
	reportNo := strings.TrimSpace(in.ReportNo)
	if n := utf8.RuneCountInString(reportNo); n == 0 || n > 100 {
		ve.Add("report_no", "请填写评测报告编号（不超过100字）")
	}
	score, err := policy.ParsePoints(in.Score)
	if err != nil {
		ve.Add("score", "评测得分%s", strings.TrimPrefix(err.Error(), "分值"))
	}
	level, err := strconv.Atoi(strings.TrimSpace(in.Level))
	if err != nil || level < 0 || level > policy.MaxDigitalLevel {
		ve.Add("level", "请选择报告给出的等级（未达到一级或一级至四级）")
	}
	if len(ve) > 0 {
		return nil, ve
	}
	return a.recordAssessment(ctx, actor, h, func(set *policy.IndicatorSet) (*store.Assessment, error) {
		r, ok := policy.CheckAssessmentReport(set, policy.AssessmentReport{ReportNo: reportNo, Assessor: h.assessor, Date: h.date,
			ScoreCenti: score, Level: level})
		if !ok {
			last := r.Findings[len(r.Findings)-1]
			return nil, dtfund.ValidationErrors{dtfund.FieldError("level", "%s（%s）", last.Message, last.Article)}
		}
		return &store.Assessment{Source: "report", ReportNo: reportNo, ScoreCenti: score, Level: level,
			Findings: mustJSON(r.Findings), Result: mustJSON(r)}, nil
	})
}

// recordAssessment writes an assessment in one transaction with its audit
// record and the applicant's notification, after checking the actor's
// scope, the award and the order of the phases. build makes the assessment
// from the indicator set in force on its date, or refuses.
func (a *App) recordAssessment(ctx context.Context, actor Actor, h assessmentHead,
	build func(*policy.IndicatorSet) (*store.Assessment, error)) (*store.Assessment, error) {
	scope, err := ApplicationScope(actor)
	if err != nil {
		return nil, err
	}
	var as *store.Assessment
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		if done, err := a.replayed(ctx, tx, actor, h.idempotencyKey); err != nil || done != "" {
			if err == nil {
				id, _ := strconv.ParseInt(done, 10, 64)
				as, err = tx.Assessment(ctx, id)
			}
			return err
		}
		app, err := tx.Application(ctx, h.appID)
		if err != nil || !inScope(app, scope) {
			return dtfund.Errorf(dtfund.ENOTFOUND, "申报不存在")
		}
		if err := checkAssessable(ctx, tx, app, h); err != nil {
			return err
		}
		set, err := a.setOn(ctx, tx, h.date)
		if err != nil {
			return err
		}
		if as, err = build(set); err != nil {
			return err
		}
		as.ApplicationID, as.OrgID, as.Phase, as.AssessedOn, as.Assessor = app.ID, app.OrgID, h.phase, h.on, h.assessor
		as.ParamVersion, as.CreatedBy = set.Version(), actor.User.ID
		if err := tx.CreateAssessment(ctx, as); err != nil {
			return err
		}
		if err := a.remember(ctx, tx, actor, h.idempotencyKey, as.ID); err != nil {
			return err
		}
		if err := tx.Notify(ctx, store.Notification{OrgID: app.OrgID, ApplicationID: app.ID, Subject: "数字化水平评测结果已录入",
			Body: app.Number + " 的" + AssessmentPhaseLabel(h.phase) + "数字化水平评测：得分 " + policy.Points(as.ScoreCenti) + " 分，" +
				policy.DigitalLevelLabel(as.Level) + "（评测日期 " + h.on + "，" + h.assessor + "）。"}); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("assessment.record", "assessment", strconv.FormatInt(as.ID, 10)), nil,
			map[string]any{"application_id": app.ID, "phase": h.phase, "source": as.Source, "assessed_on": h.on,
				"assessor": h.assessor, "report_no": as.ReportNo, "param_version": as.ParamVersion, "score_centi": as.ScoreCenti,
				"level": as.Level})
	})
	if err != nil {
		return nil, err
	}
	return as, nil
}

// checkAssessable refuses an application without an award (or with a
// revoked one, 第二十条), a date in the future, and phases out of order: an
// 'after' assessment may not be dated before the latest 'before' one, nor a
// 'before' one after the latest 'after'.
func checkAssessable(ctx context.Context, tx *store.Tx, app *dtfund.Application, h assessmentHead) error {
	awardID, err := tx.AwardIDOfApp(ctx, app.ID)
	if err != nil {
		return err
	}
	if awardID == 0 {
		return dtfund.Errorf(dtfund.ECONFLICT, "申报 %s 尚未获批奖补，不能录入数字化水平评测（评测用于奖补项目改造前后的水平评价和验收）", app.Number)
	}
	facts, err := tx.AwardFacts(ctx, awardID)
	if err != nil {
		return err
	}
	if facts.Status == "revoked" {
		return dtfund.Errorf(dtfund.ECONFLICT, "申报 %s 的奖补已撤销（第二十条），不再评测", app.Number)
	}
	if today := calendar.DateOf(tx.Now()).String(); h.on > today {
		return dtfund.FieldError("assessed_on", "评测日期 %s 晚于今天（%s）", h.on, today)
	}
	if base := policy.AssessmentBase(); h.date.Before(base.EffectiveFrom) {
		return dtfund.FieldError("assessed_on", "评测日期 %s 早于《%s》（%s）的施行日期 %s", h.on, base.Title, base.Document, base.EffectiveFrom)
	}
	other := store.PhaseAfter
	if h.phase == store.PhaseAfter {
		other = store.PhaseBefore
	}
	o, err := tx.LatestAssessment(ctx, app.ID, other)
	if err != nil || o == nil {
		return err
	}
	if h.phase == store.PhaseAfter && h.on < o.AssessedOn {
		return dtfund.FieldError("assessed_on", "改造后评测日期 %s 早于改造前评测日期 %s", h.on, o.AssessedOn)
	}
	if h.phase == store.PhaseBefore && h.on > o.AssessedOn {
		return dtfund.FieldError("assessed_on", "改造前评测日期 %s 晚于已有的改造后评测日期 %s", h.on, o.AssessedOn)
	}
	return nil
}

// setOn is IndicatorSetOn inside the transaction.
func (a *App) setOn(ctx context.Context, tx *store.Tx, d policy.Date) (*policy.IndicatorSet, error) {
	cs, err := tx.IndicatorCorrections(ctx, policy.AssessmentBase().Base)
	if err != nil {
		return nil, err
	}
	return applyCorrections(cs, len(cs), d)
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("assessment JSON: " + err.Error()) // only plain structs are marshalled
	}
	return string(b)
}

// ---- reading ----

// ApplicationAssessments returns an application the actor may see, its
// award and its assessments (oldest first).
func (a *App) ApplicationAssessments(ctx context.Context, actor Actor, appID int64) (*dtfund.Application, *store.Award, []*store.Assessment, error) {
	app, err := a.assessedApp(ctx, actor, appID)
	if err != nil {
		return nil, nil, nil, err
	}
	aw, err := a.DB.AwardOfApp(ctx, appID)
	if err != nil {
		return nil, nil, nil, err
	}
	list, err := a.DB.Assessments(ctx, appID)
	return app, aw, list, err
}

// Assessment returns one assessment of an application the actor may see,
// and the application; out of scope it is not found.
func (a *App) Assessment(ctx context.Context, actor Actor, id int64) (*store.Assessment, *dtfund.Application, error) {
	if err := requireRole(actor, assessmentReaders...); err != nil {
		return nil, nil, err
	}
	as, err := a.DB.Assessment(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	app, err := a.assessedApp(ctx, actor, as.ApplicationID)
	if dtfund.ErrorCode(err) == dtfund.ENOTFOUND {
		return nil, nil, dtfund.Errorf(dtfund.ENOTFOUND, "评测记录不存在")
	}
	return as, app, err
}

// AssessableApplication returns an awarded application the actor may assess.
func (a *App) AssessableApplication(ctx context.Context, actor Actor, appID int64) (*dtfund.Application, *store.Award, error) {
	if err := requireRole(actor, assessmentWriters...); err != nil {
		return nil, nil, err
	}
	app, err := a.assessedApp(ctx, actor, appID)
	if err != nil {
		return nil, nil, err
	}
	aw, err := a.DB.AwardOfApp(ctx, appID)
	if dtfund.ErrorCode(err) == dtfund.ENOTFOUND {
		return nil, nil, dtfund.Errorf(dtfund.ECONFLICT, "申报 %s 尚未获批奖补，不能录入数字化水平评测", app.Number)
	}
	return app, aw, err
}

func (a *App) assessedApp(ctx context.Context, actor Actor, appID int64) (*dtfund.Application, error) {
	if err := requireRole(actor, assessmentReaders...); err != nil {
		return nil, err
	}
	scope, err := ApplicationScope(actor)
	if err != nil {
		return nil, err
	}
	return a.DB.Application(ctx, appID, scope)
}

// AssessedAwards lists the awards the actor may see, each with its latest
// assessment before and after the retrofit; category filters ("" for all).
func (a *App) AssessedAwards(ctx context.Context, actor Actor, category string, page store.Page) ([]*store.AssessedAward, int, error) {
	if err := requireRole(actor, assessmentReaders...); err != nil {
		return nil, 0, err
	}
	f := store.AssessedAwardFilter{Category: category, Page: page}
	switch u := actor.User; u.Role {
	case dtfund.RoleApplicant:
		f.OrgID = u.OrgID
		if f.OrgID == 0 {
			f.OrgID = -1 // an applicant account without an organisation sees nothing
		}
	case dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance:
		f.DistrictCode = u.DistrictCode
		if f.DistrictCode == "" {
			f.DistrictCode = "-"
		}
	}
	return a.DB.FindAssessedAwards(ctx, f)
}
