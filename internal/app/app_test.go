package app_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

func newApp(db *store.DB) *app.App {
	a := app.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	a.Hasher = app.NewTestPasswordHasher()
	return a
}

func TestOnlyAdminsManageUsers(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := newApp(db)
		city := app.Actor{User: &dtfund.User{ID: 99, Username: "c", Role: dtfund.RoleCityMIIT}}
		u := &dtfund.User{Username: "someone", DisplayName: "某人", Role: dtfund.RoleAdmin}
		if err := a.CreateUser(ctx, city, u, "Passw0rdLong"); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("city official creating a user: %v, want forbidden", err)
		}
		if err := a.CreateUser(ctx, app.Actor{}, u, "Passw0rdLong"); dtfund.ErrorCode(err) != dtfund.EUNAUTHORIZED {
			t.Fatalf("anonymous creating a user: %v, want unauthorized", err)
		}
		if _, total, _ := db.FindUsers(ctx, store.UserFilter{}); total != 0 {
			t.Fatalf("refused actions wrote %d users", total)
		}
	})
}

func TestRoleChangeRevokesSessionsAndIsAudited(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := newApp(db)
		sys := app.SystemActor("test")
		u := &dtfund.User{Username: "official", DisplayName: "干部", Role: dtfund.RoleCityMIIT}
		if err := a.CreateUser(ctx, sys, u, "Passw0rdLong"); err != nil {
			t.Fatal(err)
		}
		token, _, err := a.Login(ctx, "official", "Passw0rdLong", "10.1.1.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.Authenticate(ctx, token); err != nil {
			t.Fatalf("fresh session refused: %v", err)
		}
		role, district := dtfund.RoleDistrictMIIT, "220174"
		if _, err := a.UpdateUser(ctx, sys, u.ID, app.UserChange{Role: &role, DistrictCode: &district}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.Authenticate(ctx, token); dtfund.ErrorCode(err) != dtfund.EUNAUTHORIZED {
			t.Fatalf("session survived a role change: %v", err)
		}
		// A district role without a district is refused and changes nothing.
		empty := ""
		if _, err := a.UpdateUser(ctx, sys, u.ID, app.UserChange{DistrictCode: &empty}); dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("district role without district: %v", err)
		}
		got, _ := db.User(ctx, u.ID)
		if got.Role != dtfund.RoleDistrictMIIT || got.DistrictCode != "220174" {
			t.Fatalf("user after refused change: %+v", got)
		}
		entries, err := db.FindAudit(ctx, store.AuditFilter{ObjectType: "user"})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
		}
		want := map[string]bool{"user.create": false, "login": false, "user.update": false}
		for _, a := range actions {
			if _, ok := want[a]; ok {
				want[a] = true
			}
		}
		for k, seen := range want {
			if !seen {
				t.Errorf("audit log lacks %s (has %v)", k, actions)
			}
		}
	})
}

func TestDisabledUserCannotLogIn(t *testing.T) {
	ctx := context.Background()
	a := newApp(testdb.SQLite(t))
	sys := app.SystemActor("test")
	u := &dtfund.User{Username: "gone", DisplayName: "离职", Role: dtfund.RoleExpert}
	if err := a.CreateUser(ctx, sys, u, "Passw0rdLong"); err != nil {
		t.Fatal(err)
	}
	yes := true
	if _, err := a.UpdateUser(ctx, sys, u.ID, app.UserChange{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.Login(ctx, "gone", "Passw0rdLong", "10.0.0.2", ""); dtfund.ErrorCode(err) != dtfund.EUNAUTHORIZED {
		t.Fatalf("disabled user logged in: %v", err)
	}
}
