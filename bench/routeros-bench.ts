import { performance } from 'node:perf_hooks';
import { Semaphore } from 'async-mutex';
import ssh2 from 'ssh2';
import type { RdsSimulator } from '../simulator/rds-simulator.js';
import { ROUTEROS_DEFAULTS } from '../src/adapters/routeros/routeros-config.js';
import type { RouterOsConfig } from '../src/adapters/routeros/routeros-config.js';
import { parseVolumeId } from '../src/domain/ids.js';
import type { VolumeId } from '../src/domain/ids.js';
import { nqnForVolume } from '../src/domain/nqn.js';
import { GiB } from '../src/domain/size.js';
import { parseBasePath } from '../src/domain/storage-path.js';
import type { StorageBackend } from '../src/ports/storage-backend.js';
import { clientKey, startHarness, stopHarness } from '../test/support/routeros-sim-harness.js';
import { report } from './report.js';

/**
 * RouterOsStorageBackend against the RDS simulator over SSH (ssh2 server, same process), with the
 * adapter's default connection settings (maxConcurrentCommands 4, i.e. at most 4 exec channels at once).
 * The overhead ratio replays the exact command strings the adapter sent, in the same per-worker order and
 * at the same concurrency and channel limit, with a bare ssh2 Client on one connection against a fresh
 * simulator, so the simulator's own cost is in both times and the ratio shows what the adapter adds.
 * Each figure is the median of ROUNDS rounds, each an adapter run followed at once by its replay.
 */
const RUN_MS = 2_000;
const ROUNDS = 3;
const WARMUP_PAIRS_PER_WORKER = 4;
const base = parseBasePath('/storage-pool/metal-csi');
const defaults: Partial<RouterOsConfig> = {
  maxConcurrentCommands: ROUTEROS_DEFAULTS.maxConcurrentCommands,
  commandTimeoutMs: ROUTEROS_DEFAULTS.commandTimeoutMs,
  connectTimeoutMs: ROUTEROS_DEFAULTS.connectTimeoutMs,
  reconnectBaseMs: ROUTEROS_DEFAULTS.reconnectBaseMs,
  reconnectMaxMs: ROUTEROS_DEFAULTS.reconnectMaxMs,
  connectAttempts: ROUTEROS_DEFAULTS.connectAttempts,
};

/** Commands of one create+delete pair, per worker, in the order that worker sent them. */
type Workload = string[][][];

const pairId = (tag: string, worker: number, pair: number): VolumeId =>
  parseVolumeId(`pvc-${tag}-w${String(worker).padStart(2, '0')}-${String(pair).padStart(6, '0')}`);

async function createDelete(backend: StorageBackend, id: VolumeId): Promise<void> {
  await backend.createVolume({ id, sizeBytes: GiB, basePath: base, nvme: { port: 4420, nqn: nqnForVolume(id) } });
  await backend.deleteVolume(id, base);
}

/** Splits the simulator's log into pairs by volume ID; every logged command must belong to exactly one. */
function groupByPair(sim: RdsSimulator, ids: VolumeId[][]): Workload {
  const log = sim.commandLog().map((r) => {
    if (r.exitCode !== 0) throw new Error(`adapter command failed: ${r.command}: ${r.error ?? ''}`);
    return r.command;
  });
  // IDs have one fixed width, so none is a substring of another.
  const workload = ids.map((worker) => worker.map((id) => log.filter((c) => c.includes(id))));
  const grouped = workload.flat(2).length;
  if (grouped !== log.length) throw new Error(`grouped ${grouped} of ${log.length} logged commands`);
  return workload;
}

/** Runs create+delete pairs on `concurrency` workers until the deadline; returns the commands sent. */
async function adapterRun(
  concurrency: number,
): Promise<{ elapsedMs: number; simMs: number; pairs: number; warmup: Workload; measured: Workload }> {
  const h = await startHarness({ config: defaults });
  try {
    const run = async (tag: string, more: (done: number) => boolean) => {
      const ids: VolumeId[][] = Array.from({ length: concurrency }, () => []);
      h.sim.clearLog();
      const started = performance.now();
      await Promise.all(
        ids.map(async (mine, w) => {
          for (let j = 0; more(j); j += 1) {
            mine.push(pairId(tag, w, j));
            await createDelete(h.backend, mine[j]!);
          }
        }),
      );
      const elapsedMs = performance.now() - started;
      return { elapsedMs, simMs: h.sim.executionTimeMs(), pairs: ids.flat().length, workload: groupByPair(h.sim, ids) };
    };
    const warmup = await run('warm', (j) => j < WARMUP_PAIRS_PER_WORKER);
    const deadline = performance.now() + RUN_MS;
    const measured = await run('bench', () => performance.now() < deadline);
    if ((await h.sim.state()).disks.length !== 0) throw new Error('the adapter run left disks behind');
    const { elapsedMs, simMs, pairs } = measured;
    return { elapsedMs, simMs, pairs, warmup: warmup.workload, measured: measured.workload };
  } finally {
    await stopHarness(h);
  }
}

function connect(sim: RdsSimulator): Promise<ssh2.Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.on('ready', () => {
      client.setNoDelay(true); // as the adapter does
      resolve(client);
    });
    client.on('error', reject);
    client.connect({ host: sim.host, port: sim.port, username: 'metal-csi', privateKey: clientKey.private, readyTimeout: 10_000 });
  });
}

function bareExec(client: ssh2.Client, command: string): Promise<number> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, stream) => {
      if (error) return reject(error);
      let code = -1;
      const chunks: Buffer[] = [];
      stream.on('data', (d: Buffer) => chunks.push(d));
      stream.stderr.on('data', (d: Buffer) => chunks.push(d));
      stream.on('exit', (c: number | null) => (code = c ?? -1));
      stream.on('close', () => (code === 0 ? resolve(code) : reject(new Error(`replayed command failed: ${command}`))));
    });
  });
}

/** Replays a workload with a bare ssh2 client on one connection: same workers, same channel limit. */
async function bareRun(warmup: Workload, measured: Workload): Promise<number> {
  const h = await startHarness();
  const client = await connect(h.sim);
  try {
    const channels = new Semaphore(defaults.maxConcurrentCommands!);
    const replay = async (workload: Workload) => {
      const started = performance.now();
      await Promise.all(
        workload.map(async (pairs) => {
          for (const pair of pairs) for (const command of pair) await channels.runExclusive(() => bareExec(client, command));
        }),
      );
      return performance.now() - started;
    };
    await replay(warmup);
    const elapsedMs = await replay(measured);
    if ((await h.sim.state()).disks.length !== 0) throw new Error('the replay left disks behind');
    return elapsedMs;
  } finally {
    client.end();
    await stopHarness(h);
  }
}

export async function routerosBenchmarks(): Promise<void> {
  const ratios: number[] = [];
  for (const concurrency of [1, 16]) {
    const rates: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const run = await adapterRun(concurrency);
      const replayMs = await bareRun(run.warmup, run.measured);
      rates.push(run.pairs / (run.elapsedMs / 1_000));
      ratios.push(run.elapsedMs / replayMs);
      process.stderr.write(
        `routeros c${concurrency} round ${round + 1}: ${run.pairs} pairs, ${run.measured.flat(2).length} commands; ` +
          `adapter ${run.elapsedMs.toFixed(0)} ms (simulator executing ${run.simMs.toFixed(0)} ms), bare ssh2 replay ${replayMs.toFixed(0)} ms, ratio ${(run.elapsedMs / replayMs).toFixed(3)}\n`,
      );
    }
    report(`routeros.create_delete_per_s_c${concurrency}`, median(rates), 'pairs/s');
  }
  report('routeros.overhead_ratio', median(ratios), 'ratio');
}

/** Rounds are medianed: the figures share the machine with whatever else runs on it. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return Number.isInteger(mid) ? (sorted[mid - 1]! + sorted[mid]!) / 2 : sorted[Math.floor(mid)]!;
}
