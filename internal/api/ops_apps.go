package api

import (
	"context"
	"strings"

	"dtfund"
	"dtfund/apiclient"
	"dtfund/internal/app"
	"dtfund/internal/store"
)

// applicationOps: applications (第十四条), the applicant's side of them
// (draft, attachments, submission, withdrawal: 第十四条（一）) and
// notifications.
func applicationOps() []*Operation {
	applicant := roles(dtfund.RoleApplicant)
	return group("applications",
		op("GET", "/applications", "ListApplications", "申报列表（与“申报查询”页面相同的筛选；范围按角色与辖区）", anyUser, listApplications),
		op("GET", "/applications/{id}", "GetApplication", "申报详情：支出、绩效目标、时间线、规则判定（逐条依据）、推荐与复核", anyUser, getApplication),
		op("POST", "/calls/{id}/applications", "StartApplication", "在开放的批次下创建申报草稿（每个批次每单位一份有效申报）", applicant, startApplication).created(),
		op("PUT", "/applications/{id}/draft", "SaveDraft", "保存草稿（草稿或退回补正时可改；可只填一部分）", applicant, saveDraft).
			fields(draftFields...),
		op("POST", "/applications/{id}/submit", "SubmitApplication", "提交申报（第十四条（一））；带相同 idempotency_key 的重复请求只提交一次", applicant, submitApplication).
			fields(draftFields...).
			describe("须在批次开放期内（退回补正后的再次提交不受截止时间限制），且内容完整、材料齐全；缺什么以 422 的 fields 逐项列出。规则的判定随提交的版本保存，但不阻止提交。"),
		op("POST", "/applications/{id}/withdraw", "WithdrawApplication", "撤回申报（政府审批前）", applicant, withdrawApplication),
		op("GET", "/applications/{id}/attachments", "ListAttachments", "申报的附件", anyUser, listAttachments),
		op("POST", "/applications/{id}/attachments", "UploadAttachment", "上传附件（multipart：kind 与 file；至多 20 MiB，类型按内容判定）", applicant, uploadAttachment).
			created().upload(app.MaxAttachmentSize+1<<20),
		op("GET", "/applications/{id}/attachments/{attachment_id}", "DownloadAttachment", "下载附件", anyUser, downloadAttachment),
		op("DELETE", "/applications/{id}/attachments/{attachment_id}", "DeleteAttachment", "删除草稿的附件", applicant, deleteAttachment),
		op("GET", "/notifications", "ListNotifications", "消息通知（本人及本单位）", anyUser, listNotifications),
	)
}

// draftFields are the application form's field names in the API's.
var draftFields = []string{"decl.", "declarations.", ".amount", ".amount_fen", "providers", "provider_usccs", "providers.", "provider_usccs.",
	"requested", "requested_fen"}

func listApplications(ctx context.Context, c *Call, in *apiclient.ApplicationQuery) (*apiclient.Page[apiclient.Application], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	f := store.ApplicationFilter{CallID: in.CallID, Category: string(in.Category), IndustryCode: strings.TrimSpace(in.Industry),
		Query: in.Q, DistrictCode: in.District, Page: p}
	if in.State != "" {
		st := dtfund.AppState(in.State)
		if st.Label() == string(st) {
			return nil, badInput("state", "未知的申报状态 %s", in.State)
		}
		f.States = []dtfund.AppState{st}
	}
	u := c.Actor.User
	// As on the list page: a district filter outside the official's own
	// district finds nothing rather than widening the scope.
	if u.Role.NeedsDistrict() && in.District != "" && in.District != u.DistrictCode {
		return pageOf([]*dtfund.Application{}, 0, in.Paging, func(a *dtfund.Application) apiclient.Application { return appOut(a, u.Role) }), nil
	}
	apps, total, err := c.App.FindApplications(ctx, c.Actor, f)
	if err != nil {
		return nil, err
	}
	return pageOf(apps, total, in.Paging, func(a *dtfund.Application) apiclient.Application { return appOut(a, u.Role) }), nil
}

func getApplication(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.ApplicationDetail, error) {
	a, err := c.App.Application(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	return detailOut(ctx, c, a)
}

func startApplication(ctx context.Context, c *Call, in *apiclient.StartInput) (*apiclient.ApplicationDetail, error) {
	a, err := c.App.StartApplication(ctx, c.Actor, in.CallID)
	if err != nil {
		return nil, err
	}
	return getApplication(ctx, c, &apiclient.ByID{ID: a.ID})
}

// draftIn builds the app's draft; rows are numbered from 1 so that errors
// name them as spending.<i>.<field> with i counted from 0.
func draftIn(in *apiclient.DraftInput) *app.Draft {
	d := &app.Draft{Title: in.Title, Description: in.Description, Subtype: in.Subtype, ManufacturingRetrofit: in.ManufacturingRetrofit,
		RequestedFen: in.RequestedFen, Declarations: declarationsIn(in.Declarations), ProviderUSCCs: in.ProviderUSCCs}
	for i, s := range in.Spending {
		d.Spending = append(d.Spending, dtfund.Spending{Seq: i + 1, Type: s.Type, Supplier: s.Supplier, Description: s.Description,
			ContractNo: s.ContractNo, ContractDate: s.ContractDate, InvoiceNo: s.InvoiceNo, InvoiceDate: s.InvoiceDate,
			PaymentDate: s.PaymentDate, AmountFen: s.AmountFen})
	}
	for i, g := range in.Goals {
		d.Goals = append(d.Goals, dtfund.Goal{Seq: i + 1, Indicator: strings.TrimSpace(g.Indicator), Baseline: strings.TrimSpace(g.Baseline),
			Target: strings.TrimSpace(g.Target)})
	}
	return d
}

func saveDraft(ctx context.Context, c *Call, in *apiclient.DraftInput) (*apiclient.ApplicationDetail, error) {
	for i, s := range in.Spending {
		if s.AmountFen < 0 {
			return nil, dtfund.FieldError("spending."+itoa(i)+".amount_fen", "第%d行支出金额不能为负数", i+1)
		}
	}
	if in.RequestedFen < 0 {
		return nil, dtfund.FieldError("requested_fen", "申请金额不能为负数")
	}
	if _, err := c.App.SaveDraft(ctx, c.Actor, in.ID, draftIn(in)); err != nil {
		return nil, err
	}
	return getApplication(ctx, c, &apiclient.ByID{ID: in.ID})
}

func submitApplication(ctx context.Context, c *Call, in *apiclient.SubmitInput) (*apiclient.ApplicationDetail, error) {
	if len(in.IdempotencyKey) > 64 {
		return nil, dtfund.FieldError("idempotency_key", "幂等键不超过64个字符")
	}
	if _, err := c.App.Submit(ctx, c.Actor, in.ID, in.IdempotencyKey, nil); err != nil {
		return nil, err
	}
	return getApplication(ctx, c, &apiclient.ByID{ID: in.ID})
}

func withdrawApplication(ctx context.Context, c *Call, in *apiclient.WithdrawInput) (*apiclient.ApplicationDetail, error) {
	if _, err := c.App.Withdraw(ctx, c.Actor, in.ID, in.Reason); err != nil {
		return nil, err
	}
	return getApplication(ctx, c, &apiclient.ByID{ID: in.ID})
}

func listAttachments(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.List[apiclient.Attachment], error) {
	atts, err := c.App.Attachments(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	return listOf(atts, attachmentOut), nil
}

func uploadAttachment(ctx context.Context, c *Call, in *apiclient.AttachmentUpload) (*apiclient.Attachment, error) {
	if in.File == nil {
		return nil, dtfund.FieldError("file", "请选择要上传的文件")
	}
	at, err := c.App.AddAttachment(ctx, c.Actor, in.ID, in.Kind, in.File.Name, in.File.Content)
	if err != nil {
		return nil, err
	}
	out := attachmentOut(at)
	return &out, nil
}

func downloadAttachment(ctx context.Context, c *Call, in *apiclient.AttachmentRef) (*apiclient.Download, error) {
	at, f, err := c.App.OpenAttachment(ctx, c.Actor, in.ID, in.AttachmentID)
	if err != nil {
		return nil, err
	}
	return &apiclient.Download{Name: at.Name, ContentType: at.ContentType, Size: at.Size, ModTime: at.UploadedAt, Content: f, Close: f.Close}, nil
}

func deleteAttachment(ctx context.Context, c *Call, in *apiclient.AttachmentRef) (*apiclient.NoContent, error) {
	if err := c.App.DeleteAttachment(ctx, c.Actor, in.ID, in.AttachmentID); err != nil {
		return nil, err
	}
	return &apiclient.NoContent{}, nil
}

func listNotifications(ctx context.Context, c *Call, in *apiclient.Paging) (*apiclient.Page[apiclient.Notification], error) {
	p, err := page(in)
	if err != nil {
		return nil, err
	}
	u := c.Actor.User
	ns, err := c.App.DB.Notifications(ctx, u.ID, u.OrgID, p)
	if err != nil {
		return nil, err
	}
	total, err := c.App.DB.CountNotifications(ctx, u.ID, u.OrgID)
	if err != nil {
		return nil, err
	}
	return pageOf(ns, total, *in, func(n *store.Notification) apiclient.Notification {
		return apiclient.Notification{ID: n.ID, ApplicationID: idPtr(n.ApplicationID), Subject: n.Subject, Body: n.Body,
			CreatedAt: utc(n.CreatedAt), ReadAt: timePtr(n.ReadAt)}
	}), nil
}
