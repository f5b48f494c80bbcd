// Command dtfund is the management system for Changchun's SME
// digital-transformation special fund. Run `dtfund -h` for the subcommands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}

// env gives access to the environment, so tests can pass their own.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

type command struct {
	name  string
	usage string
	run   func(ctx context.Context, e env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "启动 HTTP 服务", cmdServe},
		{"demo", "创建全新的演示数据库并启动服务（参数同 serve）", cmdDemo},
		{"migrate", "执行数据库迁移", cmdMigrate},
		{"user", "用户管理：add / disable / enable / reset-password / set-role", cmdUser},
		{"backup", "在服务运行时生成 SQLite 数据库的一致性快照", cmdBackup},
		{"restore", "从快照恢复 SQLite 数据库（须先停止服务）", cmdRestore},
		{"audit", "审计日志：verify 校验哈希链 / head 输出链头", cmdAudit},
		{"ledger", "资金账簿：verify 校验借贷平衡与余额", cmdLedger},
		{"jobs", "定时任务：list 列出任务与上次运行 / runs 某任务的运行记录", cmdJobs},
		{"policy", "政策规则：explain 逐条说明资格与奖补上限", cmdPolicy},
		{"calendar", "工作日：is-working-day / add-working-days / publicity-end", cmdCalendar},
		{"import", "导入 Excel/CSV 表格：单位及规模数据、专家库、节假日安排、县区汇总表核对", cmdImport},
		{"openapi", "输出 JSON 接口的 OpenAPI 3.0 文档", cmdOpenAPI},
		{"bench", "负载测试（截止日申报、公示页面、申报列表、内存），打印与基线之比", cmdBench},
		{"version", "显示版本", cmdVersion},
	}
}

// exitUsage is returned for bad command lines (exit status 2).
var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(ctx, e, args[1:])
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errUsage):
				return 2
			}
			fmt.Fprintln(stderr, "错误：", err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "未知子命令 %q\n\n", args[0])
	printUsage(stderr)
	return 2
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "dtfund — 长春市中小企业数字化转型专项资金管理系统")
	fmt.Fprintln(w, "\n用法：dtfund <子命令> [参数]\n\n子命令：")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.usage)
	}
	fmt.Fprintln(w, "\n每个子命令都支持 -h 查看参数。")
}

func cmdVersion(ctx context.Context, e env, args []string) error {
	fs := newFlagSet("version", "显示版本", e)
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "dtfund", version)
	return nil
}

// newFlagSet returns a flag set that prints its usage to stderr and returns
// errors instead of exiting.
func newFlagSet(name, summary string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "dtfund %s — %s\n\n参数：\n", name, summary)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses and maps flag errors to errUsage.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}
