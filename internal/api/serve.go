package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"dtfund"
	"dtfund/apiclient"
	"dtfund/internal/store"
)

// Serve answers one request to the operation: it reads the request into
// the operation's input type, runs the handler and writes the result, or
// the error in the API's one format.
func (o *Operation) Serve(w http.ResponseWriter, r *http.Request, c *Call) {
	in := reflect.New(o.In)
	closers, err := o.read(r, in.Interface())
	defer func() {
		for _, f := range closers {
			f.Close()
		}
	}()
	if err != nil {
		WriteError(w, c, err)
		return
	}
	out, err := o.handle(r.Context(), c, in.Interface())
	if err != nil {
		WriteError(w, c, o.renamed(err))
		return
	}
	switch v := out.(type) {
	case *apiclient.NoContent:
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
	case *apiclient.Download:
		serveDownload(w, r, v)
	default:
		WriteJSON(w, o.Success, out)
	}
}

// inputError is a request the API cannot read: 400 (or 413, 415) with the
// field or parameter it is about.
type inputError struct {
	status     int
	field, msg string
}

func (e *inputError) Error() string { return e.field + ": " + e.msg }

func badInput(field, format string, args ...any) error {
	return &inputError{status: http.StatusBadRequest, field: field, msg: fmt.Sprintf(format, args...)}
}

// read fills in from the path, the query and the body; it returns the
// uploaded files to close after the handler ran.
func (o *Operation) read(r *http.Request, in any) ([]io.Closer, error) {
	if o.decode != nil {
		return nil, o.decode(r, in)
	}
	v := reflect.ValueOf(in).Elem()
	known := map[string]bool{}
	var form []apiclient.WireField
	for _, f := range apiclient.WireFields(o.In) {
		switch f.In {
		case "path":
			if err := setText(v.FieldByIndex(f.Index), r.PathValue(f.Name)); err != nil || v.FieldByIndex(f.Index).IsZero() {
				return nil, dtfund.Errorf(dtfund.ENOTFOUND, "记录不存在")
			}
		case "query":
			known[f.Name] = true
			if vals, ok := r.URL.Query()[f.Name]; ok && len(vals) > 0 && vals[0] != "" {
				if err := setText(v.FieldByIndex(f.Index), vals[0]); err != nil {
					return nil, badInput(f.Name, "查询参数 %s 的值“%s”无效：%s", f.Name, vals[0], err)
				}
			}
		case "form":
			form = append(form, f)
		}
	}
	for name := range r.URL.Query() {
		if !known[name] {
			return nil, badInput(name, "未知的查询参数 %s（请对照接口文档）", name)
		}
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodDelete {
		return nil, nil
	}
	if len(form) > 0 {
		return readMultipart(r, v, form)
	}
	return nil, readJSON(r, in)
}

// setText parses a path or query value into a field.
func setText(f reflect.Value, s string) error {
	if f.Kind() == reflect.Pointer {
		p := reflect.New(f.Type().Elem())
		if err := setText(p.Elem(), s); err != nil {
			return err
		}
		f.Set(p)
		return nil
	}
	switch f.Kind() {
	case reflect.String:
		f.SetString(s)
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return errors.New("应为整数")
		}
		f.SetInt(n)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return errors.New("应为 true 或 false")
		}
		f.SetBool(b)
	default:
		return fmt.Errorf("不支持的参数类型 %s", f.Type())
	}
	return nil
}

// readJSON decodes the body strictly: one JSON object, no unknown fields.
// An empty body is an empty object.
func readJSON(r *http.Request, in any) error {
	body, err := io.ReadAll(r.Body)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &inputError{status: http.StatusRequestEntityTooLarge, msg: fmt.Sprintf("请求体超过 %d 字节上限", mbe.Limit)}
	}
	if err != nil {
		return badInput("", "无法读取请求体")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return &inputError{status: http.StatusUnsupportedMediaType, msg: "请求体须为 JSON（Content-Type: application/json）"}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(in); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badInput("", "请求体只能包含一个 JSON 对象")
	}
	return nil
}

// jsonError turns a decoding error into a message that names the field.
func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tpe *time.ParseError
	switch {
	case errors.As(err, &syn):
		return badInput("", "请求体不是有效的 JSON（第 %d 个字节附近）", syn.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "(body)"
		}
		return badInput(field, "字段 %s 的类型应为%s", field, jsonKind(typ.Type))
	case errors.As(err, &tpe):
		return badInput("", "时间“%s”无效，应为 RFC 3339 格式，如 2026-03-01T09:00:00+08:00", tpe.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badInput("", "请求体的 JSON 不完整")
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return badInput(name, "未知字段 %s（请对照接口文档）", name)
	}
	return badInput("", "请求体无法解析：%s", err)
}

func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "文本"
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint64:
		return "整数"
	case reflect.Bool:
		return " true 或 false"
	case reflect.Slice:
		return "数组"
	case reflect.Struct, reflect.Map:
		return "对象"
	}
	return " " + t.String()
}

// readMultipart reads a multipart form into the form-tagged fields.
func readMultipart(r *http.Request, v reflect.Value, fields []apiclient.WireField) ([]io.Closer, error) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return nil, &inputError{status: http.StatusUnsupportedMediaType, msg: "请求须为 multipart/form-data"}
	}
	err := r.ParseMultipartForm(1 << 20)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, &inputError{status: http.StatusRequestEntityTooLarge, msg: fmt.Sprintf("上传内容超过 %d MiB 上限", mbe.Limit>>20)}
	}
	if err != nil {
		return nil, badInput("", "无法读取上传的表单")
	}
	known := map[string]bool{}
	var closers []io.Closer
	for _, f := range fields {
		known[f.Name] = true
		fv := v.FieldByIndex(f.Index)
		if fv.Type() != reflect.TypeFor[*apiclient.Upload]() {
			if val := r.FormValue(f.Name); val != "" {
				if err := setText(fv, val); err != nil {
					return closers, badInput(f.Name, "表单字段 %s 的值“%s”无效：%s", f.Name, val, err)
				}
			}
			continue
		}
		file, header, err := r.FormFile(f.Name)
		if errors.Is(err, http.ErrMissingFile) {
			continue
		}
		if err != nil {
			return closers, badInput(f.Name, "无法读取上传的文件")
		}
		closers = append(closers, file)
		fv.Set(reflect.ValueOf(&apiclient.Upload{Name: header.Filename, Content: file}))
	}
	for name := range r.MultipartForm.Value {
		if !known[name] {
			return closers, badInput(name, "未知的表单字段 %s", name)
		}
	}
	for name := range r.MultipartForm.File {
		if !known[name] {
			return closers, badInput(name, "未知的文件字段 %s", name)
		}
	}
	return closers, nil
}

func serveDownload(w http.ResponseWriter, r *http.Request, d *apiclient.Download) {
	if d.Close != nil {
		defer d.Close()
	}
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": d.Name})
	if disposition == "" {
		disposition = "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", d.ContentType)
	h.Set("Content-Disposition", disposition)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	http.ServeContent(w, r, "", d.ModTime, d.Content)
}

// WriteJSON writes v as the response body.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// StatusFor is the HTTP status of an error code.
func StatusFor(code string) int {
	switch code {
	case dtfund.EINVALID:
		return http.StatusUnprocessableEntity
	case dtfund.ENOTFOUND:
		return http.StatusNotFound
	case dtfund.EFORBIDDEN:
		return http.StatusForbidden
	case dtfund.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case dtfund.ECONFLICT:
		return http.StatusConflict
	case dtfund.ETHROTTLED:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// WriteError writes err in the API's error format. Input the API could not
// read is 400 (413, 415); a domain error gets the status of its code, with
// the fields of a validation error; internal errors are logged with the
// request ID and shown without detail.
func WriteError(w http.ResponseWriter, c *Call, err error) {
	var body apiclient.ErrorBody
	body.Error.RequestID = c.Actor.RequestID
	status := 0
	var ie *inputError
	var ve dtfund.ValidationErrors
	var de *dtfund.Error
	switch {
	case errors.As(err, &ie):
		status, body.Error.Code, body.Error.Message = ie.status, dtfund.EINVALID, ie.msg
		if ie.field != "" {
			body.Error.Fields = map[string]string{ie.field: ie.msg}
		}
	case errors.As(err, &ve):
		body.Error.Fields = ve.ByField()
	case errors.As(err, &de) && de.Field != "":
		body.Error.Fields = map[string]string{de.Field: de.Message}
	}
	if status == 0 {
		code := dtfund.ErrorCode(err)
		status, body.Error.Code, body.Error.Message = StatusFor(code), apiclient.ErrorCode(code), dtfund.ErrorMessage(err)
		if code == dtfund.EINTERNAL && c.Log != nil {
			c.Log.ErrorContext(c.Request.Context(), "internal error", "err", err)
		}
	}
	WriteJSON(w, status, body)
}

// Paging limits.
const (
	defaultPerPage = 20
	maxPerPage     = 100
	maxPageNumber  = 100000
)

// page reads the paging parameters into a store page.
func page(p *apiclient.Paging) (store.Page, error) {
	if p.Page == 0 {
		p.Page = 1
	}
	if p.PerPage == 0 {
		p.PerPage = defaultPerPage
	}
	if p.Page < 1 || p.Page > maxPageNumber {
		return store.Page{}, badInput("page", "页码须为 1 至 %d 的整数", maxPageNumber)
	}
	if p.PerPage < 1 || p.PerPage > maxPerPage {
		return store.Page{}, badInput("per_page", "每页条数须为 1 至 %d 的整数", maxPerPage)
	}
	return store.Page{Offset: (p.Page - 1) * p.PerPage, Limit: p.PerPage}, nil
}

// pageOf converts one page of records.
func pageOf[S, T any](rows []S, total int, p apiclient.Paging, conv func(S) T) *apiclient.Page[T] {
	out := &apiclient.Page[T]{Items: make([]T, 0, len(rows)), Total: total, Page: p.Page, PerPage: p.PerPage}
	for _, r := range rows {
		out.Items = append(out.Items, conv(r))
	}
	return out
}

// listOf converts a short list.
func listOf[S, T any](rows []S, conv func(S) T) *apiclient.List[T] {
	out := &apiclient.List[T]{Items: make([]T, 0, len(rows))}
	for _, r := range rows {
		out.Items = append(out.Items, conv(r))
	}
	return out
}

// mapSlice converts a slice, never returning nil.
func mapSlice[S, T any](rows []S, conv func(S) T) []T {
	out := make([]T, 0, len(rows))
	for _, r := range rows {
		out = append(out, conv(r))
	}
	return out
}

// utc returns t in UTC; timePtr returns nil for the zero time.
func utc(t time.Time) time.Time { return t.UTC() }

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func idPtr(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func strs(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func itoa(i int) string { return strconv.Itoa(i) }
