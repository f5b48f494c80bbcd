package policy

import "testing"

func TestBaseInputEligible(t *testing.T) {
	dec := eval(t, baseInput())
	wantFunds(t, dec, true, true)
	if dec.Size != SizeMedium || !dec.PilotIndustry || dec.PilotIndustryName != "汽车零部件配件制造" {
		t.Errorf("size %s pilot %v %s", dec.Size, dec.PilotIndustry, dec.PilotIndustryName)
	}
	// 100万元 × 50% = 50万元, exactly the cumulative cap.
	if dec.MaxSubsidyFen != 50*wan || dec.MaxCentralFen != 50*wan || dec.MaxLocalFen != 50*wan || !dec.HasCap {
		t.Errorf("max %d/%d/%d", dec.MaxSubsidyFen, dec.MaxCentralFen, dec.MaxLocalFen)
	}
	for _, f := range dec.Findings {
		if f.Outcome == Fail {
			t.Errorf("unexpected failure %+v", f)
		}
	}
}

// 第七条 central scope and 第八条 local funds.
func TestScopeArticles7And8(t *testing.T) {
	t.Run("large enterprise of a pilot industry: local only (第八条)", func(t *testing.T) {
		in := baseInput()
		in.Applicant.Employees, in.Applicant.RevenueFen = i64(1200), i64(50000*wan)
		dec := eval(t, in)
		wantFunds(t, dec, false, true)
		wantOutcome(t, one(t, dec, "CentralScope"), Fail, "为大型企业")
		wantOutcome(t, one(t, dec, "LocalScope"), Pass, "国家备案行业（汽车零部件配件制造）的大型企业")
		if dec.MaxCentralFen != 0 || dec.MaxLocalFen != 50*wan {
			t.Errorf("max central %d local %d", dec.MaxCentralFen, dec.MaxLocalFen)
		}
	})
	t.Run("SME of another industry: local only", func(t *testing.T) {
		in := baseInput()
		in.Applicant.IndustryCode = "3511" // 矿山机械制造
		dec := eval(t, in)
		wantFunds(t, dec, false, true)
		wantOutcome(t, one(t, dec, "CentralScope"), Fail, "行业不属于四个试点行业")
		wantOutcome(t, one(t, dec, "LocalScope"), Pass, "其他行业企业")
		wantOutcome(t, one(t, dec, "PilotIndustry"), Fail, "3511")
	})
	t.Run("enterprise without size figures: not central", func(t *testing.T) {
		in := baseInput()
		in.Applicant.Employees = nil
		dec := eval(t, in)
		wantFunds(t, dec, false, true)
		wantOutcome(t, one(t, dec, "CentralScope"), Fail, "未能划型")
	})
	t.Run("local-fund work: no central, no fixed cap", func(t *testing.T) {
		in := baseInput()
		in.Claim = Claim{Category: CatLocal, RequestedFen: 10 * wan}
		dec := eval(t, in)
		wantFunds(t, dec, false, true)
		wantOutcome(t, one(t, dec, "CentralScope"), NotApplicable)
		wantOutcome(t, one(t, dec, "LocalCap"), NotApplicable, "本办法未规定上限")
		if dec.HasCap || dec.MaxSubsidyFen != 0 {
			t.Errorf("local work has a cap: %v %d", dec.HasCap, dec.MaxSubsidyFen)
		}
		if len(find(dec, "LittleGiant")) != 0 {
			t.Error("第十条 (central only) evaluated for local-fund work")
		}
	})
}

// 第十条: central funds only; local funds are not affected.
func TestExclusionsArticle10(t *testing.T) {
	cases := []struct {
		rule, article string
		set           func(a *Applicant)
	}{
		{"LittleGiant", "第十条（一）", func(a *Applicant) { a.LittleGiantCentralFunded = true }},
		{"Pilot2022", "第十条（二）", func(a *Applicant) { a.Pilot2022 = true }},
		{"UnacceptedProject", "第十条（三）", func(a *Applicant) { a.UnacceptedProjectAfterPilot = true }},
	}
	for _, c := range cases {
		in := baseInput()
		c.set(&in.Applicant)
		dec := eval(t, in)
		wantFunds(t, dec, false, true)
		f := one(t, dec, c.rule)
		wantOutcome(t, f, Fail, "不纳入中央专项资金支持范围")
		if f.Article != c.article {
			t.Errorf("%s article %s", c.rule, f.Article)
		}
		if dec.MaxCentralFen != 0 || dec.MaxLocalFen != 50*wan {
			t.Errorf("%s: central %d local %d", c.rule, dec.MaxCentralFen, dec.MaxLocalFen)
		}
	}
	// 第十条 speaks of 单位: a service provider that is a funded 小巨人 gets
	// no central funds either.
	in := providerInput(Cat74)
	in.Applicant.LittleGiantCentralFunded = true
	wantFunds(t, eval(t, in), false, true)
}

// 第十一条（一）: serious dishonesty within three years → no funds at all.
// The window is [as_of − 3 years, as_of], both days included.
func TestSeriousDishonestyArticle11(t *testing.T) {
	cases := []struct {
		name       string
		start, end string
		fail       bool
	}{
		{"currently listed", "2024-01-01", "", true},
		{"ended exactly three years before (2022-06-30)", "2021-01-01", "2022-06-30", true},
		{"ended three years and one day before (2022-06-29)", "2021-01-01", "2022-06-29", false},
		{"listed after the decision date: ignored", "2025-07-01", "", false},
	}
	for _, c := range cases {
		in := baseInput()
		r := CreditRecord{Kind: CreditSeriousDishonesty, Start: d(c.start)}
		if c.end != "" {
			r.End = d(c.end)
		}
		in.Applicant.CreditRecords = []CreditRecord{r}
		dec := eval(t, in)
		f := one(t, dec, "SeriousDishonesty")
		if c.fail {
			wantOutcome(t, f, Fail, "2022-06-30至2025-06-30", "不纳入专项资金支持范围")
			wantFunds(t, dec, false, false)
			if dec.MaxSubsidyFen != 0 {
				t.Errorf("%s: max %d", c.name, dec.MaxSubsidyFen)
			}
		} else {
			wantOutcome(t, f, Pass)
			wantFunds(t, dec, true, true)
		}
	}
	// A serious-dishonesty listing still current also fails 第十三条.
	in := baseInput()
	in.Applicant.CreditRecords = []CreditRecord{{Kind: CreditSeriousDishonesty, Start: d("2024-01-01")}}
	wantOutcome(t, one(t, eval(t, in), "CreditLists"), Fail, "严重失信")
}

// 第十一条（二）/第二十条: banned from the decision day through the
// corresponding day three years later.
func TestSanctionsArticle20(t *testing.T) {
	cases := []struct {
		decided, asOf string
		banned        bool
	}{
		{"2022-06-30", "2025-06-30", true},  // last day of the ban
		{"2022-06-29", "2025-06-30", false}, // ban ended the day before
		{"2024-02-29", "2027-02-28", true},  // no 29 Feb in 2027: month end is the last day
		{"2024-02-29", "2027-03-01", false},
		{"2025-06-30", "2025-06-30", true},  // effective on the decision day
		{"2025-07-01", "2025-06-30", false}, // decided after the decision date
	}
	for _, c := range cases {
		in := baseInput()
		in.AsOf = d(c.asOf)
		in.Claim.Call.WindowTo = d("2027-12-31")
		in.Applicant.Sanctions = []Sanction{{Decided: d(c.decided), Article: "第二十条", Reason: "虚报支出"}}
		dec := eval(t, in)
		f := one(t, dec, "Sanctions")
		if c.banned {
			wantOutcome(t, f, Fail, "禁止申报至", "第十一条（二）")
			wantFunds(t, dec, false, false)
		} else {
			wantOutcome(t, f, Pass)
			wantFunds(t, dec, true, true)
		}
	}
}

// 第十二条: kinds and legal personality.
func TestEntityArticle12(t *testing.T) {
	other := baseInput()
	other.Applicant.Kind = KindOther
	dec := eval(t, other)
	wantOutcome(t, one(t, dec, "EligibleEntity"), Fail, "不是第十二条规定")
	wantFunds(t, dec, false, false)

	noLegal := baseInput()
	noLegal.Applicant.LegalPerson = no()
	dec = eval(t, noLegal)
	wantOutcome(t, one(t, dec, "EligibleEntity"), Fail, "不具有独立法人资格")
	wantFunds(t, dec, false, false)

	for _, k := range []EntityKind{KindGovernment, KindInstitution, KindAssociation} {
		in := providerInput(Cat74)
		in.Applicant.Kind = k
		dec := eval(t, in)
		wantOutcome(t, one(t, dec, "EligibleEntity"), Pass, k.Label())
		wantFunds(t, dec, true, true)
	}
	supplier := providerInput(Cat76)
	supplier.Applicant.Role = RoleProcurementSupplier
	supplier.Applicant.Kind = KindOther
	dec = eval(t, supplier)
	wantOutcome(t, one(t, dec, "EligibleEntity"), Pass, "政府采购的相关服务主体")
	wantFunds(t, dec, true, true)
	wantOutcome(t, one(t, dec, "ProcurementCap"), NotApplicable, "合同价格")
	if dec.HasCap || dec.MaxSubsidyFen != 0 {
		t.Errorf("procurement has a cap: %+v", dec)
	}
}

// 第十三条: place of registration.
func TestRegistrationArticle13(t *testing.T) {
	t.Run("enterprise registered in Beijing: not eligible", func(t *testing.T) {
		in := baseInput()
		in.Applicant.RegionCode = "110105"
		dec := eval(t, in)
		wantOutcome(t, one(t, dec, "Registration"), Fail, "110105（北京市）不在长春市")
		wantFunds(t, dec, false, false)
	})
	t.Run("service provider registered in Beijing: eligible under （四）", func(t *testing.T) {
		dec := eval(t, providerInput(Cat74))
		wantOutcome(t, one(t, dec, "Registration"), Pass, "境内")
		wantOutcome(t, one(t, dec, "CentralScope"), Pass, "服务供给方")
		wantOutcome(t, one(t, dec, "PilotIndustry"), NotApplicable, "服务商不受试点行业限制")
		wantFunds(t, dec, true, true)
		if dec.MaxSubsidyFen != 20*wan {
			t.Errorf("（四） max %d, want 20万", dec.MaxSubsidyFen)
		}
	})
	t.Run("service provider registered in Hong Kong", func(t *testing.T) {
		in := providerInput(Cat74)
		in.Applicant.RegionCode = "810000"
		dec := eval(t, in)
		wantOutcome(t, one(t, dec, "Registration"), Fail, "香港特别行政区", "内地（大陆）", "港澳台")
		wantFunds(t, dec, false, false)
	})
	t.Run("invalid division code", func(t *testing.T) {
		in := providerInput(Cat74)
		in.Applicant.RegionCode = "990000"
		wantOutcome(t, one(t, eval(t, in), "Registration"), Fail, "不是有效的")
	})
	t.Run("all Changchun units pass, development zones too", func(t *testing.T) {
		for _, code := range []string{"220102", "220184", "220171", "220174", "220100"} {
			in := baseInput()
			in.Applicant.RegionCode = code
			wantOutcome(t, one(t, eval(t, in), "Registration"), Pass, "长春市")
		}
		in := baseInput()
		in.Applicant.District = "长春新区" // a zone without a statistical code
		wantOutcome(t, one(t, eval(t, in), "Registration"), Pass, "长春新区")
		in.Applicant.District = "长春某不存在开发区"
		wantOutcome(t, one(t, eval(t, in), "Registration"), Fail, "不在长春市县（市）区、开发区名单中")
	})
}

// 第十三条: lists (current) and incidents (last three years).
func TestCreditArticle13(t *testing.T) {
	cases := []struct {
		name, rule string
		rec        CreditRecord
		fail       bool
	}{
		{"abnormal operation, still listed", "CreditLists", CreditRecord{Kind: CreditAbnormalOperation, Start: d("2025-01-01")}, true},
		{"abnormal operation, last day listed is the decision day", "CreditLists", CreditRecord{Kind: CreditAbnormalOperation, Start: d("2025-01-01"), End: d("2025-06-30")}, true},
		{"abnormal operation, removed the day before", "CreditLists", CreditRecord{Kind: CreditAbnormalOperation, Start: d("2025-01-01"), End: d("2025-06-29")}, false},
		{"safety accident exactly three years before", "ComplianceRecord", CreditRecord{Kind: CreditSafetyAccident, Start: d("2022-06-30")}, true},
		{"safety accident three years and one day before", "ComplianceRecord", CreditRecord{Kind: CreditSafetyAccident, Start: d("2022-06-29")}, false},
		{"tax violation ended within three years", "ComplianceRecord", CreditRecord{Kind: CreditTaxViolation, Start: d("2020-01-01"), End: d("2023-01-01")}, true},
		{"environment accident last year", "ComplianceRecord", CreditRecord{Kind: CreditEnvironmentAccident, Start: d("2024-08-01")}, true},
		{"quality accident four years ago", "ComplianceRecord", CreditRecord{Kind: CreditQualityAccident, Start: d("2021-06-01")}, false},
	}
	for _, c := range cases {
		in := baseInput()
		in.Applicant.CreditRecords = []CreditRecord{c.rec}
		dec := eval(t, in)
		f := one(t, dec, c.rule)
		if f.Article != "第十三条" {
			t.Errorf("%s: article %s", c.name, f.Article)
		}
		if c.fail {
			wantOutcome(t, f, Fail, c.rec.Kind.Label())
			wantFunds(t, dec, false, false)
		} else {
			wantOutcome(t, f, Pass)
			wantFunds(t, dec, true, true)
		}
	}
}

// 第七条（一）–（六）: who may claim each category.
func TestCategoryApplicantArticle7(t *testing.T) {
	cases := []struct {
		name    string
		in      *Input
		central bool
	}{
		{"service provider claiming （一）", func() *Input { in := providerInput(Cat71); in.Claim = baseInput().Claim; return in }(), false},
		{"enterprise claiming （三）", func() *Input { in := baseInput(); in.Claim = Claim{Category: Cat73}; return in }(), false},
		{"enterprise claiming （六）", func() *Input { in := baseInput(); in.Claim = Claim{Category: Cat76}; return in }(), false},
		{"service provider claiming （三）", providerInput(Cat73), true},
		{"service provider claiming （五）", providerInput(Cat75), true},
		{"SME claiming （二） cloud", func() *Input { in := baseInput(); in.Claim = Claim{Category: Cat72, Subtype: SubtypeCloud}; return in }(), true},
		{"service provider claiming （二） cloud", func() *Input { in := providerInput(Cat72); in.Claim.Subtype = SubtypeCloud; return in }(), false},
		{"service provider claiming （二） benchmark", func() *Input { in := providerInput(Cat72); in.Claim.Subtype = SubtypeBenchmark; return in }(), true},
	}
	for _, c := range cases {
		dec := eval(t, c.in)
		f := one(t, dec, "CategoryApplicant")
		if c.central {
			wantOutcome(t, f, Pass)
			wantFunds(t, dec, true, true)
		} else {
			wantOutcome(t, f, Fail, "申报身份应为")
			wantFunds(t, dec, false, false)
		}
	}
}
