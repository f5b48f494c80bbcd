package app

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"dtfund"
	"dtfund/internal/store"
	"dtfund/uscc"
)

// Chain applications (高效“链式”数字化转型典型应用, 第七条（五）): the lead
// enterprise (链主) lists the enterprises of its chain — suppliers and
// customers — that use the product or application it built. Each member
// must be an enterprise registered in the system and not the lead itself.

// MaxChainMembers bounds the list (the form offers this many rows).
const MaxChainMembers = 30

const chainRelationRunes = 30

// ChainMemberInput is one row of the chain form.
type ChainMemberInput struct {
	USCC     string
	Relation string // e.g. 一级供应商, 下游客户
}

// ChainMembers returns the members of an application the actor may see.
func (a *App) ChainMembers(ctx context.Context, actor Actor, appID int64) ([]store.ChainMember, error) {
	if _, err := a.Application(ctx, actor, appID); err != nil {
		return nil, err
	}
	return a.DB.ChainMembers(ctx, appID)
}

// SetChainMembers replaces the chain members of the actor's 第七条（五）
// application while it may be edited (draft, or returned for correction).
func (a *App) SetChainMembers(ctx context.Context, actor Actor, appID int64, rows []ChainMemberInput) ([]store.ChainMember, error) {
	if err := requireRole(actor, dtfund.RoleApplicant); err != nil {
		return nil, err
	}
	ap, err := a.Application(ctx, actor, appID)
	if err != nil {
		return nil, err
	}
	if ap.CallCategory != "7.5" {
		return nil, dtfund.Errorf(dtfund.ECONFLICT, "链上企业名单仅适用于第七条（五）“链式”数字化转型类批次的申报")
	}
	if !ap.Editable() {
		return nil, notEditableErr(ap)
	}
	members, err := a.resolveChainMembers(ctx, ap, rows)
	if err != nil {
		return nil, err
	}
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.Application(ctx, appID)
		if err != nil {
			return err
		}
		if !cur.Editable() {
			return notEditableErr(cur)
		}
		if err := tx.ReplaceChainMembers(ctx, appID, members); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("application.chain_members", "application", itoa(appID)), nil, members)
	})
	if err != nil {
		return nil, err
	}
	return members, nil
}

// resolveChainMembers checks each non-empty row: a valid credit code of an
// enterprise in the system, not the lead, not listed twice. Field names are
// members.{i}.uscc and members.{i}.relation.
func (a *App) resolveChainMembers(ctx context.Context, ap *dtfund.Application, rows []ChainMemberInput) ([]store.ChainMember, error) {
	var v dtfund.ValidationErrors
	if len(rows) > MaxChainMembers {
		v.Add("members", "链上企业不超过%d家", MaxChainMembers)
		return nil, v
	}
	var out []store.ChainMember
	seen := map[int64]int{}
	for i, r := range rows {
		code, rel := uscc.Normalize(r.USCC), strings.TrimSpace(r.Relation)
		field := func(name string) string { return fmt.Sprintf("members.%d.%s", i, name) }
		if code == "" {
			if rel != "" {
				v.Add(field("uscc"), "第%d行：请填写链上企业的统一社会信用代码", i+1)
			}
			continue
		}
		if utf8.RuneCountInString(rel) > chainRelationRunes {
			v.Add(field("relation"), "第%d行：链上关系不超过%d字", i+1, chainRelationRunes)
		}
		if err := uscc.Validate(code); err != nil {
			v.Add(field("uscc"), "第%d行：统一社会信用代码无效：%v", i+1, err)
			continue
		}
		o, err := a.DB.OrganizationByUSCC(ctx, code)
		switch {
		case dtfund.ErrorCode(err) == dtfund.ENOTFOUND:
			v.Add(field("uscc"), "第%d行：统一社会信用代码为 %s 的企业未在本系统登记", i+1, code)
		case err != nil:
			return nil, err
		case o.ID == ap.OrgID:
			v.Add(field("uscc"), "第%d行：链上企业不能是申报单位（链主企业）本身", i+1)
		case o.Kind != dtfund.OrgEnterprise:
			v.Add(field("uscc"), "第%d行：%s不是企业（%s）", i+1, o.Name, o.Kind.Label())
		case seen[o.ID] > 0:
			v.Add(field("uscc"), "第%d行与第%d行是同一家企业", i+1, seen[o.ID])
		default:
			seen[o.ID] = i + 1
			out = append(out, store.ChainMember{OrgID: o.ID, Relation: rel, Name: o.Name, USCC: o.USCC})
		}
	}
	return out, v.Err()
}
