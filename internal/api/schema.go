package api

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"time"

	"dtfund/apiclient"
	"dtfund/policy"
)

// Schema is the subset of the OpenAPI 3.0 schema object the generator
// emits and the validator (validate.go) checks.
type Schema struct {
	Ref                  string             `json:"$ref,omitempty"`
	AllOf                []*Schema          `json:"allOf,omitempty"`
	Type                 string             `json:"type,omitempty"`
	Format               string             `json:"format,omitempty"`
	Description          string             `json:"description,omitempty"`
	Nullable             bool               `json:"nullable,omitempty"`
	Enum                 []string           `json:"enum,omitempty"`
	Properties           map[string]*Schema `json:"properties,omitempty"`
	Required             []string           `json:"required,omitempty"`
	Items                *Schema            `json:"items,omitempty"`
	AdditionalProperties *Schema            `json:"additionalProperties,omitempty"`
	// Closed emits additionalProperties: false (an object with exactly
	// the listed properties).
	Closed bool `json:"-"`
}

// MarshalJSON writes additionalProperties: false for closed objects.
func (s *Schema) MarshalJSON() ([]byte, error) {
	type plain Schema
	if !s.Closed {
		return json.Marshal((*plain)(s))
	}
	return json.Marshal(struct {
		*plain
		AdditionalProperties bool `json:"additionalProperties"`
	}{(*plain)(s), false})
}

// UnmarshalJSON reads additionalProperties: false back as Closed.
func (s *Schema) UnmarshalJSON(b []byte) error {
	type plain Schema
	var raw struct {
		plain
		AdditionalProperties json.RawMessage `json:"additionalProperties"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*s = Schema(raw.plain)
	switch string(raw.AdditionalProperties) {
	case "", "true":
	case "false":
		s.Closed = true
	default:
		s.AdditionalProperties = new(Schema)
		return json.Unmarshal(raw.AdditionalProperties, s.AdditionalProperties)
	}
	return nil
}

// enumer is a string type that lists its values.
type enumer interface{ Enum() []string }

// schemas builds component schemas from Go types by reflection.
type schemas struct {
	components map[string]*Schema
	names      map[reflect.Type]string
}

func newSchemas() *schemas {
	return &schemas{components: map[string]*Schema{}, names: map[reflect.Type]string{}}
}

var (
	timeType    = reflect.TypeFor[time.Time]()
	policyDate  = reflect.TypeFor[policy.Date]()
	rawJSONType = reflect.TypeFor[json.RawMessage]()
	anyMapType  = reflect.TypeFor[map[string]any]()
	genericArg  = regexp.MustCompile(`\[(?:[\w./-]+\.)?(\w+)\]$`)
)

// componentName names a struct type in the document: the type's name, the
// argument of a generic type appended (Page[Call] → CallPage), and types
// of other packages prefixed with their package (policy.Call → PolicyCall).
func componentName(t reflect.Type) string {
	name := t.Name()
	if m := genericArg.FindStringSubmatch(name); m != nil {
		name = m[1] + name[:strings.IndexByte(name, '[')]
	}
	if pkg := t.PkgPath(); pkg != reflect.TypeFor[apiclient.None]().PkgPath() {
		base := pkg[strings.LastIndexByte(pkg, '/')+1:]
		name = strings.ToUpper(base[:1]) + base[1:] + name
	}
	return name
}

// of returns the schema of t: a $ref for named structs, inline otherwise.
func (g *schemas) of(t reflect.Type) *Schema {
	switch t {
	case timeType:
		return &Schema{Type: "string", Format: "date-time"}
	case policyDate:
		return &Schema{Type: "string", Format: "date"}
	case rawJSONType:
		return &Schema{}
	case anyMapType:
		return &Schema{Type: "object"}
	}
	if e, ok := reflect.Zero(t).Interface().(enumer); ok && t.Kind() == reflect.String {
		return &Schema{Type: "string", Enum: e.Enum()}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return nullable(g.of(t.Elem()))
	case reflect.String:
		return &Schema{Type: "string"}
	case reflect.Bool:
		return &Schema{Type: "boolean"}
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint64, reflect.Uint32:
		return &Schema{Type: "integer", Format: "int64"}
	case reflect.Float32, reflect.Float64:
		return &Schema{Type: "number"}
	case reflect.Slice:
		return &Schema{Type: "array", Items: g.of(t.Elem())}
	case reflect.Map:
		return &Schema{Type: "object", AdditionalProperties: g.of(t.Elem())}
	case reflect.Struct:
		return &Schema{Ref: "#/components/schemas/" + g.component(t)}
	}
	return &Schema{}
}

func nullable(s *Schema) *Schema {
	if s.Ref != "" {
		return &Schema{AllOf: []*Schema{s}, Nullable: true}
	}
	s.Nullable = true
	return s
}

// component registers the struct t and returns its name.
func (g *schemas) component(t reflect.Type) string {
	if name, ok := g.names[t]; ok {
		return name
	}
	name := componentName(t)
	g.names[t] = name
	s := &Schema{Type: "object", Properties: map[string]*Schema{}, Closed: true}
	g.components[name] = s // before the fields: a type may refer to itself
	g.fields(t, s)
	return name
}

// fields adds the JSON fields of t to s: the json name, optional with
// omitempty or omitzero, described by `doc`, limited by `enum`, formatted
// by `format`. Path, query and form fields are not part of the body.
func (g *schemas) fields(t reflect.Type, s *Schema) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && f.Type.Kind() == reflect.Struct && tag == "" {
			g.fields(f.Type, s)
			continue
		}
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		p := g.field(f)
		s.Properties[name] = p
		if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
			s.Required = append(s.Required, name)
		}
	}
}

// field is the schema of one struct field with its tags applied.
func (g *schemas) field(f reflect.StructField) *Schema {
	p := g.of(f.Type)
	target := p
	if p.Ref != "" || len(p.AllOf) > 0 {
		if doc := f.Tag.Get("doc"); doc != "" {
			if p.Ref != "" {
				p = &Schema{AllOf: []*Schema{p}}
			}
			p.Description = doc
		}
		return p
	}
	if p.Type == "array" && p.Items != nil && p.Items.Ref == "" {
		target = p.Items // enum and format apply to the elements
	}
	if enum := f.Tag.Get("enum"); enum != "" {
		target.Enum = strings.Split(enum, ",")
	}
	if format := f.Tag.Get("format"); format != "" {
		target.Format = format
	}
	p.Description = f.Tag.Get("doc")
	return p
}

// parameters are the path and query parameters of a request type.
func (g *schemas) parameters(t reflect.Type) []*Parameter {
	var out []*Parameter
	for _, f := range apiclient.WireFields(t) {
		if f.In == "form" {
			continue
		}
		p := &Parameter{Name: f.Name, In: f.In, Required: f.In == "path", Description: f.Field.Tag.Get("doc"), Schema: g.field(f.Field)}
		p.Schema.Description = "" // said once, on the parameter
		out = append(out, p)
	}
	return out
}

// multipart is the schema of a multipart request body.
func (g *schemas) multipart(t reflect.Type) *Schema {
	s := &Schema{Type: "object", Properties: map[string]*Schema{}}
	for _, f := range apiclient.WireFields(t) {
		if f.In != "form" {
			continue
		}
		var p *Schema
		if f.Field.Type == reflect.TypeFor[*apiclient.Upload]() {
			p = &Schema{Type: "string", Format: "binary", Description: f.Field.Tag.Get("doc")}
		} else {
			p = g.field(f.Field)
		}
		s.Properties[f.Name] = p
		if !f.Optional {
			s.Required = append(s.Required, f.Name)
		}
	}
	return s
}
