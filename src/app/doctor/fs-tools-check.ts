import { CHECK, fail, pass } from './doctor-check.js';
import type { CheckResult } from './doctor-check.js';

export interface HostTool {
  /** Run with no side effects; only whether the program starts matters. */
  readonly argv: readonly string[];
  readonly packageName: string;
}

/** Every host program the node plugin runs besides nvme-cli (formatting, checking, growing, mounting). */
export const NODE_TOOLS: readonly HostTool[] = [
  { argv: ['mkfs.ext4', '-V'], packageName: 'e2fsprogs' },
  { argv: ['e2fsck', '-V'], packageName: 'e2fsprogs' },
  { argv: ['resize2fs'], packageName: 'e2fsprogs' }, // no version flag: prints its usage and exits 1
  { argv: ['mkfs.xfs', '-V'], packageName: 'xfsprogs' },
  { argv: ['xfs_growfs', '-V'], packageName: 'xfsprogs' },
  { argv: ['blkid', '-V'], packageName: 'util-linux' },
  { argv: ['blockdev', '--version'], packageName: 'util-linux' },
  { argv: ['losetup', '--version'], packageName: 'util-linux' },
  { argv: ['mount', '--version'], packageName: 'util-linux' },
  { argv: ['umount', '--version'], packageName: 'util-linux' },
  { argv: ['mknod', '--version'], packageName: 'coreutils' },
];

/** Exit status 127 means the program could not be started (CommandRunner contract): not installed. */
export const NOT_INSTALLED = 127;

export function evaluateTools(exitCodes: ReadonlyMap<string, number>): CheckResult {
  const missing = NODE_TOOLS.filter((t) => exitCodes.get(t.argv[0]!) === NOT_INSTALLED);
  const names = NODE_TOOLS.map((t) => t.argv[0]!);
  if (missing.length === 0) return pass(CHECK.fsTools, names.join(', '));
  const packages = [...new Set(missing.map((t) => t.packageName))];
  return fail(
    CHECK.fsTools,
    `missing: ${missing.map((t) => t.argv[0]!).join(', ')}`,
    `install ${packages.join(', ')} in the node plugin image (the driver's image ships them)`,
  );
}
