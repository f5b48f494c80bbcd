package apiclient

import "time"

// ---- digital-level assessments (数字化水平评测, 工信厅企业〔2024〕56号) ----

// Assessment is one assessment of an awarded application.
type Assessment struct {
	ID              int64     `json:"id"`
	ApplicationID   int64     `json:"application_id"`
	OrgID           int64     `json:"org_id"`
	Phase           string    `json:"phase" enum:"before,after" doc:"改造前 / 改造后"`
	PhaseLabel      string    `json:"phase_label"`
	AssessedOn      string    `json:"assessed_on" format:"date"`
	Assessor        string    `json:"assessor"`
	ReportNo        string    `json:"report_no" doc:"第三方评测报告编号；按问卷计算的为空"`
	Source          string    `json:"source" enum:"computed,report" doc:"computed 按问卷计算；report 按第三方报告录入"`
	ParamVersion    string    `json:"param_version" doc:"所用评测指标的版本"`
	ScoreHundredths int64     `json:"score_hundredths" doc:"得分 × 100"`
	Level           int       `json:"level" doc:"0 未达到一级；1–4 一级至四级"`
	LevelLabel      string    `json:"level_label"`
	CreatedAt       time.Time `json:"created_at"`
}

// AssessmentDetail is an assessment with the whole computation: scores by
// dimension, group and indicator, the scenarios, the level table and the
// findings that explain the level.
type AssessmentDetail struct {
	Assessment
	AppNumber          string                `json:"app_number"`
	OrgName            string                `json:"org_name"`
	MaxHundredths      int64                 `json:"max_hundredths"`
	Dimensions         []AssessmentDimension `json:"dimensions" doc:"按报告录入的为空"`
	Scenarios          []AssessmentScenario  `json:"scenarios" doc:"按报告录入的为空"`
	Levels             []AssessmentLevel     `json:"levels"`
	Findings           []Finding             `json:"findings"`
	IndicatorsDocument string                `json:"indicators_document"`
}

// AssessmentDimension is a dimension's score.
type AssessmentDimension struct {
	Code            string            `json:"code"`
	Name            string            `json:"name"`
	MaxHundredths   int64             `json:"max_hundredths"`
	ScoreHundredths int64             `json:"score_hundredths"`
	Groups          []AssessmentGroup `json:"groups"`
}

// AssessmentGroup is a group's score.
type AssessmentGroup struct {
	Code            string                `json:"code"`
	Name            string                `json:"name"`
	MaxHundredths   int64                 `json:"max_hundredths"`
	ScoreHundredths int64                 `json:"score_hundredths"`
	Indicators      []AssessmentIndicator `json:"indicators"`
}

// AssessmentIndicator is the option chosen for an indicator.
type AssessmentIndicator struct {
	Code            string `json:"code"`
	Name            string `json:"name"`
	Option          string `json:"option"`
	OptionLabel     string `json:"option_label"`
	MaxHundredths   int64  `json:"max_hundredths"`
	ScoreHundredths int64  `json:"score_hundredths"`
}

// AssessmentScenario is a business scenario's level.
type AssessmentScenario struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Mandatory bool   `json:"mandatory" doc:"约束性场景"`
	Level     int    `json:"level"`
}

// AssessmentLevel is one row of the level table with what was met.
type AssessmentLevel struct {
	Level         int   `json:"level"`
	MinHundredths int64 `json:"min_score_hundredths"`
	MinScenarios  int   `json:"min_scenarios"`
	MinMandatory  int   `json:"min_mandatory"`
	Scenarios     int   `json:"scenarios" doc:"达到该级的场景数；按报告录入为 -1（未知）"`
	Mandatory     int   `json:"mandatory"`
	ScoreMet      bool  `json:"score_met"`
	ScenariosMet  bool  `json:"scenarios_met"`
	MandatoryMet  bool  `json:"mandatory_met"`
	Met           bool  `json:"met"`
}

// AssessedAwardQuery filters the awards with their assessments.
type AssessedAwardQuery struct {
	Paging
	Category Category `query:"category" json:"-"`
}

// AssessedAward is an award with its latest assessment before and after
// the retrofit.
type AssessedAward struct {
	Award  Award       `json:"award"`
	Before *Assessment `json:"before" doc:"最近一次改造前评测；没有为 null"`
	After  *Assessment `json:"after" doc:"最近一次改造后评测；没有为 null"`
}

// ApplicationAssessments are an awarded application's assessments.
type ApplicationAssessments struct {
	Application Application  `json:"application"`
	Award       *Award       `json:"award"`
	Assessments []Assessment `json:"assessments" doc:"最早的在前"`
	LevelChange *int         `json:"level_change" doc:"改造后与改造前最近一次评测的等级之差；缺一为 null"`
}

// AssessmentAnswers are the questionnaire's answers.
type AssessmentAnswers struct {
	Indicators map[string]string `json:"indicators" doc:"指标代码 → 所选选项（a、b、c、d）"`
	Scenarios  map[string]int    `json:"scenarios" doc:"业务场景代码 → 等级（0–4）"`
}

// AssessmentInput records an assessment computed from the questionnaire.
type AssessmentInput struct {
	ApplicationID  int64             `path:"id" json:"-"`
	Phase          string            `json:"phase" enum:"before,after"`
	AssessedOn     string            `json:"assessed_on" format:"date"`
	Assessor       string            `json:"assessor" doc:"评测机构或评测人"`
	Answers        AssessmentAnswers `json:"answers" doc:"错误以 answers.indicators.<代码>、answers.scenarios.<代码> 指明"`
	IdempotencyKey string            `json:"idempotency_key,omitempty"`
}

// AssessmentReportInput records an assessment from a third-party report.
type AssessmentReportInput struct {
	ApplicationID   int64  `path:"id" json:"-"`
	Phase           string `json:"phase" enum:"before,after"`
	AssessedOn      string `json:"assessed_on" format:"date" doc:"报告日期"`
	Assessor        string `json:"assessor" doc:"第三方评测机构"`
	ReportNo        string `json:"report_no"`
	ScoreHundredths int64  `json:"score_hundredths" doc:"报告的得分 × 100（42.5 分为 4250）"`
	Level           int    `json:"level" doc:"报告给出的等级：0 未达到一级，1–4"`
	IdempotencyKey  string `json:"idempotency_key,omitempty"`
}

// IndicatorSetQuery selects a version of the indicator set.
type IndicatorSetQuery struct {
	Revision *int `query:"revision" json:"-" doc:"修订版本（0 为原文）；不填为最新"`
}

// IndicatorSet is one version of the assessment's indicators.
type IndicatorSet struct {
	Version       string               `json:"version"`
	Base          string               `json:"base"`
	Revision      int                  `json:"revision"`
	Latest        int                  `json:"latest_revision"`
	Title         string               `json:"title"`
	Document      string               `json:"document"`
	Source        string               `json:"source"`
	EffectiveFrom string               `json:"effective_from" format:"date"`
	From          string               `json:"from" format:"date" doc:"本版本的适用日期"`
	MaxHundredths int64                `json:"max_hundredths"`
	Dimensions    []IndicatorDimension `json:"dimensions"`
	Scenarios     []IndicatorScenario  `json:"scenarios"`
	Figures       []IndicatorFigure    `json:"figures" doc:"可更正的每个数值及其来源"`
}

// IndicatorDimension is a dimension of the set.
type IndicatorDimension struct {
	Code          string           `json:"code"`
	Name          string           `json:"name"`
	MaxHundredths int64            `json:"max_hundredths"`
	Groups        []IndicatorGroup `json:"groups"`
}

// IndicatorGroup is a group of indicators.
type IndicatorGroup struct {
	Code          string          `json:"code"`
	Name          string          `json:"name"`
	MaxHundredths int64           `json:"max_hundredths"`
	Indicators    []IndicatorSpec `json:"indicators"`
}

// IndicatorSpec is an indicator with its options.
type IndicatorSpec struct {
	Code     string            `json:"code"`
	Name     string            `json:"name"`
	Question string            `json:"question"`
	Options  []IndicatorOption `json:"options"`
}

// IndicatorOption is one answer and its points.
type IndicatorOption struct {
	Value            string `json:"value"`
	Label            string `json:"label"`
	PointsHundredths int64  `json:"points_hundredths"`
}

// IndicatorScenario is a business scenario.
type IndicatorScenario struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Mandatory bool   `json:"mandatory"`
}

// IndicatorFigure is one correctable value with its source.
type IndicatorFigure struct {
	Key         string `json:"key"`
	Label       string `json:"label"`
	Value       string `json:"value"`
	Source      string `json:"source"`
	Unconfirmed bool   `json:"unconfirmed" doc:"原文细节未能核实"`
	Revision    int    `json:"revision" doc:"0：原文；n：第 n 次更正"`
	From        string `json:"from" format:"date"`
}

// IndicatorCorrection is an administrator's correction of one figure.
type IndicatorCorrection struct {
	ID            int64     `json:"id"`
	Revision      int       `json:"revision"`
	Version       string    `json:"version"`
	Key           string    `json:"key"`
	OldValue      string    `json:"old_value"`
	NewValue      string    `json:"new_value"`
	EffectiveFrom string    `json:"effective_from" format:"date"`
	Citation      string    `json:"citation"`
	Confirmed     bool      `json:"confirmed"`
	CreatedBy     string    `json:"created_by"`
	CreatedAt     time.Time `json:"created_at"`
}

// IndicatorCorrectionInput corrects one figure with its citation.
type IndicatorCorrectionInput struct {
	Key            string `json:"key" doc:"数值的键，如 level.2.min_score"`
	Value          string `json:"value"`
	From           string `json:"from" format:"date" doc:"适用日期"`
	Citation       string `json:"citation" doc:"依据（文件名称及文号）"`
	Confirmed      bool   `json:"confirmed,omitempty" doc:"依据为已核实的公开原文"`
	IdempotencyKey string `json:"idempotency_key,omitempty"`
}

// IndicatorCorrectionResult is the recorded correction (null when the
// idempotency key was used before).
type IndicatorCorrectionResult struct {
	Correction *IndicatorCorrection `json:"correction"`
	Replayed   bool                 `json:"replayed"`
}
