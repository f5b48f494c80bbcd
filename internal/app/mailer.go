package app

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"mime"
	"net"
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

// Send implements Mailer. The whole conversation has a deadline (smtpTimeout),
// shorter than the claim on the notification (emailLease), so that a hung
// server cannot make a claim run out while its message is still being sent.
func (m SMTPMailer) Send(ctx context.Context, to []string, subject, body string) error {
	ctx, cancel := context.WithTimeout(ctx, smtpTimeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", m.Addr)
	if err != nil {
		return err
	}
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	host, _, _ := strings.Cut(m.Addr, ":")
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: host}); err != nil {
			return err
		}
	}
	if m.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", m.Username, m.Password, host)); err != nil {
			return err
		}
	}
	if err := c.Mail(m.From); err != nil {
		return err
	}
	for _, addr := range to {
		if err := c.Rcpt(addr); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(message(m.From, to, subject, body)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// smtpTimeout bounds one message's SMTP conversation; emailLease, the claim
// on a notification while it is sent, is longer.
const (
	smtpTimeout = 2 * time.Minute
	emailLease  = 10 * time.Minute
)

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
// handled. Each notification is claimed first (store.ClaimEmail, a
// compare-and-set with a lease), so that instances running this at the
// same moment never send the same one twice; one claimed by another
// instance is skipped. It stops at the first failed send, giving that
// notification back, so that the rest are retried on the next run.
func (a *App) DeliverNotifications(ctx context.Context, m Mailer, limit int) (int, error) {
	ns, err := a.DB.UnsentNotifications(ctx, limit)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, n := range ns {
		claimed := false
		err := a.DB.InTx(ctx, func(tx *store.Tx) (err error) {
			claimed, err = tx.ClaimEmail(ctx, n.ID, a.Instance, tx.Now().Add(emailLease))
			return err
		})
		if err != nil {
			return sent, err
		}
		if !claimed {
			continue // another instance has it
		}
		ok, err := a.deliver(ctx, m, n)
		if err != nil {
			bg := context.WithoutCancel(ctx) // give it back even when ctx ended the send
			release := func(tx *store.Tx) error { return tx.ReleaseEmail(bg, n.ID, a.Instance) }
			if rerr := a.DB.InTx(bg, release); rerr != nil {
				a.Log.WarnContext(ctx, "mailer: release claim", "notification", n.ID, "err", rerr)
			}
			return sent, err
		}
		if ok {
			sent++
		}
		if err := a.DB.InTx(ctx, func(tx *store.Tx) error { return tx.MarkEmailed(ctx, n.ID, a.Instance) }); err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// deliver sends one notification; false when nobody has an address.
func (a *App) deliver(ctx context.Context, m Mailer, n *store.Notification) (bool, error) {
	to, err := a.recipients(ctx, n)
	if err != nil || len(to) == 0 {
		return false, err
	}
	body := n.Body
	if n.ApplicationID != 0 {
		body = strings.TrimSpace(body + "\n\n请登录长春市中小企业数字化转型专项资金管理系统查看详情。")
	}
	if err := m.Send(ctx, to, n.Subject, body); err != nil {
		return false, fmt.Errorf("send notification %d: %w", n.ID, err)
	}
	return true, nil
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
