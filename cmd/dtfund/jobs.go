package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"dtfund/calendar"
	"dtfund/internal/store"
)

const jobsUsage = `dtfund jobs <操作> [--data … --database …]

操作：
  list          列出定时任务：周期、下次运行时间、上次运行（开始、结束、实例、错误）、累计运行次数；
                正在运行的任务显示持有租约的实例
  runs <任务名>  该任务最近的运行记录（每个周期一条；实例中途退出时同一周期会有重试记录）

定时任务由 dtfund serve 运行（--jobs，默认开启）；多个实例共用一个数据库时，每项任务每个周期只在一个实例上运行一次。`

// cmdJobs shows the scheduled jobs and their runs (read-only).
func cmdJobs(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(e.stderr, jobsUsage)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	op, rest := args[0], args[1:]
	var job string
	if op == "runs" {
		if len(rest) == 0 || rest[0] == "" || rest[0][0] == '-' {
			fmt.Fprintln(e.stderr, jobsUsage)
			return errUsage
		}
		job, rest = rest[0], rest[1:]
	}
	var c dbConfig
	fs := newFlagSet("jobs "+op, "定时任务", e)
	c.register(fs, e)
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	if op != "list" && op != "runs" {
		fmt.Fprintln(e.stderr, jobsUsage)
		return errUsage
	}
	a, err := c.open(ctx, e, defaultDBFile)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	if err := a.DB.CheckSchema(ctx); err != nil {
		return err
	}
	if op == "runs" {
		runs, err := a.DB.JobRuns(ctx, job, store.Page{Limit: 50})
		if err != nil {
			return err
		}
		printJobRuns(e.stdout, job, runs)
		return nil
	}
	js, err := a.DB.Jobs(ctx)
	if err != nil {
		return err
	}
	printJobs(e.stdout, js, a.DB.Now())
	return nil
}

func printJobs(w io.Writer, js []*store.Job, now time.Time) {
	if len(js) == 0 {
		fmt.Fprintln(w, "还没有定时任务（dtfund serve 启动后登记）")
		return
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "任务\t周期\t下次运行\t上次开始\t上次结束\t上次实例\t次数\t状态")
	for _, j := range js {
		status := "正常"
		switch {
		case j.LeaseOwner != "" && j.LeaseUntil.After(now):
			status = "运行中（" + j.LeaseOwner + "，租约至 " + shanghai(j.LeaseUntil) + "）"
		case j.LastError != "":
			status = "上次出错：" + j.LastError
		case j.Runs == 0:
			status = "尚未运行"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", j.Name, j.Every, shanghai(j.NextRunAt), shanghai(j.LastStartedAt),
			shanghai(j.LastFinishedAt), dash(j.LastOwner), j.Runs, status)
	}
	tw.Flush()
}

func printJobRuns(w io.Writer, job string, runs []*store.JobRun) {
	if len(runs) == 0 {
		fmt.Fprintf(w, "任务 %s 没有运行记录\n", job)
		return
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "周期\t实例\t开始\t结束\t结果")
	for _, r := range runs {
		result := "成功"
		switch {
		case r.FinishedAt.IsZero():
			result = "未结束（运行中，或实例中途退出）"
		case r.Error != "":
			result = "出错：" + r.Error
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", shanghai(r.ScheduledAt), r.Owner, shanghai(r.StartedAt), shanghai(r.FinishedAt), result)
	}
	tw.Flush()
}

// shanghai shows a time as Beijing time, "—" when unset.
func shanghai(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(calendar.Shanghai).Format("2006-01-02 15:04:05")
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
