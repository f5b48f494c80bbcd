package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"dtfund"
	"dtfund/internal/store"
)

// Login throttling: failures counted over a window, per account and per
// address. A success resets the account's count.
const (
	ThrottleWindow     = 15 * time.Minute
	MaxFailuresPerUser = 5
	MaxFailuresPerIP   = 30
	// SessionIdle is how long a session lives without activity.
	SessionIdle = 8 * time.Hour
	// sessionTouchEvery limits writes: activity is recorded at most this often.
	sessionTouchEvery = time.Minute
)

// Login checks the credentials and opens a session; it returns the cookie
// token (the database stores only its hash).
func (a *App) Login(ctx context.Context, username, password, ip, userAgent string) (string, *dtfund.User, error) {
	username = strings.TrimSpace(username)
	if username == "" || password == "" {
		return "", nil, dtfund.FieldError("username", "请输入用户名和密码")
	}
	byUser, byIP, err := a.DB.FailedLogins(ctx, username, ip, a.Now().Add(-ThrottleWindow))
	if err != nil {
		return "", nil, err
	}
	if byUser >= MaxFailuresPerUser || byIP >= MaxFailuresPerIP {
		return "", nil, dtfund.Errorf(dtfund.ETHROTTLED, "登录失败次数过多，请%d分钟后再试", int(ThrottleWindow.Minutes()))
	}
	u, ok, err := a.checkPassword(ctx, username, password)
	if err != nil {
		return "", nil, err
	}
	if !ok {
		if err := a.DB.InTx(ctx, func(tx *store.Tx) error { return tx.RecordLoginAttempt(ctx, username, ip, false) }); err != nil {
			return "", nil, err
		}
		return "", nil, dtfund.Errorf(dtfund.EUNAUTHORIZED, "用户名或密码错误")
	}
	if u.Disabled {
		return "", nil, dtfund.Errorf(dtfund.EUNAUTHORIZED, "该账号已停用，请联系管理员")
	}
	token := newToken()
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.RecordLoginAttempt(ctx, username, ip, true); err != nil {
			return err
		}
		s := &store.Session{ID: HashToken(token), UserID: u.ID, ExpiresAt: tx.Now().Add(SessionIdle), IP: ip, UserAgent: userAgent}
		if err := tx.CreateSession(ctx, s); err != nil {
			return err
		}
		return tx.Audit(ctx, Actor{User: u, IP: ip}.audit("login", "user", itoa(u.ID)), nil, nil)
	})
	if err != nil {
		return "", nil, err
	}
	return token, u, nil
}

func (a *App) checkPassword(ctx context.Context, username, password string) (*dtfund.User, bool, error) {
	u, hash, err := a.DB.UserByUsername(ctx, username)
	if dtfund.ErrorCode(err) == dtfund.ENOTFOUND {
		// Verify against a dummy hash so that the response time does not
		// reveal which usernames exist.
		a.dummyOnce.Do(func() { a.dummyHash, _ = a.Hasher.Hash(ctx, "dummy-password") })
		_, _ = a.Hasher.Verify(ctx, password, a.dummyHash)
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	ok, err := a.Hasher.Verify(ctx, password, hash)
	return u, ok, err
}

// Authenticate resolves a session cookie token to its user. Revoked and
// expired sessions and disabled users are refused.
func (a *App) Authenticate(ctx context.Context, token string) (*dtfund.User, *store.Session, error) {
	unauth := dtfund.Errorf(dtfund.EUNAUTHORIZED, "登录已失效，请重新登录")
	if token == "" {
		return nil, nil, unauth
	}
	s, err := a.DB.Session(ctx, HashToken(token))
	if dtfund.ErrorCode(err) == dtfund.ENOTFOUND {
		return nil, nil, unauth
	}
	if err != nil {
		return nil, nil, err
	}
	now := a.Now()
	if !s.Active(now) {
		return nil, nil, unauth
	}
	u, err := a.DB.User(ctx, s.UserID)
	if err != nil {
		return nil, nil, err
	}
	if u.Disabled {
		return nil, nil, unauth
	}
	if now.Sub(s.LastSeenAt) > sessionTouchEvery {
		err := a.DB.InTx(ctx, func(tx *store.Tx) error { return tx.TouchSession(ctx, s.ID, now.Add(SessionIdle)) })
		if err != nil {
			a.Log.WarnContext(ctx, "touch session", "err", err)
		}
	}
	return u, s, nil
}

// Logout revokes the session of the token.
func (a *App) Logout(ctx context.Context, actor Actor, token string) error {
	return a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.RevokeSession(ctx, HashToken(token)); err != nil {
			return err
		}
		if actor.User == nil {
			return nil
		}
		return tx.Audit(ctx, actor.audit("logout", "user", itoa(actor.User.ID)), nil, nil)
	})
}

// HashToken is the stored form of a session token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func newToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
