package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"dtfund"
	"dtfund/internal/app"
)

const importUsage = `dtfund import KIND FILE [参数]

把 Excel（.xlsx）或 CSV 表格导入系统：逐行校验，列出每一处错误（行、列、原因）；
有错误时不写入任何数据（除非 --valid-only），全部无误时在一个事务中写入并留下导入记录和审计记录。
同一文件再次导入不产生重复或改动。

KIND：
  organizations   单位及规模数据（市工信局、管理员）
  experts         专家库（市工信局，须 --as 市工信局用户）
  calendar        节假日安排（管理员）
  summary         县区申报汇总表的核对（县区或市工信局用户，须 --as；可加 --call）
  credit          信用记录：经营异常名录、严重失信主体名单、事故、偷漏税（市工信局、市财政局、管理员）

参数：`

// cmdImport imports a table from the command line with a progress bar on
// stderr; the findings go to stdout.
func cmdImport(ctx context.Context, e env, args []string) error {
	var c dbConfig
	fs := newFlagSet("import", "导入表格", e)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, importUsage)
		fs.PrintDefaults()
	}
	c.register(fs, e)
	dryRun := fs.Bool("dry-run", false, "只校验并列出错误，不写入任何数据")
	validOnly := fs.Bool("valid-only", false, "有错误时仍导入无误的行（有错误的行不导入）")
	as := fs.String("as", "", "以该用户的身份和辖区导入（默认为系统管理员身份 cli）")
	callID := fs.Int64("call", 0, "汇总表：按该申报批次核对（按统一社会信用代码匹配，并列出表中缺少的申报）")
	marked := fs.String("marked", "", "有错误或差异时，把标注了错误单元格的原表写到此文件（.xlsx）")
	kind, file, rest, err := importArgs(args)
	if err != nil {
		fs.Usage()
		return errUsage
	}
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	if kind == "" || file == "" || fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("读取 %s：%w", file, err)
	}
	a, err := c.open(ctx, e, defaultDBFile)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	if err := a.DB.CheckSchema(ctx); err != nil {
		return err
	}
	a.FilesDir = c.data // the imported file is kept beside the attachments
	actor, err := importActor(ctx, a, *as)
	if err != nil {
		return err
	}
	bar := newProgressBar(e.stderr)
	opt := app.ImportOptions{CallID: *callID, Progress: bar.update}
	var res *app.ImportResult
	if *dryRun {
		res, err = a.CheckImport(ctx, actor, kind, data, opt)
	} else {
		res, err = a.ImportNow(ctx, actor, kind, filepath.Base(file), data, opt, *validOnly)
	}
	bar.done()
	if res != nil {
		printImport(e.stdout, res, *dryRun)
		if *marked != "" && (len(res.Problems) > 0 || len(res.Notes) > 0) {
			if merr := writeMarked(*marked, kind, data, res); merr != nil {
				return merr
			}
			fmt.Fprintln(e.stdout, "已写出标注了错误的原表：", *marked)
		}
	}
	if err == nil && *dryRun && !res.OK() {
		err = fmt.Errorf("校验发现 %d 处错误（未写入任何数据）", len(res.Problems))
	}
	return err
}

// importArgs takes KIND and FILE wherever they are among the flags.
func importArgs(args []string) (kind, file string, rest []string, err error) {
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-h" || a == "--help" || a == "-help":
			return "", "", []string{a}, nil
		case strings.HasPrefix(a, "-"):
			rest = append(rest, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") && name != "dry-run" && name != "valid-only" && i+1 < len(args) {
				i++
				rest = append(rest, args[i])
			}
		default:
			pos = append(pos, a)
		}
	}
	switch len(pos) {
	case 0:
		return "", "", rest, nil
	case 2:
		return pos[0], pos[1], rest, nil
	}
	return "", "", nil, errors.New("usage")
}

func importActor(ctx context.Context, a *app.App, username string) (app.Actor, error) {
	if username == "" {
		return app.SystemActor("cli"), nil
	}
	u, err := a.UserByUsername(ctx, username)
	if err != nil {
		return app.Actor{}, fmt.Errorf("用户 %s：%s", username, dtfund.ErrorMessage(err))
	}
	if u.Disabled {
		return app.Actor{}, fmt.Errorf("用户 %s 已停用", username)
	}
	return app.Actor{User: u}, nil
}

func printImport(w io.Writer, res *app.ImportResult, dryRun bool) {
	where := ""
	if res.Sheet != "" {
		where = fmt.Sprintf("工作表“%s”，", res.Sheet)
	}
	fmt.Fprintf(w, "%s：%s表头在第%d行，共 %d 行数据，%d 行无误，%d 处错误\n", res.Kind.Label, where, res.HeaderRow, res.Rows, res.Valid, len(res.Problems))
	for _, p := range res.Problems {
		fmt.Fprintln(w, "✗", p.String())
	}
	for _, p := range res.Notes {
		fmt.Fprintln(w, "≠", p.String())
	}
	for _, l := range res.Lines {
		fmt.Fprintln(w, "·", l)
	}
	if dryRun || res.Record == nil {
		return
	}
	c := res.Counts
	if res.Kind.Name == "summary" {
		fmt.Fprintf(w, "已保存核对记录 #%d：核对 %d 行，差异 %d 处\n", res.Record.ID, res.Valid, len(res.Notes))
		return
	}
	fmt.Fprintf(w, "已导入（导入记录 #%d）：新增 %d 行，更新 %d 行，%d 行与系统中一致未作改动", res.Record.ID, c.Inserted, c.Updated, c.Unchanged)
	if res.Skipped > 0 {
		fmt.Fprintf(w, "；%d 行有错误未导入", res.Skipped)
	}
	fmt.Fprintln(w)
}

func writeMarked(path, kind string, data []byte, res *app.ImportResult) error {
	out, err := app.MarkedCopy(kind, data, res)
	if err != nil {
		return err
	}
	return os.WriteFile(path, out, 0o644)
}

// progressBar draws a text bar on one line of stderr:
//
//	校验 [##########--------------------]  3500/10000
type progressBar struct {
	w     io.Writer
	stage string
	drawn bool
}

const progressWidth = 30

func newProgressBar(w io.Writer) *progressBar { return &progressBar{w: w} }

func (p *progressBar) update(stage string, done, total int) {
	if total <= 0 {
		return
	}
	if p.drawn && stage != p.stage {
		fmt.Fprintln(p.w) // the finished stage keeps its line
	}
	p.stage, p.drawn = stage, true
	n := done * progressWidth / total
	fmt.Fprintf(p.w, "\r%s [%s%s] %6d/%d", stage, strings.Repeat("#", n), strings.Repeat("-", progressWidth-n), done, total)
}

func (p *progressBar) done() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
