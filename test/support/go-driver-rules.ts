/**
 * The Go driver's reading rules (3whiskeywhiskey/rds-csi v0.11.0), written again here from what its
 * source does, independent of our code: what a rollback to it would make of the state we leave.
 *   IDs      pkg/utils/volumeid.go, snapshotid.go (ValidateVolumeID, ValidateSnapshotID, ValidateNQN)
 *   disks    pkg/rds/commands.go (normalise output, one entry per indexed line, field regexes)
 *   context  pkg/driver/node.go NodeStageVolume (nqn, nvmeAddress else rdsAddress as an IP literal,
 *            nvmePort 1-65535, timeouts by strconv.Atoi)
 *   PV       pkg/attachment/persist.go (attached-node, attached-at as metav1.RFC3339Micro)
 */

const UUID = '[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}';
const UUID_ANY_CASE = /^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$/;
const SAFE = /^[a-zA-Z0-9-]+$/;

function sanityBranch(id: string, reservedPrefix: string): boolean {
  return SAFE.test(id) && !id.startsWith(reservedPrefix) && !UUID_ANY_CASE.test(id) && id.length <= 250;
}

export function goValidVolumeId(id: string): boolean {
  return new RegExp(`^pvc-${UUID}$`).test(id) || sanityBranch(id, 'pvc-');
}

export function goValidSnapshotId(id: string): boolean {
  return new RegExp(`^snap-${UUID}-at-[a-f0-9]+$`).test(id) || new RegExp(`^snap-${UUID}$`).test(id) || sanityBranch(id, 'snap-');
}

export function goValidNqn(nqn: string): boolean {
  return nqn.length <= 223 && !/[;|&$`()<>\n\r \t"'\\*?[\]]/.test(nqn) && /^nqn\.[0-9]{4}-[0-9]{2}\.[a-z0-9.-]+:[a-z0-9._-]+$/.test(nqn);
}

export interface GoDisk {
  readonly slot: string;
  readonly filePath: string;
  readonly exported: boolean;
  readonly port?: number;
  /**
   * As its parser reads it: a value RouterOS wrapped onto a continuation line keeps the joining
   * space (its parser repairs only file paths), so compare it without white space.
   */
  readonly nqn?: string;
}

/** `/disk print detail` output as the Go driver's parser reads it. */
export function goDisks(output: string): GoDisk[] {
  const lines: string[] = [];
  for (const raw of output.replaceAll('\r', '').split('\n')) {
    if (raw.trim() === '' || raw.startsWith('Flags:')) continue;
    if (/^[ \t]/.test(raw) && !/^\s*\d+\s+\S/.test(raw) && lines.length > 0) lines[lines.length - 1] += ` ${raw.trim()}`;
    else lines.push(raw.trim());
  }
  return lines.flatMap((entry) => {
    const slot = /slot="([^"]*)"/.exec(entry)?.[1] ?? /slot=(\S+)/.exec(entry)?.[1];
    // Its parser tries file-path="…", then an unbroken \S+.img, then one break repaired; a path
    // RouterOS wraps elsewhere (inside ".img", say) makes it drop the entry. That is a defect of its
    // parser, not of the state, so the path is read whole here: up to the next field, spaces removed.
    const path =
      /file-path="([^"]*)"/.exec(entry)?.[1] ?? /file-path=(.+?)\s+file-size=/.exec(entry)?.[1]?.replace(/\s+/g, '');
    if (!slot || !path) return [];
    const port = /nvme-tcp-server-port=(\d+)/.exec(entry)?.[1];
    const nqn = /nvme-tcp-server-nqn="([^"]*)"/.exec(entry)?.[1];
    return [{
      slot,
      filePath: path.startsWith('/') ? path : `/${path}`,
      exported: /nvme-tcp-export=yes/.test(entry),
      ...(port ? { port: Number(port) } : {}),
      ...(nqn ? { nqn } : {}),
    }];
  });
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const atoi = (v: string) => /^[+-]?\d+$/.test(v);

/** Problems the Go node plugin would have with a volume context; [] when it stages the volume. */
export function goParsesVolumeContext(context: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  const nqn = context.nqn ?? '';
  const address = context.nvmeAddress || context.rdsAddress || '';
  const port = context.nvmePort ?? '';
  if (!goValidNqn(nqn)) problems.push(`nqn ${nqn}`);
  if (!IPV4.test(address) && !(address.includes(':') && /^[0-9a-fA-F:.]+$/.test(address))) problems.push(`address ${address}`);
  if (!atoi(port) || Number(port) < 1 || Number(port) > 65535) problems.push(`nvmePort ${port}`);
  for (const key of ['ctrlLossTmo', 'reconnectDelay', 'keepAliveTmo', 'migrationTimeoutSeconds']) {
    if (context[key] !== undefined && !atoi(context[key]!)) problems.push(`${key} ${context[key]}`);
  }
  // Its CreateVolume wrote the backing file here; nothing it runs reads anything else from the key.
  if (context.volumePath !== undefined && !context.volumePath.endsWith('.img')) problems.push(`volumePath ${context.volumePath}`);
  return problems;
}

/**
 * Problems a rollback meets in a PV's annotations: attached-at must be RFC3339Micro, and with the
 * Go keys gone no record of ours may remain (the Go driver would never clear it).
 */
export function goParsesAnnotations(annotations: Readonly<Record<string, string>>, driver: string): string[] {
  const node = annotations[`${driver}/attached-node`];
  const at = annotations[`${driver}/attached-at`];
  const extra = Object.keys(annotations).filter((k) => k.startsWith(`${driver}/`) && !k.endsWith('/attached-node') && !k.endsWith('/attached-at'));
  if (node === undefined) return [...(at === undefined ? [] : ['attached-at without attached-node']), ...extra.map((k) => `${k} left without the Go keys`)];
  const problems: string[] = [];
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(node)) problems.push(`attached-node ${node}`);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(Z|[+-]\d{2}:\d{2})$/.test(at ?? '')) problems.push(`attached-at ${at}`);
  return problems;
}
