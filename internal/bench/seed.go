package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/policy"
	"dtfund/uscc"
)

// Password is the password of every account Seed creates.
const Password = "Bench-Passw0rd-2026"

// World is what Seed created.
type World struct {
	CallID     int64
	Applicants []string // usernames, one per organisation
	City       string   // a 市工业和信息化局 official
	Finance    string   // a 市财政局 official
	Districts  []string
}

// Seed prepares a migrated database for the deadline day: one open call of
// 第七条（一） asking for the application document (申报书), n applicant
// organisations registered in Changchun's districts, one account each, and
// a city industry and a city finance official. The password is hashed once
// with the production hasher (argon2id, 64 MiB) and shared, so that seeding
// is fast while logging in costs what it costs in production. It writes in
// one transaction with one audit record.
func Seed(ctx context.Context, db *store.DB, n int) (*World, error) {
	hash, err := app.NewPasswordHasher().Hash(ctx, Password)
	if err != nil {
		return nil, err
	}
	ds, err := db.Districts(ctx)
	if err != nil {
		return nil, err
	}
	w := &World{City: "bench_city", Finance: "bench_finance"}
	for _, d := range ds {
		if d.HasStatCode {
			w.Districts = append(w.Districts, d.Code)
		}
	}
	if len(w.Districts) == 0 {
		return nil, fmt.Errorf("no districts in the database")
	}
	r := rand.New(rand.NewPCG(2026, uint64(n)))
	now := db.Now()
	err = db.InTx(ctx, func(tx *store.Tx) error {
		call := &dtfund.Call{Category: "7.1", Title: "2026年中小企业数字化改造（压测）", Notice: "压测用申报批次",
			OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(30 * 24 * time.Hour), WindowFrom: "2025-01-01", WindowTo: "2026-12-31",
			Materials: []string{"申报书"}, ParamsVersion: policy.Default().Version(),
			Rubric: dtfund.Rubric{Criteria: []dtfund.Criterion{{Name: "方案", Weight: 100}}, PassMark: 60}}
		if err := tx.CreateCall(ctx, call); err != nil {
			return err
		}
		w.CallID = call.ID
		for i := 0; i < n; i++ {
			district := w.Districts[i%len(w.Districts)]
			o := &dtfund.Organization{USCC: uscc.Generate(r, '9', '1', district), Name: fmt.Sprintf("长春压测制造有限公司%04d", i),
				Kind: dtfund.OrgEnterprise, LegalPerson: true, RegionCode: district, DistrictCode: district, IndustryCode: "3670",
				IsApplicant: true, ContactName: "王经理", ContactPhone: "0431-85000000"}
			if err := tx.CreateOrganization(ctx, o); err != nil {
				return err
			}
			u := &dtfund.User{Username: fmt.Sprintf("bench_app%04d", i), DisplayName: "经办人", Role: dtfund.RoleApplicant, OrgID: o.ID}
			if err := tx.CreateUser(ctx, u, hash); err != nil {
				return err
			}
			w.Applicants = append(w.Applicants, u.Username)
		}
		for _, u := range []*dtfund.User{{Username: w.City, DisplayName: "市工信局（压测）", Role: dtfund.RoleCityMIIT},
			{Username: w.Finance, DisplayName: "市财政局（压测）", Role: dtfund.RoleCityFinance}} {
			if err := tx.CreateUser(ctx, u, hash); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, store.AuditEntry{Actor: "bench", Action: "bench.seed", ObjectType: "call", ObjectID: fmt.Sprint(call.ID)},
			nil, map[string]any{"organizations": n, "users": n + 2})
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// SeedCalls creates one open call per category for generated applications.
func SeedCalls(ctx context.Context, db *store.DB) ([]int64, error) {
	var ids []int64
	now := db.Now()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for _, cat := range dtfund.CallCategories {
			c := &dtfund.Call{Category: cat, Title: "压测批次 " + cat, OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(30 * 24 * time.Hour),
				WindowFrom: "2025-01-01", WindowTo: "2026-12-31", Materials: []string{"申报书"}, ParamsVersion: policy.Default().Version(),
				Rubric: dtfund.Rubric{Criteria: []dtfund.Criterion{{Name: "方案", Weight: 100}}, PassMark: 60}}
			if err := tx.CreateCall(ctx, c); err != nil {
				return err
			}
			ids = append(ids, c.ID)
		}
		return nil
	})
	return ids, err
}
