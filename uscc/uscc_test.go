package uscc

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// Expected values below were computed independently (by hand/script from the
// GB 32100 and GB 11714 formulas), not by this package.
func TestValidateAccepts(t *testing.T) {
	for _, code := range []string{
		"91110000600037341L", // example from the standard's literature
		"91220101MA0Y3K5T8X", // letters in the organisation code, check 'X'
		"12220000412345670E", // organisation check '0' (c == 11)
		"52220000MJ000000XP", // organisation check 'X' (c == 10)
	} {
		if err := Validate(code); err != nil {
			t.Errorf("Validate(%q) = %v, want nil", code, err)
		}
	}
}

func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name   string
		code   string
		reason Reason
		pos    int
		msg    []string // substrings the user-facing message must contain
	}{
		{"bad check char", "91110000600037341N", ReasonCheck, 18, []string{"校验位不正确", "第18位"}},
		{"bad org check, final check consistent", "91110000600037342P", ReasonOrgCheck, 17, []string{"第17位"}},
		{"bad org check X", "9111000060003734XB", ReasonOrgCheck, 17, []string{"组织机构代码"}},
		{"length 17", "91110000600037341", ReasonLength, 0, []string{"18位", "当前为17位"}},
		{"length 19", "91110000600037341LL", ReasonLength, 0, []string{"18位", "当前为19位"}},
		{"empty", "", ReasonLength, 0, []string{"不能为空"}},
		{"chinese counts as one char", "91110000600037341中", ReasonChar, 18, []string{"「中」", "第18位"}},
		{"lower case", "91110000600037341l", ReasonLowercase, 18, []string{"小写", "大写"}},
		{"lower case early", "9111000060003734ab", ReasonLowercase, 17, []string{"第17位"}},
		{"lower forbidden", "9111000060003734o1", ReasonChar, 17, []string{"「o」", "I、O、S、V、Z"}},
		{"space inside", "9111000060 037341L", ReasonChar, 11, []string{"空格"}},
		{"hyphen", "91-10000600037341L", ReasonChar, 3, []string{"「-」", "第3位"}},
		{"division letter", "9111A000600037341L", ReasonDivision, 5, []string{"行政区划码", "第5位", "「A」"}},
		{"division letter pos 8", "9111000A600037341L", ReasonDivision, 8, []string{"第8位"}},
		{"full width not normalised", "９1110000600037341L", ReasonChar, 1, []string{"第1位"}},
	}
	for _, f := range forbiddenLetters {
		code := "911100006" + string(f) + "0037341L"
		tests = append(tests, struct {
			name   string
			code   string
			reason Reason
			pos    int
			msg    []string
		}{"forbidden " + string(f), code, ReasonChar, 10, []string{"「" + string(f) + "」", "第10位", "I、O、S、V、Z"}})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.code)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Validate(%q) = %v, want *Error", tt.code, err)
			}
			if e.Reason != tt.reason || e.Pos != tt.pos {
				t.Errorf("Validate(%q) reason/pos = %s/%d, want %s/%d (%s)", tt.code, e.Reason, e.Pos, tt.reason, tt.pos, e.Msg)
			}
			want := append([]string{"统一社会信用代码"}, tt.msg...)
			for _, w := range want {
				if !strings.Contains(e.Error(), w) {
					t.Errorf("message %q lacks %q", e.Error(), w)
				}
			}
			if tt.reason == ReasonCheck && strings.Contains(e.Msg, "L") {
				t.Errorf("message reveals the expected check character: %q", e.Msg)
			}
		})
	}
}

// Every single-character substitution of a valid code must be rejected:
// that is what the two check characters are for.
func TestValidateCatchesEverySubstitution(t *testing.T) {
	const valid = "91110000600037341L"
	for i := 0; i < Length; i++ {
		for j := 0; j < len(alphabet); j++ {
			if alphabet[j] == valid[i] {
				continue
			}
			code := valid[:i] + string(alphabet[j]) + valid[i+1:]
			if Validate(code) == nil {
				t.Errorf("Validate(%q) accepted a substitution at position %d", code, i+1)
			}
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  91110000600037341L\t", "91110000600037341L"},
		{"\u3000９１１１００００６０００３７３４１Ｌ\u3000", "91110000600037341L"},
		{"\uFEFF91110000600037341L\r\n", "91110000600037341L"},
		{"９１１１００００６０００３７３４１ｌ", "91110000600037341l"}, // case kept
		{"9111 0000", "9111 0000"}, // inner space kept
		{"", ""},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if err := Validate(Normalize("　９１１１００００６０００３７３４１Ｌ")); err != nil {
		t.Errorf("full-width input after Normalize: %v", err)
	}
	var e *Error
	if err := Validate(Normalize("９１１１００００６０００３７３４１ｌ")); !errors.As(err, &e) || e.Reason != ReasonLowercase {
		t.Errorf("full-width lower case after Normalize = %v, want ReasonLowercase", err)
	}
}

func TestCheckChar(t *testing.T) {
	tests := []struct {
		in      string
		want    byte
		wantErr Reason
	}{
		{"91110000600037341", 'L', ""},
		{"91220101MA0Y3K5T8", 'X', ""},
		{"12220000412345670", 'E', ""},
		{"9111000060003734", 0, ReasonLength},
		{"9111000060003734I", 0, ReasonChar},
		{"9111000060003734a", 0, ReasonLowercase},
	}
	for _, tt := range tests {
		got, err := CheckChar(tt.in)
		if tt.wantErr != "" {
			var e *Error
			if !errors.As(err, &e) || e.Reason != tt.wantErr {
				t.Errorf("CheckChar(%q) err = %v, want reason %s", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("CheckChar(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestOrgCheckChar(t *testing.T) {
	tests := []struct {
		in      string
		want    byte
		wantErr bool
	}{
		{"60003734", '1', false},
		{"MA0Y3K5T", '8', false},
		{"41234567", '0', false}, // 11 - 0 = 11 → '0'
		{"MJ000000", 'X', false}, // 11 - 1 = 10 → 'X'
		{"6000373", 0, true},
		{"6000373a", 0, true},
		{"6000373-", 0, true},
	}
	for _, tt := range tests {
		got, err := OrgCheckChar(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("OrgCheckChar(%q) = %q, %v; want %q, err=%v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestDivisionCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"91220101MA0Y3K5T8X", "220101"},
		{"91110000600037341L", "110000"},
		{"9122010", ""},
		{"9122A101MA0Y3K5T8X", ""},
	}
	for _, tt := range tests {
		if got := DivisionCode(tt.in); got != tt.want {
			t.Errorf("DivisionCode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAuthorityName(t *testing.T) {
	tests := map[byte]string{'1': "机构编制", '5': "民政", '9': "工商", 'Y': "其他", '2': "", 'Z': ""}
	for c, want := range tests {
		if got := AuthorityName(c); got != want {
			t.Errorf("AuthorityName(%q) = %q, want %q", c, got, want)
		}
	}
}

func TestGenerate(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	args := []struct {
		auth, typ byte
		div       string
	}{{'9', '1', "220101"}, {'9', '2', "220104"}, {'5', '2', "220000"}, {'Y', '1', "220183"}}
	for _, a := range args {
		for range 500 {
			code := Generate(r, a.auth, a.typ, a.div)
			if err := Validate(code); err != nil {
				t.Fatalf("Generate produced %q: %v", code, err)
			}
			if code[0] != a.auth || code[1] != a.typ || DivisionCode(code) != a.div {
				t.Fatalf("Generate(%q,%q,%q) = %q: prefix not kept", a.auth, a.typ, a.div, code)
			}
		}
	}
}

func TestGeneratePanicsOnBadInput(t *testing.T) {
	for _, div := range []string{"22010", "22010A"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Generate with division %q did not panic", div)
				}
			}()
			Generate(rand.New(rand.NewPCG(1, 2)), '9', '1', div)
		}()
	}
}

func FuzzValidate(f *testing.F) {
	for _, s := range []string{"91110000600037341L", "91110000600037341N", "", "９１１", "9111000060003734ab", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n := Normalize(s); Normalize(n) != n {
			t.Errorf("Normalize not idempotent on %q", s)
		}
		err := Validate(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || !strings.Contains(e.Msg, "统一社会信用代码") {
				t.Fatalf("Validate(%q) = %#v, want *Error with Chinese message", s, err)
			}
			// The position named is inside the input, and only a length
			// error names none.
			if e.Pos < 0 || e.Pos > utf8.RuneCountInString(s) || (e.Pos == 0) != (e.Reason == ReasonLength) {
				t.Fatalf("Validate(%q) names position %d (%s)", s, e.Pos, e.Reason)
			}
			return
		}
		if d := DivisionCode(s); d != s[2:8] {
			t.Fatalf("accepted %q but DivisionCode is %q", s, d)
		}
		if len(s) != Length {
			t.Fatalf("accepted %q of byte length %d", s, len(s))
		}
		c, cerr := CheckChar(s[:17])
		o, oerr := OrgCheckChar(s[8:16])
		if cerr != nil || oerr != nil || c != s[17] || o != s[16] {
			t.Fatalf("accepted %q but checks recompute to %q/%q (%v, %v)", s, o, c, oerr, cerr)
		}
	})
}

func BenchmarkValidate(b *testing.B) {
	for b.Loop() {
		if Validate("91220101MA0Y3K5T8X") != nil {
			b.Fatal("rejected valid code")
		}
	}
}
