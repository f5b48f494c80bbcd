package web

import (
	"io"
	"net/http"
	"net/url"
	"strconv"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/sheet"
	"dtfund/internal/store"
)

// Excel and CSV imports (数据导入): upload → preview (every problem by row,
// column and reason, and the uploaded workbook with the problem cells
// marked) → confirm, or discard. The upload form works without JavaScript;
// static/upload.js adds an upload progress bar.
func (s *Server) importRoutes() []Route {
	importers := roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleAdmin, dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance)
	upload := importers
	upload.MaxBody = app.MaxImportSize + 1<<20 // the file and a few fields
	return []Route{
		{"GET", "/imports", importers, s.importList},
		{"POST", "/imports", upload, s.importUpload},
		{"GET", "/import-templates/{kind}", importers, s.importTemplate},
		{"GET", "/imports/{id}", importers, s.importDetail},
		{"POST", "/imports/{id}/confirm", importers, s.importConfirm},
		{"POST", "/imports/{id}/discard", importers, s.importDiscard},
		{"GET", "/imports/{id}/marked.xlsx", importers, s.importMarked},
	}
}

// capImports is the workbench's link to the imports (roleCapabilities).
var capImports = capability{"数据导入（Excel/CSV）", "/imports", ""}

func init() {
	extraFuncs["importState"] = importStateLabel
}

// importStateLabel names an import's state.
func importStateLabel(state string) string {
	return map[string]string{store.ImportPreviewed: "待确认", store.ImportImported: "已导入", store.ImportDiscarded: "已放弃"}[state]
}

const importPageSize = 50

// findingsPageSize is how many problems and notes a page of an import shows.
const findingsPageSize = 100

// importRow is an import record with its kind's name, for the list.
type importRow struct {
	*store.Import
	KindLabel string
}

func (s *Server) importList(w http.ResponseWriter, r *http.Request) {
	s.renderImports(w, r, nil, nil)
}

func (s *Server) renderImports(w http.ResponseWriter, r *http.Request, form url.Values, errs map[string]string) {
	ctx, a := r.Context(), actor(r)
	page, offset := pageParam(r.URL.Query().Get("page"), importPageSize)
	recs, total, err := s.App.FindImports(ctx, a, store.Page{Offset: offset, Limit: importPageSize})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rows := make([]importRow, len(recs))
	for i, rec := range recs {
		k, _ := app.ImportKind(rec.Kind)
		rows[i] = importRow{Import: rec, KindLabel: k.Label}
	}
	kinds := app.ImportKinds(a)
	data := map[string]any{"Imports": rows, "Kinds": kinds, "MaxMiB": app.MaxImportSize >> 20,
		"Pager": newPager(page, importPageSize, total, "")}
	for _, k := range kinds {
		if k.UsesCall {
			data["Calls"] = s.reviewCalls(r)
		}
	}
	if form == nil {
		form = url.Values{}
		if len(kinds) > 0 {
			form.Set("kind", kinds[0].Name)
		}
		for _, k := range kinds { // ?kind= preselects a kind (the credit page's link)
			if k.Name == r.URL.Query().Get("kind") {
				form.Set("kind", k.Name)
			}
		}
	}
	v := s.newView(r, "数据导入", data)
	v.Form, v.Errors = form, errs
	s.render(w, r, "import_list", v)
}

// importUpload checks the uploaded file and keeps it as a previewed import;
// the preview page shows what was found.
func (s *Server) importUpload(w http.ResponseWriter, r *http.Request) { s.uploadKind(w, r, "") }

// creditImportPage is the former address of the credit records import
// (第十一条, 第十三条): the import page with that kind chosen.
func (s *Server) creditImportPage(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/imports?kind=credit", http.StatusSeeOther)
}

// creditImportUpload takes an upload posted to the former address as a
// credit records import.
func (s *Server) creditImportUpload(w http.ResponseWriter, r *http.Request) {
	s.uploadKind(w, r, "credit")
}

// uploadKind previews an uploaded file of the form's kind, or of kind if
// the address fixes it.
func (s *Server) uploadKind(w http.ResponseWriter, r *http.Request, kind string) {
	f := r.PostForm
	if r.MultipartForm != nil {
		f = url.Values(r.MultipartForm.Value)
	}
	if kind != "" {
		if f == nil {
			f = url.Values{}
		}
		f.Set("kind", kind)
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		s.renderImports(w, r, f, map[string]string{"file": "请选择要导入的文件（.xlsx 或 .csv）"})
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, app.MaxImportSize+1))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	callID, _ := strconv.ParseInt(f.Get("call"), 10, 64)
	res, err := s.App.PreviewImport(r.Context(), actor(r), f.Get("kind"), hdr.Filename, data, app.ImportOptions{CallID: callID})
	if err != nil {
		if dtfund.ErrorCode(err) == dtfund.EINVALID {
			s.renderImports(w, r, f, formErrors(err))
			return
		}
		s.renderError(w, r, err)
		return
	}
	msg := "文件已校验，没有发现错误：请核对后确认导入"
	if !res.OK() {
		msg = "文件中发现 " + strconv.Itoa(len(res.Problems)) + " 处错误，请查看"
	}
	s.redirect(w, r, "/imports/"+strconv.FormatInt(res.Record.ID, 10), msg)
}

func (s *Server) importDetail(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	s.renderImport(w, r, id, nil, nil)
}

// finding is one line of the preview: an error or a difference.
type finding struct {
	sheet.Problem
	Note bool
}

// renderImport shows an import record; after a refused confirmation, fresh
// holds the new check's findings and err the refusal.
func (s *Server) renderImport(w http.ResponseWriter, r *http.Request, id int64, fresh *app.ImportResult, err error) {
	ctx, a := r.Context(), actor(r)
	d, derr := s.App.Import(ctx, a, id)
	if derr != nil {
		s.renderError(w, r, derr)
		return
	}
	problems, notes, lines, valid := d.Problems, d.Notes, d.Lines, d.RowsValid
	if fresh != nil {
		problems, notes, lines, valid = fresh.Problems, fresh.Notes, fresh.Lines, fresh.Valid
	}
	all := make([]finding, 0, len(problems)+len(notes))
	for _, p := range problems {
		all = append(all, finding{Problem: p})
	}
	for _, p := range notes {
		all = append(all, finding{Problem: p, Note: true})
	}
	page, offset := pageParam(r.URL.Query().Get("page"), findingsPageSize)
	shown := all[min(offset, len(all)):min(offset+findingsPageSize, len(all))]
	data := map[string]any{"I": d, "Findings": shown, "Problems": len(problems), "Notes": len(notes), "Lines": lines,
		"Valid": valid, "Invalid": d.RowsTotal - valid, "Pager": newPager(page, findingsPageSize, len(all), ""),
		"Mine": d.CreatedBy == a.User.ID, "Summary": d.Kind.Name == "summary", "Truncated": d.ProblemCount > len(d.Problems)}
	if d.CallID != 0 {
		if c, err := s.App.DB.Call(ctx, d.CallID); err == nil {
			data["Call"] = c
		}
	}
	v := s.newView(r, "数据导入："+d.FileName, data)
	if err != nil {
		v.Errors = map[string]string{"": dtfund.ErrorMessage(err)}
		s.renderCode(w, r, "import_detail", v, statusFor(dtfund.ErrorCode(err)))
		return
	}
	s.render(w, r, "import_detail", v)
}

func (s *Server) importConfirm(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	res, err := s.App.ConfirmImport(r.Context(), actor(r), id, r.PostForm.Get("valid_only") == "on", nil)
	switch code := dtfund.ErrorCode(err); {
	case err == nil:
	case code == dtfund.EINVALID || code == dtfund.ECONFLICT || code == dtfund.EFORBIDDEN:
		s.renderImport(w, r, id, res, err)
		return
	default:
		s.renderError(w, r, err)
		return
	}
	msg := "已导入：新增 " + strconv.Itoa(res.Counts.Inserted) + " 行，更新 " + strconv.Itoa(res.Counts.Updated) + " 行，" +
		strconv.Itoa(res.Counts.Unchanged) + " 行与系统中一致未作改动"
	if res.Kind.Name == "summary" {
		msg = "已保存核对记录：" + strconv.Itoa(res.Rows) + " 行，" + strconv.Itoa(len(res.Notes)) + " 处差异"
	}
	if res.Skipped > 0 {
		msg += "；" + strconv.Itoa(res.Skipped) + " 行有错误未导入"
	}
	s.redirect(w, r, "/imports/"+strconv.FormatInt(id, 10), msg)
}

func (s *Server) importDiscard(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	if err := s.App.DiscardImport(r.Context(), actor(r), id); err != nil {
		switch dtfund.ErrorCode(err) {
		case dtfund.ECONFLICT, dtfund.EFORBIDDEN:
			s.renderImport(w, r, id, nil, err)
		default:
			s.renderError(w, r, err)
		}
		return
	}
	s.redirect(w, r, "/imports", "已放弃这次导入，没有写入任何数据")
}

func (s *Server) importMarked(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	name, data, err := s.App.MarkedImport(r.Context(), actor(r), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	sendWorkbook(w, "import-"+strconv.FormatInt(id, 10)+"-marked.xlsx", name, data)
}

// importTemplate sends an empty workbook of a kind the user may import.
func (s *Server) importTemplate(w http.ResponseWriter, r *http.Request) {
	kind := r.PathValue("kind")
	for _, k := range app.ImportKinds(actor(r)) {
		if k.Name == kind {
			data, err := app.ImportTemplate(kind)
			if err != nil {
				s.renderError(w, r, err)
				return
			}
			sendWorkbook(w, kind+"-template.xlsx", k.Label+"-模板.xlsx", data)
			return
		}
	}
	s.notFound(w, r)
}

// sendWorkbook sends an .xlsx as a download: an ASCII file name for old
// clients and the Chinese one (RFC 5987) for the rest.
func sendWorkbook(w http.ResponseWriter, ascii, name string, data []byte) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+ascii+`"; filename*=UTF-8''`+url.PathEscape(name))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(data)
}

// sendExport answers an export.xlsx route.
func (s *Server) sendExport(w http.ResponseWriter, r *http.Request, ascii string, e *app.Export, err error) {
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	sendWorkbook(w, ascii, e.Name, e.Data)
}
