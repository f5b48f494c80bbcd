package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"mime"
	"net/smtp"
	"strings"
	"time"

	"dtfund/internal/store"
)

// Mailer sends one e-mail.
type Mailer interface {
	Send(ctx context.Context, to []string, subject, body string) error
}

// SMTPMailer sends through an SMTP server (net/smtp: STARTTLS when the
// server offers it; PLAIN authentication when a username is set, which
// net/smtp allows only over TLS or to localhost).
type SMTPMailer struct {
	Addr     string // host:port
	From     string
	Username string
	Password string
}

// Send implements Mailer.
func (m SMTPMailer) Send(ctx context.Context, to []string, subject, body string) error {
	var auth smtp.Auth
	if m.Username != "" {
		host, _, _ := strings.Cut(m.Addr, ":")
		auth = smtp.PlainAuth("", m.Username, m.Password, host)
	}
	return smtp.SendMail(m.Addr, auth, m.From, to, message(m.From, to, subject, body))
}

// message builds a UTF-8 plain-text message with an encoded subject and a
// base64 body, which every server passes through unchanged.
func message(from string, to []string, subject, body string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\n", from, strings.Join(to, ", "), mime.BEncoding.Encode("UTF-8", subject))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}

// DeliverNotifications e-mails up to limit pending notifications to the
// users of the organisation (or the one user) they concern, marking each as
// handled. It stops at the first failed send so that the rest are retried.
func (a *App) DeliverNotifications(ctx context.Context, m Mailer, limit int) (int, error) {
	ns, err := a.DB.UnsentNotifications(ctx, limit)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, n := range ns {
		to, err := a.recipients(ctx, n)
		if err != nil {
			return sent, err
		}
		if len(to) > 0 {
			body := n.Body
			if n.ApplicationID != 0 {
				body = strings.TrimSpace(body + "\n\n请登录长春市中小企业数字化转型专项资金管理系统查看详情。")
			}
			if err := m.Send(ctx, to, n.Subject, body); err != nil {
				return sent, fmt.Errorf("send notification %d: %w", n.ID, err)
			}
			sent++
		}
		if err := a.DB.InTx(ctx, func(tx *store.Tx) error { return tx.MarkEmailed(ctx, n.ID) }); err != nil {
			return sent, err
		}
	}
	return sent, nil
}

func (a *App) recipients(ctx context.Context, n *store.Notification) ([]string, error) {
	if n.UserID != 0 {
		u, err := a.DB.User(ctx, n.UserID)
		if err != nil || u.Email == "" || u.Disabled {
			return nil, nil
		}
		return []string{u.Email}, nil
	}
	if n.OrgID != 0 {
		return a.DB.OrgUserEmails(ctx, n.OrgID)
	}
	return nil, nil
}

// RunMailer delivers pending notifications every interval until ctx ends.
func (a *App) RunMailer(ctx context.Context, m Mailer, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := a.DeliverNotifications(ctx, m, 100); err != nil {
			a.Log.WarnContext(ctx, "mailer", "err", err, "sent", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
