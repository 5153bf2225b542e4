import { unescapeOctal } from '../../adapters/mount/mountinfo-parser.js';
import { CHECK, fail, pass } from './doctor-check.js';
import type { CheckResult } from './doctor-check.js';

/** The parts of a /proc/self/mountinfo line that decide mount propagation. */
export interface PropagationEntry {
  readonly mountPoint: string;
  /** Optional fields (proc(5) field 7…): `shared:N`, `master:N`, `propagate_from:N`, `unbindable`. */
  readonly optionalFields: readonly string[];
}

export function parsePropagation(mountinfo: string): PropagationEntry[] {
  return mountinfo.split('\n').flatMap((line) => {
    const f = line.split(' ');
    const separator = f.indexOf('-', 6);
    if (f.length < 9 || separator === -1 || !/^\d+$/.test(f[0]!)) return [];
    return [{ mountPoint: unescapeOctal(f[4]!), optionalFields: f.slice(6, separator) }];
  });
}

/**
 * The mount `dir` lives on: the longest mount point that is `dir` or one of its parents; of several
 * mounts on the same point the last one listed (the one on top) wins.
 */
export function mountContaining(entries: readonly PropagationEntry[], dir: string): PropagationEntry | undefined {
  const path = dir.length > 1 ? dir.replace(/\/+$/, '') : dir;
  let best: PropagationEntry | undefined;
  for (const entry of entries) {
    const mp = entry.mountPoint;
    const contains = mp === path || mp === '/' || path.startsWith(`${mp}/`);
    if (contains && (!best || mp.length >= best.mountPoint.length)) best = entry;
  }
  return best;
}

/**
 * Volumes the node plugin mounts under the kubelet directory must propagate back to the host (and so
 * to kubelet and the pods): the directory's mount must be `shared` in the plugin's mount namespace,
 * which `mountPropagation: Bidirectional` on the plugin container's volume mount gives.
 */
export function evaluatePropagation(dir: string, mountinfo: string): CheckResult {
  const hint =
    `mount ${dir} into the node plugin container with \`mountPropagation: Bidirectional\` (privileged container), ` +
    `and make it shared on the host (\`findmnt -o TARGET,PROPAGATION ${dir}\`; \`mount --make-rshared /\` if private)`;
  const entry = mountContaining(parsePropagation(mountinfo), dir);
  if (!entry) return fail(CHECK.propagation, `no mount holds ${dir}`, hint);
  const where = entry.mountPoint === dir ? dir : `${dir} (on the mount at ${entry.mountPoint})`;
  const shared = entry.optionalFields.find((f) => f.startsWith('shared:'));
  if (shared) return pass(CHECK.propagation, `${where} is shared (${shared})`);
  const slave = entry.optionalFields.some((f) => f.startsWith('master:'));
  const kind = slave ? 'a slave mount (HostToContainer): mounts made here never reach kubelet' : 'private: mounts made here never reach kubelet';
  return fail(CHECK.propagation, `${where} is ${kind}`, hint);
}
