package policy

import (
	"strconv"
	"testing"
	"time"
)

// benchFacts are n enterprises as a run holds them: every one with 1–4
// cloud services; one in ten outside the pilot industries, one in thirteen
// large, one in fifty on the abnormal-operation list.
func benchFacts(n int) []MatchFacts {
	fs := make([]MatchFacts, n)
	for i := range fs {
		a := baseInput().Applicant
		a.Name = "企业" + strconv.Itoa(i)
		emp, rev := int64(80+i%200), int64(3000*wan)
		if i%13 == 0 {
			emp, rev = 2000, 90000*wan
		}
		a.Employees, a.RevenueFen = &emp, &rev
		if i%10 == 0 {
			a.IndustryCode = "1351"
		}
		if i%50 == 0 {
			a.CreditRecords = []CreditRecord{{Kind: CreditAbnormalOperation, Start: d("2026-01-10")}}
		}
		f := MatchFacts{Applicant: a}
		for k := 0; k <= i%4; k++ {
			f.CloudAdoptions = append(f.CloudAdoptions, CloudAdoption{ProductID: int64(k + 1), Product: "云服务" + strconv.Itoa(k),
				Provider: "某平台公司", ContractDate: d("2026-03-01").AddDays(k * 30)})
		}
		fs[i] = f
	}
	return fs
}

// BenchmarkMatch100k decides 100,000 enterprises with the pure matcher
// (every criterion, findings with figures). It reports seconds per 100,000
// and the ratio to a plain scan of the same facts (reading every
// enterprise's fields and counting its services in the period), measured in
// alternating rounds in the same run so that the ratio holds on a noisy
// machine. Run with
//
//	go test -run='^$' -bench=Match100k -benchtime=5x ./policy/
func BenchmarkMatch100k(b *testing.B) {
	const n = 100_000
	facts := benchFacts(n)
	v, err := Default().At(d("2026-09-29"))
	if err != nil {
		b.Fatal(err)
	}
	c := &MatchCriteria{PeriodFrom: d("2026-01-01"), PeriodTo: d("2026-09-30"), MinServices: 1, RequireSME: true, RequirePilotIndustry: true}
	on := d("2026-09-29")
	var match, scan time.Duration
	matched, counted := 0, 0
	for b.Loop() {
		t0 := time.Now()
		matched = 0
		for i := range facts {
			if r := Match(v, c, &facts[i], on); r.Matched {
				matched++
			}
		}
		match += time.Since(t0)
		t0 = time.Now()
		counted = plainScan(c, facts)
		scan += time.Since(t0)
	}
	if matched == 0 || matched == n || counted == 0 {
		b.Fatalf("matched %d of %d, counted %d", matched, n, counted)
	}
	rounds := float64(b.N)
	b.ReportMetric(match.Seconds()/rounds, "s/100k")
	b.ReportMetric(float64(n)*rounds/match.Seconds(), "enterprises/s")
	b.ReportMetric(float64(match)/float64(scan), "x_plain_scan")
}

// plainScan reads what Match reads without deciding anything: the baseline.
func plainScan(c *MatchCriteria, facts []MatchFacts) int {
	total := 0
	for i := range facts {
		f := &facts[i]
		if f.Applicant.Name == "" || f.Applicant.Employees == nil || len(f.Applicant.IndustryCode) != 4 {
			continue
		}
		for _, ad := range f.CloudAdoptions {
			if !ad.ContractDate.Before(c.PeriodFrom) && !ad.ContractDate.After(c.PeriodTo) {
				total++
			}
		}
	}
	return total
}
