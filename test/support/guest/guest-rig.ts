import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RdsSimulator } from '../../../simulator/rds-simulator.js';
import type { CsiClient } from '../csi-client.js';
import { waitForProbe } from '../http2-csi-client.js';

/**
 * Inside the NVMe/TCP guest: the RDS simulator in this process, exporting over the kernel target on
 * 127.0.0.1:4420, and the real driver (`rds-csi serve --mode all`, nvme-cli initiator) as a child
 * process talking to it over SSH, reached through its CSI socket. Everything lives under /run, the
 * guest's tmpfs.
 */
export const NVME_PORT = 4420;
export const NODE_ID = 'guest';
const run = promisify(execFile);
/** The bundle's directory: this code may sit in one of its chunks/ (see scripts/bundle.mjs). */
const here = dirname(fileURLToPath(import.meta.url));
const bundleDir = basename(here) === 'chunks' ? dirname(here) : here;

/**
 * How the driver runs. Tests: debug log with source maps (a failure prints it) and the nvme wrapper
 * that injects disconnect faults. The bench: info log and the real nvme-cli first on PATH, as deployed
 * (the wrapper's shell and `cat` cost about 100 ms per nvme call under TCG).
 */
export interface RigOptions {
  readonly logLevel: 'debug' | 'info';
  readonly faultInjection: boolean;
  /** The node plugin in a process of its own, next to a controller process (as deployed). */
  readonly separateNodePlugin?: boolean;
  /** Extra flags for node itself, before the bundle. */
  readonly nodeFlags?: readonly string[];
  /**
   * The drivers write their log to a file, as into a container runtime's log, rather than to a pipe
   * this process reads: the bench's client then spends nothing on reading log lines between calls.
   */
  readonly logToFile?: boolean;
}

export const TEST_RIG: RigOptions = { logLevel: 'debug', faultInjection: true };
export const BENCH_RIG: RigOptions = { logLevel: 'info', faultInjection: false, separateNodePlugin: true, logToFile: true };

/** The Node.js flags the host asks the driver to run with (DRIVER_NODE_FLAGS, comma-separated: the image's). */
export function driverNodeFlags(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env['DRIVER_NODE_FLAGS'] ?? '').split(',').filter((flag) => flag !== '');
}

export class GuestRig {
  client!: CsiClient;
  /** Where the process serving the Node service listens. */
  nodeSocket = '';
  private driver: ChildProcess | undefined;
  private controller: ChildProcess | undefined;
  private driverLog = '';
  private rdsPort = 0;

  /** Milliseconds from this process's start until the node plugin was first started, and answered Probe. */
  spawnedAfterMs = 0;
  probedAfterMs = 0;
  /** When (epoch milliseconds) the node plugin first answered Probe. */
  probedAt = 0;
  private sim!: RdsSimulator;
  private keys!: { client: { private: string; public: string }; host: string };

  private constructor(
    readonly dir: string,
    private readonly options: RigOptions,
  ) {}

  /**
   * With a separate node plugin, that process starts first, on its own, as on a booting node (it
   * needs no RDS), and `probedAfterMs` is when it answers Probe; then the simulator and the controller.
   */
  static async start(options: RigOptions): Promise<GuestRig> {
    const dir = '/run/rig';
    await mkdir(join(dir, 'keys'), { recursive: true, mode: 0o700 });
    if (options.faultInjection) await installNvmeWrapper(dir);
    const rig = new GuestRig(dir, options);
    // What this process needs only after the node plugin is up is loaded after it started.
    if (options.separateNodePlugin) await rig.startNodePlugin();
    const { generateEd25519KeyPair, generateHostKeyText } = await import('../../../simulator/sim-ssh-keys.js');
    rig.keys = { client: generateEd25519KeyPair(), host: generateHostKeyText() };
    await writeFile(join(dir, 'keys/id_ed25519'), rig.keys.client.private, { mode: 0o600 });
    rig.sim = await startSimulator(dir, rig.keys);
    await rig.startDriver();
    return rig;
  }

  get simulator(): RdsSimulator {
    return this.sim;
  }

  private nodeFlags(): string[] {
    return ['--mode', 'node', ...this.nodePluginFlags()];
  }

  /** With fault injection, the nvme wrapper (transparent by default) comes first on PATH. */
  private driverEnv(): NodeJS.ProcessEnv {
    if (!this.options.faultInjection) return process.env;
    return { ...process.env, PATH: `${join(this.dir, 'bin')}:${process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin'}` };
  }

  /**
   * Starts the driver and waits for Probe. Tests run one `--mode all` process; the bench runs the
   * node plugin on its own (`--mode node`, as the DaemonSet does) next to a controller process, so
   * what it measures carries no controller work (a node plugin that is still running is kept).
   * `killDriver` and `stopDriver` act on the process serving the Node service.
   */
  async startDriver(): Promise<void> {
    const { CsiClient } = await import('../csi-client.js');
    const rds = [
      '--rds-address', '127.0.0.1', '--rds-port', String(this.sim.port), '--rds-user', 'admin',
      '--rds-key-file', join(this.dir, 'keys/id_ed25519'), '--rds-host-key', this.sim.hostKeyFingerprint(),
      '--volume-base-path', '/storage-pool/csi', '--nvme-address', '127.0.0.1', '--nvme-port', String(NVME_PORT),
    ];
    if (!this.options.separateNodePlugin) {
      const socket = join(this.dir, 'csi.sock');
      this.nodeSocket = socket;
      this.driver = this.spawnDriver(['--mode', 'all', '--endpoint', `unix://${socket}`, ...rds, ...this.nodePluginFlags(), ...this.commonFlags()]);
      this.client = new CsiClient(socket);
      await this.probe(this.driver, socket);
      this.markProbed();
      return;
    }
    if (!this.driver || this.driver.exitCode !== null || this.driver.signalCode !== null) await this.startNodePlugin();
    const controllerSocket = join(this.dir, 'controller.sock');
    // Without Kubernetes, the controller knows the node by the --node-id it is given.
    this.controller ??= this.spawnDriver(['--mode', 'controller', '--endpoint', `unix://${controllerSocket}`, '--node-id', NODE_ID, ...rds, ...this.commonFlags()]);
    this.client = new CsiClient(controllerSocket, undefined, this.nodeSocket);
    await this.probe(this.controller, controllerSocket);
  }

  private async startNodePlugin(): Promise<void> {
    this.nodeSocket = join(this.dir, 'node.sock');
    this.spawnedAfterMs ||= Math.round(process.uptime() * 1000);
    this.driver = this.spawnDriver(['--mode', 'node', '--endpoint', `unix://${this.nodeSocket}`, ...this.nodePluginFlags(), ...this.commonFlags()]);
    await this.probe(this.driver, this.nodeSocket);
    this.markProbed();
  }

  private markProbed(): void {
    if (this.probedAt !== 0) return;
    this.probedAt = Date.now();
    this.probedAfterMs = Math.round(process.uptime() * 1000);
  }

  private nodePluginFlags(): string[] {
    return ['--node-id', NODE_ID, '--node-state-dir', join(this.dir, 'node-state'), '--kubelet-dir', join(this.dir, 'kubelet')];
  }

  private commonFlags(): string[] {
    return ['--attachment-store', 'memory', '--log-level', this.options.logLevel];
  }

  private spawnDriver(flags: readonly string[]): ChildProcess {
    const nodeFlags = [...(this.options.logLevel === 'debug' ? ['--enable-source-maps'] : []), ...(this.options.nodeFlags ?? [])];
    const argv = [...nodeFlags, join(bundleDir, 'rds-csi.mjs'), 'serve', ...flags];
    if (this.options.logToFile) {
      const fd = openSync(this.logFile(), 'a');
      try {
        return spawn(process.execPath, argv, { stdio: ['ignore', fd, fd], env: this.driverEnv() });
      } finally {
        closeSync(fd);
      }
    }
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: this.driverEnv() });
    // Whole lines only, so the lines of two processes never interleave mid-line.
    for (const stream of [child.stdout!, child.stderr!]) {
      let partial = '';
      stream.on('data', (d: Buffer) => {
        const text = partial + d.toString();
        const end = text.lastIndexOf('\n') + 1;
        this.driverLog += text.slice(0, end);
        partial = text.slice(end);
      });
      stream.on('end', () => (this.driverLog += partial));
    }
    return child;
  }

  private async probe(child: ChildProcess, socket: string): Promise<void> {
    await waitForProbe(socket, child, () => `\n${this.log()}`);
  }

  /** SIGKILL of the driver: no cleanup of its own runs. */
  async killDriver(): Promise<void> {
    this.client.close();
    const child = this.driver!;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async stopDriver(): Promise<void> {
    this.client.close();
    const child = this.driver!;
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }

  /** The RDS goes down: SSH and every NVMe/TCP export, as in a reboot; its state stays on disk. */
  async stopRds(): Promise<void> {
    this.rdsPort = this.sim.port;
    await this.sim.stop();
  }

  /** ...and comes back on the same address, re-exporting what its state says is exported. */
  async startRds(): Promise<void> {
    this.sim = await startSimulator(this.dir, this.keys, this.rdsPort);
  }

  /** The next `nvme disconnect` calls fail (`fail`), or exit 0 without disconnecting (`lie`), until cleared. */
  async setDisconnectFault(fault: 'fail' | 'lie' | undefined): Promise<void> {
    if (!this.options.faultInjection) throw new Error('this rig was started without fault injection');
    await writeFile(join(this.dir, 'faults/disconnect'), fault ?? '');
  }

  /** `rds-csi doctor` for this node, as an operator runs it on the node; its report. */
  async doctor(): Promise<string> {
    const result = await run(process.execPath, [join(bundleDir, 'rds-csi.mjs'), 'doctor', ...this.nodeFlags()], { env: this.driverEnv() }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    return result.stdout;
  }

  /** What the drivers have logged so far (with logToFile, the file's whole text). */
  log(): string {
    return this.options.logToFile && existsSync(this.logFile()) ? readFileSync(this.logFile(), 'utf8') : this.driverLog;
  }

  private logFile(): string {
    return join(this.dir, 'driver.log');
  }

  async stop(): Promise<void> {
    await this.stopDriver().catch(() => undefined);
    if (this.controller && this.controller.exitCode === null) {
      const exited = new Promise((r) => this.controller!.once('exit', r));
      this.controller.kill('SIGTERM');
      await exited;
    }
    await this.sim.stop();
    await this.sim.removeNvmeExports();
  }
}

/**
 * `nvme` as the driver finds it on PATH: the real nvme-cli, except that `disconnect` fails or lies
 * while faults/disconnect says so.
 */
async function installNvmeWrapper(dir: string): Promise<void> {
  await mkdir(join(dir, 'bin'), { recursive: true });
  await mkdir(join(dir, 'faults'), { recursive: true });
  const fault = join(dir, 'faults/disconnect');
  await writeFile(fault, '');
  const real = (await sh('sh', ['-c', 'command -v nvme'])).trim();
  await writeFile(
    join(dir, 'bin/nvme'),
    `#!/bin/sh\nif [ "$1" = disconnect ]; then\n  case "$(cat ${fault})" in\n    lie) exit 0 ;;\n    fail) echo "simulated disconnect failure" >&2; exit 1 ;;\n  esac\nfi\nexec ${real} "$@"\n`,
    { mode: 0o755 },
  );
}

async function startSimulator(dir: string, keys: { client: { public: string }; host: string }, port = 0): Promise<RdsSimulator> {
  const { RdsSimulator } = await import('../../../simulator/rds-simulator.js');
  return RdsSimulator.start({
    dataDir: join(dir, 'rds'),
    poolSizeBytes: 64 * 1024 ** 3,
    host: '127.0.0.1',
    port,
    hostKey: keys.host,
    authorizedKeys: [keys.client.public],
    nvmetAddress: '127.0.0.1',
  });
}

/** Runs a host command in the guest; a failure carries its output. */
export async function sh(command: string, args: readonly string[]): Promise<string> {
  try {
    return (await run(command, [...args], { maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${e.stderr ?? ''}${e.stdout ?? ''}${e.message}`);
  }
}

/** NQNs of the NVMe controllers connected in this guest (sysfs; no nvme-cli parsing). */
export async function connectedNqns(): Promise<string[]> {
  const names = await readdir('/sys/class/nvme').catch(() => [] as string[]);
  const nqns = await Promise.all(names.map((n) => readFile(`/sys/class/nvme/${n}/subsysnqn`, 'utf8').then((t) => t.trim(), () => '')));
  return nqns.filter((n) => n !== '');
}

/** Mount points under `prefix` (findmnt over /proc/self/mountinfo). */
export async function mountsUnder(prefix: string): Promise<string[]> {
  const out = await sh('findmnt', ['-rn', '-o', 'TARGET']);
  return out.split('\n').filter((t) => t.startsWith(prefix));
}

/** A reproducible pattern of `bytes` bytes, and its sha256. */
export function pattern(seed: string, bytes: number): { data: Buffer; sha256: string } {
  const data = Buffer.alloc(bytes);
  let block = createHash('sha256').update(seed).digest();
  for (let at = 0; at < bytes; at += block.length) {
    block.copy(data, at);
    block = createHash('sha256').update(block).digest();
  }
  return { data, sha256: createHash('sha256').update(data).digest('hex') };
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
