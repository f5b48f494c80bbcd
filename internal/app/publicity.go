package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/store"
)

// Publicity (网站公示, 第十四条（五）): 市工业和信息化局 publishes the re-checked
// applications with the amounts proposed, for at least five working days
// each; anyone may object; a batch is closed when every period has run and
// every objection is decided.

// CreatePublicityBatch opens a batch going public on start (YYYY-MM-DD).
func (a *App) CreatePublicityBatch(ctx context.Context, actor Actor, title, start string) (*store.PublicityBatch, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return nil, err
	}
	b := &store.PublicityBatch{Title: strings.TrimSpace(title), StartDate: strings.TrimSpace(start), CreatedBy: actor.User.ID}
	var v dtfund.ValidationErrors
	if b.Title == "" || utf8.RuneCountInString(b.Title) > 100 {
		v.Add("title", "公示批次名称不能为空，且不超过100个字")
	}
	d, err := calendar.ParseDate(b.StartDate)
	if err != nil {
		v.Add("start_date", "公示开始日期：%s", err.Error())
	}
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		if today := calendar.DateOf(tx.Now()); err == nil && d.Before(today) {
			v.Add("start_date", "公示开始日期不能早于今天（%s）", today)
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.CreatePublicityBatch(ctx, b); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("publicity.create", "publicity_batch", strconv.FormatInt(b.ID, 10)), nil, b)
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// PublicityBatches lists batches for the publicity office.
func (a *App) PublicityBatches(ctx context.Context, actor Actor, f store.BatchFilter) ([]*store.PublicityBatch, int, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return nil, 0, err
	}
	return a.DB.FindPublicityBatches(ctx, f)
}

// PublicityBatch returns one batch for the publicity office.
func (a *App) PublicityBatch(ctx context.Context, actor Actor, id int64) (*store.PublicityBatch, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return nil, err
	}
	return a.DB.PublicityBatch(ctx, id)
}

// PublicityItems lists a batch's items for the publicity office, removed
// ones included.
func (a *App) PublicityItems(ctx context.Context, actor Actor, batchID int64, page store.Page) ([]*store.PublicityItem, int, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return nil, 0, err
	}
	return a.DB.FindPublicityItems(ctx, store.ItemFilter{BatchID: batchID, Page: page})
}

// Candidate is a re-checked application that may be published, with the
// maximum the re-check allows.
type Candidate struct {
	App    *dtfund.Application
	Result *store.RecheckResult
}

// PublicityCandidates lists the applications that passed the re-check and
// are not yet published.
func (a *App) PublicityCandidates(ctx context.Context, actor Actor, page store.Page) ([]Candidate, int, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return nil, 0, err
	}
	apps, total, err := a.FindApplications(ctx, actor, store.ApplicationFilter{States: []dtfund.AppState{dtfund.StateRechecked}, Page: page})
	if err != nil {
		return nil, 0, err
	}
	out := make([]Candidate, 0, len(apps))
	for _, ap := range apps { // one indexed lookup per row of a page
		res, err := a.DB.RecheckResult(ctx, ap.ID)
		if err != nil && dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			return nil, 0, err
		}
		out = append(out, Candidate{App: ap, Result: res})
	}
	return out, total, nil
}

// Publication puts a re-checked application into a batch.
type Publication struct {
	BatchID   int64
	AppID     int64
	AmountFen *int64 // nil: the maximum the re-check found
	// IdempotencyKey makes a resent form a no-op.
	IdempotencyKey string
}

// Publish adds an application to an open batch with the proposed amount
// (at most the re-check's maximum) and its own period: from the batch's
// start, or from today when the batch is already running, to the fifth
// working day (calendar.PublicityEnd).
func (a *App) Publish(ctx context.Context, actor Actor, p Publication) (*store.PublicityItem, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return nil, err
	}
	cal, err := a.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	item := &store.PublicityItem{BatchID: p.BatchID, ApplicationID: p.AppID, CreatedBy: actor.User.ID}
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		b, err := tx.LockPublicityBatch(ctx, p.BatchID)
		if err != nil {
			return err
		}
		if b.State != store.BatchOpen {
			return dtfund.Errorf(dtfund.ECONFLICT, "公示批次“%s”已结束，不能再加入申报", b.Title)
		}
		start, _ := calendar.ParseDate(b.StartDate)
		if today := calendar.DateOf(tx.Now()); start.Before(today) {
			start = today // joins a running batch: a full period of its own
		}
		item.StartDate, item.EndDate = start.String(), cal.PublicityEnd(start).String()
		_, err = a.ActTx(ctx, tx, actor, Step{AppID: p.AppID, Action: dtfund.ActPublish, IdempotencyKey: p.IdempotencyKey,
			Reason: "列入公示批次“" + b.Title + "”，公示期" + item.StartDate + "至" + item.EndDate,
			Before: func(ctx context.Context, tx *store.Tx, ap *dtfund.Application, _ dtfund.AppState) error {
				return addItem(ctx, tx, actor, ap, item, p.AmountFen)
			}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return item, nil
}

// addItem checks the proposed amount against the re-check and writes the
// item with what the public will see.
func addItem(ctx context.Context, tx *store.Tx, actor Actor, ap *dtfund.Application, item *store.PublicityItem, amount *int64) error {
	res, err := tx.RecheckResult(ctx, ap.ID)
	if err != nil {
		return err
	}
	item.AmountFen = res.MaxSubsidyFen
	if !res.HasCap {
		item.AmountFen = ap.RequestedFen
	}
	if amount != nil {
		item.AmountFen = *amount
	}
	switch {
	case item.AmountFen <= 0:
		return dtfund.FieldError("amount", "请填写拟支持金额（大于0）")
	case res.HasCap && item.AmountFen > res.MaxSubsidyFen:
		return dtfund.FieldError("amount", "拟支持金额不能超过资格复核判定的最高奖补额 %s 元", yuanText(res.MaxSubsidyFen))
	case item.AmountFen < decisionFloor(ap): // 第七条（二）: 1–3万元, 5–20万元 (platform.go)
		return floorMessage(decisionFloor(ap))
	}
	item.OrgName, item.ProjectTitle, item.Category = ap.OrgName, ap.Title, ap.CallCategory
	if err := tx.AddPublicityItem(ctx, item); err != nil {
		return err
	}
	return tx.Audit(ctx, actor.audit("publicity.add_item", "publicity_batch", strconv.FormatInt(item.BatchID, 10)), nil, item)
}

// yuanText formats fen as 元 with two decimals, for messages.
func yuanText(fen int64) string {
	return fmt.Sprintf("%d.%02d", fen/100, fen%100)
}

// ClosePublicity ends a batch: refused while any item's period runs (the
// message names the last end date) or any objection is undecided;
// otherwise every application still in publicity passes it.
func (a *App) ClosePublicity(ctx context.Context, actor Actor, batchID int64) (int, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return 0, err
	}
	return a.closePublicity(ctx, actor, batchID, false)
}

// closePublicity closes a batch as ClosePublicity does; scheduled, it also
// leaves alone a batch with nothing in publicity (one still being filled).
func (a *App) closePublicity(ctx context.Context, actor Actor, batchID int64, scheduled bool) (int, error) {
	cal, err := a.Calendar(ctx)
	if err != nil {
		return 0, err
	}
	moved := 0
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		moved = 0
		b, items, err := closableBatch(ctx, tx, cal, batchID)
		if err != nil {
			return err
		}
		if scheduled && !anyInPublicity(items) {
			return dtfund.Errorf(dtfund.ECONFLICT, "公示批次“%s”没有正在公示的申报", b.Title)
		}
		for _, it := range items {
			if it.Removed() || it.AppState != dtfund.StateInPublicity {
				continue // left the batch, or withdrawn by the applicant
			}
			if _, err := a.ActTx(ctx, tx, actor, Step{AppID: it.ApplicationID, Action: dtfund.ActClosePublicity,
				Reason: "公示期" + it.StartDate + "至" + it.EndDate + "已满，无异议"}); err != nil {
				return err
			}
			moved++
		}
		if err := tx.ClosePublicityBatch(ctx, b.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("publicity.close", "publicity_batch", strconv.FormatInt(b.ID, 10)),
			map[string]any{"state": b.State}, map[string]any{"state": store.BatchClosed, "passed": moved})
	})
	return moved, err
}

func anyInPublicity(items []*store.PublicityItem) bool {
	for _, it := range items {
		if !it.Removed() && it.AppState == dtfund.StateInPublicity {
			return true
		}
	}
	return false
}

// closableBatch locks the batch and checks that it may be closed now.
func closableBatch(ctx context.Context, tx *store.Tx, cal *calendar.Calendar, batchID int64) (*store.PublicityBatch, []*store.PublicityItem, error) {
	b, err := tx.LockPublicityBatch(ctx, batchID)
	if err != nil {
		return nil, nil, err
	}
	if b.State != store.BatchOpen {
		return nil, nil, dtfund.Errorf(dtfund.ECONFLICT, "公示批次“%s”已结束", b.Title)
	}
	if b.OpenObjections > 0 {
		return nil, nil, dtfund.Errorf(dtfund.ECONFLICT, "尚有%d条异议未办结，办结后方可结束公示（第十四条（五））", b.OpenObjections)
	}
	items, err := tx.PublicityItems(ctx, batchID)
	if err != nil {
		return nil, nil, err
	}
	var last calendar.Date
	for _, it := range items {
		start, _ := calendar.ParseDate(it.StartDate)
		live := !it.Removed() && it.AppState == dtfund.StateInPublicity // not withdrawn meanwhile
		if live && !cal.PublicityClosable(start, tx.Now()) && cal.PublicityEnd(start).After(last) {
			last = cal.PublicityEnd(start)
		}
	}
	if last != (calendar.Date{}) {
		return nil, nil, dtfund.Errorf(dtfund.ECONFLICT, "公示期未满：本批次公示期至%s（含）止，%s起方可结束公示（第十四条（五）：公示期不少于%d个工作日）",
			last, last.AddDays(1), calendar.PublicityMinWorkingDays)
	}
	return b, items, nil
}

// today is the Shanghai date by the database's clock.
func (a *App) today() string { return calendar.DateOf(a.DB.Now()).String() }

// PublicBatches lists the batches the public may see (gone public by
// today): open or closed ones.
func (a *App) PublicBatches(ctx context.Context, state string, page store.Page) ([]*store.PublicityBatch, int, error) {
	return a.DB.FindPublicityBatches(ctx, store.BatchFilter{State: state, StartedBy: a.today(), Page: page})
}

// PublicBatch returns a batch the public may see, or ENOTFOUND.
func (a *App) PublicBatch(ctx context.Context, id int64) (*store.PublicityBatch, error) {
	b, err := a.DB.PublicityBatch(ctx, id)
	if err == nil && b.StartDate > a.today() {
		err = dtfund.Errorf(dtfund.ENOTFOUND, "公示批次不存在")
	}
	return b, err
}

// PublicItems lists what the public may see of a batch, or of every open
// batch when batchID is 0: items whose period has begun and that are still
// in publicity, passed it or were approved — nothing else of an application.
func (a *App) PublicItems(ctx context.Context, batchID int64, page store.Page) ([]*store.PublicityItem, int, error) {
	return a.DB.FindPublicityItems(ctx, store.ItemFilter{BatchID: batchID, Public: true, OpenBatches: batchID == 0,
		StartedBy: a.today(), Page: page})
}

// objectionWindow and MaxObjectionsPerWindow bound objections per address.
const (
	objectionWindow        = time.Hour
	MaxObjectionsPerWindow = 5
)

// Limits of an objection's fields.
const (
	maxObjectorName    = 50
	maxObjectorContact = 100
	maxObjectionReason = 2000
)

// ObjectionInput is an objection as lodged by anyone.
type ObjectionInput struct {
	BatchID int64
	ItemID  int64
	Name    string
	Contact string
	Reason  string
	IP      string
	File    *PublicityFile // optional
}

func (in *ObjectionInput) validate() error {
	in.Name, in.Contact, in.Reason = strings.TrimSpace(in.Name), strings.TrimSpace(in.Contact), strings.TrimSpace(in.Reason)
	var v dtfund.ValidationErrors
	if in.ItemID == 0 {
		v.Add("item_id", "请选择提出异议的公示项目")
	}
	if in.Name == "" || utf8.RuneCountInString(in.Name) > maxObjectorName {
		v.Add("name", "请填写异议人姓名或单位名称（不超过%d字）", maxObjectorName)
	}
	if in.Contact == "" || utf8.RuneCountInString(in.Contact) > maxObjectorContact {
		v.Add("contact", "请填写联系电话或电子邮箱（不超过%d字），以便核实和反馈", maxObjectorContact)
	}
	if n := utf8.RuneCountInString(in.Reason); n < 10 || n > maxObjectionReason {
		v.Add("reason", "异议理由须为10至%d字，请写明具体事实", maxObjectionReason)
	}
	if in.File != nil {
		if err := in.File.check(); err != nil {
			v = append(v, err)
		}
	}
	return v.Err()
}

// LodgeObjection records an objection from anyone while the batch is open
// and the application still in publicity. An address may lodge at most
// MaxObjectionsPerWindow objections per hour (ETHROTTLED beyond).
func (a *App) LodgeObjection(ctx context.Context, in ObjectionInput) (*store.Objection, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	// A cheap check first, so that a throttled address stores no upload.
	if err := a.objectionQuota(a.DB.RecentObjectionsFromIP(ctx, in.IP, a.DB.Now().Add(-objectionWindow))); err != nil {
		return nil, err
	}
	file, err := a.storePublicityFile(in.File)
	if err != nil {
		return nil, err
	}
	o := &store.Objection{BatchID: in.BatchID, ItemID: in.ItemID, Name: in.Name, Contact: in.Contact, Reason: in.Reason, IP: in.IP}
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := a.objectionQuota(tx.ObjectionsFromIP(ctx, in.IP, tx.Now().Add(-objectionWindow))); err != nil {
			return err
		}
		if err := objectableItem(ctx, tx, in.BatchID, in.ItemID); err != nil {
			return err
		}
		if file != nil {
			if err := tx.SaveFileContent(ctx, file); err != nil {
				return err
			}
			o.AttachmentSHA256, o.AttachmentName = file.SHA256, in.File.Name
		}
		if err := tx.CreateObjection(ctx, o); err != nil {
			return err
		}
		audit := store.AuditEntry{Actor: "公众", IP: in.IP, Action: "objection.lodge", ObjectType: "objection", ObjectID: strconv.FormatInt(o.ID, 10)}
		return tx.Audit(ctx, audit, nil, map[string]any{"batch": o.BatchID, "item": o.ItemID, "name": o.Name})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// objectionQuota refuses an address that lodged its hourly quota.
func (a *App) objectionQuota(n int, err error) error {
	if err != nil {
		return err
	}
	if n >= MaxObjectionsPerWindow {
		return dtfund.Errorf(dtfund.ETHROTTLED, "同一网络地址每小时最多提交%d条异议，请一小时后再试", MaxObjectionsPerWindow)
	}
	return nil
}

// objectableItem checks that the batch is open and the item in publicity.
func objectableItem(ctx context.Context, tx *store.Tx, batchID, itemID int64) error {
	b, err := tx.LockPublicityBatch(ctx, batchID)
	if err != nil {
		return err
	}
	if b.State != store.BatchOpen {
		return dtfund.Errorf(dtfund.ECONFLICT, "公示批次“%s”已结束，不再受理异议", b.Title)
	}
	it, err := tx.PublicityItem(ctx, itemID)
	if err != nil || it.BatchID != b.ID {
		return dtfund.FieldError("item_id", "请选择本批次正在公示的项目")
	}
	if it.Removed() || it.AppState != dtfund.StateInPublicity {
		return dtfund.FieldError("item_id", "该项目已不在公示中")
	}
	if it.StartDate > calendar.DateOf(tx.Now()).String() {
		return dtfund.FieldError("item_id", "该项目%s起公示，公示开始后方可提出异议", it.StartDate)
	}
	return nil
}

// Objections lists objections for the publicity office, the objectors'
// contacts masked.
func (a *App) Objections(ctx context.Context, actor Actor, f store.ObjectionFilter) ([]*store.Objection, int, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return nil, 0, err
	}
	objs, total, err := a.DB.FindObjections(ctx, f)
	for _, o := range objs {
		o.Contact = MaskContact(o.Contact)
	}
	return objs, total, err
}

// Objection returns one objection for the publicity office, with the
// objector's contact and address in full to verify it and answer
// (第十四条（五）); the view is audited (敏感信息查看留痕).
func (a *App) Objection(ctx context.Context, actor Actor, id int64) (*store.Objection, error) {
	o, err := a.objection(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := a.auditView(ctx, actor, "objection", itoa(o.ID), "contact", "ip"); err != nil {
		return nil, err
	}
	return o, nil
}

// objection reads an objection for the publicity office without showing it.
func (a *App) objection(ctx context.Context, actor Actor, id int64) (*store.Objection, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return nil, err
	}
	return a.DB.Objection(ctx, id)
}

// ObjectionDecision is the finding on an objection.
type ObjectionDecision struct {
	ID      int64
	Upheld  bool
	Finding string
}

// DecideObjection records the investigation's finding. Upheld: the
// application leaves the batch (ActUpholdObjection, the finding as the
// reason) and the item's other open objections are closed with it.
// Dismissed: the finding is recorded and shown on the timeline.
func (a *App) DecideObjection(ctx context.Context, actor Actor, d ObjectionDecision) error {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return err
	}
	d.Finding = strings.TrimSpace(d.Finding)
	if d.Finding == "" || utf8.RuneCountInString(d.Finding) > maxObjectionReason {
		return dtfund.FieldError("finding", "请填写核查结论（不超过%d字）", maxObjectionReason)
	}
	return a.DB.InTx(ctx, func(tx *store.Tx) error {
		o, err := tx.Objection(ctx, d.ID)
		if err != nil {
			return err
		}
		if _, err := tx.LockPublicityBatch(ctx, o.BatchID); err != nil {
			return err
		}
		if o.State != store.ObjectionOpen {
			return dtfund.Errorf(dtfund.ECONFLICT, "该异议已办结（%s）", store.ObjectionStateLabel(o.State))
		}
		if d.Upheld {
			err = a.upholdObjection(ctx, tx, actor, o, d.Finding)
		} else {
			err = a.dismissObjection(ctx, tx, actor, o, d.Finding)
		}
		if err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("objection.decide", "objection", strconv.FormatInt(o.ID, 10)),
			map[string]any{"state": o.State}, map[string]any{"upheld": d.Upheld, "finding": d.Finding})
	})
}

func (a *App) upholdObjection(ctx context.Context, tx *store.Tx, actor Actor, o *store.Objection, finding string) error {
	_, err := a.ActTx(ctx, tx, actor, Step{AppID: o.ApplicationID, Action: dtfund.ActUpholdObjection, Reason: finding,
		Before: func(ctx context.Context, tx *store.Tx, _ *dtfund.Application, _ dtfund.AppState) error {
			if err := tx.DecideObjection(ctx, o.ID, store.ObjectionUpheld, finding, actor.User.ID); err != nil {
				return err
			}
			if err := tx.RemovePublicityItem(ctx, o.ItemID, finding); err != nil {
				return err
			}
			return tx.SupersedeObjections(ctx, o.ItemID, "同一项目的异议（编号"+strconv.FormatInt(o.ID, 10)+"）经核查成立，申报已退出公示，本异议一并办结", actor.User.ID)
		}})
	return err
}

func (a *App) dismissObjection(ctx context.Context, tx *store.Tx, actor Actor, o *store.Objection, finding string) error {
	if err := tx.DecideObjection(ctx, o.ID, store.ObjectionDismissed, finding, actor.User.ID); err != nil {
		return err
	}
	ap, err := tx.Application(ctx, o.ApplicationID)
	if err != nil {
		return err
	}
	return tx.AddEvent(ctx, ap.ID, dtfund.AppEvent{ActorID: actor.User.ID, Actor: actor.User.DisplayName, Action: "objection_dismissed",
		From: ap.State, To: ap.State, Reason: "公示异议经核查不成立：" + finding, Citation: dtfund.ActUpholdObjection.Article()})
}
