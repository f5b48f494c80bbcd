package app

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/store"
)

// Government approval (政府审批, 第十四条（六）): after a batch's publicity has
// ended without upheld objections, 市工业和信息化局 records the city
// government's approval; every application that passed the publicity is
// approved and gets its award in the same transaction.

// MaxPublicityFileSize bounds an objection's evidence and an approval's scan.
const MaxPublicityFileSize = 5 << 20

// publicityFileTypes are the content types accepted: PDF and images.
var publicityFileTypes = map[string]bool{"application/pdf": true, "image/png": true, "image/jpeg": true}

// PublicityFile is an uploaded file of the publicity stage: PDF or image
// (PNG, JPEG), at most MaxPublicityFileSize, checked by its content.
type PublicityFile struct {
	Name string
	Data []byte
}

// check validates the file by its bytes (DetectFileType), not its name.
func (f *PublicityFile) check() *dtfund.Error {
	f.Name = cleanFileName(f.Name)
	switch {
	case f.Name == "":
		return dtfund.FieldError("file", "附件文件名无效")
	case len(f.Data) == 0:
		return dtfund.FieldError("file", "附件为空")
	case len(f.Data) > MaxPublicityFileSize:
		return dtfund.FieldError("file", "附件不能超过 %d MiB", MaxPublicityFileSize>>20)
	}
	ct, err := DetectFileType(bytes.NewReader(f.Data), int64(len(f.Data)), f.Name)
	if err != nil {
		var de *dtfund.Error
		if errors.As(err, &de) {
			return de
		}
		return dtfund.FieldError("file", "无法识别附件内容")
	}
	if !publicityFileTypes[ct] {
		return dtfund.FieldError("file", "附件只接受 PDF 文件或 PNG、JPEG 图片")
	}
	return nil
}

// storePublicityFile writes the bytes to the content store before any
// database row refers to them (a failed transaction leaves at most an
// unreferenced file).
func (a *App) storePublicityFile(f *PublicityFile) (*store.FileContent, error) {
	if f == nil {
		return nil, nil
	}
	sum, size, ct, err := a.storeBlob(bytes.NewReader(f.Data), f.Name)
	if err != nil {
		return nil, err
	}
	return &store.FileContent{SHA256: sum, Size: size, ContentType: ct}, nil
}

// OpenObjectionFile opens an objection's evidence for the publicity
// office; the caller closes it.
func (a *App) OpenObjectionFile(ctx context.Context, actor Actor, id int64) (string, *store.FileContent, *os.File, error) {
	o, err := a.objection(ctx, actor, id)
	if err != nil {
		return "", nil, nil, err
	}
	fc, f, err := a.openPublicityFile(ctx, o.AttachmentSHA256)
	return o.AttachmentName, fc, f, err
}

// OpenApprovalFile opens an approval's scanned document for the publicity
// office; the caller closes it.
func (a *App) OpenApprovalFile(ctx context.Context, actor Actor, id int64) (string, *store.FileContent, *os.File, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return "", nil, nil, err
	}
	ap, err := a.DB.Approval(ctx, id)
	if err != nil {
		return "", nil, nil, err
	}
	fc, f, err := a.openPublicityFile(ctx, ap.AttachmentSHA256)
	return ap.AttachmentName, fc, f, err
}

func (a *App) openPublicityFile(ctx context.Context, sum string) (*store.FileContent, *os.File, error) {
	if sum == "" {
		return nil, nil, dtfund.Errorf(dtfund.ENOTFOUND, "没有附件")
	}
	fc, err := a.DB.FileContent(ctx, sum)
	if err != nil {
		return nil, nil, err
	}
	f, err := os.Open(a.blobPath(fc.SHA256))
	if err != nil {
		return nil, nil, err
	}
	return fc, f, nil
}

// ApprovalInput is the government's approval of a closed batch.
type ApprovalInput struct {
	BatchID        int64
	DocNumber      string // 批复文号
	DocDate        string // YYYY-MM-DD
	File           *PublicityFile
	IdempotencyKey string
}

// ApprovalResult says what an approval did.
type ApprovalResult struct {
	Approval *store.Approval
	Awards   []*store.Award
	Skipped  []string // application numbers held back, each with the reason
	Replayed bool     // a resent form: nothing was done again
}

func (in *ApprovalInput) validate(today calendar.Date) error {
	in.DocNumber, in.DocDate = strings.TrimSpace(in.DocNumber), strings.TrimSpace(in.DocDate)
	var v dtfund.ValidationErrors
	if in.DocNumber == "" || utf8.RuneCountInString(in.DocNumber) > 100 {
		v.Add("doc_number", "请填写市政府批复文号（不超过100字）")
	}
	if d, err := calendar.ParseDate(in.DocDate); err != nil {
		v.Add("doc_date", "批复日期：%s", err.Error())
	} else if d.After(today) {
		v.Add("doc_date", "批复日期不能晚于今天（%s）", today)
	}
	if in.File != nil {
		if err := in.File.check(); err != nil {
			v = append(v, err)
		}
	}
	return v.Err()
}

// ApproveBatch records the approval of a closed batch and, in one
// transaction, approves every application that passed its publicity and
// has no open objection, creating its award (amount as published, fund
// source as the re-check decided). Nothing is written when no application
// can be approved; a resent form with the same key changes nothing.
func (a *App) ApproveBatch(ctx context.Context, actor Actor, in ApprovalInput) (*ApprovalResult, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return nil, err
	}
	if err := in.validate(calendar.DateOf(a.DB.Now())); err != nil {
		return nil, err
	}
	file, err := a.storePublicityFile(in.File)
	if err != nil {
		return nil, err
	}
	var res *ApprovalResult
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		if in.IdempotencyKey != "" {
			done, err := tx.IdempotencyResult(ctx, in.IdempotencyKey, actor.User.ID)
			if err != nil || done != "" {
				res = &ApprovalResult{Replayed: true}
				return err
			}
		}
		var err error
		if res, err = a.approveTx(ctx, tx, actor, in, file); err != nil {
			return err
		}
		if in.IdempotencyKey != "" {
			return tx.SaveIdempotencyResult(ctx, in.IdempotencyKey, actor.User.ID, strconv.FormatInt(res.Approval.ID, 10))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (a *App) approveTx(ctx context.Context, tx *store.Tx, actor Actor, in ApprovalInput, file *store.FileContent) (*ApprovalResult, error) {
	b, err := tx.LockPublicityBatch(ctx, in.BatchID)
	if err != nil {
		return nil, err
	}
	if b.State != store.BatchClosed {
		return nil, dtfund.Errorf(dtfund.ECONFLICT, "公示批次“%s”尚未结束公示，不能录入政府审批（第十四条（六）：公示期满无异议后提报市政府审批）", b.Title)
	}
	items, err := tx.PublicityItems(ctx, b.ID)
	if err != nil {
		return nil, err
	}
	ap := &store.Approval{BatchID: b.ID, DocNumber: in.DocNumber, DocDate: in.DocDate, CreatedBy: actor.User.ID}
	if file != nil {
		if err := tx.SaveFileContent(ctx, file); err != nil {
			return nil, err
		}
		ap.AttachmentSHA256, ap.AttachmentName = file.SHA256, in.File.Name
	}
	if err := tx.CreateApproval(ctx, ap); err != nil {
		return nil, err
	}
	res := &ApprovalResult{Approval: ap}
	for _, it := range items {
		if it.Removed() || it.AppState != dtfund.StatePublicityPassed {
			continue
		}
		hold, err := approvalHold(ctx, tx, it)
		if err != nil {
			return nil, err
		}
		if hold != "" {
			res.Skipped = append(res.Skipped, it.AppNumber+"（"+hold+"）")
			continue
		}
		aw, err := a.approveItem(ctx, tx, actor, ap, it)
		if err != nil {
			return nil, err
		}
		res.Awards = append(res.Awards, aw)
	}
	if len(res.Awards) == 0 {
		if len(res.Skipped) > 0 {
			return nil, dtfund.Errorf(dtfund.ECONFLICT, "本批次没有可审批的申报：%s", strings.Join(res.Skipped, "；"))
		}
		return nil, dtfund.Errorf(dtfund.ECONFLICT, "本批次没有待审批的申报（均已审批，或已不在“公示通过”状态）")
	}
	return res, tx.Audit(ctx, actor.audit("publicity.approve", "publicity_batch", strconv.FormatInt(b.ID, 10)), nil,
		map[string]any{"approval": ap, "awards": len(res.Awards), "skipped": res.Skipped})
}

// approvalHold says why an application that passed its publicity cannot
// be approved now, or "": an open objection, or the rules run again in the
// approving transaction (so awards created earlier in it count against the
// cumulative caps) no longer bearing out the published amount.
func approvalHold(ctx context.Context, tx *store.Tx, it *store.PublicityItem) (string, error) {
	if it.OpenObjections > 0 {
		return "尚有未办结的公示异议", nil
	}
	app, err := tx.Application(ctx, it.ApplicationID)
	if err != nil {
		return "", err
	}
	d, err := decideWithAwards(ctx, tx, app)
	if err != nil {
		return "", err
	}
	switch {
	case !d.CentralEligible && !d.LocalEligible:
		return "按现行规则已不符合支持条件：" + failedFindings(d), nil
	case d.HasCap && it.AmountFen > d.MaxSubsidyFen:
		return "公示金额 " + yuanText(it.AmountFen) + " 元超过按现行规则（含累计上限）计算的最高奖补额 " + yuanText(d.MaxSubsidyFen) + " 元", nil
	}
	return "", nil
}

// approveItem approves one application and creates its award; the step
// itself refuses an application with an open objection.
func (a *App) approveItem(ctx context.Context, tx *store.Tx, actor Actor, ap *store.Approval, it *store.PublicityItem) (*store.Award, error) {
	aw := &store.Award{ApplicationID: it.ApplicationID, AmountFen: it.AmountFen, ApprovalID: ap.ID}
	reason := "市政府批复（" + ap.DocNumber + "，" + ap.DocDate + "）同意，奖补 " + yuanText(it.AmountFen) + " 元"
	_, err := a.ActTx(ctx, tx, actor, Step{AppID: it.ApplicationID, Action: dtfund.ActApprove, Reason: reason,
		Before: func(ctx context.Context, tx *store.Tx, app *dtfund.Application, _ dtfund.AppState) error {
			if n, err := tx.OpenObjectionsOfApp(ctx, app.ID); err != nil || n > 0 {
				if err == nil {
					err = dtfund.Errorf(dtfund.ECONFLICT, "申报 %s 尚有未办结的公示异议，不能审批", app.Number)
				}
				return err
			}
			rr, err := tx.RecheckResult(ctx, app.ID)
			if err != nil {
				return err
			}
			aw.OrgID, aw.Category, aw.FundSource = app.OrgID, app.CallCategory, rr.FundSource
			if err := tx.CreateAward(ctx, aw); err != nil {
				return err
			}
			// The award reserves its money now: no budget, a cap or the
			// 80/20 rule fails the whole approval (budget.go, commit.go).
			if _, err := CommitAward(ctx, tx, aw); err != nil {
				if code := dtfund.ErrorCode(err); code != dtfund.EINTERNAL {
					return dtfund.Errorf(code, "申报 %s 不能审批：%s", app.Number, dtfund.ErrorMessage(err))
				}
				return err
			}
			if err := tx.Audit(ctx, actor.audit("award.create", "award", strconv.FormatInt(aw.ID, 10)), nil, aw); err != nil {
				return err
			}
			// Every award has its retrofit project from the start (project.go).
			_, err = createProject(ctx, tx, actor, aw.ID)
			return err
		}})
	if err != nil {
		return nil, err
	}
	return aw, nil
}

// Approvals lists a batch's approval documents.
func (a *App) Approvals(ctx context.Context, actor Actor, batchID int64) ([]*store.Approval, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return nil, err
	}
	return a.DB.Approvals(ctx, batchID)
}

// FindAwards lists the awards the actor may see: city bureaus all,
// district bureaus their district's, an applicant its own.
func (a *App) FindAwards(ctx context.Context, actor Actor, f store.AwardFilter) ([]*store.Award, int, int64, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleDistrictMIIT,
		dtfund.RoleDistrictFinance, dtfund.RoleApplicant); err != nil {
		return nil, 0, 0, err
	}
	f.OrgID, f.DistrictCode = 0, ""
	switch u := actor.User; u.Role {
	case dtfund.RoleApplicant:
		f.OrgID = u.OrgID
		if f.OrgID == 0 {
			f.OrgID = -1 // an applicant account without an organisation sees nothing
		}
	case dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance:
		f.DistrictCode = u.DistrictCode
		if f.DistrictCode == "" {
			f.DistrictCode = "-"
		}
	}
	return a.DB.FindAwards(ctx, f)
}
