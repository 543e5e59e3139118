package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

const fixture = "testdata/fixture"

// render runs the command line as a user would and returns stdout, stderr and the exit status.
func render(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(append([]string{"--chart", fixture, "--release", "myrel"}, args...), &out, &errOut)
	return out.String(), errOut.String(), code
}

// mustRender fails the test unless rendering succeeds.
func mustRender(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := render(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	return out
}

// document returns the rendered document from the given template whose metadata.name is name.
func document(t *testing.T, out, source, name string) string {
	t.Helper()
	for _, d := range strings.Split(out, "---\n")[1:] {
		if strings.HasPrefix(d, "# Source: fixture/templates/"+source+"\n") &&
			strings.Contains(d, "\n  name: "+name+"\n") {
			return d
		}
	}
	t.Fatalf("no document %s from %s in:\n%s", name, source, out)
	return ""
}

func assertContains(t *testing.T, s, want string) {
	t.Helper()
	if !strings.Contains(s, want) {
		t.Errorf("missing %q in:\n%s", want, s)
	}
}

func assertNotContains(t *testing.T, s, unwanted string) {
	t.Helper()
	if strings.Contains(s, unwanted) {
		t.Errorf("unexpected %q in:\n%s", unwanted, s)
	}
}

func TestIncludeWithNindentIndentsThePartial(t *testing.T) {
	d := document(t, mustRender(t), "deployment.yaml", "myrel-fixture")
	assertContains(t, d, "  labels:\n"+
		"    app.kubernetes.io/name: fixture\n"+
		"    app.kubernetes.io/instance: myrel\n"+
		"    app.kubernetes.io/version: \"1.2.3\"\n"+
		"spec:\n")
}

func TestTplRendersAValueAsATemplate(t *testing.T) {
	d := document(t, mustRender(t, "--namespace", "recs"), "configmap.yaml", "myrel-fixture")
	assertContains(t, d, `greeting: "hello myrel in recs"`)
}

func TestRequiredFailureNamesTheTemplateLineAndMessage(t *testing.T) {
	out, errOut, code := render(t, "--set", "image.repository=")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if out != "" {
		t.Errorf("nothing must be printed on failure, got:\n%s", out)
	}
	want := "Error: execution error at (fixture/templates/_helpers.tpl:13:3): image.repository is required\n"
	if errOut != want {
		t.Errorf("stderr = %q, want %q", errOut, want)
	}
}

func TestRequiredFailsOnNullToo(t *testing.T) {
	_, errOut, code := render(t, "--set", "image.repository=null")
	if code != 1 || !strings.Contains(errOut, "image.repository is required") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

func TestFailStopsTheRenderWithItsMessage(t *testing.T) {
	_, errOut, code := render(t, "--set", "failWith=replicas must be odd")
	want := "Error: execution error at (fixture/templates/deployment.yaml:2:4): replicas must be odd\n"
	if code != 1 || errOut != want {
		t.Fatalf("exit %d, stderr %q, want %q", code, errOut, want)
	}
}

func TestOtherTemplateErrorsNameTheTemplateAndLine(t *testing.T) {
	// image becomes a string, so .Values.image.repository in fixture.image cannot be evaluated.
	_, errOut, code := render(t, "--set", "image=flat")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if !regexp.MustCompile(`^Error: template: fixture/templates/deployment\.yaml:\d+:\d+: `).MatchString(errOut) {
		t.Errorf("stderr = %q", errOut)
	}
}

func TestToYamlRendersNestedValuesSortedAndIndented(t *testing.T) {
	d := document(t, mustRender(t), "deployment.yaml", "myrel-fixture")
	assertContains(t, d, "          resources:\n"+
		"            limits:\n"+
		"              cpu: 500m\n"+
		"              memory: 256Mi\n"+
		"            requests:\n"+
		"              cpu: 100m\n")
}

func TestValuesFilesMergeInOrderAndSetWins(t *testing.T) {
	out := mustRender(t, "--values", "testdata/override-a.yaml", "--values", "testdata/override-b.yaml")
	cm := document(t, out, "configmap.yaml", "myrel-fixture")
	assertContains(t, cm, `source: "file-b"`)
	dep := document(t, out, "deployment.yaml", "myrel-fixture")
	assertContains(t, dep, "replicas: 3\n")          // only file a sets it
	assertContains(t, dep, "        team: a-team\n") // merged into the chart's table, not replacing it

	out = mustRender(t, "--set", "source=from-set", "--values", "testdata/override-a.yaml", "--set", "replicas=5")
	assertContains(t, document(t, out, "configmap.yaml", "myrel-fixture"), `source: "from-set"`)
	assertContains(t, document(t, out, "deployment.yaml", "myrel-fixture"), "replicas: 5\n")
}

func TestNullInAnOverrideDeletesTheDefault(t *testing.T) {
	dep := document(t, mustRender(t, "--values", "testdata/override-b.yaml"), "deployment.yaml", "myrel-fixture")
	assertContains(t, dep, "      annotations:\n        team: recs\n    spec:\n")
	assertNotContains(t, dep, "tier:")
	assertContains(t, dep, "          resources:\n            requests:\n              cpu: 100m\n")
	assertNotContains(t, dep, "limits:")

	// The whole table goes; toYaml of the missing value prints null, as in Helm.
	dep = document(t, mustRender(t, "--set", "podAnnotations=null"), "deployment.yaml", "myrel-fixture")
	assertContains(t, dep, "      annotations:\n        null\n")
	assertNotContains(t, dep, "team:")
}

func TestSetSyntaxTypesValuesAndIndexesLists(t *testing.T) {
	vals := mustRender(t, "--print-values",
		"--set", `a.b=1,a.c=true,a.d=007,a.e=null,a.f=x\,y`,
		"--set", "list[1].name=second,tags={x,y}",
		"--set-string", "s=42")
	for _, want := range []string{
		"a:\n  b: 1\n  c: true\n  d: \"007\"\n  e: null\n  f: x,y\n",
		"list:\n- null\n- name: second\n",
		"s: \"42\"\n",
		"tags:\n- x\n- \"y\"\n",
	} {
		assertContains(t, vals, want)
	}
}

func TestFilesGetLinesAndGlob(t *testing.T) {
	out := mustRender(t)
	cm := document(t, out, "configmap.yaml", "myrel-fixture")
	assertContains(t, cm, "  config.txt: |\n    line one\n    line two\n  firstLine: \"line one\"\n")
	assertContains(t, cm, `missing: ""`)
	files := document(t, out, "configmap.yaml", "myrel-fixture-files")
	assertContains(t, files, "data:\n  config.txt: |\n    line one\n    line two\n  other.conf: |\n    key=value\n")
}

func TestReleaseChartTemplateAndCapabilitiesObjects(t *testing.T) {
	cm := document(t, mustRender(t, "--kube-version", "1.29.4"), "configmap.yaml", "myrel-fixture")
	for _, want := range []string{
		"template: fixture/templates/configmap.yaml\n", "basePath: fixture/templates\n",
		"kube: v1.29.4-1-29\n", "service: Helm\n", `install: "true"`, `revision: "1"`,
		"chart: fixture-0.1.0\n", `nothing: ""`, `lookup: "0"`,
	} {
		assertContains(t, cm, want)
	}
}

func TestChartKubeVersionConstraintIsEnforced(t *testing.T) {
	_, errOut, code := render(t, "--kube-version", "v1.24.0")
	if code != 1 || !strings.Contains(errOut, "chart requires kubeVersion: >=1.25.0-0 which is incompatible with Kubernetes v1.24.0") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

func TestAPIVersionsHasAnswersForTheConfiguredList(t *testing.T) {
	assertNotContains(t, mustRender(t), "kind: ServiceMonitor")
	out := mustRender(t, "--api-versions", "keda.sh/v1alpha1,monitoring.coreos.com/v1")
	assertContains(t, document(t, out, "servicemonitor.yaml", "myrel-fixture"), "kind: ServiceMonitor\n")
}

func TestPartialsAndEmptyDocumentsAreNotEmitted(t *testing.T) {
	out := mustRender(t)
	assertNotContains(t, out, "_helpers.tpl")
	assertNotContains(t, out, "empty.yaml")
	assertNotContains(t, out, "servicemonitor.yaml")
	assertNotContains(t, out, "---\n---")
	if n := strings.Count(out, "---\n# Source: "); n != 4 {
		t.Errorf("%d documents, want 4:\n%s", n, out)
	}
	if !strings.HasSuffix(out, "\n") || strings.HasSuffix(out, "\n\n") {
		t.Errorf("output must end with exactly one newline")
	}
	assertContains(t, mustRender(t, "--set", "extra.enabled=true"), "# Source: fixture/templates/empty.yaml\napiVersion: v1\nkind: Secret\n")
}

func TestOutputIsInHelmInstallOrderWithHooksLast(t *testing.T) {
	out := mustRender(t, "--set", "hook.enabled=true", "--api-versions", "monitoring.coreos.com/v1")
	var kinds []string
	for _, m := range regexp.MustCompile(`(?m)^kind: (\w+)$`).FindAllStringSubmatch(out, -1) {
		kinds = append(kinds, m[1])
	}
	want := "ConfigMap ConfigMap Service Deployment ServiceMonitor Job"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("kinds in order %q, want %q", got, want)
	}
}

func TestNotesArePrintedOnlyWithNotes(t *testing.T) {
	assertNotContains(t, mustRender(t), "NOTES")
	out := mustRender(t, "--notes", "--namespace", "recs")
	if !strings.HasSuffix(out, "\nNOTES:\nmyrel-fixture is installed in recs.\n") {
		t.Errorf("notes missing at the end of:\n%s", out)
	}
}

func TestShowOnlyPrintsOneTemplate(t *testing.T) {
	out := mustRender(t, "--show-only", "templates/service.yaml")
	if strings.Count(out, "# Source: ") != 1 || !strings.Contains(out, "kind: Service\n") {
		t.Errorf("unexpected output:\n%s", out)
	}
	if _, errOut, code := render(t, "-s", "templates/nope.yaml"); code != 1 || !strings.Contains(errOut, "could not find template templates/nope.yaml") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestInvalidYamlOutputIsAnError(t *testing.T) {
	_, errOut, code := render(t, "--set-string", "replicas=[unclosed")
	if code != 1 || !strings.HasPrefix(errOut, "Error: YAML parse error on fixture/templates/deployment.yaml") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

func TestParseErrorNamesTheTemplateAndLine(t *testing.T) {
	err := cleanupParseError("c/templates/x.yaml", parseError(t, "a\n{{ if }}"))
	if got := err.Error(); got != "parse error at (c/templates/x.yaml:2): missing value for if" {
		t.Errorf("got %q", got)
	}
}

func TestGlobSyntaxMatchesGobwas(t *testing.T) {
	f := Files{"a/x.txt": nil, "a/b/y.txt": nil, "a/z.conf": nil, "c.md": nil}
	for pattern, want := range map[string]string{
		"a/*":            "a/x.txt a/z.conf",
		"a/**":           "a/b/y.txt a/x.txt a/z.conf",
		"**.txt":         "a/b/y.txt a/x.txt",
		"a/*.{txt,conf}": "a/x.txt a/z.conf",
		"[!a]*":          "c.md",
		"a/?.txt":        "a/x.txt",
	} {
		if got := strings.Join(sortedFileNames(f.Glob(pattern)), " "); got != want {
			t.Errorf("Glob(%q) = %q, want %q", pattern, got, want)
		}
	}
}

func parseError(t *testing.T, text string) error {
	t.Helper()
	_, err := newTemplateSet().New("c/templates/x.yaml").Parse(text)
	if err == nil {
		t.Fatal("expected a parse error")
	}
	return err
}
