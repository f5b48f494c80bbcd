// Package policy is the regulation as code: 《长春市中小企业数字化转型专项资金
// 使用管理办法（暂行）》 (the measures, 第一条–第二十一条) with the national
// facts it relies on. It is pure: no storage, no HTTP, standard library only
// (and dtfund/uscc for the credit-code check).
//
// # Parameters
//
// Every cap, ratio, threshold and code list is a parameter in
// params/params.json (embedded; JSON because the standard library has no YAML),
// each value with an effective-from date and a source. Default returns it;
// Load reads another file; At resolves the values on a date (precomputed per
// change date, a binary search per decision); WithOverrides and a call's
// "overrides" replace values with the call's own citation. A Decision records
// the parameter version and the overrides it used.
//
// # Rules
//
// Each rule is an exported function of the facts and the values on the
// decision date and returns Findings naming its article: Size (第五条),
// PilotIndustry (第四条), CentralScope and CategoryApplicant (第七条),
// LocalScope (第八条/第九条), LittleGiant, Pilot2022, UnacceptedProject
// (第十条), SeriousDishonesty, Sanctions (第十一条, 第二十条), EligibleEntity
// (第十二条), Registration, CreditLists, ComplianceRecord (第十三条),
// MaxSubsidy with RetrofitCap/EligibleSpending, PlatformCap, ProductCap,
// ServiceProviderCap, ChainCap, ProcurementCap, LocalCap (第七条（一）–（六）),
// CheckCentralSplit (the 80/20 budget rule), InForce (第二十一条) and CallParams
// (第六条（一）). Match decides an enterprise for 免申即享 (第十五条) with
// CloudServices, MatchSME, MatchIndustry, NoDuplicate, AcceptedRetrofit and
// CloudAward (matching.go). Evaluate runs them all on one Input; Rules lists them and
// (第六条（一）). After the award (project.go): CompletionDeadline and
// AcceptanceLevel (第十五条), RectificationDeadline (第十八条) and PilotGoal
// (第十六条). Evaluate runs the eligibility rules on one Input; Rules lists them and
// Articles says how every article is covered. The readings chosen where the
// text leaves room are documented in eligibility.go and subsidy.go.
//
// # Digital-level assessment
//
// 《中小企业数字化水平评测指标（2024年版）》 (工信厅企业〔2024〕56号), which
// acceptance relies on, is a second parameter file, params/assessment.json:
// the indicator set (dimensions, questions with option points, 16 business
// scenarios with their 约束性 flags, the level table), every figure with its
// source and an "unconfirmed" flag. AssessmentBase returns it; Apply and
// ApplyAll make the next version from an administrator's correction (one
// figure, a citation, an effective date); Assess computes score and level
// from answers and CheckAssessmentReport checks a third-party report's
// score and level, both with findings naming 工信厅企业〔2024〕56号.
// DigitalLevelLabel and Points format levels and points (hundredths).
//
// # Rankings
//
// Rank ranks 小快轻准 products (第七条（三）) or service providers (（四）) by the
// enterprises' confirmed adoptions of a period, with every score's components
// and a deterministic tie rule, and RankingAwards turns the top into awards
// within the caps; the formula and its weights are parameters (ranking.*).
// See ranking.go.
//
// # Input
//
// DecodeInput reads one JSON document (≤ 1 MiB, unknown fields rejected,
// Chinese errors naming the field). Money is integer fen (分, "_fen"), dates
// "YYYY-MM-DD". See ExampleInput (testdata/example.json):
//
//	{
//	  "as_of": "2025-06-30",                      // 判定日期
//	  "applicant": {
//	    "name": "…", "uscc": "91220104661234568K",
//	    "kind": "enterprise",                     // enterprise | government | institution | association | other
//	    "role": "enterprise",                     // enterprise | service_provider | procurement_supplier
//	    "legal_person": true,                     // required
//	    "region_code": "220104",                  // 6-digit division code, required
//	    "district": "朝阳区",                      // optional, must be in districts.changchun
//	    "industry_code": "3670",                  // GB/T 4754-2017 class, 4 digits
//	    "employees": 320, "revenue_fen": 8000000000,
//	    "little_giant_central_funded": false,     // 第十条（一）
//	    "pilot_2022": false,                      // 第十条（二）
//	    "has_unaccepted_project_after_pilot": false, // 第十条（三）
//	    "credit_records": [{"kind": "serious_dishonesty|abnormal_operation|safety_accident|quality_accident|environment_accident|tax_violation",
//	                        "start": "2021-03-01", "end": "2021-09-30", "note": "…"}],
//	    "sanctions": [{"decided": "2024-01-01", "article": "第二十条", "reason": "…"}],
//	    "projects": [{"number": "SB2025-000007", "title": "…", "state": "open|accepted|terminated",
//	                  "deadline": "2025-11-30"}]    // 第十条（三）: the recorded retrofit projects
//	  },
//	  "claim": {
//	    "category": "7.1",                        // 7.1 … 7.6 | local (第八条/第九条)
//	    "subtype": "cloud|benchmark",             // 7.2 only
//	    "call": {"name": "…", "window_from": "2023-12-29", "window_to": "2025-12-31",
//	             "params_version": "2024.1",
//	             "overrides": [{"key": "cap.7_1.manufacturing_uplift_bp", "value": 1000, "source": "…"}]},
//	    "manufacturing_retrofit": true,           // 7.1
//	    "approved_investment_fen": 48000000,      // 7.1, optional 评审核定投入
//	    "spending": [{"type": "software|cloud|data_equipment|consulting|…", "supplier": "…", "description": "…",
//	                  "amount_fen": 30000000, "contract_date": "…", "invoice_date": "…",
//	                  "payment_date": "…", "acceptance_date": "…", "funded_elsewhere": false}], // 7.1
//	    "items": [{"name": "…", "requested_fen": 0}], // 7.2 benchmark, 7.3, 7.5
//	    "prior_awards_fen": 0,                    // 7.1, 7.3 (cumulative caps)
//	    "requested_fen": 30000000                 // optional; result is min(requested, cap)
//	  }
//	}
package policy
