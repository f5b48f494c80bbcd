package policy

// BanEnd is the last day of the ban of a sanction decided on decided (第二十条
// “三年内不准参加有关项目申报”): the corresponding day ban.years later
// (Date.AddYears, 《民法典》第二百零二条), under the parameters v in force on
// the decision date. The ban runs from the decision date to this day, both
// included; the rule Sanctions uses the same day, so a stored ban and the
// rules' finding never disagree.
func BanEnd(v *Values, decided Date) Date { return banEnd(v, decided) }

// BanYears is the length of the ban in years under v (for messages).
func BanYears(v *Values) int { return int(v.n[kBanYears]) }
