#!/usr/bin/env bash
# Self-tests of the validators: each must pass a good input and fail a bad one with the expected
# errors (a validator that cannot fail proves nothing). Exits 1 if any check failed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"
bash install.sh >/dev/null

passed=0 failed=0
# check NAME WANT_EXIT EXPECTED_LINES -- COMMAND...: runs COMMAND, compares its exit status, and
# requires every line of EXPECTED_LINES (may be empty) to appear verbatim in its output.
check() {
  local name=$1 want=$2 expected=$3
  shift 4
  local out code=0
  out=$("$@" 2>&1) || code=$?
  local ok=true
  if [ "$code" -ne "$want" ]; then
    echo "FAIL $name: exit $code, want $want"
    ok=false
  fi
  while IFS= read -r line; do
    [ -z "$line" ] && continue
    if ! grep -qF -- "$line" <<<"$out"; then
      echo "FAIL $name: missing line: $line"
      ok=false
    fi
  done <<<"$expected"
  if $ok; then
    echo "ok   $name"
    passed=$((passed + 1))
  else
    printf '%s\n' "$out" | sed 's/^/       | /'
    failed=$((failed + 1))
  fi
}

check "valid manifests pass (built-in kinds, ServiceMonitor, PrometheusRule, ScaledObject, unknown CRD)" 0 \
"Deployment/demo-streamrec: ok
ServiceMonitor/demo-streamrec: ok
PrometheusRule/demo-streamrec: ok
ScaledObject/demo-streamrec: ok
Widget/demo-widget: ok (structural check only: no schema for example.com/v1)
validate-manifests: 6 of 6 documents ok" \
  -- node validate-manifests.mjs testdata/good-manifests.yaml

check "invalid manifests fail with one error per problem" 1 \
"Deployment/demo-streamrec: FAILED (demo/templates/deployment.yaml)
  - /spec/replicas: must be integer
  - /spec/template/spec/containers/0: must have required property name
Service/Demo_StreamRec: FAILED
a Service name must be a DNS-1035 label
invalid label value \"1.0.0+build.7\"
  - /spec/ports/0/port: must be integer
ServiceMonitor/demo-streamrec: FAILED (demo/templates/servicemonitor.yaml)
  - /spec: must have required property selector
ScaledObject/demo-streamrec: FAILED (demo/templates/scaledobject.yaml)
  - /spec: must have required property scaleTargetRef
  - spec is required
  - no kind \"Deployment\" in apps/v2
  - duplicate object: same kind, namespace and name as document ServiceMonitor/demo-streamrec from demo/templates/servicemonitor.yaml
validate-manifests: 0 of 7 documents ok" \
  -- node validate-manifests.mjs testdata/bad-manifests.yaml

check "manifests are read from stdin" 1 "  - /spec/replicas: must be integer" \
  -- bash -c 'node validate-manifests.mjs < testdata/bad-manifests.yaml'

check "invalid YAML fails" 1 "FAILED (YAML)" \
  -- bash -c 'printf "apiVersion: v1\nkind: [ConfigMap\n" | node validate-manifests.mjs'

check "empty input fails (nothing was validated)" 1 "no documents in the input" \
  -- bash -c 'printf "" | node validate-manifests.mjs'

check "valid values pass" 0 "testdata/good-values.yaml: ok" \
  -- node validate-values.mjs testdata/values.schema.json testdata/good-values.yaml

check "invalid values fail with every error" 1 \
"stdin: FAILED (testdata/values.schema.json)
  - /: must NOT have additional properties: replicas
  - /replicaCount: must be integer
  - /image: must have required property 'repository'
  - /image/tag: must be string
  - /image/pullPolicy: must be equal to one of the allowed values: \"Always\", \"IfNotPresent\", \"Never\"
  - /ingress/host: must match format \"hostname\"" \
  -- bash -c 'node validate-values.mjs testdata/values.schema.json < testdata/bad-values.yaml'

check "an unreadable schema is a usage error" 2 "cannot load schema" \
  -- node validate-values.mjs testdata/absent.schema.json testdata/good-values.yaml

if command -v yamllint >/dev/null; then
  check "yamllint config accepts the valid manifests" 0 "" \
    -- yamllint -c yamllint.yaml testdata/good-manifests.yaml
  check "yamllint config rejects duplicate keys and trailing spaces" 1 \
"duplication of key \"a\" in mapping  (key-duplicates)
trailing spaces  (trailing-spaces)" \
    -- bash -c 'printf -- "---\na: 1\na: 2\nb: x  \n" | yamllint -c yamllint.yaml -'
else
  echo "FAIL yamllint is not installed (scripts/setup.sh installs it)"
  failed=$((failed + 1))
fi

echo "k8s-validate tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
