package app

import (
	"context"
	"slices"

	"dtfund"
	"dtfund/internal/store"
)

// RecentActivity is the user's own latest changes, from the audit log:
// what the workbench shows under 「最近办理」.
func (a *App) RecentActivity(ctx context.Context, actor Actor, n int) ([]*store.AuditEntry, error) {
	if actor.User == nil {
		return nil, dtfund.Errorf(dtfund.EUNAUTHORIZED, "请先登录")
	}
	return a.DB.FindAudit(ctx, store.AuditFilter{Actor: actor.User.Username, Page: store.Page{Limit: n}})
}

// SearchResult is what one search finds within the actor's scope.
type SearchResult struct {
	Apps      []*dtfund.Application
	AppsTotal int
	Orgs      []*dtfund.Organization
	OrgsTotal int
	OrgsShown bool // the actor's role may list organisations
}

// orgSearchers may search organisations (officials; FindOrganizations
// applies their jurisdiction).
var orgSearchers = []dtfund.Role{dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance, dtfund.RoleCityMIIT,
	dtfund.RoleCityFinance, dtfund.RoleInspector, dtfund.RoleAdmin}

// Search finds applications by number, organisation name or 统一社会信用代码,
// and — for officials — organisations by name or code, each within the
// actor's scope, n of each at most.
func (a *App) Search(ctx context.Context, actor Actor, q string, n int) (*SearchResult, error) {
	res := &SearchResult{}
	if actor.User == nil {
		return nil, dtfund.Errorf(dtfund.EUNAUTHORIZED, "请先登录")
	}
	if q == "" {
		return res, nil
	}
	var err error
	res.Apps, res.AppsTotal, err = a.FindApplications(ctx, actor, store.ApplicationFilter{Query: q, Page: store.Page{Limit: n}})
	if err != nil {
		return nil, err
	}
	if slices.Contains(orgSearchers, actor.User.Role) {
		res.OrgsShown = true
		res.Orgs, res.OrgsTotal, err = a.FindOrganizations(ctx, actor, store.OrgFilter{Query: q, Page: store.Page{Limit: n}})
		if err != nil {
			return nil, err
		}
	}
	return res, nil
}
