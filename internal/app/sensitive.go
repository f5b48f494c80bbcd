package app

import (
	"context"
	"strings"
	"unicode/utf8"

	"dtfund/internal/store"
)

// Views of sensitive personal and account data (敏感信息查看留痕): the bank
// account an enterprise confirmed for a 免申即享 award, the telephone of an
// organisation's contact person, an expert's contact, an objector's contact
// and address. Officials see them masked (MaskAccount, MaskContact); where
// their work needs the full value — paying an approved award, calling a
// contact, answering an objection, editing an expert's profile, an export
// that is imported back — they get it, and every such view is appended to the
// audit chain: actor, time, address and request (the Actor carries them), the
// object, and the names of the fields shown, never their values. An
// enterprise reading its own data is not audited.

// ActionViewSensitive is the audit action of a full view of sensitive data;
// the audit viewer filters it by this prefix.
const ActionViewSensitive = "view.sensitive"

// auditView records, in a short transaction of its own, that the actor was
// shown the named fields of an object in full. A view that cannot be
// recorded is not shown: the caller returns the error.
func (a *App) auditView(ctx context.Context, actor Actor, objectType, objectID string, fields ...string) error {
	return a.recordView(ctx, actor, objectType, objectID, map[string]any{"fields": fields})
}

// auditExportView records an export that carries the named fields of count
// objects in full.
func (a *App) auditExportView(ctx context.Context, actor Actor, objectType string, count int, fields ...string) error {
	if count == 0 {
		return nil
	}
	return a.recordView(ctx, actor, objectType, "export", map[string]any{"fields": fields, "count": count})
}

func (a *App) recordView(ctx context.Context, actor Actor, objectType, objectID string, detail map[string]any) error {
	return a.DB.InTx(ctx, func(tx *store.Tx) error {
		return tx.Audit(ctx, actor.audit(ActionViewSensitive, objectType, objectID), nil, detail)
	})
}

// MaskContact hides the middle of a telephone number (0431-****1234,
// 138****0000) or the name of an e-mail address (z***@example.cn); other
// text keeps its first and last character.
func MaskContact(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if at := strings.IndexByte(s, '@'); at > 0 {
		first, _ := utf8.DecodeRuneInString(s)
		return string(first) + "***" + s[at:]
	}
	r := []rune(s)
	head, tail := 3, 4 // a mobile's network prefix and last four digits
	if i := strings.IndexAny(s, "-－"); i > 0 && i <= 5 {
		head = utf8.RuneCountInString(s[:i]) + 1 // a fixed line's area code
	}
	switch {
	case len(r) <= 2:
		head, tail = 0, 0
	case len(r) <= head+tail:
		head, tail = 1, 1
	}
	out := make([]rune, len(r))
	for i, c := range r {
		switch {
		case i < head || i >= len(r)-tail:
			out[i] = c
		case c == '-' || c == ' ':
			out[i] = c // the shape of the number stays readable
		default:
			out[i] = '*'
		}
	}
	return string(out)
}
