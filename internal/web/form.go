package web

import (
	"errors"
	"math/big"
	"net/url"
	"strconv"
	"strings"

	"dtfund"
	"dtfund/uscc"
)

func asValidation(err error, ve *dtfund.ValidationErrors) bool { return errors.As(err, ve) }
func asError(err error, de **dtfund.Error) bool                { return errors.As(err, de) }

// parseMoney reads an amount typed by a person, in 元 (unit 1) or 万元
// (unit 10000), into fen. It accepts thousands separators, full-width digits
// and spaces, and at most as many decimals as make whole fen; it never goes
// through floating point.
func parseMoney(field, label, s string, unitYuan int64) (int64, error) {
	s = strings.ReplaceAll(uscc.Normalize(s), ",", "")
	if s == "" {
		return 0, nil
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok || strings.ContainsAny(s, "eE/") {
		return 0, dtfund.FieldError(field, "%s须为数字，例如 1234.56", label)
	}
	if r.Sign() < 0 {
		return 0, dtfund.FieldError(field, "%s不能为负数", label)
	}
	fen := new(big.Rat).Mul(r, big.NewRat(unitYuan*100, 1))
	if !fen.IsInt() {
		return 0, dtfund.FieldError(field, "%s最小单位为分", label)
	}
	if !fen.Num().IsInt64() || fen.Num().Int64() > 1e15 {
		return 0, dtfund.FieldError(field, "%s数额过大", label)
	}
	return fen.Num().Int64(), nil
}

// parseCount reads a non-negative whole number such as 从业人员.
func parseCount(field, label, s string) (int64, error) {
	s = strings.ReplaceAll(uscc.Normalize(s), ",", "")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > 10_000_000 {
		return 0, dtfund.FieldError(field, "%s须为不小于0的整数", label)
	}
	return n, nil
}

// pageParam reads ?page=N (1-based) into an offset for the page size.
func pageParam(s string, size int) (page, offset int) {
	page, err := strconv.Atoi(s)
	if err != nil || page < 1 || page > 100000 {
		page = 1
	}
	return page, (page - 1) * size
}

// pager is what list templates need to draw page links.
type pager struct {
	Page, Pages, Total int
	Query              string // the other query parameters, already encoded
	// More means there are more than Total matches: the count stopped at
	// a bound (a list that large is narrowed with filters, not paged).
	More bool
}

// newBoundedPager is newPager for a total counted up to limit+1
// (store.ApplicationFilter.CountLimit).
func newBoundedPager(page, size, total, limit int, query string) pager {
	if total <= limit {
		return newPager(page, size, total, query)
	}
	p := newPager(page, size, limit, query)
	p.More = true
	return p
}

func newPager(page, size, total int, query string) pager {
	pages := (total + size - 1) / size
	if pages == 0 {
		pages = 1
	}
	return pager{Page: page, Pages: pages, Total: total, Query: query}
}

// HasPrev and HasNext drive the 上一页/下一页 links.
func (p pager) HasPrev() bool { return p.Page > 1 }
func (p pager) HasNext() bool { return p.Page < p.Pages }
func (p pager) Prev() int     { return p.Page - 1 }
func (p pager) Next() int     { return p.Page + 1 }

// sortCol is a sortable column header: the link that sorts by it (or
// reverses the sort), and its current direction for aria-sort.
type sortCol struct {
	Label    string
	Href     string
	AriaSort string // "ascending" | "descending" | "" when not sorted by it
	Arrow    string
}

// sortColumns builds the headers of a list sorted by ?sort=key or -key:
// each link keeps the filters, drops the page and toggles the direction.
// Each column is given as "key:label".
func sortColumns(path string, q url.Values, cols ...string) map[string]sortCol {
	cur := q.Get("sort")
	out := make(map[string]sortCol, len(cols))
	for _, col := range cols {
		k, label, _ := strings.Cut(col, ":")
		next, c := k, sortCol{Label: label}
		switch cur {
		case k:
			next, c.AriaSort, c.Arrow = "-"+k, "ascending", "▲"
		case "-" + k:
			c.AriaSort, c.Arrow = "descending", "▼"
		}
		v := url.Values{}
		for name, vals := range q {
			if name != "page" && name != "sort" {
				v[name] = vals
			}
		}
		v.Set("sort", next)
		c.Href = path + "?" + v.Encode()
		out[k] = c
	}
	return out
}
