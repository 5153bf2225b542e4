{{/* Driver image: repository:tag, tag defaulting to the chart's appVersion. */}}
{{- define "rds-csi.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* Restricted container security context (every container except the node driver). */}}
{{- define "rds-csi.restricted" -}}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities:
    drop: [ALL]
{{- end -}}

{{/* POD_NAMESPACE from the downward API: the leader election Lease namespace. */}}
{{- define "rds-csi.podNamespaceEnv" -}}
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
{{- end -}}

{{/* An env var read from the ConfigMap rds-csi-config. Args: list NAME KEY. */}}
{{- define "rds-csi.configEnv" -}}
- name: {{ index . 0 }}
  valueFrom:
    configMapKeyRef:
      name: rds-csi-config
      key: {{ index . 1 }}
{{- end -}}

{{/* A container's resources block ({} when the value is empty). Arg: the resources value. */}}
{{- define "rds-csi.resources" -}}
resources:
  {{- toYaml (. | default dict) | nindent 2 }}
{{- end -}}

{{/*
Pod template metadata. Labels: the selector labels, then podLabels (the schema refuses podLabels that
would replace a selector label). Annotations: checksum/config (sha256 of the rendered ConfigMap) and,
when the chart renders the Secret, checksum/secret, so a `helm upgrade` that changes either rolls the
pods; then podAnnotations, which cannot replace a checksum.
Args: dict "root" $ "component" "controller"|"node" "values" .Values.<component>
*/}}
{{- define "rds-csi.podMetadata" -}}
{{- $root := .root -}}
{{- $labels := merge (dict "app.kubernetes.io/name" "rds-csi" "app.kubernetes.io/component" .component) .values.podLabels -}}
{{- $annotations := dict "checksum/config" (include "rds-csi.configMap" $root | sha256sum) -}}
{{- if $root.Values.secret.createExample -}}
{{- $_ := set $annotations "checksum/secret" (include (print $root.Template.BasePath "/secret-example.yaml") $root | sha256sum) -}}
{{- end -}}
{{- $annotations = merge $annotations .values.podAnnotations -}}
labels:
  {{- toYaml $labels | nindent 2 }}
annotations:
  {{- toYaml $annotations | nindent 2 }}
{{- end -}}

{{/*
Every value the chart cannot default, and every combination it refuses, checked at once: rendering
fails with one line per problem, each naming the value and how to set it. Included by config.yaml,
which is always rendered.
*/}}
{{- define "rds-csi.checkValues" -}}
{{- $problems := list -}}
{{- if not .Values.rds.address -}}
{{- $problems = append $problems "rds.address is not set: the RDS management (SSH) address, e.g. --set rds.address=10.0.0.1" -}}
{{- end -}}
{{- if not .Values.secret.name -}}
{{- $problems = append $problems (printf "secret.name is not set: create the Secret with the keys rds-private-key and rds-host-key first (kubectl -n %s create secret generic rds-csi-secret --from-file=rds-private-key=./id_ed25519 --from-literal=rds-host-key='SHA256:...'), then --set secret.name=rds-csi-secret" .Release.Namespace) -}}
{{- end -}}
{{- $sc := .Values.storageClasses -}}
{{- if and $sc.filesystem.enabled $sc.filesystem.default $sc.blockRwx.enabled $sc.blockRwx.default -}}
{{- $problems = append $problems "storageClasses.filesystem.default and storageClasses.blockRwx.default are both true: a cluster has one default StorageClass, set one of them to false" -}}
{{- end -}}
{{- $chartFlags := dict
  "controller" (dict "mode" "" "endpoint" "" "rds-key-file" "secret.name" "rds-host-key" "secret.name" "metrics-address" "controller.metricsPort" "rds-address" "rds.address" "rds-port" "rds.port" "rds-user" "rds.user" "volume-base-path" "rds.volumeBasePath" "nvme-address" "rds.nvmeAddress" "nvme-port" "rds.nvmePort" "log-level" "logLevel")
  "node" (dict "mode" "" "endpoint" "" "node-id" "" "node-state-dir" "node.kubeletDir" "metrics-address" "node.metricsPort" "managed-nqn-prefix" "rds.managedNqnPrefix" "log-level" "logLevel") -}}
{{- range $component := list "controller" "node" -}}
{{- $flags := get $chartFlags $component -}}
{{- range (get $.Values $component).extraArgs -}}
{{- $flag := regexReplaceAll "^--([a-z0-9-]+).*$" . "${1}" -}}
{{- if hasKey $flags $flag -}}
{{- $value := get $flags $flag -}}
{{- $problems = append $problems (printf "%s.extraArgs: --%s is set by the chart%s; remove it from extraArgs" $component $flag (ternary "" (printf ", from %s" $value) (eq $value ""))) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if $problems -}}
{{- fail (printf "rds-csi cannot be installed with these values (see docs/installation.md):\n  - %s" (join "\n  - " $problems)) -}}
{{- end -}}
{{- end -}}

{{/*
The ConfigMap rds-csi-config, as config.yaml renders it (also hashed into checksum/config; the value
checks stay in config.yaml so a failure is reported there).
*/}}
{{- define "rds-csi.configMap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: rds-csi-config
  namespace: {{ .Release.Namespace }}
  labels:
    app.kubernetes.io/name: rds-csi
data:
  rds-address: {{ .Values.rds.address | quote }}
  rds-port: {{ .Values.rds.port | quote }}
  rds-user: {{ .Values.rds.user | quote }}
  volume-base-path: {{ .Values.rds.volumeBasePath | quote }}
  nvme-address: {{ .Values.rds.nvmeAddress | quote }}
  nvme-port: {{ .Values.rds.nvmePort | quote }}
  managed-nqn-prefix: {{ .Values.rds.managedNqnPrefix | quote }}
  log-level: {{ .Values.logLevel | quote }}
{{- end -}}
