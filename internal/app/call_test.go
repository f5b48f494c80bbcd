package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/demo"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
	"dtfund/policy"
)

func TestParseCallText(t *testing.T) {
	ovs, err := app.ParseOverrides("cap.7_1.cumulative_fen=30000000|长工信发〔2026〕1号\n\n cap.7_1.ratio_bp = 4000 | 同上 \n")
	if err != nil || len(ovs) != 2 || ovs[1].Key != "cap.7_1.ratio_bp" || ovs[1].Value != 4000 || ovs[1].Source != "同上" {
		t.Fatalf("overrides = %+v, %v", ovs, err)
	}
	_, err = app.ParseOverrides("cap.7_1.ratio_bp=4000|依据\ncap.unknown=1|依据\ncap.7_1.ratio_bp=abc|依据\ncap.7_1.ratio_bp=20000|依据\ncap.7_1.cumulative_fen=1|")
	msg := dtfund.ErrorMessage(err)
	for _, want := range []string{"参数覆盖第2行：未知参数", "参数覆盖第3行", "参数覆盖第4行", "参数覆盖第5行：参数 cap.7_1.cumulative_fen 须注明依据"} {
		if !strings.Contains(msg, want) {
			t.Errorf("overrides error %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "第1行") {
		t.Errorf("a valid line reported: %q", msg)
	}
	r, err := app.ParseRubric("方案先进性|30\n实施基础|30\n预期成效|40", "60")
	if err != nil || len(r.Criteria) != 3 || r.PassMark != 60 || app.FormatRubric(r) != "方案先进性|30\n实施基础|30\n预期成效|40" {
		t.Fatalf("rubric = %+v, %v", r, err)
	}
	if _, err := app.ParseRubric("方案|三十", "60"); !strings.Contains(dtfund.ErrorMessage(err), "评分标准第1行") {
		t.Fatalf("bad weight: %v", err)
	}
	q, err := app.ParseQuotas("220174=10\n220173 = 5")
	if err != nil || q["220174"] != 10 || q["220173"] != 5 || app.FormatQuotas(q) != "220173=5\n220174=10" {
		t.Fatalf("quotas = %v, %v", q, err)
	}
	if _, err := app.ParseQuotas("220174=10\n220174=3\n220102=-1"); !strings.Contains(dtfund.ErrorMessage(err), "第2行") ||
		!strings.Contains(dtfund.ErrorMessage(err), "第3行") {
		t.Fatalf("bad quotas: %v", err)
	}
	at, err := app.ParseLocalTime("opens_at", "申报开始时间", "2026-03-01 09:00")
	if err != nil || !at.Equal(time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC)) || app.ShanghaiTime(at) != "2026-03-01 09:00" {
		t.Fatalf("local time = %v, %v", at, err)
	}
	if _, err := app.ParseLocalTime("opens_at", "申报开始时间", "2026/03/01"); !strings.Contains(err.Error(), "申报开始时间") {
		t.Fatalf("bad time: %v", err)
	}
}

func TestCreateCallValidatesAndOnlyCityMIIT(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newApplyFixture(t, db)
		now := f.now
		bad := &dtfund.Call{Category: "7.1", Title: "无实施期", OpensAt: now, ClosesAt: now.Add(time.Hour),
			Overrides: []dtfund.CallOverride{{Key: "no.such.key", Value: 1, Source: "x"}},
			Rubric:    dtfund.Rubric{Criteria: []dtfund.Criterion{{Name: "方案", Weight: 60}}, PassMark: 60},
			Quotas:    map[string]int{"999999": 1}}
		err := f.a.CreateCall(ctx, f.city, bad)
		fields := map[string]string{}
		if ve, ok := err.(dtfund.ValidationErrors); ok {
			fields = ve.ByField()
		}
		for _, field := range []string{"window_from", "overrides", "rubric", "quotas"} {
			if fields[field] == "" {
				t.Errorf("no error on %s: %v", field, err)
			}
		}
		good := &dtfund.Call{Category: "7.2", Title: "平台应用", OpensAt: now, ClosesAt: now.Add(time.Hour),
			Rubric: dtfund.Rubric{Criteria: []dtfund.Criterion{{Name: "方案", Weight: 100}}, PassMark: 60}}
		for _, who := range []app.Actor{f.fin, f.districtA, f.userA} {
			if err := f.a.CreateCall(ctx, who, good); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
				t.Errorf("%s creating a call: %v", who.User.Role, err)
			}
		}
		if _, n, _ := db.FindCalls(ctx, store.CallFilter{}); n != 1 {
			t.Fatalf("refused calls were written: %d calls, want the fixture's 1", n)
		}
		if err := f.a.CreateCall(ctx, f.city, good); err != nil {
			t.Fatal(err)
		}
		if good.ParamsVersion != policy.Default().Version() || good.CreatedBy != f.city.User.ID {
			t.Fatalf("defaults: version %q, created by %d", good.ParamsVersion, good.CreatedBy)
		}
		if audit, _ := db.FindAudit(ctx, store.AuditFilter{ObjectType: "call"}); len(audit) != 2 {
			t.Fatalf("audit records for calls: %d, want 2", len(audit))
		}
	})
}

func TestCallTermsFrozenOnceApplied(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newApplyFixture(t, db)
		edit := func(change func(c *dtfund.Call)) error {
			c, err := db.Call(ctx, f.call.ID)
			if err != nil {
				t.Fatal(err)
			}
			change(c)
			return f.a.UpdateCall(ctx, f.city, c)
		}
		// Without applications anything may change.
		if err := edit(func(c *dtfund.Call) { c.Title = "改名后的批次"; c.Rubric.PassMark = 70 }); err != nil {
			t.Fatalf("editing a call without applications: %v", err)
		}
		if _, err := f.a.StartApplication(ctx, f.userA, f.call.ID); err != nil {
			t.Fatal(err)
		}
		err := edit(func(c *dtfund.Call) { c.Title = "再改名"; c.WindowTo = "2027-06-30"; c.Rubric.PassMark = 50 })
		fields := map[string]string{}
		if ve, ok := err.(dtfund.ValidationErrors); ok {
			fields = ve.ByField()
		}
		if fields["title"] == "" || fields["window_from"] == "" || fields["pass_mark"] == "" {
			t.Fatalf("frozen fields changed: %v", err)
		}
		if err := edit(func(c *dtfund.Call) { c.ClosesAt = c.ClosesAt.Add(-time.Hour) }); err == nil || !strings.Contains(err.Error(), "只能延后") {
			t.Fatalf("an earlier close time: %v", err)
		}
		got, _ := db.Call(ctx, f.call.ID)
		if got.Title != "改名后的批次" || got.Rubric.PassMark != 70 || !got.ClosesAt.Equal(f.call.ClosesAt) {
			t.Fatalf("refused edits changed the call: %+v", got)
		}
		later := f.call.ClosesAt.Add(7 * 24 * time.Hour)
		err = edit(func(c *dtfund.Call) {
			c.Notice = "补充通知"
			c.Materials = append(c.Materials, "审计报告")
			c.ClosesAt = later
		})
		if err != nil {
			t.Fatalf("notice, materials and a later close: %v", err)
		}
		if got, _ := db.Call(ctx, f.call.ID); got.Notice != "补充通知" || len(got.Materials) != 3 || !got.ClosesAt.Equal(later) {
			t.Fatalf("allowed edit not saved: %+v", got)
		}
	})
}

func TestWhoSeesWhichCalls(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newApplyFixture(t, db)
		closed := f.newCall(t, "7.2", f.now.Add(-48*time.Hour), f.now.Add(-24*time.Hour))
		count := func(who app.Actor) int {
			_, n, err := f.a.FindCalls(ctx, who, store.CallFilter{})
			if err != nil {
				t.Fatalf("%s: %v", who.User.Username, err)
			}
			return n
		}
		if count(f.city) != 2 || count(f.fin) != 2 || count(f.districtB) != 2 {
			t.Fatal("officials see every call")
		}
		if count(f.userA) != 1 {
			t.Fatal("an applicant sees only open calls")
		}
		if _, err := f.a.Call(ctx, f.userA, closed.ID); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("applicant reading a closed call: %v", err)
		}
		if _, err := f.a.StartApplication(ctx, f.userA, f.call.ID); err != nil {
			t.Fatal(err)
		}
		f.now = f.call.ClosesAt.Add(time.Hour) // now both are closed; A applied to one
		if count(f.userA) != 1 || count(f.userB) != 0 {
			t.Fatal("after closing an applicant sees the calls it applied to, and no other")
		}
		if _, err := f.a.Call(ctx, f.userA, f.call.ID); err != nil {
			t.Fatalf("applicant reading a call it applied to: %v", err)
		}
		expert := app.Actor{User: &dtfund.User{ID: 77, Username: "e", Role: dtfund.RoleExpert}}
		if _, _, err := f.a.FindCalls(ctx, expert, store.CallFilter{}); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("expert listing calls: %v", err)
		}
	})
}

func TestDemoCallsAreOpenAndValid(t *testing.T) {
	db := testdb.SQLite(t)
	a := newApp(db)
	calls, err := demo.SeedCalls(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range calls {
		seen[c.Category] = true
		if !c.Open(time.Now()) || len(c.Materials) == 0 || (c.Category == "7.1" && c.WindowFrom != "2025-01-01") {
			t.Errorf("demo call %s: %+v", c.Title, c)
		}
	}
	for _, cat := range dtfund.CallCategories {
		if !seen[cat] {
			t.Errorf("no demo call for %s", cat)
		}
	}
}
