import { status } from '@grpc/grpc-js';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { publishRwo, unpublish } from '../test/support/attacher.js';
import { ControllerCluster } from '../test/support/controller-processes.js';
import { percentile, report } from './report.js';

const MAIN = join(import.meta.dirname, '../src/app/main.js');
const SAMPLES = 20;

/**
 * Two built `rds-csi serve --mode controller` processes against one fake API server and one
 * simulator, as the deployment runs them.
 *
 * csi.publish_api_requests: requests reaching the API server while one uncontended
 * ControllerPublishVolume RPC runs (median of SAMPLES, fresh volumes, warm replica). Requests the
 * replica makes in the background whatever the RPCs (watch restarts, Lease renewals) are not the
 * RPC's and are left out.
 *
 * attachment.cross_replica_release_ms: from an OK ControllerUnpublishVolume answered by one process
 * to the other process granting the volume to another node, the caller retrying at once on a
 * refusal (median of SAMPLES).
 */
export async function crossReplicaRelease(): Promise<void> {
  const cluster = await ControllerCluster.start({ main: MAIN, flags: ['--log-level', 'warn'] });
  try {
    cluster.registerNodes(['node-x', 'node-y', 'node-warm']);
    const a = cluster.spawn('ctl-a', ['--log-level', 'warn']);
    const b = cluster.spawn('ctl-b', ['--log-level', 'warn']);
    await Promise.all([a.ready(), b.ready()]);
    const contexts = new Map<string, Record<string, string>>();
    for (let i = 0; i < SAMPLES + 3; i += 1) contexts.set(`vol-req-${i}`, await cluster.provision(a, `vol-req-${i}`, { rwo: true }));
    const release = await cluster.provision(a, 'vol-release', { rwo: true });
    await new Promise((r) => setTimeout(r, 500));

    for (let i = 0; i < 3; i += 1) await expectOk(publishRwo(a, `vol-req-${i}`, 'node-warm', contexts.get(`vol-req-${i}`)));
    const requests: number[] = [];
    for (let i = 3; i < SAMPLES + 3; i += 1) {
      const before = cluster.api.requests().length;
      await expectOk(publishRwo(a, `vol-req-${i}`, 'node-x', contexts.get(`vol-req-${i}`)));
      const made = cluster.api.requests().slice(before).filter((r) => r.verb !== 'watch' && r.kind !== 'leases');
      requests.push(made.length);
    }
    report('csi.publish_api_requests', percentile(requests, 50), 'requests');

    const samples: number[] = [];
    let holder = 'node-x';
    await expectOk(publishRwo(a, 'vol-release', holder, release));
    for (let i = 0; i < SAMPLES; i += 1) {
      const [from, to] = i % 2 === 0 ? [a, b] : [b, a];
      const next = holder === 'node-x' ? 'node-y' : 'node-x';
      await expectOk(unpublish(from, 'vol-release', holder));
      const released = performance.now();
      for (;;) {
        const answer = await publishRwo(to, 'vol-release', next, release);
        if (answer.code === status.OK) break;
        if (answer.code !== status.FAILED_PRECONDITION) throw new Error(`publish failed: ${answer.message}`);
      }
      samples.push(performance.now() - released);
      holder = next;
    }
    report('attachment.cross_replica_release_ms', percentile(samples, 50), 'ms');
  } finally {
    await cluster.stop();
  }
}

async function expectOk(answer: Promise<{ code: status; message: string }>): Promise<void> {
  const { code, message } = await answer;
  if (code !== status.OK) throw new Error(`expected OK, got ${status[code]}: ${message}`);
}
