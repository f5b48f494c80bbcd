package api

import (
	"context"
	"encoding/json"
	"time"

	"dtfund"
	"dtfund/apiclient"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/policy"
)

// assessmentOps: digital-level assessments (数字化水平评测, 工信厅企业〔2024〕56号)
// of awarded applications before and after the retrofit, which acceptance
// reads (第十九条), and the indicator set with the administrator's
// corrections — the pages of /assessments and /admin/assessment-indicators.
func assessmentOps() []*Operation {
	readers := roles(dtfund.RoleApplicant, dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance, dtfund.RoleCityMIIT,
		dtfund.RoleCityFinance, dtfund.RoleInspector)
	writers := roles(dtfund.RoleInspector, dtfund.RoleCityMIIT)
	admin := roles(dtfund.RoleAdmin)
	return group("assessments",
		op("GET", "/assessments", "ListAssessedAwards", "获奖补项目及其最近一次改造前、改造后评测（范围按角色与辖区）", readers, listAssessedAwards),
		op("GET", "/assessments/{id}", "GetAssessment", "评测详情：各维度、分项、指标得分，业务场景，等级对照表与判定依据", readers, getAssessment),
		op("GET", "/applications/{id}/assessments", "ListApplicationAssessments", "申报的全部评测与改造前后等级变化", readers,
			listApplicationAssessments),
		op("POST", "/applications/{id}/assessments", "RecordAssessment",
			"按评测问卷计算并记录评测（第三方核查机构或市工信局；适用评测日期有效的指标版本）", writers, recordAssessment).created().
			fields("ind_", "answers.indicators.", "scn_", "answers.scenarios."),
		op("POST", "/applications/{id}/assessments/report", "RecordAssessmentReport",
			"按第三方评测报告录入评测：得分与等级须符合等级对照表", writers, recordAssessmentReport).created().
			fields("score", "score_hundredths"),
		op("GET", "/assessment-indicators", "GetIndicatorSet", "数字化水平评测指标（某一修订版本，默认最新）：问卷、分值、等级表及每个数值的来源",
			anyUser, getIndicatorSet).may(404),
		op("GET", "/assessment-indicators/corrections", "ListIndicatorCorrections", "评测指标的更正记录（最新在前）", admin, listIndicatorCorrections),
		op("POST", "/assessment-indicators/corrections", "CorrectIndicator", "更正评测指标的一个数值（须注明依据；形成新的修订版本，自适用日期起用于新评测）",
			admin, correctIndicator).created(),
	)
}

// storedAt reads a time stored as UTC text.
func storedAt(s string) time.Time {
	t, _ := time.Parse("2006-01-02T15:04:05.000000Z", s)
	return t.UTC()
}

func assessmentOut(a *store.Assessment) apiclient.Assessment {
	return apiclient.Assessment{ID: a.ID, ApplicationID: a.ApplicationID, OrgID: a.OrgID, Phase: a.Phase,
		PhaseLabel: app.AssessmentPhaseLabel(a.Phase), AssessedOn: a.AssessedOn, Assessor: a.Assessor, ReportNo: a.ReportNo,
		Source: a.Source, ParamVersion: a.ParamVersion, ScoreHundredths: a.ScoreCenti, Level: a.Level,
		LevelLabel: policy.DigitalLevelLabel(a.Level), CreatedAt: storedAt(a.CreatedAt)}
}

func assessmentPtr(a *store.Assessment) *apiclient.Assessment {
	if a == nil {
		return nil
	}
	out := assessmentOut(a)
	return &out
}

func listAssessedAwards(ctx context.Context, c *Call, in *apiclient.AssessedAwardQuery) (*apiclient.Page[apiclient.AssessedAward], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	rows, total, err := c.App.AssessedAwards(ctx, c.Actor, string(in.Category), p)
	if err != nil {
		return nil, err
	}
	return pageOf(rows, total, in.Paging, func(r *store.AssessedAward) apiclient.AssessedAward {
		return apiclient.AssessedAward{Award: awardOut(r.Award), Before: assessmentPtr(r.Before), After: assessmentPtr(r.After)}
	}), nil
}

func getAssessment(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.AssessmentDetail, error) {
	as, a, err := c.App.Assessment(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	var res policy.AssessmentResult
	if as.Result != "" {
		if err := json.Unmarshal([]byte(as.Result), &res); err != nil && c.Log != nil {
			c.Log.ErrorContext(ctx, "stored assessment result unreadable", "assessment", as.ID, "err", err)
		}
	}
	out := &apiclient.AssessmentDetail{Assessment: assessmentOut(as), AppNumber: a.Number, OrgName: a.OrgName, MaxHundredths: res.MaxCenti,
		IndicatorsDocument: res.Document,
		Dimensions: mapSlice(res.Dimensions, func(d policy.DimensionScore) apiclient.AssessmentDimension {
			return apiclient.AssessmentDimension{Code: d.Code, Name: d.Name, MaxHundredths: d.MaxCenti, ScoreHundredths: d.ScoreCenti,
				Groups: mapSlice(d.Groups, func(g policy.GroupScore) apiclient.AssessmentGroup {
					return apiclient.AssessmentGroup{Code: g.Code, Name: g.Name, MaxHundredths: g.MaxCenti, ScoreHundredths: g.ScoreCenti,
						Indicators: mapSlice(g.Indicators, func(i policy.IndicatorScore) apiclient.AssessmentIndicator {
							return apiclient.AssessmentIndicator{Code: i.Code, Name: i.Name, Option: i.Option, OptionLabel: i.OptionLabel,
								MaxHundredths: i.MaxCenti, ScoreHundredths: i.ScoreCenti}
						})}
				})}
		}),
		Scenarios: mapSlice(res.Scenarios, func(s policy.ScenarioRating) apiclient.AssessmentScenario {
			return apiclient.AssessmentScenario{Code: s.Code, Name: s.Name, Mandatory: s.Mandatory, Level: s.Level}
		}),
		Levels: mapSlice(res.Levels, func(l policy.LevelCheck) apiclient.AssessmentLevel {
			return apiclient.AssessmentLevel{Level: l.Level, MinHundredths: l.MinScoreCenti, MinScenarios: l.MinScenarios,
				MinMandatory: l.MinMandatory, Scenarios: l.Scenarios, Mandatory: l.Mandatory, ScoreMet: l.ScoreMet,
				ScenariosMet: l.ScenariosMet, MandatoryMet: l.MandatoryMet, Met: l.Met}
		}),
		Findings: mapSlice(res.Findings, findingOut)}
	if len(res.Findings) == 0 {
		out.Findings = findingsOut(ctx, c, as.Findings)
	}
	return out, nil
}

func listApplicationAssessments(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.ApplicationAssessments, error) {
	a, aw, list, err := c.App.ApplicationAssessments(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	out := &apiclient.ApplicationAssessments{Application: appOut(a, c.Actor.User.Role), Assessments: mapSlice(list, assessmentOut)}
	if aw != nil {
		x := awardOut(aw)
		out.Award = &x
	}
	var before, after *store.Assessment
	for _, as := range list { // oldest first: the last of each phase is the latest
		if as.Phase == store.PhaseBefore {
			before = as
		} else {
			after = as
		}
	}
	if before != nil && after != nil {
		d := after.Level - before.Level
		out.LevelChange = &d
	}
	return out, nil
}

func recordAssessment(ctx context.Context, c *Call, in *apiclient.AssessmentInput) (*apiclient.AssessmentDetail, error) {
	answers := policy.AssessmentAnswers{Indicators: in.Answers.Indicators, Scenarios: in.Answers.Scenarios}
	if answers.Indicators == nil {
		answers.Indicators = map[string]string{}
	}
	if answers.Scenarios == nil {
		answers.Scenarios = map[string]int{}
	}
	as, err := c.App.RecordAssessment(ctx, c.Actor, app.AssessmentInput{AppID: in.ApplicationID, Phase: in.Phase, AssessedOn: in.AssessedOn,
		Assessor: in.Assessor, Answers: answers, IdempotencyKey: in.IdempotencyKey})
	if err != nil {
		return nil, err
	}
	return getAssessment(ctx, c, &apiclient.ByID{ID: as.ID})
}

func recordAssessmentReport(ctx context.Context, c *Call, in *apiclient.AssessmentReportInput) (*apiclient.AssessmentDetail, error) {
	if in.ScoreHundredths < 0 || in.ScoreHundredths > 10000 {
		return nil, dtfund.FieldError("score_hundredths", "评测得分须在0至100分之间（以百分之一分计，0至10000）")
	}
	as, err := c.App.RecordAssessmentReport(ctx, c.Actor, app.ReportInput{AppID: in.ApplicationID, Phase: in.Phase, AssessedOn: in.AssessedOn,
		Assessor: in.Assessor, ReportNo: in.ReportNo, Score: policy.Points(in.ScoreHundredths), Level: itoa(in.Level),
		IdempotencyKey: in.IdempotencyKey})
	if err != nil {
		return nil, err
	}
	return getAssessment(ctx, c, &apiclient.ByID{ID: as.ID})
}

func getIndicatorSet(ctx context.Context, c *Call, in *apiclient.IndicatorSetQuery) (*apiclient.IndicatorSet, error) {
	latest, err := c.App.IndicatorSet(ctx)
	if err != nil {
		return nil, err
	}
	set := latest
	if in.Revision != nil {
		if *in.Revision < 0 {
			return nil, badInput("revision", "修订版本须为非负整数")
		}
		if set, err = c.App.IndicatorSetRevision(ctx, *in.Revision); err != nil {
			return nil, err
		}
	}
	return &apiclient.IndicatorSet{Version: set.Version(), Base: set.Base, Revision: set.Revision, Latest: latest.Revision, Title: set.Title,
		Document: set.Document, Source: set.Source, EffectiveFrom: set.EffectiveFrom.String(), From: set.From.String(),
		MaxHundredths: set.MaxCenti(),
		Dimensions: mapSlice(set.Dimensions, func(d policy.Dimension) apiclient.IndicatorDimension {
			return apiclient.IndicatorDimension{Code: d.Code, Name: d.Name, MaxHundredths: d.Points.Value,
				Groups: mapSlice(d.Groups, func(g policy.Group) apiclient.IndicatorGroup {
					return apiclient.IndicatorGroup{Code: g.Code, Name: g.Name, MaxHundredths: g.Points.Value,
						Indicators: mapSlice(g.Indicators, func(i policy.Indicator) apiclient.IndicatorSpec {
							return apiclient.IndicatorSpec{Code: i.Code, Name: i.Name, Question: i.Question,
								Options: mapSlice(i.Options, func(o policy.Option) apiclient.IndicatorOption {
									return apiclient.IndicatorOption{Value: o.Value, Label: o.Label, PointsHundredths: o.Points.Value}
								})}
						})}
				})}
		}),
		Scenarios: mapSlice(set.Scenarios, func(s policy.Scenario) apiclient.IndicatorScenario {
			return apiclient.IndicatorScenario{Code: s.Code, Name: s.Name.Value, Mandatory: s.Mandatory.Value}
		}),
		Figures: mapSlice(set.Figures(), func(f policy.FigureInfo) apiclient.IndicatorFigure {
			return apiclient.IndicatorFigure{Key: f.Key, Label: f.Label, Value: f.Value, Source: f.Ref.Source, Unconfirmed: f.Ref.Unconfirmed,
				Revision: f.Ref.Revision, From: f.Ref.From.String()}
		})}, nil
}

func correctionOut(x *store.IndicatorCorrection) apiclient.IndicatorCorrection {
	v := x.BaseVersion
	if x.Revision > 0 {
		v += "+r" + itoa(x.Revision)
	}
	return apiclient.IndicatorCorrection{ID: x.ID, Revision: x.Revision, Version: v, Key: x.FigureKey, OldValue: x.OldValue,
		NewValue: x.NewValue, EffectiveFrom: x.EffectiveFrom, Citation: x.Citation, Confirmed: x.Confirmed, CreatedBy: x.CreatedByName,
		CreatedAt: utc(x.CreatedAt)}
}

func listIndicatorCorrections(ctx context.Context, c *Call, in *apiclient.Paging) (*apiclient.Page[apiclient.IndicatorCorrection], error) {
	p, err := page(in)
	if err != nil {
		return nil, err
	}
	cs, total, err := c.App.IndicatorCorrections(ctx, c.Actor, p)
	if err != nil {
		return nil, err
	}
	return pageOf(cs, total, *in, correctionOut), nil
}

func correctIndicator(ctx context.Context, c *Call, in *apiclient.IndicatorCorrectionInput) (*apiclient.IndicatorCorrectionResult, error) {
	x, err := c.App.CorrectIndicator(ctx, c.Actor, app.CorrectionInput{Key: in.Key, Value: in.Value, From: in.From, Citation: in.Citation,
		Confirmed: in.Confirmed, IdempotencyKey: in.IdempotencyKey})
	if err != nil {
		return nil, err
	}
	if x == nil {
		return &apiclient.IndicatorCorrectionResult{Replayed: true}, nil
	}
	if x.CreatedByName == "" {
		x.CreatedByName = c.Actor.User.DisplayName
	}
	out := correctionOut(x)
	return &apiclient.IndicatorCorrectionResult{Correction: &out}, nil
}
