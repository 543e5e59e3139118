#!/usr/bin/env bash
# Tests the offline deployment-test tools: helm-render's Go tests, the validators' self-tests, an
# end-to-end pass (helm-render's fixture chart rendered, then schema-validated and linted), and a
# lint of the tools' shell scripts with shellcheck. Needs what scripts/setup.sh installs. Exits 1 on
# any failure.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

echo "tools: helm-render Go tests + build"
bin=$(GO_TEST=1 bash tools/helm-render/build.sh)

echo "tools: k8s-validate self-tests"
bash tools/k8s-validate/test.sh

echo "tools: fixture chart rendered, validated and linted"
rendered=$(mktemp)
trap 'rm -f "$rendered"' EXIT
"$bin" --chart tools/helm-render/testdata/fixture --set hook.enabled=true \
  --api-versions monitoring.coreos.com/v1,keda.sh/v1alpha1 > "$rendered"
node tools/k8s-validate/validate-manifests.mjs "$rendered"
yamllint -c tools/k8s-validate/yamllint.yaml "$rendered"

echo "tools: shellcheck"
shellcheck tools/test.sh tools/helm-render/build.sh tools/k8s-validate/install.sh tools/k8s-validate/test.sh
echo "tools: all passed"
