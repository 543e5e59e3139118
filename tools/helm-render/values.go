package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

// Values is .Values: the chart's values.yaml coalesced with the user's values. Like Helm's
// chartutil.Values it is a map with a few helper methods; nested tables are plain maps.
type Values map[string]interface{}

// YAML renders the values as YAML (Helm's Values.YAML).
func (v Values) YAML() (string, error) {
	b, err := yaml.Marshal(map[string]interface{}(v))
	return string(b), err
}

// AsMap returns the values as a plain map (Helm's Values.AsMap).
func (v Values) AsMap() map[string]interface{} { return v }

// readValuesFile parses a values file the way Helm does: through sigs.k8s.io/yaml, i.e. YAML to JSON
// to Go, so numbers become float64 exactly as in Helm (and print the same, 1e+06 included).
func readValuesFile(path string) (map[string]interface{}, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	vals := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &vals); err != nil {
		return nil, fmt.Errorf("failed to parse %s: %w", path, err)
	}
	if vals == nil {
		vals = map[string]interface{}{}
	}
	return vals, nil
}

// mergeMaps is Helm's cli/values mergeMaps: b over a, tables merged recursively, anything else
// (null included) replaced. It combines the --values files in order.
func mergeMaps(a, b map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if v, ok := v.(map[string]interface{}); ok {
			if bv, ok := out[k]; ok {
				if bv, ok := bv.(map[string]interface{}); ok {
					out[k] = mergeMaps(bv, v)
					continue
				}
			}
		}
		out[k] = v
	}
	return out
}

// coalesceValues is Helm's chartutil coalescing of the chart's defaults into the user's values
// (user values win). A null in the user's values deletes the key, so an override file can remove a
// default. Mismatches between tables and scalars keep the user's value and warn, as Helm does.
func coalesceValues(user, defaults map[string]interface{}, warn func(string)) map[string]interface{} {
	if user == nil {
		user = map[string]interface{}{}
	}
	for key, def := range defaults {
		uv, ok := user[key]
		if !ok {
			user[key] = def
			continue
		}
		if uv == nil {
			delete(user, key)
			continue
		}
		if dst, ok := uv.(map[string]interface{}); ok {
			src, ok := def.(map[string]interface{})
			if !ok {
				if def != nil {
					warn(fmt.Sprintf("warning: skipped value for %s: Not a table.", key))
				}
				continue
			}
			coalesceTables(dst, src, key, warn)
		}
	}
	return user
}

func coalesceTables(dst, src map[string]interface{}, prefix string, warn func(string)) {
	for key, val := range src {
		full := prefix + "." + key
		dv, ok := dst[key]
		switch {
		case ok && dv == nil:
			delete(dst, key)
		case !ok:
			dst[key] = val
		case isTable(val):
			if isTable(dv) {
				coalesceTables(dv.(map[string]interface{}), val.(map[string]interface{}), full, warn)
			} else {
				warn(fmt.Sprintf("warning: cannot overwrite table with non table for %s (%v)", full, val))
			}
		case isTable(dv) && val != nil:
			warn(fmt.Sprintf("warning: destination for %s is a table. Ignoring non-table value (%v)", full, val))
		}
	}
}

func isTable(v interface{}) bool {
	_, ok := v.(map[string]interface{})
	return ok
}

// setPathSegment is one step of a --set key: a table key or a list index.
type setPathSegment struct {
	key   string
	index int
	isIdx bool
}

// maxSetIndex is Helm's strvals limit on list indexes in --set.
const maxSetIndex = 65536

// parseSet applies one --set / --set-string argument ("a.b=c,d[0].e=f,list={x,y}") to dst, with
// Helm's strvals syntax: "." separates keys, [N] indexes lists (padding with nulls), {a,b} is a
// list, "\" escapes the next character, and values are typed like Helm (true/false, null, integers
// without a leading zero become int64; everything else is a string) unless asString is set.
func parseSet(expr string, dst map[string]interface{}, asString bool) error {
	s := []rune(expr)
	i := 0
	for i < len(s) {
		var path []setPathSegment
		var key strings.Builder
		// Key.
		for {
			if i >= len(s) {
				if key.Len() == 0 && len(path) == 0 {
					return nil
				}
				return fmt.Errorf("key %q has no value", key.String())
			}
			c := s[i]
			if c == '\\' && i+1 < len(s) {
				key.WriteRune(s[i+1])
				i += 2
				continue
			}
			if c == ',' {
				return fmt.Errorf("key %q has no value (cannot end with ,)", key.String())
			}
			if c == '=' {
				if key.Len() > 0 {
					path = append(path, setPathSegment{key: key.String()})
				}
				i++
				break
			}
			if c == '.' {
				if key.Len() > 0 {
					path = append(path, setPathSegment{key: key.String()})
				}
				key.Reset()
				i++
				continue
			}
			if c == '[' {
				if key.Len() > 0 {
					path = append(path, setPathSegment{key: key.String()})
				}
				key.Reset()
				end := i + 1
				for end < len(s) && s[end] != ']' {
					end++
				}
				if end >= len(s) {
					return fmt.Errorf("%s: unclosed [", expr)
				}
				n, err := strconv.Atoi(string(s[i+1 : end]))
				if err != nil || n < 0 {
					return fmt.Errorf("%s: invalid list index %q", expr, string(s[i+1:end]))
				}
				if n > maxSetIndex {
					return fmt.Errorf("%s: index of %d is greater than maximum supported index %d", expr, n, maxSetIndex)
				}
				path = append(path, setPathSegment{index: n, isIdx: true})
				i = end + 1
				continue
			}
			key.WriteRune(c)
			i++
		}
		if len(path) == 0 {
			return fmt.Errorf("%s: key is empty", expr)
		}
		if path[0].isIdx {
			return fmt.Errorf("%s: a --set key cannot start with a list index", expr)
		}
		// Value.
		var val interface{}
		if i < len(s) && s[i] == '{' {
			var items []interface{}
			var cur []rune
			i++
			closed := false
			for i < len(s) {
				c := s[i]
				if c == '\\' && i+1 < len(s) {
					cur = append(cur, s[i+1])
					i += 2
					continue
				}
				if c == ',' || c == '}' {
					items = append(items, typedValue(cur, asString))
					cur = nil
					i++
					if c == '}' {
						closed = true
						break
					}
					continue
				}
				cur = append(cur, c)
				i++
			}
			if !closed {
				return fmt.Errorf("%s: list must terminate with '}'", expr)
			}
			if len(items) == 1 && items[0] == "" {
				items = []interface{}{}
			}
			val = items
			if i < len(s) {
				if s[i] != ',' {
					return fmt.Errorf("%s: unexpected %q after list", expr, string(s[i]))
				}
				i++
			}
		} else {
			var cur []rune
			for i < len(s) && s[i] != ',' {
				if s[i] == '\\' && i+1 < len(s) {
					cur = append(cur, s[i+1])
					i += 2
					continue
				}
				cur = append(cur, s[i])
				i++
			}
			if i < len(s) {
				i++ // the comma
			}
			val = typedValue(cur, asString)
		}
		dst[path[0].key] = setIn(dst[path[0].key], path[1:], val)
	}
	return nil
}

// setIn returns container with val stored at path, creating (or replacing non-matching) tables and
// lists on the way.
func setIn(container interface{}, path []setPathSegment, val interface{}) interface{} {
	if len(path) == 0 {
		return val
	}
	seg := path[0]
	if seg.isIdx {
		list, _ := container.([]interface{})
		for len(list) <= seg.index {
			list = append(list, nil)
		}
		list[seg.index] = setIn(list[seg.index], path[1:], val)
		return list
	}
	table, ok := container.(map[string]interface{})
	if !ok {
		table = map[string]interface{}{}
	}
	table[seg.key] = setIn(table[seg.key], path[1:], val)
	return table
}

// typedValue is Helm's strvals typedVal.
func typedValue(v []rune, asString bool) interface{} {
	val := string(v)
	if asString {
		return val
	}
	switch {
	case strings.EqualFold(val, "true"):
		return true
	case strings.EqualFold(val, "false"):
		return false
	case strings.EqualFold(val, "null"):
		return nil
	case val == "0":
		return int64(0)
	}
	if len(val) != 0 && val[0] != '0' {
		if iv, err := strconv.ParseInt(val, 10, 64); err == nil {
			return iv
		}
	}
	return val
}

// parseSetFile applies one --set-file argument (key=path): the key is set to the file's content.
func parseSetFile(expr string, dst map[string]interface{}) error {
	eq := strings.Index(expr, "=")
	if eq <= 0 {
		return fmt.Errorf("--set-file %q: expected key=path", expr)
	}
	data, err := os.ReadFile(expr[eq+1:])
	if err != nil {
		return fmt.Errorf("--set-file %q: %w", expr, err)
	}
	// Reuse the key syntax of --set, then replace the placeholder with the file's content verbatim.
	placeholder := map[string]interface{}{}
	if err := parseSet(expr[:eq]+"=x", placeholder, true); err != nil {
		return err
	}
	for k, v := range placeholder {
		dst[k] = replaceLeaf(dst[k], v, string(data))
	}
	return nil
}

func replaceLeaf(existing, shape interface{}, content string) interface{} {
	switch s := shape.(type) {
	case map[string]interface{}:
		t, ok := existing.(map[string]interface{})
		if !ok {
			t = map[string]interface{}{}
		}
		for k, v := range s {
			t[k] = replaceLeaf(t[k], v, content)
		}
		return t
	case []interface{}:
		l, _ := existing.([]interface{})
		for len(l) < len(s) {
			l = append(l, nil)
		}
		for i, v := range s {
			if v != nil {
				l[i] = replaceLeaf(l[i], v, content)
			}
		}
		return l
	default:
		return content
	}
}
