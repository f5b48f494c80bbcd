package demo

import (
	"fmt"

	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/policy"
)

// The demo digital-level assessments (数字化水平评测, 工信厅企业〔2024〕56号):
// the third-party inspector (hecha) assesses every awarded retrofit (第七条
// （一）) before the retrofit — most below 一级 or at 一级, as enterprises
// that apply for the subsidy are — and the first one again after it, at
// 三级, so that the computation, the level table and the change can be seen.
// A revoked award (第二十条) is not assessed.

// baseline is one realistic starting point: options by indicator and how
// many scenarios (约束性 and others) reach each level.
type baseline struct {
	options map[string]string
	// levels[l] = {约束性, others} rated level l; the rest are 0.
	levels map[int][2]int
}

var baselines = []baseline{
	// 18 points, 4 scenarios at 一级: below 一级 on both counts.
	{map[string]string{"equip_digital": "b", "data_collection": "b", "system_coverage": "b", "security_protection": "b",
		"digital_talent": "b", "digital_investment": "b"}, map[int][2]int{1: {3, 1}}},
	// 34 points, 9 scenarios at 一级 or 二级: 一级.
	{map[string]string{"equip_digital": "b", "equip_network": "b", "data_collection": "b", "system_coverage": "c",
		"security_protection": "b", "transformation_plan": "b", "management_rules": "b", "digital_talent": "b",
		"digital_investment": "b", "quality_delivery_gain": "b"}, map[int][2]int{1: {3, 4}, 2: {2, 0}}},
	// 43.5 points, but only 4 scenarios at 二级: 一级 (the score alone does not make 二级).
	{map[string]string{"equip_digital": "c", "equip_network": "b", "data_collection": "c", "system_coverage": "c",
		"security_protection": "b", "transformation_plan": "b", "management_rules": "b", "digital_talent": "b",
		"digital_investment": "c", "efficiency_gain": "b"}, map[int][2]int{1: {4, 3}, 2: {3, 1}}},
}

// retrofitted is the first project after its retrofit: 67 points, nine
// scenarios at 三级 (six 约束性): 三级.
var retrofitted = baseline{map[string]string{"equip_digital": "d", "equip_network": "c", "data_collection": "d",
	"system_coverage": "d", "security_protection": "c", "transformation_plan": "c", "management_rules": "c",
	"digital_talent": "c", "digital_investment": "c", "efficiency_gain": "b"},
	map[int][2]int{3: {6, 3}, 2: {4, 1}, 1: {0, 2}}}

// answers turns a baseline into the questionnaire's answers.
func (b baseline) answers() policy.AssessmentAnswers {
	set := policy.AssessmentBase()
	a := policy.AssessmentAnswers{Indicators: map[string]string{}, Scenarios: map[string]int{}}
	for _, ind := range set.Indicators() {
		a.Indicators[ind.Code] = "a"
		if o, ok := b.options[ind.Code]; ok {
			a.Indicators[ind.Code] = o
		}
	}
	left := map[int][2]int{}
	for l, n := range b.levels {
		left[l] = n
	}
	for _, sc := range set.Scenarios {
		a.Scenarios[sc.Code] = 0
		for l := policy.MaxDigitalLevel; l >= 1; l-- {
			n := left[l]
			if sc.Mandatory.Value && n[0] > 0 {
				n[0]--
			} else if !sc.Mandatory.Value && n[1] > 0 {
				n[1]--
			} else {
				continue
			}
			left[l], a.Scenarios[sc.Code] = n, l
			break
		}
	}
	return a
}

// assessments seeds digital-level assessments before and after retrofit.
func (s *seeder) assessments() error {
	awards, _, _, err := s.a.DB.FindAwards(s.ctx, store.AwardFilter{Page: store.Page{Limit: 200}})
	if err != nil {
		return err
	}
	s.set(s.moment(1, "18:10"))
	inspector := s.actor("hecha")
	first := true
	for i := len(awards) - 1; i >= 0; i-- { // FindAwards is newest first; assess in award order
		aw := awards[i]
		if aw.Category != "7.1" {
			continue
		}
		if r, err := s.a.DB.Revocation(s.ctx, aw.ID); err == nil && r != nil {
			continue
		}
		b := baselines[aw.ID%int64(len(baselines))]
		if err := s.assess(inspector, aw, store.PhaseBefore, s.day(30).String(), b); err != nil {
			return err
		}
		if first {
			if err := s.assess(inspector, aw, store.PhaseAfter, s.day(1).String(), retrofitted); err != nil {
				return err
			}
			first = false
		}
	}
	return nil
}

func (s *seeder) assess(inspector app.Actor, aw *store.Award, phase, on string, b baseline) error {
	_, err := s.a.RecordAssessment(s.ctx, inspector, app.AssessmentInput{AppID: aw.ApplicationID, Phase: phase, AssessedOn: on,
		Assessor: "吉林省中小企业数字化水平评测中心（第三方）", Answers: b.answers()})
	if err != nil {
		return fmt.Errorf("demo assessment of %s (%s): %w", aw.AppNumber, phase, err)
	}
	return nil
}
