package app_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// tokenUsers creates an official and an administrator.
func tokenUsers(t *testing.T, a *app.App) (official, admin *dtfund.User) {
	t.Helper()
	sys := app.SystemActor("test")
	official = &dtfund.User{Username: "official", DisplayName: "干部", Role: dtfund.RoleCityFinance}
	admin = &dtfund.User{Username: "root", DisplayName: "管理员", Role: dtfund.RoleAdmin}
	for _, u := range []*dtfund.User{official, admin} {
		if err := a.CreateUser(context.Background(), sys, u, "Passw0rdLong"); err != nil {
			t.Fatal(err)
		}
	}
	return official, admin
}

func TestTokenAuthenticatesAsItsUserAndStoresOnlyTheHash(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := newApp(db)
		u, _ := tokenUsers(t, a)
		secret, tok, err := a.CreateToken(ctx, app.Actor{User: u, IP: "10.0.0.1"}, " 财务系统对接 ", "")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, app.TokenPrefix) || len(secret) < 40 || tok.Name != "财务系统对接" {
			t.Fatalf("secret %q, token %+v", secret, tok)
		}
		if tok.Hash == secret || tok.Hash != app.HashToken(secret) {
			t.Fatal("the token's stored form is not the SHA-256 of its secret")
		}
		got, gt, err := a.AuthenticateToken(ctx, secret, "10.0.0.2")
		if err != nil || got.ID != u.ID || got.Role != dtfund.RoleCityFinance || gt.ID != tok.ID {
			t.Fatalf("authenticate: %+v %v", got, err)
		}
		if ts, _ := a.Tokens(ctx, app.Actor{User: u}, u.ID); len(ts) != 1 || ts[0].LastUsedAt.IsZero() {
			t.Fatalf("last use not recorded: %+v", ts)
		}
		// The audit log names the token but never holds the secret or its hash.
		entries, err := db.FindAudit(ctx, store.AuditFilter{Action: "token.create"})
		if err != nil || len(entries) != 1 {
			t.Fatalf("audit: %v %v", entries, err)
		}
		if e := entries[0]; strings.Contains(e.After, secret) || strings.Contains(e.After, tok.Hash) || !strings.Contains(e.After, "财务系统对接") {
			t.Fatalf("audit record: %s", e.After)
		}
		for _, bad := range []string{"", "dtf_", secret + "x", strings.TrimPrefix(secret, app.TokenPrefix), tok.Hash} {
			if _, _, err := a.AuthenticateToken(ctx, bad, "10.0.0.3"); dtfund.ErrorCode(err) != dtfund.EUNAUTHORIZED {
				t.Fatalf("token %q: %v, want unauthorized", bad, err)
			}
		}
	})
}

func TestTokenRevocationAndExpiry(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := newApp(db)
		base := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC) // 09:00 in Asia/Shanghai
		a.Now = func() time.Time { return base }
		db.SetClock(a.Now)
		u, admin := tokenUsers(t, a)
		owner := app.Actor{User: u}
		// Expiry: the last valid day in Asia/Shanghai, within the limit.
		if _, _, err := a.CreateToken(ctx, owner, "过期", "2026-03-01"); dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("expiry in the past: %v", err)
		}
		if _, _, err := a.CreateToken(ctx, owner, "太久", calendar.DateOf(base).AddDays(app.MaxTokenDays+1).String()); dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("expiry beyond the limit: %v", err)
		}
		if _, _, err := a.CreateToken(ctx, owner, "", ""); dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("no name: %v", err)
		}
		short, tok, err := a.CreateToken(ctx, owner, "短期", "2026-03-05")
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC); !tok.ExpiresAt.Equal(want) {
			t.Fatalf("expires at %v, want %v (midnight after the last day in Asia/Shanghai)", tok.ExpiresAt, want)
		}
		a.Now = func() time.Time { return time.Date(2026, 3, 5, 15, 59, 0, 0, time.UTC) }
		if _, _, err := a.AuthenticateToken(ctx, short, "10.0.0.1"); err != nil {
			t.Fatalf("on its last day: %v", err)
		}
		a.Now = func() time.Time { return time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC) }
		if _, _, err := a.AuthenticateToken(ctx, short, "10.0.0.1"); dtfund.ErrorCode(err) != dtfund.EUNAUTHORIZED {
			t.Fatalf("after its last day: %v", err)
		}
		a.Now = func() time.Time { return base }

		// Revocation: the owner's own; another's is not found; the admin any.
		other := &dtfund.User{ID: u.ID + 1000, Username: "other", Role: dtfund.RoleCityMIIT}
		long, tok2, err := a.CreateToken(ctx, owner, "长期", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.RevokeToken(ctx, app.Actor{User: other}, tok2.ID); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("another user's revocation: %v, want not found", err)
		}
		if _, err := a.Tokens(ctx, app.Actor{User: other}, u.ID); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("another user's list: %v", err)
		}
		if _, err := a.RevokeToken(ctx, app.Actor{User: admin}, tok2.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.AuthenticateToken(ctx, long, "10.0.0.1"); dtfund.ErrorCode(err) != dtfund.EUNAUTHORIZED {
			t.Fatalf("revoked token: %v", err)
		}
		if _, err := a.RevokeToken(ctx, owner, tok2.ID); err != nil {
			t.Fatalf("revoking again: %v", err)
		}
		if n := len(auditOf(t, db, "token.revoke")); n != 1 {
			t.Fatalf("%d revocation records, want 1 (a repeated revocation changes nothing)", n)
		}
	})
}

func auditOf(t *testing.T, db *store.DB, action string) []*store.AuditEntry {
	t.Helper()
	es, err := db.FindAudit(context.Background(), store.AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	var out []*store.AuditEntry
	for _, e := range es {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

// TestRightsChangeRevokesTokens: disabling a user or changing their role or
// jurisdiction revokes their tokens, as it ends their sessions; a change of
// name does not; the administrator may revoke all at once.
func TestRightsChangeRevokesTokens(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := newApp(db)
		u, admin := tokenUsers(t, a)
		sys := app.SystemActor("test")
		works := func(secret string) bool {
			_, _, err := a.AuthenticateToken(ctx, secret, "10.0.0.1")
			return err == nil
		}
		create := func() string {
			s, _, err := a.CreateToken(ctx, app.Actor{User: u}, "对接", "")
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		s1 := create()
		name := "新名字"
		if _, err := a.UpdateUser(ctx, sys, u.ID, app.UserChange{DisplayName: &name}); err != nil {
			t.Fatal(err)
		}
		if !works(s1) {
			t.Fatal("a change of name revoked the token")
		}
		role := dtfund.RoleCityMIIT
		if _, err := a.UpdateUser(ctx, sys, u.ID, app.UserChange{Role: &role}); err != nil {
			t.Fatal(err)
		}
		if works(s1) {
			t.Fatal("the token survived a change of role")
		}
		s2 := create()
		role, district := dtfund.RoleDistrictMIIT, "220174"
		if _, err := a.UpdateUser(ctx, sys, u.ID, app.UserChange{Role: &role, DistrictCode: &district}); err != nil {
			t.Fatal(err)
		}
		if works(s2) {
			t.Fatal("the token survived a change of jurisdiction")
		}
		s3 := create()
		off := true
		if _, err := a.UpdateUser(ctx, sys, u.ID, app.UserChange{Disabled: &off}); err != nil {
			t.Fatal(err)
		}
		if works(s3) {
			t.Fatal("the token of a disabled user works")
		}
		on := false
		if _, err := a.UpdateUser(ctx, sys, u.ID, app.UserChange{Disabled: &on}); err != nil {
			t.Fatal(err)
		}
		s4, s5 := create(), create()
		if _, err := a.RevokeUserTokens(ctx, app.Actor{User: u}, u.ID); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("revoke all by a non-admin: %v", err)
		}
		if n, err := a.RevokeUserTokens(ctx, app.Actor{User: admin}, u.ID); err != nil || n != 2 {
			t.Fatalf("revoke all: %d %v", n, err)
		}
		if works(s4) || works(s5) {
			t.Fatal("tokens survived revoke all")
		}
	})
}

func TestTokenFailuresThrottledPerAddress(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := newApp(db)
		u, _ := tokenUsers(t, a)
		good, _, err := a.CreateToken(ctx, app.Actor{User: u}, "对接", "")
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < app.MaxFailuresPerIP; i++ {
			if _, _, err := a.AuthenticateToken(ctx, "dtf_guess"+strconv.Itoa(i), "10.9.9.9"); dtfund.ErrorCode(err) != dtfund.EUNAUTHORIZED {
				t.Fatalf("guess %d: %v", i, err)
			}
		}
		// The address is now refused, even with a good token; others are not.
		if _, _, err := a.AuthenticateToken(ctx, good, "10.9.9.9"); dtfund.ErrorCode(err) != dtfund.ETHROTTLED {
			t.Fatalf("throttled address: %v", err)
		}
		if _, _, err := a.AuthenticateToken(ctx, good, "10.9.9.8"); err != nil {
			t.Fatalf("another address: %v", err)
		}
		// Token failures do not lock any account's password login.
		if _, _, err := a.Login(ctx, "official", "Passw0rdLong", "10.9.9.8", "test"); err != nil {
			t.Fatalf("login after token failures elsewhere: %v", err)
		}
	})
}

func TestTokenLimitPerUser(t *testing.T) {
	db := testdb.SQLite(t)
	ctx := context.Background()
	a := newApp(db)
	u, _ := tokenUsers(t, a)
	for i := 0; i < app.MaxActiveTokens; i++ {
		if _, _, err := a.CreateToken(ctx, app.Actor{User: u}, "t"+strconv.Itoa(i), ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := a.CreateToken(ctx, app.Actor{User: u}, "one too many", ""); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
		t.Fatalf("token beyond the limit: %v", err)
	}
}
