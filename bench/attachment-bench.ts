import { performance } from 'node:perf_hooks';
import { KeyedMutexLockManager } from '../src/adapters/locking/keyed-mutex-lock-manager.js';
import { InMemoryNodeRegistry } from '../src/adapters/memory/in-memory-node-registry.js';
import { InMemoryStorageBackend } from '../src/adapters/memory/in-memory-storage-backend.js';
import { GiB } from '../src/domain/size.js';
import { parseVolumeId } from '../src/domain/ids.js';
import { controllerHarness, seed } from '../test/support/controller-harness.js';
import { FakeKubeApi } from '../test/support/fake-kube-api/fake-kube-api.js';
import { DRIVER, kubeStore, putAttachedVa, putPv } from '../test/support/kube-store-harness.js';
import { publishCommand } from '../test/support/mothers.js';
import { crossReplicaRelease } from './cross-replica-bench.js';
import { percentile, report } from './report.js';

/**
 * attachment.rebuild_10k_pvs_ms: a controller replica's start over 10,000 PVs of which 3,000 carry
 * Go-driver annotations backed by VolumeAttachments: loading every record (paginated list, watch
 * started) and the leader's first reconcile pass against the VolumeAttachments.
 */
async function rebuild10k(): Promise<void> {
  const api = await FakeKubeApi.start();
  const k = kubeStore(api);
  try {
    for (let i = 0; i < 10_000; i += 1) {
      const attached = i % 10 < 3;
      const annotations = attached
        ? { [`${DRIVER}/attached-node`]: `node-${i % 50}`, [`${DRIVER}/attached-at`]: '2026-11-01T10:00:00Z' }
        : undefined;
      putPv(api, `pvc-${i}`, annotations ? { annotations } : {});
      if (attached) putAttachedVa(api, `pvc-${i}`, `node-${i % 50}`);
    }
    const h = await controllerHarness({ repository: k.repository, orchestrator: k.orchestrator, sync: false });
    const start = performance.now();
    await k.repository.sync();
    const summary = await h.reconcile.execute();
    const elapsed = performance.now() - start;
    if (k.repository.list().length !== 3_000 || summary?.cleared !== 0) throw new Error('rebuild lost attachments');
    report('attachment.rebuild_10k_pvs_ms', elapsed, 'ms');
  } finally {
    k.repository.close();
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

/**
 * attachment.attach_p50_ms / _p99_ms: the ControllerPublish use case (lock, checks, fencing decision,
 * conditional PV write) with the Kubernetes store, 64 callers at once on different volumes.
 */
async function attachLatency(): Promise<void> {
  const api = await FakeKubeApi.start();
  const k = kubeStore(api);
  try {
    const volumes = 64 * 20;
    const warm = 3 * 64;
    const ids = Array.from({ length: volumes + warm }, (_, i) => `pvc-${i}`);
    for (const id of ids) putPv(api, id);
    const backend = new InMemoryStorageBackend(ids.length * GiB);
    const h = await controllerHarness({ repository: k.repository, orchestrator: k.orchestrator, nodes: new InMemoryNodeRegistry(), backend });
    await seed(h, ids, Array.from({ length: 64 }, (_, w) => `node-${w}`));
    // Warm up: open the connections a steady state has (TLS handshakes), outside the measurement.
    await Promise.all(Array.from({ length: warm }, (_, i) => h.publish.execute(publishCommand(`pvc-${volumes + i}`, `node-${i % 64}`))));
    const samples: number[] = [];
    const worker = async (w: number) => {
      for (let j = 0; j < 20; j += 1) {
        const started = performance.now();
        await h.publish.execute(publishCommand(`pvc-${w * 20 + j}`, `node-${w}`));
        samples.push(performance.now() - started);
      }
    };
    await Promise.all(Array.from({ length: 64 }, (_, w) => worker(w)));
    report('attachment.attach_p50_ms', percentile(samples, 50), 'ms');
    report('attachment.attach_p99_ms', percentile(samples, 99), 'ms');
  } finally {
    k.repository.close();
    await api.stop();
  }
}

export async function attachmentBenchmarks(): Promise<void> {
  await rebuild10k();
  await lockEntries();
  await attachLatency();
  await crossReplicaRelease();
}
