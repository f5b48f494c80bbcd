// Package app holds the use cases of dtfund: one function per action, each
// checking the actor's role and jurisdiction and running in one transaction
// with its audit record.
package app

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"dtfund"
	"dtfund/internal/store"
)

// App bundles what the use cases need.
type App struct {
	DB     *store.DB
	Log    *slog.Logger
	Hasher *PasswordHasher
	// Now is the clock; tests replace it.
	Now func() time.Time
	// FilesDir is the data directory; attachments are stored under
	// FilesDir/attachments by their SHA-256 (attachment.go).
	FilesDir string
	// Acceptances supplies accepted 第七条（一） projects to 免申即享 matching
	// (matching.go): the projects' acceptance records (acceptance_source.go).
	Acceptances AcceptanceSource
	// Instance names this process among several serving one database
	// (host, process ID and a random part); claims and leases carry it.
	Instance string

	cal calendarCache

	dummyOnce sync.Once
	dummyHash string
}

// New returns an App over db with production settings.
func New(db *store.DB, log *slog.Logger) *App {
	if log == nil {
		log = slog.Default()
	}
	a := &App{DB: db, Log: log, Hasher: NewPasswordHasher(), Now: time.Now, Instance: NewInstanceID()}
	a.Acceptances = projectAcceptances{a}
	return a
}

// NewInstanceID names a process: host, process ID and a random suffix (a
// restarted process is another instance).
func NewInstanceID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Actor is who performs an action: a logged-in user, or the system itself
// (CLI, scheduled work) when User is nil.
type Actor struct {
	User      *dtfund.User
	IP        string
	RequestID string
}

// SystemActor is the actor of command-line and scheduled actions.
func SystemActor(name string) Actor {
	return Actor{User: &dtfund.User{Username: name, DisplayName: name, Role: dtfund.RoleAdmin}}
}

// audit builds the audit entry for an action by the actor.
func (a Actor) audit(action, objectType, objectID string) store.AuditEntry {
	e := store.AuditEntry{IP: a.IP, RequestID: a.RequestID, Action: action, ObjectType: objectType, ObjectID: objectID}
	if a.User != nil {
		e.ActorID, e.Actor = a.User.ID, a.User.Username
	}
	return e
}

// requireRole returns EFORBIDDEN unless the actor has one of the roles.
func requireRole(a Actor, roles ...dtfund.Role) error {
	if a.User == nil {
		return dtfund.Errorf(dtfund.EUNAUTHORIZED, "请先登录")
	}
	for _, r := range roles {
		if a.User.Role == r {
			return nil
		}
	}
	return dtfund.Errorf(dtfund.EFORBIDDEN, "您的角色（%s）无权执行此操作", a.User.Role.Label())
}
