package app

import (
	"context"
	"strings"
	"sync"
	"time"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/store"
)

// calendarCache holds the working-day calendar built from the holiday table
// and the administrator's overrides. It is rebuilt after every change here,
// and at least every calendarTTL so that other instances' changes arrive.
type calendarCache struct {
	mu     sync.Mutex
	cal    *calendar.Calendar
	loaded time.Time
}

const calendarTTL = time.Minute

// Calendar returns the working-day calendar with the database's overrides.
func (a *App) Calendar(ctx context.Context) (*calendar.Calendar, error) {
	a.cal.mu.Lock()
	defer a.cal.mu.Unlock()
	if a.cal.cal != nil && a.Now().Sub(a.cal.loaded) < calendarTTL {
		return a.cal.cal, nil
	}
	rows, err := a.DB.CalendarOverrides(ctx)
	if err != nil {
		return nil, err
	}
	overrides := make([]calendar.Override, 0, len(rows))
	for _, o := range rows {
		d, err := calendar.ParseDate(o.Date)
		if err != nil {
			return nil, err
		}
		overrides = append(overrides, calendar.Override{Date: d, Working: o.Working, Name: o.Name, Source: o.Source})
	}
	a.cal.cal, a.cal.loaded = calendar.New(overrides), a.Now()
	return a.cal.cal, nil
}

func (a *App) invalidateCalendar() {
	a.cal.mu.Lock()
	a.cal.cal = nil
	a.cal.mu.Unlock()
}

// PutCalendarOverrides stores administrator overrides (one date, or a whole
// year's schedule from a file) in one transaction.
func (a *App) PutCalendarOverrides(ctx context.Context, actor Actor, os []calendar.Override) error {
	if err := requireRole(actor, dtfund.RoleAdmin); err != nil {
		return err
	}
	for i, o := range os {
		if strings.TrimSpace(o.Source) == "" {
			return dtfund.FieldError("source", "第%d条（%s）缺少来源（如国务院办公厅通知文号）", i+1, o.Date)
		}
	}
	defer a.invalidateCalendar()
	return a.DB.InTx(ctx, func(tx *store.Tx) error {
		for _, o := range os {
			row := store.CalendarOverride{Date: o.Date.String(), Working: o.Working, Name: o.Name, Source: o.Source}
			if err := tx.PutCalendarOverride(ctx, row, actorID(actor)); err != nil {
				return err
			}
			if err := tx.Audit(ctx, actor.audit("calendar.put", "calendar_override", row.Date), nil, row); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteCalendarOverride removes an override; the built-in table applies again.
func (a *App) DeleteCalendarOverride(ctx context.Context, actor Actor, d calendar.Date) error {
	if err := requireRole(actor, dtfund.RoleAdmin); err != nil {
		return err
	}
	defer a.invalidateCalendar()
	return a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteCalendarOverride(ctx, d.String()); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("calendar.delete", "calendar_override", d.String()), nil, nil)
	})
}

func actorID(a Actor) int64 {
	if a.User == nil {
		return 0
	}
	return a.User.ID
}
