package main

import (
	"encoding/base64"
	"path"
	"regexp"
	"strings"
)

// Files is .Files: the chart's files outside templates/ (and other than Chart.yaml, values.yaml,
// values.schema.json, Chart.lock), keyed by slash-separated path relative to the chart root. The
// methods are those of Helm's engine.files.
type Files map[string][]byte

// GetBytes returns a file's content, or nil when there is no such file.
func (f Files) GetBytes(name string) []byte {
	if v, ok := f[name]; ok {
		return v
	}
	return nil
}

// Get returns a file's content as a string, or "" when there is no such file (as in Helm).
func (f Files) Get(name string) string { return string(f.GetBytes(name)) }

// Glob returns the files whose path matches pattern, with the syntax of github.com/gobwas/glob that
// Helm uses: "*" and "?" stay within a path segment, "**" crosses segments, [abc], [!abc], {a,b}.
// An invalid pattern matches everything, as in Helm.
func (f Files) Glob(pattern string) Files {
	re, err := globToRegexp(pattern)
	if err != nil {
		re = regexp.MustCompile(`^.*$`)
	}
	nf := Files{}
	for name, contents := range f {
		if re.MatchString(name) {
			nf[name] = contents
		}
	}
	return nf
}

// AsConfig renders the files as the body of a ConfigMap's data: base name to content, as YAML.
func (f Files) AsConfig() string {
	if f == nil {
		return ""
	}
	m := make(map[string]string, len(f))
	for k, v := range f {
		m[path.Base(k)] = string(v)
	}
	return toYAML(m)
}

// AsSecrets renders the files as the body of a Secret's data: base name to base64 content, as YAML.
func (f Files) AsSecrets() string {
	if f == nil {
		return ""
	}
	m := make(map[string]string, len(f))
	for k, v := range f {
		m[path.Base(k)] = base64.StdEncoding.EncodeToString(v)
	}
	return toYAML(m)
}

// Lines returns a file's lines (without a final empty line), or an empty list.
func (f Files) Lines(name string) []string {
	if f == nil || f[name] == nil || len(f[name]) == 0 {
		return []string{}
	}
	s := string(f[name])
	if s[len(s)-1] == '\n' {
		s = s[:len(s)-1]
	}
	return strings.Split(s, "\n")
}

// globToRegexp translates a gobwas/glob pattern (separator '/') into an anchored regexp.
func globToRegexp(pattern string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	depth := 0
	rs := []rune(pattern)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch c {
		case '\\':
			if i+1 < len(rs) {
				i++
				b.WriteString(regexp.QuoteMeta(string(rs[i])))
			}
		case '*':
			if i+1 < len(rs) && rs[i+1] == '*' {
				b.WriteString(".*")
				i++
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		case '[':
			end := i + 1
			for end < len(rs) && rs[end] != ']' {
				end++
			}
			if end >= len(rs) {
				b.WriteString(`\[`)
				continue
			}
			class := string(rs[i+1 : end])
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + class + "]")
			i = end
		case '{':
			depth++
			b.WriteString("(?:")
		case '}':
			if depth > 0 {
				depth--
				b.WriteString(")")
			} else {
				b.WriteString(`\}`)
			}
		case ',':
			if depth > 0 {
				b.WriteString("|")
			} else {
				b.WriteString(",")
			}
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}
