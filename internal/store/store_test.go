package store_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"dtfund"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
	"dtfund/uscc"
)

func TestMigrationsFromEmpty(t *testing.T) {
	ctx := context.Background()
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			var u string
			if engine == "sqlite" {
				u = testdb.SQLiteURL(t)
			} else {
				u = testdb.PostgresURL(t)
			}
			db, err := store.Open(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			applied, latest, err := db.SchemaVersion(ctx)
			if err != nil || applied != 0 || latest < 2 {
				t.Fatalf("empty database: applied=%d latest=%d err=%v", applied, latest, err)
			}
			var outdated *store.ErrSchemaOutdated
			if err := db.CheckSchema(ctx); err == nil || !asOutdated(err, &outdated) {
				t.Fatalf("CheckSchema on empty db = %v, want ErrSchemaOutdated", err)
			}
			done, err := db.Migrate(ctx)
			if err != nil || len(done) != latest {
				t.Fatalf("Migrate = %v, %v; want %d versions", done, err, latest)
			}
			if err := db.CheckSchema(ctx); err != nil {
				t.Fatalf("CheckSchema after migrate: %v", err)
			}
			again, err := db.Migrate(ctx)
			if err != nil || len(again) != 0 {
				t.Fatalf("second Migrate = %v, %v; want nothing to do", again, err)
			}
			ds, err := db.Districts(ctx)
			if err != nil || len(ds) != 18 {
				t.Fatalf("Districts = %d, %v; want 18", len(ds), err)
			}
		})
	}
}

func asOutdated(err error, target **store.ErrSchemaOutdated) bool {
	e, ok := err.(*store.ErrSchemaOutdated)
	*target = e
	return ok
}

func newOrg(r *rand.Rand, district string) *dtfund.Organization {
	return &dtfund.Organization{
		USCC: uscc.Generate(r, '9', '1', "220104"), Name: "测试单位", Kind: dtfund.OrgEnterprise, LegalPerson: true,
		RegionCode: "220104", DistrictCode: district, IndustryCode: "3670", IsApplicant: true,
		SizeFacts: []dtfund.SizeFact{{Year: 2025, Employees: 300, RevenueFen: 2_000_000_000, AssetsFen: 1}},
	}
}

func TestOrganizationsAndJurisdiction(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := rand.New(rand.NewPCG(1, 2))
		a, b := newOrg(r, "220104"), newOrg(r, "220173")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateOrganization(ctx, a); err != nil {
				return err
			}
			return tx.CreateOrganization(ctx, b)
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.Organization(ctx, a.ID, "220104")
		if err != nil || got.USCC != a.USCC || len(got.SizeFacts) != 1 || got.SizeFacts[0].RevenueFen != 2_000_000_000 {
			t.Fatalf("Organization in own district = %+v, %v", got, err)
		}
		if got.DistrictName != "朝阳区" {
			t.Errorf("DistrictName = %q, want 朝阳区", got.DistrictName)
		}
		if _, err := db.Organization(ctx, b.ID, "220104"); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("organisation of another district: err = %v, want not found", err)
		}
		list, total, err := db.FindOrganizations(ctx, store.OrgFilter{DistrictCode: "220173"})
		if err != nil || total != 1 || len(list) != 1 || list[0].ID != b.ID {
			t.Fatalf("FindOrganizations(220173) = %d rows, total %d, %v", len(list), total, err)
		}
		// The same code twice is a field error on uscc, and nothing is written.
		dup := newOrg(r, "220104")
		dup.USCC = a.USCC
		err = db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateOrganization(ctx, dup) })
		var fe *dtfund.Error
		if !asErr(err, &fe) || fe.Field != "uscc" {
			t.Fatalf("duplicate USCC: err = %v, want field error on uscc", err)
		}
		if _, total, _ := db.FindOrganizations(ctx, store.OrgFilter{}); total != 2 {
			t.Fatalf("after failed insert total = %d, want 2", total)
		}
	})
}

func asErr(err error, target **dtfund.Error) bool {
	e, ok := err.(*dtfund.Error)
	*target = e
	return ok
}

func TestUsersSessionsAndThrottleCounts(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u := &dtfund.User{Username: "tester", DisplayName: "测试", Role: dtfund.RoleDistrictMIIT, DistrictCode: "220174"}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, u, "hash") }); err != nil {
			t.Fatal(err)
		}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.CreateUser(ctx, &dtfund.User{Username: "tester", DisplayName: "x", Role: dtfund.RoleAdmin}, "h")
		})
		if dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("duplicate username: %v", err)
		}
		got, hash, err := db.UserByUsername(ctx, "tester")
		if err != nil || got.ID != u.ID || hash != "hash" || got.DistrictCode != "220174" {
			t.Fatalf("UserByUsername = %+v %q %v", got, hash, err)
		}
		s := &store.Session{ID: "abc", UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateSession(ctx, s) }); err != nil {
			t.Fatal(err)
		}
		gs, err := db.Session(ctx, "abc")
		if err != nil || !gs.Active(time.Now()) {
			t.Fatalf("new session not active: %+v %v", gs, err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { _, err := tx.RevokeUserSessions(ctx, u.ID); return err }); err != nil {
			t.Fatal(err)
		}
		if gs, _ := db.Session(ctx, "abc"); gs.Active(time.Now()) {
			t.Fatal("revoked session still active")
		}
		since := time.Now().Add(-time.Minute)
		for _, ok := range []bool{false, false, true, false} {
			if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.RecordLoginAttempt(ctx, "tester", "10.0.0.1", ok) }); err != nil {
				t.Fatal(err)
			}
			time.Sleep(2 * time.Millisecond) // distinct timestamps
		}
		byUser, byIP, err := db.FailedLogins(ctx, "tester", "10.0.0.1", since)
		if err != nil || byUser != 1 || byIP != 3 {
			t.Fatalf("FailedLogins = %d, %d, %v; want 1 since the success, 3 by address", byUser, byIP, err)
		}
	})
}

func TestRebindAndSettings(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		v1, err := db.EnsureSetting(ctx, "k", "first")
		if err != nil || v1 != "first" {
			t.Fatalf("EnsureSetting = %q, %v", v1, err)
		}
		v2, err := db.EnsureSetting(ctx, "k", "second")
		if err != nil || v2 != "first" {
			t.Fatalf("EnsureSetting again = %q, %v; want the first value kept", v2, err)
		}
	})
}

func TestTransactionRollsBack(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := rand.New(rand.NewPCG(3, 4))
		o := newOrg(r, "220104")
		o.SizeFacts = append(o.SizeFacts, o.SizeFacts[0]) // duplicate year → error after the insert
		err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateOrganization(ctx, o) })
		if dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("err = %v, want invalid", err)
		}
		if _, total, _ := db.FindOrganizations(ctx, store.OrgFilter{}); total != 0 {
			t.Fatalf("organisation written despite the error: total = %d", total)
		}
	})
}

func TestBackupSQLite(t *testing.T) {
	ctx := context.Background()
	db := testdb.SQLite(t)
	r := rand.New(rand.NewPCG(5, 6))
	if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateOrganization(ctx, newOrg(r, "220104")) }); err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/snap.sqlite"
	if err := db.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	snap, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	if err := snap.CheckSchema(ctx); err != nil {
		t.Fatalf("snapshot schema: %v", err)
	}
	if _, total, err := snap.FindOrganizations(ctx, store.OrgFilter{}); err != nil || total != 1 {
		t.Fatalf("snapshot has %d organisations, %v; want 1", total, err)
	}
	if err := db.Backup(ctx, path); err == nil {
		t.Fatal("backup over an existing file must fail")
	}
}
