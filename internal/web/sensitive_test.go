package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// An organisation's contact telephone is masked on its page; the full
// number is shown on request, recorded with the request's address and ID,
// and the audit viewer finds the record by its action prefix.
func TestSensitiveContactOnOrganizationPage(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	ctx := context.Background()
	owner, err := f.app.UserByUsername(ctx, "applicant")
	if err != nil {
		t.Fatal(err)
	}
	o, err := f.app.Organization(ctx, app.Actor{User: owner}, f.orgA.ID)
	if err != nil {
		t.Fatal(err)
	}
	o.ContactName, o.ContactPhone = "王经理", "0431-85551234"
	if err := f.app.UpdateOwnOrganization(ctx, app.Actor{User: owner}, o); err != nil {
		t.Fatal(err)
	}
	views := func() []*store.AuditEntry {
		es, err := f.app.DB.FindAudit(ctx, store.AuditFilter{Action: app.ActionViewSensitive, Page: store.Page{Limit: 10}})
		if err != nil {
			t.Fatal(err)
		}
		return es
	}
	page := "/orgs/" + itoa(f.orgA.ID)
	district := f.client()
	district.login("district_a")
	_, body := district.get(page)
	if !strings.Contains(body, "0431-****1234") || strings.Contains(body, "85551234") || !strings.Contains(body, page+"?show=contact") {
		t.Fatalf("masked page:\n%s", body)
	}
	if n := len(views()); n != 0 {
		t.Fatalf("the masked page wrote %d records", n)
	}
	resp, body := district.get(page + "?show=contact")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "0431-85551234") || !strings.Contains(body, "已记入审计日志") {
		t.Fatalf("telephone on request: %d", resp.StatusCode)
	}
	es := views()
	if len(es) != 1 || es[0].Actor != "district_a" || es[0].ObjectType != "organization" || es[0].ObjectID != itoa(f.orgA.ID) ||
		es[0].IP == "" || es[0].RequestID == "" || !strings.Contains(es[0].After, "contact_phone") || strings.Contains(es[0].After, "8555") {
		t.Fatalf("view record: %+v", es)
	}
	// Out of the district: not found, nothing recorded.
	other := f.client()
	other.login("district_b")
	if resp, _ := other.get(page + "?show=contact"); resp.StatusCode != http.StatusNotFound || len(views()) != 1 {
		t.Fatalf("another district asking: %d", resp.StatusCode)
	}
	admin := f.client()
	admin.login("admin")
	_, body = admin.get("/admin/audit?action=view.")
	if !strings.Contains(body, app.ActionViewSensitive) || !strings.Contains(body, "contact_phone") || strings.Contains(body, ">login<") ||
		strings.Contains(body, "85551234") {
		t.Fatalf("audit viewer filtered by view.:\n%s", body)
	}
}
