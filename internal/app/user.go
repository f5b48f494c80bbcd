package app

import (
	"context"
	"strconv"
	"strings"

	"dtfund"
	"dtfund/internal/store"
)

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// CreateUser creates an account. Only administrators (or the CLI's system
// actor) may do it.
func (a *App) CreateUser(ctx context.Context, actor Actor, u *dtfund.User, password string) error {
	if err := requireRole(actor, dtfund.RoleAdmin); err != nil {
		return err
	}
	u.Username = strings.TrimSpace(u.Username)
	u.DisplayName = strings.TrimSpace(u.DisplayName)
	u.Email = strings.TrimSpace(u.Email)
	if err := a.validateUserRefs(ctx, u); err != nil {
		return err
	}
	if err := dtfund.ValidatePassword(password); err != nil {
		return err
	}
	hash, err := a.Hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	return a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateUser(ctx, u, hash); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("user.create", "user", itoa(u.ID)), nil, u)
	})
}

// validateUserRefs checks the user's fields and that its district and
// organisation exist.
func (a *App) validateUserRefs(ctx context.Context, u *dtfund.User) error {
	if err := dtfund.ValidateUser(u); err != nil {
		return err
	}
	if u.DistrictCode != "" {
		if _, err := a.DB.District(ctx, u.DistrictCode); err != nil {
			return dtfund.FieldError("district_code", "辖区代码 %s 不存在", u.DistrictCode)
		}
	}
	if u.OrgID != 0 {
		if _, err := a.DB.Organization(ctx, u.OrgID, ""); err != nil {
			return dtfund.FieldError("org", "单位 %d 不存在", u.OrgID)
		}
	}
	return nil
}

// UserChange is a change to an account; nil fields stay as they are.
type UserChange struct {
	DisplayName  *string
	Email        *string
	Role         *dtfund.Role
	DistrictCode *string
	OrgID        *int64
	Disabled     *bool
}

// UpdateUser applies a change. Changing the role or jurisdiction, or
// disabling, ends the user's sessions and revokes their API tokens: they log
// in again, and create new tokens, with the new rights.
func (a *App) UpdateUser(ctx context.Context, actor Actor, id int64, c UserChange) (*dtfund.User, error) {
	if err := requireRole(actor, dtfund.RoleAdmin); err != nil {
		return nil, err
	}
	before, err := a.DB.User(ctx, id)
	if err != nil {
		return nil, err
	}
	u := *before
	applyUserChange(&u, c)
	if err := a.validateUserRefs(ctx, &u); err != nil {
		return nil, err
	}
	rightsChanged := u.Role != before.Role || u.DistrictCode != before.DistrictCode || u.OrgID != before.OrgID || u.Disabled
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateUser(ctx, &u); err != nil {
			return err
		}
		if rightsChanged {
			if _, err := tx.RevokeUserSessions(ctx, u.ID); err != nil {
				return err
			}
			// API tokens act with the rights they were created under: they
			// end too, and the user creates new ones (token.go).
			if _, err := tx.RevokeUserAPITokens(ctx, u.ID, actor.User.ID); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, actor.audit("user.update", "user", itoa(u.ID)), before, &u)
	})
	return &u, err
}

func applyUserChange(u *dtfund.User, c UserChange) {
	if c.DisplayName != nil {
		u.DisplayName = strings.TrimSpace(*c.DisplayName)
	}
	if c.Email != nil {
		u.Email = strings.TrimSpace(*c.Email)
	}
	if c.Role != nil {
		u.Role = *c.Role
	}
	if c.DistrictCode != nil {
		u.DistrictCode = *c.DistrictCode
	}
	if c.OrgID != nil {
		u.OrgID = *c.OrgID
	}
	if c.Disabled != nil {
		u.Disabled = *c.Disabled
	}
}

// ResetPassword sets a new password and ends the user's sessions.
func (a *App) ResetPassword(ctx context.Context, actor Actor, id int64, password string) error {
	if err := requireRole(actor, dtfund.RoleAdmin); err != nil {
		return err
	}
	if err := dtfund.ValidatePassword(password); err != nil {
		return err
	}
	hash, err := a.Hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	return a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetPasswordHash(ctx, id, hash); err != nil {
			return err
		}
		if _, err := tx.RevokeUserSessions(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("user.reset_password", "user", itoa(id)), nil, nil)
	})
}

// RevokeSessions ends every session of a user (admin action).
func (a *App) RevokeSessions(ctx context.Context, actor Actor, id int64) (int64, error) {
	if err := requireRole(actor, dtfund.RoleAdmin); err != nil {
		return 0, err
	}
	if _, err := a.DB.User(ctx, id); err != nil {
		return 0, err
	}
	var n int64
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if n, err = tx.RevokeUserSessions(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("user.revoke_sessions", "user", itoa(id)), nil, map[string]int64{"revoked": n})
	})
	return n, err
}

// UserByUsername looks up an account, for the CLI.
func (a *App) UserByUsername(ctx context.Context, username string) (*dtfund.User, error) {
	u, _, err := a.DB.UserByUsername(ctx, username)
	return u, err
}
