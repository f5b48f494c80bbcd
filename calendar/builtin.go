package calendar

import (
	"sync"

	"github.com/6tail/lunar-go/HolidayUtil"
)

// tableDay is one day listed in a State Council holiday notice.
type tableDay struct {
	working bool   // true for a 调休 working day
	name    string // e.g. 春节, 国庆中秋
}

// The lunar-go table covers notices from 2001-12-29 on; scanning to 2100
// picks up whatever future years a newer lunar-go release adds.
const (
	firstTableYear = 2001
	lastTableYear  = 2100
)

// builtinTable snapshots lunar-go's table into a map once. A map lookup is
// much cheaper than lunar-go's string search per call, and the snapshot
// cannot change under us if some other code calls HolidayUtil.Fix later.
var builtinTable = sync.OnceValue(func() map[Date]tableDay {
	t := make(map[Date]tableDay, 40*(lastTableYear-firstTableYear))
	for y := firstTableYear; y <= lastTableYear; y++ {
		for e := HolidayUtil.GetHolidaysByYear(y).Front(); e != nil; e = e.Next() {
			h := e.Value.(*HolidayUtil.Holiday)
			if d, err := ParseDate(h.GetDay()); err == nil {
				t[d] = tableDay{working: h.IsWork(), name: h.GetName()}
			}
		}
	}
	return t
})

// builtinYears lists the years that have at least one entry in the table.
var builtinYears = sync.OnceValue(func() map[int]bool {
	years := make(map[int]bool)
	for d := range builtinTable() {
		years[d.Year] = true
	}
	return years
})
