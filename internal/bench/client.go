package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Client is one browser: its own cookies, following no redirects (the
// status and Location of a form's answer are what a browser acts on).
type Client struct {
	Base string // http://host:port
	http *http.Client
	csrf string
	// Timed, when set, receives each request's name, duration and status.
	Timed func(name string, d time.Duration, status int)
}

// NewClient returns a browser for the server at base, over transport (nil:
// a transport of its own).
func NewClient(base string, transport http.RoundTripper) *Client {
	jar, _ := cookiejar.New(nil)
	if transport == nil {
		transport = &http.Transport{MaxIdleConnsPerHost: 4}
	}
	return &Client{Base: base, http: &http.Client{Jar: jar, Transport: transport, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Response is what came back: status, redirect target and body.
type Response struct {
	Status   int
	Location string
	Body     string
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (c *Client) do(ctx context.Context, name string, req *http.Request) (*Response, error) {
	start := time.Now()
	resp, err := c.http.Do(req.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if c.Timed != nil {
		c.Timed(name, time.Since(start), resp.StatusCode)
	}
	if err != nil {
		return nil, err
	}
	r := &Response{Status: resp.StatusCode, Location: resp.Header.Get("Location"), Body: string(body)}
	if m := csrfRE.FindStringSubmatch(r.Body); m != nil {
		c.csrf = m[1] // the session's token (the same on every form of the session)
	}
	return r, nil
}

// Get fetches a page.
func (c *Client) Get(ctx context.Context, name, path string) (*Response, error) {
	req, err := http.NewRequest(http.MethodGet, c.Base+path, nil)
	if err != nil {
		return nil, err
	}
	return c.do(ctx, name, req)
}

// Post sends a form with the CSRF token of the last page seen.
func (c *Client) Post(ctx context.Context, name, path string, form url.Values) (*Response, error) {
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set("csrf_token", c.csrf)
	req, err := http.NewRequest(http.MethodPost, c.Base+path, strings.NewReader(f.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(ctx, name, req)
}

// Upload sends a multipart form with one file.
func (c *Client) Upload(ctx context.Context, name, path string, fields url.Values, file string, data []byte) (*Response, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	mw.WriteField("csrf_token", c.csrf)
	fw, err := mw.CreateFormFile("file", file)
	if err != nil {
		return nil, err
	}
	fw.Write(data)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, c.Base+path, &body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(ctx, name, req)
}

// StatusError is an unexpected answer.
type StatusError struct {
	Step   string
	Status int
	Body   string
}

func (e *StatusError) Error() string {
	body := e.Body
	if m := alertRE.FindStringSubmatch(body); m != nil {
		body = m[1]
	} else if len(body) > 300 {
		body = body[:300]
	}
	return fmt.Sprintf("%s: HTTP %d: %s", e.Step, e.Status, strings.TrimSpace(body))
}

var alertRE = regexp.MustCompile(`(?s)class="(?:alert|flash)[^"]*"[^>]*>(.*?)</`)

func expect(step string, r *Response, err error, status int) (*Response, error) {
	if err != nil {
		return nil, fmt.Errorf("%s: %w", step, err)
	}
	if r.Status != status {
		return r, &StatusError{Step: step, Status: r.Status, Body: r.Body}
	}
	return r, nil
}

// Login logs in with the login form.
func (c *Client) Login(ctx context.Context, username, password string) error {
	r, err := c.Get(ctx, "login_form", "/login")
	if _, err := expect("login form", r, err, http.StatusOK); err != nil {
		return err
	}
	r, err = c.Post(ctx, "login", "/login", url.Values{"username": {username}, "password": {password}})
	if _, err := expect("login "+username, r, err, http.StatusSeeOther); err != nil {
		return err
	}
	// The session's CSRF token: the login form's token was the visitor's.
	r, err = c.Get(ctx, "home", "/home")
	_, err = expect("home", r, err, http.StatusOK)
	return err
}

// PDF is a small valid attachment (checked by content, not by name); seq
// makes its bytes, hence its content address, distinct.
func PDF(seq int) []byte {
	return fmt.Appendf(nil, "%%PDF-1.7\n%% 申报书（压测）第%d份\n1 0 obj << /Type /Catalog >> endobj\n%s\n%%%%EOF\n", seq,
		strings.Repeat("0123456789abcdef", 256))
}

// ApplicationForm is the application form as typed: an SME's
// 数字化改造 (第七条（一）) with five spending items, one goal and the
// declarations. seq makes it distinct.
func ApplicationForm(seq int) url.Values {
	f := url.Values{"title": {fmt.Sprintf("生产线数字化改造项目%d", seq)},
		"description": {"建设MES系统，设备联网，打通计划、生产、质量数据；实施方案和预期成效见申报书。"},
		"requested":   {"150000"}, "manufacturing_retrofit": {"on"},
		"goals.0.indicator": {"设备联网率"}, "goals.0.baseline": {"30%"}, "goals.0.target": {"90%"},
		"decl.integrity": {"on"}, "decl.tax_compliant": {"on"}, "decl.no_major_incident": {"on"},
		"spending_rows": {"5"}, "goal_rows": {"1"}, "provider_rows": {"0"}}
	types := []string{"software", "data_equipment", "software", "data_equipment", "software"}
	for i := 0; i < 5; i++ {
		p := "spending." + strconv.Itoa(i) + "."
		f.Set(p+"type", types[i])
		f.Set(p+"supplier", fmt.Sprintf("长春数字科技有限公司%d", i+1))
		f.Set(p+"description", fmt.Sprintf("改造支出第%d项", i+1))
		f.Set(p+"contract_no", fmt.Sprintf("HT-%d-%d", seq, i+1))
		f.Set(p+"contract_date", "2025-09-01")
		f.Set(p+"invoice_no", fmt.Sprintf("FP-%d-%d", seq, i+1))
		f.Set(p+"invoice_date", "2025-10-10")
		f.Set(p+"payment_date", "2025-10-20")
		f.Set(p+"amount", "60000")
	}
	return f
}

// Submission is one application taken from the call page to submitted.
type Submission struct {
	AppID int64
	// Acknowledged is true once the server answered the submission with
	// its redirect (303): the applicant was told it is submitted.
	Acknowledged bool
}

var appEditRE = regexp.MustCompile(`^/apps/(\d+)/edit`)

// Apply starts an application under the call, fills in the form, uploads
// the application document (申报书) and submits: four write requests, as a
// browser sends them.
func (c *Client) Apply(ctx context.Context, callID int64, seq int) (*Submission, error) {
	call := fmt.Sprintf("/calls/%d", callID)
	r, err := c.Get(ctx, "call_page", call)
	if _, err := expect("call page", r, err, http.StatusOK); err != nil {
		return nil, err
	}
	r, err = c.Post(ctx, "apply", call+"/apply", nil)
	if _, err := expect("start application", r, err, http.StatusSeeOther); err != nil {
		return nil, err
	}
	m := appEditRE.FindStringSubmatch(r.Location)
	if m == nil {
		return nil, fmt.Errorf("start application: redirected to %q", r.Location)
	}
	s := &Submission{}
	s.AppID, _ = strconv.ParseInt(m[1], 10, 64)
	edit := fmt.Sprintf("/apps/%d/edit", s.AppID)
	form := ApplicationForm(seq)
	r, err = c.Post(ctx, "save", edit, form)
	if _, err := expect("save draft", r, err, http.StatusSeeOther); err != nil {
		return s, err
	}
	up := fmt.Sprintf("/apps/%d/attachments", s.AppID)
	r, err = c.Upload(ctx, "upload", up, url.Values{"kind": {"申报书"}}, "申报书.pdf", PDF(seq))
	if _, err := expect("upload", r, err, http.StatusSeeOther); err != nil {
		return s, err
	}
	form.Set("idem", randomHex(16))
	r, err = c.Post(ctx, "submit", fmt.Sprintf("/apps/%d/submit", s.AppID), form)
	if _, err := expect("submit", r, err, http.StatusSeeOther); err != nil {
		return s, err
	}
	s.Acknowledged = true
	return s, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Release records a budget release (下达预算) as the city finance bureau:
// one ledger transaction per document.
func (c *Client) Release(ctx context.Context, year int, doc string, wan int) error {
	r, err := c.Get(ctx, "budget_page", fmt.Sprintf("/budget?year=%d", year))
	if _, err := expect("budget page", r, err, http.StatusOK); err != nil {
		return err
	}
	r, err = c.Post(ctx, "release", "/budget/releases", url.Values{"year": {strconv.Itoa(year)}, "release_source": {"central"},
		"doc_number": {doc}, "doc_date": {fmt.Sprintf("%d-03-01", year)}, "release_amount": {strconv.Itoa(wan)}, "release_unit": {"wan"},
		"idem": {randomHex(16)}})
	_, err = expect("release "+doc, r, err, http.StatusSeeOther)
	return err
}
