package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/testdb"
)

// runCLI runs the command with an environment of its own and returns the
// exit status and outputs.
func runCLI(t *testing.T, stdin string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string { return env[k] }
	code := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestVersionAndHelp(t *testing.T) {
	if code, out, _ := runCLI(t, "", nil, "version"); code != 0 || !strings.HasPrefix(out, "dtfund ") {
		t.Fatalf("version: %d %q", code, out)
	}
	if code, _, errOut := runCLI(t, "", nil); code != 2 || !strings.Contains(errOut, "子命令") {
		t.Fatalf("no args: %d", code)
	}
	for _, sub := range []string{"serve", "demo", "migrate", "backup", "bench", "version"} {
		if code, _, errOut := runCLI(t, "", nil, sub, "-h"); code != 0 || !strings.Contains(errOut, "dtfund "+sub) {
			t.Errorf("%s -h: %d %q", sub, code, errOut)
		}
	}
	for _, sub := range []string{"user", "policy", "calendar", "jobs"} {
		if code, _, errOut := runCLI(t, "", nil, sub, "-h"); code != 0 || !strings.Contains(errOut, "dtfund "+sub) {
			t.Errorf("%s -h: %d %q", sub, code, errOut)
		}
	}
	if code, _, _ := runCLI(t, "", nil, "nonsense"); code != 2 {
		t.Fatalf("unknown subcommand: %d, want 2", code)
	}
}

func TestCalendarCommands(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"calendar", "is-working-day", "2026-10-01"}, "false"}, // 国庆节
		{[]string{"calendar", "is-working-day", "2026-10-10"}, "true"},  // 调休 Saturday
		{[]string{"calendar", "is-working-day", "2026-11-26"}, "true"},
		{[]string{"calendar", "add-working-days", "2026-09-30", "1"}, "2026-10-08"},
		{[]string{"calendar", "add-working-days", "2026-11-27", "1"}, "2026-11-30"},
		// Publicity from Monday 2026-11-23: Mon–Fri are the five working days.
		{[]string{"calendar", "publicity-end", "2026-11-23"}, "2026-11-27"},
		// From Wednesday 2026-09-30: 9/30, 10/8, 10/9, 10/10 (调休), 10/12.
		{[]string{"calendar", "publicity-end", "2026-09-30"}, "2026-10-12"},
	}
	for _, c := range cases {
		code, out, errOut := runCLI(t, "", nil, c.args...)
		if code != 0 || strings.TrimSpace(out) != c.want {
			t.Errorf("%v = %d %q %q, want %q", c.args, code, out, errOut, c.want)
		}
	}
	if code, _, errOut := runCLI(t, "", nil, "calendar", "is-working-day", "2026-13-01"); code != 1 || !strings.Contains(errOut, "日期") {
		t.Errorf("bad date: %d %q", code, errOut)
	}
}

func TestCalendarUsesDatabaseOverrides(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DTFUND_DATA": dir}
	if code, _, errOut := runCLI(t, "", env, "migrate"); code != 0 {
		t.Fatalf("migrate: %s", errOut)
	}
	a, err := (&dbConfig{data: dir}).open(context.Background(), quietEnv(env), defaultDBFile)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := calendar.ParseDate("2027-01-04")
	err = a.PutCalendarOverrides(context.Background(), app.SystemActor("test"),
		[]calendar.Override{{Date: d, Working: false, Name: "测试", Source: "测试通知"}})
	a.DB.Close()
	if err != nil {
		t.Fatal(err)
	}
	// 2027-01-04 is a Monday: a working day by the built-in table, a day off
	// with the database's override.
	if _, out, _ := runCLI(t, "", nil, "calendar", "is-working-day", "2027-01-04"); strings.TrimSpace(out) != "true" {
		t.Fatalf("built-in table: %q, want true", out)
	}
	if _, out, _ := runCLI(t, "", env, "calendar", "is-working-day", "2027-01-04"); strings.TrimSpace(out) != "false" {
		t.Fatalf("with the database's override: %q, want false", out)
	}
}

func quietEnv(m map[string]string) env {
	return env{getenv: func(k string) string { return m[k] }, stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
}

func TestPolicyExplain(t *testing.T) {
	code, example, _ := runCLI(t, "", nil, "policy", "example")
	if code != 0 || !strings.Contains(example, `"applicant"`) {
		t.Fatalf("policy example: %d", code)
	}
	code, out, errOut := runCLI(t, example, nil, "policy", "explain")
	if code != 0 || !strings.Contains(out, "第五条") || !strings.Contains(out, "第七条（一）") {
		t.Fatalf("explain: %d %q %q", code, out, errOut)
	}
	code, out, _ = runCLI(t, example, nil, "policy", "explain", "--json")
	if code != 0 || !strings.Contains(out, `"central_eligible"`) || !strings.Contains(out, `"findings"`) {
		t.Fatalf("explain --json: %d %q", code, out)
	}
	file := filepath.Join(t.TempDir(), "in.json")
	os.WriteFile(file, []byte(example), 0o600)
	if code, out2, _ := runCLI(t, "", nil, "policy", "explain", "--json", file); code != 0 || out2 != out {
		t.Fatalf("explain from file differs from stdin: %d", code)
	}
	code, _, errOut = runCLI(t, `{"as_of":"2025-06-31"}`, nil, "policy", "explain")
	if code != 1 || !strings.Contains(errOut, "as_of") {
		t.Fatalf("bad input: %d %q", code, errOut)
	}
}

func TestMigrateUserAndServeRefusesOutdatedSchema(t *testing.T) {
	testdbURL := func(t *testing.T, engine string) string {
		if engine == "postgres" {
			return testdb.PostgresURL(t)
		}
		return testdb.SQLiteURL(t)
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			env := map[string]string{"DTFUND_DATABASE_URL": testdbURL(t, engine), "DTFUND_ADDR": "127.0.0.1:0"}
			code, _, errOut := runCLI(t, "", env, "serve")
			if code != 1 || !strings.Contains(errOut, "dtfund migrate") {
				t.Fatalf("serve on empty database: %d %q; want refusal naming dtfund migrate", code, errOut)
			}
			if code, out, errOut := runCLI(t, "", env, "migrate"); code != 0 || !strings.Contains(out, "数据库结构版本") {
				t.Fatalf("migrate: %d %q %q", code, out, errOut)
			}
			code, out, errOut := runCLI(t, "Adm1nPassword\n", env, "user", "add", "--username", "boss", "--name", "管理员", "--role", "admin", "--password-stdin")
			if code != 0 || !strings.Contains(out, "已创建用户 boss") {
				t.Fatalf("user add: %d %q %q", code, out, errOut)
			}
			code, _, errOut = runCLI(t, "short\n", env, "user", "add", "--username", "boss2", "--name", "x", "--role", "admin", "--password-stdin")
			if code != 1 || !strings.Contains(errOut, "密码至少10个字符") {
				t.Fatalf("weak password: %d %q", code, errOut)
			}
			code, _, errOut = runCLI(t, "", env, "user", "set-role", "--username", "boss", "--role", "district_miit")
			if code != 1 || !strings.Contains(errOut, "县（市）区") {
				t.Fatalf("district role without district: %d %q", code, errOut)
			}
			if code, _, errOut := runCLI(t, "", env, "user", "set-role", "--username", "boss", "--role", "district_miit", "--district", "220174"); code != 0 {
				t.Fatalf("set-role: %q", errOut)
			}
			if code, _, _ := runCLI(t, "", env, "user", "disable", "--username", "boss"); code != 0 {
				t.Fatal("disable failed")
			}
			_, out, _ = runCLI(t, "", env, "user", "list")
			if !strings.Contains(out, "boss") || !strings.Contains(out, "district_miit") || !strings.Contains(out, "停用") {
				t.Fatalf("user list: %q", out)
			}
		})
	}
}

// TestServeGracefulShutdown starts serve, checks it answers, cancels (as
// SIGTERM does) and expects a clean exit.
func TestServeGracefulShutdown(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DTFUND_DATA": dir}
	if code, _, errOut := runCLI(t, "", env, "migrate"); code != 0 {
		t.Fatal(errOut)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var errOut bytes.Buffer
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:18999"}, func(k string) string { return env[k] }, nil, io.Discard, &errOut)
	}()
	var resp *http.Response
	var err error
	for i := 0; i < 100; i++ {
		if resp, err = http.Get("http://127.0.0.1:18999/readyz"); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("serve not ready: %v", err)
	}
	resp.Body.Close()
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exit %d: %s", code, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(errOut.String(), "stopped") {
		t.Fatalf("no clean stop logged: %s", errOut.String())
	}
}

func TestBackupCommand(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DTFUND_DATA": dir}
	runCLI(t, "", env, "migrate")
	out := filepath.Join(dir, "snap.sqlite")
	if code, stdout, errOut := runCLI(t, "", env, "backup", "--out", out); code != 0 || !strings.Contains(stdout, out) {
		t.Fatalf("backup: %d %q", code, errOut)
	}
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		t.Fatalf("snapshot missing: %v", err)
	}
	if code, _, errOut := runCLI(t, "", map[string]string{"DTFUND_DATABASE_URL": "postgres://x@127.0.0.1:1/none"}, "backup"); code != 1 || !strings.Contains(errOut, "pg_dump") {
		t.Fatalf("backup on postgres: %d %q", code, errOut)
	}
}

func TestAuditVerifyCommand(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DTFUND_DATA": dir}
	runCLI(t, "", env, "migrate")
	if code, _, errOut := runCLI(t, "Adm1nPassword\n", env, "user", "add", "--username", "boss", "--name", "管理员", "--role", "admin", "--password-stdin"); code != 0 {
		t.Fatal(errOut)
	}
	runCLI(t, "", env, "user", "disable", "--username", "boss")
	code, out, errOut := runCLI(t, "", env, "audit", "verify")
	if code != 0 || !strings.Contains(out, "审计日志完整：共 2 条记录") {
		t.Fatalf("verify: %d %q %q", code, out, errOut)
	}
	_, head, _ := runCLI(t, "", env, "audit", "head")
	a, err := (&dbConfig{data: dir}).open(context.Background(), quietEnv(env), defaultDBFile)
	if err != nil {
		t.Fatal(err)
	}
	a.DB.ExecForTest(context.Background(), `UPDATE audit_log SET actor = 'someone else' WHERE id = 1`)
	a.DB.Close()
	code, out, _ = runCLI(t, "", env, "audit", "verify", "--head", strings.TrimSpace(head))
	if code != 1 || !strings.Contains(out, "记录 1") {
		t.Fatalf("tampered copy: %d %q", code, out)
	}
}
