{{/*
Names and labels, the usual Helm way: <release>-<chart> unless the release name already contains the
chart name, truncated to 63 characters (a DNS label).
*/}}
{{- define "streamrec.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "streamrec.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "streamrec.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "streamrec.selectorLabels" -}}
app.kubernetes.io/name: {{ include "streamrec.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "streamrec.labels" -}}
helm.sh/chart: {{ include "streamrec.chart" . }}
{{ include "streamrec.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: streamrec
{{- end -}}

{{- define "streamrec.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "streamrec.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
The four stages, in pipeline order (as YAML {stages: [...]}): the values key, the component (Deployment suffix), the name
`streamrec run --stages` takes, the configuration section, and the input topic and consumer group with
their defaults (docs/configuration.md). KEDA's lag trigger needs the topic and group; they are read
from .Values.config when set there, so the chart and the workers never disagree.
*/}}
{{- define "streamrec.stageCatalog" -}}
stages:
- key: ingest
  component: ingest
  cli: ingest
  section: Ingest
  topicKey: Raw
  topic: streamrec.events.raw
  group: streamrec-ingest
  usesRedis: false
- key: embedder
  component: embedder
  cli: embed
  section: Embedder
  topicKey: Clean
  topic: streamrec.events.clean
  group: streamrec-embedder
  usesRedis: true
- key: driftDetector
  component: drift-detector
  cli: drift
  section: DriftDetector
  topicKey: Embedded
  topic: streamrec.events.embedded
  group: streamrec-drift
  usesRedis: true
- key: recommender
  component: recommender
  cli: recommend
  section: Recommender
  topicKey: Mutations
  topic: streamrec.mutations
  group: streamrec-recommender
  usesRedis: true
{{- end -}}

{{/*
The Deployments to render, as YAML {workloads: [...]}: one per enabled stage, or a single "all" one
(allInOne.enabled) hosting every enabled stage. Each has its component name, the key of its settings
in .Values, and its stages (entries of the catalog above, topic and group resolved from .Values.config).
The "all" one also says whether its stages run fused (config.Topology.Mode, as the worker decides it):
then only the first stage's consumer group consumes.
*/}}
{{- define "streamrec.workloads" -}}
{{- $config := .Values.config | default dict -}}
{{- $topics := dig "Kafka" "Topics" (dict) $config -}}
{{- $enabled := list -}}
{{- range $stage := (include "streamrec.stageCatalog" . | fromYaml).stages -}}
{{- if (index $.Values $stage.key).enabled -}}
{{- $section := index $config $stage.section | default (dict) -}}
{{- $_ := set $stage "topic" (index $topics $stage.topicKey | default $stage.topic) -}}
{{- $_ := set $stage "group" (index $section "GroupId" | default $stage.group) -}}
{{- $enabled = append $enabled $stage -}}
{{- end -}}
{{- end -}}
{{- $workloads := list -}}
{{- if .Values.allInOne.enabled -}}
{{- if $enabled -}}
{{- $mode := dig "Topology" "Mode" "auto" $config | lower -}}
{{- $fused := or (and (eq $mode "auto") (eq (len $enabled) 4)) (and (eq $mode "fused") (ge (len $enabled) 2)) -}}
{{- $workloads = append $workloads (dict "component" "all" "key" "allInOne" "stages" $enabled "fused" $fused) -}}
{{- end -}}
{{- else -}}
{{- range $stage := $enabled -}}
{{- $workloads = append $workloads (dict "component" $stage.component "key" $stage.key "stages" (list $stage)) -}}
{{- end -}}
{{- end -}}
{{- toYaml (dict "workloads" $workloads) -}}
{{- end -}}

{{/*
The content of appsettings.json: .Values.config, plus the librdkafka TLS file locations when
secrets.kafkaTls mounts the files (the paths are the chart's, so the chart sets them). JSON keys are
sorted, so the same values always give the same bytes and the same checksum annotation.
*/}}
{{- define "streamrec.appsettings" -}}
{{- $config := deepCopy (.Values.config | default dict) -}}
{{- $tls := .Values.secrets.kafkaTls -}}
{{- if $tls.existingSecret -}}
{{- if not (hasKey $config "Kafka") -}}{{- $_ := set $config "Kafka" (dict) -}}{{- end -}}
{{- $kafka := $config.Kafka -}}
{{- if not (hasKey $kafka "Client") -}}{{- $_ := set $kafka "Client" (dict) -}}{{- end -}}
{{- $client := $kafka.Client -}}
{{- $_ := set $client "ssl.ca.location" (printf "%s/%s" (include "streamrec.kafkaTlsDir" .) $tls.caKey) -}}
{{- if $tls.certKey -}}
{{- $_ := set $client "ssl.certificate.location" (printf "%s/%s" (include "streamrec.kafkaTlsDir" .) $tls.certKey) -}}
{{- end -}}
{{- if $tls.keyKey -}}
{{- $_ := set $client "ssl.key.location" (printf "%s/%s" (include "streamrec.kafkaTlsDir" .) $tls.keyKey) -}}
{{- end -}}
{{- end -}}
{{- toPrettyJson $config -}}
{{- end -}}

{{- define "streamrec.configDir" -}}/etc/streamrec/config{{- end -}}
{{- define "streamrec.kafkaTlsDir" -}}/etc/streamrec/kafka-tls{{- end -}}

{{- define "streamrec.metricsPort" -}}
{{- dig "Observability" "Port" 9400 (.Values.config | default dict) | int -}}
{{- end -}}

{{/*
The most replicas a workload may have: its own maximum, capped at the partitions of its input topic
(more consumers than partitions would sit idle). Takes (list $settings $max).
*/}}
{{- define "streamrec.replicaCap" -}}
{{- $settings := index . 0 -}}
{{- min (index . 1) $settings.partitions | int -}}
{{- end -}}

{{/*
Checks that values which are individually valid (the schema) make sense together; each failure says
what to change.
*/}}
{{- define "streamrec.validate" -}}
{{- $workloads := (include "streamrec.workloads" . | fromYaml).workloads -}}
{{- if not $workloads -}}
{{- fail "no stage is enabled: set at least one of ingest.enabled, embedder.enabled, driftDetector.enabled, recommender.enabled" -}}
{{- end -}}
{{- range $w := $workloads -}}
{{- $settings := index $.Values $w.key -}}
{{- if $w.fused -}}
{{- $flags := "" -}}
{{- range $stage := (include "streamrec.stageCatalog" $ | fromYaml).stages -}}
{{- $flags = printf "%s%s" $flags (ternary "1" "0" (index $.Values $stage.key).enabled) -}}
{{- end -}}
{{- if contains "0" (trimAll "0" $flags) -}}
{{- fail "config.Topology.Mode=fused with allInOne.enabled needs enabled stages with no gap in pipeline order (ingest, embedder, driftDetector, recommender): enable the stage between them, or set config.Topology.Mode=split" -}}
{{- end -}}
{{- end -}}
{{- if and $settings.autoscaling.enabled $settings.keda.enabled -}}
{{- fail (printf "%s: autoscaling.enabled and keda.enabled are both true; KEDA creates its own HorizontalPodAutoscaler, choose one" $w.key) -}}
{{- end -}}
{{- if gt (int $settings.replicas) (int $settings.partitions) -}}
{{- fail (printf "%s.replicas (%d) is more than %s.partitions (%d): consumers beyond the input topic's partitions get no work. Add partitions to the topic and raise %s.partitions, or lower the replicas" $w.key (int $settings.replicas) $w.key (int $settings.partitions) $w.key) -}}
{{- end -}}
{{- if $settings.keda.enabled -}}
{{- range $stage := $w.stages -}}
{{- if and (eq $stage.cli "recommend") (eq (dig "Recommender" "Trigger" "mutation" ($.Values.config | default dict)) "schedule") -}}
{{- fail (printf "%s.keda.enabled: with config.Recommender.Trigger=schedule the recommender consumes no topic, so there is no lag to scale on" $w.key) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if and .Values.allInOne.enabled .Values.allInOne.gpu.enabled (not .Values.embedder.enabled) -}}
{{- fail "allInOne.gpu.enabled needs embedder.enabled: only the embedder uses the GPU" -}}
{{- end -}}
{{- end -}}

{{/*
The container's environment: the Secret references (each only for the stages that use it), the GPU
settings, then extraEnv and the workload's own env. Takes (dict "root" $ "settings" $settings
"ingest" bool "redis" bool "gpu" bool); renders nothing when there is nothing to set.
*/}}
{{- define "streamrec.env" -}}
{{- $root := .root -}}
{{- $secrets := $root.Values.secrets -}}
{{- if .ingest }}
# Secrets are referenced by name, never copied into the chart's objects.
- name: STREAMREC__Ingest__PseudonymKey
  valueFrom:
    secretKeyRef:
      name: {{ required "secrets.pseudonymKey.existingSecret is required when Ingest runs: the Secret with the HMAC pseudonym key" $secrets.pseudonymKey.existingSecret }}
      key: {{ $secrets.pseudonymKey.key }}
{{- end }}
{{- if and .redis $secrets.redisPassword.existingSecret }}
- name: STREAMREC__Redis__Password
  valueFrom:
    secretKeyRef:
      name: {{ $secrets.redisPassword.existingSecret }}
      key: {{ $secrets.redisPassword.key }}
{{- end }}
{{- if $secrets.kafkaSasl.existingSecret }}
# librdkafka properties through the environment: Kubernetes allows dots in variable names.
- name: STREAMREC__Kafka__Client__sasl.username
  valueFrom:
    secretKeyRef:
      name: {{ $secrets.kafkaSasl.existingSecret }}
      key: {{ $secrets.kafkaSasl.usernameKey }}
- name: STREAMREC__Kafka__Client__sasl.password
  valueFrom:
    secretKeyRef:
      name: {{ $secrets.kafkaSasl.existingSecret }}
      key: {{ $secrets.kafkaSasl.passwordKey }}
{{- end }}
{{- if .gpu }}
# The GPU image's ONNX Runtime has the CUDA provider (Dockerfile.gpu).
- name: STREAMREC__Embedder__ExecutionProvider
  value: cuda
- name: STREAMREC__Embedder__AllowCpuFallback
  value: {{ .settings.gpu.allowCpuFallback | quote }}
{{- end }}
{{- with $root.Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- with .settings.env }}
{{ toYaml . }}
{{- end }}
{{- end -}}
