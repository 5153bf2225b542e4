import type { Socket } from 'node:net';
import type { Connection, ServerChannel } from 'ssh2';
import ssh2 from 'ssh2';
import { FaultInjector } from './fault-injector.js';
import type { CommandResult, OutputVariants } from './output-variants.js';
import type { CommandRecord } from './sim-command-log.js';
import { SimRouterOs } from './sim-router-os.js';
import { NvmetTarget, NVMET_ROOT, desiredExports, nvmetAvailable } from './sim-nvmet.js';
import type { SimState } from './sim-state.js';
import { type HostKey, keyFingerprint, loadHostKey, parseAuthorizedKeys, publicKeyAllowed, publicKeyLine } from './sim-ssh-keys.js';

export interface RdsSimulatorOptions {
  dataDir: string;
  poolSizeBytes: number;
  host?: string;
  port?: number;
  hostKey?: string;
  authorizedKeys: string[];
  routerOsVersion?: string;
  poolName?: string;
  variants?: Partial<OutputVariants>;
  latencyMs?: number;
  /**
   * Serve exported disks over real NVMe/TCP with the kernel target (nvmet, configfs), listening on
   * this address. Without it exports exist only in the state (the embedded default attaches the
   * files as loop devices instead).
   */
  nvmetAddress?: string;
  /** The nvmet configfs root (tests point it elsewhere). */
  nvmetRoot?: string;
}

type Transport = { kind: 'ssh'; client: Connection; channel: ServerChannel } | { kind: 'direct' };
const NO_ANSWER = Symbol('no answer');

/**
 * A MikroTik RDS stand-in: an SSH server (public-key auth, exec only) in front of SimRouterOs.
 * Faults apply per exec request (see FaultInjector); `execute()` runs the same path without SSH
 * (there a dropped connection rejects, a hang stays pending until stop()).
 */
export class RdsSimulator {
  readonly faults: FaultInjector;
  private readonly connections = new Set<Connection>();
  private readonly hung = new Set<(error: Error) => void>();
  private host_ = '';
  private port_ = 0;
  private nvmet_: NvmetTarget | undefined;

  private constructor(
    private readonly router: SimRouterOs,
    private readonly hostKey: HostKey,
    private readonly server: ssh2.Server,
    poolSizeBytes: number,
  ) {
    this.faults = new FaultInjector({
      setPoolSize: (bytes) => router.setPoolSize(bytes),
      fillPool: () => router.fillPool(),
      restorePool: async () => {
        if ((await router.state()).poolSizeBytes !== poolSizeBytes) await router.setPoolSize(poolSizeBytes);
      },
    });
  }

  get host(): string {
    return this.host_;
  }

  get port(): number {
    return this.port_;
  }

  get dataDir(): string {
    return this.router.store.dataDir;
  }

  static async start(options: RdsSimulatorOptions): Promise<RdsSimulator> {
    const keys = parseAuthorizedKeys(options.authorizedKeys);
    const hostKey = loadHostKey(options.hostKey);
    const router = await SimRouterOs.open({
      dataDir: options.dataDir,
      poolSizeBytes: options.poolSizeBytes,
      ...(options.poolName !== undefined ? { poolName: options.poolName } : {}),
      ...(options.routerOsVersion !== undefined ? { routerOsVersion: options.routerOsVersion } : {}),
      ...(options.variants !== undefined ? { variants: options.variants } : {}),
    });
    const nvmet = options.nvmetAddress === undefined ? undefined : await nvmetTarget(options.nvmetAddress, options.nvmetRoot ?? NVMET_ROOT);
    if (nvmet) {
      const follow = (state: SimState) => nvmet.apply(desiredExports(state, router.store.filesRoot));
      router.store.onWrite(follow);
      await follow(await router.state()); // a restart serves again what the state says is exported
    }
    let sim: RdsSimulator | undefined;
    const server = new ssh2.Server({ hostKeys: [hostKey.privateKey] }, (client) => sim!.accept(client, keys));
    sim = new RdsSimulator(router, hostKey, server, options.poolSizeBytes);
    sim.nvmet_ = nvmet;
    if (options.latencyMs !== undefined) sim.faults.setLatency(options.latencyMs);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as { address: string; port: number };
    sim.host_ = address.address;
    sim.port_ = address.port;
    return sim;
  }

  hostKeyFingerprint(): string {
    return keyFingerprint(this.hostKey.parsed);
  }

  hostPublicKeyLine(): string {
    return publicKeyLine(this.hostKey.parsed);
  }

  setVariants(v: Partial<OutputVariants>): void {
    this.router.setVariants(v);
  }

  async execute(command: string): Promise<CommandResult> {
    const result = await this.process(command, { kind: 'direct' });
    if (result === NO_ANSWER) throw new Error('simulated connection drop');
    return result;
  }

  commandLog(): readonly CommandRecord[] {
    return this.router.log.list();
  }

  clearLog(): void {
    this.router.log.clear();
  }

  /** Total execution time of all logged commands plus all injected latency, in ms. */
  executionTimeMs(): number {
    return this.router.log.totalMs();
  }

  /** Test helper: slots of the current disks, in creation order. */
  async diskSlots(): Promise<string[]> {
    return (await this.router.state()).disks.map((d) => d.slot);
  }

  /** Test helper: the persisted state as last written. */
  state(): Promise<SimState> {
    return this.router.state();
  }

  /** Test helper: the local path of the real file behind a RouterOS path such as `/storage-pool/a.img`. */
  backingFilePath(routerOsPath: string): string {
    return this.router.files.localPath(routerOsPath.replace(/^\//, ''));
  }

  /** Fault: the NVMe/TCP port stops serving until `nvmePortUp` (needs nvmetAddress). */
  async nvmePortDown(port: number): Promise<void> {
    await this.requireNvmet().portDown(port);
  }

  async nvmePortUp(port: number): Promise<void> {
    await this.requireNvmet().portUp(port, desiredExports(await this.router.state(), this.router.store.filesRoot));
  }

  /**
   * Stops SSH and, like an appliance going down, stops serving NVMe/TCP (the kernel keeps the
   * subsystems, so a restart serves them again to the hosts that wait for them).
   */
  async stop(): Promise<void> {
    for (const fail of this.hung) fail(new Error('simulator stopped'));
    this.hung.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const client of this.connections) destroySocket(client);
    await closed;
    await this.nvmet_?.goDown();
  }

  /** Removes every NVMe/TCP export from the kernel target (the end of a test; the state keeps them). */
  async removeNvmeExports(): Promise<void> {
    await this.nvmet_?.clear();
  }

  private requireNvmet(): NvmetTarget {
    if (!this.nvmet_) throw new Error('this simulator does not serve NVMe/TCP (start it with nvmetAddress)');
    return this.nvmet_;
  }

  private accept(client: Connection, keys: ReturnType<typeof parseAuthorizedKeys>): void {
    this.connections.add(client);
    // Replies are small writes followed by exit-status and close: Nagle would delay each by a round trip.
    (client as unknown as { setNoDelay?(on: boolean): void }).setNoDelay?.(true);
    client.on('close', () => this.connections.delete(client));
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method === 'publickey' && publicKeyAllowed(ctx, keys)) ctx.accept();
      else ctx.reject(['publickey']);
    });
    client.on('ready', () => {
      let open = 0;
      client.on('session', (acceptSession, rejectSession) => {
        if (open >= this.faults.channelLimit) {
          rejectSession();
          return;
        }
        open += 1;
        let released = false;
        const release = () => {
          if (!released) open -= 1;
          released = true;
        };
        const session = acceptSession();
        session.on('close', release);
        session.on('pty', (_accept, reject) => reject?.());
        session.on('shell', (_accept, reject) => reject());
        session.on('subsystem', (_accept, reject) => reject());
        session.on('exec', (acceptExec, _reject, info) => {
          const channel = acceptExec();
          channel.on('close', release);
          void this.answer(client, channel, info.command);
        });
      });
    });
  }

  private async answer(client: Connection, channel: ServerChannel, command: string): Promise<void> {
    const result = await this.process(command, { kind: 'ssh', client, channel }).catch((): typeof NO_ANSWER => NO_ANSWER);
    if (result === NO_ANSWER || channel.destroyed) return;
    try {
      if (result.stdout) channel.write(result.stdout);
      if (result.stderr) channel.stderr.write(result.stderr);
      channel.exit(result.exitCode);
      channel.end();
    } catch {
      // The client went away while the command ran; nothing left to answer.
    }
  }

  private async process(command: string, transport: Transport): Promise<CommandResult | typeof NO_ANSWER> {
    const decision = this.faults.decide(command);
    if (decision.hang) {
      return new Promise<never>((_resolve, reject) => this.hung.add(reject));
    }
    if (decision.latencyMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, decision.latencyMs));
      this.router.log.addInjectedLatency(decision.latencyMs);
    }
    if (decision.drop) {
      if (decision.drop.applyBeforeDrop) await this.router.run(command);
      if (transport.kind === 'ssh') destroySocket(transport.client);
      return NO_ANSWER;
    }
    if (decision.failWith !== undefined) return this.router.injectedFailure(command, decision.failWith);
    return this.router.run(command);
  }
}

/** Tears the TCP connection down without an SSH disconnect message. */
function destroySocket(client: Connection): void {
  const socket = (client as unknown as { _sock?: Socket })._sock;
  if (socket) socket.destroy();
  else client.end();
}

async function nvmetTarget(address: string, root: string): Promise<NvmetTarget> {
  if (!(await nvmetAvailable(root))) {
    throw new Error(`no kernel NVMe target at ${root}: load nvmet and nvmet-tcp and mount configfs, or run without an NVMe/TCP address`);
  }
  return new NvmetTarget(address, root);
}
