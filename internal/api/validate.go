package api

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Validate checks a JSON value, decoded with json.Decoder.UseNumber, against
// a schema of the subset the generator emits ($ref, allOf, type, format,
// nullable, enum, properties, required, additionalProperties, items), and
// returns every problem with its JSON path. Instants must be RFC 3339 in
// UTC; integers must be whole.
func Validate(v any, s *Schema, components map[string]*Schema) []string {
	var out []string
	validate("$", v, s, components, &out)
	return out
}

func validate(path string, v any, s *Schema, comps map[string]*Schema, out *[]string) {
	fail := func(format string, args ...any) { *out = append(*out, path+": "+fmt.Sprintf(format, args...)) }
	if s.Ref != "" {
		target, ok := comps[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
		if !ok {
			fail("unknown schema %s", s.Ref)
			return
		}
		validate(path, v, target, comps, out)
		return
	}
	if v == nil {
		if !s.Nullable && (s.Type != "" || len(s.AllOf) > 0) {
			fail("null where %s is required", kindOf(s))
		}
		return
	}
	for _, sub := range s.AllOf {
		validate(path, v, sub, comps, out)
	}
	switch s.Type {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			fail("%T where an object is required", v)
			return
		}
		for _, r := range s.Required {
			if _, ok := m[r]; !ok {
				fail("required property %q missing", r)
			}
		}
		for k, val := range m {
			switch p, ok := s.Properties[k]; {
			case ok:
				validate(path+"."+k, val, p, comps, out)
			case s.AdditionalProperties != nil:
				validate(path+"."+k, val, s.AdditionalProperties, comps, out)
			case s.Closed:
				fail("property %q is not in the schema", k)
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			fail("%T where an array is required", v)
			return
		}
		for i, e := range a {
			if s.Items != nil {
				validate(fmt.Sprintf("%s[%d]", path, i), e, s.Items, comps, out)
			}
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			fail("%T where a string is required", v)
			return
		}
		if len(s.Enum) > 0 && !slices.Contains(s.Enum, str) {
			fail("%q is not one of %v", str, s.Enum)
		}
		checkFormat(str, s.Format, fail)
	case "integer":
		n, ok := v.(json.Number)
		if _, err := n.Int64(); !ok || err != nil {
			fail("%v where an integer is required", v)
		}
	case "number":
		if _, ok := v.(json.Number); !ok {
			fail("%T where a number is required", v)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			fail("%T where a boolean is required", v)
		}
	}
}

func checkFormat(s, format string, fail func(string, ...any)) {
	switch format {
	case "date-time":
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil || !strings.HasSuffix(s, "Z") {
			fail("%q is not an RFC 3339 instant in UTC", s)
		}
	case "date":
		if _, err := time.Parse(time.DateOnly, s); err != nil && s != "" {
			fail("%q is not a date YYYY-MM-DD", s)
		}
	}
}

func kindOf(s *Schema) string {
	if s.Type != "" {
		return s.Type
	}
	return "a value"
}
