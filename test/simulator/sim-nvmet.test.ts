import { describe, expect, it } from 'vitest';
import { desiredExports, nvmetAvailable } from '../../simulator/sim-nvmet.js';
import { newState } from '../../simulator/sim-state.js';

/** What the simulator asks the kernel target to serve; the target itself runs in the NVMe/TCP guest (test/guest). */
describe('the simulator\'s NVMe/TCP exports', () => {
  const state = newState('storage-pool', 1024 ** 4, 0);
  const disk = (id: number, slot: string, filePath: string, nqn?: string) => ({
    id, slot, filePath, sizeBytes: 1024 ** 3, ...(nqn ? { nvmeExport: { port: 4420, nqn } } : {}),
  });
  state.disks = [
    disk(10, 'pvc-a', '/storage-pool/csi/pvc-a.img', 'nqn.2000-02.com.mikrotik:pvc-a'),
    disk(11, 'snap-b', '/storage-pool/csi/snap-b.img'),
    disk(12, 'pvc-c', '/storage-pool/../../etc/passwd', 'nqn.2000-02.com.mikrotik:pvc-c'),
    disk(13, 'pvc-d', '/storage-pool/csi/pvc-d.img', 'nqn.2000-02.com.mikrotik:../../x'),
  ];

  it('serves exactly the exported disks whose file stays in the data dir and whose NQN can name a configfs directory', () => {
    expect(desiredExports(state, '/data/files')).toEqual([
      { nqn: 'nqn.2000-02.com.mikrotik:pvc-a', port: 4420, file: '/data/files/storage-pool/csi/pvc-a.img', sizeBytes: 1024 ** 3 },
    ]);
  });

  it('finds no kernel target where configfs has none', async () => {
    expect(await nvmetAvailable('/nonexistent/nvmet')).toBe(false);
  });
});
