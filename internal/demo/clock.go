package demo

import (
	"context"
	"fmt"
	"os"
	"sort"
	"time"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/app"
)

// The pre-built history is dated in the past: each step runs with the
// app's and the database's clocks set to the moment it is meant to have
// happened, so that timelines, audit records, notifications, publicity
// periods and decisions carry those dates. Moments are named in working
// days before today, so the history always ends just before the demo
// starts and no official seems to work at the weekend.

// seeder carries what the demo steps share.
type seeder struct {
	ctx   context.Context
	a     *app.App
	now   func() time.Time // the real clock, restored at the end
	cal   *calendar.Calendar
	today calendar.Date
	orgs  map[string]*dtfund.Organization // by name
	users map[string]*dtfund.User         // by username
	queue []event
}

// event is one scheduled step of the history.
type event struct {
	at time.Time
	do func() error
}

func newSeeder(ctx context.Context, a *app.App) (*seeder, error) {
	cal, err := a.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	return &seeder{ctx: ctx, a: a, now: a.Now, cal: cal, today: calendar.DateOf(a.Now()),
		orgs: map[string]*dtfund.Organization{}, users: map[string]*dtfund.User{}}, nil
}

// day is the k-th working day before today (k = 0: today).
func (s *seeder) day(k int) calendar.Date {
	d := s.today
	for n := 0; n < k; {
		d = d.AddDays(-1)
		if s.cal.IsWorkingDay(d) {
			n++
		}
	}
	return d
}

// moment is hh:mm Beijing time on the k-th working day before today.
func (s *seeder) moment(k int, hhmm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s.day(k).String()+" "+hhmm, calendar.Shanghai)
	if err != nil {
		panic(fmt.Sprintf("demo: bad time %q: %v", hhmm, err)) // a typo in this package
	}
	return t.UTC()
}

// set moves both clocks to t.
func (s *seeder) set(t time.Time) {
	f := func() time.Time { return t }
	s.a.Now = f
	s.a.DB.SetClock(f)
}

// restoreClock gives both clocks back the app's own clock. A caller whose
// database clock differed from a.Now must set it again.
func (s *seeder) restoreClock() {
	s.a.Now = s.now
	s.a.DB.SetClock(s.now)
}

// on schedules a step at hh:mm of the k-th working day before today.
func (s *seeder) on(k int, hhmm string, do func() error) {
	s.queue = append(s.queue, event{at: s.moment(k, hhmm), do: do})
}

// run performs the scheduled steps in time order (steps at the same moment
// in the order they were scheduled), each at its moment.
func (s *seeder) run() error {
	q := s.queue
	s.queue = nil
	sort.SliceStable(q, func(i, j int) bool { return q[i].at.Before(q[j].at) })
	for _, e := range q {
		s.set(e.at)
		if err := e.do(); err != nil {
			return fmt.Errorf("%s: %w", e.at.In(calendar.Shanghai).Format("2006-01-02 15:04"), err)
		}
	}
	return nil
}

// actor is the demo user named username.
func (s *seeder) actor(username string) app.Actor {
	u, ok := s.users[username]
	if !ok {
		panic("demo: no user " + username) // a typo in this package
	}
	return app.Actor{User: u, IP: "127.0.0.1", RequestID: "demo"}
}

// ensureFilesDir gives an App without a data directory (a test's) a
// temporary one: the pre-built applications carry their materials.
func ensureFilesDir(a *app.App) error {
	if a.FilesDir != "" {
		return nil
	}
	dir, err := os.MkdirTemp("", "dtfund-demo-files-")
	if err != nil {
		return err
	}
	a.Log.Warn("demo: no data directory set, attachments go to a temporary directory", "dir", dir)
	a.FilesDir = dir
	return nil
}
