import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { RdsSimulator, type RdsSimulatorOptions } from '../../simulator/rds-simulator.js';
import { generateEd25519KeyPair } from '../../simulator/sim-ssh-keys.js';

export const GiB = 1024 ** 3;

export interface SshReply {
  stdout: string;
  stderr: string;
  exitCode: number | undefined;
}

export interface SimEnv {
  sim: RdsSimulator;
  dir: string;
  clientKey: { private: string; public: string };
  connect(privateKey?: string): Promise<ssh2.Client>;
  ssh(command: string, client?: ssh2.Client): Promise<SshReply>;
  restart(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'rds-sim-test-'));
}

export function execOn(client: ssh2.Client, command: string): Promise<SshReply> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, stream) => {
      if (err) return reject(err);
      let stdout = '';
      let stderr = '';
      let exitCode: number | undefined;
      stream.on('data', (d: Buffer) => (stdout += d.toString()));
      stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      stream.on('exit', (code: number) => (exitCode = code));
      stream.on('close', () => resolve({ stdout, stderr, exitCode }));
    });
  });
}

export function connectTo(sim: RdsSimulator, privateKey: string): Promise<ssh2.Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.on('ready', () => resolve(client));
    client.on('error', reject);
    client.connect({ host: sim.host, port: sim.port, username: 'metal-csi', privateKey, readyTimeout: 10_000 });
  });
}

export async function startEnv(overrides: Partial<RdsSimulatorOptions> = {}): Promise<SimEnv> {
  const dir = await tempDir();
  const clientKey = generateEd25519KeyPair();
  const hostKey = generateEd25519KeyPair().private;
  const options: RdsSimulatorOptions = {
    dataDir: join(dir, 'data'),
    poolSizeBytes: 100 * GiB,
    authorizedKeys: [clientKey.public],
    hostKey,
    ...overrides,
  };
  const clients: ssh2.Client[] = [];
  const sim = await RdsSimulator.start(options).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  const env: SimEnv = {
    sim,
    dir,
    clientKey,
    async connect(privateKey = clientKey.private) {
      const client = await connectTo(env.sim, privateKey);
      clients.push(client);
      return client;
    },
    async ssh(command, client) {
      return execOn(client ?? (await env.connect()), command);
    },
    async restart() {
      await env.sim.stop();
      env.sim = await RdsSimulator.start(options);
    },
    async cleanup() {
      for (const c of clients) c.end();
      await env.sim.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return env;
}
