package app_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
	"dtfund/uscc"
)

// reviewFixture adds to the process fixture a service provider and helpers
// that create calls, move applications to the district's desk and build the
// expert pool.
type reviewFixture struct {
	*processFixture
	db       *store.DB
	provider *dtfund.Organization
}

func newReviewFixture(t *testing.T, db *store.DB) *reviewFixture {
	t.Helper()
	f := &reviewFixture{processFixture: newProcessFixture(t, db), db: db}
	r := rand.New(rand.NewPCG(5, 6))
	f.provider = &dtfund.Organization{USCC: uscc.Generate(r, '9', '1', "220173"), Name: "丙数字科技有限公司", Kind: dtfund.OrgEnterprise,
		LegalPerson: true, RegionCode: "220173", DistrictCode: "220173", IndustryCode: "6511", IsProvider: true}
	if err := f.a.CreateOrganization(context.Background(), app.SystemActor("test"), f.provider); err != nil {
		t.Fatal(err)
	}
	return f
}

// newCall creates a 第七条（一） call with the rubric and quotas given.
func (f *reviewFixture) newCall(t *testing.T, quotas map[string]int, criteria ...dtfund.Criterion) *dtfund.Call {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	if len(criteria) == 0 {
		criteria = []dtfund.Criterion{{Name: "技术方案", Weight: 40}, {Name: "实施效果", Weight: 60}}
	}
	c := &dtfund.Call{Category: "7.1", Title: "数字化改造第二批", OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(24 * time.Hour),
		Rubric: dtfund.Rubric{Criteria: criteria, PassMark: 60}, Quotas: quotas}
	if err := f.db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateCall(ctx, c) }); err != nil {
		t.Fatal(err)
	}
	return c
}

// submitted creates an application under the call and submits it.
func (f *reviewFixture) submitted(t *testing.T, call *dtfund.Call, providers ...int64) *dtfund.Application {
	t.Helper()
	ctx := context.Background()
	ap := &dtfund.Application{CallID: call.ID, OrgID: f.org.ID, DistrictCode: f.org.DistrictCode, State: dtfund.StateDraft,
		Title: "MES 改造", RequestedFen: 7500000, ProviderIDs: providers,
		Spending: []dtfund.Spending{{Type: "software", AmountFen: 100000, InvoiceNo: "INV-1"}, {Type: "cloud", AmountFen: 50000, InvoiceNo: "INV-2"}}}
	if err := f.db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateApplication(ctx, ap) }); err != nil {
		t.Fatal(err)
	}
	got, err := f.a.Act(ctx, f.applicant, app.Step{AppID: ap.ID, Action: dtfund.ActSubmit})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// recommended creates an application and has the district recommend it.
func (f *reviewFixture) recommended(t *testing.T, call *dtfund.Call, providers ...int64) *dtfund.Application {
	t.Helper()
	ap := f.submitted(t, call, providers...)
	got, err := f.a.DistrictReview(context.Background(), f.district, app.DistrictDecision{AppID: ap.ID, Action: dtfund.ActRecommend,
		Reason: "材料齐全，具备申请资格，同意推荐"})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// expert creates an expert account and, when pooled, its profile.
func (f *reviewFixture) expert(t *testing.T, name string, orgID int64, pooled bool) app.Actor {
	t.Helper()
	ctx := context.Background()
	u := &dtfund.User{Username: name, DisplayName: "专家" + name, Role: dtfund.RoleExpert}
	if err := f.a.CreateUser(ctx, app.SystemActor("test"), u, "Passw0rdLong"); err != nil {
		t.Fatal(err)
	}
	if pooled {
		p := store.ExpertProfile{Field: "智能制造", Affiliation: "某大学", OrgID: orgID, Active: true}
		if err := f.a.SaveExpertProfile(ctx, f.city, name, p); err != nil {
			t.Fatal(err)
		}
	}
	return app.Actor{User: u}
}

func (f *reviewFixture) state(t *testing.T, id int64) dtfund.AppState {
	t.Helper()
	a, err := f.a.Application(context.Background(), f.city, id)
	if err != nil {
		t.Fatal(err)
	}
	return a.State
}

func eventCount(t *testing.T, db *store.DB, id int64) int {
	t.Helper()
	es, err := db.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

func fieldOf(err error) map[string]string {
	var v dtfund.ValidationErrors
	if ve, ok := err.(dtfund.ValidationErrors); ok {
		v = ve
	} else if de, ok := err.(*dtfund.Error); ok {
		v = dtfund.ValidationErrors{de}
	}
	return v.ByField()
}

func TestDistrictReviewScopeReturnAndResubmit(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newReviewFixture(t, db)
		ap := f.submitted(t, f.call)
		// Another district's official does not find it; a city official may not decide.
		if _, err := f.a.DistrictReview(ctx, f.other, app.DistrictDecision{AppID: ap.ID, Action: dtfund.ActRecommend, Reason: "同意"}); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("other district: %v, want not found", err)
		}
		if _, err := f.a.Application(ctx, f.other, ap.ID); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("other district reading: %v", err)
		}
		if _, err := f.a.DistrictReview(ctx, f.city, app.DistrictDecision{AppID: ap.ID, Action: dtfund.ActRecommend, Reason: "同意"}); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("city official: %v, want forbidden", err)
		}
		// A return needs a reason; the refusal changes nothing.
		_, err := f.a.DistrictReview(ctx, f.district, app.DistrictDecision{AppID: ap.ID, Action: dtfund.ActReturn, Reason: "  "})
		if fieldOf(err)["reason"] == "" || f.state(t, ap.ID) != dtfund.StateSubmitted || eventCount(t, db, ap.ID) != 1 {
			t.Fatalf("return without reason: %v, state %s", err, f.state(t, ap.ID))
		}
		if _, err := f.a.DistrictReview(ctx, f.district, app.DistrictDecision{AppID: ap.ID, Action: dtfund.ActReturn, Reason: "缺少发票扫描件"}); err != nil {
			t.Fatal(err)
		}
		es, _ := db.Events(ctx, ap.ID)
		if last := es[len(es)-1]; last.To != dtfund.StateReturned || last.Reason != "缺少发票扫描件" || last.Citation != "第十四条（二）" {
			t.Fatalf("return event = %+v", last)
		}
		// The applicant corrects and submits again; the district recommends.
		if _, err := f.a.Act(ctx, f.applicant, app.Step{AppID: ap.ID, Action: dtfund.ActSubmit}); err != nil {
			t.Fatalf("resubmission: %v", err)
		}
		if _, err := f.a.DistrictReview(ctx, f.district, app.DistrictDecision{AppID: ap.ID, Action: dtfund.ActRecommend}); fieldOf(err)["opinion"] == "" {
			t.Fatalf("recommendation without opinion: %v", err)
		}
		got, err := f.a.DistrictReview(ctx, f.district, app.DistrictDecision{AppID: ap.ID, Action: dtfund.ActRecommend, Reason: "同意推荐"})
		if err != nil || got.State != dtfund.StateRecommended {
			t.Fatalf("recommend: %v, %v", got, err)
		}
		rec, err := f.a.Recommendation(ctx, f.city, ap.ID)
		if err != nil || rec == nil || rec.Opinion != "同意推荐" || rec.OfficialID != f.district.User.ID || rec.LetterID != 0 {
			t.Fatalf("recommendation = %+v, %v", rec, err)
		}
	})
}

func TestDeclineRequiresReasonAndCitation(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newReviewFixture(t, db)
		ap := f.submitted(t, f.call)
		_, err := f.a.DistrictReview(ctx, f.district, app.DistrictDecision{AppID: ap.ID, Action: dtfund.ActDecline})
		if m := fieldOf(err); m["reason"] == "" || m["citation"] == "" {
			t.Fatalf("decline with nothing: %v, want both fields named", err)
		}
		_, err = f.a.DistrictReview(ctx, f.district, app.DistrictDecision{AppID: ap.ID, Action: dtfund.ActDecline, Reason: "存在严重失信行为"})
		if m := fieldOf(err); m["citation"] == "" || m["reason"] != "" {
			t.Fatalf("decline without citation: %v", err)
		}
		if f.state(t, ap.ID) != dtfund.StateSubmitted || eventCount(t, db, ap.ID) != 1 {
			t.Fatal("refused decline changed the application")
		}
		got, err := f.a.DistrictReview(ctx, f.district, app.DistrictDecision{AppID: ap.ID, Action: dtfund.ActDecline,
			Reason: "存在严重失信行为", Citation: "第十一条（一）"})
		if err != nil || got.State != dtfund.StateNotRecommended {
			t.Fatalf("decline: %v, %v", got, err)
		}
		es, _ := db.Events(ctx, ap.ID)
		if last := es[len(es)-1]; last.Citation != "第十一条（一）" || last.Reason != "存在严重失信行为" {
			t.Fatalf("decline event = %+v", last)
		}
		if rec, _ := db.Recommendation(ctx, ap.ID); rec != nil {
			t.Fatal("a declined application has a recommendation")
		}
	})
}

func TestRecommendationQuota(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newReviewFixture(t, db)
		call := f.newCall(t, map[string]int{"220174": 1})
		first, second := f.submitted(t, call), f.submitted(t, call)
		if _, err := f.a.DistrictReview(ctx, f.district, app.DistrictDecision{AppID: first.ID, Action: dtfund.ActRecommend, Reason: "同意"}); err != nil {
			t.Fatal(err)
		}
		_, err := f.a.DistrictReview(ctx, f.district, app.DistrictDecision{AppID: second.ID, Action: dtfund.ActRecommend, Reason: "同意"})
		if dtfund.ErrorCode(err) != dtfund.ECONFLICT || !strings.Contains(err.Error(), "推荐名额为1个") {
			t.Fatalf("beyond the quota: %v", err)
		}
		if rec, _ := db.Recommendation(ctx, second.ID); rec != nil || f.state(t, second.ID) != dtfund.StateSubmitted || eventCount(t, db, second.ID) != 1 {
			t.Fatal("refused recommendation changed the application")
		}
		if q, _ := f.a.DistrictQuota(ctx, call, "220174"); !q.Limited || q.Used != 1 || q.Left() != 0 {
			t.Fatalf("quota = %+v", q)
		}
		// A withdrawn application frees its place.
		if _, err := f.a.Act(ctx, f.applicant, app.Step{AppID: first.ID, Action: dtfund.ActWithdraw, Reason: "放弃"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.DistrictReview(ctx, f.district, app.DistrictDecision{AppID: second.ID, Action: dtfund.ActRecommend, Reason: "同意"}); err != nil {
			t.Fatalf("recommend after a withdrawal: %v", err)
		}
		// Officials recommending at once for the last place: one wins.
		call2 := f.newCall(t, map[string]int{"220174": 1})
		var ids []int64
		for i := 0; i < 6; i++ {
			ids = append(ids, f.submitted(t, call2).ID)
		}
		warmPool(db, len(ids))
		var wg sync.WaitGroup
		errs := make([]error, len(ids))
		for i, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.a.DistrictReview(ctx, f.district, app.DistrictDecision{AppID: id, Action: dtfund.ActRecommend, Reason: "同意"})
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
			} else if dtfund.ErrorCode(err) != dtfund.ECONFLICT {
				t.Fatalf("concurrent recommendation: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d concurrent recommendations for one place succeeded, want 1", won)
		}
		if q, _ := f.a.DistrictQuota(ctx, call2, "220174"); q.Used != 1 {
			t.Fatalf("places used after the race = %d, want 1", q.Used)
		}
	})
}

// warmPool opens PostgreSQL connections ahead of a race, so that the racing
// transactions run together instead of queueing behind the handshakes of
// new connections.
func warmPool(db *store.DB, n int) {
	if db.Engine != store.Postgres {
		return
	}
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db.InTx(context.Background(), func(*store.Tx) error { time.Sleep(20 * time.Millisecond); return nil })
		}()
	}
	wg.Wait()
}

func TestLettersScoped(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newReviewFixture(t, db)
		ap := f.recommended(t, f.call)
		if _, err := f.a.CreateLetter(ctx, f.city, f.call.ID); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("city creating a district letter: %v", err)
		}
		l, err := f.a.CreateLetter(ctx, f.district, f.call.ID)
		year := strconv.Itoa(time.Now().Year())
		if err != nil || !strings.HasPrefix(l.Number, "长汽开工信推〔") || !strings.HasSuffix(l.Number, "〕1号") || !strings.Contains(l.Number, year) {
			t.Fatalf("letter = %+v, %v", l, err)
		}
		if _, err := f.a.Letter(ctx, f.other, l.ID); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("other district reading our letter: %v", err)
		}
		if _, err := f.a.Letter(ctx, f.applicant, l.ID); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("applicant reading a letter: %v", err)
		}
		got, err := f.a.Letter(ctx, f.finance, l.ID)
		if err != nil || len(got.Items) != 1 || got.Items[0].ApplicationID != ap.ID {
			t.Fatalf("city finance reading the letter: %+v, %v", got, err)
		}
		if rec, _ := db.Recommendation(ctx, ap.ID); rec.LetterID != l.ID {
			t.Fatalf("recommendation's letter = %d, want %d", rec.LetterID, l.ID)
		}
	})
}

func TestDrawPanelIsReproducible(t *testing.T) {
	var cands []int64
	for i := int64(1); i <= 20; i++ {
		cands = append(cands, i*3)
	}
	a := app.DrawPanel(cands, 5, 42)
	if !slices.Equal(a, app.DrawPanel(cands, 5, 42)) {
		t.Fatal("same seed, different panels")
	}
	reversed := slices.Clone(cands)
	slices.Reverse(reversed)
	if !slices.Equal(a, app.DrawPanel(reversed, 5, 42)) {
		t.Fatal("the candidates' order changed the panel: they must be sorted first")
	}
	if slices.Equal(a, app.DrawPanel(cands, 5, 43)) {
		t.Fatal("seeds 42 and 43 drew the same panel")
	}
	// Pinned: a change of algorithm must not silently change old panels.
	if want := []int64{51, 21, 57, 36, 18}; !slices.Equal(a, want) {
		t.Fatalf("DrawPanel(…, 42) = %v, want %v", a, want)
	}
	if got := app.DrawPanel(cands[:3], 5, 1); len(got) != 3 {
		t.Fatalf("fewer candidates than seats: %v", got)
	}
	// Every candidate is drawn about equally often over many seeds.
	counts := map[int64]int{}
	for seed := uint64(0); seed < 2000; seed++ {
		p := app.DrawPanel(cands, 5, seed)
		for _, id := range p {
			counts[id]++
		}
		if len(slices.Compact(slices.Sorted(slices.Values(p)))) != 5 {
			t.Fatalf("seed %d drew a member twice: %v", seed, p)
		}
	}
	for _, id := range cands {
		if c := counts[id]; c < 380 || c > 620 { // expected 500
			t.Errorf("candidate %d drawn %d times in 2000 panels, want about 500", id, c)
		}
	}
}

func TestScoreArithmetic(t *testing.T) {
	items := func(sw ...int) []store.ScoreItem {
		var out []store.ScoreItem
		for i := 0; i < len(sw); i += 2 {
			out = append(out, store.ScoreItem{Score: sw[i], Weight: sw[i+1]})
		}
		return out
	}
	for _, c := range []struct {
		items []store.ScoreItem
		want  int64
	}{
		{items(85, 40, 70, 60), 7600},
		{items(60, 40, 60, 60), 6000},
		{items(100, 100), 10000},
		{items(50, 1, 100, 2), 8333}, // 83.333… with weights not summing to 100
		{items(1, 2, 2, 1), 133},     // 1.333… → 1.33
		{items(2, 2, 1, 1), 167},     // 1.666… → 1.67
	} {
		if got := app.WeightedTotal(c.items); got != c.want {
			t.Errorf("WeightedTotal(%v) = %d, want %d", c.items, got, c.want)
		}
	}
	for _, c := range []struct {
		totals []int64
		want   int64
	}{
		{[]int64{6000, 6000, 6000}, 6000},
		{[]int64{6000, 6000, 5999}, 6000}, // 59.9966… rounds to 60.00
		{[]int64{6000, 6000, 5997}, 5999}, // 59.99
		{[]int64{1, 2}, 2},                // a half rounds up
		{nil, 0},
	} {
		if got := app.MeanHundredths(c.totals); got != c.want {
			t.Errorf("MeanHundredths(%v) = %d, want %d", c.totals, got, c.want)
		}
	}
	for _, c := range []struct {
		vs   []int64
		want int64
	}{{[]int64{90000, 80000, 100000}, 90000}, {[]int64{1, 2, 3, 4}, 3}, {[]int64{1, 2}, 2}, {[]int64{5}, 5}} {
		if got := app.MedianFen(c.vs); got != c.want {
			t.Errorf("MedianFen(%v) = %d, want %d", c.vs, got, c.want)
		}
	}
}

func TestCreatePanelExcludesConflictsAndStartsReview(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newReviewFixture(t, db)
		same := f.expert(t, "e_same", f.org.ID, true)
		prov := f.expert(t, "e_prov", f.provider.ID, true)
		decl := f.expert(t, "e_decl", 0, true)
		var clean []app.Actor
		for i := 0; i < 4; i++ {
			clean = append(clean, f.expert(t, "e_clean"+strconv.Itoa(i), 0, true))
		}
		f.expert(t, "e_nopool", 0, false)
		a1 := f.recommended(t, f.call, f.provider.ID)
		seed := uint64(20260305)
		p1, err := f.a.CreatePanel(ctx, f.city, app.PanelRequest{CallID: f.call.ID, Size: 5, Seed: &seed})
		if err != nil {
			t.Fatal(err)
		}
		excluded := map[int64]string{}
		for _, e := range p1.Exclusions {
			excluded[e.ExpertID] = e.Reason
		}
		if len(excluded) != 2 || !strings.Contains(excluded[same.User.ID], "申报单位") || !strings.Contains(excluded[prov.User.ID], "服务商") {
			t.Fatalf("exclusions = %+v", p1.Exclusions)
		}
		var members []int64
		for _, m := range p1.Members {
			members = append(members, m.ExpertID)
		}
		if !slices.Equal(members, app.DrawPanel(p1.Candidates, 5, seed)) || slices.Contains(members, same.User.ID) || slices.Contains(members, prov.User.ID) {
			t.Fatalf("members %v do not follow from candidates %v and the seed", members, p1.Candidates)
		}
		stored, err := f.a.Panel(ctx, f.city, p1.ID)
		if err != nil || stored.Seed != seed || len(stored.Exclusions) != 2 || !slices.Equal(stored.Candidates, p1.Candidates) {
			t.Fatalf("stored panel = %+v, %v", stored, err)
		}
		if f.state(t, a1.ID) != dtfund.StateExpertReview {
			t.Fatalf("application after the draw: %s", f.state(t, a1.ID))
		}
		// A conflict declared on a1 keeps the expert off the next panel with
		// an application of the same organisation.
		if err := f.a.DeclareConflict(ctx, decl, p1.ID, a1.ID, true, "曾为该企业提供咨询服务"); err != nil {
			t.Fatal(err)
		}
		a2 := f.recommended(t, f.call)
		p2, err := f.a.CreatePanel(ctx, f.city, app.PanelRequest{CallID: f.call.ID, AppIDs: []int64{a2.ID}, Size: 3})
		if err != nil {
			t.Fatal(err)
		}
		excluded = map[int64]string{}
		for _, e := range p2.Exclusions {
			excluded[e.ExpertID] = e.Reason
		}
		if len(excluded) != 2 || excluded[same.User.ID] == "" || !strings.Contains(excluded[decl.User.ID], "曾为该企业提供咨询服务") {
			t.Fatalf("second panel's exclusions = %+v", p2.Exclusions)
		}
		if p2.Seed == 0 || len(p2.Members) != 3 {
			t.Fatalf("second panel: seed %d, %d members", p2.Seed, len(p2.Members))
		}
		// Refusals change nothing: too few experts, or an application not recommended.
		a3 := f.recommended(t, f.call)
		_, err = f.a.CreatePanel(ctx, f.city, app.PanelRequest{CallID: f.call.ID, Size: 3, Field: "财务"})
		if fieldOf(err)["size"] == "" || f.state(t, a3.ID) != dtfund.StateRecommended {
			t.Fatalf("draw with no candidates: %v", err)
		}
		_, err = f.a.CreatePanel(ctx, f.city, app.PanelRequest{CallID: f.call.ID, AppIDs: []int64{a1.ID, a3.ID}, Size: 3})
		if fieldOf(err)["apps"] == "" || f.state(t, a3.ID) != dtfund.StateRecommended {
			t.Fatalf("draw with an application already under review: %v", err)
		}
		if ps, total, _ := f.a.FindPanels(ctx, f.city, store.PanelFilter{}); total != 2 || len(ps) != 2 {
			t.Fatalf("panels after refusals = %d", total)
		}
		if _, err := f.a.CreatePanel(ctx, clean[0], app.PanelRequest{CallID: f.call.ID, Size: 3}); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("expert drawing a panel: %v", err)
		}
	})
}

// scored sets up a panel of size over one application whose members are
// exactly the pooled experts.
func (f *reviewFixture) panelOf(t *testing.T, call *dtfund.Call, size int) (*store.Panel, *dtfund.Application, []app.Actor) {
	t.Helper()
	var experts []app.Actor
	for i := 0; i < size; i++ {
		experts = append(experts, f.expert(t, "ex"+strconv.Itoa(i), 0, true))
	}
	ap := f.recommended(t, call)
	p, err := f.a.CreatePanel(context.Background(), f.city, app.PanelRequest{CallID: call.ID, Size: size})
	if err != nil {
		t.Fatal(err)
	}
	return p, ap, experts
}

func score(scores []int, approved ...int64) app.ScoreInput {
	in := app.ScoreInput{Scores: scores, Comments: make([]string, len(scores)), Approved: map[int]int64{}, Comment: "方案可行"}
	for i, v := range approved {
		in.Approved[i+1] = v
	}
	return in
}

func TestExpertScoringAndFinalise(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newReviewFixture(t, db)
		call := f.newCall(t, nil)
		p, ap, ex := f.panelOf(t, call, 4)
		outsider := f.expert(t, "outsider", 0, false)
		other := f.recommended(t, f.call) // not on any panel: no expert may see it

		// An expert not on the panel finds nothing.
		if _, err := f.a.ExpertTask(ctx, outsider, p.ID, ap.ID); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("unassigned expert's task: %v", err)
		}
		if err := f.a.SaveScores(ctx, outsider, p.ID, ap.ID, score([]int{60, 60}, 1, 1)); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("unassigned expert scoring: %v", err)
		}
		if apps, total, _ := f.a.FindApplications(ctx, ex[0], store.ApplicationFilter{}); total != 1 || apps[0].ID != ap.ID {
			t.Fatalf("expert's applications: %d (other application %d must not show)", total, other.ID)
		}
		// Scoring comes after the conflict declaration.
		if err := f.a.SaveScores(ctx, ex[0], p.ID, ap.ID, score([]int{60, 60}, 1, 1)); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("scoring before the declaration: %v", err)
		}
		if err := f.a.DeclareConflict(ctx, ex[3], p.ID, ap.ID, true, ""); fieldOf(err)["reason"] == "" {
			t.Fatalf("conflict without reason: %v", err)
		}
		if err := f.a.DeclareConflict(ctx, ex[3], p.ID, ap.ID, true, "系申报单位股东"); err != nil {
			t.Fatal(err)
		}
		if err := f.a.SaveScores(ctx, ex[3], p.ID, ap.ID, score([]int{60, 60}, 1, 1)); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("conflicted expert scoring: %v", err)
		}
		if _, err := f.a.Application(ctx, ex[3], ap.ID); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("conflicted expert reading: %v", err)
		}
		for _, e := range ex[:3] {
			if err := f.a.DeclareConflict(ctx, e, p.ID, ap.ID, false, ""); err != nil {
				t.Fatal(err)
			}
		}
		// Bad scores are refused with the field named.
		err := f.a.SaveScores(ctx, ex[0], p.ID, ap.ID, score([]int{101, 60}, 100001))
		if m := fieldOf(err); m["score.0"] == "" || m["invest.1"] == "" || m["invest.2"] == "" {
			t.Fatalf("bad scores: %v", err)
		}
		for i, in := range []app.ScoreInput{score([]int{60, 60}, 90000, 50000), score([]int{60, 60}, 80000, 10000), score([]int{0, 0}, 0, 0)} {
			if err := f.a.SaveScores(ctx, ex[i], p.ID, ap.ID, in); err != nil {
				t.Fatal(err)
			}
		}
		// Not everyone has scored usefully yet; the third revises.
		if err := f.a.SaveScores(ctx, ex[2], p.ID, ap.ID, score([]int{60, 60}, 100000, 40000)); err != nil {
			t.Fatalf("revision: %v", err)
		}
		if es, _ := db.FindAudit(ctx, store.AuditFilter{Action: "expert.score"}); len(es) != 4 {
			t.Fatalf("score audit records = %d, want 4 (three sheets and one revision)", len(es))
		}
		out, err := f.a.Finalise(ctx, f.city, p.ID, ap.ID, "")
		if err != nil || out.ResultHundredths != 6000 || !out.Passed || out.Scorers != 3 {
			t.Fatalf("finalise at exactly the pass mark: %+v, %v", out, err)
		}
		got, _ := f.a.Application(ctx, f.city, ap.ID)
		if got.State != dtfund.StateReviewed || got.Spending[0].ApprovedFen == nil || *got.Spending[0].ApprovedFen != 90000 ||
			got.Spending[1].ApprovedFen == nil || *got.Spending[1].ApprovedFen != 40000 {
			t.Fatalf("after finalise: state %s, spending %+v", got.State, got.Spending)
		}
		es, _ := db.Events(ctx, ap.ID)
		if last := es[len(es)-1]; last.Action != string(dtfund.ActPassReview) || !strings.Contains(last.Reason, "60.00") || !strings.Contains(last.Reason, "核定投入合计1,300.00元") {
			t.Fatalf("finalise event = %+v", last)
		}
		// Final means final.
		if err := f.a.SaveScores(ctx, ex[0], p.ID, ap.ID, score([]int{100, 100}, 1, 1)); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("scoring after finalise: %v", err)
		}
		if _, err := f.a.Finalise(ctx, f.city, p.ID, ap.ID, ""); err == nil {
			t.Fatal("second finalise accepted")
		}
		// The 评审意见书 for the city, with names and figures; not for others.
		o, err := f.a.Opinion(ctx, f.finance, ap.ID)
		if err != nil || len(o.Sheets) != 3 || o.Outcome.Result() != "60.00" || len(o.Conflicts) != 1 || o.Items[0].ApprovedFen != 90000 ||
			o.Rows[1].Scores[0] != 60 {
			t.Fatalf("opinion = %+v, %v", o, err)
		}
		for _, who := range []app.Actor{f.applicant, f.district, ex[0]} {
			if _, err := f.a.Opinion(ctx, who, ap.ID); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
				t.Fatalf("opinion for %s: %v", who.User.Role, err)
			}
		}
	})
}

func TestFinaliseRefusals(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newReviewFixture(t, db)
		call := f.newCall(t, nil)
		p, ap, ex := f.panelOf(t, call, 3)
		for _, e := range ex {
			if err := f.a.DeclareConflict(ctx, e, p.ID, ap.ID, false, ""); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.a.SaveScores(ctx, ex[0], p.ID, ap.ID, score([]int{60, 60}, 1, 1)); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.Finalise(ctx, f.city, p.ID, ap.ID, ""); dtfund.ErrorCode(err) != dtfund.ECONFLICT || !strings.Contains(err.Error(), "尚有2位") {
			t.Fatalf("finalise with two experts missing: %v", err)
		}
		// A conflict declared after confirming drops that expert's scores.
		if err := f.a.DeclareConflict(ctx, ex[0], p.ID, ap.ID, true, "后发现系亲属任职单位"); err != nil {
			t.Fatal(err)
		}
		for _, e := range ex[1:] {
			if err := f.a.SaveScores(ctx, e, p.ID, ap.ID, score([]int{59, 60}, 1, 1)); err != nil {
				t.Fatal(err)
			}
		}
		_, err := f.a.Finalise(ctx, f.city, p.ID, ap.ID, "")
		if dtfund.ErrorCode(err) != dtfund.ECONFLICT || !strings.Contains(err.Error(), "少于3人") {
			t.Fatalf("finalise with two scorers: %v", err)
		}
		pa, _ := db.PanelApp(ctx, p.ID, ap.ID)
		got, _ := f.a.Application(ctx, f.city, ap.ID)
		if pa.Finalised() || got.State != dtfund.StateExpertReview || got.Spending[0].ApprovedFen != nil {
			t.Fatal("refused finalise wrote a result")
		}

		// Just below the pass mark fails: (60·40+60·60, same, 59·40+60·60)/3 = 59.87.
		p2, ap2, ex2 := f.panelOfMore(t, call, 3)
		for i, e := range ex2 {
			s := []int{60, 60}
			if i == 2 {
				s = []int{59, 60}
			}
			if err := f.a.DeclareConflict(ctx, e, p2.ID, ap2.ID, false, ""); err != nil {
				t.Fatal(err)
			}
			if err := f.a.SaveScores(ctx, e, p2.ID, ap2.ID, score(s, 1, 1)); err != nil {
				t.Fatal(err)
			}
		}
		out, err := f.a.Finalise(ctx, f.city, p2.ID, ap2.ID, "")
		if err != nil || out.Passed || out.Result() != "59.87" || f.state(t, ap2.ID) != dtfund.StateReviewFailed {
			t.Fatalf("just below the pass mark: %+v, %v", out, err)
		}
	})
}

// panelOfMore is panelOf for a second panel in the same test: new experts,
// with the earlier ones taken out of the pool.
func (f *reviewFixture) panelOfMore(t *testing.T, call *dtfund.Call, size int) (*store.Panel, *dtfund.Application, []app.Actor) {
	t.Helper()
	ctx := context.Background()
	es, _, err := f.db.FindExperts(ctx, store.ExpertFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if err := f.a.SaveExpertProfile(ctx, f.city, e.Username, store.ExpertProfile{Field: e.Field, Affiliation: e.Affiliation}); err != nil {
			t.Fatal(err)
		}
	}
	var experts []app.Actor
	for i := 0; i < size; i++ {
		experts = append(experts, f.expert(t, "more"+strconv.Itoa(i), 0, true))
	}
	ap := f.recommended(t, call)
	p, err := f.a.CreatePanel(ctx, f.city, app.PanelRequest{CallID: call.ID, AppIDs: []int64{ap.ID}, Size: size})
	if err != nil {
		t.Fatal(err)
	}
	return p, ap, experts
}
