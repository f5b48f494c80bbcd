package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"strings"
	"time"

	"dtfund/internal/app"
	"dtfund/internal/jobs"
	"dtfund/internal/store"
	"dtfund/internal/web"
)

// serveConfig is the configuration of serve and demo.
type serveConfig struct {
	db      dbConfig
	addr    string
	migrate bool
	tls     bool
	grace   time.Duration
	smtp    app.SMTPMailer
	// jobs runs the scheduled jobs in this instance; jobEvery overrides
	// their periods (name=duration, comma-separated).
	jobs     bool
	jobEvery string
	// demoClock, set only by the demo, moves the clock forward by days.
	demoClock func(days int) time.Time
}

func (c *serveConfig) register(fs *flag.FlagSet, e env) {
	c.db.register(fs, e)
	fs.StringVar(&c.addr, "addr", envOr(e, "DTFUND_ADDR", "127.0.0.1:8080"), "监听地址（环境变量 DTFUND_ADDR）")
	fs.BoolVar(&c.migrate, "migrate", envOr(e, "DTFUND_MIGRATE", "") == "1", "启动前自动执行数据库迁移（环境变量 DTFUND_MIGRATE=1）")
	fs.BoolVar(&c.tls, "behind-tls", envOr(e, "DTFUND_BEHIND_TLS", "") == "1",
		"服务部署在 HTTPS 反向代理之后：Cookie 加 Secure，并发送 HSTS（环境变量 DTFUND_BEHIND_TLS=1）")
	fs.DurationVar(&c.grace, "grace", 20*time.Second, "收到 SIGTERM 后等待进行中请求完成的最长时间")
	fs.StringVar(&c.smtp.Addr, "smtp-addr", e.getenv("DTFUND_SMTP_ADDR"), "发送通知邮件的 SMTP 服务器 host:port；为空则不发邮件（环境变量 DTFUND_SMTP_ADDR）")
	fs.StringVar(&c.smtp.From, "smtp-from", envOr(e, "DTFUND_SMTP_FROM", "dtfund@localhost"), "通知邮件发件人（环境变量 DTFUND_SMTP_FROM）")
	c.smtp.Username, c.smtp.Password = e.getenv("DTFUND_SMTP_USER"), e.getenv("DTFUND_SMTP_PASSWORD")
	fs.BoolVar(&c.jobs, "jobs", envOr(e, "DTFUND_JOBS", "1") != "0",
		"在本实例运行定时任务（多实例部署时每项任务每个周期只在一个实例上运行一次；环境变量 DTFUND_JOBS=0 关闭）")
	fs.StringVar(&c.jobEvery, "job-every", e.getenv("DTFUND_JOB_EVERY"),
		"改变定时任务周期，如 publicity.close=5m,notifications.email=10s（环境变量 DTFUND_JOB_EVERY）")
}

// newRunner registers the scheduled jobs (app.ScheduledJobs) with their
// periods as configured.
func newRunner(a *app.App, c *serveConfig) (*jobs.Runner, error) {
	var m app.Mailer
	if c.smtp.Addr != "" {
		m = c.smtp
	}
	r := jobs.New(a.DB, a.Instance, a.Log)
	r.Register(a.ScheduledJobs(m)...)
	return r, applyJobEvery(r, c.jobEvery)
}

// applyJobEvery applies "name=duration,…" to the runner.
func applyJobEvery(r *jobs.Runner, spec string) error {
	for _, part := range strings.Split(spec, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		name, dur, ok := strings.Cut(part, "=")
		d, err := time.ParseDuration(strings.TrimSpace(dur))
		if !ok || err != nil {
			return fmt.Errorf("--job-every：%q 应为 任务名=时长（如 publicity.close=5m）", part)
		}
		if err := r.SetEvery(strings.TrimSpace(name), d); err != nil {
			return err
		}
	}
	return nil
}

func cmdServe(ctx context.Context, e env, args []string) error {
	var c serveConfig
	fs := newFlagSet("serve", "启动 HTTP 服务", e)
	c.register(fs, e)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	a, err := c.db.open(ctx, e, defaultDBFile)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	a.FilesDir = c.db.data // attachments live beside the database, under data/attachments
	if err := prepareSchema(ctx, a, c.migrate, e); err != nil {
		return err
	}
	// Awards made before retrofit projects existed get theirs (idempotent).
	if n, err := a.EnsureProjects(ctx); err != nil {
		return fmt.Errorf("补建改造项目：%w", err)
	} else if n > 0 {
		a.Log.Info("projects created for earlier awards", "count", n)
	}
	return serveApp(ctx, e, a, &c, nil)
}

// prepareSchema migrates when asked, and refuses an outdated schema otherwise.
func prepareSchema(ctx context.Context, a *app.App, migrate bool, e env) error {
	if migrate {
		done, err := a.DB.Migrate(ctx)
		if err != nil {
			return err
		}
		if len(done) > 0 {
			a.Log.Info("migrated", "versions", done)
		}
	}
	var outdated *store.ErrSchemaOutdated
	if err := a.DB.CheckSchema(ctx); errors.As(err, &outdated) {
		return err
	} else if err != nil {
		return fmt.Errorf("读取数据库结构版本：%w", err)
	}
	return nil
}

// serveApp listens and serves until ctx is done. ready, when set, receives
// the bound address (tests listen on port 0).
func serveApp(ctx context.Context, e env, a *app.App, c *serveConfig, ready func(addr string)) error {
	srv, err := web.New(ctx, a, a.Log, version)
	if err != nil {
		return err
	}
	srv.TLS = c.tls
	srv.DemoClock = c.demoClock
	var runner *jobs.Runner
	if c.jobs {
		if runner, err = newRunner(a, c); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("监听 %s：%w", c.addr, err)
	}
	a.Log.Info("serving", "addr", "http://"+ln.Addr().String(), "engine", a.DB.Engine, "version", version)
	if ready != nil {
		ready(ln.Addr().String())
	}
	if runner != nil {
		// The runs in progress end with the server (their contexts are
		// cancelled) and give their leases back before the database closes.
		jobsCtx, stopJobs := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			if err := runner.Run(jobsCtx); err != nil {
				a.Log.Error("jobs stopped", "err", err)
			}
		}()
		defer func() { stopJobs(); <-done }()
		a.Log.Info("jobs on", "jobs", runner.Names(), "instance", a.Instance)
	}
	if c.smtp.Addr != "" {
		a.Log.Info("mailer on", "smtp", c.smtp.Addr, "jobs", c.jobs)
	}
	err = web.Serve(ctx, ln, srv.Handler(), a.Log, c.grace)
	a.Log.Info("stopped")
	return err
}

func cmdMigrate(ctx context.Context, e env, args []string) error {
	var c dbConfig
	fs := newFlagSet("migrate", "执行数据库迁移", e)
	c.register(fs, e)
	status := fs.Bool("status", false, "只显示版本，不迁移")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	a, err := c.open(ctx, e, defaultDBFile)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	if !*status {
		done, err := a.DB.Migrate(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已执行 %d 个迁移 %v\n", len(done), done)
	}
	applied, latest, err := a.DB.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "数据库结构版本 %d，程序版本 %d（%s）\n", applied, latest, a.DB.Engine)
	return nil
}
