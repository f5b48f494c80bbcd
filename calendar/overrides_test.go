package calendar

import (
	"os"
	"strings"
	"testing"
)

func TestParseOverridesFile2026(t *testing.T) {
	f, err := os.Open("testdata/2026.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	o, err := ParseOverrides(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(o) != 39 { // 33 days off + 6 调休 working days
		t.Fatalf("got %d overrides, want 39", len(o))
	}
	// The file must describe 2026 exactly as the notice facts do.
	fromFile, builtin := New(o), New(nil)
	for d := mustDate(t, "2026-01-01"); d.Year == 2026; d = d.AddDays(1) {
		if got, want := fromFile.IsWorkingDay(d), expectedWorking(t, d); got != want {
			t.Errorf("with 2026.csv IsWorkingDay(%s) = %v, want %v", d, got, want)
		}
		if fromFile.IsWorkingDay(d) != builtin.IsWorkingDay(d) {
			t.Errorf("2026.csv and lunar-go disagree on %s", d)
		}
	}
	want := "2026-02-14 星期六：管理员设定为工作日（春节，来源：国务院办公厅关于2026年部分节假日安排的通知）"
	if got := fromFile.Explain(mustDate(t, "2026-02-14")); got != want {
		t.Errorf("Explain = %q, want %q", got, want)
	}
}

func TestParseOverridesGood(t *testing.T) {
	in := "\uFEFF日期,是否工作日,名称,来源\n" +
		"# comment\n" +
		"\n" +
		"2027-01-01,休息日,元旦,通知\n" +
		"2027-01-04, TRUE ,,\n" +
		"2027-01-05,0\n" +
		"2027-01-06,1,补班\n" +
		"2027-01-07,False,\"名称,含逗号\",来源\n"
	got, err := ParseOverrides(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Override{
		{mustDate(t, "2027-01-01"), false, "元旦", "通知"},
		{mustDate(t, "2027-01-04"), true, "", ""},
		{mustDate(t, "2027-01-05"), false, "", ""},
		{mustDate(t, "2027-01-06"), true, "补班", ""},
		{mustDate(t, "2027-01-07"), false, "名称,含逗号", "来源"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d overrides %v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("override %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestParseOverridesBad(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string // substrings of the error
	}{
		{"bad date", "date,working\n2026-02-30,工作日\n", []string{"第2行", "日期", "YYYY-MM-DD"}},
		{"slash date", "2026/01/01,休息日\n", []string{"第1行", "日期"}},
		{"bad flag", "# c\n2026-01-01,上班\n", []string{"第2行", "「上班」", "工作日、休息日"}},
		{"one field", "2026-01-01\n", []string{"第1行", "2–4"}},
		{"five fields", "2026-01-01,1,a,b,c\n", []string{"第1行", "5个字段"}},
		{"duplicate", "2026-01-01,1\n\n2026-01-01,0\n", []string{"第3行", "第1行", "重复"}},
		{"header not first", "2026-01-01,1\ndate,working\n", []string{"第2行", "日期"}},
		{"bad quote", "2026-01-01,1,\"open\n2026-01-02,1\n", []string{"第1行", "引号"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseOverrides(strings.NewReader(tt.in))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// A quoted name or source with line breaks or a stray carriage return (found
// by FuzzParseOverrides) is kept on one line, so that writing the schedule
// back and reading it again gives the same names.
func TestParseOverridesNamesOnOneLine(t *testing.T) {
	got, err := ParseOverrides(strings.NewReader("2026-10-01,休息日,\"国庆\r\r\n中秋\",\"国办发明电\n〔2025〕7号\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Name != "国庆  中秋" || got[0].Source != "国办发明电 〔2025〕7号" {
		t.Fatalf("got %+v", got)
	}
}
