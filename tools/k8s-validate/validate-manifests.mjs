#!/usr/bin/env node
// Validates rendered Kubernetes manifests offline: every document of a multi-document YAML stream
// (files given as arguments, or stdin) against the OpenAPI schema of its kind, through
// kubernetes-models (Kubernetes 1.30 built-in kinds) and its companion packages for the CRDs
// StreamRec's chart uses: @kubernetes-models/prometheus-operator (monitoring.coreos.com/v1:
// ServiceMonitor, PrometheusRule, PodMonitor, ...) and @kubernetes-models/keda (keda.sh/v1alpha1:
// ScaledObject, TriggerAuthentication, ...). Those schemas catch wrong types and missing required
// fields, but NOT unknown fields (a misspelt key passes).
//
// On top of the schemas it applies API-server rules the schemas do not hold: apiVersion, kind and
// metadata.name present; names are DNS-1123 subdomains (Services: DNS-1035 labels); label keys and
// values are well formed; no two documents are the same object. A kind from an API group none of the
// packages knows is given a structural check only (apiVersion, kind, metadata.name, spec present),
// and the line says so.
//
// Prints one line per document, "Kind/name: ok" or "Kind/name: FAILED" followed by one indented
// line per error, and exits 1 if any document failed (2 on bad usage or unreadable input).
//
// Usage: node validate-manifests.mjs [FILE|-]...        (no FILE: stdin)
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

// Packages with model classes, by the API groups they cover. The core group's apiVersion is "v1".
const modelPackages = [
  { pkg: "kubernetes-models", groups: null }, // every built-in group
  { pkg: "@kubernetes-models/prometheus-operator", groups: ["monitoring.coreos.com"] },
  { pkg: "@kubernetes-models/keda", groups: ["keda.sh"] },
];
const builtinGroups = new Set([
  "", "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io", "apps",
  "authentication.k8s.io", "authorization.k8s.io", "autoscaling", "batch", "certificates.k8s.io",
  "coordination.k8s.io", "discovery.k8s.io", "events.k8s.io", "extensions", "flowcontrol.apiserver.k8s.io",
  "networking.k8s.io", "node.k8s.io", "policy", "rbac.authorization.k8s.io", "scheduling.k8s.io",
  "storage.k8s.io",
]);

const groupOf = (apiVersion) => (apiVersion.includes("/") ? apiVersion.split("/")[0] : "");

const moduleCache = new Map();
async function importGroupVersion(pkg, apiVersion) {
  const spec = `${pkg}/${apiVersion}`;
  if (!moduleCache.has(spec)) {
    moduleCache.set(spec, await import(spec).catch((e) => {
      if (e.code === "ERR_PACKAGE_PATH_NOT_EXPORTED" || e.code === "ERR_MODULE_NOT_FOUND") return null;
      throw e;
    }));
  }
  return moduleCache.get(spec);
}

// Returns { model } for a known kind, { unknownGroup: true } for an API group no package covers,
// or { error } for a group that is known but has no such version or kind (a typo, or a removed API).
async function findModel(apiVersion, kind) {
  const group = groupOf(apiVersion);
  const candidates = modelPackages.filter((p) => (p.groups ? p.groups.includes(group) : builtinGroups.has(group)));
  if (candidates.length === 0) return { unknownGroup: true };
  if (!/^([a-z0-9.-]+\/)?v[0-9]+((alpha|beta)[0-9]+)?$/.test(apiVersion)) {
    return { error: `apiVersion ${JSON.stringify(apiVersion)} is not a valid group/version` };
  }
  for (const { pkg } of candidates) {
    const mod = await importGroupVersion(pkg, apiVersion);
    if (mod && typeof mod[kind] === "function" && mod[kind].kind === kind) return { model: mod[kind] };
  }
  return { error: `no kind ${JSON.stringify(kind)} in ${apiVersion} (Kubernetes 1.30 / known CRDs)` };
}

const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1035Label = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const labelName = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkName(kind, name) {
  if (kind === "Service") {
    if (name.length > 63 || !dns1035Label.test(name)) {
      return [`metadata.name ${JSON.stringify(name)}: a Service name must be a DNS-1035 label (lowercase letters, digits, '-', starting with a letter, at most 63 characters)`];
    }
  } else if (name.length > 253 || !dns1123Subdomain.test(name)) {
    return [`metadata.name ${JSON.stringify(name)}: must be a DNS-1123 subdomain (lowercase letters, digits, '-', '.', at most 253 characters)`];
  }
  return [];
}

function checkLabels(labels, where) {
  const errors = [];
  if (labels == null) return errors;
  if (typeof labels !== "object" || Array.isArray(labels)) return [`${where} must be a map`];
  for (const [key, value] of Object.entries(labels)) {
    const slash = key.lastIndexOf("/");
    const prefix = slash >= 0 ? key.slice(0, slash) : "";
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    if ((slash >= 0 && (prefix.length > 253 || !dns1123Subdomain.test(prefix))) || name.length > 63 || !labelName.test(name)) {
      errors.push(`${where}: invalid label key ${JSON.stringify(key)}`);
    }
    if (typeof value !== "string") {
      errors.push(`${where}.${key}: label values must be strings, got ${JSON.stringify(value)}`);
    } else if (value.length > 63 || !labelValue.test(value)) {
      errors.push(`${where}.${key}: invalid label value ${JSON.stringify(value)} (at most 63 characters: alphanumerics, '-', '_', '.', beginning and ending with an alphanumeric)`);
    }
  }
  return errors;
}

function checkAnnotations(annotations) {
  if (annotations == null) return [];
  if (typeof annotations !== "object" || Array.isArray(annotations)) return ["metadata.annotations must be a map"];
  return Object.entries(annotations)
    .filter(([, v]) => typeof v !== "string")
    .map(([k, v]) => `metadata.annotations.${k}: annotation values must be strings, got ${JSON.stringify(v)}`);
}

function schemaErrors(e) {
  if (Array.isArray(e.errors) && e.errors.length > 0) {
    return e.errors.map((x) => {
      const path = x.instancePath || "/";
      const detail = x.keyword === "additionalProperties" ? ` (${x.params.additionalProperty})` : "";
      return `${path}: ${x.message}${detail}`;
    });
  }
  return [String(e.message ?? e)];
}

async function validateDocument(doc, seen) {
  const errors = [];
  const kind = typeof doc.kind === "string" ? doc.kind : "";
  const apiVersion = typeof doc.apiVersion === "string" ? doc.apiVersion : "";
  const name = typeof doc.metadata?.name === "string" ? doc.metadata.name : doc.metadata?.generateName;
  const label = `${kind || "<no kind>"}/${name || "<no name>"}`;
  if (!apiVersion) errors.push("apiVersion is required (a string)");
  if (!kind) errors.push("kind is required (a string)");
  if (typeof doc.metadata !== "object" || doc.metadata === null || Array.isArray(doc.metadata)) {
    errors.push("metadata is required (a map)");
  } else {
    if (typeof name !== "string" || name === "") errors.push("metadata.name is required");
    else errors.push(...checkName(kind, name.replace(/-$/, "a")));
    errors.push(...checkLabels(doc.metadata.labels, "metadata.labels"));
    errors.push(...checkAnnotations(doc.metadata.annotations));
  }
  if (errors.length > 0 && (!apiVersion || !kind)) return { label, errors };

  let note = "";
  const found = await findModel(apiVersion, kind);
  if (found.error) {
    errors.push(found.error);
  } else if (found.unknownGroup) {
    note = ` (structural check only: no schema for ${apiVersion})`;
    if (doc.spec === undefined || doc.spec === null) errors.push("spec is required");
  } else {
    try {
      new found.model(doc).validate();
    } catch (e) {
      errors.push(...schemaErrors(e));
    }
    const podTemplate = doc.spec?.template?.metadata ?? doc.spec?.jobTemplate?.spec?.template?.metadata;
    if (podTemplate) errors.push(...checkLabels(podTemplate.labels, "pod template metadata.labels"));
  }

  const namespace = doc.metadata?.namespace ?? "";
  const identity = `${groupOf(apiVersion)}/${kind}/${namespace}/${name}`;
  if (name && seen.has(identity)) errors.push(`duplicate object: same kind, namespace and name as document ${seen.get(identity)}`);
  return { label, errors, note, identity };
}

async function main(args) {
  if (args.includes("-h") || args.includes("--help")) {
    console.log("Usage: node validate-manifests.mjs [FILE|-]...   (no FILE: stdin)");
    return 0;
  }
  const inputs = args.length > 0 ? args : ["-"];
  let failed = 0;
  let count = 0;
  const seen = new Map();
  for (const input of inputs) {
    let text;
    try {
      text = readFileSync(input === "-" ? 0 : input, "utf8");
    } catch (e) {
      console.error(`validate-manifests: cannot read ${input}: ${e.message}`);
      return 2;
    }
    const where = input === "-" ? "stdin" : input;
    const docs = parseAllDocuments(text, { prettyErrors: true });
    if (!Array.isArray(docs)) {
      console.log(`${where}: FAILED\n  not a YAML stream`);
      failed++;
      continue;
    }
    for (const [i, d] of docs.entries()) {
      count++;
      const source = /Source: (\S+)/.exec(`${d.commentBefore ?? ""} ${d.contents?.commentBefore ?? ""}`)?.[1] ?? `${where} document ${i + 1}`;
      if (d.errors.length > 0) {
        failed++;
        console.log(`${source}: FAILED (YAML)`);
        for (const e of d.errors) console.log(`  - ${e.message.split("\n")[0]}`);
        continue;
      }
      const doc = d.toJS({ maxAliasCount: 1000 });
      if (doc === null || doc === undefined) {
        console.log(`${source}: skipped (empty document)`);
        continue;
      }
      if (typeof doc !== "object" || Array.isArray(doc)) {
        failed++;
        console.log(`${source}: FAILED\n  - a manifest must be a map, got ${Array.isArray(doc) ? "a list" : typeof doc}`);
        continue;
      }
      const r = await validateDocument(doc, seen);
      if (r.identity && !seen.has(r.identity)) seen.set(r.identity, `${r.label} from ${source}`);
      if (r.errors.length === 0) {
        console.log(`${r.label}: ok${r.note}`);
      } else {
        failed++;
        console.log(`${r.label}: FAILED (${source})${r.note}`);
        for (const e of r.errors) console.log(`  - ${e}`);
      }
    }
  }
  if (count === 0) {
    console.log("validate-manifests: no documents in the input");
    return 1;
  }
  console.log(`validate-manifests: ${count - failed} of ${count} documents ok`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
