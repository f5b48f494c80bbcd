package api

import (
	"context"

	"dtfund"
	"dtfund/apiclient"
	"dtfund/internal/app"
	"dtfund/internal/store"
)

// publicityOps: publicity batches and objections (网站公示, 第十四条（五）),
// the government's approval and the awards (政府审批, 第十四条（六）).
func publicityOps() []*Operation {
	city := roles(dtfund.RoleCityMIIT)
	return group("publicity",
		op("GET", "/publicity/batches", "ListPublicityBatches", "公示批次列表", city, listBatches),
		op("POST", "/publicity/batches", "CreatePublicityBatch", "新建公示批次（公示开始日期）", city, createBatch).created(),
		op("GET", "/publicity/batches/{id}", "GetPublicityBatch", "公示批次", city, getBatch),
		op("GET", "/publicity/batches/{id}/items", "ListPublicityItems", "公示批次中的申报", city, listBatchItems),
		op("GET", "/publicity/candidates", "ListPublicityCandidates", "可列入公示的申报（资格复核通过）及复核确定的金额上限", city, listCandidates),
		op("POST", "/publicity/batches/{id}/items", "PublishApplication",
			"列入公示：每个申报有自己的5个工作日公示期（按工作日历计算）", city, publishApplication).created().fields("amount", "amount_fen"),
		op("POST", "/publicity/batches/{id}/close", "ClosePublicityBatch", "结束公示（须各项公示期满且无待核查异议）", city, closeBatch),
		op("POST", "/publicity/batches/{id}/approval-with-scan", "ApproveBatchWithScan",
			"录入市政府批复并上传批复扫描件（multipart：doc_number、doc_date、file）", city, approveBatchWithScan).
			upload(app.MaxPublicityFileSize+1<<20).
			describe("与 ApproveBatch 相同，另附批复扫描件；同一 idempotency_key 的重复请求不重复审批。"),
		op("POST", "/publicity/batches/{id}/approval", "ApproveBatch",
			"录入市政府批复：公示通过且无异议的申报获批并生成奖补（第十四条（六））", city, approveBatch).
			describe("不附批复扫描件（附扫描件请用 ApproveBatchWithScan）；同一 idempotency_key 的重复请求不重复审批。"),
		op("GET", "/objections", "ListObjections", "公示异议列表", city, listObjections),
		op("GET", "/objections/{id}", "GetObjection", "公示异议", city, getObjection),
		op("POST", "/objections/{id}/decision", "DecideObjection", "异议核查结论：成立（申报退出公示）或不成立", city, decideObjection),
		op("GET", "/awards", "ListAwards", "奖补名单（县区只见本辖区，申报主体只见本单位）",
			roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance, dtfund.RoleApplicant), listAwards),
	)
}

func batchOut(b *store.PublicityBatch) apiclient.PublicityBatch {
	return apiclient.PublicityBatch{ID: b.ID, Title: b.Title, StartDate: b.StartDate, State: b.State, ClosedAt: timePtr(b.ClosedAt),
		CreatedAt: utc(b.CreatedAt), Items: b.Items, LastEnd: b.LastEnd, OpenObjections: b.OpenObjections}
}

func itemOut(it *store.PublicityItem) apiclient.PublicityItem {
	return apiclient.PublicityItem{ID: it.ID, BatchID: it.BatchID, ApplicationID: it.ApplicationID, AppNumber: it.AppNumber,
		AppState: apiclient.AppState(it.AppState), OrgName: it.OrgName, ProjectTitle: it.ProjectTitle, Category: apiclient.Category(it.Category),
		AmountFen: it.AmountFen, StartDate: it.StartDate, EndDate: it.EndDate, RemovedAt: timePtr(it.RemovedAt),
		RemovedReason: it.RemovedReason, OpenObjections: it.OpenObjections}
}

func listBatches(ctx context.Context, c *Call, in *apiclient.Paging) (*apiclient.Page[apiclient.PublicityBatch], error) {
	p, err := page(in)
	if err != nil {
		return nil, err
	}
	bs, total, err := c.App.PublicityBatches(ctx, c.Actor, store.BatchFilter{Page: p})
	if err != nil {
		return nil, err
	}
	return pageOf(bs, total, *in, batchOut), nil
}

func createBatch(ctx context.Context, c *Call, in *apiclient.PublicityBatchInput) (*apiclient.PublicityBatch, error) {
	b, err := c.App.CreatePublicityBatch(ctx, c.Actor, in.Title, in.StartDate)
	if err != nil {
		return nil, err
	}
	return getBatch(ctx, c, &apiclient.ByID{ID: b.ID})
}

func getBatch(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.PublicityBatch, error) {
	b, err := c.App.PublicityBatch(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	out := batchOut(b)
	return &out, nil
}

func listBatchItems(ctx context.Context, c *Call, in *apiclient.BatchItemsQuery) (*apiclient.Page[apiclient.PublicityItem], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	items, total, err := c.App.PublicityItems(ctx, c.Actor, in.ID, p)
	if err != nil {
		return nil, err
	}
	return pageOf(items, total, in.Paging, itemOut), nil
}

func listCandidates(ctx context.Context, c *Call, in *apiclient.Paging) (*apiclient.Page[apiclient.Candidate], error) {
	p, err := page(in)
	if err != nil {
		return nil, err
	}
	cands, total, err := c.App.PublicityCandidates(ctx, c.Actor, p)
	if err != nil {
		return nil, err
	}
	return pageOf(cands, total, *in, func(x app.Candidate) apiclient.Candidate {
		out := apiclient.Candidate{Application: appOut(x.App, c.Actor.User.Role)}
		if r := x.Result; r != nil {
			out.FundSource, out.HasCap, out.MaxSubsidyFen = r.FundSource, r.HasCap, r.MaxSubsidyFen
		}
		return out
	}), nil
}

func publishApplication(ctx context.Context, c *Call, in *apiclient.PublishInput) (*apiclient.PublicityItem, error) {
	if in.AmountFen != nil && *in.AmountFen < 0 {
		return nil, dtfund.FieldError("amount_fen", "拟支持金额不能为负数")
	}
	it, err := c.App.Publish(ctx, c.Actor, app.Publication{BatchID: in.BatchID, AppID: in.ApplicationID, AmountFen: in.AmountFen,
		IdempotencyKey: in.IdempotencyKey})
	if err != nil {
		return nil, err
	}
	// Read back with the application's state and number.
	if it, err = c.App.DB.PublicityItemOfApp(ctx, in.ApplicationID); err != nil {
		return nil, err
	}
	out := itemOut(it)
	return &out, nil
}

func closeBatch(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.CloseResult, error) {
	n, err := c.App.ClosePublicity(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	return &apiclient.CloseResult{Passed: n}, nil
}

func approveBatch(ctx context.Context, c *Call, in *apiclient.ApprovalInput) (*apiclient.ApprovalResult, error) {
	return approve(ctx, c, app.ApprovalInput{BatchID: in.BatchID, DocNumber: in.DocNumber, DocDate: in.DocDate,
		IdempotencyKey: in.IdempotencyKey})
}

func approveBatchWithScan(ctx context.Context, c *Call, in *apiclient.ApprovalUpload) (*apiclient.ApprovalResult, error) {
	if in.File == nil {
		return nil, dtfund.FieldError("file", "请选择批复扫描件")
	}
	file, err := publicityFile(in.File)
	if err != nil {
		return nil, err
	}
	return approve(ctx, c, app.ApprovalInput{BatchID: in.BatchID, DocNumber: in.DocNumber, DocDate: in.DocDate, File: file,
		IdempotencyKey: in.IdempotencyKey})
}

func approve(ctx context.Context, c *Call, in app.ApprovalInput) (*apiclient.ApprovalResult, error) {
	res, err := c.App.ApproveBatch(ctx, c.Actor, in)
	if err != nil {
		return nil, err
	}
	out := &apiclient.ApprovalResult{Awards: mapSlice(res.Awards, awardOut), Skipped: strs(res.Skipped), Replayed: res.Replayed}
	if res.Approval != nil {
		out.ApprovalID, out.DocNumber = res.Approval.ID, res.Approval.DocNumber
	}
	return out, nil
}

func objectionOut(o *store.Objection) apiclient.Objection {
	return apiclient.Objection{ID: o.ID, BatchID: o.BatchID, BatchTitle: o.BatchTitle, ItemID: o.ItemID, ApplicationID: o.ApplicationID,
		AppNumber: o.AppNumber, OrgName: o.OrgName, ProjectTitle: o.ProjectTitle, Name: o.Name, Contact: o.Contact, Reason: o.Reason,
		HasFile: o.AttachmentSHA256 != "", State: o.State, StateLabel: store.ObjectionStateLabel(o.State), Finding: o.Finding,
		DecidedAt: timePtr(o.DecidedAt), CreatedAt: utc(o.CreatedAt)}
}

func listObjections(ctx context.Context, c *Call, in *apiclient.ObjectionQuery) (*apiclient.Page[apiclient.Objection], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	os, total, err := c.App.Objections(ctx, c.Actor, store.ObjectionFilter{BatchID: in.BatchID, State: in.State, Page: p})
	if err != nil {
		return nil, err
	}
	return pageOf(os, total, in.Paging, objectionOut), nil
}

func getObjection(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.Objection, error) {
	o, err := c.App.Objection(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	out := objectionOut(o)
	return &out, nil
}

func decideObjection(ctx context.Context, c *Call, in *apiclient.ObjectionDecisionInput) (*apiclient.Objection, error) {
	if err := c.App.DecideObjection(ctx, c.Actor, app.ObjectionDecision{ID: in.ID, Upheld: in.Upheld, Finding: in.Finding}); err != nil {
		return nil, err
	}
	return getObjection(ctx, c, &apiclient.ByID{ID: in.ID})
}

func listAwards(ctx context.Context, c *Call, in *apiclient.Paging) (*apiclient.Page[apiclient.Award], error) {
	p, err := page(in)
	if err != nil {
		return nil, err
	}
	awards, total, _, err := c.App.FindAwards(ctx, c.Actor, store.AwardFilter{Page: p})
	if err != nil {
		return nil, err
	}
	return pageOf(awards, total, *in, awardOut), nil
}

// publicOps: what anyone may read and send without an account: the
// publicity lists and objections (第十四条（五）).
func publicOps() []*Operation {
	return group("public",
		op("GET", "/public/publicity/items", "ListPublicItems", "正在公示的项目（无需登录）", public, listPublicItems),
		op("GET", "/public/publicity/batches", "ListPublicBatches", "公示批次（无需登录；state=open 公示中，closed 已结束）", public, listPublicBatches),
		op("GET", "/public/publicity/batches/{id}", "GetPublicBatch", "公示批次（无需登录）", public, getPublicBatch),
		op("GET", "/public/publicity/batches/{id}/items", "ListPublicBatchItems", "公示批次中的项目（无需登录）", public, listPublicBatchItems),
		op("POST", "/public/publicity/batches/{id}/objections", "LodgeObjection",
			"对公示项目提出异议（无需登录；同一地址每小时限量）", public, lodgeObjection).created().
			describe("不附证明材料（附材料请用 LodgeObjectionWithEvidence）。"),
		op("POST", "/public/publicity/batches/{id}/objections/with-evidence", "LodgeObjectionWithEvidence",
			"对公示项目提出异议并附证明材料（multipart；无需登录；同一地址每小时限量）", public, lodgeObjectionWithEvidence).
			created().upload(app.MaxPublicityFileSize+1<<20),
	)
}

func publicItemOut(it *store.PublicityItem) apiclient.PublicItem {
	return apiclient.PublicItem{ID: it.ID, BatchID: it.BatchID, OrgName: it.OrgName, ProjectTitle: it.ProjectTitle,
		Category: apiclient.Category(it.Category), AmountFen: it.AmountFen, StartDate: it.StartDate, EndDate: it.EndDate}
}

func publicBatchOut(b *store.PublicityBatch) apiclient.PublicBatch {
	return apiclient.PublicBatch{ID: b.ID, Title: b.Title, StartDate: b.StartDate, State: b.State, Items: b.Items, LastEnd: b.LastEnd}
}

func listPublicItems(ctx context.Context, c *Call, in *apiclient.Paging) (*apiclient.Page[apiclient.PublicItem], error) {
	p, err := page(in)
	if err != nil {
		return nil, err
	}
	items, total, err := c.App.PublicItems(ctx, 0, p)
	if err != nil {
		return nil, err
	}
	return pageOf(items, total, *in, publicItemOut), nil
}

func listPublicBatches(ctx context.Context, c *Call, in *apiclient.PublicBatchQuery) (*apiclient.Page[apiclient.PublicBatch], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	if in.State != "" && in.State != store.BatchOpen && in.State != store.BatchClosed {
		return nil, badInput("state", "state 须为 open 或 closed")
	}
	bs, total, err := c.App.PublicBatches(ctx, in.State, p)
	if err != nil {
		return nil, err
	}
	return pageOf(bs, total, in.Paging, publicBatchOut), nil
}

func getPublicBatch(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.PublicBatch, error) {
	b, err := c.App.PublicBatch(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	out := publicBatchOut(b)
	return &out, nil
}

func listPublicBatchItems(ctx context.Context, c *Call, in *apiclient.BatchItemsQuery) (*apiclient.Page[apiclient.PublicItem], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	if _, err := c.App.PublicBatch(ctx, in.ID); err != nil {
		return nil, err
	}
	items, total, err := c.App.PublicItems(ctx, in.ID, p)
	if err != nil {
		return nil, err
	}
	return pageOf(items, total, in.Paging, publicItemOut), nil
}

func lodgeObjection(ctx context.Context, c *Call, in *apiclient.ObjectionInput) (*apiclient.ObjectionReceipt, error) {
	return lodge(ctx, c, app.ObjectionInput{BatchID: in.BatchID, ItemID: in.ItemID, Name: in.Name, Contact: in.Contact, Reason: in.Reason})
}

func lodgeObjectionWithEvidence(ctx context.Context, c *Call, in *apiclient.ObjectionUpload) (*apiclient.ObjectionReceipt, error) {
	if in.File == nil {
		return nil, dtfund.FieldError("file", "请选择证明材料")
	}
	file, err := publicityFile(in.File)
	if err != nil {
		return nil, err
	}
	return lodge(ctx, c, app.ObjectionInput{BatchID: in.BatchID, ItemID: in.ItemID, Name: in.Name, Contact: in.Contact, Reason: in.Reason,
		File: file})
}

func lodge(ctx context.Context, c *Call, in app.ObjectionInput) (*apiclient.ObjectionReceipt, error) {
	if _, err := c.App.PublicBatch(ctx, in.BatchID); err != nil {
		return nil, err
	}
	in.IP = c.Actor.IP
	o, err := c.App.LodgeObjection(ctx, in)
	if err != nil {
		return nil, err
	}
	return &apiclient.ObjectionReceipt{ID: o.ID, CreatedAt: utc(o.CreatedAt)}, nil
}
