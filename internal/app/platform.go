package app

import (
	"encoding/json"

	"dtfund"
	"dtfund/policy"
)

// Platform awards of 第七条（二）. Cloud adoption (上云上平台, 1–3万元 per
// enterprise) is awarded by 免申即享 matching (matching.go). A benchmark
// (工业互联网平台创新应用标杆, 5–20万元 each) is applied for like any other
// award: an application of a 第七条（二） call with subtype benchmark goes
// through the district's recommendation, the expert panel (第十四条（三）),
// the re-check, publicity and approval, with policy.PlatformCap deciding
// the range. The floor of the range is kept at publicity: the amount
// proposed to the public may not be below it.

// decisionFloor is the lowest amount the application's stored decision
// allows (policy.Decision.MinSubsidyFen; 0 when the category sets none).
func decisionFloor(ap *dtfund.Application) int64 {
	if ap.DecisionJSON == "" {
		return 0
	}
	var d struct {
		MinSubsidyFen int64 `json:"min_subsidy_fen"`
	}
	if json.Unmarshal([]byte(ap.DecisionJSON), &d) != nil {
		return 0
	}
	return d.MinSubsidyFen
}

// floorMessage says why an amount under the floor is refused.
func floorMessage(floor int64) error {
	return dtfund.FieldError("amount", "拟支持金额不能低于第七条（二）的奖补标准下限 %s 元（%s）", yuanText(floor), policy.Wan(floor))
}
