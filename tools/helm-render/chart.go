package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/Masterminds/semver"
	"sigs.k8s.io/yaml"
)

// Metadata mirrors helm.sh/helm/v3/pkg/chart.Metadata field for field, so templates see Chart.yaml
// under the same capitalised names as in Helm (.Chart.Name, .Chart.AppVersion, .Chart.APIVersion, ...)
// and a misspelt field is the same template error it would be in Helm.
type Metadata struct {
	Name         string            `json:"name,omitempty"`
	Home         string            `json:"home,omitempty"`
	Sources      []string          `json:"sources,omitempty"`
	Version      string            `json:"version,omitempty"`
	Description  string            `json:"description,omitempty"`
	Keywords     []string          `json:"keywords,omitempty"`
	Maintainers  []*Maintainer     `json:"maintainers,omitempty"`
	Icon         string            `json:"icon,omitempty"`
	APIVersion   string            `json:"apiVersion,omitempty"`
	Condition    string            `json:"condition,omitempty"`
	Tags         string            `json:"tags,omitempty"`
	AppVersion   string            `json:"appVersion,omitempty"`
	Deprecated   bool              `json:"deprecated,omitempty"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	KubeVersion  string            `json:"kubeVersion,omitempty"`
	Dependencies []*Dependency     `json:"dependencies,omitempty"`
	Type         string            `json:"type,omitempty"`
}

// Maintainer mirrors helm.sh/helm/v3/pkg/chart.Maintainer.
type Maintainer struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	URL   string `json:"url,omitempty"`
}

// Dependency mirrors helm.sh/helm/v3/pkg/chart.Dependency (read so Chart.yaml parses; subcharts
// themselves are not rendered, see loadChart).
type Dependency struct {
	Name         string        `json:"name"`
	Version      string        `json:"version,omitempty"`
	Repository   string        `json:"repository"`
	Condition    string        `json:"condition,omitempty"`
	Tags         []string      `json:"tags,omitempty"`
	Enabled      bool          `json:"enabled,omitempty"`
	ImportValues []interface{} `json:"import-values,omitempty"`
	Alias        string        `json:"alias,omitempty"`
}

// chartFile is one file of the chart, named by its slash-separated path relative to the chart root.
type chartFile struct {
	Name string
	Data []byte
}

// Chart is a chart directory loaded the way Helm's loader splits it: metadata, default values,
// templates, and every other file (reachable through .Files).
type Chart struct {
	Metadata  *Metadata
	Values    map[string]interface{}
	Templates []chartFile
	Files     Files
}

// loadChart reads a chart directory. Subcharts are refused rather than silently left out: a chart
// rendered without its dependencies would pass tests it should fail.
func loadChart(dir string) (*Chart, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("%s is not a directory (packaged .tgz charts are not supported)", dir)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return nil, fmt.Errorf("Chart.yaml file is missing: %w", err)
	}
	md := &Metadata{}
	if err := yaml.Unmarshal(raw, md); err != nil {
		return nil, fmt.Errorf("cannot load Chart.yaml: %w", err)
	}
	if err := validateMetadata(md); err != nil {
		return nil, err
	}
	if len(md.Dependencies) > 0 {
		return nil, fmt.Errorf("chart %s declares dependencies: subcharts are not supported by helm-render", md.Name)
	}

	rules, err := loadHelmignore(dir)
	if err != nil {
		return nil, err
	}
	c := &Chart{Metadata: md, Values: map[string]interface{}{}, Files: Files{}}
	err = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if rules.ignore(rel, fi) {
			if fi.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if fi.IsDir() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch {
		case rel == "Chart.yaml", rel == "Chart.lock", rel == "values.schema.json",
			rel == "requirements.yaml", rel == "requirements.lock":
		case rel == "values.yaml":
			if err := yaml.Unmarshal(data, &c.Values); err != nil {
				return fmt.Errorf("cannot load values.yaml: %w", err)
			}
			if c.Values == nil {
				c.Values = map[string]interface{}{}
			}
		case strings.HasPrefix(rel, "templates/"):
			c.Templates = append(c.Templates, chartFile{Name: rel, Data: data})
		case strings.HasPrefix(rel, "charts/"):
			return fmt.Errorf("chart %s has %s: subcharts are not supported by helm-render", md.Name, rel)
		default:
			c.Files[rel] = data
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(c.Templates, func(i, j int) bool { return c.Templates[i].Name < c.Templates[j].Name })
	return c, nil
}

// validateMetadata applies the checks Helm's loader makes before it renders anything.
func validateMetadata(md *Metadata) error {
	if md.APIVersion == "" {
		return fmt.Errorf("validation: chart.metadata.apiVersion is required")
	}
	if md.APIVersion != "v1" && md.APIVersion != "v2" {
		return fmt.Errorf("validation: chart.metadata.apiVersion %q is invalid", md.APIVersion)
	}
	if md.Name == "" {
		return fmt.Errorf("validation: chart.metadata.name is required")
	}
	if md.Version == "" {
		return fmt.Errorf("validation: chart.metadata.version is required")
	}
	if _, err := semver.NewVersion(md.Version); err != nil {
		return fmt.Errorf("validation: chart.metadata.version %q is invalid", md.Version)
	}
	if md.Type != "" && md.Type != "application" && md.Type != "library" {
		return fmt.Errorf("validation: chart.metadata.type must be application or library")
	}
	if md.Type == "library" {
		return fmt.Errorf("library charts are not installable")
	}
	return nil
}

// helmignore implements the subset of Helm's .helmignore rules that Helm itself supports: shell
// globs (filepath.Match), a leading "/" anchoring at the chart root, a trailing "/" matching only
// directories, and "!" negation with Helm's own (first-rule-decides) semantics. "**" is an error,
// as in Helm.
type helmignore struct{ patterns []ignorePattern }

type ignorePattern struct {
	raw     string
	negate  bool
	mustDir bool
	match   func(string) bool
}

func loadHelmignore(dir string) (*helmignore, error) {
	// Helm always ignores dotfiles under templates/.
	r := &helmignore{}
	if err := r.add("templates/.?*"); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(dir, ".helmignore"))
	if os.IsNotExist(err) {
		return r, nil
	} else if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if err := r.add(line); err != nil {
			return nil, fmt.Errorf(".helmignore: %w", err)
		}
	}
	return r, nil
}

func (r *helmignore) add(rule string) error {
	rule = strings.TrimSpace(rule)
	if rule == "" || strings.HasPrefix(rule, "#") {
		return nil
	}
	if strings.Contains(rule, "**") {
		return fmt.Errorf("double-star (**) syntax is not supported: %q", rule)
	}
	p := ignorePattern{raw: rule}
	if strings.HasPrefix(rule, "!") && len(rule) > 1 {
		p.negate = true
		rule = rule[1:]
	}
	if strings.HasSuffix(rule, "/") {
		p.mustDir = true
		rule = strings.TrimSuffix(rule, "/")
	}
	if _, err := filepath.Match(rule, "x"); err != nil {
		return fmt.Errorf("bad pattern %q: %w", p.raw, err)
	}
	switch {
	case strings.HasPrefix(rule, "/"):
		anchored := strings.TrimPrefix(rule, "/")
		p.match = func(n string) bool { ok, _ := filepath.Match(anchored, n); return ok }
	case strings.Contains(rule, "/"):
		p.match = func(n string) bool { ok, _ := filepath.Match(rule, n); return ok }
	default:
		p.match = func(n string) bool { ok, _ := filepath.Match(rule, filepath.Base(n)); return ok }
	}
	r.patterns = append(r.patterns, p)
	return nil
}

func (r *helmignore) ignore(rel string, fi os.FileInfo) bool {
	for _, p := range r.patterns {
		if p.negate {
			if p.mustDir && !fi.IsDir() {
				return true
			}
			if !p.match(rel) {
				return true
			}
			continue
		}
		if p.mustDir && !fi.IsDir() {
			continue
		}
		if p.match(rel) {
			return true
		}
	}
	return false
}

// kubeVersionCompatible is chartutil.IsCompatibleRange: Chart.yaml's kubeVersion constraint against
// the rendering Kubernetes version.
func kubeVersionCompatible(constraint, version string) (bool, error) {
	c, err := semver.NewConstraint(constraint)
	if err != nil {
		return false, fmt.Errorf("invalid kubeVersion %q in Chart.yaml: %w", constraint, err)
	}
	v, err := semver.NewVersion(version)
	if err != nil {
		return false, err
	}
	return c.Check(v), nil
}

func sortedFileNames(f Files) []string {
	names := make([]string, 0, len(f))
	for n := range f {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
