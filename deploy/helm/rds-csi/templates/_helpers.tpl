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
