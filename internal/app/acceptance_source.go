package app

import (
	"context"

	"dtfund/calendar"
	"dtfund/policy"
)

// projectAcceptances gives 免申即享 matching (第十五条) the accepted
// retrofit projects of 第七条（一） (acceptance.go), by organisation: the
// criterion “第七条（一）项目已通过验收” of a matching policy.
type projectAcceptances struct{ a *App }

// AcceptedProjects lists, per organisation, its projects accepted on or
// before asOf (the acceptance day in Asia/Shanghai).
func (s projectAcceptances) AcceptedProjects(ctx context.Context, asOf calendar.Date) (map[int64][]policy.AcceptedProject, error) {
	rs, err := s.a.DB.AcceptedRetrofits(ctx)
	if err != nil {
		return nil, err
	}
	out := map[int64][]policy.AcceptedProject{}
	for _, r := range rs {
		day := calendar.DateOf(r.AcceptedAt)
		if r.AcceptedAt.IsZero() || day.After(asOf) {
			continue
		}
		out[r.OrgID] = append(out[r.OrgID], policy.AcceptedProject{Project: r.AppNumber + " " + r.Title,
			AcceptedOn: policy.NewDate(day.Year, day.Month, day.Day)})
	}
	return out, nil
}
