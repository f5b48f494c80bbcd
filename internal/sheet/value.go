package sheet

import (
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"
)

// Cell values as Excel, WPS and LibreOffice leave them: numbers stored as
// text or as binary floating point, full-width digits typed with a Chinese
// input method, thousands separators, units, dates as serial numbers or in
// any of the ways people write them. Everything here is exact: amounts are
// parsed as decimal strings, never through float64.

// Fold converts full-width ASCII (digits, letters, punctuation) and the
// ideographic space to their half-width forms, trims white space (including
// U+3000, no-break spaces, zero-width spaces and byte-order marks) and
// collapses inner runs of white space to one space. It is for codes,
// numbers, dates and headers; names keep their full-width brackets (Trim).
func Fold(s string) string {
	s = width.Fold.String(s)
	return strings.Join(strings.FieldsFunc(s, isSpace), " ")
}

// Trim removes surrounding white space, including U+3000, no-break spaces,
// zero-width spaces and byte-order marks, and nothing else: names and free
// text are kept as written.
func Trim(s string) string { return strings.TrimFunc(s, isSpace) }

func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200B' || r == '\uFEFF' || r == '\u00A0'
}

// Errors of the value parsers; RowReader turns them into Chinese messages
// that name the cell.
var (
	errNotNumber     = errors.New("不是有效的数字")
	errTooManyDigits = errors.New("最多保留两位小数（精确到分）")
	errNotInteger    = errors.New("须为整数")
	errScientific    = errors.New("被存成了科学计数法的数字，已丢失位数；请把该列设为文本格式后重新填写")
)

var numberChars = strings.NewReplacer(",", "", " ", "", "'", "")

// cleanNumber strips what people write around a number: width, spaces,
// thousands separators, a currency sign and the given unit suffixes.
func cleanNumber(s string, units ...string) string {
	s = Fold(s)
	s = strings.TrimLeft(s, "¥￥")
	for _, u := range units {
		s = strings.TrimSuffix(s, u)
	}
	return numberChars.Replace(s)
}

// Units of money columns, in fen.
const (
	FenPerYuan = 100
	FenPerWan  = 1_000_000
)

// floatNoise is how far from a whole number of the smallest unit a value
// read from a binary floating-point cell may be and still count as that
// number: 0.1+0.2 is stored as 0.30000000000000004.
var floatNoise = big.NewRat(1, 1_000_000)

// exact parses s as a decimal number (sign, digits, point, exponent) into an
// exact rational.
func exact(s string) (*big.Rat, error) {
	if s == "" || strings.ContainsAny(s, "/_") { // big.Rat also reads fractions and Go literals
		return nil, errNotNumber
	}
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") { // accounting negative
		s = "-" + s[1:len(s)-1]
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, errNotNumber
	}
	return r, nil
}

// ParseMoney reads an amount into fen. unitFen is how many fen one unit of
// the column is: 100 for 元, 1,000,000 for 万元. The result must be a
// whole number of fen; binary floating-point noise (more than 15
// significant digits within a millionth of a fen) is rounded away.
func ParseMoney(s string, unitFen int64) (int64, error) {
	switch f := Fold(s); { // a unit written in the cell wins over the column's
	case strings.HasSuffix(f, "万元"):
		unitFen = FenPerWan
	case strings.HasSuffix(f, "元"):
		unitFen = FenPerYuan
	}
	r, err := exact(cleanNumber(s, "万元", "元"))
	if err != nil {
		return 0, err
	}
	return whole(r.Mul(r, big.NewRat(unitFen, 1)), errTooManyDigits)
}

// ParseInt reads a whole number (a count of people, a year), allowing
// separators and the unit 人.
func ParseInt(s string) (int64, error) {
	r, err := exact(cleanNumber(s, "人", "年"))
	if err != nil {
		return 0, err
	}
	return whole(r, errNotInteger)
}

// whole returns r as an int64 if it is one, up to float noise.
func whole(r *big.Rat, frac error) (int64, error) {
	if r.IsInt() {
		if !r.Num().IsInt64() {
			return 0, errNotNumber
		}
		return r.Num().Int64(), nil
	}
	// Round half away from zero, then accept only noise-sized differences.
	n := new(big.Int).Quo(r.Num(), r.Denom())
	rest := new(big.Rat).Sub(r, new(big.Rat).SetInt(n))
	half := big.NewRat(1, 2)
	switch {
	case rest.Sign() > 0 && rest.Cmp(half) >= 0:
		n.Add(n, big.NewInt(1))
	case rest.Sign() < 0 && new(big.Rat).Neg(rest).Cmp(half) >= 0:
		n.Sub(n, big.NewInt(1))
	}
	diff := new(big.Rat).Sub(r, new(big.Rat).SetInt(n))
	if diff.Abs(diff).Cmp(floatNoise) > 0 || !n.IsInt64() {
		return 0, frac
	}
	return n.Int64(), nil
}

// Excel's serial day numbers that can be civil dates of this system
// (1900-01-01 … 9999-12-31).
const maxSerial = 2958465

var dateRE = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$`)

// ParseDate reads a civil date and returns it as YYYY-MM-DD: an Excel
// serial number (what a date cell holds), 2024-01-02, 2024/1/2, 2024.1.2,
// 2024年1月2日, 20240102, with or without a time after it.
func ParseDate(s string, date1904 bool) (string, error) {
	s = Fold(s)
	if m := dateRE.FindStringSubmatch(s); m != nil {
		return civil(m[1], m[2], m[3])
	}
	if len(s) == 8 && isDigits(s) {
		return civil(s[:4], s[4:6], s[6:])
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 1 && f <= maxSerial {
		t, err := excelize.ExcelDateToTime(f, date1904)
		if err != nil {
			return "", err
		}
		return t.Format(time.DateOnly), nil
	}
	return "", errors.New("不是有效的日期，应写作 2024-01-02、2024/1/2 或 2024年1月2日")
}

func civil(y, m, d string) (string, error) {
	yy, _ := strconv.Atoi(y)
	mm, _ := strconv.Atoi(m)
	dd, _ := strconv.Atoi(d)
	t := time.Date(yy, time.Month(mm), dd, 0, 0, 0, 0, time.UTC)
	if t.Year() != yy || int(t.Month()) != mm || t.Day() != dd {
		return "", fmt.Errorf("%d年%d月%d日不存在", yy, mm, dd)
	}
	return t.Format(time.DateOnly), nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// yes and no are the words accepted for a yes/no column.
var (
	yes = map[string]bool{"是": true, "有": true, "y": true, "yes": true, "true": true, "1": true, "√": true, "✓": true, "在库": true}
	no  = map[string]bool{"否": true, "无": true, "n": true, "no": true, "false": true, "0": true, "×": true, "✗": true, "不在库": true}
)

// ParseBool reads 是/否 and the usual equivalents.
func ParseBool(s string) (bool, error) {
	f := strings.ToLower(Fold(s))
	switch {
	case yes[f]:
		return true, nil
	case no[f]:
		return false, nil
	}
	return false, errors.New("应填写“是”或“否”")
}

// scientific reports whether a code was stored as a number Excel can only
// show in scientific notation (a long all-digit code typed into a number
// cell): its digits are lost and cannot be recovered.
func scientific(s string) bool {
	if !strings.ContainsAny(s, "Ee") {
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}
