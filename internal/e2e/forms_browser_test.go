package e2e

import (
	"testing"
)

// TestFormHelpers checks the progressive enhancements of forms.js in the
// browser: the amount in the other unit, the date picker that marks
// non-working days, and the unsaved-change warning.
func TestFormHelpers(t *testing.T) {
	chrome := findChromium(t)
	env := startServer(t)
	browser := startBrowser(t, chrome)
	shots := screenshotDir(t)

	t.Run("amount_in_other_unit", func(t *testing.T) {
		p := newTab(t, browser, env, shots)
		p.navigate(t, "/public/calculator")
		p.fill(t, "#a-rev", "１２３.45") // full-width digits, as an IME may type them
		mustEqual(t, "twin of 123.45 万元", p.text(t, "#a-rev + output.money-twin"), "＝ 1,234,500.00 元")
		p.fill(t, "#a-rev", "1.2345678")
		mustEqual(t, "finer than a fen", p.text(t, "#a-rev + output.money-twin"), "（金额格式不正确）")
	})

	t.Run("date_picker_marks_non_working_days", func(t *testing.T) {
		p := newTab(t, browser, env, shots)
		p.navigate(t, "/public/calendar")
		p.setValue(t, "#date", "2026-10-08")
		p.run(t, "open the calendar", clickOn(".datepick-btn"))
		p.waitVisible(t, ".datepick-pop .datepick-day")
		off := evaluate[[]string](t, p, `[...document.querySelectorAll(".datepick-pop .datepick-day.off")].map(b => b.getAttribute("aria-label"))`)
		mustContain(t, joinLines(off), "2026-10-01，休息日：法定节假日（国庆节）", "2026-10-03，休息日")
		mustNotContain(t, joinLines(off), "2026-10-09，")
		p.screenshot(t, "forms-date-picker")
		p.run(t, "pick 2026-10-04", clickOn(`.datepick-pop .datepick-day[aria-label^="2026-10-04"]`))
		mustEqual(t, "picked date", p.value(t, "#date"), "2026-10-04")
		mustContain(t, p.text(t, ".datepick-note"), "休息日：")
	})

	t.Run("unsaved_changes_warning", func(t *testing.T) {
		p := newTab(t, browser, env, shots)
		p.login(t, "qiye")
		p.navigate(t, "/profile/org")
		warn := `(() => { const e = new Event("beforeunload", {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented; })()`
		if evaluate[bool](t, p, warn) {
			t.Fatal("warned before anything was changed")
		}
		p.fill(t, "#name", "长春一汽富晟汽车零部件有限公司（改）")
		if !evaluate[bool](t, p, warn) {
			t.Fatal("no warning after a change")
		}
	})
}

func joinLines(ss []string) string {
	out := ""
	for _, s := range ss {
		out += s + "\n"
	}
	return out
}
