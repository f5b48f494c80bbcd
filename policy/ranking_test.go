package policy

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func rankValues(t testing.TB, overrides ...Override) *Values {
	t.Helper()
	p, err := Default().WithOverrides(overrides)
	if err != nil {
		t.Fatal(err)
	}
	v, err := p.At(d("2026-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func adoption(id, product, provider, enterprise int64, date string, effect int64) RankAdoption {
	return RankAdoption{ID: id, ProductID: product, ProviderID: provider, EnterpriseID: enterprise, ContractDate: d(date), EffectBP: effect}
}

// productInput: P2 leads on effect, P1 on adopters; P3 would win but its
// provider is excluded; one adoption is outside the period and one is of a
// product that is not a subject.
func productInput() RankInput {
	excluded := []Finding{{Rule: ruleSeriousDishonesty, Article: "第十一条（一）", Outcome: Fail, Message: "严重失信"}}
	return RankInput{Kind: RankProducts, From: d("2026-01-01"), To: d("2026-06-30"),
		Subjects: []RankSubject{{ID: 1, ProviderID: 100, Name: "云MES"}, {ID: 2, ProviderID: 200, Name: "设备点检"},
			{ID: 3, ProviderID: 300, Name: "能耗监测", Excluded: excluded}},
		Adoptions: []RankAdoption{
			adoption(1, 1, 100, 11, "2026-01-05", 5000), adoption(2, 1, 100, 11, "2026-02-01", 3000),
			adoption(3, 1, 100, 12, "2026-03-01", 1000), adoption(4, 1, 100, 13, "2026-06-30", 0),
			adoption(5, 2, 200, 11, "2026-02-10", 8000), adoption(6, 2, 200, 14, "2026-04-10", 8000),
			adoption(7, 3, 300, 15, "2026-01-02", 10000), adoption(8, 3, 300, 16, "2026-01-02", 10000),
			adoption(9, 3, 300, 17, "2026-01-02", 10000), adoption(10, 3, 300, 18, "2026-01-02", 10000),
			adoption(11, 2, 200, 19, "2025-12-31", 10000), // before the period
			adoption(12, 9, 900, 19, "2026-03-03", 10000), // not a subject
		}}
}

func TestRankProductsScoresFromComponents(t *testing.T) {
	r := Rank(rankValues(t), productInput())
	if len(r.Entries) != 3 || r.Adoptions != 10 {
		t.Fatalf("%d entries, %d adoptions counted; want 3 and 10", len(r.Entries), r.Adoptions)
	}
	p2, p1, p3 := r.Entries[0], r.Entries[1], r.Entries[2]
	// P1: 3 enterprises (the leader, 10000), mean effect (5000+3000+1000+0)/4 = 2250, normalised 2250×10000/8000 = 2812.
	want1 := RankComponents{Count: 3, Enterprises: 3, Adoptions: 4, FirstAdoption: d("2026-01-05"), EffectBP: 2250,
		MaxCount: 3, MaxEffectBP: 8000, CountNormBP: 10000, EffectNormBP: 2812, WeightCountBP: 6000, WeightEffectBP: 4000}
	if p1.ID != 1 || p1.Rank != 2 || p1.Components != want1 || p1.Score != 6000*10000+4000*2812 {
		t.Errorf("P1 = %+v", p1)
	}
	// P2: 2 of 3 enterprises (6666), the best effect (10000): 79.99 points beats P1's 71.24.
	if p2.ID != 2 || p2.Rank != 1 || p2.Components.CountNormBP != 6666 || p2.Components.EffectNormBP != 10000 ||
		p2.Score != 6000*6666+4000*10000 || ScoreText(p2.Score) != "79.99" || ScoreText(p1.Score) != "71.24" {
		t.Errorf("P2 = %+v (%s)", p2, ScoreText(p2.Score))
	}
	// P3 is listed without a rank, with the reason, and does not set the maxima.
	if p3.ID != 3 || p3.Rank != 0 || p3.Eligible || len(p3.Findings) != 1 || p3.Findings[0].Article != "第十一条（一）" ||
		p3.Components.Count != 4 || p3.Components.MaxCount != 3 {
		t.Errorf("P3 = %+v", p3)
	}
	if r.Params.WeightCountBP != 6000 || r.Params.Sources["ranking.product.weight_adopters_bp"] == "" {
		t.Errorf("params = %+v", r.Params)
	}
}

func TestRankProvidersCountLandedSolutions(t *testing.T) {
	in := productInput()
	in.Kind = RankProviders
	in.Subjects = []RankSubject{{ID: 100, ProviderID: 100, Name: "甲服务商"}, {ID: 200, ProviderID: 200, Name: "乙服务商"}}
	// Provider 100 gets a second product adopted by an enterprise that already uses its first one.
	in.Adoptions = append(in.Adoptions, adoption(13, 4, 100, 11, "2026-05-05", 0))
	r := Rank(rankValues(t), in)
	if len(r.Entries) != 2 {
		t.Fatalf("entries = %+v", r.Entries)
	}
	a := r.Entries[1]
	// Provider 200 leads on effect: 2 of 4 landed (5000) and the best effect: 70 points against 69.
	if r.Entries[0].ID != 200 || r.Entries[0].Score != 70_000_000 || a.Score != 69_000_000 {
		t.Errorf("order = %+v", r.Entries)
	}
	// (product 1: enterprises 11, 12, 13) + (product 4: enterprise 11) = 4 landed, over 3 enterprises.
	if a.ID != 100 || a.Components.Count != 4 || a.Components.Enterprises != 3 || a.Components.Adoptions != 5 ||
		a.Components.EffectBP != 1800 || a.Components.WeightCountBP != 6000 {
		t.Errorf("provider 100 = %+v", a)
	}
}

// The tie rule: equal scores are ordered by the count, then the first
// adoption, then the ID.
func TestRankTieRule(t *testing.T) {
	effectOnly := rankValues(t, Override{Key: "ranking.product.weight_adopters_bp", Value: json.RawMessage("0"), Source: "测试"},
		Override{Key: "ranking.product.weight_effect_bp", Value: json.RawMessage("10000"), Source: "测试"})
	in := RankInput{Kind: RankProducts, From: d("2026-01-01"), To: d("2026-12-31"),
		Subjects: []RankSubject{{ID: 5, Name: "E"}, {ID: 4, Name: "D"}, {ID: 3, Name: "C"}, {ID: 2, Name: "B"}},
		Adoptions: []RankAdoption{
			adoption(1, 2, 1, 1, "2026-03-01", 5000),                                           // B: 1 enterprise
			adoption(2, 3, 1, 1, "2026-03-01", 5000), adoption(3, 3, 1, 2, "2026-03-01", 5000), // C: 2 enterprises
			adoption(4, 4, 1, 1, "2026-02-01", 5000), // D: 1 enterprise, earlier than B
			adoption(5, 5, 1, 1, "2026-02-01", 5000), // E: as D, higher ID
		}}
	r := Rank(effectOnly, in)
	var order []int64
	for _, e := range r.Entries {
		if e.Score != 100_000_000 {
			t.Fatalf("entry %d scored %d, want all equal", e.ID, e.Score)
		}
		order = append(order, e.ID)
	}
	if want := []int64{3, 4, 5, 2}; !slices.Equal(order, want) {
		t.Fatalf("order %v, want %v (count, first adoption, ID)", order, want)
	}
	if !strings.Contains(RankTieRule, "首次应用") {
		t.Fatal("tie rule text does not state the rule")
	}
}

// The same records in any order give the same ranking.
func TestRankIgnoresInputOrder(t *testing.T) {
	in := benchInput(300, 6000, 40, 1)
	v := rankValues(t)
	want := Rank(v, in)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 5 {
		shuffled := in
		shuffled.Subjects, shuffled.Adoptions = slices.Clone(in.Subjects), slices.Clone(in.Adoptions)
		rng.Shuffle(len(shuffled.Subjects), func(i, j int) {
			shuffled.Subjects[i], shuffled.Subjects[j] = shuffled.Subjects[j], shuffled.Subjects[i]
		})
		rng.Shuffle(len(shuffled.Adoptions), func(i, j int) {
			shuffled.Adoptions[i], shuffled.Adoptions[j] = shuffled.Adoptions[j], shuffled.Adoptions[i]
		})
		if got := Rank(v, shuffled); !reflect.DeepEqual(got, want) {
			t.Fatalf("shuffle %d changed the ranking", i)
		}
	}
	for i := 1; i < len(want.Entries); i++ {
		if want.Entries[i].Eligible && compareEntries(want.Entries[i-1], want.Entries[i]) >= 0 {
			t.Fatalf("entries %d and %d out of order", i-1, i)
		}
	}
}

func TestIndicatorGain(t *testing.T) {
	for _, c := range []struct {
		ind  EffectIndicator
		want int64
		err  bool
	}{
		{EffectIndicator{Before: "60", After: "75"}, 2500, false},                               // +25%
		{EffectIndicator{Before: "2.0", After: "1.5", LowerBetter: true}, 2500, false},          // defect rate −25%
		{EffectIndicator{Before: "2.0", After: "2.5", LowerBetter: true}, 0, false},             // worse counts 0
		{EffectIndicator{Before: "10", After: "9"}, 0, false},                                   // worse counts 0
		{EffectIndicator{Before: "0", After: "3"}, 10000, false},                                // from zero: the cap
		{EffectIndicator{Before: "100", After: "450"}, 10000, false},                            // +350% capped at 100%
		{EffectIndicator{Before: "-20", After: "-10"}, 5000, false},                             // loss halved
		{EffectIndicator{Before: "3", After: "3.0001"}, 0, false},                               // below a basis point
		{EffectIndicator{Before: "1e3", After: "2"}, 0, true},                                   // not a plain decimal
		{EffectIndicator{Before: "1.23456", After: "2"}, 0, true},                               // five decimals
		{EffectIndicator{Before: "99999999999", After: "1"}, 0, true},                           // too large
		{EffectIndicator{Before: "1.", After: "2"}, 0, true},                                    // dangling point
		{EffectIndicator{Before: "33.3333", After: "44.4444", LowerBetter: false}, 3333, false}, // floor
	} {
		got, err := IndicatorGainBP(c.ind, 10000)
		if (err != nil) != c.err || got != c.want {
			t.Errorf("%+v: %d, %v; want %d (error %v)", c.ind, got, err, c.want, c.err)
		}
	}
	if EffectBP([]EffectIndicator{{Before: "60", After: "75"}, {Before: "2", After: "1.5", LowerBetter: true}, {Before: "x", After: "1"}}, 10000) != 1666 {
		t.Error("EffectBP: mean of 2500, 2500 and an invalid 0 should be 1666")
	}
}

func TestRankingWeightsMustSumToHundredPercent(t *testing.T) {
	_, err := Default().WithOverrides([]Override{{Key: "ranking.product.weight_effect_bp", Value: json.RawMessage("3000"), Source: "测试"}})
	if err == nil || !strings.Contains(err.Error(), "10000") {
		t.Fatalf("weights 6000 + 3000 accepted: %v", err)
	}
}

func awardRanking(kind RankKind, entries ...RankEntry) *Ranking {
	for i := range entries {
		entries[i].Rank, entries[i].Eligible, entries[i].Score = i+1, true, int64(90-i)*1_000_000
	}
	return &Ranking{Kind: kind, Entries: entries}
}

// Caps of 第七条（三）: 5万 per product; 50万 per provider cumulatively, what
// earlier calls awarded and better-ranked products counting first.
func TestRankingAwardsWithinCaps(t *testing.T) {
	v := rankValues(t)
	r := awardRanking(RankProducts, RankEntry{ID: 1, ProviderID: 7, Name: "A"}, RankEntry{ID: 2, ProviderID: 8, Name: "B"},
		RankEntry{ID: 3, ProviderID: 7, Name: "C"}, RankEntry{ID: 4, ProviderID: 9, Name: "D"}, RankEntry{ID: 5, ProviderID: 9, Name: "E"})
	got := RankingAwards(v, r, RankAwardInput{TopN: 4, AmountFen: 6_000_000,
		PriorFen: map[int64]int64{7: 47_000_000, 8: 50_000_000}, Skip: map[int64]string{4: "已由另一次排名推荐"}})
	if len(got) != 3 || got[0].ProviderID != 7 || got[1].ProviderID != 8 || got[2].ProviderID != 9 {
		t.Fatalf("providers = %+v", got)
	}
	// Provider 7: 47万 before; A asked 6万 → 5万 (per product) → 3万 (what is left); C: nothing left.
	a, c := got[0].Items[0], got[0].Items[1]
	if a.AmountFen != 3_000_000 || a.Outcome != AwardReduced || len(a.Findings) != 2 || c.AmountFen != 0 ||
		c.Outcome != AwardSkipped || got[0].TotalFen != 3_000_000 {
		t.Errorf("provider 7 = %+v", got[0])
	}
	if !strings.Contains(a.Findings[1].Message, "尚余3万元") || !strings.Contains(c.Findings[1].Message, "名次更前的产品已推荐3万元") {
		t.Errorf("findings do not give the figures: %+v / %+v", a.Findings, c.Findings)
	}
	// Provider 8 has used its 50万 in earlier calls; D is skipped by the caller; E is beyond the top 4.
	if got[1].TotalFen != 0 || got[1].Items[0].Outcome != AwardSkipped || got[2].Items[0].Outcome != AwardSkipped ||
		len(got[2].Items) != 1 || !strings.Contains(got[2].Items[0].Findings[1].Message, "另一次排名") {
		t.Errorf("providers 8, 9 = %+v %+v", got[1], got[2])
	}
	// Ten products of one fresh provider: exactly 50万, the eleventh skipped.
	var many []RankEntry
	for i := range 11 {
		many = append(many, RankEntry{ID: int64(i + 1), ProviderID: 1})
	}
	all := RankingAwards(v, awardRanking(RankProducts, many...), RankAwardInput{TopN: 20})
	if len(all) != 1 || all[0].TotalFen != 50_000_000 || all[0].Items[10].Outcome != AwardSkipped || all[0].Items[9].AmountFen != 5_000_000 {
		t.Errorf("eleven products: %+v", all)
	}
}

func TestRankingAwardsProviders(t *testing.T) {
	v := rankValues(t)
	r := awardRanking(RankProviders, RankEntry{ID: 7, ProviderID: 7}, RankEntry{ID: 8, ProviderID: 8})
	got := RankingAwards(v, r, RankAwardInput{TopN: 5, AmountFen: 25_000_000, PriorFen: map[int64]int64{7: 40_000_000},
		SkipProvider: map[int64]string{8: "本批次已有申报"}})
	// （四） has no cumulative cap: earlier awards do not reduce it; 25万 is cut to 20万.
	if got[0].TotalFen != 20_000_000 || got[0].Items[0].Outcome != AwardReduced || got[0].Items[0].Findings[0].Article != "第七条（四）" ||
		got[1].TotalFen != 0 || got[1].Items[0].Outcome != AwardSkipped {
		t.Fatalf("awards = %+v", got)
	}
}

// benchInput makes products of providers adopted by enterprises over 2026.
func benchInput(products, adoptions, providers int, seed uint64) RankInput {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	in := RankInput{Kind: RankProducts, From: d("2026-01-01"), To: d("2026-12-31")}
	for i := range products {
		s := RankSubject{ID: int64(i + 1), ProviderID: int64(i%providers + 1), Name: "产品"}
		if i%97 == 0 {
			s.Excluded = []Finding{{Rule: ruleCreditLists, Article: "第十三条", Outcome: Fail}}
		}
		in.Subjects = append(in.Subjects, s)
	}
	start := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	for i := range adoptions {
		p := rng.Int64N(int64(products)) + 1
		in.Adoptions = append(in.Adoptions, RankAdoption{ID: int64(i + 1), ProductID: p, ProviderID: (p-1)%int64(providers) + 1,
			EnterpriseID: rng.Int64N(int64(adoptions/10)) + 1, ContractDate: dateOf(start.AddDate(0, 0, rng.IntN(420))),
			EffectBP: rng.Int64N(12000)})
	}
	return in
}

// BenchmarkRanking ranks 10,000 products over 200,000 adoptions (target:
// under one second) and reports x_sort: how many times longer a ranking
// takes than sorting the same adoption records by date, measured in
// alternating rounds in the same run, so the ratio holds on a noisy machine.
//
//	go test -run='^$' -bench=Ranking -benchtime=10x ./policy/
func BenchmarkRanking(b *testing.B) {
	in := benchInput(10_000, 200_000, 500, 42)
	v := rankValues(b)
	b.ReportAllocs()
	var rank, sorting time.Duration
	for b.Loop() {
		start := time.Now()
		r := Rank(v, in)
		rank += time.Since(start)
		if len(r.Entries) == 0 {
			b.Fatal("no entries")
		}
		b.StopTimer()
		start = time.Now()
		baseline := slices.Clone(in.Adoptions)
		slices.SortFunc(baseline, func(x, y RankAdoption) int {
			if c := x.ContractDate.Compare(y.ContractDate); c != 0 {
				return c
			}
			return cmpInt(x.ID, y.ID)
		})
		sorting += time.Since(start)
		b.StartTimer()
	}
	b.ReportMetric(float64(rank.Milliseconds())/float64(b.N), "ms/ranking")
	b.ReportMetric(float64(rank)/float64(sorting), "x_sort")
}
