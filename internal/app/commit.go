package app

import (
	"context"
	"strconv"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/store"
	"dtfund/policy"
)

// Commitments (承诺/占用预算): an approved award reserves its amount on a
// budget line in the approving transaction (Dr commitment:award:{id} /
// Cr line), so the line can never promise more than it holds.
//
// The line: the budget year is the year of the approval document's date;
// a central award uses line:central:{year}:{category}; a local award uses
// the city line of its category when that line holds the whole amount,
// else the provincial line (an award is never split across lines, so every
// award traces to exactly one line, and payments and recovery book
// against it). The city's own matching money goes first because it is the
// city's budget to manage; the provincial money covers what it cannot.

// capKeys are the cumulative caps per organisation across all calls:
// 第七条（一） per enterprise, 第七条（三） per service provider.
var capKeys = map[string]struct{ key, who string }{
	string(policy.Cat71): {"cap.7_1.cumulative_fen", "每家企业"},
	string(policy.Cat73): {"cap.7_3.cumulative_provider_fen", "每家服务商"},
}

// CommitAward commits an award created in the transaction (or earlier) to
// its budget line after checking the cumulative caps and the 80/20 rule.
// An award already committed is returned as it is (a retry posts once).
func CommitAward(ctx context.Context, tx *store.Tx, aw *store.Award) (*store.AwardCommitment, error) {
	c, err := tx.AwardCommitment(ctx, aw.ID)
	if err != nil || c.CommitTxID != 0 {
		return c, err
	}
	if c.Status == store.AwardRevoked {
		return nil, dtfund.Errorf(dtfund.ECONFLICT, "奖补 %d 已撤销，不能占用预算", aw.ID)
	}
	day, err := approvalDay(ctx, tx, aw.ApprovalID)
	if err != nil {
		return nil, err
	}
	if err := checkCumulativeCap(ctx, tx, aw, day); err != nil {
		return nil, err
	}
	line, err := commitLine(ctx, tx, aw, day.Year)
	if err != nil {
		return nil, err
	}
	id := strconv.FormatInt(aw.ID, 10)
	if _, err := tx.EnsureAccount(ctx, store.CommitmentAccount(aw.ID), store.AccountCommitment, "奖补 "+id+" 已承诺未拨付"); err != nil {
		return nil, err
	}
	txID, _, err := tx.Post(ctx, &store.LedgerTx{Kind: "commit", IdempotencyKey: "commit:award:" + id, RefType: "award", RefID: id,
		Memo:     "奖补 " + id + " 占用" + line + "预算 " + yuanText(aw.AmountFen) + " 元",
		Postings: []store.Posting{{Account: store.CommitmentAccount(aw.ID), AmountFen: aw.AmountFen}, {Account: line, AmountFen: -aw.AmountFen}}})
	if err != nil {
		return nil, err
	}
	if err := tx.SetAwardCommitment(ctx, aw.ID, line, txID); err != nil {
		return nil, err
	}
	c.LineCode, c.CommitTxID = line, txID
	return c, nil
}

// approvalDay is the date of the approval document: it fixes the budget
// year and the parameters in force.
func approvalDay(ctx context.Context, tx *store.Tx, approvalID int64) (calendar.Date, error) {
	s, err := tx.ApprovalDocDate(ctx, approvalID)
	if err != nil {
		return calendar.Date{}, err
	}
	d, err := calendar.ParseDate(s)
	if err != nil {
		return calendar.DateOf(tx.Now()), nil // an approval's date is validated on entry; fall back to today
	}
	return d, nil
}

// checkCumulativeCap sums the organisation's awards of the category that
// are not revoked, this one included, against the cap of 第七条（一）/（三）.
func checkCumulativeCap(ctx context.Context, tx *store.Tx, aw *store.Award, day calendar.Date) error {
	ck, ok := capKeys[aw.Category]
	if !ok {
		return nil
	}
	v, err := policy.Default().At(policy.Date{Year: day.Year, Month: day.Month, Day: day.Day})
	if err != nil {
		return err
	}
	limit, _ := v.Int(ck.key)
	total, err := tx.ActiveAwardsFen(ctx, aw.OrgID, aw.Category)
	if err != nil {
		return err
	}
	if total <= limit {
		return nil
	}
	ref, _ := v.Ref(ck.key)
	return dtfund.Errorf(dtfund.ECONFLICT, "%s%s累计奖补不超过 %s：该单位已获 %s 元，加上本项 %s 元合计 %s 元，超过上限（依据：%s）",
		lineCategoryLabel(aw.Category), ck.who, policy.Wan(limit), yuanText(total-aw.AmountFen), yuanText(aw.AmountFen),
		yuanText(total), ref.Source)
}

// commitLine chooses the award's line (see the rule above) and checks that
// it holds the amount, and the 80/20 rule for central non-（一） lines.
func commitLine(ctx context.Context, tx *store.Tx, aw *store.Award, year int) (string, error) {
	if aw.FundSource == "central" {
		return centralCommitLine(ctx, tx, aw, year)
	}
	var short []string
	for _, src := range []string{store.SourceCity, store.SourceProvincial} {
		line := store.LineAccount(src, year, aw.Category)
		have, err := tx.Balance(ctx, line)
		if err != nil {
			return "", err
		}
		if have >= aw.AmountFen {
			return line, nil
		}
		short = append(short, store.SourceLabels[src]+"可用 "+yuanText(have)+" 元")
	}
	return "", dtfund.Errorf(dtfund.ECONFLICT, "%s%d年地方配套资金预算余额不足：%s，本项需 %s 元",
		lineCategoryLabel(aw.Category), year, short[0]+"，"+short[1], yuanText(aw.AmountFen))
}

func centralCommitLine(ctx context.Context, tx *store.Tx, aw *store.Award, year int) (string, error) {
	line := store.LineAccount(store.SourceCentral, year, aw.Category)
	if aw.Category == "local" {
		return "", dtfund.Errorf(dtfund.ECONFLICT, "中央专项资金只用于第七条（一）至（六），本项类别为地方配套工作")
	}
	have, err := tx.Balance(ctx, line)
	if err != nil {
		return "", err
	}
	if have < aw.AmountFen {
		return "", dtfund.Errorf(dtfund.ECONFLICT, "%s%d年中央专项资金预算余额不足：可用 %s 元，本项需 %s 元",
			lineCategoryLabel(aw.Category), year, yuanText(have), yuanText(aw.AmountFen))
	}
	if aw.Category != string(policy.Cat71) {
		if err := checkCentralSplit(ctx, tx, "", year, 0, aw.AmountFen); err != nil {
			return "", err
		}
	}
	return line, nil
}
