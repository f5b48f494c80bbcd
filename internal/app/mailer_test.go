package app_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

type recordingMailer struct {
	mu   sync.Mutex
	sent []string
	fail bool
}

func (m *recordingMailer) Send(_ context.Context, to []string, subject, _ string) error {
	if m.fail {
		return errors.New("smtp down")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, strings.Join(to, ",")+"|"+subject)
	return nil
}

func TestDeliverNotifications(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProcessFixture(t, db)
		email := "li@example.cn"
		if _, err := f.a.UpdateUser(ctx, app.SystemActor("t"), f.applicant.User.ID, app.UserChange{Email: &email}); err != nil {
			t.Fatal(err)
		}
		ap := f.draft(t)
		if _, err := f.a.Act(ctx, f.applicant, app.Step{AppID: ap.ID, Action: dtfund.ActSubmit}); err != nil {
			t.Fatal(err)
		}
		down := &recordingMailer{fail: true}
		if _, err := f.a.DeliverNotifications(ctx, down, 10); err == nil {
			t.Fatal("a failed send must be reported")
		}
		m := &recordingMailer{}
		n, err := f.a.DeliverNotifications(ctx, m, 10)
		if err != nil || n != 1 || len(m.sent) != 1 || !strings.HasPrefix(m.sent[0], "li@example.cn|申报 "+ap.Number) {
			t.Fatalf("delivered %d: %v, %v", n, m.sent, err)
		}
		// Handled notifications are not sent again.
		if n, _ := f.a.DeliverNotifications(ctx, m, 10); n != 0 || len(m.sent) != 1 {
			t.Fatalf("second delivery sent %d", n)
		}
	})
}

// TestSMTPMailer talks to a minimal SMTP server on loopback.
func TestSMTPMailer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan string, 1)
	go fakeSMTP(ln, got)
	m := app.SMTPMailer{Addr: ln.Addr().String(), From: "dtfund@example.cn"}
	if err := m.Send(context.Background(), []string{"li@example.cn"}, "申报已退回", "请补充发票。"); err != nil {
		t.Fatal(err)
	}
	data := <-got
	if !strings.Contains(data, "Subject: =?UTF-8?b?") || !strings.Contains(data, "To: li@example.cn") {
		t.Fatalf("message headers: %q", data)
	}
	body := data[strings.Index(data, "\r\n\r\n")+4:]
	dec, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(strings.TrimSpace(body), "\r\n", ""))
	if err != nil || string(dec) != "请补充发票。" {
		t.Fatalf("body = %q, %v", dec, err)
	}
}

func fakeSMTP(ln net.Listener, got chan<- string) {
	conn, err := ln.Accept()
	if err != nil {
		return
	}
	defer conn.Close()
	r := bufio.NewReader(conn)
	say := func(s string) { conn.Write([]byte(s + "\r\n")) }
	say("220 fake")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 fake")
		case strings.HasPrefix(cmd, "DATA"):
			say("354 go ahead")
			var msg strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil || l == ".\r\n" {
					break
				}
				msg.WriteString(l)
			}
			got <- msg.String()
			say("250 ok")
		case strings.HasPrefix(cmd, "QUIT"):
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}
