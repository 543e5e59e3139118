#!/usr/bin/env node
// Validates a Helm values file against a chart's values.schema.json with ajv, as `helm install` /
// `helm template` would before rendering. The schema's dialect follows its "$schema" (draft-07 when
// absent, as Helm's charts conventionally declare; 2019-09 and 2020-12 are supported too). Strict
// mode is off: Helm's validators accept keywords ajv's strict mode rejects (e.g. unknown
// annotations such as "x-..." or "$comment"-style extras). Formats (uri, email, date-time, ...) are
// checked via ajv-formats.
//
// Helm validates the values the templates see: the chart's defaults coalesced with every override.
// To check exactly that, feed it helm-render's --print-values:
//   artifacts/tools/helm-render --chart deploy/helm/streamrec -f my.yaml --print-values \
//     | node tools/k8s-validate/validate-values.mjs deploy/helm/streamrec/values.schema.json -
//
// Prints "VALUES: ok" or one line per error, and exits 1 when the values are invalid (2 on bad usage,
// unreadable files, or an invalid schema).
//
// Usage: node validate-values.mjs SCHEMA.json [VALUES.yaml|-]     (no VALUES: stdin)
import { readFileSync } from "node:fs";
import Ajv from "ajv";
import Ajv2019 from "ajv/dist/2019.js";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { parse } from "yaml";

function read(path) {
  return readFileSync(path === "-" ? 0 : path, "utf8");
}

function main(args) {
  if (args.length < 1 || args.length > 2 || args.includes("-h") || args.includes("--help")) {
    console.error("Usage: node validate-values.mjs SCHEMA.json [VALUES.yaml|-]   (no VALUES: stdin)");
    return args.includes("-h") || args.includes("--help") ? 0 : 2;
  }
  const [schemaPath, valuesPath = "-"] = args;
  const label = valuesPath === "-" ? "stdin" : valuesPath;
  let schema;
  let values;
  try {
    schema = JSON.parse(read(schemaPath));
  } catch (e) {
    console.error(`validate-values: cannot load schema ${schemaPath}: ${e.message}`);
    return 2;
  }
  try {
    // An empty values file is an empty map, as in Helm.
    values = parse(read(valuesPath), { maxAliasCount: 1000 }) ?? {};
  } catch (e) {
    console.log(`${label}: FAILED\n  - not valid YAML: ${e.message.split("\n")[0]}`);
    return 1;
  }

  const dialect = String(schema.$schema ?? "");
  const AjvClass = dialect.includes("2020-12") ? Ajv2020 : dialect.includes("2019-09") ? Ajv2019 : Ajv;
  const ajv = new AjvClass({ allErrors: true, strict: false, allowUnionTypes: true });
  addFormats(ajv);
  let validate;
  try {
    validate = ajv.compile(schema);
  } catch (e) {
    console.error(`validate-values: invalid schema ${schemaPath}: ${e.message}`);
    return 2;
  }
  if (validate(values)) {
    console.log(`${label}: ok`);
    return 0;
  }
  console.log(`${label}: FAILED (${schemaPath})`);
  for (const e of validate.errors) {
    const path = e.instancePath || "/";
    let detail = "";
    if (e.keyword === "additionalProperties") detail = `: ${e.params.additionalProperty}`;
    else if (e.keyword === "enum") detail = `: ${e.params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
    console.log(`  - ${path}: ${e.message}${detail}`);
  }
  return 1;
}

process.exitCode = main(process.argv.slice(2));
