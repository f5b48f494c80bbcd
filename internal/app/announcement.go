package app

import (
	"context"
	"strings"
	"unicode/utf8"

	"dtfund"
	"dtfund/internal/store"
)

// Announcements (通知公告) are written by 市工业和信息化局 (第六条（一）:
// it organises the calls and publishes their results) and read by anyone
// once published.

// AnnouncementInput is the form of an announcement.
type AnnouncementInput struct {
	Title   string
	Body    string
	Kind    string
	CallID  int64
	Publish bool // publish now; otherwise keep (or put back) as a draft
}

// AnnKinds names the kinds of announcement, in the order of the form.
var AnnKinds = []struct{ Code, Label string }{
	{store.AnnNotice, "通知"}, {store.AnnResult, "结果公告"}, {store.AnnPolicy, "政策解读"},
}

// AnnKindLabel is the Chinese name of a kind.
func AnnKindLabel(k string) string {
	for _, x := range AnnKinds {
		if x.Code == k {
			return x.Label
		}
	}
	return k
}

const (
	annTitleRunes = 100
	annBodyRunes  = 20000
)

func (in *AnnouncementInput) validate() error {
	var v dtfund.ValidationErrors
	in.Title, in.Body = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body)
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		v.Add("title", "请填写公告标题")
	case n > annTitleRunes:
		v.Add("title", "公告标题不能超过%d个字", annTitleRunes)
	}
	switch n := utf8.RuneCountInString(in.Body); {
	case n == 0:
		v.Add("body", "请填写公告正文")
	case n > annBodyRunes:
		v.Add("body", "公告正文不能超过%d个字", annBodyRunes)
	}
	if AnnKindLabel(in.Kind) == in.Kind {
		v.Add("kind", "请选择公告类型")
	}
	return v.Err()
}

// SaveAnnouncement creates (id 0) or edits an announcement; only the city
// industry bureau writes them. A withdrawn announcement can be published
// again; its first publication time is kept.
func (a *App) SaveAnnouncement(ctx context.Context, actor Actor, id int64, in AnnouncementInput) (*store.Announcement, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	var out *store.Announcement
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		if in.CallID != 0 {
			if _, err := tx.Call(ctx, in.CallID); err != nil {
				return dtfund.FieldError("call_id", "所选申报批次不存在")
			}
		}
		ann, before := &store.Announcement{CreatedBy: actor.User.ID}, (*store.Announcement)(nil)
		if id != 0 {
			var err error
			if ann, err = tx.Announcement(ctx, id); err != nil {
				return err
			}
			copied := *ann
			before = &copied
		}
		ann.Title, ann.Body, ann.Kind, ann.CallID = in.Title, in.Body, in.Kind, in.CallID
		ann.State = store.AnnDraft
		if in.Publish {
			ann.State = store.AnnPublished
		}
		if err := tx.SaveAnnouncement(ctx, ann); err != nil {
			return err
		}
		out = ann
		return tx.Audit(ctx, actor.audit("announcement.save", "announcement", itoa(ann.ID)), before, ann)
	})
	return out, err
}

// WithdrawAnnouncement takes a published announcement off the public site.
func (a *App) WithdrawAnnouncement(ctx context.Context, actor Actor, id int64) error {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return err
	}
	return a.DB.InTx(ctx, func(tx *store.Tx) error {
		ann, err := tx.Announcement(ctx, id)
		if err != nil {
			return err
		}
		if ann.State != store.AnnPublished {
			return dtfund.Errorf(dtfund.ECONFLICT, "只能撤回已发布的公告")
		}
		ann.State = store.AnnWithdrawn
		if err := tx.SaveAnnouncement(ctx, ann); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("announcement.withdraw", "announcement", itoa(id)), map[string]string{"state": store.AnnPublished},
			map[string]string{"state": store.AnnWithdrawn})
	})
}

// Announcements lists announcements: the public and every role but the
// city industry bureau see the published ones only.
func (a *App) Announcements(ctx context.Context, actor Actor, kind string, page store.Page) ([]*store.Announcement, int, error) {
	return a.DB.FindAnnouncements(ctx, store.AnnouncementFilter{PublishedOnly: !annEditor(actor), Kind: kind, Page: page})
}

// Announcement reads one; an unpublished one is not found for the public.
func (a *App) Announcement(ctx context.Context, actor Actor, id int64) (*store.Announcement, error) {
	ann, err := a.DB.Announcement(ctx, id)
	if err != nil {
		return nil, err
	}
	if ann.State != store.AnnPublished && !annEditor(actor) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "公告不存在")
	}
	return ann, nil
}

func annEditor(actor Actor) bool { return actor.User != nil && actor.User.Role == dtfund.RoleCityMIIT }

// PublicCalls lists every call (申报批次) for the public site, newest
// first: a call's notice is public from the moment it is created.
func (a *App) PublicCalls(ctx context.Context, page store.Page) ([]*dtfund.Call, int, error) {
	return a.DB.FindCalls(ctx, store.CallFilter{Page: page})
}

// PublicCall reads one call for the public site.
func (a *App) PublicCall(ctx context.Context, id int64) (*dtfund.Call, error) {
	return a.DB.Call(ctx, id)
}
