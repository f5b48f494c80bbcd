package app

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/store"
)

// Personal access tokens (个人访问令牌) let a program call the JSON API as
// its user: `Authorization: Bearer <token>` acts with exactly the user's role
// and jurisdiction, through the same use cases as the web pages. The secret
// is shown once; only its SHA-256 is stored, as for sessions. Disabling a
// user or changing their role or jurisdiction revokes their tokens (user.go).

const (
	// TokenPrefix starts every secret, so that a leaked token is recognisable
	// (secret scanners, logs).
	TokenPrefix = "dtf_"
	// MaxActiveTokens bounds a user's tokens that are neither revoked nor expired.
	MaxActiveTokens = 20
	// MaxTokenDays is the furthest expiry a token may have.
	MaxTokenDays  = 366
	tokenNameRune = 50
	// tokenTouchEvery limits writes: use is recorded at most this often.
	tokenTouchEvery = time.Minute
	// tokenAttemptName marks failed bearer attempts in login_attempts; it
	// is not a valid username, so it never counts against an account.
	tokenAttemptName = "(api-token)"
)

// CreateToken creates a token for the actor. expiresOn ("YYYY-MM-DD", may be
// empty for no expiry) is the last day the token works, in Asia/Shanghai. It
// returns the secret, which is not stored and cannot be shown again.
func (a *App) CreateToken(ctx context.Context, actor Actor, name, expiresOn string) (string, *store.APIToken, error) {
	if actor.User == nil {
		return "", nil, dtfund.Errorf(dtfund.EUNAUTHORIZED, "请先登录")
	}
	t := &store.APIToken{UserID: actor.User.ID, Name: strings.TrimSpace(name)}
	var v dtfund.ValidationErrors
	if t.Name == "" || utf8.RuneCountInString(t.Name) > tokenNameRune {
		v.Add("name", "令牌名称不能为空，且不超过%d个字（用于辨认用途，如“财务系统对接”）", tokenNameRune)
	}
	if expiresOn = strings.TrimSpace(expiresOn); expiresOn != "" {
		end, err := a.tokenExpiry(expiresOn)
		if err != nil {
			v = append(v, err.(*dtfund.Error))
		}
		t.ExpiresAt = end
	}
	if err := v.Err(); err != nil {
		return "", nil, err
	}
	secret := TokenPrefix + newToken()
	t.Hash = HashToken(secret)
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		n, err := tx.ActiveAPITokenCount(ctx, t.UserID)
		if err != nil {
			return err
		}
		if n >= MaxActiveTokens {
			return dtfund.Errorf(dtfund.ECONFLICT, "每个账号最多保留%d个有效令牌，请先撤销不再使用的令牌", MaxActiveTokens)
		}
		if err := tx.CreateAPIToken(ctx, t); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("token.create", "api_token", itoa(t.ID)), nil, tokenAudit(t))
	})
	if err != nil {
		return "", nil, err
	}
	t.Username = actor.User.Username
	return secret, t, nil
}

// tokenExpiry reads the last valid day and returns the instant the token
// stops working: the following midnight in Asia/Shanghai.
func (a *App) tokenExpiry(s string) (time.Time, error) {
	d, err := calendar.ParseDate(s)
	if err != nil {
		return time.Time{}, dtfund.FieldError("expires_on", "有效期至“%s”无效，应为 YYYY-MM-DD", s)
	}
	today := calendar.DateOf(a.Now())
	if d.Before(today) || d.After(today.AddDays(MaxTokenDays)) {
		return time.Time{}, dtfund.FieldError("expires_on", "有效期至须在今天（%s）至%d天后之间；留空表示长期有效", today, MaxTokenDays)
	}
	next := d.AddDays(1)
	return time.Date(next.Year, next.Month, next.Day, 0, 0, 0, 0, calendar.Shanghai).UTC(), nil
}

// tokenAudit is what the audit log keeps of a token: never the secret or its hash.
func tokenAudit(t *store.APIToken) map[string]any {
	m := map[string]any{"name": t.Name, "user_id": t.UserID}
	if !t.ExpiresAt.IsZero() {
		m["expires_at"] = t.ExpiresAt
	}
	return m
}

// Tokens lists a user's tokens: one's own, or any user's for an administrator.
func (a *App) Tokens(ctx context.Context, actor Actor, userID int64) ([]*store.APIToken, error) {
	if err := tokenOwnerOrAdmin(actor, userID); err != nil {
		return nil, err
	}
	return a.DB.APITokens(ctx, userID)
}

func tokenOwnerOrAdmin(actor Actor, userID int64) error {
	if actor.User == nil {
		return dtfund.Errorf(dtfund.EUNAUTHORIZED, "请先登录")
	}
	if actor.User.ID != userID && actor.User.Role != dtfund.RoleAdmin {
		return dtfund.Errorf(dtfund.EFORBIDDEN, "只能查看和撤销本人的令牌")
	}
	return nil
}

// RevokeToken revokes one token: the owner's own, or any for an
// administrator. Revoking a revoked token changes nothing and succeeds.
func (a *App) RevokeToken(ctx context.Context, actor Actor, id int64) (*store.APIToken, error) {
	if actor.User == nil {
		return nil, dtfund.Errorf(dtfund.EUNAUTHORIZED, "请先登录")
	}
	var t *store.APIToken
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if t, err = tx.APIToken(ctx, id); err != nil {
			return err
		}
		if tokenOwnerOrAdmin(actor, t.UserID) != nil {
			return dtfund.Errorf(dtfund.ENOTFOUND, "令牌不存在") // another's token is not revealed
		}
		done, err := tx.RevokeAPIToken(ctx, id, actor.User.ID)
		if err != nil || !done {
			return err
		}
		t.RevokedAt, t.RevokedBy = tx.Now(), actor.User.ID
		return tx.Audit(ctx, actor.audit("token.revoke", "api_token", itoa(id)), nil, tokenAudit(t))
	})
	return t, err
}

// RevokeUserTokens revokes every token of a user (administrators).
func (a *App) RevokeUserTokens(ctx context.Context, actor Actor, userID int64) (int64, error) {
	if err := requireRole(actor, dtfund.RoleAdmin); err != nil {
		return 0, err
	}
	if _, err := a.DB.User(ctx, userID); err != nil {
		return 0, err
	}
	var n int64
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if n, err = tx.RevokeUserAPITokens(ctx, userID, actor.User.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("token.revoke_all", "user", itoa(userID)), nil, map[string]int64{"revoked": n})
	})
	return n, err
}

// AuthenticateToken resolves a bearer secret to its user. Unknown, revoked
// and expired tokens and disabled users are refused alike (EUNAUTHORIZED);
// failures count per address together with failed logins, and an address
// over the limit is refused (ETHROTTLED) before the secret is looked at.
func (a *App) AuthenticateToken(ctx context.Context, secret, ip string) (*dtfund.User, *store.APIToken, error) {
	n, err := a.DB.FailedTokenAttempts(ctx, ip, a.Now().Add(-ThrottleWindow))
	if err != nil {
		return nil, nil, err
	}
	if n >= MaxFailuresPerIP {
		return nil, nil, dtfund.Errorf(dtfund.ETHROTTLED, "认证失败次数过多，请%d分钟后再试", int(ThrottleWindow.Minutes()))
	}
	u, t, err := a.checkToken(ctx, secret)
	if dtfund.ErrorCode(err) == dtfund.EUNAUTHORIZED {
		if rerr := a.DB.InTx(ctx, func(tx *store.Tx) error { return tx.RecordLoginAttempt(ctx, tokenAttemptName, ip, false) }); rerr != nil {
			return nil, nil, rerr
		}
	}
	if err != nil {
		return nil, nil, err
	}
	if now := a.Now(); t.LastUsedAt.IsZero() || now.Sub(t.LastUsedAt) > tokenTouchEvery {
		if err := a.DB.InTx(ctx, func(tx *store.Tx) error { return tx.TouchAPIToken(ctx, t.ID) }); err != nil {
			a.Log.WarnContext(ctx, "touch api token", "err", err)
		}
	}
	return u, t, nil
}

func (a *App) checkToken(ctx context.Context, secret string) (*dtfund.User, *store.APIToken, error) {
	unauth := dtfund.Errorf(dtfund.EUNAUTHORIZED, "访问令牌无效、已过期或已撤销")
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) > 100 {
		return nil, nil, unauth
	}
	t, err := a.DB.APITokenByHash(ctx, HashToken(secret))
	if dtfund.ErrorCode(err) == dtfund.ENOTFOUND {
		return nil, nil, unauth
	}
	if err != nil {
		return nil, nil, err
	}
	if !t.Active(a.Now()) {
		return nil, nil, unauth
	}
	u, err := a.DB.User(ctx, t.UserID)
	if err != nil {
		return nil, nil, err
	}
	if u.Disabled {
		return nil, nil, unauth
	}
	return u, t, nil
}
