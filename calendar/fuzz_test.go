package calendar_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"reflect"
	"strings"
	"testing"

	"dtfund/calendar"
)

// FuzzParseOverrides feeds arbitrary bytes to the holiday-schedule CSV
// import: it never panics; a refusal is a Chinese message naming the line;
// an accepted schedule has no date twice and, written back as CSV, reads
// back the same.
func FuzzParseOverrides(f *testing.F) {
	year, err := os.ReadFile("testdata/2026.csv")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{string(year), "date,working\n2026-02-14,工作日\n", "\uFEFF日期,是否工作日\n2026-10-10,TRUE,国庆节,\"通知，2026\"\n",
		"# 注释\n\n2026-01-01,0\n", "2026-02-30,1\n", "2026-01-01,1\n2026-01-01,0\n", "\"2026-01-01,1\n", "2026-01-01\n", "a,b,c,d,e\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		os, err := calendar.ParseOverrides(bytes.NewReader(data))
		if err != nil {
			if msg := err.Error(); !strings.HasPrefix(msg, "节假日安排") && !strings.HasPrefix(msg, "读取节假日安排失败") {
				t.Fatalf("refusal does not say where: %q", msg)
			}
			return
		}
		seen := map[calendar.Date]bool{}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		for _, o := range os {
			if seen[o.Date] {
				t.Fatalf("date %s accepted twice", o.Date)
			}
			seen[o.Date] = true
			if _, err := calendar.ParseDate(o.Date.String()); err != nil {
				t.Fatalf("accepted date %s does not parse: %v", o.Date, err)
			}
			working := "休息日"
			if o.Working {
				working = "工作日"
			}
			w.Write([]string{o.Date.String(), working, o.Name, o.Source})
		}
		w.Flush()
		again, err := calendar.ParseOverrides(&buf)
		if err != nil {
			t.Fatalf("an accepted schedule, written back, is refused: %v\n%s", err, buf.String())
		}
		if len(os) == 0 && len(again) == 0 {
			return
		}
		if !reflect.DeepEqual(os, again) {
			t.Fatalf("schedule changed by a round trip:\n%+v\n%+v", os, again)
		}
	})
}
