package app_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// sensitiveViews returns the audit records of full views of sensitive
// data, found as the audit viewer finds them (by action prefix).
func sensitiveViews(t *testing.T, db *store.DB) []*store.AuditEntry {
	t.Helper()
	es, err := db.FindAudit(context.Background(), store.AuditFilter{Action: "view.", Page: store.Page{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// wantView checks the newest sensitive-view record: its action, actor,
// address, request, object and fields, and that it holds no value shown.
func wantView(t *testing.T, db *store.DB, n int, actor app.Actor, objectType, objectID string, fields []string, values ...string) {
	t.Helper()
	es := sensitiveViews(t, db)
	if len(es) != n {
		t.Fatalf("%d sensitive-view records, want %d: %+v", len(es), n, es)
	}
	e := es[0]
	if e.Action != app.ActionViewSensitive || e.Actor != actor.User.Username || e.ActorID != actor.User.ID || e.IP != actor.IP ||
		e.RequestID != actor.RequestID || e.ObjectType != objectType || e.ObjectID != objectID {
		t.Fatalf("view record %+v, want %s %s by %s", e, objectType, objectID, actor.User.Username)
	}
	for _, f := range fields {
		if !strings.Contains(e.After, `"`+f+`"`) {
			t.Errorf("view record %s does not name the field %s", e.After, f)
		}
	}
	for _, v := range values {
		if strings.Contains(e.After, v) || strings.Contains(e.Before, v) {
			t.Errorf("view record %s holds the value %q", e.After, v)
		}
	}
}

func withAddress(a app.Actor, ip, request string) app.Actor {
	a.IP, a.RequestID = ip, request
	return a
}

// The 免申即享 account number: masked views write nothing; each full view by
// a finance bureau (the proposal page once approved, PaymentAccount) writes
// one record naming the field, not the number.
func TestSensitiveAccountViewAudited(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := newMatchFixture(t, db)
		m.adopt(t, m.org, "云MES", "2026-02-01", "confirmed")
		m.run(t, m.cloudPolicy(t, 10))
		prop := m.proposalOf(t, m.org)
		ap, err := m.a.ConfirmProposal(ctx, m.applicant, m.goodAccount(prop.ID))
		if err != nil {
			t.Fatal(err)
		}
		const number = "4200224309200012345"
		fin := withAddress(m.finance, "192.0.2.10", "req-fin-1")
		for _, who := range []app.Actor{m.district, m.city, fin, m.applicant} {
			v, err := m.a.Proposal(ctx, who, prop.ID)
			if err != nil {
				t.Fatal(err)
			}
			if full := v.AccountNo == number; full != (who.User.Role == dtfund.RoleApplicant) {
				t.Fatalf("%s sees the account as %q before approval", who.User.Role, v.AccountNo)
			}
		}
		if n := len(sensitiveViews(t, db)); n != 0 {
			t.Fatalf("masked views and the enterprise's own view wrote %d records", n)
		}
		// Approved (set directly: the way there is tested with the process):
		// the finance bureau sees the number in full, and it is recorded.
		err = db.InTx(ctx, func(tx *store.Tx) error { return tx.SetApplicationState(ctx, ap.ID, ap.State, dtfund.StateApproved) })
		if err != nil {
			t.Fatal(err)
		}
		v, err := m.a.Proposal(ctx, fin, prop.ID)
		if err != nil || !v.FullAccount || v.AccountNo != number {
			t.Fatalf("finance bureau's view after approval: %+v %v", v, err)
		}
		wantView(t, db, 1, fin, "match_proposal", strconv.FormatInt(prop.ID, 10), []string{"account_no"}, number, "2345")
		if v, _ := m.a.Proposal(ctx, m.city, prop.ID); v.FullAccount {
			t.Fatal("the industry bureau sees the number in full")
		}
		if n := len(sensitiveViews(t, db)); n != 1 {
			t.Fatalf("a masked view wrote a record (%d)", n)
		}
		fin2 := withAddress(m.finance, "192.0.2.11", "req-fin-2")
		if acc, err := m.a.PaymentAccount(ctx, fin2, ap.ID); err != nil || acc.Number != number {
			t.Fatalf("payment account: %+v %v", acc, err)
		}
		wantView(t, db, 2, fin2, "match_proposal", strconv.FormatInt(prop.ID, 10), []string{"account_no"}, number)
	})
}

// Contact telephones of organisations and experts, and objectors' contacts:
// masked in lists and pages, in full on request, each full view recorded.
func TestSensitiveContactViewsAudited(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, ap := newPublicityFixture(t, db)
		sys := app.SystemActor("test")
		const phone = "0431-85551234"
		org := &dtfund.Organization{USCC: goldenUSCC(31, "220174"), Name: "长春联系测试有限公司", Kind: dtfund.OrgEnterprise, LegalPerson: true,
			RegionCode: "220174", DistrictCode: "220174", IndustryCode: "3670", IsApplicant: true, ContactName: "王经理", ContactPhone: phone}
		if err := f.a.CreateOrganization(ctx, sys, org); err != nil {
			t.Fatal(err)
		}
		owner := &dtfund.User{Username: "lianxi", DisplayName: "联系测试", Role: dtfund.RoleApplicant, OrgID: org.ID}
		if err := f.a.CreateUser(ctx, sys, owner, "Passw0rdLong"); err != nil {
			t.Fatal(err)
		}
		district := withAddress(f.district, "192.0.2.20", "req-d-1")
		if o, err := f.a.Organization(ctx, district, org.ID); err != nil || o.ContactPhone != "0431-****1234" {
			t.Fatalf("official's page: %q %v", o.ContactPhone, err)
		}
		if os, _, _ := f.a.FindOrganizations(ctx, district, store.OrgFilter{Query: "联系测试", Page: store.Page{Limit: 5}}); len(os) != 1 || os[0].ContactPhone != "0431-****1234" {
			t.Fatalf("official's list: %+v", os)
		}
		if o, _ := f.a.Organization(ctx, app.Actor{User: owner}, org.ID); o.ContactPhone != phone {
			t.Fatalf("the enterprise's own profile: %q", o.ContactPhone)
		}
		if _, err := f.a.OrganizationContact(ctx, f.other, org.ID); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("another district asking for the telephone: %v", err)
		}
		if n := len(sensitiveViews(t, db)); n != 0 {
			t.Fatalf("masked views wrote %d records", n)
		}
		if o, err := f.a.OrganizationContact(ctx, district, org.ID); err != nil || o.ContactPhone != phone {
			t.Fatalf("telephone on request: %q %v", o.ContactPhone, err)
		}
		wantView(t, db, 1, district, "organization", strconv.FormatInt(org.ID, 10), []string{"contact_phone"}, phone, "85551234")
		// The export keeps the telephones in full (it imports back): recorded.
		if _, err := f.a.ExportOrganizations(ctx, district); err != nil {
			t.Fatal(err)
		}
		wantView(t, db, 2, district, "organization", "export", []string{"contact_phone"}, phone)

		// An expert's contact.
		expert := &dtfund.User{Username: "zj_lianxi", DisplayName: "联系专家", Role: dtfund.RoleExpert}
		if err := f.a.CreateUser(ctx, sys, expert, "Passw0rdLong"); err != nil {
			t.Fatal(err)
		}
		if err := f.a.SaveExpertProfile(ctx, f.city, expert.Username, store.ExpertProfile{Field: "智能制造", Affiliation: "吉林大学",
			Contact: "13800000000", Active: true}); err != nil {
			t.Fatal(err)
		}
		if es, _, _ := f.a.FindExperts(ctx, f.city, store.ExpertFilter{UserID: expert.ID}); len(es) != 1 || es[0].Contact != "138****0000" {
			t.Fatalf("expert list: %+v", es)
		}
		if n := len(sensitiveViews(t, db)); n != 2 {
			t.Fatalf("the masked expert list wrote a record (%d)", n)
		}
		if e, err := f.a.ExpertProfile(ctx, f.city, expert.ID); err != nil || e.Contact != "13800000000" {
			t.Fatalf("expert profile for editing: %+v %v", e, err)
		}
		wantView(t, db, 3, f.city, "expert", strconv.FormatInt(expert.ID, 10), []string{"contact"}, "13800000000")

		// An objector's contact and address.
		b := f.batch(t, "2026-09-30")
		it := f.publish(t, b, ap)
		f.setClock(atShanghai(t, "2026-10-08 11:00"))
		o := f.object(t, b, it, "203.0.113.9")
		if os, _, _ := f.a.Objections(ctx, f.city, store.ObjectionFilter{BatchID: b.ID}); len(os) != 1 || os[0].Contact != "138****0000" {
			t.Fatalf("objection list: %+v", os)
		}
		f.a.OpenObjectionFile(ctx, f.city, o.ID) // reads the objection, shows no contact
		if n := len(sensitiveViews(t, db)); n != 3 {
			t.Fatalf("the masked objection list wrote a record (%d)", n)
		}
		if got, err := f.a.Objection(ctx, f.city, o.ID); err != nil || got.Contact != "13800000000" {
			t.Fatalf("objection page: %+v %v", got, err)
		}
		wantView(t, db, 4, f.city, "objection", strconv.FormatInt(o.ID, 10), []string{"contact", "ip"}, "13800000000", "203.0.113.9")
	})
}
