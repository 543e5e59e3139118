// Command helm-render renders a Helm 3 chart directory offline, like `helm template`, for tests on
// machines without a helm binary. It is Helm's template engine rebuilt from the same libraries
// (text/template, Sprig, sigs.k8s.io/yaml): same functions, same values coalescing, same output
// format and order. See tools/README.md for what it does not implement.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// options is the command line.
type options struct {
	chartDir    string
	valueFiles  stringList
	sets        stringList
	setStrings  stringList
	setFiles    stringList
	release     string
	namespace   string
	apiVersions stringList
	kubeVersion string
	showOnly    stringList
	notes       bool
	includeCRDs bool
	printValues bool
}

const usageText = `Usage: helm-render --chart DIR [--values FILE]... [--set k=v]... [options]

Renders a Helm 3 chart like 'helm template', offline. Output: every non-empty document, preceded by
'---' and '# Source: <chart>/templates/<file>', in helm template's order (by kind, then file name,
then position in the file; helm.sh/hook documents last). Exit status 1 on any error.

values.schema.json is NOT validated here: check values with tools/k8s-validate/validate-values.mjs
(e.g. on the output of --print-values, the values the templates actually see).

Options:
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	var o options
	fs := flag.NewFlagSet("helm-render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.chartDir, "chart", "", "chart directory (required; a single positional argument is accepted too)")
	fs.Var(&o.valueFiles, "values", "values file, merged over the chart's values.yaml; repeatable, later files win")
	fs.Var(&o.valueFiles, "f", "shorthand for --values")
	fs.Var(&o.sets, "set", "set values (a.b=c,list[0]=x,list={a,b}); repeatable, applied after all --values files")
	fs.Var(&o.setStrings, "set-string", "like --set, but every value is a string")
	fs.Var(&o.setFiles, "set-file", "key=path: set a value to a file's content")
	fs.StringVar(&o.release, "release", "release-name", "release name (.Release.Name)")
	fs.StringVar(&o.namespace, "namespace", "default", "namespace (.Release.Namespace)")
	fs.Var(&o.apiVersions, "api-versions", "extra API versions for .Capabilities.APIVersions.Has, comma-separated or repeated (e.g. monitoring.coreos.com/v1,keda.sh/v1alpha1)")
	fs.Var(&o.apiVersions, "a", "shorthand for --api-versions")
	fs.StringVar(&o.kubeVersion, "kube-version", "v1.30.0", "Kubernetes version for .Capabilities.KubeVersion and Chart.yaml's kubeVersion check")
	fs.Var(&o.showOnly, "show-only", "only print documents from templates matching this path (e.g. templates/deployment.yaml); repeatable")
	fs.Var(&o.showOnly, "s", "shorthand for --show-only")
	fs.BoolVar(&o.notes, "notes", false, "also print templates/NOTES.txt after the manifests, under 'NOTES:' (as helm install --dry-run)")
	fs.BoolVar(&o.includeCRDs, "include-crds", false, "print the chart's crds/ files first, as helm template --include-crds")
	fs.BoolVar(&o.printValues, "print-values", false, "print the coalesced .Values as YAML instead of rendering")
	fs.Usage = func() {
		fmt.Fprint(stderr, usageText)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 1
	}
	if o.chartDir == "" && fs.NArg() == 1 {
		o.chartDir = fs.Arg(0)
	} else if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "Error: unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		return 1
	}
	if o.chartDir == "" {
		fmt.Fprintln(stderr, "Error: --chart is required")
		fs.Usage()
		return 1
	}
	out, err := renderChart(o, func(w string) { fmt.Fprintln(stderr, w) })
	if err != nil {
		fmt.Fprintf(stderr, "Error: %s\n", err)
		return 1
	}
	fmt.Fprint(stdout, out)
	return 0
}

// renderChart does what `helm template` does after parsing its flags and returns the output text.
func renderChart(o options, warn func(string)) (string, error) {
	c, err := loadChart(o.chartDir)
	if err != nil {
		return "", err
	}
	user := map[string]interface{}{}
	for _, f := range o.valueFiles {
		vals, err := readValuesFile(f)
		if err != nil {
			return "", err
		}
		user = mergeMaps(user, vals)
	}
	for _, s := range o.sets {
		if err := parseSet(s, user, false); err != nil {
			return "", fmt.Errorf("failed parsing --set data: %w", err)
		}
	}
	for _, s := range o.setStrings {
		if err := parseSet(s, user, true); err != nil {
			return "", fmt.Errorf("failed parsing --set-string data: %w", err)
		}
	}
	for _, s := range o.setFiles {
		if err := parseSetFile(s, user); err != nil {
			return "", fmt.Errorf("failed parsing --set-file data: %w", err)
		}
	}
	values := coalesceValues(user, c.Values, warn)
	if o.printValues {
		return Values(values).YAML()
	}

	kv, err := parseKubeVersion(o.kubeVersion)
	if err != nil {
		return "", err
	}
	if c.Metadata.KubeVersion != "" {
		ok, err := kubeVersionCompatible(c.Metadata.KubeVersion, kv.Version)
		if err != nil {
			return "", err
		}
		if !ok {
			return "", fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes %s", c.Metadata.KubeVersion, kv.Version)
		}
	}
	apis := append(VersionSet{}, defaultAPIVersions...)
	for _, a := range o.apiVersions {
		for _, x := range strings.Split(a, ",") {
			if x = strings.TrimSpace(x); x != "" {
				apis = append(apis, x)
			}
		}
	}
	top := map[string]interface{}{
		"Values":  Values(values),
		"Release": releaseValues(o.release, o.namespace),
		"Chart":   c.Metadata,
		"Capabilities": &Capabilities{
			KubeVersion: kv,
			APIVersions: apis,
			HelmVersion: HelmVersion{Version: "v3.15.0", GitTreeState: "clean", GoVersion: "helm-render"},
		},
		"Files":     c.Files,
		"Subcharts": map[string]interface{}{},
	}
	rendered, err := renderTemplates(c, top)
	if err != nil {
		return "", err
	}
	// NOTES.txt is rendered like every template (an error in it fails the render, as in Helm) but is
	// not a manifest.
	notesName := c.Metadata.Name + "/templates/NOTES.txt"
	notes, hasNotes := rendered[notesName]
	delete(rendered, notesName)

	generic, hooks, err := sortManifests(rendered)
	if err != nil {
		return "", err
	}
	all := append(generic, hooks...)
	if len(o.showOnly) > 0 {
		if all, err = filterShowOnly(all, o.showOnly, c.Metadata.Name); err != nil {
			return "", err
		}
	}

	var b strings.Builder
	if o.includeCRDs && len(o.showOnly) == 0 {
		for _, name := range sortedFileNames(c.Files) {
			ext := filepath.Ext(name)
			if strings.HasPrefix(name, "crds/") && (ext == ".yaml" || ext == ".yml" || ext == ".json") {
				fmt.Fprintf(&b, "---\n# Source: %s/%s\n%s\n", c.Metadata.Name, name, string(c.Files[name]))
			}
		}
	}
	for _, m := range all {
		fmt.Fprintf(&b, "---\n# Source: %s\n%s\n", m.Source, m.Content)
	}
	if o.notes && hasNotes {
		fmt.Fprintf(&b, "NOTES:\n%s\n", strings.TrimSpace(notes))
	}
	return b.String(), nil
}

// filterShowOnly is helm template --show-only: patterns (filepath.Match) against the template path
// without the chart name; a pattern that matches nothing is an error.
func filterShowOnly(ms []manifest, patterns []string, chart string) ([]manifest, error) {
	var out []manifest
	for _, p := range patterns {
		found := false
		for _, m := range ms {
			rel := strings.TrimPrefix(m.Source, chart+"/")
			if ok, _ := filepath.Match(p, rel); ok {
				out = append(out, m)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("could not find template %s in chart", p)
		}
	}
	return out, nil
}
