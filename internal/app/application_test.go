package app_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
	"dtfund/uscc"
)

// applyFixture has an open 7.1 call requiring 申报书 and 合同, applicant
// organisations in 汽开区 (A) and 高新区 (B), a service provider registered
// in Beijing, one user for each, the district officials of A and B and the
// city bureau. The app's clock is f.now.
type applyFixture struct {
	a                               *app.App
	db                              *store.DB
	now                             time.Time
	call                            *dtfund.Call
	orgA, orgB, provider            *dtfund.Organization
	userA, userB, provUser          app.Actor
	districtA, districtB, city, fin app.Actor
}

func newApplyFixture(t *testing.T, db *store.DB) *applyFixture {
	t.Helper()
	ctx := context.Background()
	f := &applyFixture{a: newApp(db), db: db, now: time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC)}
	f.a.Now = func() time.Time { return f.now }
	f.a.FilesDir = t.TempDir()
	sys := app.SystemActor("test")
	r := rand.New(rand.NewPCG(3, 4))
	org := func(name, region, district string, provider bool) *dtfund.Organization {
		o := &dtfund.Organization{USCC: uscc.Generate(r, '9', '1', region), Name: name, Kind: dtfund.OrgEnterprise, LegalPerson: true,
			RegionCode: region, DistrictCode: district, IndustryCode: "3670", IsApplicant: !provider, IsProvider: provider}
		if err := f.a.CreateOrganization(ctx, sys, o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	f.orgA, f.orgB = org("甲汽车零部件有限公司", "220174", "220174", false), org("乙电子有限公司", "220173", "220173", false)
	f.provider = org("北京智造云科技有限公司", "110108", "", true)
	user := func(name string, role dtfund.Role, district string, orgID int64) app.Actor {
		u := &dtfund.User{Username: name, DisplayName: name, Role: role, DistrictCode: district, OrgID: orgID}
		if err := f.a.CreateUser(ctx, sys, u, "Passw0rdLong"); err != nil {
			t.Fatal(err)
		}
		return app.Actor{User: u}
	}
	f.userA, f.userB = user("ent_a", dtfund.RoleApplicant, "", f.orgA.ID), user("ent_b", dtfund.RoleApplicant, "", f.orgB.ID)
	f.provUser = user("prov", dtfund.RoleApplicant, "", f.provider.ID)
	f.districtA, f.districtB = user("qikai", dtfund.RoleDistrictMIIT, "220174", 0), user("gaoxin", dtfund.RoleDistrictMIIT, "220173", 0)
	f.city, f.fin = user("city", dtfund.RoleCityMIIT, "", 0), user("fin", dtfund.RoleCityFinance, "", 0)
	f.call = f.newCall(t, "7.1", f.now.Add(-24*time.Hour), f.now.Add(10*24*time.Hour))
	return f
}

func (f *applyFixture) newCall(t *testing.T, category string, opens, closes time.Time) *dtfund.Call {
	t.Helper()
	c := &dtfund.Call{Category: category, Title: "2026年数字化改造（" + category + "）", OpensAt: opens, ClosesAt: closes,
		Materials: []string{"申报书", "合同"}, Rubric: dtfund.Rubric{Criteria: []dtfund.Criterion{{Name: "方案", Weight: 100}}, PassMark: 60}}
	if category == "7.1" {
		c.WindowFrom, c.WindowTo = "2025-01-01", "2026-12-31"
	}
	if err := f.a.CreateCall(context.Background(), f.city, c); err != nil {
		t.Fatal(err)
	}
	return c
}

// completeDraft is a draft that may be submitted once its materials are attached.
func (f *applyFixture) completeDraft(invoice string) *app.Draft {
	return &app.Draft{Title: "冲压车间MES改造", Description: "上线MES系统，打通设备数据采集。",
		Declarations: dtfund.Declarations{Integrity: true, TaxCompliant: true, NoMajorIncident: true},
		Spending: []dtfund.Spending{{Type: "software", Supplier: "长春启明数字科技有限公司", InvoiceNo: invoice, ContractDate: "2025-03-01",
			InvoiceDate: "2025-04-01", PaymentDate: "2025-04-15", AmountFen: 40_000_000}},
		Goals:         []dtfund.Goal{{Indicator: "设备联网率", Baseline: "20%", Target: "80%"}},
		ProviderUSCCs: []string{f.provider.USCC}}
}

// ready starts an application for the actor, saves a complete draft and
// attaches the required materials.
func (f *applyFixture) ready(t *testing.T, actor app.Actor, invoice string) *dtfund.Application {
	t.Helper()
	ctx := context.Background()
	ap, err := f.a.StartApplication(ctx, actor, f.call.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.SaveDraft(ctx, actor, ap.ID, f.completeDraft(invoice)); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"申报书", "合同"} {
		if _, err := f.a.AddAttachment(ctx, actor, ap.ID, kind, kind+".pdf", bytes.NewReader(pdfBytes(kind))); err != nil {
			t.Fatal(err)
		}
	}
	return ap
}

func pdfBytes(s string) []byte { return []byte("%PDF-1.7\n% " + s + "\n%%EOF\n") }

func TestOneLiveApplicationPerOrganisationAndCall(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newApplyFixture(t, db)
		first, err := f.a.StartApplication(ctx, f.userA, f.call.ID)
		if err != nil || first.State != dtfund.StateDraft || first.DistrictCode != "220174" || !strings.HasPrefix(first.Number, "SB") {
			t.Fatalf("start: %+v, %v", first, err)
		}
		_, err = f.a.StartApplication(ctx, f.userA, f.call.ID)
		if dtfund.ErrorCode(err) != dtfund.ECONFLICT || !strings.Contains(err.Error(), first.Number) {
			t.Fatalf("second live application: %v, want a conflict naming %s", err, first.Number)
		}
		// Another organisation is not affected.
		if _, err := f.a.StartApplication(ctx, f.userB, f.call.ID); err != nil {
			t.Fatalf("organisation B: %v", err)
		}
		if _, err := f.a.Withdraw(ctx, f.userA, first.ID, "方案调整"); err != nil {
			t.Fatal(err)
		}
		second, err := f.a.StartApplication(ctx, f.userA, f.call.ID)
		if err != nil || second.ID == first.ID {
			t.Fatalf("after withdrawal a new application may start: %+v, %v", second, err)
		}
		if _, n, _ := db.FindApplications(ctx, store.ApplicationFilter{OrgID: f.orgA.ID, CallID: f.call.ID}); n != 2 {
			t.Fatalf("organisation A has %d applications, want 2 (withdrawn + new)", n)
		}
		events, _ := db.Events(ctx, first.ID)
		if len(events) != 1 || events[0].To != dtfund.StateWithdrawn || events[0].Reason != "方案调整" {
			t.Fatalf("withdrawal event: %+v", events)
		}
	})
}

func TestStartRefusals(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newApplyFixture(t, db)
		// A provider registered outside Changchun may not apply under 7.1 …
		_, err := f.a.StartApplication(ctx, f.provUser, f.call.ID)
		if dtfund.ErrorCode(err) != dtfund.EINVALID || !strings.Contains(err.Error(), "第十三条") {
			t.Fatalf("outside Changchun under 7.1: %v", err)
		}
		// … but may under 7.3, with no district.
		c73 := f.newCall(t, "7.3", f.now.Add(-time.Hour), f.now.Add(time.Hour))
		ap, err := f.a.StartApplication(ctx, f.provUser, c73.ID)
		if err != nil || ap.DistrictCode != "" {
			t.Fatalf("provider under 7.3: %+v, %v", ap, err)
		}
		// A call not yet open is not shown to applicants at all.
		later := f.newCall(t, "7.1", f.now.Add(time.Hour), f.now.Add(48*time.Hour))
		if _, err := f.a.StartApplication(ctx, f.userA, later.ID); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("call not yet open: %v", err)
		}
		if _, err := f.a.StartApplication(ctx, f.districtA, f.call.ID); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("official starting an application: %v", err)
		}
		if _, n, _ := db.FindApplications(ctx, store.ApplicationFilter{}); n != 1 {
			t.Fatalf("refusals wrote applications: %d, want 1", n)
		}
	})
}

func TestDraftFieldErrorsChangeNothing(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newApplyFixture(t, db)
		ap, err := f.a.StartApplication(ctx, f.userA, f.call.ID)
		if err != nil {
			t.Fatal(err)
		}
		d := f.completeDraft("INV-1")
		d.Spending = append(d.Spending, dtfund.Spending{Seq: 3, Type: "rocket", InvoiceDate: "2025-02-30", AmountFen: 100})
		d.ProviderUSCCs = []string{"", f.orgB.USCC}
		_, err = f.a.SaveDraft(ctx, f.userA, ap.ID, d)
		msg := dtfund.ErrorMessage(err)
		if dtfund.ErrorCode(err) != dtfund.EINVALID || !strings.Contains(msg, "第3行支出：支出类型无效") ||
			!strings.Contains(msg, "第3行支出发票日期") || !strings.Contains(msg, "第2家服务商") {
			t.Fatalf("bad draft: %v", err)
		}
		fields := err.(dtfund.ValidationErrors).ByField()
		if fields["spending.2.type"] == "" || fields["providers.1"] == "" {
			t.Fatalf("errors not tied to the form's rows: %v", fields)
		}
		got, _ := f.a.Application(ctx, f.userA, ap.ID)
		if got.Title != "" || len(got.Spending) != 0 {
			t.Fatalf("refused save wrote: %+v", got)
		}
		// Half-filled drafts save: completeness is checked at submission.
		if _, err := f.a.SaveDraft(ctx, f.userA, ap.ID, &app.Draft{Title: "只填了名称"}); err != nil {
			t.Fatalf("half-filled draft: %v", err)
		}
		if _, err := f.a.SaveDraft(ctx, f.userB, ap.ID, &app.Draft{Title: "别人的"}); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("another organisation saving: %v", err)
		}
	})
}

func TestEditingRefusedAfterSubmission(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newApplyFixture(t, db)
		ap := f.ready(t, f.userA, "INV-1")
		if _, err := f.a.Submit(ctx, f.userA, ap.ID, "tok", nil); err != nil {
			t.Fatal(err)
		}
		before, _ := f.a.Application(ctx, f.userA, ap.ID)
		beforeAtts, _ := db.Attachments(ctx, ap.ID)
		d := f.completeDraft("INV-2")
		d.Title = "提交后偷偷改名"
		if _, err := f.a.SaveDraft(ctx, f.userA, ap.ID, d); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("saving after submission: %v, want conflict", err)
		}
		if _, err := f.a.AddAttachment(ctx, f.userA, ap.ID, "合同", "x.pdf", bytes.NewReader(pdfBytes("x"))); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("uploading after submission: %v", err)
		}
		if err := f.a.DeleteAttachment(ctx, f.userA, ap.ID, beforeAtts[0].ID); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("deleting after submission: %v", err)
		}
		after, _ := f.a.Application(ctx, f.userA, ap.ID)
		afterAtts, _ := db.Attachments(ctx, ap.ID)
		if after.Title != before.Title || after.Spending[0].InvoiceNo != "INV-1" || !after.UpdatedAt.Equal(before.UpdatedAt) ||
			len(afterAtts) != len(beforeAtts) {
			t.Fatalf("refused edits changed the application: %+v", after)
		}
	})
}

func TestSubmissionOnlyWhileTheCallIsOpen(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newApplyFixture(t, db)
		ap := f.ready(t, f.userA, "INV-1")
		f.now = f.call.ClosesAt // the close time itself is too late
		_, err := f.a.Submit(ctx, f.userA, ap.ID, "", nil)
		if dtfund.ErrorCode(err) != dtfund.ECONFLICT || !strings.Contains(err.Error(), app.ShanghaiTime(f.call.ClosesAt)) {
			t.Fatalf("after close: %v", err)
		}
		f.now = f.call.OpensAt.Add(-time.Minute)
		_, err = f.a.Submit(ctx, f.userA, ap.ID, "", nil)
		if dtfund.ErrorCode(err) != dtfund.ECONFLICT || !strings.Contains(err.Error(), "尚未开始") {
			t.Fatalf("before open: %v", err)
		}
		got, _ := f.a.Application(ctx, f.userA, ap.ID)
		events, _ := db.Events(ctx, ap.ID)
		if got.State != dtfund.StateDraft || got.Version != 0 || len(events) != 0 {
			t.Fatalf("refused submissions wrote: state %s, version %d, %d events", got.State, got.Version, len(events))
		}
		f.now = f.call.ClosesAt.Add(-time.Second)
		if _, err := f.a.Submit(ctx, f.userA, ap.ID, "", nil); err != nil {
			t.Fatalf("a second before the close: %v", err)
		}
	})
}

func TestIncompleteSubmissionSaysWhatIsMissing(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newApplyFixture(t, db)
		ap, err := f.a.StartApplication(ctx, f.userA, f.call.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.AddAttachment(ctx, f.userA, ap.ID, "申报书", "申报书.pdf", bytes.NewReader(pdfBytes("a"))); err != nil {
			t.Fatal(err)
		}
		_, err = f.a.Submit(ctx, f.userA, ap.ID, "", &app.Draft{Spending: []dtfund.Spending{{Seq: 2, Type: "software"}}})
		msg := dtfund.ErrorMessage(err)
		for _, want := range []string{"请填写项目名称", "请填写项目简介", "第2行支出：请填写金额", "请至少填写一项绩效目标", "诚信承诺", "缺少申报材料：合同"} {
			if !strings.Contains(msg, want) {
				t.Errorf("message %q lacks %q", msg, want)
			}
		}
		if dtfund.ErrorCode(err) != dtfund.EINVALID || strings.Contains(msg, "申报书（") {
			t.Fatalf("incomplete submission: %v", err)
		}
		got, _ := f.a.Application(ctx, f.userA, ap.ID)
		if got.State != dtfund.StateDraft || got.Version != 0 || len(got.Spending) != 0 {
			t.Fatalf("refused submission wrote: %+v", got)
		}
	})
}

func TestDoubleSubmissionIsOneSubmission(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newApplyFixture(t, db)
		ap := f.ready(t, f.userA, "INV-1")
		d := f.completeDraft("INV-1")
		for i := 0; i < 2; i++ {
			got, err := f.a.Submit(ctx, f.userA, ap.ID, "form-token-1", d)
			if err != nil || got.State != dtfund.StateSubmitted || got.Version != 1 {
				t.Fatalf("submission %d: %+v, %v", i+1, got, err)
			}
		}
		events, _ := db.Events(ctx, ap.ID)
		if len(events) != 1 {
			t.Fatalf("two identical submissions wrote %d events", len(events))
		}
		if _, _, err := db.VersionSnapshot(ctx, ap.ID, 2); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("a second version exists: %v", err)
		}
		// A new form (a new token) is a new request, refused by the state machine.
		if _, err := f.a.Submit(ctx, f.userA, ap.ID, "form-token-2", nil); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("submitting a submitted application: %v", err)
		}
	})
}

func TestResubmissionAfterReturnKeepsEveryVersion(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newApplyFixture(t, db)
		ap := f.ready(t, f.userA, "INV-1")
		first, err := f.a.Submit(ctx, f.userA, ap.ID, "t1", nil)
		if err != nil || first.Version != 1 || first.DecisionJSON == "" {
			t.Fatalf("first submission: %+v, %v", first, err)
		}
		if _, err := f.a.Act(ctx, f.districtA, app.Step{AppID: ap.ID, Action: dtfund.ActReturn, Reason: "请补充合同"}); err != nil {
			t.Fatal(err)
		}
		// Correction happens after the close time: allowed for a returned application.
		f.now = f.call.ClosesAt.Add(time.Hour)
		d := f.completeDraft("INV-1")
		d.Title = "冲压车间MES改造（补正）"
		second, err := f.a.Submit(ctx, f.userA, ap.ID, "t2", d)
		if err != nil || second.Version != 2 || second.State != dtfund.StateSubmitted {
			t.Fatalf("resubmission: %+v, %v", second, err)
		}
		s1, d1, err1 := db.VersionSnapshot(ctx, ap.ID, 1)
		s2, d2, err2 := db.VersionSnapshot(ctx, ap.ID, 2)
		if err1 != nil || err2 != nil || d1 == "" || d2 == "" {
			t.Fatalf("versions: %v %v", err1, err2)
		}
		if strings.Contains(s1, "补正") || !strings.Contains(s2, "补正") {
			t.Fatalf("versions do not keep what was submitted each time:\n%s\n%s", s1, s2)
		}
	})
}

func TestRulesDoNotRefuseSubmission(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newApplyFixture(t, db)
		ap := f.ready(t, f.userA, "INV-1")
		d := f.completeDraft("INV-1")
		d.Spending[0].InvoiceDate = "2024-06-01" // before the window: the rules say no
		got, err := f.a.Submit(ctx, f.userA, ap.ID, "", d)
		if err != nil || got.State != dtfund.StateSubmitted || !strings.Contains(got.DecisionJSON, `"fail"`) {
			t.Fatalf("submission with a failing rule: %v; decision %s", err, got.DecisionJSON)
		}
	})
}

func docx(inner string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{"[Content_Types].xml", inner} {
		w, _ := zw.Create(name)
		w.Write([]byte("<xml/>"))
	}
	zw.Close()
	return b.Bytes()
}

func TestFileTypeIsCheckedByContent(t *testing.T) {
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	jpeg := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, make([]byte, 64)...)
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...)
	cases := []struct {
		name    string
		data    []byte
		want    string // content type, or "" for refused
		message string
	}{
		{"申报书.pdf", pdfBytes("x"), "application/pdf", ""},
		{"营业执照.PNG", png, "image/png", ""},
		{"现场照片.jpeg", jpeg, "image/jpeg", ""},
		{"合同.docx", docx("word/document.xml"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ""},
		{"明细.xlsx", docx("xl/workbook.xml"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ""},
		{"旧合同.doc", ole, "application/msword", ""},
		{"旧明细.xls", ole, "application/vnd.ms-excel", ""},
		{"假装是PDF.pdf", png, "", "内容是PNG 图片"},
		{"合同.pdf", docx("word/document.xml"), "", "后缀与内容不符"},
		{"旧文件.pdf", ole, "", "97-2003"},
		{"脚本.pdf", []byte("<html><script>alert(1)</script></html>"), "", "不是可接受的类型"},
		{"压缩包.docx", docx("other/file.txt"), "", "不是 Word 或 Excel"},
	}
	for _, c := range cases {
		got, err := app.DetectFileType(bytes.NewReader(c.data), int64(len(c.data)), c.name)
		if c.want != "" && (err != nil || got != c.want) {
			t.Errorf("%s: %q, %v; want %s", c.name, got, err, c.want)
		}
		if c.want == "" && (dtfund.ErrorCode(err) != dtfund.EINVALID || !strings.Contains(err.Error(), c.message)) {
			t.Errorf("%s: %q, %v; want refusal mentioning %q", c.name, got, err, c.message)
		}
	}
}

func TestAttachmentsStoredOnceAndBounded(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newApplyFixture(t, db)
		ap, err := f.a.StartApplication(ctx, f.userA, f.call.ID)
		if err != nil {
			t.Fatal(err)
		}
		data := pdfBytes("同一份合同")
		a1, err := f.a.AddAttachment(ctx, f.userA, ap.ID, "合同", "../../etc/合同.pdf", bytes.NewReader(data))
		if err != nil || a1.Name != "合同.pdf" || a1.ContentType != "application/pdf" || a1.Size != int64(len(data)) {
			t.Fatalf("upload: %+v, %v", a1, err)
		}
		a2, err := f.a.AddAttachment(ctx, f.userA, ap.ID, "申报书", "副本.pdf", bytes.NewReader(data))
		if err != nil || a2.SHA256 != a1.SHA256 {
			t.Fatalf("same bytes again: %+v, %v", a2, err)
		}
		blobs := countFiles(t, filepath.Join(f.a.FilesDir, "attachments"))
		if blobs != 1 {
			t.Fatalf("%d files stored for the same bytes, want 1", blobs)
		}
		path := filepath.Join(f.a.FilesDir, "attachments", a1.SHA256[:2], a1.SHA256[2:])
		if stored, err := os.ReadFile(path); err != nil || !bytes.Equal(stored, data) {
			t.Fatalf("content store at %s: %v", path, err)
		}
		// Too large, the wrong kind, mislabelled: refused, nothing added.
		big := io.MultiReader(bytes.NewReader([]byte("%PDF-1.7\n")), io.LimitReader(zeros{}, app.MaxAttachmentSize))
		if _, err := f.a.AddAttachment(ctx, f.userA, ap.ID, "合同", "大文件.pdf", big); dtfund.ErrorCode(err) != dtfund.EINVALID ||
			!strings.Contains(err.Error(), "20 MiB") {
			t.Fatalf("oversized: %v", err)
		}
		if _, err := f.a.AddAttachment(ctx, f.userA, ap.ID, "审计报告", "a.pdf", bytes.NewReader(data)); dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("kind not in the call's list: %v", err)
		}
		png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
		if _, err := f.a.AddAttachment(ctx, f.userA, ap.ID, "合同", "扫描件.pdf", bytes.NewReader(png)); dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("mislabelled file: %v", err)
		}
		if _, err := f.a.AddAttachment(ctx, f.userB, ap.ID, "合同", "b.pdf", bytes.NewReader(data)); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("another organisation uploading: %v", err)
		}
		atts, _ := f.a.Attachments(ctx, f.userA, ap.ID)
		if len(atts) != 2 || countFiles(t, filepath.Join(f.a.FilesDir, "attachments")) != 1 {
			t.Fatalf("refused uploads left %d attachments", len(atts))
		}
		checkOpenAndDelete(t, f, ap, a1)
	})
}

func checkOpenAndDelete(t *testing.T, f *applyFixture, ap *dtfund.Application, at *store.Attachment) {
	t.Helper()
	ctx := context.Background()
	got, file, err := f.a.OpenAttachment(ctx, f.userA, ap.ID, at.ID)
	if err != nil || got.Name != at.Name {
		t.Fatalf("open: %v", err)
	}
	file.Close()
	// The district official sees no draft, nor its files.
	if _, _, err := f.a.OpenAttachment(ctx, f.districtA, ap.ID, at.ID); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
		t.Fatalf("official opening a draft's file: %v", err)
	}
	if err := f.a.DeleteAttachment(ctx, f.userA, ap.ID, at.ID); err != nil {
		t.Fatal(err)
	}
	atts, _ := f.a.Attachments(ctx, f.userA, ap.ID)
	if len(atts) != 1 {
		t.Fatalf("after delete: %d attachments", len(atts))
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

func TestInvoiceFlagsForReviewers(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newApplyFixture(t, db)
		apA := f.ready(t, f.userA, "FP-0001")
		apB := f.ready(t, f.userB, "FP-0001")
		if _, err := f.a.Submit(ctx, f.userA, apA.ID, "", nil); err != nil {
			t.Fatal(err)
		}
		// B is still a draft: not yet a claim.
		flags, err := f.a.InvoiceFlags(ctx, f.districtA, apA.ID)
		if err != nil || len(flags) != 0 {
			t.Fatalf("flags against a draft: %v, %v", flags, err)
		}
		if _, err := f.a.Submit(ctx, f.userB, apB.ID, "", nil); err != nil {
			t.Fatal(err)
		}
		flags, err = f.a.InvoiceFlags(ctx, f.districtA, apA.ID)
		if err != nil || len(flags["FP-0001"]) != 1 || flags["FP-0001"][0] != apB.Number {
			t.Fatalf("district A's flags: %v, %v", flags, err)
		}
		if flags, _ := f.a.InvoiceFlags(ctx, f.city, apB.ID); len(flags["FP-0001"]) != 1 || flags["FP-0001"][0] != apA.Number {
			t.Fatalf("city's flags on B: %v", flags)
		}
		if _, err := f.a.InvoiceFlags(ctx, f.userA, apA.ID); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("applicant asking for flags: %v", err)
		}
		if _, err := f.a.InvoiceFlags(ctx, f.districtB, apA.ID); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("another district's official: %v", err)
		}
	})
}

func TestConcurrentStartsMakeOneApplication(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newApplyFixture(t, db)
		const n = 8
		errs := make(chan error, n)
		for i := 0; i < n; i++ {
			go func() {
				_, err := f.a.StartApplication(ctx, f.userA, f.call.ID)
				errs <- err
			}()
		}
		ok := 0
		for i := 0; i < n; i++ {
			switch err := <-errs; dtfund.ErrorCode(err) {
			case "":
				ok++
			case dtfund.ECONFLICT:
			default:
				t.Errorf("concurrent start: %v", err)
			}
		}
		if _, total, _ := db.FindApplications(ctx, store.ApplicationFilter{OrgID: f.orgA.ID}); ok != 1 || total != 1 {
			t.Fatalf("%d concurrent starts succeeded, %d applications stored; want 1 and 1", ok, total)
		}
	})
}
