package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/policy"
)

// Joint re-check (资格复核, 第十四条（四）), publicity and objections (网站公示,
// 第十四条（五）), government approval and awards (政府审批, 第十四条（六）), and
// the credit records (第十一条, 第十三条) the re-check reads.
func (s *Server) publicityRoutes() []Route {
	city := roles(dtfund.RoleCityMIIT)
	signers := roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance)
	// An upload form carries one file of at most 5 MiB plus a few fields.
	limit := int64(app.MaxPublicityFileSize + 1<<20)
	return []Route{
		{"GET", "/orgs/{id}/credit", roles(officials...), s.creditPage},
		{"POST", "/orgs/{id}/credit", roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleAdmin), s.creditAdd},

		{"GET", "/recheck", signers, s.recheckQueue},
		{"GET", "/apps/{id}/recheck", signers, s.recheckPage},
		{"POST", "/apps/{id}/recheck", signers, s.recheckSign},

		{"GET", "/publicity", city, s.publicityList},
		{"POST", "/publicity", city, s.publicityCreate},
		{"GET", "/publicity/{id}", city, s.publicityBatch},
		{"GET", "/publicity/{id}/export.xlsx", city, s.publicityExport},
		{"GET", "/publicity/{id}/candidates", city, s.publicityCandidates},
		{"POST", "/publicity/{id}/items", city, s.publicityAddItem},
		{"POST", "/publicity/{id}/close", city, s.publicityClose},
		{"POST", "/publicity/{id}/approval", Access{Roles: city.Roles, MaxBody: limit}, s.publicityApprove},
		{"GET", "/approvals/{id}/file", city, s.approvalFile},
		{"GET", "/objections", city, s.objectionList},
		{"GET", "/objections/{id}", city, s.objectionPage},
		{"POST", "/objections/{id}", city, s.objectionDecide},
		{"GET", "/objections/{id}/file", city, s.objectionFile},

		{"GET", "/awards", roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance,
			dtfund.RoleApplicant), s.awardList},

		{"GET", "/public/publicity", public, s.publicPublicity},
		{"GET", "/public/publicity/{id}", public, s.publicBatch},
		{"GET", "/public/publicity/{id}/export.xlsx", public, s.publicPublicityExport},
		{"POST", "/public/publicity/{id}/objections", Access{Public: true, MaxBody: limit}, s.publicObject},
	}
}

// Timeline lines of this part that are not state transitions.
func init() {
	extraActionLabels["objection_dismissed"] = "公示异议不成立"
}

const pubPageSize = 50

// pubID reads the numeric {id} path parameter; false (and 404 sent) when it
// is not one.
func (s *Server) pubID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.notFound(w, r)
		return 0, false
	}
	return id, true
}

// pubRender shows a page again after a refused POST: field errors beside
// their fields (422), any other refusal as one message with its status
// (409, 429…), the submitted values kept. Internal errors get the error page.
func (s *Server) pubRender(w http.ResponseWriter, r *http.Request, page string, v *view, err error) {
	code := dtfund.ErrorCode(err)
	if code == dtfund.EINTERNAL || code == dtfund.ENOTFOUND || code == dtfund.EFORBIDDEN {
		s.renderError(w, r, err)
		return
	}
	v.Form, v.Errors = r.PostForm, formErrors(err)
	s.renderCode(w, r, page, v, statusFor(code))
}

// pubFile reads the optional upload "file". The app layer checks its size
// and content; here it is only read, bounded.
func pubFile(r *http.Request) (*app.PublicityFile, error) {
	f, h, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
		return nil, nil
	}
	if err != nil {
		return nil, dtfund.FieldError("file", "无法读取上传的文件")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, app.MaxPublicityFileSize+1))
	if err != nil {
		return nil, dtfund.FieldError("file", "无法读取上传的文件")
	}
	return &app.PublicityFile{Name: h.Filename, Data: data}, nil
}

// serveStored sends a stored file as a download.
// sendStored serves a stored file opened by a use case, or the error that
// opening it returned.
func (s *Server) sendStored(w http.ResponseWriter, r *http.Request, name string, fc *store.FileContent, f *os.File, err error) {
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	serveStored(w, r, name, fc, f)
}

func serveStored(w http.ResponseWriter, r *http.Request, name string, fc *store.FileContent, f *os.File) {
	defer f.Close()
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": name})
	if disposition == "" {
		disposition = "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", fc.ContentType)
	h.Set("Content-Disposition", disposition)
	h.Set("Cache-Control", "private, no-store")
	http.ServeContent(w, r, "", time.Time{}, f)
}

// ---- credit records (第十一条, 第十三条) ----

// creditRow is a record as the page shows it.
type creditRow struct {
	store.CreditRecord
	KindLabel string
	Listing   bool
}

type kindOption struct{ Value, Label string }

func creditKindOptions() []kindOption {
	out := make([]kindOption, len(app.CreditKinds))
	for i, k := range app.CreditKinds {
		out[i] = kindOption{string(k), k.Label()}
	}
	return out
}

func (s *Server) creditPage(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pubID(w, r)
	if !ok {
		return
	}
	v, err := s.creditView(r, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "credit", v)
}

func (s *Server) creditView(r *http.Request, orgID int64) (*view, error) {
	ctx, act := r.Context(), actor(r)
	org, err := s.App.Organization(ctx, act, orgID)
	if err != nil {
		return nil, err
	}
	recs, err := s.App.CreditRecords(ctx, act, orgID)
	if err != nil {
		return nil, err
	}
	// An organisation's records are few; the page still pages them.
	page, offset := pageParam(r.URL.Query().Get("page"), pubPageSize)
	rows := make([]creditRow, 0, pubPageSize)
	for i := offset; i < len(recs) && i < offset+pubPageSize; i++ {
		k := policy.CreditKind(recs[i].Kind)
		rows = append(rows, creditRow{recs[i], k.Label(), app.IsListingKind(k)})
	}
	return s.newView(r, org.Name+" · 信用记录", map[string]any{"Org": org, "Records": rows, "Kinds": creditKindOptions(),
		"CanWrite": app.CanWriteCredit(act.User.Role), "Pager": newPager(page, pubPageSize, len(recs), "")}), nil
}

func (s *Server) creditAdd(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pubID(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	_, err := s.App.AddCreditRecord(r.Context(), actor(r), app.CreditInput{OrgID: id, Kind: f.Get("kind"),
		StartDate: f.Get("start_date"), EndDate: f.Get("end_date"), StillListed: f.Get("still_listed") == "on",
		Note: f.Get("note"), Source: f.Get("source")})
	if err != nil {
		v, verr := s.creditView(r, id)
		if verr != nil {
			s.renderError(w, r, verr)
			return
		}
		s.pubRender(w, r, "credit", v, err)
		return
	}
	s.redirect(w, r, fmt.Sprintf("/orgs/%d/credit", id), "已添加信用记录，此后的提交和资格复核将据此判定")
}

// ---- joint re-check (第十四条（四）) ----

// recheckRow is an application of the queue with its signatures.
type recheckRow struct {
	App  *dtfund.Application
	Sigs []store.RecheckSignature
}

func (s *Server) recheckQueue(w http.ResponseWriter, r *http.Request) {
	page, offset := pageParam(r.URL.Query().Get("page"), pubPageSize)
	apps, total, sigs, err := s.App.RecheckQueue(r.Context(), actor(r), store.Page{Offset: offset, Limit: pubPageSize})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rows := make([]recheckRow, len(apps))
	for i, a := range apps {
		rows[i] = recheckRow{a, sigs[a.ID]}
	}
	s.render(w, r, "recheck_list", s.newView(r, "资格复核", map[string]any{"Rows": rows,
		"Pager": newPager(page, pubPageSize, total, "")}))
}

func (s *Server) recheckView(r *http.Request, id int64) (*view, error) {
	info, err := s.App.Recheck(r.Context(), actor(r), id)
	if err != nil {
		return nil, err
	}
	v := s.newView(r, "资格复核 "+info.App.Number, map[string]any{"Info": info})
	v.Form = url.Values{"idem": {randomToken()}}
	return v, nil
}

func (s *Server) recheckPage(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pubID(w, r)
	if !ok {
		return
	}
	v, err := s.recheckView(r, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "recheck", v)
}

func (s *Server) recheckSign(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pubID(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	var got *dtfund.Application
	var err error
	switch f.Get("verdict") {
	case "pass", "fail":
		got, err = s.App.SignRecheck(r.Context(), actor(r), app.RecheckSign{AppID: id, Pass: f.Get("verdict") == "pass",
			Opinion: f.Get("opinion"), IdempotencyKey: f.Get("idem")})
	default:
		err = dtfund.FieldError("verdict", "请选择复核结论：通过或不通过")
	}
	if err != nil {
		v, verr := s.recheckView(r, id)
		if verr != nil {
			s.renderError(w, r, verr)
			return
		}
		s.pubRender(w, r, "recheck", v, err)
		return
	}
	msg := "已签署复核意见，待另一部门会签"
	switch got.State {
	case dtfund.StateRechecked:
		msg = "两部门会签通过：资格复核通过，可列入公示"
	case dtfund.StateRecheckFailed:
		msg = "资格复核未通过，已通知申报单位"
	}
	s.redirect(w, r, fmt.Sprintf("/apps/%d/recheck", id), msg)
}

// ---- publicity batches (第十四条（五）) ----

func (s *Server) publicityList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if appID, err := strconv.ParseInt(q.Get("app"), 10, 64); err == nil {
		// From an application's page: its batch if it has one.
		if it, err := s.App.DB.PublicityItemOfApp(r.Context(), appID); err == nil {
			http.Redirect(w, r, fmt.Sprintf("/publicity/%d", it.BatchID), http.StatusSeeOther)
			return
		}
	}
	v, err := s.publicityListView(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if appID, err := strconv.ParseInt(q.Get("app"), 10, 64); err == nil {
		if a, err := s.App.Application(r.Context(), actor(r), appID); err == nil {
			v.Data.(map[string]any)["ForApp"] = a
		}
	}
	s.render(w, r, "publicity_list", v)
}

func (s *Server) publicityListView(r *http.Request) (*view, error) {
	page, offset := pageParam(r.URL.Query().Get("page"), pubPageSize)
	batches, total, err := s.App.PublicityBatches(r.Context(), actor(r), store.BatchFilter{Page: store.Page{Offset: offset, Limit: pubPageSize}})
	if err != nil {
		return nil, err
	}
	today := calendar.DateOf(s.App.DB.Now())
	v := s.newView(r, "网站公示", map[string]any{"Batches": batches, "Pager": newPager(page, pubPageSize, total, ""),
		"Today": today.String()})
	v.Form = url.Values{"start_date": {today.AddDays(1).String()}}
	return v, nil
}

func (s *Server) publicityCreate(w http.ResponseWriter, r *http.Request) {
	b, err := s.App.CreatePublicityBatch(r.Context(), actor(r), r.PostForm.Get("title"), r.PostForm.Get("start_date"))
	if err != nil {
		v, verr := s.publicityListView(r)
		if verr != nil {
			s.renderError(w, r, verr)
			return
		}
		s.pubRender(w, r, "publicity_list", v, err)
		return
	}
	s.redirect(w, r, fmt.Sprintf("/publicity/%d/candidates", b.ID), "已创建公示批次，请选择要列入公示的申报")
}

func (s *Server) publicityBatchView(r *http.Request, id int64) (*view, error) {
	ctx, act := r.Context(), actor(r)
	b, err := s.App.PublicityBatch(ctx, act, id)
	if err != nil {
		return nil, err
	}
	page, offset := pageParam(r.URL.Query().Get("page"), pubPageSize)
	items, total, err := s.App.PublicityItems(ctx, act, id, store.Page{Offset: offset, Limit: pubPageSize})
	if err != nil {
		return nil, err
	}
	approvals, err := s.App.Approvals(ctx, act, id)
	if err != nil {
		return nil, err
	}
	data := map[string]any{"Batch": b, "Items": items, "Pager": newPager(page, pubPageSize, total, ""), "Approvals": approvals}
	if d, err := calendar.ParseDate(b.LastEnd); err == nil {
		data["ClosableFrom"] = d.AddDays(1).String()
	}
	v := s.newView(r, "公示批次："+b.Title, data)
	v.Form = url.Values{"idem": {randomToken()}, "doc_date": {calendar.DateOf(s.App.DB.Now()).String()}}
	return v, nil
}

func (s *Server) publicityBatch(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pubID(w, r)
	if !ok {
		return
	}
	v, err := s.publicityBatchView(r, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "publicity_batch", v)
}

// candidateRow is a re-checked application with the amount offered.
type candidateRow struct {
	app.Candidate
	Default string // the proposed amount pre-filled, in 元
}

func (s *Server) publicityCandidatesView(r *http.Request, id int64) (*view, error) {
	ctx, act := r.Context(), actor(r)
	b, err := s.App.PublicityBatch(ctx, act, id)
	if err != nil {
		return nil, err
	}
	page, offset := pageParam(r.URL.Query().Get("page"), pubPageSize)
	cands, total, err := s.App.PublicityCandidates(ctx, act, store.Page{Offset: offset, Limit: pubPageSize})
	if err != nil {
		return nil, err
	}
	rows := make([]candidateRow, len(cands))
	for i, c := range cands {
		rows[i] = candidateRow{Candidate: c}
		if c.Result != nil && c.Result.HasCap {
			rows[i].Default = plainAmount(c.Result.MaxSubsidyFen)
		} else if c.App.RequestedFen > 0 {
			rows[i].Default = plainAmount(c.App.RequestedFen)
		}
	}
	return s.newView(r, "列入公示："+b.Title, map[string]any{"Batch": b, "Rows": rows, "ErrApp": int64(0),
		"Idem": randomToken(), "Pager": newPager(page, pubPageSize, total, "")}), nil
}

// plainAmount shows fen as 元 for an input field (no separators).
func plainAmount(fen int64) string { return fmt.Sprintf("%d.%02d", fen/100, fen%100) }

func (s *Server) publicityCandidates(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pubID(w, r)
	if !ok {
		return
	}
	v, err := s.publicityCandidatesView(r, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "publicity_candidates", v)
}

func (s *Server) publicityAddItem(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pubID(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	appID, _ := strconv.ParseInt(f.Get("app_id"), 10, 64)
	p := app.Publication{BatchID: id, AppID: appID, IdempotencyKey: f.Get("idem")}
	var err error
	if strings.TrimSpace(f.Get("amount")) != "" {
		var fen int64
		if fen, err = parseMoney("amount", "拟支持金额", f.Get("amount"), 1); err == nil {
			p.AmountFen = &fen
		}
	}
	var it *store.PublicityItem
	if err == nil {
		it, err = s.App.Publish(r.Context(), actor(r), p)
	}
	if err != nil {
		v, verr := s.publicityCandidatesView(r, id)
		if verr != nil {
			s.renderError(w, r, verr)
			return
		}
		v.Data.(map[string]any)["ErrApp"] = appID
		s.pubRender(w, r, "publicity_candidates", v, err)
		return
	}
	s.redirect(w, r, fmt.Sprintf("/publicity/%d/candidates", id),
		fmt.Sprintf("已列入公示：拟支持 %s 元，公示期 %s 至 %s", formatYuan(it.AmountFen), it.StartDate, it.EndDate))
}

func (s *Server) publicityClose(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pubID(w, r)
	if !ok {
		return
	}
	n, err := s.App.ClosePublicity(r.Context(), actor(r), id)
	if err != nil {
		s.batchRefused(w, r, id, err)
		return
	}
	s.redirect(w, r, fmt.Sprintf("/publicity/%d", id), fmt.Sprintf("公示已结束：%d 个申报公示期满无异议，可提报市政府审批", n))
}

// batchRefused shows the batch page again with the refusal.
func (s *Server) batchRefused(w http.ResponseWriter, r *http.Request, id int64, err error) {
	v, verr := s.publicityBatchView(r, id)
	if verr != nil {
		s.renderError(w, r, verr)
		return
	}
	s.pubRender(w, r, "publicity_batch", v, err)
}

func (s *Server) publicityApprove(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pubID(w, r)
	if !ok {
		return
	}
	file, err := pubFile(r)
	var res *app.ApprovalResult
	if err == nil {
		f := r.PostForm
		res, err = s.App.ApproveBatch(r.Context(), actor(r), app.ApprovalInput{BatchID: id, DocNumber: f.Get("doc_number"),
			DocDate: f.Get("doc_date"), File: file, IdempotencyKey: f.Get("idem")})
	}
	if err != nil {
		s.batchRefused(w, r, id, err)
		return
	}
	msg := "该审批已录入"
	if !res.Replayed {
		msg = fmt.Sprintf("已录入市政府批复 %s：%d 个申报获批并生成奖补", res.Approval.DocNumber, len(res.Awards))
		if len(res.Skipped) > 0 {
			msg += "；暂缓：" + strings.Join(res.Skipped, "；")
		}
	}
	s.redirect(w, r, fmt.Sprintf("/publicity/%d", id), msg)
}

func (s *Server) approvalFile(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pubID(w, r)
	if !ok {
		return
	}
	name, fc, f, err := s.App.OpenApprovalFile(r.Context(), actor(r), id)
	s.sendStored(w, r, name, fc, f, err)
}

// ---- objections (第十四条（五）) ----

// objectionRow is an objection with its state's label.
type objectionRow struct {
	*store.Objection
	StateLabel string
}

var objectionStates = []string{store.ObjectionOpen, store.ObjectionUpheld, store.ObjectionDismissed, store.ObjectionSuperseded}

func (s *Server) objectionList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, offset := pageParam(q.Get("page"), pubPageSize)
	batchID, _ := strconv.ParseInt(q.Get("batch"), 10, 64)
	f := store.ObjectionFilter{BatchID: batchID, State: q.Get("state"), Page: store.Page{Offset: offset, Limit: pubPageSize}}
	objs, total, err := s.App.Objections(r.Context(), actor(r), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rows := make([]objectionRow, len(objs))
	for i, o := range objs {
		rows[i] = objectionRow{o, store.ObjectionStateLabel(o.State)}
	}
	states := make([]kindOption, len(objectionStates))
	for i, st := range objectionStates {
		states[i] = kindOption{st, store.ObjectionStateLabel(st)}
	}
	rest := url.Values{"batch": {q.Get("batch")}, "state": {q.Get("state")}}.Encode()
	v := s.newView(r, "公示异议", map[string]any{"Rows": rows, "States": states, "Pager": newPager(page, pubPageSize, total, rest)})
	v.Form = q
	s.render(w, r, "objection_list", v)
}

func (s *Server) objectionView(r *http.Request, id int64) (*view, error) {
	o, err := s.App.Objection(r.Context(), actor(r), id)
	if err != nil {
		return nil, err
	}
	return s.newView(r, fmt.Sprintf("异议 %d", o.ID), map[string]any{"O": objectionRow{o, store.ObjectionStateLabel(o.State)}}), nil
}

func (s *Server) objectionPage(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pubID(w, r)
	if !ok {
		return
	}
	v, err := s.objectionView(r, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "objection", v)
}

func (s *Server) objectionDecide(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pubID(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	var err error
	switch f.Get("verdict") {
	case "upheld", "dismissed":
		err = s.App.DecideObjection(r.Context(), actor(r), app.ObjectionDecision{ID: id, Upheld: f.Get("verdict") == "upheld",
			Finding: f.Get("finding")})
	default:
		err = dtfund.FieldError("verdict", "请选择核查结论：异议成立或不成立")
	}
	if err != nil {
		v, verr := s.objectionView(r, id)
		if verr != nil {
			s.renderError(w, r, verr)
			return
		}
		s.pubRender(w, r, "objection", v, err)
		return
	}
	msg := "已记录：异议不成立，申报继续公示"
	if f.Get("verdict") == "upheld" {
		msg = "已记录：异议成立，该申报已退出公示并通知申报单位"
	}
	s.redirect(w, r, fmt.Sprintf("/objections/%d", id), msg)
}

func (s *Server) objectionFile(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pubID(w, r)
	if !ok {
		return
	}
	name, fc, f, err := s.App.OpenObjectionFile(r.Context(), actor(r), id)
	s.sendStored(w, r, name, fc, f, err)
}

// ---- awards (第十四条（六）) ----

// awardRow is an award with its fund's label.
type awardRow struct {
	*store.Award
	FundLabel string
}

func (s *Server) awardList(w http.ResponseWriter, r *http.Request) {
	page, offset := pageParam(r.URL.Query().Get("page"), pubPageSize)
	awards, total, sum, err := s.App.FindAwards(r.Context(), actor(r), store.AwardFilter{Page: store.Page{Offset: offset, Limit: pubPageSize}})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rows := make([]awardRow, len(awards))
	for i, a := range awards {
		rows[i] = awardRow{a, store.FundSourceLabel(a.FundSource)}
	}
	s.render(w, r, "award_list", s.newView(r, "奖补名单", map[string]any{"Rows": rows, "Sum": sum,
		"Pager": newPager(page, pubPageSize, total, "")}))
}

// ---- the public pages: no login ----

// publicItem is all the public sees of a published application.
type publicItem struct {
	ID, BatchID            int64
	OrgName, ProjectTitle  string
	Category               string
	AmountFen              int64
	StartDate, EndDate     string
	BatchTitle, BatchState string
}

func publicItems(items []*store.PublicityItem, titles map[int64]*store.PublicityBatch) []publicItem {
	out := make([]publicItem, len(items))
	for i, it := range items {
		out[i] = publicItem{ID: it.ID, BatchID: it.BatchID, OrgName: it.OrgName, ProjectTitle: it.ProjectTitle,
			Category: dtfund.CategoryLabel(it.Category), AmountFen: it.AmountFen, StartDate: it.StartDate, EndDate: it.EndDate}
		if b := titles[it.BatchID]; b != nil {
			out[i].BatchTitle, out[i].BatchState = b.Title, b.State
		}
	}
	return out
}

// archivePager pages the archived batches with its own parameter.
type archivePager struct {
	pager
	Other int // the current page of the other list
}

func (s *Server) publicPublicity(w http.ResponseWriter, r *http.Request) {
	ctx, q := r.Context(), r.URL.Query()
	page, offset := pageParam(q.Get("page"), pubPageSize)
	items, total, err := s.App.PublicItems(ctx, 0, store.Page{Offset: offset, Limit: pubPageSize})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	open, _, err := s.App.PublicBatches(ctx, store.BatchOpen, store.Page{Limit: 200})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	apage, aoffset := pageParam(q.Get("archive"), pubPageSize)
	closed, atotal, err := s.App.PublicBatches(ctx, store.BatchClosed, store.Page{Offset: aoffset, Limit: pubPageSize})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	byID := map[int64]*store.PublicityBatch{}
	for _, b := range open {
		byID[b.ID] = b
	}
	s.render(w, r, "publicity_public", s.newView(r, "网站公示", map[string]any{
		"Items": publicItems(items, byID), "Pager": newPager(page, pubPageSize, total, "archive="+strconv.Itoa(apage)),
		"Archive": closed, "ArchivePager": archivePager{newPager(apage, pubPageSize, atotal, ""), page},
		"MaxFileMiB": app.MaxPublicityFileSize >> 20, "MaxPerHour": app.MaxObjectionsPerWindow,
	}))
}

func (s *Server) publicBatchView(r *http.Request, id int64) (*view, error) {
	ctx := r.Context()
	b, err := s.App.PublicBatch(ctx, id)
	if err != nil {
		return nil, err
	}
	page, offset := pageParam(r.URL.Query().Get("page"), pubPageSize)
	items, total, err := s.App.PublicItems(ctx, id, store.Page{Offset: offset, Limit: pubPageSize})
	if err != nil {
		return nil, err
	}
	data := map[string]any{"Batch": b, "Items": publicItems(items, map[int64]*store.PublicityBatch{id: b}),
		"Pager": newPager(page, pubPageSize, total, ""), "Open": b.State == store.BatchOpen,
		"MaxFileMiB": app.MaxPublicityFileSize >> 20, "MaxPerHour": app.MaxObjectionsPerWindow}
	if b.State == store.BatchOpen {
		// The objection form's choice: every project of the batch (a batch
		// is a few hundred at most; the page size caps it anyway).
		all, _, err := s.App.PublicItems(ctx, id, store.Page{Limit: 200})
		if err != nil {
			return nil, err
		}
		data["Choices"] = publicItems(all, nil)
	}
	v := s.newView(r, "公示："+b.Title, data)
	v.Form = url.Values{"item_id": {r.URL.Query().Get("item")}}
	return v, nil
}

func (s *Server) publicBatch(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pubID(w, r)
	if !ok {
		return
	}
	v, err := s.publicBatchView(r, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "publicity_public_batch", v)
}

func (s *Server) publicObject(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pubID(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	itemID, _ := strconv.ParseInt(f.Get("item_id"), 10, 64)
	file, err := pubFile(r)
	var o *store.Objection
	if err == nil {
		o, err = s.App.LodgeObjection(r.Context(), app.ObjectionInput{BatchID: id, ItemID: itemID, Name: f.Get("name"),
			Contact: f.Get("contact"), Reason: f.Get("reason"), IP: state(r).IP, File: file})
	}
	if err != nil {
		v, verr := s.publicBatchView(r, id)
		if verr != nil {
			s.renderError(w, r, verr)
			return
		}
		s.pubRender(w, r, "publicity_public_batch", v, err)
		return
	}
	s.redirect(w, r, fmt.Sprintf("/public/publicity/%d", id),
		fmt.Sprintf("您的异议已提交（编号 %d）。市工业和信息化局将进行核查，并通过您留下的联系方式反馈。", o.ID))
}
