import { mkdir, open, readdir, readFile, realpath, stat, statfs, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ControllerPublishVolumeResponse, CreateSnapshotResponse, CreateVolumeResponse, NodeGetVolumeStatsResponse, VolumeCapability } from '../../../src/generated/csi/csi.js';
import { blockCapability, GiB, Mode, mountCapability, nodeReq, req } from '../csi-requests.js';
import { connectedNqns, type GuestRig, mountsUnder, NODE_ID, pattern, sh, sha256 } from './guest-rig.js';

export type Report = (step: string, detail?: Record<string, unknown>) => void;

export const PATTERN_BYTES = 4 * 1024 * 1024;

/** A volume as the node sees it: staged, published, and where its data is read and written. */
export interface Placed {
  readonly id: string;
  readonly staging: string;
  readonly target: string;
  readonly cap: VolumeCapability;
  readonly contexts: { volumeContext: Record<string, string>; publishContext: Record<string, string> };
}

/**
 * The whole life of a volume on a real NVMe/TCP stack, for one access type: create, attach, stage,
 * publish, write a pattern, stats, grow online, snapshot, restore and clone (both read back), tear
 * everything down, and show nothing is left: no controller, no mount, no file on the RDS.
 */
export async function lifecycle(rig: GuestRig, kind: 'ext4' | 'xfs' | 'block', report: Report): Promise<void> {
  const c = rig.client;
  const cap = kind === 'block' ? blockCapability(Mode.SINGLE_NODE_WRITER) : mountCapability(Mode.SINGLE_NODE_WRITER, kind);
  const base = join(rig.dir, 'kubelet', kind);
  const name = `pvc-nvmetcp-${kind}`;
  const data = pattern(name, PATTERN_BYTES);

  const created = await c.call<object, CreateVolumeResponse>(c.controller, 'createVolume', req.create(name, { volumeCapabilities: [cap], capacityRange: { requiredBytes: GiB, limitBytes: 0n } }));
  const id = created.volume!.volumeId;
  report('create', { id, capacityBytes: String(created.volume!.capacityBytes) });
  const vol = await place(rig, id, cap, created.volume!.volumeContext, join(base, 'a'));
  report('staged', { nqns: await connectedNqns(), device: await deviceOf(vol, kind) });

  await writePattern(vol, kind, data.data);
  report('written', { sha256: data.sha256, readBack: await readPattern(vol, kind) });

  const stats = await c.call<object, NodeGetVolumeStatsResponse>(c.node, 'nodeGetVolumeStats', nodeReq.stats(id, vol.target));
  report('stats', { usage: stats.usage.map((u) => ({ unit: u.unit, total: String(u.total), used: String(u.used) })), abnormal: stats.volumeCondition?.abnormal ?? false });

  const grown = await c.call<object, { capacityBytes: bigint; nodeExpansionRequired: boolean }>(c.controller, 'controllerExpandVolume', req.expand(id, 2n * GiB, { volumeCapability: cap }));
  const nodeGrown = await c.call<object, { capacityBytes: bigint }>(c.node, 'nodeExpandVolume', { ...nodeReq.expand(id, vol.target, 2n * GiB), stagingTargetPath: vol.staging, volumeCapability: cap });
  report('expanded', { controller: String(grown.capacityBytes), nodeExpansionRequired: grown.nodeExpansionRequired, node: String(nodeGrown.capacityBytes), sizeSeen: await sizeSeen(vol, kind), readBack: await readPattern(vol, kind) });

  // A snapshot of a volume in use: flush what the file system holds first, as a consistent snapshot needs.
  await sync(vol, kind);
  const snap = await c.call<object, CreateSnapshotResponse>(c.controller, 'createSnapshot', req.snapshot(`snap-${name}`, id));
  const snapshotId = snap.snapshot!.snapshotId;
  report('snapshot', { snapshotId, ready: snap.snapshot!.readyToUse });

  const copies: Array<{ source: string; id: string }> = [];
  for (const source of ['snapshot', 'volume'] as const) {
    const contentSource = source === 'snapshot'
      ? { type: { $case: 'snapshot' as const, value: { snapshotId } } }
      : { type: { $case: 'volume' as const, value: { volumeId: id } } };
    const copy = await c.call<object, CreateVolumeResponse>(c.controller, 'createVolume', req.create(`${name}-from-${source}`, {
      volumeCapabilities: [cap], capacityRange: { requiredBytes: 2n * GiB, limitBytes: 0n }, volumeContentSource: contentSource,
    }));
    const placed = await place(rig, copy.volume!.volumeId, cap, copy.volume!.volumeContext, join(base, source));
    report(`from-${source}`, { id: placed.id, readBack: await readPattern(placed, kind) });
    copies.push({ source, id: placed.id });
    await unplace(rig, placed);
  }

  await unplace(rig, vol);
  await c.call(c.controller, 'deleteSnapshot', req.deleteSnapshot(snapshotId));
  for (const copy of copies) await c.call(c.controller, 'deleteVolume', req.delete(copy.id));
  await c.call(c.controller, 'deleteVolume', req.delete(id));
  const state = await rig.simulator.state();
  report('torn-down', {
    nqns: await connectedNqns(),
    mounts: await mountsUnder(join(rig.dir, 'kubelet')),
    disks: state.disks.length,
    files: Object.entries(state.files).filter(([, f]) => f.type === 'file').map(([path]) => path),
    backingFiles: await listFiles(join(rig.dir, 'rds/files')),
  });
}

export async function place(rig: GuestRig, id: string, cap: VolumeCapability, volumeContext: Record<string, string>, dir: string): Promise<Placed> {
  const c = rig.client;
  const published = await c.call<object, ControllerPublishVolumeResponse>(c.controller, 'controllerPublishVolume', req.publish(id, NODE_ID, { volumeCapability: cap }));
  const staging = join(dir, 'globalmount');
  await mkdir(staging, { recursive: true });
  await mkdir(join(dir, 'pod'), { recursive: true });
  const target = join(dir, 'pod', 'volume');
  const contexts = { volumeContext, publishContext: published.publishContext };
  await c.call(c.node, 'nodeStageVolume', nodeReq.stage(id, staging, cap, contexts), 120_000);
  await c.call(c.node, 'nodePublishVolume', nodeReq.publish(id, staging, target, cap));
  return { id, staging, target, cap, contexts };
}

export async function unplace(rig: GuestRig, vol: Placed): Promise<void> {
  const c = rig.client;
  await c.call(c.node, 'nodeUnpublishVolume', nodeReq.unpublish(vol.id, vol.target));
  await c.call(c.node, 'nodeUnstageVolume', nodeReq.unstage(vol.id, vol.staging), 120_000);
  await c.call(c.controller, 'controllerUnpublishVolume', req.unpublish(vol.id, NODE_ID));
}

/** The pattern goes to a file on a file system, or to the start of a raw block device. */
export async function writePattern(vol: Placed, kind: string, data: Buffer): Promise<void> {
  if (kind !== 'block') {
    await writeFile(join(vol.target, 'pattern.bin'), data, { flush: true });
    return;
  }
  const handle = await open(vol.target, 'r+');
  try {
    await handle.write(data, 0, data.length, 0);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function readPattern(vol: Placed, kind: string): Promise<string> {
  if (kind !== 'block') return sha256(await readFile(join(vol.target, 'pattern.bin')).catch(() => Buffer.alloc(0)));
  const handle = await open(vol.target, 'r');
  try {
    const buffer = Buffer.alloc(PATTERN_BYTES);
    await handle.read(buffer, 0, buffer.length, 0);
    return sha256(buffer);
  } finally {
    await handle.close();
  }
}

async function sync(vol: Placed, kind: string): Promise<void> {
  const handle = await open(kind === 'block' ? vol.target : join(vol.target, 'pattern.bin'), 'r');
  await handle.sync();
  await handle.close();
}

/** Bytes the node sees: the file system's size (statfs) or the block device's. */
async function sizeSeen(vol: Placed, kind: string): Promise<string> {
  if (kind === 'block') return (await sh('blockdev', ['--getsize64', vol.target])).trim();
  const s = await statfs(vol.target);
  return String(BigInt(s.blocks) * BigInt(s.bsize));
}

/** The kernel name of the block device behind the volume: the target's device node, or the staging mount's. */
async function deviceOf(vol: Placed, kind: string): Promise<string> {
  const s = await stat(kind === 'block' ? vol.target : vol.staging);
  const dev = kind === 'block' ? s.rdev : s.dev;
  const major = (dev >> 8) & 0xfff;
  const minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
  return basename(await realpath(`/sys/dev/block/${major}:${minor}`));
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}
