import { describe, expect, it } from 'vitest';
import { InMemoryStorageBackend } from '../../../src/adapters/memory/in-memory-storage-backend.js';
import { BackendUnavailableError } from '../../../src/domain/errors.js';
import { parseVolumeId } from '../../../src/domain/ids.js';
import { nqnForVolume } from '../../../src/domain/nqn.js';
import { GiB } from '../../../src/domain/size.js';
import type { StorageBackend } from '../../../src/ports/storage-backend.js';
import { CONTRACT_BASE, storageBackendContract } from '../../contract/storage-backend.contract.js';

const poolBytes = 16 * GiB;

storageBackendContract('in memory', async () => ({
  backend: new InMemoryStorageBackend(poolBytes),
  poolBytes,
  dispose: async () => undefined,
}));

describe('InMemoryStorageBackend test controls', () => {
  const spec = (name: string) => {
    const id = parseVolumeId(name);
    return { id, sizeBytes: GiB, basePath: CONTRACT_BASE, nvme: { port: 4420, nqn: nqnForVolume(id) } };
  };

  it('plays an outage: every call fails as unavailable, probe reports it, and it recovers', async () => {
    const backend = new InMemoryStorageBackend();
    await backend.createVolume(spec('pvc-a'));
    backend.setReachable(false);
    await expect(backend.getVolume(parseVolumeId('pvc-a'))).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(backend.createVolume(spec('pvc-b'))).rejects.toBeInstanceOf(BackendUnavailableError);
    expect(await backend.probe()).toMatchObject({ reachable: false });
    backend.setReachable(true);
    expect((await backend.listVolumes()).map((v) => v.id)).toEqual(['pvc-a']);
  });

  it('changes the pool size and counts backend calls', async () => {
    const backend = new InMemoryStorageBackend();
    backend.setPoolSize(4 * GiB);
    await backend.createVolume(spec('pvc-a'));
    const port: StorageBackend = backend;
    expect(await port.capacity(CONTRACT_BASE)).toEqual({ totalBytes: 4 * GiB, freeBytes: 3 * GiB });
    expect(backend.commands).toBe(2);
  });
});
