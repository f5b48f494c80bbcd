// Package uscc validates and generates the Unified Social Credit Code
// (统一社会信用代码, GB 32100-2015) that identifies every applicant enterprise.
//
// A code has 18 characters from a 31-character alphabet (digits and upper-case
// letters without I, O, S, V, Z):
//
//	position 1      registration authority (登记管理部门代码)
//	position 2      entity type (机构类别代码)
//	positions 3–8   administrative division code (登记管理机关行政区划码), digits
//	positions 9–17  organisation code (主体标识码/组织机构代码, GB 11714),
//	                position 17 being its own check character
//	position 18     check character (校验码) over positions 1–17
//
// Validate enforces both check characters, so a single mistyped character is
// always caught. Normalize cleans up spreadsheet input before validation.
package uscc

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Length is the number of characters in a code.
const Length = 18

// alphabet lists the legal characters in value order: a character's index is
// its numeric value (0–30) in the check-character computation.
const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// forbiddenLetters are the letters the standard leaves out because they are
// easily confused with digits or other letters.
const forbiddenLetters = "IOSVZ"

// weights for positions 1–17: 3^(i−1) mod 31.
var weights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// orgWeights for the 8 body characters of a GB 11714 organisation code.
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// values maps a byte to its alphabet value, or -1. A table keeps Validate
// allocation-free and avoids a string search per character.
var values = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = int8(i)
	}
	return t
}()

// Reason classifies why a code was rejected, so callers can react without
// parsing the Chinese message.
type Reason string

// Reasons reported by Validate, CheckChar and OrgCheckChar.
const (
	ReasonLength    Reason = "length"    // not 18 characters (长度错误)
	ReasonLowercase Reason = "lowercase" // lower-case letter (小写字母)
	ReasonChar      Reason = "char"      // character outside the alphabet (非法字符)
	ReasonDivision  Reason = "division"  // positions 3–8 not all digits (行政区划码)
	ReasonOrgCheck  Reason = "org_check" // position 17 wrong (组织机构代码校验码)
	ReasonCheck     Reason = "check"     // position 18 wrong (校验码)
)

// Error describes an invalid code. Pos is the 1-based character position at
// fault, or 0 when the problem is not tied to one position (length).
type Error struct {
	Reason Reason
	Pos    int
	Msg    string
}

// Error returns the Chinese message intended for the end user.
func (e *Error) Error() string { return e.Msg }

// Validate reports whether code is a well-formed 统一社会信用代码. It does not
// trim or upper-case its input: call Normalize first for user input, and let
// lower case be reported, because silently changing an identifier the user
// typed would hide a data-entry problem. The result is nil or an *Error.
func Validate(code string) error {
	if n := utf8.RuneCountInString(code); n != Length {
		return lengthError(n)
	}
	if err := checkChars(code, 1); err != nil {
		return err
	}
	// From here on all 18 characters are single-byte alphabet characters.
	for i := 2; i < 8; i++ {
		if code[i] < '0' || code[i] > '9' {
			return &Error{ReasonDivision, i + 1, fmt.Sprintf(
				"统一社会信用代码第3–8位是行政区划码，只能是数字，但第%d位是「%c」", i+1, code[i])}
		}
	}
	if org, _ := orgCheck(code[8:16]); org != code[16] {
		return &Error{ReasonOrgCheck, 17,
			"统一社会信用代码第17位（组织机构代码校验位）不正确，请核对第9–17位是否录入有误"}
	}
	if code[17] != checkChar(code[:17]) {
		return &Error{ReasonCheck, 18, "统一社会信用代码校验位不正确（第18位），请核对整个代码是否录入有误"}
	}
	return nil
}

func lengthError(n int) *Error {
	if n == 0 {
		return &Error{ReasonLength, 0, "统一社会信用代码不能为空，应为18位"}
	}
	return &Error{ReasonLength, 0, fmt.Sprintf("统一社会信用代码应为18位，当前为%d位", n)}
}

// checkChars verifies that every character of s is in the alphabet; first is
// the code position of s[0], so messages name the position in the whole code.
func checkChars(s string, first int) *Error {
	pos := first
	for _, r := range s {
		if r < utf8.RuneSelf && values[r] >= 0 {
			pos++
			continue
		}
		return charError(r, pos)
	}
	return nil
}

// charError distinguishes a fixable lower-case letter from a character that
// can never appear, because the advice to the user differs.
func charError(r rune, pos int) *Error {
	up := unicode.ToUpper(r)
	if r >= 'a' && r <= 'z' && !strings.ContainsRune(forbiddenLetters, up) {
		return &Error{ReasonLowercase, pos, fmt.Sprintf(
			"统一社会信用代码第%d位「%c」是小写字母，请使用大写字母", pos, r)}
	}
	if strings.ContainsRune(forbiddenLetters, up) {
		return &Error{ReasonChar, pos, fmt.Sprintf(
			"统一社会信用代码第%d位「%c」不是有效字符：代码中不使用字母 I、O、S、V、Z", pos, r)}
	}
	return &Error{ReasonChar, pos, fmt.Sprintf(
		"统一社会信用代码第%d位%s不是有效字符：只能使用数字0–9和大写字母（不含 I、O、S、V、Z）",
		pos, describeRune(r))}
}

// describeRune names characters that would be invisible or garbled if quoted.
func describeRune(r rune) string {
	switch {
	case r == ' ' || r == '\u3000':
		return "是空格，"
	case r == utf8.RuneError:
		return "是无法识别的字符，"
	case !unicode.IsPrint(r):
		return fmt.Sprintf("是不可见字符 %U，", r)
	}
	return fmt.Sprintf("「%c」", r)
}

// CheckChar returns the check character (position 18) for the first 17
// characters of a code. It does not verify the organisation-code check.
func CheckChar(first17 string) (byte, error) {
	if n := utf8.RuneCountInString(first17); n != 17 {
		return 0, &Error{ReasonLength, 0, fmt.Sprintf(
			"计算统一社会信用代码校验位需要前17位，当前为%d位", n)}
	}
	if err := checkChars(first17, 1); err != nil {
		return 0, err
	}
	return checkChar(first17), nil
}

// checkChar assumes s is 17 alphabet characters.
func checkChar(s string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(values[s[i]]) * weights[i]
	}
	return alphabet[(31-sum%31)%31]
}

// OrgCheckChar returns the GB 11714 check character for the 8-character body
// of an organisation code (positions 9–16 of a 统一社会信用代码).
func OrgCheckChar(org8 string) (byte, error) {
	c, err := orgCheck(org8)
	if err != nil {
		return 0, err
	}
	return c, nil
}

// orgCheck accepts digits and all upper-case letters, as GB 11714 does; the
// narrower USCC alphabet is enforced separately by Validate.
func orgCheck(org8 string) (byte, *Error) {
	if len(org8) != 8 {
		return 0, &Error{ReasonLength, 0, fmt.Sprintf(
			"计算组织机构代码校验位需要8位本体代码，当前为%d位", utf8.RuneCountInString(org8))}
	}
	sum := 0
	for i := 0; i < 8; i++ {
		v, ok := orgValue(org8[i])
		if !ok {
			return 0, &Error{ReasonChar, i + 1, fmt.Sprintf(
				"组织机构代码第%d位不是数字或大写字母", i+1)}
		}
		sum += v * orgWeights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X', nil
	case 11:
		return '0', nil
	default:
		return byte('0' + c), nil
	}
}

func orgValue(b byte) (int, bool) {
	switch {
	case b >= '0' && b <= '9':
		return int(b - '0'), true
	case b >= 'A' && b <= 'Z':
		return int(b-'A') + 10, true
	}
	return 0, false
}

// DivisionCode returns the administrative division code (positions 3–8), or ""
// if the code is too short or those positions are not six digits.
func DivisionCode(code string) string {
	if len(code) < 8 || !isDigits(code[2:8]) {
		return ""
	}
	return code[2:8]
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// AuthorityName names the common registration authorities (position 1):
// 1 机构编制, 5 民政, 9 工商 (market regulation, i.e. enterprises), Y 其他.
// It returns "" for other characters, which Validate still accepts.
func AuthorityName(c byte) string {
	switch c {
	case '1':
		return "机构编制"
	case '5':
		return "民政"
	case '9':
		return "工商"
	case 'Y':
		return "其他"
	}
	return ""
}

// Normalize prepares pasted or spreadsheet input for Validate: it trims
// surrounding white space (including the ideographic space and BOM/zero-width
// characters Excel and WPS leave behind) and converts full-width digits and
// letters to ASCII. It deliberately keeps the letter case, so that Validate
// can still tell the user about lower-case input.
func Normalize(s string) string {
	s = strings.TrimFunc(s, isTrimmable)
	return strings.Map(halfWidth, s)
}

func isTrimmable(r rune) bool {
	return unicode.IsSpace(r) || r == '\uFEFF' || r == '\u200B'
}

// halfWidth maps full-width ASCII digits and letters (U+FF10…) to ASCII.
func halfWidth(r rune) rune {
	switch {
	case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ':
		return r - 0xFEE0
	}
	return r
}

// Generate returns a random valid code for demo data and tests. authority and
// entityType must be alphabet characters and division six digits; anything
// else is a programming error and panics.
func Generate(r *rand.Rand, authority, entityType byte, division string) string {
	if values[authority] < 0 || values[entityType] < 0 || len(division) != 6 || !isDigits(division) {
		panic(fmt.Sprintf("uscc.Generate: invalid arguments %q %q %q", authority, entityType, division))
	}
	b := make([]byte, 0, Length)
	b = append(b, authority, entityType)
	b = append(b, division...)
	for range 8 {
		b = append(b, alphabet[r.IntN(len(alphabet))])
	}
	org, _ := orgCheck(string(b[8:16]))
	b = append(b, org)
	b = append(b, checkChar(string(b)))
	return string(b)
}
