import { performance } from 'node:perf_hooks';
import { KeyedMutexLockManager } from '../src/adapters/locking/keyed-mutex-lock-manager.js';
import type { AttachVolumeCommand } from '../src/app/use-cases/attach-volume.js';
import { parseNodeId, parseVolumeId } from '../src/domain/ids.js';
import { attachmentHarness } from '../test/support/attachment-harness.js';
import { FakeKubeApi } from '../test/support/fake-kube-api/fake-kube-api.js';
import { DRIVER, kubeStore, putAttachedVa, putPv } from '../test/support/kube-store-harness.js';
import { percentile, report } from './report.js';

const attach = (volumeId: string, nodeId: string): AttachVolumeCommand => ({
  volumeId: parseVolumeId(volumeId),
  nodeId: parseNodeId(nodeId),
  accessMode: 'SINGLE_NODE_WRITER',
  volumeMode: 'filesystem',
  readonly: false,
});

async function rebuild10k(): Promise<void> {
  const api = await FakeKubeApi.start();
  try {
    for (let i = 0; i < 10_000; i += 1) {
      const attached = i % 10 < 3;
      const annotations = attached
        ? { [`${DRIVER}/attached-node`]: `node-${i % 50}`, [`${DRIVER}/attached-at`]: '2026-11-01T10:00:00Z' }
        : undefined;
      putPv(api, `pvc-${i}`, annotations ? { annotations } : {});
      if (attached) putAttachedVa(api, `pvc-${i}`, `node-${i % 50}`);
    }
    const k = kubeStore(api);
    const h = attachmentHarness(k.store, { orchestrator: k.source });
    const start = performance.now();
    const summary = await h.rebuild.execute();
    const elapsed = performance.now() - start;
    k.store.close();
    if (summary.recovered !== 3_000 || h.query.list().length !== 3_000) throw new Error('rebuild lost attachments');
    report('attachment.rebuild_10k_pvs_ms', elapsed, 'ms');
  } finally {
    await api.stop();
  }
}

async function lockEntries(): Promise<void> {
  const locks = new KeyedMutexLockManager({ waitMs: 10_000 });
  const batch = 10_000;
  for (let base = 0; base < 1_000_000; base += batch) {
    await Promise.all(
      Array.from({ length: batch }, (_, i) => locks.withVolumeLock(parseVolumeId(`v-${base + i}`), async () => undefined)),
    );
  }
  report('attachment.lock_entries_after_1m_volumes', locks.activeEntries(), 'entries');
}

async function attachLatency(): Promise<void> {
  const api = await FakeKubeApi.start();
  try {
    const volumes = 64 * 20;
    for (let i = 0; i < volumes + 100 + 3 * 64; i += 1) putPv(api, `pvc-${i}`);
    const k = kubeStore(api);
    const h = attachmentHarness(k.store, { orchestrator: k.source });
    await h.rebuild.execute();

    api.resetCounters();
    for (let i = volumes; i < volumes + 100; i += 1) await h.attach.execute(attach(`pvc-${i}`, `solo-${i}`));
    report('attachment.attach_api_calls', api.requestCount() / 100, 'requests');

    // Warm up: open the connections a steady state has (TLS handshakes), outside the measurement.
    for (let round = 0; round < 3; round += 1) {
      const base = volumes + 100 + round * 64;
      await Promise.all(Array.from({ length: 64 }, (_, w) => h.attach.execute(attach(`pvc-${base + w}`, `warm-${round}-${w}`))));
    }
    const samples: number[] = [];
    const worker = async (w: number) => {
      for (let j = 0; j < 20; j += 1) {
        const started = performance.now();
        await h.attach.execute(attach(`pvc-${w * 20 + j}`, `node-${w}-${j}`));
        samples.push(performance.now() - started);
      }
    };
    await Promise.all(Array.from({ length: 64 }, (_, w) => worker(w)));
    k.store.close();
    report('attachment.attach_p50_ms', percentile(samples, 50), 'ms');
    report('attachment.attach_p99_ms', percentile(samples, 99), 'ms');
  } finally {
    await api.stop();
  }
}

export async function attachmentBenchmarks(): Promise<void> {
  await rebuild10k();
  await lockEntries();
  await attachLatency();
}
