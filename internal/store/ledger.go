package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"dtfund"
)

// The fund ledger (double entry). Amounts are fen; an entry's amount is
// positive for a debit and negative for a credit, so every transaction sums
// to zero. Accounts hold money "as an asset of the fund": a source's balance
// is money released and not yet allocated, a line's is money allocated and
// not yet committed, a commitment's is an award not yet paid, a transit
// account's is money a district finance bureau holds for recipients, a
// recipient's is money paid out to it, a receivable's is money to be
// recovered. Only the external treasury account goes negative: it is the
// other side of every release. No other balance may go below zero — that is
// what stops overspending, checked in the same transaction as the posting.

// Account kinds.
const (
	AccountExternal   = "external"
	AccountSource     = "source"
	AccountLine       = "line"
	AccountCommitment = "commitment"
	AccountTransit    = "transit"
	AccountRecipient  = "recipient"
	AccountReceivable = "receivable"
)

// Fund sources (第二条).
const (
	SourceCentral    = "central"    // 中央专项资金
	SourceProvincial = "provincial" // 省级配套
	SourceCity       = "city"       // 市级配套
)

// SourceLabels names the fund sources.
var SourceLabels = map[string]string{SourceCentral: "中央专项资金", SourceProvincial: "省级配套资金", SourceCity: "市级配套资金"}

// TreasuryAccount is the external side of every budget release.
const TreasuryAccount = "external:treasury"

// Account codes. They are stable identifiers: reports group by their parts.
func SourceAccount(source string, year int) string {
	return "source:" + source + ":" + strconv.Itoa(year)
}
func LineAccount(source string, year int, category string) string {
	return "line:" + source + ":" + strconv.Itoa(year) + ":" + category
}
func CommitmentAccount(awardID int64) string {
	return "commitment:award:" + strconv.FormatInt(awardID, 10)
}
func TransitAccount(district string) string { return "transit:" + district }
func RecipientAccount(orgID int64) string   { return "recipient:org:" + strconv.FormatInt(orgID, 10) }
func ReceivableAccount(awardID int64) string {
	return "receivable:award:" + strconv.FormatInt(awardID, 10)
}

// Posting is one entry of a transaction to be posted.
type Posting struct {
	Account   string // account code; the account must exist
	AmountFen int64  // debit > 0, credit < 0
}

// LedgerTx is a transaction to post.
type LedgerTx struct {
	Kind           string // release, allocate, commit, uncommit, pay, payout, receivable, repay, reverse
	IdempotencyKey string // a retried posting with the same key is a no-op returning the first
	ReversesID     int64
	RefType, RefID string // what the transaction is about (award, batch, release…)
	Memo           string
	ActorID        int64
	Postings       []Posting
}

// LedgerAccount is an account with its cached balance.
type LedgerAccount struct {
	ID         int64
	Code       string
	Kind       string
	Name       string
	BalanceFen int64
}

// EnsureAccount creates an account if it does not exist and returns its ID.
func (tx *Tx) EnsureAccount(ctx context.Context, code, kind, name string) (int64, error) {
	if _, err := tx.exec(ctx, `INSERT INTO ledger_accounts (code, kind, name, balance_fen, created_at) VALUES (?, ?, ?, 0, ?)
 ON CONFLICT (code) DO NOTHING`, code, kind, name, fmtTime(tx.now)); err != nil {
		return 0, err
	}
	var id int64
	err := tx.queryRow(ctx, `SELECT id FROM ledger_accounts WHERE code = ?`, code).Scan(&id)
	return id, err
}

// Post writes a balanced transaction and updates the cached balances, all
// in the caller's transaction. It refuses an unbalanced transaction, an
// unknown account, and any posting that would take a balance (other than
// the treasury's) below zero. With an idempotency key already used it
// returns the earlier transaction's ID and replay = true, writing nothing.
func (tx *Tx) Post(ctx context.Context, t *LedgerTx) (id int64, replay bool, err error) {
	if err := t.validate(); err != nil {
		return 0, false, err
	}
	if t.IdempotencyKey != "" {
		var prior int64
		err := tx.queryRow(ctx, `SELECT id FROM ledger_transactions WHERE idempotency_key = ?`, t.IdempotencyKey).Scan(&prior)
		if err == nil {
			return prior, true, nil
		}
		if !normalizedNotFound(err) {
			return 0, false, err
		}
	}
	id, err = tx.insertID(ctx, `INSERT INTO ledger_transactions (kind, idempotency_key, reverses_id, ref_type, ref_id, memo, actor_id, created_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, t.Kind, nullString(t.IdempotencyKey), nullInt(t.ReversesID), t.RefType, t.RefID, t.Memo,
		nullInt(t.ActorID), fmtTime(tx.now))
	if err != nil {
		return 0, false, err
	}
	for _, p := range t.Postings {
		if err := tx.postEntry(ctx, id, p); err != nil {
			return 0, false, err
		}
	}
	return id, false, nil
}

func (t *LedgerTx) validate() error {
	if len(t.Postings) < 2 {
		return fmt.Errorf("ledger: a transaction needs at least two entries")
	}
	var sum int64
	for _, p := range t.Postings {
		if p.AmountFen == 0 {
			return fmt.Errorf("ledger: zero entry on %s", p.Account)
		}
		sum += p.AmountFen
	}
	if sum != 0 {
		return fmt.Errorf("ledger: transaction %s does not balance (sum %d fen)", t.Kind, sum)
	}
	return nil
}

func (tx *Tx) postEntry(ctx context.Context, txID int64, p Posting) error {
	var accID, balance int64
	var kind, name string
	err := tx.queryRow(ctx, `UPDATE ledger_accounts SET balance_fen = balance_fen + ? WHERE code = ? RETURNING id, balance_fen, kind, name`,
		p.AmountFen, p.Account).Scan(&accID, &balance, &kind, &name)
	if err != nil {
		if normalizedNotFound(err) {
			return fmt.Errorf("ledger: no account %s", p.Account)
		}
		return err
	}
	if balance < 0 && kind != AccountExternal {
		return dtfund.Errorf(dtfund.ECONFLICT, "%s余额不足：差额 %s 元", name, fenText(-balance))
	}
	_, err = tx.exec(ctx, `INSERT INTO ledger_entries (transaction_id, account_id, amount_fen) VALUES (?, ?, ?)`, txID, accID, p.AmountFen)
	return err
}

// fenText shows fen as 元 with two decimals, for messages.
func fenText(fen int64) string {
	return strconv.FormatInt(fen/100, 10) + "." + fmt.Sprintf("%02d", fen%100)
}

// Reverse posts the mirror image of a transaction (a correction): same
// accounts, opposite amounts, pointing back at the original.
func (tx *Tx) Reverse(ctx context.Context, txID int64, key, memo string, actorID int64) (int64, error) {
	rows, err := tx.query(ctx, `SELECT a.code, e.amount_fen FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
 WHERE e.transaction_id = ? ORDER BY e.id`, txID)
	if err != nil {
		return 0, err
	}
	var ps []Posting
	for rows.Next() {
		var p Posting
		if err := rows.Scan(&p.Account, &p.AmountFen); err != nil {
			rows.Close()
			return 0, err
		}
		p.AmountFen = -p.AmountFen
		ps = append(ps, p)
	}
	rows.Close()
	if len(ps) == 0 {
		return 0, dtfund.Errorf(dtfund.ENOTFOUND, "记账凭证 %d 不存在", txID)
	}
	id, _, err := tx.Post(ctx, &LedgerTx{Kind: "reverse", IdempotencyKey: key, ReversesID: txID, RefType: "ledger_transaction",
		RefID: strconv.FormatInt(txID, 10), Memo: memo, ActorID: actorID, Postings: ps})
	return id, err
}

// Balance returns an account's balance inside the write transaction (0 for
// an account that does not exist yet).
func (tx *Tx) Balance(ctx context.Context, code string) (int64, error) {
	var b int64
	err := tx.queryRow(ctx, `SELECT balance_fen FROM ledger_accounts WHERE code = ?`, code).Scan(&b)
	if err != nil && normalizedNotFound(err) {
		return 0, nil
	}
	return b, err
}

// Balance returns an account's balance (0 for an account that does not exist).
func (db *DB) Balance(ctx context.Context, code string) (int64, error) {
	var b int64
	err := db.queryRow(ctx, `SELECT balance_fen FROM ledger_accounts WHERE code = ?`, code).Scan(&b)
	if err != nil && normalizedNotFound(err) {
		return 0, nil
	}
	return b, err
}

// SumBalances adds up the balances of the accounts whose codes start with
// prefix (e.g. "line:central:2026:" for every central line of a year),
// inside the write transaction.
func (tx *Tx) SumBalances(ctx context.Context, prefix string) (int64, error) {
	var b int64
	err := tx.queryRow(ctx, `SELECT COALESCE(SUM(balance_fen), 0) FROM ledger_accounts WHERE code LIKE ?`, escapeLikePrefix(prefix)+"%").Scan(&b)
	return b, err
}

// escapeLikePrefix keeps an account-code prefix literal in LIKE: codes are
// built by the functions above and contain neither % nor _.
func escapeLikePrefix(p string) string { return strings.NewReplacer("%", "", "_", "").Replace(p) }

// Accounts returns the accounts whose codes start with prefix.
func (db *DB) Accounts(ctx context.Context, prefix string) ([]LedgerAccount, error) {
	rows, err := db.query(ctx, `SELECT id, code, kind, name, balance_fen FROM ledger_accounts WHERE code LIKE ? ORDER BY code`,
		escapeLikePrefix(prefix)+"%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LedgerAccount
	for rows.Next() {
		var a LedgerAccount
		if err := rows.Scan(&a.ID, &a.Code, &a.Kind, &a.Name, &a.BalanceFen); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// LedgerLine is one entry of an account's statement.
type LedgerLine struct {
	TransactionID int64
	At            time.Time
	Kind          string
	Memo          string
	RefType       string
	RefID         string
	AmountFen     int64
}

// Statement returns an account's entries, newest first.
func (db *DB) Statement(ctx context.Context, code string, page Page) ([]LedgerLine, error) {
	p := page.clamp()
	rows, err := db.query(ctx, `SELECT t.id, t.created_at, t.kind, t.memo, t.ref_type, t.ref_id, e.amount_fen
 FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id JOIN ledger_accounts a ON a.id = e.account_id
 WHERE a.code = ? ORDER BY e.id DESC LIMIT ? OFFSET ?`, code, p.Limit, p.Offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LedgerLine
	for rows.Next() {
		var l LedgerLine
		var at string
		if err := rows.Scan(&l.TransactionID, &at, &l.Kind, &l.Memo, &l.RefType, &l.RefID, &l.AmountFen); err != nil {
			return nil, err
		}
		l.At = parseTime(at)
		out = append(out, l)
	}
	return out, rows.Err()
}

// LedgerVerification is the result of checking the books.
type LedgerVerification struct {
	Transactions int
	Entries      int
	Accounts     int
	Problems     []string
}

// OK reports whether the books balance.
func (v *LedgerVerification) OK() bool { return len(v.Problems) == 0 }

// VerifyLedger checks that every transaction balances and has at least two
// entries, and that every account's cached balance equals the sum of its
// entries.
func (db *DB) VerifyLedger(ctx context.Context) (*LedgerVerification, error) {
	v := &LedgerVerification{}
	if err := db.queryRow(ctx, `SELECT (SELECT count(*) FROM ledger_transactions), (SELECT count(*) FROM ledger_entries),
 (SELECT count(*) FROM ledger_accounts)`).Scan(&v.Transactions, &v.Entries, &v.Accounts); err != nil {
		return nil, err
	}
	checks := []struct {
		q      string
		format string
	}{
		{`SELECT t.id, COALESCE(SUM(e.amount_fen), 0), count(e.id) FROM ledger_transactions t LEFT JOIN ledger_entries e ON e.transaction_id = t.id
 GROUP BY t.id HAVING COALESCE(SUM(e.amount_fen), 0) <> 0 OR count(e.id) < 2 ORDER BY t.id LIMIT 50`, "记账凭证 %d 不平衡：合计 %d 分，%d 条分录"},
		{`SELECT a.id, a.balance_fen, COALESCE(SUM(e.amount_fen), 0) FROM ledger_accounts a LEFT JOIN ledger_entries e ON e.account_id = a.id
 GROUP BY a.id, a.balance_fen HAVING a.balance_fen <> COALESCE(SUM(e.amount_fen), 0) ORDER BY a.id LIMIT 50`, "账户 %d 的余额缓存 %d 分与分录合计 %d 分不符"},
	}
	for _, c := range checks {
		rows, err := db.query(ctx, c.q)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var a, b, c2 int64
			if err := rows.Scan(&a, &b, &c2); err != nil {
				rows.Close()
				return nil, err
			}
			v.Problems = append(v.Problems, fmt.Sprintf(c.format, a, b, c2))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return v, nil
}
