import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { RdsSimulator } from '../../simulator/rds-simulator.js';
import { generateEd25519KeyPair } from '../../simulator/sim-ssh-keys.js';
import type { CreateVolumeResponse, ProbeResponse } from '../../src/generated/csi/csi.js';
import { CsiClient } from './csi-client.js';
import { blockCapability, Mode, req } from './csi-requests.js';
import { FakeKubeApi } from './fake-kube-api/fake-kube-api.js';
import { csiNode } from './fake-kube-api/objects.js';
import { DRIVER, putPv } from './kube-store-harness.js';

export const BASE_PATH = '/storage-pool/metal-csi';
export const LEASE_NAMESPACE = 'rds-csi';
export const LEASE_NAME = 'rds-csi-srvlab-io-controller';

export interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/**
 * One `rds-csi serve --mode controller` process, as a controller pod runs it: the Kubernetes store
 * against the cluster's fake API server, RouterOS over SSH to the cluster's simulator, the CSI
 * socket in its own directory. Its JSON log lines are kept for assertions.
 */
export class ControllerProcess {
  readonly client: CsiClient;
  readonly logs: LogLine[] = [];
  private exitCode: number | null | undefined;
  private readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly socket: string,
    private readonly child: ChildProcess,
  ) {
    this.client = new CsiClient(socket);
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve((this.exitCode = code))));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        this.logs.push(JSON.parse(line) as LogLine);
      } catch {
        this.logs.push({ level: 'raw', msg: line });
      }
    });
    createInterface({ input: child.stderr! }).on('line', (line) => this.logs.push({ level: 'stderr', msg: line }));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Undefined while the process runs. */
  get exit(): number | null | undefined {
    return this.exitCode;
  }

  /** Resolves once Probe says ready (attachment records loaded, RDS reachable). */
  async ready(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exitCode !== undefined) throw new Error(`${this.name} exited with ${this.exitCode}: ${this.tail()}`);
      try {
        const probe = await this.client.call<object, ProbeResponse>(this.client.identity, 'probe', {}, 2_000);
        if (probe.ready !== false) return;
      } catch {
        // not serving yet
      }
      if (Date.now() > deadline) throw new Error(`${this.name} did not become ready: ${this.tail()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  lines(message: string | RegExp): LogLine[] {
    return this.logs.filter((l) => (typeof message === 'string' ? l.msg === message : message.test(l.msg)));
  }

  /** Sends `signal` (SIGKILL by default: a crash, no cleanup) and waits for the exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    this.client.close();
    if (this.exitCode === undefined) this.child.kill(signal);
    return this.exited;
  }

  private tail(): string {
    return this.logs.slice(-5).map((l) => l.msg).join(' | ');
  }
}

export interface ClusterOptions {
  /** The built entry point to run (the test build, or dist/ for benchmarks). */
  readonly main: string;
  /** Flags every replica gets in addition to the deployment's. */
  readonly flags?: readonly string[];
  /** Node.js flags before the entry point (the image's, for benchmarks). */
  readonly nodeFlags?: readonly string[];
}

/**
 * What two controller replicas share in a cluster: one API server (the fake, in this process), one
 * RDS (the simulator, in this process, over SSH on loopback), and registered nodes. Replicas are
 * real processes started from the built driver.
 */
export class ControllerCluster {
  private readonly replicas: ControllerProcess[] = [];

  private constructor(
    readonly dir: string,
    readonly api: FakeKubeApi,
    readonly sim: RdsSimulator,
    private readonly options: ClusterOptions,
  ) {}

  static async start(options: ClusterOptions): Promise<ControllerCluster> {
    const dir = await mkdtemp(join(tmpdir(), 'rds-csi-replicas-'));
    const api = await FakeKubeApi.start();
    const key = generateEd25519KeyPair();
    await writeFile(join(dir, 'key'), key.private, { mode: 0o600 });
    await writeFile(join(dir, 'kubeconfig.json'), JSON.stringify(kubeconfigFile(api)));
    const sim = await RdsSimulator.start({ dataDir: join(dir, 'rds'), poolSizeBytes: 2 ** 40, authorizedKeys: [key.public] });
    return new ControllerCluster(dir, api, sim, options);
  }

  /** Starts a replica named `name` (its pod name and leader identity). */
  spawn(name: string, extraFlags: readonly string[] = []): ControllerProcess {
    const socket = join(this.dir, `${name}-${this.replicas.length}.sock`);
    const child = spawn(process.execPath, [
      ...(this.options.nodeFlags ?? []), this.options.main, 'serve', '--mode', 'controller', '--endpoint', `unix://${socket}`,
      '--rds-address', '127.0.0.1', '--rds-port', String(this.sim.port), '--rds-user', 'rds-csi',
      '--rds-key-file', join(this.dir, 'key'), '--rds-host-key', this.sim.hostKeyFingerprint(),
      '--volume-base-path', BASE_PATH, '--attachment-store', 'kubernetes', '--kubeconfig', join(this.dir, 'kubeconfig.json'),
      '--leader-election-identity', name, '--leader-election-namespace', LEASE_NAMESPACE, '--log-level', 'debug',
      ...(this.options.flags ?? []), ...extraFlags,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    const replica = new ControllerProcess(name, socket, child);
    this.replicas.push(replica);
    return replica;
  }

  /** Registers nodes as kubelets do: a CSINode naming this driver with the node's ID. */
  registerNodes(nodeIds: readonly string[]): void {
    for (const id of nodeIds) this.api.put('csinodes', csiNode(id, DRIVER, id));
  }

  /**
   * Provisions a volume as the external-provisioner does: CreateVolume through `via`, then the
   * PersistentVolume with the returned volume context. Multi-writer block volumes by default.
   */
  async provision(via: ControllerProcess, volumeId: string, options: { rwo?: boolean; parameters?: Record<string, string> } = {}): Promise<Record<string, string>> {
    const capability = options.rwo ? blockCapability(Mode.SINGLE_NODE_WRITER) : blockCapability(Mode.MULTI_NODE_MULTI_WRITER);
    const created = await via.client.call<object, CreateVolumeResponse>(
      via.client.controller,
      'createVolume',
      req.create(volumeId, { volumeCapabilities: [capability], parameters: options.parameters ?? {} }),
    );
    const volumeContext = created.volume!.volumeContext;
    putPv(this.api, volumeId, {
      accessModes: [options.rwo ? 'ReadWriteOnce' : 'ReadWriteMany'],
      volumeMode: 'Block',
      volumeAttributes: volumeContext,
      claimRef: { namespace: 'vms', name: `claim-${volumeId}` },
    });
    return volumeContext;
  }

  /** The volume's attachment annotations on its PV: the Go driver's key, and our JSON's nodes. */
  holders(pvName: string): { attachedNode?: string; nodes: string[] } {
    const annotations = this.api.get<{ metadata: { annotations?: Record<string, string> } }>('persistentvolumes', pvName)?.metadata.annotations ?? {};
    const json = annotations[`${DRIVER}/attachments`];
    const nodes = json ? (JSON.parse(json) as { nodes: { node: string }[] }).nodes.map((n) => n.node) : [];
    const attachedNode = annotations[`${DRIVER}/attached-node`];
    return attachedNode === undefined ? { nodes } : { attachedNode, nodes };
  }

  /** The Lease holder, as the API server stores it. */
  leader(): string | undefined {
    return this.api.get<{ spec?: { holderIdentity?: string } }>('leases', LEASE_NAME, LEASE_NAMESPACE)?.spec?.holderIdentity || undefined;
  }

  async stop(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.kill('SIGKILL')));
    await this.sim.stop();
    await this.api.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A kubeconfig file (JSON is valid YAML) for the fake API server. */
export function kubeconfigFile(api: FakeKubeApi): object {
  const o = api.kubeConfigOptions();
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: o.clusters.map((c) => ({ name: c.name, cluster: { server: c.server, 'certificate-authority-data': c.caData } })),
    users: o.users.map((u) => ({ name: u.name, user: { token: u.token } })),
    contexts: o.contexts.map((c) => ({ name: c.name, context: { cluster: c.cluster, user: c.user } })),
    'current-context': o.currentContext,
  };
}
