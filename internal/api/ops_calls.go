package api

import (
	"context"

	"dtfund"
	"dtfund/apiclient"
	"dtfund/internal/store"
)

// callOps: calls for applications (申报批次, 第六条（一）, 第十四条（一）).
func callOps() []*Operation {
	viewers := roles(dtfund.RoleApplicant, dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance, dtfund.RoleCityMIIT, dtfund.RoleCityFinance)
	city := roles(dtfund.RoleCityMIIT)
	return group("calls",
		op("GET", "/calls", "ListCalls", "申报批次列表（申报主体只见开放中的和已申报的批次）", viewers, listCalls),
		op("GET", "/calls/{id}", "GetCall", "申报批次详情", viewers, getCall),
		op("POST", "/calls", "CreateCall", "发布申报批次（市工信局）", city, createCall).created().fields("pass_mark", "rubric.pass_mark"),
		op("PUT", "/calls/{id}", "UpdateCall", "修改申报批次（已有申报后只能改通知、材料清单和延后截止时间）", city, updateCall).fields("pass_mark", "rubric.pass_mark"),
	)
}

func listCalls(ctx context.Context, c *Call, in *apiclient.CallQuery) (*apiclient.Page[apiclient.Call], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	calls, total, err := c.App.FindCalls(ctx, c.Actor, store.CallFilter{Category: string(in.Category), Page: p})
	if err != nil {
		return nil, err
	}
	return pageOf(calls, total, in.Paging, func(x *dtfund.Call) apiclient.Call { return toCall(c.App, x) }), nil
}

func getCall(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.Call, error) {
	x, err := c.App.Call(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	out := toCall(c.App, x)
	return &out, nil
}

func createCall(ctx context.Context, c *Call, in *apiclient.CallInput) (*apiclient.Call, error) {
	x := callIn(in)
	if err := c.App.CreateCall(ctx, c.Actor, x); err != nil {
		return nil, err
	}
	return getCall(ctx, c, &apiclient.ByID{ID: x.ID})
}

func updateCall(ctx context.Context, c *Call, in *apiclient.CallUpdate) (*apiclient.Call, error) {
	if _, err := c.App.Call(ctx, c.Actor, in.ID); err != nil {
		return nil, err
	}
	x := callIn(&in.CallInput)
	x.ID = in.ID
	if err := c.App.UpdateCall(ctx, c.Actor, x); err != nil {
		return nil, err
	}
	return getCall(ctx, c, &apiclient.ByID{ID: in.ID})
}
