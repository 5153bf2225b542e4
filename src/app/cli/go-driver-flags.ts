/**
 * The flags of the Go driver (3whiskeywhiskey/rds-csi, cmd/rds-csi-plugin/main.go, plus the klog flags it
 * registers), each with the flag of ours to use instead. Go's flag package takes `-name` and `--name`
 * alike, so both spellings reach here; manifests written for it use the single dash.
 */
export interface GoFlag {
  readonly name: string;
  /** Go boolean flags take no separate value argument (`-controller`, never `-controller true`). */
  readonly boolean: boolean;
  /** What to write instead. `value` is what was given, if anything; `seen` holds every Go flag given. */
  readonly advice: (value: string | undefined, seen: ReadonlySet<string>) => string;
}

const same = (ours: string) => (value: string | undefined) => `use --${ours}${value === undefined ? ' VALUE' : ` ${value}`}`;
const seconds = (ours: string) => (value: string | undefined) => {
  const s = value === undefined ? undefined : goDurationSeconds(value);
  return `use --${ours} ${s === undefined ? 'SECONDS' : String(s)} (whole seconds, not a Go duration)`;
};
const none = (reason: string) => () => `no equivalent: ${reason}; remove it`;
const mode = (_value: string | undefined, seen: ReadonlySet<string>) =>
  seen.has('controller') && seen.has('node') ? 'use --mode all' : seen.has('controller') ? 'use --mode controller' : 'use --mode node';
const klog = () => 'no equivalent: logs are JSON lines on stdout; choose detail with --log-level debug|info|warn|error and remove it';

const orphan = 'this driver has no orphan reconciler (leftover RouterOS disks are listed by `rds-csi doctor`)';

export const GO_FLAGS: readonly GoFlag[] = [
  { name: 'endpoint', boolean: false, advice: same('endpoint') },
  { name: 'node-id', boolean: false, advice: same('node-id') },
  { name: 'driver-name', boolean: false, advice: same('driver-name') },
  { name: 'rds-address', boolean: false, advice: same('rds-address') },
  { name: 'rds-port', boolean: false, advice: same('rds-port') },
  { name: 'rds-user', boolean: false, advice: same('rds-user') },
  { name: 'rds-key-file', boolean: false, advice: same('rds-key-file') },
  { name: 'rds-host-key', boolean: false, advice: same('rds-host-key') },
  { name: 'rds-insecure-skip-verify', boolean: true, advice: () => 'use --rds-insecure-skip-host-key-check (labs only)' },
  { name: 'rds-volume-base-path', boolean: false, advice: same('volume-base-path') },
  { name: 'controller', boolean: true, advice: mode },
  { name: 'node', boolean: true, advice: mode },
  { name: 'enable-orphan-reconciler', boolean: true, advice: none(orphan) },
  { name: 'orphan-check-interval', boolean: false, advice: none(orphan) },
  { name: 'orphan-grace-period', boolean: false, advice: none(orphan) },
  { name: 'orphan-dry-run', boolean: true, advice: none(orphan) },
  { name: 'attachment-grace-period', boolean: false, advice: none('fencing follows VolumeAttachments, with no hand-over grace period') },
  { name: 'attachment-reconcile-interval', boolean: false, advice: seconds('reconcile-interval') },
  { name: 'enable-vmi-serialization', boolean: true, advice: none('calls are serialised per volume already') },
  { name: 'vmi-cache-ttl', boolean: false, advice: none('calls are serialised per volume already') },
  { name: 'kubeconfig', boolean: false, advice: same('kubeconfig') },
  { name: 'metrics-address', boolean: false, advice: same('metrics-address') },
  { name: 'version', boolean: true, advice: () => 'use --version' },
  { name: 'v', boolean: false, advice: (value) => `use --log-level ${value !== undefined && Number(value) >= 4 ? 'debug' : 'info'}` },
  ...['vmodule', 'log_dir', 'log_file', 'log_file_max_size', 'stderrthreshold', 'log_backtrace_at'].map((name) => ({ name, boolean: false, advice: klog })),
  ...['logtostderr', 'alsologtostderr', 'add_dir_header', 'skip_headers', 'skip_log_headers', 'one_output'].map((name) => ({ name, boolean: true, advice: klog })),
];

export function goFlag(name: string): GoFlag | undefined {
  return GO_FLAGS.find((f) => f.name === name);
}

/** Seconds in a Go duration such as `5m`, `1h30m` or `90s`, rounded up; undefined when it is not one. */
export function goDurationSeconds(text: string): number | undefined {
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, ns: 1e-9 };
  if (!/^(\d+(\.\d+)?(h|ms|m|s|us|µs|ns))+$/.test(text)) return undefined;
  let total = 0;
  for (const part of text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) total += Number(part[1]) * unit[part[2]!]!;
  return Math.ceil(total);
}
