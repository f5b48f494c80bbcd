// Package apiclient is the wire format of dtfund's JSON API (/api/v1) and a
// typed Go client for it. The server (internal/api) declares each operation
// with the request and response types of this package; the OpenAPI document
// and the client's methods (operations.go, generated) follow from that
// declaration.
//
// Conventions: JSON field names are snake_case; money is integer fen in
// fields named *_fen; instants are RFC 3339 in UTC; civil dates YYYY-MM-DD;
// lists are paged with ?page=&per_page= (at most 100) and answered as
// Page; every error is ErrorBody with an HTTP status from its code.
package apiclient

import (
	"io"
	"reflect"
	"strings"
	"time"
)

// A request type maps onto an HTTP request by its field tags:
//
//	path:"id"     a path parameter ({id} in the operation's path)
//	query:"state" a query parameter (omitted when zero)
//	form:"kind"   a multipart form field; a field of type *Upload is the file;
//	              form:"kind,omitempty" marks it optional
//	json:"title"  a field of the JSON body (every other exported field)
//
// Fields with a path, query or form tag carry json:"-" so that the body
// never accepts them. `doc` describes a field and `enum` lists its values in
// the OpenAPI document; omitempty (or omitzero) marks a field optional.

// WireField is one field of a request type and where it travels.
type WireField struct {
	Name     string // the parameter or form field name
	In       string // "path", "query" or "form"
	Index    []int  // the field's index path (embedded structs flattened)
	Field    reflect.StructField
	Optional bool // a form field tagged omitempty
}

// WireFields lists the path, query and form fields of a request type.
func WireFields(t reflect.Type) []WireField {
	var out []WireField
	walkFields(t, nil, func(f reflect.StructField, index []int) {
		for _, in := range []string{"path", "query", "form"} {
			if tag, ok := f.Tag.Lookup(in); ok {
				name, opts, _ := strings.Cut(tag, ",")
				out = append(out, WireField{Name: name, In: in, Index: index, Field: f, Optional: opts == "omitempty"})
			}
		}
	})
	return out
}

// HasJSONBody reports whether a request type has fields sent in a JSON body.
func HasJSONBody(t reflect.Type) bool {
	found := false
	walkFields(t, nil, func(f reflect.StructField, _ []int) {
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "-" && !hasWireTag(f) {
			found = true
		}
	})
	return found
}

func hasWireTag(f reflect.StructField) bool {
	for _, in := range []string{"path", "query", "form"} {
		if _, ok := f.Tag.Lookup(in); ok {
			return true
		}
	}
	return false
}

// walkFields calls fn for every exported field of struct t, descending into
// embedded structs without a json name, as encoding/json does.
func walkFields(t reflect.Type, prefix []int, fn func(f reflect.StructField, index []int)) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return
	}
	for i := range t.NumField() {
		f := t.Field(i)
		index := append(append([]int{}, prefix...), i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct && f.Tag.Get("json") == "" {
			walkFields(f.Type, index, fn)
			continue
		}
		if f.IsExported() {
			fn(f, index)
		}
	}
}

// None is the request of an operation that takes no input.
type None struct{}

// NoContent is the response of an operation that answers 204 without a body.
type NoContent struct{}

// Paging selects a page of a list.
type Paging struct {
	Page    int `query:"page" json:"-" doc:"页码，从 1 开始（默认 1）"`
	PerPage int `query:"per_page" json:"-" doc:"每页条数，1–100（默认 20）"`
}

// Page is one page of a list.
type Page[T any] struct {
	Items   []T `json:"items"`
	Total   int `json:"total" doc:"符合条件的总条数"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
}

// List is a short list that is not paged.
type List[T any] struct {
	Items []T `json:"items"`
}

// ByID names one record by its path ID.
type ByID struct {
	ID int64 `path:"id" json:"-" doc:"记录 ID"`
}

// ErrorBody is the one error format of the API.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong, in Chinese, safe to show to a person.
type ErrorDetail struct {
	Code      ErrorCode         `json:"code"`
	Message   string            `json:"message"`
	Fields    map[string]string `json:"fields,omitempty" doc:"字段名 → 该字段的错误说明"`
	RequestID string            `json:"request_id" doc:"请求编号，与服务器日志对应"`
}

// ErrorCode is the machine-readable kind of an error; the HTTP status
// follows from it (invalid 400/422, unauthorized 401, forbidden 403,
// not_found 404, conflict 409, throttled 429, internal 500).
type ErrorCode string

// Enum lists the error codes.
func (ErrorCode) Enum() []string {
	return []string{"invalid", "not_found", "forbidden", "unauthorized", "conflict", "throttled", "internal"}
}

// Upload is a file sent in a multipart request.
type Upload struct {
	Name    string    // the file name
	Content io.Reader // the bytes
}

// Download is a file answered by the API.
type Download struct {
	Name        string
	ContentType string
	Size        int64
	ModTime     time.Time
	Content     io.ReadSeeker // server side: the file; client side: the bytes read
	Close       func() error  // server side: releases the file (may be nil)
}
