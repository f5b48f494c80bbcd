package app

import (
	"context"
	"strings"
	"unicode/utf8"

	"dtfund"
	"dtfund/internal/store"
	"dtfund/policy"
)

// Performance (绩效, 第十六条: 市工业和信息化局、市财政局应加强专项资金绩效
// 管理): the evaluation of an accepted project, scored by each of the two
// city bureaus once (as both sign the re-check, recheck.go), and the pilot's
// progress towards its goal per pilot industry (FACTS §2).

// evaluationRoles are the two bureaus that score a project.
var evaluationRoles = []dtfund.Role{dtfund.RoleCityMIIT, dtfund.RoleCityFinance}

// EvaluationInput is one bureau's evaluation.
type EvaluationInput struct {
	ProjectID int64
	Score     int // 0–100
	Opinion   string
}

// SignEvaluation records the actor's bureau's evaluation of an accepted
// project; each bureau signs once.
func (a *App) SignEvaluation(ctx context.Context, actor Actor, in EvaluationInput) (*store.Evaluation, error) {
	if err := requireRole(actor, evaluationRoles...); err != nil {
		return nil, err
	}
	in.Opinion = strings.TrimSpace(in.Opinion)
	var v dtfund.ValidationErrors
	if in.Score < 0 || in.Score > 100 {
		v.Add("score", "评分应为0至100之间的整数")
	}
	if in.Opinion == "" || utf8.RuneCountInString(in.Opinion) > maxOpinion {
		v.Add("opinion", "请填写评价意见（不超过%d字）", maxOpinion)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	e := &store.Evaluation{ProjectID: in.ProjectID, Role: actor.User.Role, UserID: actor.User.ID, Signer: actor.User.DisplayName,
		Score: in.Score, Opinion: in.Opinion}
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		p, err := projectInTx(ctx, tx, actor, in.ProjectID)
		if err != nil {
			return err
		}
		if p.State != store.ProjectAccepted {
			return dtfund.Errorf(dtfund.ECONFLICT, "项目当前状态为“%s”，验收通过后才能进行绩效评价", p.StateLabel())
		}
		if err := tx.AddEvaluation(ctx, e); err != nil {
			if dtfund.ErrorCode(err) == dtfund.ECONFLICT {
				return dtfund.Errorf(dtfund.ECONFLICT, "%s已对该项目进行绩效评价", actor.User.Role.Label())
			}
			return err
		}
		note := actor.User.Role.Label() + "（" + e.Signer + "）绩效评价 " + itoa(int64(e.Score)) + " 分（" + EvaluationGrade(e.Score) + "）：" + e.Opinion
		if err := addProjectEvent(ctx, tx, actor, p, "evaluate", p.State, note, "第十六条"); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("project.evaluate", "project", itoa(p.ID)), nil, e)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// EvaluationGrade is the grade of a performance score: 优 90–100, 良 80–89,
// 中 60–79, 差 below 60, as 《项目支出绩效评价管理办法》（财预〔2020〕10号）
// grades project-spending evaluations.
func EvaluationGrade(score int) string {
	switch {
	case score >= 90:
		return "优"
	case score >= 80:
		return "良"
	case score >= 60:
		return "中"
	}
	return "差"
}

// EvaluationSummary is the joint result once both bureaus have scored:
// the mean of the two scores in hundredths (rounded half up) and its grade.
type EvaluationSummary struct {
	Complete   bool
	ScoreCenti int64
	Grade      string
}

// SummariseEvaluations combines a project's evaluations.
func SummariseEvaluations(es []*store.Evaluation) EvaluationSummary {
	if len(es) < len(evaluationRoles) {
		return EvaluationSummary{}
	}
	sum := int64(0)
	for _, e := range es {
		sum += int64(e.Score)
	}
	centi := (sum*100*2 + int64(len(es))) / (2 * int64(len(es)))
	return EvaluationSummary{Complete: true, ScoreCenti: centi, Grade: EvaluationGrade(int(centi / 100))}
}

// PilotIndustry is one pilot industry's progress towards the goal.
type PilotIndustry struct {
	Industry string
	Codes    []string
	Rows     []*store.PilotRow // the enterprises behind the figures
	Reached  int
	Total    int
	ShareBP  int64 // reached / total in basis points, rounded down
	Finding  policy.Finding
}

// PilotReport is the pilot view: per pilot industry (第四条), the share of
// awarded enterprises whose latest assessment after the retrofit is at the
// goal level or above, against the goal (FACTS §2).
type PilotReport struct {
	AsOf       string
	GoalLevel  int
	GoalBP     int64
	Industries []*PilotIndustry
	Source     string
}

// PilotProgress computes the pilot view for the city bureaus.
func (a *App) PilotProgress(ctx context.Context, actor Actor) (*PilotReport, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleInspector, dtfund.RoleAdmin); err != nil {
		return nil, err
	}
	today := a.todayDate()
	v, err := policy.Default().At(today)
	if err != nil {
		return nil, err
	}
	level, _ := v.Int("pilot.goal_level")
	goal, _ := v.Int("pilot.goal_share_bp")
	ref, _ := v.Ref("pilot.goal_share_bp")
	rep := &PilotReport{AsOf: today.String(), GoalLevel: int(level), GoalBP: goal, Source: ref.Source}
	byCode := map[string]*PilotIndustry{}
	var codes []string
	for _, c := range v.PilotIndustries() {
		ind := byCode["industry:"+c.Industry]
		if ind == nil {
			ind = &PilotIndustry{Industry: c.Industry}
			byCode["industry:"+c.Industry] = ind
			rep.Industries = append(rep.Industries, ind)
		}
		ind.Codes = append(ind.Codes, c.Code)
		byCode[c.Code] = ind
		codes = append(codes, c.Code)
	}
	rows, err := a.DB.PilotRows(ctx, codes)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		ind := byCode[r.IndustryCode]
		ind.Rows = append(ind.Rows, r)
		ind.Total++
		if r.Assessed && r.Level >= int(level) {
			ind.Reached++
		}
	}
	for _, ind := range rep.Industries {
		if ind.Total > 0 {
			ind.ShareBP = int64(ind.Reached) * 10000 / int64(ind.Total)
		}
		ind.Finding = policy.PilotGoal(v, ind.Industry, ind.Reached, ind.Total)
	}
	return rep, nil
}
