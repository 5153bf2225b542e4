import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GuestVm } from '../test/support/guest-vm.js';
import { guestScenarioCommand } from '../test/support/guest-compile-cache.js';
import { report } from './report.js';

/**
 * Measured in the real NVMe/TCP guest (QEMU, Debian's kernel, nvmet target, nvme-cli initiator):
 * node.nvmetcp_stage_publish_cycle_ms: NodeStage + NodePublish + NodeUnpublish + NodeUnstage of a
 *   formatted 1 GiB ext4 volume, median;
 * node.nvmetcp_overhead_ratio: that cycle divided by the same host commands run directly in the guest
 *   (nvme connect, blkid, e2fsck, mount, bind mount, two umounts, nvme disconnect), interleaved;
 * guest.boot_to_probe_ms: from starting QEMU to the node plugin in the guest answering Probe: the guest's
 *   boot until its agent is up, then the guest command (copying the compile cache, the scenario
 *   process's own start, the driver's).
 */
export async function nvmetcpBenchmarks(): Promise<void> {
  const started = performance.now();
  // The driver runs with the image's Node.js flags, as the DaemonSet runs it; the compile cache is made before the boot.
  const command = await guestScenarioCommand(process.execPath, join(import.meta.dirname, '../bundle'), 'bench');
  const vm = await GuestVm.boot({ bootTimeoutMs: 120_000 });
  try {
    const result = await vm.run(command, 900);
    const steps = result.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, number | string>);
    const ready = steps.find((s) => s['step'] === 'ready');
    const bench = steps.find((s) => s['step'] === 'bench');
    if (result.code !== 0 || !bench || !ready) throw new Error(`guest bench failed (${result.code}): ${result.stdout.slice(-4000)}${result.stderr}`);
    const probeMs = Number(ready['ms']);
    report('guest.boot_to_probe_ms', Math.round(vm.bootedAfterMs + probeMs), 'ms');
    report('node.nvmetcp_stage_publish_cycle_ms', Math.round(Number(bench['cycleMs'])), 'ms');
    report('node.nvmetcp_overhead_ratio', Math.round(Number(bench['ratio']) * 100) / 100, 'ratio');
    process.stderr.write(
      `nvmetcp: guest up after ${vm.bootedAfterMs} ms, node plugin answered Probe ${probeMs} ms after the guest command started ` +
        `(the scenario process loaded ${ready['loadedMs']} ms, started the node plugin ${ready['spawnedMs']} ms and saw Probe ${ready['probedMs']} ms after its own start); ` +
        `direct commands ${Math.round(Number(bench['directMs']))} ms a cycle (quartiles of ${bench['rounds']} cycles: ${JSON.stringify(bench['quartilesMs'])}; median of each cycle over the direct one after it: ${Number(bench['pairedRatio']).toFixed(2)}) ${JSON.stringify(bench['directStepsMs'])}; driver RPC medians ${JSON.stringify(bench['rpcMs'])}, at the client ${JSON.stringify(bench['clientRpcMs'])}\n`,
    );
  } finally {
    await vm.stop();
    process.stderr.write(`nvmetcp benchmarks took ${Math.round((performance.now() - started) / 1000)} s\n`);
  }
}
