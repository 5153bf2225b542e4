import type { NodeVolumeRecord } from '../../domain/node-volume.js';
import { CHECK, fail, pass } from './doctor-check.js';
import type { CheckResult } from './doctor-check.js';

/** An NVMe controller as sysfs shows it: the subsystem it belongs to and its state (`live`, `connecting`, …). */
export interface ControllerView {
  readonly name: string;
  readonly nqn: string;
  readonly state: string;
}

const HINT =
  'the RDS, its NVMe/TCP export or the network path to it is down, or the session did not reconnect: check `nvme list-subsys` on this node, the disk on the RDS (`/disk print detail where nvme-tcp-server-nqn=...`), and the node plugin log';

/**
 * Whether every volume the node plugin has staged (its own records) still works: a live NVMe
 * controller of exactly its NQN, and for a file system volume its staging mount. Every broken
 * volume is named with what is wrong.
 */
export function evaluateStagedVolumes(records: readonly NodeVolumeRecord[], controllers: readonly ControllerView[], mountPoints: ReadonlySet<string>): CheckResult {
  if (records.length === 0) return pass(CHECK.stagedVolumes, 'no volume is staged on this node');
  const problems = records.flatMap((record) => {
    const own = controllers.filter((c) => c.nqn === record.nqn);
    const found: string[] = [];
    if (own.length === 0) found.push(`${record.volumeId}: no NVMe controller of ${record.nqn}`);
    else if (!own.some((c) => c.state === 'live')) found.push(`${record.volumeId}: ${own.map((c) => `${c.name} is ${c.state}`).join(', ')} (${record.nqn})`);
    if (record.fsType !== undefined && !mountPoints.has(record.stagingPath)) found.push(`${record.volumeId}: not mounted at ${record.stagingPath}`);
    return found;
  });
  if (problems.length > 0) return fail(CHECK.stagedVolumes, `${problems.length} problem(s) with ${records.length} staged volume(s): ${problems.join('; ')}`, HINT);
  return pass(CHECK.stagedVolumes, `${records.length} staged volume(s), each with a live NVMe/TCP controller${records.some((r) => r.fsType !== undefined) ? ' and its staging mount' : ''}`);
}
