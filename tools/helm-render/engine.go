package main

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/Masterminds/semver"
	"sigs.k8s.io/yaml"
)

// KubeVersion mirrors chartutil.KubeVersion (.Capabilities.KubeVersion).
type KubeVersion struct {
	Version string // v1.30.0
	Major   string // 1
	Minor   string // 30
}

// String lets {{ .Capabilities.KubeVersion }} print the version, as in Helm.
func (kv *KubeVersion) String() string { return kv.Version }

// GitVersion is Helm's deprecated alias of Version.
func (kv *KubeVersion) GitVersion() string { return kv.Version }

// VersionSet mirrors chartutil.VersionSet (.Capabilities.APIVersions).
type VersionSet []string

// Has reports whether the exact group/version (or group/version/Kind) string is in the set.
func (v VersionSet) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

// HelmVersion mirrors helm's version.BuildInfo (.Capabilities.HelmVersion).
type HelmVersion struct {
	Version      string
	GitCommit    string
	GitTreeState string
	GoVersion    string
}

// Capabilities mirrors chartutil.Capabilities.
type Capabilities struct {
	KubeVersion KubeVersion
	APIVersions VersionSet
	HelmVersion HelmVersion
}

// defaultAPIVersions are the group/versions of a Kubernetes 1.30 API server that `helm template`
// reports without a cluster (Helm builds its list from client-go's scheme plus apiextensions).
// CRD groups such as monitoring.coreos.com/v1 or keda.sh/v1alpha1 are absent unless --api-versions
// adds them, exactly as in `helm template`.
var defaultAPIVersions = []string{
	"v1",
	"admissionregistration.k8s.io/v1",
	"admissionregistration.k8s.io/v1alpha1",
	"admissionregistration.k8s.io/v1beta1",
	"apiextensions.k8s.io/v1",
	"apiextensions.k8s.io/v1beta1",
	"apiregistration.k8s.io/v1",
	"apps/v1",
	"authentication.k8s.io/v1",
	"authentication.k8s.io/v1alpha1",
	"authentication.k8s.io/v1beta1",
	"authorization.k8s.io/v1",
	"autoscaling/v1",
	"autoscaling/v2",
	"batch/v1",
	"certificates.k8s.io/v1",
	"certificates.k8s.io/v1alpha1",
	"coordination.k8s.io/v1",
	"discovery.k8s.io/v1",
	"events.k8s.io/v1",
	"flowcontrol.apiserver.k8s.io/v1",
	"flowcontrol.apiserver.k8s.io/v1beta3",
	"internal.apiserver.k8s.io/v1alpha1",
	"networking.k8s.io/v1",
	"networking.k8s.io/v1alpha1",
	"node.k8s.io/v1",
	"policy/v1",
	"rbac.authorization.k8s.io/v1",
	"resource.k8s.io/v1alpha2",
	"scheduling.k8s.io/v1",
	"storage.k8s.io/v1",
	"storage.k8s.io/v1alpha1",
	"storage.k8s.io/v1beta1",
	"storagemigration.k8s.io/v1alpha1",
}

// parseKubeVersion is chartutil.ParseKubeVersion: any semver, printed with a leading "v".
func parseKubeVersion(s string) (KubeVersion, error) {
	v, err := semver.NewVersion(s)
	if err != nil {
		return KubeVersion{}, fmt.Errorf("invalid --kube-version %q: %w", s, err)
	}
	return KubeVersion{
		Version: "v" + v.String(),
		Major:   strconv.FormatUint(v.Major(), 10),
		Minor:   strconv.FormatUint(v.Minor(), 10),
	}, nil
}

// Release is what .Release holds for a first install (`helm template`): a plain map, as in Helm.
func releaseValues(name, namespace string) map[string]interface{} {
	return map[string]interface{}{
		"Name":      name,
		"Namespace": namespace,
		"IsUpgrade": false,
		"IsInstall": true,
		"Revision":  1,
		"Service":   "Helm",
	}
}

// renderTemplates is Helm's engine.Render for one chart: every template under templates/ is parsed
// into one template set (so partials are shared), then every template whose base name does not
// start with "_" is executed. It returns the output by template name
// ("<chart>/templates/<file>"), with "<no value>" removed as Helm does.
func renderTemplates(c *Chart, top map[string]interface{}) (map[string]string, error) {
	t := newTemplateSet()

	names := make([]string, 0, len(c.Templates))
	byName := map[string]string{}
	for _, f := range c.Templates {
		name := c.Metadata.Name + "/" + f.Name
		names = append(names, name)
		byName[name] = string(f.Data)
	}
	// Helm parses deeper paths first, then by name; the order decides which of two equal defines wins.
	sort.Slice(names, func(i, j int) bool {
		ci, cj := strings.Count(names[i], "/"), strings.Count(names[j], "/")
		if ci != cj {
			return ci > cj
		}
		return names[i] > names[j]
	})
	for _, name := range names {
		if _, err := t.New(name).Parse(byName[name]); err != nil {
			return nil, cleanupParseError(name, err)
		}
	}

	rendered := make(map[string]string, len(names))
	basePath := c.Metadata.Name + "/templates"
	for _, name := range names {
		if strings.HasPrefix(path.Base(name), "_") {
			continue
		}
		top["Template"] = map[string]interface{}{"Name": name, "BasePath": basePath}
		var buf strings.Builder
		if err := t.ExecuteTemplate(&buf, name, top); err != nil {
			return nil, cleanupExecError(name, err)
		}
		rendered[name] = strings.ReplaceAll(buf.String(), "<no value>", "")
	}
	return rendered, nil
}

// newTemplateSet is the root of a chart's template set, configured as Helm's engine does.
func newTemplateSet() *template.Template {
	t := template.New("gotpl")
	t.Option("missingkey=zero")
	initFuncMap(t)
	return t
}

// cleanupParseError is Helm's: "parse error at (file:line): message".
func cleanupParseError(filename string, err error) error {
	tokens := strings.Split(err.Error(), ": ")
	if len(tokens) == 1 {
		return fmt.Errorf("parse error in (%s): %s", filename, err)
	}
	return fmt.Errorf("parse error at (%s): %s", tokens[1], tokens[len(tokens)-1])
}

var execLocation = regexp.MustCompile(`template: ([^:]+:\d+(?::\d+)?): `)

// cleanupExecError turns the messages of required and fail into Helm's
// "execution error at (file:line:col): message". Unlike Helm, which names the outermost template,
// the location is the innermost one (the partial that called required), which is where the fix goes.
// Other errors keep text/template's own message, which names the template and line.
func cleanupExecError(filename string, err error) error {
	msg := err.Error()
	start := strings.Index(msg, warnStartDelim)
	end := strings.LastIndex(msg, warnEndDelim)
	if start == -1 || end == -1 || end < start {
		if !strings.HasPrefix(msg, "template: ") {
			return fmt.Errorf("execution error in (%s): %s", filename, msg)
		}
		return err
	}
	location := filename
	if locs := execLocation.FindAllStringSubmatch(msg[:start], -1); len(locs) > 0 {
		location = locs[len(locs)-1][1]
	}
	return fmt.Errorf("execution error at (%s): %s", location, msg[start+len(warnStartDelim):end])
}

// manifest is one YAML document of the output.
type manifest struct {
	Source  string // <chart>/templates/<file>
	Content string
	Kind    string
	Name    string
	Hook    bool
}

// simpleHead is releaseutil.SimpleHead: what Helm reads from each document to sort it.
type simpleHead struct {
	Version  string `json:"apiVersion"`
	Kind     string `json:"kind,omitempty"`
	Metadata *struct {
		Name        string            `json:"name"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata,omitempty"`
}

// installOrder is releaseutil.InstallOrder: `helm template` prints manifests sorted by kind in this
// order (stable, so within a kind by file name, then by position in the file); unknown kinds come
// last, alphabetically by kind.
var installOrder = []string{
	"PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
	"PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
	"PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
	"ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding",
	"RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
	"HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
}

var docSeparator = regexp.MustCompile(`(?:^|\s*\n)---\s*`)

// markerOnly matches a piece that holds nothing but "---" lines and whitespace.
var markerOnly = regexp.MustCompile(`^(?:\s*---\s*)*$`)

// splitManifests is releaseutil.SplitManifests: documents split on "---", trimmed, and empty
// documents dropped. Helm's own split leaves a lone "---" behind when a template emits consecutive
// separators with only blank lines between them ("---\n\n---"); such pieces are dropped here too.
// A document holding only comments is kept, as in Helm.
func splitManifests(s string) []string {
	var docs []string
	for _, d := range docSeparator.Split(strings.TrimSpace(s), -1) {
		d = strings.TrimSpace(d)
		if d != "" && !markerOnly.MatchString(d) {
			docs = append(docs, d)
		}
	}
	return docs
}

// sortManifests is releaseutil.SortManifests: files in name order, partials and empty output
// skipped, each document parsed enough to know its kind (invalid YAML is an error, as in Helm),
// hooks (helm.sh/hook annotation) set apart; both lists sorted by kind.
func sortManifests(files map[string]string) (generic, hooks []manifest, err error) {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		content := files[p]
		if strings.HasPrefix(path.Base(p), "_") || strings.TrimSpace(content) == "" {
			continue
		}
		for _, doc := range splitManifests(content) {
			var head simpleHead
			if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
				return nil, nil, fmt.Errorf("YAML parse error on %s: %w", p, err)
			}
			m := manifest{Source: p, Content: doc, Kind: head.Kind}
			if head.Metadata != nil {
				m.Name = head.Metadata.Name
				_, m.Hook = head.Metadata.Annotations["helm.sh/hook"]
			}
			if m.Hook {
				hooks = append(hooks, m)
			} else {
				generic = append(generic, m)
			}
		}
	}
	sortByKind(generic)
	sortByKind(hooks)
	return generic, hooks, nil
}

func sortByKind(ms []manifest) {
	rank := make(map[string]int, len(installOrder))
	for i, k := range installOrder {
		rank[k] = i
	}
	sort.SliceStable(ms, func(i, j int) bool {
		a, aok := rank[ms[i].Kind]
		b, bok := rank[ms[j].Kind]
		switch {
		case !aok && !bok:
			return ms[i].Kind < ms[j].Kind
		case !aok:
			return false
		case !bok:
			return true
		}
		return a < b
	})
}
