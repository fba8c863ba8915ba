{{/* Labels every object of the chart carries: the pods' own, plus the versions (they change with the chart). */}}
{{- define "dataloop.labels" -}}
{{ include "dataloop.podLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{/*
Labels of the pod template: only those that never change with a chart version. The operator compares a
FlinkDeployment's spec, pod template included: a changing label there would redeploy every job from a savepoint.
*/}}
{{- define "dataloop.podLabels" -}}
app.kubernetes.io/part-of: dataloop
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "dataloop.serviceAccountName" -}}
{{- .Values.serviceAccount.name | default (printf "%s-flink" .Release.Name | trunc 63 | trimSuffix "-") -}}
{{- end -}}

{{/* A job's effective settings: jobDefaults deep-merged with the job's own values. Input: (list $ $name $spec). */}}
{{- define "dataloop.job" -}}
{{- $root := index . 0 -}}
{{- $spec := index . 2 -}}
{{- $job := mergeOverwrite (deepCopy $root.Values.jobDefaults) (omit (deepCopy $spec) "options") -}}
{{- /* options: the job's win; an empty value ("") removes a default */ -}}
{{- $options := deepCopy ($root.Values.jobDefaults.options | default dict) -}}
{{- range $k, $v := ($spec.options | default dict) -}}
{{- if or (kindIs "invalid" $v) (eq (toString $v) "") -}}
{{- $_ := unset $options $k -}}
{{- else -}}
{{- $_ := set $options $k $v -}}
{{- end -}}
{{- end -}}
{{- $_ := set $job "options" $options -}}
{{- /* a secret file is mounted and passed only when its Secret is named (secrets.<x>.secretName: "" = none) */ -}}
{{- $_ := set $job "usesKafka" (and $job.usesKafka (ne ($root.Values.secrets.kafka.secretName | default "") "")) -}}
{{- $_ := set $job "usesPaimon" (and $job.usesPaimon (ne ($root.Values.secrets.paimon.secretName | default "") "")) -}}
{{- $_ := set $job "usesDoris" (and $job.usesDoris (ne ($root.Values.secrets.doris.secretName | default "") "")) -}}
{{- toYaml $job -}}
{{- end -}}

{{/* Options the chart derives from structured values; a job's options may not set them. */}}
{{- define "dataloop.reservedOptions" -}}
{{- list "checkpoint.interval" "checkpoint.timeout" "checkpoint.dir" "state.backend" "savepoint.path" "max-parallelism" "restart.attempts" "restart.delay" "restart.max-delay" "restart.reset-after" "parallelism" "kafka.properties-file" "paimon.catalog-options-file" "doris.password-file" "local" "help" "config" | toJson -}}
{{- end -}}

{{/* Flink configuration the chart derives from the same structured values as the job's arguments; flinkConfiguration
     may not set it, or the cluster and the job would disagree. */}}
{{- define "dataloop.reservedFlinkConfiguration" -}}
{{- list "execution.checkpointing.interval" "execution.checkpointing.timeout" "state.backend.type" "pipeline.max-parallelism" "restart-strategy.type" "restart-strategy.exponential-delay.initial-backoff" "restart-strategy.exponential-delay.max-backoff" "restart-strategy.exponential-delay.backoff-multiplier" "restart-strategy.exponential-delay.reset-backoff-threshold" "restart-strategy.exponential-delay.attempts-before-reset-backoff" | toJson -}}
{{- end -}}

{{/* A scalar value as the job reads it: whole numbers without an exponent or ".0" (YAML numbers arrive as floats). */}}
{{- define "dataloop.scalar" -}}
{{- $v := . -}}
{{- $s := toString $v -}}
{{- if or (kindIs "float64" $v) (kindIs "int64" $v) (kindIs "int" $v) -}}
{{- $s = toString (int64 $v) -}}
{{- if ne (float64 (int64 $v)) (float64 $v) -}}{{- $s = toString $v -}}{{- end -}}
{{- end -}}
{{- $s -}}
{{- end -}}

{{/* Nanoseconds of a Flink duration ("60 s", "2 min", "900000" = ms), as Flink's TimeUtils reads it; fails naming the
     value when it is none. Input: (list $where $value). */}}
{{- define "dataloop.durationNs" -}}
{{- $where := index . 0 -}}
{{- $v := include "dataloop.scalar" (index . 1) | trim | lower -}}
{{- if not (regexMatch "^[0-9]+ *[a-zµ]*$" $v) -}}
{{- fail (printf "%s: '%s' is not a duration (e.g. 60 s, 5 min, 1 h)" $where $v) -}}
{{- end -}}
{{- $n := regexReplaceAll "^0*([0-9]+) *([a-zµ]*)$" $v "${1}" | int64 -}}
{{- $unit := regexReplaceAll "^([0-9]+) *([a-zµ]*)$" $v "${2}" -}}
{{- $units := dict "" 1000000 -}}
{{- range $labels, $ns := dict "d day" 86400000000000 "h hour" 3600000000000 "min m minute" 60000000000 "s sec second" 1000000000 "ms milli millisecond" 1000000 "µs micro microsecond" 1000 "ns nano nanosecond" 1 -}}
{{- range splitList " " $labels -}}
{{- $_ := set $units . $ns -}}
{{- $_ := set $units (printf "%ss" .) $ns -}}
{{- end -}}
{{- end -}}
{{- if not (hasKey $units $unit) -}}
{{- fail (printf "%s: '%s' is not a duration (unknown unit '%s')" $where $v $unit) -}}
{{- end -}}
{{- mul $n (index $units $unit | int64) -}}
{{- end -}}

{{/*
The rules between a job's settings that the job checks when it starts (JobOptions.checkRestartSafety), checked here so
that a bad combination fails helm instead of the deployment. Input: (list $ $name $job).
*/}}
{{- define "dataloop.checkRestartSafety" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $job := index . 2 -}}
{{- if gt (int64 $job.parallelism) (int64 $job.maxParallelism) -}}
{{- fail (printf "jobs.%s: parallelism (%d) is above maxParallelism (%d), the highest parallelism the job's state allows" $name (int64 $job.parallelism) (int64 $job.maxParallelism)) -}}
{{- end -}}
{{- /* a transaction pre-committed at a checkpoint is committed when the checkpoint completes, or after the restart that
       follows a failure: if it times out first, the broker aborts it and its records are lost */ -}}
{{- $interval := include "dataloop.durationNs" (list (printf "jobs.%s.checkpointInterval" $name) $job.checkpointInterval) | int64 -}}
{{- $timeout := include "dataloop.durationNs" (list "checkpoints.timeout" $root.Values.checkpoints.timeout) | int64 -}}
{{- $maxDelay := include "dataloop.durationNs" (list "restartStrategy.maxDelay" $root.Values.restartStrategy.maxDelay) | int64 -}}
{{- /* the jobs' default (CommonOptions.KAFKA_TRANSACTION_TIMEOUT), unless the job's options set it */ -}}
{{- $tx := "15 min" -}}
{{- $txFrom := "the jobs' default" -}}
{{- with index $job.options "kafka.transaction-timeout" -}}
{{- $tx = . -}}
{{- $txFrom = printf "jobs.%s.options" $name -}}
{{- end -}}
{{- $txNs := include "dataloop.durationNs" (list (printf "jobs.%s.options.kafka.transaction-timeout" $name) $tx) | int64 -}}
{{- if lt $txNs (add $interval $timeout $maxDelay | int64) -}}
{{- fail (printf "jobs.%s: kafka.transaction-timeout (%s, %s) must be at least checkpointInterval (%s) + checkpoints.timeout (%s) + restartStrategy.maxDelay (%s), or the job refuses to start (Kafka would abort committed output during a recovery); lower those or raise jobs.%s.options.kafka.transaction-timeout (at most the brokers' transaction.max.timeout.ms, 15 min by default)" $name (include "dataloop.scalar" $tx) $txFrom (toString $job.checkpointInterval) (toString $root.Values.checkpoints.timeout) (toString $root.Values.restartStrategy.maxDelay) $name) -}}
{{- end -}}
{{- end -}}

{{/* The job's arguments, a YAML list of strings: derived options first, then options (sorted by key). Input: (list $ $name $job). */}}
{{- define "dataloop.args" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $job := index . 2 -}}
{{- $reserved := include "dataloop.reservedOptions" . | fromJsonArray -}}
{{- $restart := $root.Values.restartStrategy -}}
{{- $args := list "--checkpoint.interval" (toString $job.checkpointInterval) "--checkpoint.timeout" (toString $root.Values.checkpoints.timeout) "--max-parallelism" (toString (int64 $job.maxParallelism)) "--state.backend" (toString $job.stateBackend) -}}
{{- $args = concat $args (list "--restart.delay" (toString $restart.initialDelay) "--restart.max-delay" (toString $restart.maxDelay) "--restart.reset-after" (toString $restart.resetAfter)) -}}
{{- if not (kindIs "invalid" $restart.attempts) -}}
{{- $args = concat $args (list "--restart.attempts" (toString (int64 $restart.attempts))) -}}
{{- end -}}
{{- if $job.usesKafka -}}
{{- $args = concat $args (list "--kafka.properties-file" (printf "%s/%s" $root.Values.secrets.kafka.mountPath $root.Values.secrets.kafka.key)) -}}
{{- end -}}
{{- if $job.usesPaimon -}}
{{- $args = concat $args (list "--paimon.catalog-options-file" (printf "%s/%s" $root.Values.secrets.paimon.mountPath $root.Values.secrets.paimon.key)) -}}
{{- end -}}
{{- if $job.usesDoris -}}
{{- $args = concat $args (list "--doris.password-file" (printf "%s/%s" $root.Values.secrets.doris.mountPath $root.Values.secrets.doris.key)) -}}
{{- end -}}
{{- range $k, $v := $job.options -}}
{{- if has $k $reserved -}}
{{- fail (printf "jobs.%s.options.%s is set by the chart from structured values (checkpointInterval, checkpoints.timeout, maxParallelism, stateBackend, restartStrategy, parallelism, secrets, initialSavepointPath); remove it" $name $k) -}}
{{- end -}}
{{- if or (kindIs "invalid" $v) (eq (toString $v) "") -}}
{{- /* null or empty: option removed */ -}}
{{- else -}}
{{- $args = concat $args (list (printf "--%s" $k) (include "dataloop.scalar" $v)) -}}
{{- end -}}
{{- end -}}
{{- toYaml $args -}}
{{- end -}}
