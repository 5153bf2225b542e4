import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryNodeVolumeStore } from '../../../src/adapters/memory/in-memory-node-volume-store.js';
import { FileNodeVolumeStore } from '../../../src/adapters/node-state/file-node-volume-store.js';
import type { NodeVolumeRecord } from '../../../src/domain/node-volume.js';
import type { NodeVolumeStore } from '../../../src/ports/node-volume-store.js';
import { vol } from '../../support/mothers.js';

const record = (id: string, targets: string[] = []): NodeVolumeRecord => ({
  volumeId: vol(id),
  nqn: `nqn.2000-02.com.mikrotik:${id}`,
  stagingPath: `/var/lib/kubelet/plugins/x/${id}/globalmount`,
  capability: { accessMode: 'SINGLE_NODE_WRITER', accessType: { kind: 'mount', fsType: 'ext4', mountFlags: [] } },
  fsType: 'ext4',
  publications: targets.map((targetPath) => ({ targetPath, readonly: false, capability: { accessMode: 'SINGLE_NODE_WRITER', accessType: { kind: 'mount', mountFlags: [] } } })),
});

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const implementations: [string, () => Promise<{ store: NodeVolumeStore; reopen: () => NodeVolumeStore; dir?: string }>][] = [
  ['in memory', async () => {
    const store = new InMemoryNodeVolumeStore();
    return { store, reopen: () => store };
  }],
  ['files', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'node-state-')), 'state');
    dirs.push(dir);
    return { store: new FileNodeVolumeStore({ directory: dir }), reopen: () => new FileNodeVolumeStore({ directory: dir }), dir };
  }],
];

describe.each(implementations)('NodeVolumeStore contract: %s', (_, create) => {
  it('has no record for an unknown volume, and round-trips a record', async () => {
    const { store } = await create();
    expect(await store.load(vol('v1'))).toBeUndefined();
    await store.save(record('v1', ['/pods/a']));
    expect(await store.load(vol('v1'))).toEqual(record('v1', ['/pods/a']));
    await store.save(record('v1', ['/pods/a', '/pods/b']));
    expect((await store.load(vol('v1')))?.publications).toHaveLength(2);
  });

  it('removes idempotently and lists what is left', async () => {
    const { store } = await create();
    await store.save(record('v1'));
    await store.save(record('v2'));
    await store.remove(vol('v1'));
    await store.remove(vol('v1'));
    expect(await store.load(vol('v1'))).toBeUndefined();
    expect((await store.list()).map((r) => r.volumeId)).toEqual(['v2']);
  });

  it('hands out copies', async () => {
    const { store } = await create();
    await store.save(record('v1', ['/pods/a']));
    const loaded = await store.load(vol('v1'));
    (loaded!.publications as unknown[]).length = 0;
    expect((await store.load(vol('v1')))?.publications).toHaveLength(1);
  });

  it('keeps records for a restarted plugin, leaving no temporary files', async () => {
    const { store, reopen, dir } = await create();
    await store.save(record('v1', ['/pods/a']));
    await store.save(record('v2'));
    await store.remove(vol('v2'));
    expect(await reopen().load(vol('v1'))).toEqual(record('v1', ['/pods/a']));
    expect(await reopen().load(vol('v2'))).toBeUndefined();
    if (dir) expect((await readdir(dir)).sort()).toEqual(['v1.json']);
  });
});
