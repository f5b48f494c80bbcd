package policy

import "strconv"

// Money is shown in two forms: 元 with two decimals and 万元. Both are exact
// (integer arithmetic on fen; 1万元 = 1,000,000 分).

const fenPerWan = 1_000_000

// Yuan formats fen as 元 with thousands separators and two decimals:
// 28800000 → "288,000.00元".
func Yuan(fen int64) string {
	var buf [48]byte
	return string(appendYuan(buf[:0], fen))
}

func appendYuan(b []byte, fen int64) []byte {
	if fen < 0 {
		b = append(b, '-')
	}
	u := uabs(fen)
	var digits [24]byte
	ds := strconv.AppendUint(digits[:0], u/100, 10)
	lead := len(ds) % 3
	if lead == 0 {
		lead = 3
	}
	b = append(b, ds[:lead]...)
	for i := lead; i < len(ds); i += 3 {
		b = append(b, ',')
		b = append(b, ds[i:i+3]...)
	}
	r := u % 100
	b = append(b, '.', byte('0'+r/10), byte('0'+r%10))
	return append(b, "元"...)
}

// Wan formats fen as 万元 without rounding, trailing zeros dropped:
// 28800000 → "28.8万元", 50000000 → "50万元", 1 → "0.000001万元".
func Wan(fen int64) string {
	var buf [40]byte
	return string(appendWan(buf[:0], fen))
}

func appendWan(b []byte, fen int64) []byte {
	if fen < 0 {
		b = append(b, '-')
	}
	u := uabs(fen)
	b = strconv.AppendUint(b, u/fenPerWan, 10)
	if r := u % fenPerWan; r != 0 {
		var d [6]byte
		for i := 5; i >= 0; i-- {
			d[i] = byte('0' + r%10)
			r /= 10
		}
		n := 6
		for d[n-1] == '0' {
			n--
		}
		b = append(b, '.')
		b = append(b, d[:n]...)
	}
	return append(b, "万元"...)
}

// Money formats fen as "288,000.00元（28.8万元）".
func Money(fen int64) string {
	var buf [96]byte
	return text(buf[:0]).money(fen).String()
}

// Percent formats basis points with two decimals: 5000 → "50.00%".
func Percent(bp int64) string {
	var buf [32]byte
	return string(appendPercent(buf[:0], bp))
}

func appendPercent(b []byte, bp int64) []byte {
	if bp < 0 {
		b = append(b, '-')
	}
	u := uabs(bp)
	b = strconv.AppendUint(b, u/100, 10)
	return append(b, '.', byte('0'+u%100/10), byte('0'+u%10), '%')
}

func uabs(n int64) uint64 {
	if n < 0 {
		return uint64(-(n + 1)) + 1
	}
	return uint64(n)
}

// itoa is strconv.FormatInt for messages.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// text builds a message with one allocation. It is append-style, like
// strconv.AppendInt: each method returns the extended text, so a buffer
// declared on the stack stays there —
//
//	var buf [256]byte
//	msg := text(buf[:0]).s("合计").wan(sum).String()
//
// Evaluate builds a few dozen messages per decision, so this matters.
type text []byte

func (t text) s(x string) text { return append(t, x...) }

// wan appends an amount as 万元.
func (t text) wan(fen int64) text { return appendWan(t, fen) }

// money appends an amount as "288,000.00元（28.8万元）".
func (t text) money(fen int64) text {
	t = append(appendYuan(t, fen), "（"...)
	return append(appendWan(t, fen), "）"...)
}

func (t text) n(i int64) text { return strconv.AppendInt(t, i, 10) }

func (t text) pct(bp int64) text { return appendPercent(t, bp) }

func (t text) date(d Date) text { return d.appendTo(t) }

func (t text) String() string { return string(t) }
