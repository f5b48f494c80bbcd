package api

import (
	"context"
	"io"

	"dtfund"
	"dtfund/apiclient"
	"dtfund/internal/app"
	"dtfund/internal/sheet"
	"dtfund/internal/store"
)

// importOps: Excel and CSV imports (upload → preview with every problem by
// row and column, and the uploaded workbook with the problem cells marked →
// confirm or discard) and the .xlsx exports of the list pages, each with
// the access of its page and the same app call, so that jurisdiction is
// the same.
func importOps() []*Operation {
	importers := roles(dtfund.RoleCityMIIT, dtfund.RoleAdmin, dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance)
	officials := roles(dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance, dtfund.RoleCityMIIT, dtfund.RoleCityFinance,
		dtfund.RoleInspector, dtfund.RoleAdmin)
	moneyViewers := roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleInspector, dtfund.RoleAdmin)
	city := roles(dtfund.RoleCityMIIT)
	return group("imports",
		op("GET", "/import-kinds", "ListImportKinds", "调用者可导入的表格类型及其各列说明", importers, listImportKinds),
		op("GET", "/import-kinds/{kind}/template", "DownloadImportTemplate", "下载导入模板（.xlsx，含各列说明）", importers, downloadImportTemplate),
		op("POST", "/imports", "UploadImport",
			"上传表格（multipart：kind、file，汇总表另需 call_id）：校验后保存为待确认的导入，不写入数据", importers, uploadImport).
			created().upload(app.MaxImportSize+1<<20).fields("call", "call_id"),
		op("GET", "/imports", "ListImports", "导入记录（县区只见本辖区的上传）", importers, listImports),
		op("GET", "/imports/{id}", "GetImport", "导入记录及其校验结果（逐行逐列的问题、差异与说明）", importers, getImport),
		op("POST", "/imports/{id}/confirm", "ConfirmImport",
			"确认导入（只能由上传人确认）：重新校验，有错误时不写入（valid_only 为 true 时只导入没有错误的行）", importers, confirmImport),
		op("POST", "/imports/{id}/discard", "DiscardImport", "放弃这次导入（不写入任何数据）", importers, discardImport),
		op("GET", "/imports/{id}/marked", "DownloadMarkedImport", "下载标注了问题单元格的上传文件副本（.xlsx）", importers, downloadMarkedImport).may(422),

		op("GET", "/exports/organizations", "ExportOrganizations", "导出单位列表（.xlsx；县区只含本辖区）", officials, exportOrganizations),
		op("GET", "/exports/experts", "ExportExperts", "导出专家库（.xlsx）", city, exportExperts),
		op("GET", "/exports/letters", "ExportLetters", "导出推荐函汇总（.xlsx）", roles(dtfund.RoleDistrictMIIT, dtfund.RoleCityMIIT,
			dtfund.RoleCityFinance), exportLetters),
		op("GET", "/panels/{id}/export", "ExportPanel", "导出评审组的评分汇总（.xlsx）", city, exportPanel),
		op("GET", "/publicity/batches/{id}/export", "ExportPublicity", "导出公示批次（.xlsx）", city, exportPublicity),
		op("GET", "/public/publicity/batches/{id}/export", "ExportPublicPublicity", "导出公示名单（.xlsx，无需登录）", public, exportPublicPublicity),
		op("GET", "/payment-batches/{id}/export", "ExportPaymentBatch", "导出拨付清单（.xlsx，第六条（三））", moneyViewers, exportPaymentBatch),
		op("GET", "/exports/district-ledger", "ExportDistrictLedger", "导出本辖区的拨付台账（.xlsx；县区财政）", roles(dtfund.RoleDistrictFinance),
			exportDistrictLedger),
		op("GET", "/reports/execution/export", "ExportExecution", "导出预算执行情况（.xlsx）", moneyViewers, exportExecution),
		op("GET", "/approvals/{id}/file", "DownloadApprovalScan", "下载政府批复扫描件", city, downloadApprovalScan),
		op("GET", "/objections/{id}/file", "DownloadObjectionEvidence", "下载公示异议的证明材料", city, downloadObjectionEvidence),
	)
}

func importKindOut(k app.ImportKindInfo) apiclient.ImportKind {
	return apiclient.ImportKind{Name: k.Name, Label: k.Label, Article: k.Article, Note: k.Note, UsesCall: k.UsesCall,
		Columns: mapSlice(k.Columns, func(c sheet.Column) apiclient.ImportColumn {
			return apiclient.ImportColumn{Title: c.Title, Aliases: strs(c.Aliases), Required: c.Required, Help: c.Help}
		})}
}

func listImportKinds(_ context.Context, c *Call, _ *apiclient.None) (*apiclient.List[apiclient.ImportKind], error) {
	return listOf(app.ImportKinds(c.Actor), importKindOut), nil
}

// ownKind is an import kind the caller may import, or not found.
func ownKind(c *Call, name string) (app.ImportKindInfo, error) {
	for _, k := range app.ImportKinds(c.Actor) {
		if k.Name == name {
			return k, nil
		}
	}
	return app.ImportKindInfo{}, dtfund.Errorf(dtfund.ENOTFOUND, "导入类型不存在")
}

func downloadImportTemplate(_ context.Context, c *Call, in *apiclient.ImportKindRef) (*apiclient.Download, error) {
	k, err := ownKind(c, in.Kind)
	if err != nil {
		return nil, err
	}
	data, err := app.ImportTemplate(k.Name)
	if err != nil {
		return nil, err
	}
	return workbook(k.Label+"-模板.xlsx", data), nil
}

var importStateLabels = map[string]string{store.ImportPreviewed: "待确认", store.ImportImported: "已导入", store.ImportDiscarded: "已放弃"}

func importOut(rec *store.Import) apiclient.Import {
	k, _ := app.ImportKind(rec.Kind)
	return apiclient.Import{ID: rec.ID, Kind: rec.Kind, KindLabel: k.Label, FileName: rec.FileName, FileSize: rec.FileSize,
		FileSHA256: rec.FileSHA256, CallID: idPtr(rec.CallID), Source: rec.Source, State: rec.State, StateLabel: importStateLabels[rec.State],
		RowsTotal: rec.RowsTotal, RowsValid: rec.RowsValid, ProblemCount: rec.ProblemCount, NoteCount: rec.NoteCount, Inserted: rec.Inserted,
		Updated: rec.Updated, Unchanged: rec.Unchanged, Skipped: rec.Skipped, ValidOnly: rec.ValidOnly, CreatedBy: rec.CreatedByName,
		CreatedAt: utc(rec.CreatedAt), FinishedAt: timePtr(rec.FinishedAt)}
}

func problemOut(p sheet.Problem) apiclient.ImportProblem {
	return apiclient.ImportProblem{Row: p.Row, Col: p.Col, Cell: p.Cell(), Column: p.Column, Message: p.Message}
}

func uploadImport(ctx context.Context, c *Call, in *apiclient.ImportUpload) (*apiclient.ImportDetail, error) {
	if in.File == nil {
		return nil, dtfund.FieldError("file", "请选择要导入的文件（.xlsx 或 .csv）")
	}
	data, err := io.ReadAll(io.LimitReader(in.File.Content, app.MaxImportSize+1))
	if err != nil {
		return nil, dtfund.FieldError("file", "无法读取上传的文件")
	}
	res, err := c.App.PreviewImport(ctx, c.Actor, in.Kind, in.File.Name, data, app.ImportOptions{CallID: in.CallID})
	if err != nil {
		return nil, err
	}
	return getImport(ctx, c, &apiclient.ByID{ID: res.Record.ID})
}

func listImports(ctx context.Context, c *Call, in *apiclient.Paging) (*apiclient.Page[apiclient.Import], error) {
	p, err := page(in)
	if err != nil {
		return nil, err
	}
	recs, total, err := c.App.FindImports(ctx, c.Actor, p)
	if err != nil {
		return nil, err
	}
	return pageOf(recs, total, *in, importOut), nil
}

func getImport(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.ImportDetail, error) {
	d, err := c.App.Import(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	return &apiclient.ImportDetail{Import: importOut(d.Import), Format: string(d.Format), Sheet: d.Sheet, HeaderRow: d.HeaderRow,
		Problems: mapSlice(d.Problems, problemOut), Notes: mapSlice(d.Notes, problemOut), Lines: strs(d.Lines),
		Truncated: d.ProblemCount > len(d.Problems)}, nil
}

// confirmImport writes a previewed import. When the file now has problems
// (and valid_only is not set) nothing is written: the refusal's fields
// name the first problems by cell.
func confirmImport(ctx context.Context, c *Call, in *apiclient.ImportConfirmInput) (*apiclient.ImportConfirmResult, error) {
	res, err := c.App.ConfirmImport(ctx, c.Actor, in.ID, in.ValidOnly, nil)
	if err != nil {
		if res != nil && len(res.Problems) > 0 && dtfund.ErrorCode(err) == dtfund.EINVALID {
			ve := dtfund.ValidationErrors{dtfund.FieldError("file", "%s", dtfund.ErrorMessage(err))}
			for i, p := range res.Problems {
				if i == 100 {
					break
				}
				field := "row_" + itoa(p.Row)
				if cell := p.Cell(); cell != "" {
					field = cell
				}
				ve.Add(field, "%s", p.Message)
			}
			return nil, ve
		}
		return nil, err
	}
	d, err := getImport(ctx, c, &apiclient.ByID{ID: in.ID})
	if err != nil {
		return nil, err
	}
	return &apiclient.ImportConfirmResult{Import: *d, Inserted: res.Counts.Inserted, Updated: res.Counts.Updated,
		Unchanged: res.Counts.Unchanged, Skipped: res.Skipped}, nil
}

func discardImport(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.ImportDetail, error) {
	if err := c.App.DiscardImport(ctx, c.Actor, in.ID); err != nil {
		return nil, err
	}
	return getImport(ctx, c, in)
}

func downloadMarkedImport(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.Download, error) {
	name, data, err := c.App.MarkedImport(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	return workbook(name, data), nil
}

// ---- exports ----

// export answers an app export as a download.
func export(e *app.Export, err error) (*apiclient.Download, error) {
	if err != nil {
		return nil, err
	}
	return workbook(e.Name, e.Data), nil
}

func exportOrganizations(ctx context.Context, c *Call, _ *apiclient.None) (*apiclient.Download, error) {
	return export(c.App.ExportOrganizations(ctx, c.Actor))
}

func exportExperts(ctx context.Context, c *Call, _ *apiclient.None) (*apiclient.Download, error) {
	return export(c.App.ExportExperts(ctx, c.Actor))
}

func exportLetters(ctx context.Context, c *Call, in *apiclient.LetterExportQuery) (*apiclient.Download, error) {
	return export(c.App.ExportLetters(ctx, c.Actor, store.LetterFilter{CallID: in.CallID}))
}

func exportPanel(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.Download, error) {
	return export(c.App.ExportPanel(ctx, c.Actor, in.ID))
}

func exportPublicity(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.Download, error) {
	return export(c.App.ExportPublicity(ctx, c.Actor, in.ID))
}

func exportPublicPublicity(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.Download, error) {
	return export(c.App.ExportPublicPublicity(ctx, in.ID))
}

func exportPaymentBatch(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.Download, error) {
	data, err := c.App.BatchExcel(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	return workbook("拨付清单-批次"+itoa(int(in.ID))+".xlsx", data), nil
}

func exportDistrictLedger(ctx context.Context, c *Call, _ *apiclient.None) (*apiclient.Download, error) {
	return export(c.App.ExportDistrictLedger(ctx, c.Actor))
}

func exportExecution(ctx context.Context, c *Call, in *apiclient.ExecutionQuery) (*apiclient.Download, error) {
	by := in.By
	if by == "" {
		by = "source"
	}
	if app.ExecDims[by] == "" {
		return nil, badInput("by", "分组维度须为 source、category、district、industry 或 year")
	}
	return export(c.App.ExportExecution(ctx, c.Actor, by))
}

func downloadApprovalScan(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.Download, error) {
	name, fc, f, err := c.App.OpenApprovalFile(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	return storedDownload(name, fc, f), nil
}

func downloadObjectionEvidence(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.Download, error) {
	name, fc, f, err := c.App.OpenObjectionFile(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	return storedDownload(name, fc, f), nil
}
