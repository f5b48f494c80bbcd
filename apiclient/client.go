package apiclient

//go:generate go test dtfund/internal/api -run TestGeneratedClientIsCurrent -update

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Client calls the API as the user of a personal access token.
type Client struct {
	BaseURL string // e.g. https://dtfund.example.gov.cn
	Token   string // a personal access token (dtf_…), created at /profile/tokens
	HTTP    *http.Client
}

// New returns a client for the server at baseURL.
func New(baseURL, token string) *Client {
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), Token: token, HTTP: &http.Client{Timeout: 60 * time.Second}}
}

// Error is an error answered by the API.
type Error struct {
	Status int
	ErrorDetail
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message)
	if e.RequestID != "" {
		msg += "（请求编号 " + e.RequestID + "）"
	}
	return msg
}

// do sends one request: in's path, query and form fields go where their
// tags say, the rest as the JSON body; the answer is decoded into out
// (a *Download receives the file, a *NoContent nothing).
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	req, err := c.request(ctx, method, path, in)
	if err != nil {
		return err
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		e := &Error{Status: resp.StatusCode}
		var body ErrorBody
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			e.Code, e.Message = "internal", http.StatusText(resp.StatusCode)
			return e
		}
		e.ErrorDetail = body.Error
		return e
	}
	switch o := out.(type) {
	case *NoContent:
		return nil
	case *Download:
		return readDownload(resp, o)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func (c *Client) request(ctx context.Context, method, path string, in any) (*http.Request, error) {
	query := url.Values{}
	var form []WireField
	var body io.Reader
	contentType := ""
	if in != nil && !reflect.ValueOf(in).IsNil() {
		v := reflect.ValueOf(in).Elem()
		for _, f := range WireFields(v.Type()) {
			fv := v.FieldByIndex(f.Index)
			switch f.In {
			case "path":
				path = strings.ReplaceAll(path, "{"+f.Name+"}", url.PathEscape(fmt.Sprint(fv.Interface())))
			case "query":
				if !fv.IsZero() {
					query.Set(f.Name, queryValue(fv))
				}
			case "form":
				form = append(form, f)
			}
		}
		switch {
		case len(form) > 0:
			b, ct, err := multipartBody(v, form)
			if err != nil {
				return nil, err
			}
			body, contentType = b, ct
		case HasJSONBody(v.Type()):
			b, err := json.Marshal(in)
			if err != nil {
				return nil, err
			}
			body, contentType = bytes.NewReader(b), "application/json"
		}
	}
	u := c.BaseURL + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	return req, nil
}

func queryValue(v reflect.Value) string {
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int64, reflect.Int32:
		return strconv.FormatInt(v.Int(), 10)
	}
	return v.String()
}

func multipartBody(v reflect.Value, fields []WireField) (io.Reader, string, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		fv := v.FieldByIndex(f.Index)
		if up, ok := fv.Interface().(*Upload); ok {
			if up == nil {
				continue
			}
			w, err := mw.CreateFormFile(f.Name, up.Name)
			if err != nil {
				return nil, "", err
			}
			if _, err := io.Copy(w, up.Content); err != nil {
				return nil, "", err
			}
			continue
		}
		if f.Optional && fv.IsZero() {
			continue
		}
		if err := mw.WriteField(f.Name, fmt.Sprint(fv.Interface())); err != nil {
			return nil, "", err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, "", err
	}
	return &buf, mw.FormDataContentType(), nil
}

func readDownload(resp *http.Response, d *Download) error {
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	d.Content, d.Size, d.ContentType = bytes.NewReader(b), int64(len(b)), resp.Header.Get("Content-Type")
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
		d.Name = params["filename"]
	}
	if t, err := http.ParseTime(resp.Header.Get("Last-Modified")); err == nil {
		d.ModTime = t
	}
	return nil
}
