package app_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// publicityFixture is a process fixture on 2026-09-29 (the day before the
// National Day holidays) with one re-checked application.
func newPublicityFixture(t *testing.T, db *store.DB) (*processFixture, *dtfund.Application) {
	t.Helper()
	f := newProcessFixture(t, db)
	f.setClock(atShanghai(t, "2026-09-29 10:00"))
	f.eligible(t)
	f.a.FilesDir = t.TempDir()
	return f, f.rechecked(t)
}

func (f *processFixture) batch(t *testing.T, start string) *store.PublicityBatch {
	t.Helper()
	b, err := f.a.CreatePublicityBatch(context.Background(), f.city, "2026年第一批拟支持项目公示", start)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (f *processFixture) publish(t *testing.T, b *store.PublicityBatch, ap *dtfund.Application) *store.PublicityItem {
	t.Helper()
	it, err := f.a.Publish(context.Background(), f.city, app.Publication{BatchID: b.ID, AppID: ap.ID})
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func (f *processFixture) object(t *testing.T, b *store.PublicityBatch, it *store.PublicityItem, ip string) *store.Objection {
	t.Helper()
	o, err := f.a.LodgeObjection(context.Background(), app.ObjectionInput{BatchID: b.ID, ItemID: it.ID, Name: "张三",
		Contact: "13800000000", Reason: "该企业的改造项目实际尚未实施完毕。", IP: ip})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestPublicityEndDateFromCalendar(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, ap := newPublicityFixture(t, db)
		b := f.batch(t, "2026-09-30")
		// More than the re-check allows is refused and changes nothing.
		over := int64(15_000_001)
		_, err := f.a.Publish(ctx, f.city, app.Publication{BatchID: b.ID, AppID: ap.ID, AmountFen: &over})
		var de *dtfund.Error
		if !asError(err, &de) || de.Field != "amount" || !strings.Contains(de.Message, "150000.00") {
			t.Fatalf("amount above the maximum: %v", err)
		}
		if f.state(t, ap.ID) != dtfund.StateRechecked {
			t.Fatal("refused publication changed the state")
		}
		// Start 2026-09-30 (Wed): 10-01…10-07 off, 10-10 (Sat) a working day: the fifth working day is 10-12.
		it := f.publish(t, b, ap)
		if it.StartDate != "2026-09-30" || it.EndDate != "2026-10-12" || it.AmountFen != 15_000_000 {
			t.Fatalf("item = %s…%s, %d fen; want 2026-09-30…2026-10-12 and the maximum 15万元", it.StartDate, it.EndDate, it.AmountFen)
		}
		if f.state(t, ap.ID) != dtfund.StateInPublicity {
			t.Fatalf("state = %s", f.state(t, ap.ID))
		}
		events, _ := db.Events(ctx, ap.ID)
		if last := events[len(events)-1]; !strings.Contains(last.Reason, "2026-09-30至2026-10-12") {
			t.Fatalf("timeline does not name the period: %q", last.Reason)
		}
		// A start date in the past is refused.
		var ve dtfund.ValidationErrors
		if _, err := f.a.CreatePublicityBatch(ctx, f.city, "补充公示", "2026-09-28"); !asValidation(err, &ve) || ve.ByField()["start_date"] == "" {
			t.Fatalf("batch starting yesterday: %v", err)
		}
	})
}

func TestClosingPublicityEarlyRefused(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, ap := newPublicityFixture(t, db)
		b := f.batch(t, "2026-09-30")
		f.publish(t, b, ap)
		f.setClock(atShanghai(t, "2026-10-12 23:59"))
		_, err := f.a.ClosePublicity(ctx, f.city, b.ID)
		if dtfund.ErrorCode(err) != dtfund.ECONFLICT || !strings.Contains(err.Error(), "2026-10-12") {
			t.Fatalf("closing on the last day: %v; want a refusal naming 2026-10-12", err)
		}
		if got, _ := db.PublicityBatch(ctx, b.ID); got.State != store.BatchOpen || f.state(t, ap.ID) != dtfund.StateInPublicity {
			t.Fatal("refused close changed something")
		}
		f.setClock(atShanghai(t, "2026-10-13 00:05"))
		if n, err := f.a.ClosePublicity(ctx, f.city, b.ID); err != nil || n != 1 {
			t.Fatalf("closing after the period: %d, %v", n, err)
		}
		if got, _ := db.PublicityBatch(ctx, b.ID); got.State != store.BatchClosed || f.state(t, ap.ID) != dtfund.StatePublicityPassed {
			t.Fatalf("after close: batch %s, application %s", got.State, f.state(t, ap.ID))
		}
		if _, err := f.a.ClosePublicity(ctx, f.city, b.ID); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("closing twice: %v", err)
		}
	})
}

func TestApplicationAddedToRunningBatchGetsItsOwnPeriod(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, ap := newPublicityFixture(t, db)
		b := f.batch(t, "2026-09-30")
		f.publish(t, b, ap)
		later := f.rechecked(t)
		f.setClock(atShanghai(t, "2026-10-09 15:00"))
		it := f.publish(t, b, later)
		// 10-09 (Fri), 10-10 (Sat, 调休), 10-12, 10-13, 10-14.
		if it.StartDate != "2026-10-09" || it.EndDate != "2026-10-14" {
			t.Fatalf("late item = %s…%s; want 2026-10-09…2026-10-14", it.StartDate, it.EndDate)
		}
		f.setClock(atShanghai(t, "2026-10-13 09:00"))
		if _, err := f.a.ClosePublicity(ctx, f.city, b.ID); dtfund.ErrorCode(err) != dtfund.ECONFLICT || !strings.Contains(err.Error(), "2026-10-14") {
			t.Fatalf("closing while the late item runs: %v; want a refusal naming 2026-10-14", err)
		}
		f.setClock(atShanghai(t, "2026-10-15 09:00"))
		if n, err := f.a.ClosePublicity(ctx, f.city, b.ID); err != nil || n != 2 {
			t.Fatalf("close: %d, %v", n, err)
		}
	})
}

func TestOpenObjectionBlocksClosingAndDismissalKeepsTheApplication(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, ap := newPublicityFixture(t, db)
		b := f.batch(t, "2026-09-30")
		it := f.publish(t, b, ap)
		f.setClock(atShanghai(t, "2026-10-08 11:00"))
		o := f.object(t, b, it, "203.0.113.9")
		f.setClock(atShanghai(t, "2026-10-20 09:00"))
		if _, err := f.a.ClosePublicity(ctx, f.city, b.ID); dtfund.ErrorCode(err) != dtfund.ECONFLICT || !strings.Contains(err.Error(), "异议") {
			t.Fatalf("closing with an open objection: %v", err)
		}
		if f.state(t, ap.ID) != dtfund.StateInPublicity {
			t.Fatal("refused close moved the application")
		}
		var de *dtfund.Error
		if err := f.a.DecideObjection(ctx, f.city, app.ObjectionDecision{ID: o.ID}); !asError(err, &de) || de.Field != "finding" {
			t.Fatalf("decision without a finding: %v", err)
		}
		if err := f.a.DecideObjection(ctx, f.city, app.ObjectionDecision{ID: o.ID, Finding: "经现场核查，项目已完成实施，异议不成立"}); err != nil {
			t.Fatal(err)
		}
		got, _ := db.Objection(ctx, o.ID)
		if got.State != store.ObjectionDismissed || !strings.Contains(got.Finding, "异议不成立") || f.state(t, ap.ID) != dtfund.StateInPublicity {
			t.Fatalf("dismissed objection: %+v, application %s", got, f.state(t, ap.ID))
		}
		events, _ := db.Events(ctx, ap.ID)
		if last := events[len(events)-1]; last.Action != "objection_dismissed" || !strings.Contains(last.Reason, "项目已完成实施") {
			t.Fatalf("timeline: %+v", last)
		}
		if err := f.a.DecideObjection(ctx, f.city, app.ObjectionDecision{ID: o.ID, Upheld: true, Finding: "改判"}); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("deciding twice: %v", err)
		}
		if n, err := f.a.ClosePublicity(ctx, f.city, b.ID); err != nil || n != 1 {
			t.Fatalf("close after dismissal: %d, %v", n, err)
		}
	})
}

func TestUpheldObjectionRemovesTheApplication(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, ap := newPublicityFixture(t, db)
		b := f.batch(t, "2026-09-30")
		it := f.publish(t, b, ap)
		other := f.publish(t, b, f.rechecked(t))
		f.setClock(atShanghai(t, "2026-09-30 08:00"))
		o1 := f.object(t, b, it, "203.0.113.9")
		o2 := f.object(t, b, it, "203.0.113.10")
		if err := f.a.DecideObjection(ctx, f.city, app.ObjectionDecision{ID: o1.ID, Upheld: true, Finding: "发票系伪造，异议成立"}); err != nil {
			t.Fatal(err)
		}
		if f.state(t, ap.ID) != dtfund.StateObjectionUpheld {
			t.Fatalf("state = %s, want objection_upheld", f.state(t, ap.ID))
		}
		events, _ := db.Events(ctx, ap.ID)
		if last := events[len(events)-1]; last.Action != string(dtfund.ActUpholdObjection) || last.Reason != "发票系伪造，异议成立" {
			t.Fatalf("timeline: %+v", last)
		}
		if got, _ := db.Objection(ctx, o2.ID); got.State != store.ObjectionSuperseded {
			t.Fatalf("the other objection of the same item: %s", got.State)
		}
		items, total, _ := f.a.PublicItems(ctx, b.ID, store.Page{})
		if total != 1 || items[0].ID != other.ID {
			t.Fatalf("public list after upheld objection: %d items", total)
		}
		// Objecting to an item that left the batch is refused.
		_, err := f.a.LodgeObjection(ctx, app.ObjectionInput{BatchID: b.ID, ItemID: it.ID, Name: "李四", Contact: "1390000",
			Reason: "仍有问题需要反映给主管部门。", IP: "198.51.100.1"})
		var de *dtfund.Error
		if !asError(err, &de) || de.Field != "item_id" {
			t.Fatalf("objecting to a removed item: %v", err)
		}
		f.setClock(atShanghai(t, "2026-10-13 09:00"))
		if n, err := f.a.ClosePublicity(ctx, f.city, b.ID); err != nil || n != 1 {
			t.Fatalf("close: %d, %v", n, err)
		}
	})
}

func TestObjectionRateLimitAndValidation(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, ap := newPublicityFixture(t, db)
		b := f.batch(t, "2026-09-30")
		it := f.publish(t, b, ap)
		// Not before the list is public.
		early := app.ObjectionInput{BatchID: b.ID, ItemID: it.ID, Name: "王五", Contact: "wang@example.com", Reason: "公示开始前的异议理由。", IP: "203.0.113.7"}
		var de *dtfund.Error
		if _, err := f.a.LodgeObjection(ctx, early); !asError(err, &de) || de.Field != "item_id" || !strings.Contains(de.Message, "2026-09-30起公示") {
			t.Fatalf("objection before the start: %v", err)
		}
		f.setClock(atShanghai(t, "2026-09-30 10:00"))
		for i := 0; i < app.MaxObjectionsPerWindow; i++ {
			f.object(t, b, it, "203.0.113.7")
		}
		in := app.ObjectionInput{BatchID: b.ID, ItemID: it.ID, Name: "王五", Contact: "wang@example.com", Reason: "第六条异议的理由写在这里。", IP: "203.0.113.7"}
		if _, err := f.a.LodgeObjection(ctx, in); dtfund.ErrorCode(err) != dtfund.ETHROTTLED || !strings.Contains(err.Error(), "每小时") {
			t.Fatalf("sixth objection within the hour: %v", err)
		}
		if _, total, _ := db.FindObjections(ctx, store.ObjectionFilter{BatchID: b.ID}); total != app.MaxObjectionsPerWindow {
			t.Fatalf("objections stored = %d", total)
		}
		// Another address is not affected; an hour later the first may again.
		in.IP = "203.0.113.8"
		if _, err := f.a.LodgeObjection(ctx, in); err != nil {
			t.Fatal(err)
		}
		f.setClock(atShanghai(t, "2026-09-30 11:01"))
		in.IP = "203.0.113.7"
		if _, err := f.a.LodgeObjection(ctx, in); err != nil {
			t.Fatalf("an hour later: %v", err)
		}
		// Bad input names the fields and stores nothing.
		_, err := f.a.LodgeObjection(ctx, app.ObjectionInput{BatchID: b.ID, ItemID: it.ID, Reason: "短", IP: "192.0.2.1"})
		var ve dtfund.ValidationErrors
		if !asValidation(err, &ve) || ve.ByField()["name"] == "" || ve.ByField()["contact"] == "" || ve.ByField()["reason"] == "" {
			t.Fatalf("empty objection: %v", err)
		}
		if _, total, _ := db.FindObjections(ctx, store.ObjectionFilter{BatchID: b.ID}); total != app.MaxObjectionsPerWindow+2 {
			t.Fatalf("objections stored = %d", total)
		}
	})
}

func TestObjectionAttachmentCheckedByContent(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, ap := newPublicityFixture(t, db)
		b := f.batch(t, "2026-09-30")
		it := f.publish(t, b, ap)
		f.setClock(atShanghai(t, "2026-10-08 10:00"))
		in := app.ObjectionInput{BatchID: b.ID, ItemID: it.ID, Name: "赵六", Contact: "13700000000", Reason: "附上相关证明材料，请核查。", IP: "192.0.2.5"}
		for name, file := range map[string]*app.PublicityFile{
			"text named .pdf": {Name: "证明.pdf", Data: []byte("this is not a pdf at all")},
			"word document":   {Name: "证明.doc", Data: append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...)},
			"too large":       {Name: "证明.pdf", Data: append([]byte("%PDF-1.4\n"), make([]byte, app.MaxPublicityFileSize)...)},
		} {
			in.File = file
			_, err := f.a.LodgeObjection(ctx, in)
			var ve dtfund.ValidationErrors
			if !asValidation(err, &ve) || ve.ByField()["file"] == "" {
				t.Errorf("%s: %v; want a field error on file", name, err)
			}
		}
		in.File = &app.PublicityFile{Name: "证明.pdf", Data: []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")}
		o, err := f.a.LodgeObjection(ctx, in)
		if err != nil || o.AttachmentSHA256 == "" || o.AttachmentName != "证明.pdf" {
			t.Fatalf("PDF evidence: %+v, %v", o, err)
		}
		name, fc, rc, err := f.a.OpenObjectionFile(ctx, f.city, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		var buf bytes.Buffer
		buf.ReadFrom(rc)
		if name != "证明.pdf" || fc.ContentType != "application/pdf" || !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
			t.Fatalf("stored evidence: %s, %q", fc.ContentType, buf.String())
		}
		if _, _, _, err := f.a.OpenObjectionFile(ctx, f.applicant, o.ID); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("applicant opening evidence: %v", err)
		}
		if _, total, _ := db.FindObjections(ctx, store.ObjectionFilter{BatchID: b.ID}); total != 1 {
			t.Fatalf("objections stored = %d, want 1", total)
		}
	})
}

func asValidation(err error, target *dtfund.ValidationErrors) bool {
	v, ok := err.(dtfund.ValidationErrors)
	*target = v
	return ok
}
