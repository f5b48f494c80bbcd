package calendar

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
)

// ParseOverrides reads a holiday schedule as CSV so that an administrator can
// load a new year's State Council notice without a software release:
//
//	date,working,name,source
//	2026-02-14,工作日,春节,国务院办公厅关于2026年部分节假日安排的通知
//	2026-02-15,休息日,春节,国务院办公厅关于2026年部分节假日安排的通知
//
// date is YYYY-MM-DD; working is 工作日/休息日, true/false or 1/0 (case
// insensitive, since Excel upper-cases TRUE/FALSE); name and source are
// optional. A header line (first field "date" or "日期"), blank lines and lines
// starting with # are skipped, and a UTF-8 BOM as written by Excel is ignored.
// Errors are in Chinese and name the line number.
func ParseOverrides(r io.Reader) ([]Override, error) {
	cr := csv.NewReader(skipBOM(r))
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var out []Override
	seen := make(map[Date]int) // date → line, to reject contradictory entries
	for first := true; ; first = false {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if isBlank(rec) || (first && isHeader(rec)) {
			continue
		}
		o, err := parseRecord(rec, line)
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[o.Date]; dup {
			return nil, fmt.Errorf("节假日安排第%d行：日期 %s 与第%d行重复", line, o.Date, prev)
		}
		seen[o.Date] = line
		out = append(out, o)
	}
}

func skipBOM(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\uFEFF" {
		_, _ = br.Discard(3)
	}
	return br
}

func isBlank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func isHeader(rec []string) bool {
	f := strings.ToLower(strings.TrimSpace(rec[0]))
	return f == "date" || f == "日期"
}

func parseRecord(rec []string, line int) (Override, error) {
	if len(rec) < 2 || len(rec) > 4 {
		return Override{}, fmt.Errorf(
			"节假日安排第%d行：有%d个字段，应为2–4个（日期,是否工作日,名称,来源）", line, len(rec))
	}
	for i := range rec {
		rec[i] = strings.TrimSpace(rec[i])
	}
	d, err := ParseDate(rec[0])
	if err != nil {
		return Override{}, fmt.Errorf("节假日安排第%d行：%w", line, err)
	}
	working, ok := ParseWorking(rec[1])
	if !ok {
		return Override{}, fmt.Errorf(
			"节假日安排第%d行：「%s」无法识别，第2列应为 工作日、休息日、true、false、1 或 0", line, rec[1])
	}
	o := Override{Date: d, Working: working}
	if len(rec) > 2 {
		o.Name = oneLine(rec[2])
	}
	if len(rec) > 3 {
		o.Source = oneLine(rec[3])
	}
	return o, nil
}

// oneLine keeps a name or source on one line: a quoted CSV field may carry
// line breaks (and encoding/csv turns \r\n into \n but keeps a lone \r),
// which a holiday's name never means; control characters become spaces.
func oneLine(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s))
}

// ParseWorking reads the working flag of a schedule line: 工作日, true or 1
// for a working day, 休息日, false or 0 for a day off (case insensitive, since
// Excel upper-cases TRUE/FALSE).
func ParseWorking(s string) (working, ok bool) {

	switch {
	case s == "工作日" || s == "1" || strings.EqualFold(s, "true"):
		return true, true
	case s == "休息日" || s == "0" || strings.EqualFold(s, "false"):
		return false, true
	}
	return false, false
}

// csvError translates encoding/csv errors, whose text is English, while
// keeping the line number the administrator needs.
func csvError(err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("读取节假日安排失败：%w", err)
	}
	what := "CSV 格式错误"
	if errors.Is(pe.Err, csv.ErrBareQuote) || errors.Is(pe.Err, csv.ErrQuote) {
		what = "引号不配对或位置不正确"
	}
	return fmt.Errorf("节假日安排第%d行：%s", pe.StartLine, what)
}
