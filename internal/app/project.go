package app

import (
	"context"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/store"
	"dtfund/policy"
)

// Retrofit projects (改造项目, 第十五条 事后奖补): every award has exactly one
// project, created in the approval's transaction. The applicant carries it
// out (milestones, progress reports), keeps its performance goals and
// evaluates itself (第六条（五）, 第十九条), and asks for acceptance; 市工信局
// holds the acceptance (验收), which requires the digital level the call
// sets (FACTS §4); a failed project gets a rectification period, and one
// that fails again or misses its deadline is terminated, its award revoked
// and recovered (recovery.go). Both city bureaus evaluate the accepted
// project's performance (第十六条).
//
// States (store.Project*): 实施中 → 已申请验收 → 已验收, or → 验收不通过·整改中
// → 已申请验收 → …; 实施中 or 整改中 past its deadline, or a second failed
// acceptance → 已终止. A revoked award terminates its open project.

// projectViewers may read projects, each within their scope.
var projectViewers = []dtfund.Role{dtfund.RoleApplicant, dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance,
	dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleInspector, dtfund.RoleAdmin}

// ProjectScope returns the filter fields that limit the actor to the
// projects they may see: an applicant its organisation's, district
// officials their district's, the city bureaus, the inspector and the
// administrator all. Outside it a project is "not found".
func ProjectScope(actor Actor) (store.ProjectFilter, error) {
	if err := requireRole(actor, projectViewers...); err != nil {
		return store.ProjectFilter{}, err
	}
	switch u := actor.User; u.Role {
	case dtfund.RoleApplicant:
		if u.OrgID == 0 {
			return store.ProjectFilter{OrgID: -1}, nil
		}
		return store.ProjectFilter{OrgID: u.OrgID}, nil
	case dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance:
		if u.DistrictCode == "" {
			return store.ProjectFilter{DistrictCode: "-"}, nil
		}
		return store.ProjectFilter{DistrictCode: u.DistrictCode}, nil
	}
	return store.ProjectFilter{}, nil
}

func inProjectScope(p *store.Project, scope store.ProjectFilter) bool {
	return (scope.OrgID == 0 || p.OrgID == scope.OrgID) && (scope.DistrictCode == "" || p.DistrictCode == scope.DistrictCode)
}

// FindProjects lists the projects the actor may see with the user's
// filters applied inside the scope (a city official may filter by district).
func (a *App) FindProjects(ctx context.Context, actor Actor, f store.ProjectFilter) ([]*store.Project, int, error) {
	scope, err := ProjectScope(actor)
	if err != nil {
		return nil, 0, err
	}
	f.OrgID = scope.OrgID
	if scope.DistrictCode != "" {
		f.DistrictCode = scope.DistrictCode
	}
	return a.DB.FindProjects(ctx, f)
}

// Project returns one project the actor may see, or ENOTFOUND.
func (a *App) Project(ctx context.Context, actor Actor, id int64) (*store.Project, error) {
	scope, err := ProjectScope(actor)
	if err != nil {
		return nil, err
	}
	p, err := a.DB.Project(ctx, id)
	if err != nil {
		return nil, err
	}
	if !inProjectScope(p, scope) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "改造项目不存在")
	}
	return p, nil
}

// ProjectOfApp returns the project of an application the actor may see,
// or ENOTFOUND (no award yet, or outside the scope).
func (a *App) ProjectOfApp(ctx context.Context, actor Actor, appID int64) (*store.Project, error) {
	scope, err := ProjectScope(actor)
	if err != nil {
		return nil, err
	}
	p, err := a.DB.ProjectOfApp(ctx, appID)
	if err != nil {
		return nil, err
	}
	if !inProjectScope(p, scope) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "改造项目不存在")
	}
	return p, nil
}

// projectInTx reads and locks a project inside the write transaction and
// checks the actor's scope: the row lock makes two officials acting on it
// at once take turns.
func projectInTx(ctx context.Context, tx *store.Tx, actor Actor, id int64) (*store.Project, error) {
	scope, err := ProjectScope(actor)
	if err != nil {
		return nil, err
	}
	if err := tx.LockProject(ctx, id); err != nil {
		return nil, err
	}
	p, err := tx.Project(ctx, id)
	if err != nil {
		return nil, err
	}
	if !inProjectScope(p, scope) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "改造项目不存在")
	}
	return p, nil
}

// ---- creation ----

// createProject creates an award's project in the caller's transaction
// (the approval's, or the backfill's): the deadline counts from the end of
// the application's publicity (the approval date when it was never
// published), with the call's project.completion_months; the goals come
// from the application.
func createProject(ctx context.Context, tx *store.Tx, actor Actor, awardID int64) (*store.Project, error) {
	b, err := tx.ProjectBasis(ctx, awardID)
	if err != nil {
		return nil, err
	}
	ap, err := tx.Application(ctx, b.ApplicationID)
	if err != nil {
		return nil, err
	}
	call, err := tx.Call(ctx, b.CallID)
	if err != nil {
		return nil, err
	}
	from, basis := b.ListEndDate, ""
	if from == "" {
		from, basis = b.ApprovalDate, "（该申报无公示记录，以政府批复日期 "+b.ApprovalDate+" 代替公示结束日期，自政府批复日期起算）"
	}
	start, err := policy.ParseDate(from)
	if err != nil {
		return nil, err
	}
	v, err := callValues(call, start)
	if err != nil && call.ParamsVersion != "" {
		// The call pins a parameter version this build does not carry (its
		// awards were made under an earlier one): the deadline follows the
		// current version with the call's overrides, and says so.
		pinned := *call
		pinned.ParamsVersion = ""
		v, err = callValues(&pinned, start)
		basis += "（批次指定的参数版本 " + call.ParamsVersion + " 已不可用，按现行版本 " + policy.Default().Version() + " 计算）"
	}
	if err != nil {
		return nil, err
	}
	deadline, f := policy.CompletionDeadline(v, start)
	p := &store.Project{AwardID: awardID, ApplicationID: b.ApplicationID, OrgID: b.OrgID, DistrictCode: b.DistrictCode,
		ListEndDate: from, Deadline: deadline.String(), DeadlineBasis: f.Message + basis}
	if err := tx.CreateProject(ctx, p); err != nil {
		return nil, err
	}
	goals := make([]store.ProjectGoal, len(ap.Goals))
	for i, g := range ap.Goals {
		goals[i] = store.ProjectGoal{Seq: i + 1, Indicator: g.Indicator, Baseline: g.Baseline, Target: g.Target}
	}
	if err := tx.ReplaceProjectGoals(ctx, p.ID, goals); err != nil {
		return nil, err
	}
	if err := addProjectEvent(ctx, tx, actor, p, "create", "", "奖补批准，项目进入实施；"+p.DeadlineBasis, f.Article); err != nil {
		return nil, err
	}
	return p, tx.Audit(ctx, actor.audit("project.create", "project", itoa(p.ID)), nil, p)
}

// projectBackfillBatch bounds one transaction of the backfill.
const projectBackfillBatch = 50

// EnsureProjects creates the missing projects of awards made before
// projects existed (or by other means), a batch per transaction, and
// returns how many it created. It is idempotent: an award with a project
// is skipped, and the UNIQUE award_id makes a concurrent run harmless.
// `dtfund serve` runs it at start.
func (a *App) EnsureProjects(ctx context.Context) (int, error) {
	actor := SystemActor("system")
	n := 0
	for {
		var made int
		err := a.DB.InTx(ctx, func(tx *store.Tx) error {
			ids, err := tx.AwardsWithoutProject(ctx, projectBackfillBatch)
			if err != nil {
				return err
			}
			for _, id := range ids {
				if _, err := createProject(ctx, tx, actor, id); err != nil {
					return err
				}
			}
			made = len(ids)
			return nil
		})
		n += made
		if err != nil || made < projectBackfillBatch {
			return n, err
		}
	}
}

// ---- timeline ----

func addProjectEvent(ctx context.Context, tx *store.Tx, actor Actor, p *store.Project, action, from, note, citation string) error {
	ev := &store.ProjectEvent{ProjectID: p.ID, ActorID: actorID(actor), Action: action, From: from, To: p.State, Note: note, Citation: citation}
	if actor.User != nil {
		ev.Actor = actor.User.DisplayName
	}
	return tx.AddProjectEvent(ctx, ev)
}

// ---- the page ----

// ProjectView is everything the project page shows, with the actions the
// actor may take now.
type ProjectView struct {
	Project     *store.Project
	Milestones  []*store.Milestone
	Progress    []*store.ProgressReport
	Goals       []store.ProjectGoal
	Acceptances []*store.Acceptance
	Evaluations []*store.Evaluation
	Events      []*store.ProjectEvent
	Assessments []*store.Assessment
	Today       string
	Overdue     bool
	Can         ProjectActions
}

// ProjectActions says which of the project's actions the actor may take
// now; the page shows exactly these buttons.
type ProjectActions struct {
	EditPlan  bool   // goals, milestones, self-evaluation (applicant)
	Report    bool   // progress reports and milestones (applicant)
	Request   bool   // ask for acceptance (applicant)
	Accept    bool   // record an acceptance (city_miit)
	Terminate bool   // terminate the project (city_miit)
	Evaluate  bool   // sign the performance evaluation (city bureaus)
	Why       string // why the applicant cannot ask for acceptance now, if it cannot
}

// ProjectDetail returns the project page's content.
func (a *App) ProjectDetail(ctx context.Context, actor Actor, id int64) (*ProjectView, error) {
	p, err := a.Project(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	v := &ProjectView{Project: p, Today: a.today()}
	v.Overdue = p.Overdue(v.Today)
	loads := []func() error{
		func() (err error) { v.Milestones, err = a.DB.Milestones(ctx, id); return },
		func() (err error) { v.Progress, err = a.DB.ProgressReports(ctx, id); return },
		func() (err error) { v.Goals, err = a.DB.ProjectGoals(ctx, id); return },
		func() (err error) { v.Acceptances, err = a.DB.Acceptances(ctx, id); return },
		func() (err error) { v.Evaluations, err = a.DB.Evaluations(ctx, id); return },
		func() (err error) { v.Events, err = a.DB.ProjectEvents(ctx, id); return },
		func() (err error) { v.Assessments, err = a.DB.Assessments(ctx, p.ApplicationID); return },
	}
	for _, load := range loads {
		if err := load(); err != nil {
			return nil, err
		}
	}
	v.Can = projectActions(actor, p, v.Evaluations, v.Goals, v.Today)
	return v, nil
}

func projectActions(actor Actor, p *store.Project, evals []*store.Evaluation, goals []store.ProjectGoal, today string) ProjectActions {
	var c ProjectActions
	open := p.State == store.ProjectInProgress || p.State == store.ProjectRectifying
	switch actor.User.Role {
	case dtfund.RoleApplicant:
		c.EditPlan = open
		c.Report = open || p.State == store.ProjectRequested
		if open {
			if err := requestRefusal(p, goals, today); err != nil {
				c.Why = dtfund.ErrorMessage(err)
			} else {
				c.Request = true
			}
		}
	case dtfund.RoleCityMIIT:
		c.Accept = p.State == store.ProjectRequested
		c.Terminate = p.Overdue(today)
	}
	if p.State == store.ProjectAccepted && (actor.User.Role == dtfund.RoleCityMIIT || actor.User.Role == dtfund.RoleCityFinance) {
		c.Evaluate = true
		for _, e := range evals {
			if e.Role == actor.User.Role {
				c.Evaluate = false
			}
		}
	}
	return c
}

// ---- 第十条（三）: the records the rules read ----

// projectRecords turns an organisation's projects into the rules' facts.
func projectRecords(ctx context.Context, tx *store.Tx, orgID int64) ([]policy.ProjectRecord, error) {
	rs, err := tx.OrgProjectRecords(ctx, orgID)
	if err != nil {
		return nil, err
	}
	out := make([]policy.ProjectRecord, 0, len(rs))
	for _, r := range rs {
		pr := policy.ProjectRecord{Number: r.AppNumber, Title: r.Title, State: policy.ProjectOpen}
		due := r.Deadline
		switch r.State {
		case store.ProjectAccepted:
			pr.State, due = policy.ProjectAccepted, ""
		case store.ProjectTerminated:
			pr.State, due = policy.ProjectTerminated, ""
		case store.ProjectRectifying:
			due = r.RectifyDeadline
		}
		if due != "" {
			if pr.Deadline, err = policy.ParseDate(due); err != nil {
				return nil, err
			}
		}
		out = append(out, pr)
	}
	return out, nil
}

// todayDate is the app's today as a policy date.
func (a *App) todayDate() policy.Date {
	d, _ := policy.ParseDate(calendar.DateOf(a.DB.Now()).String())
	return d
}
