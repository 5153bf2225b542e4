import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { CHECKOUT_ROOT } from './checkout-root.js';
import type { UnaryMethod } from './http2-csi-client.js';

const exec = promisify(execFile);

/** Debian's Go and grpc-go sources; built in GOPATH mode, so nothing is fetched. */
export const GO_PACKAGES = 'golang-go golang-google-grpc-dev';
const GOPATH = '/usr/share/gocode';

/** What a call through grpc-go ended with: the status code and message, and the answer on OK. */
export interface GoCallResult<Res> {
  readonly code: number;
  readonly message: string;
  readonly response?: Res;
}

/**
 * Builds test/support/go-grpc-client (once per checkout, into node_modules/.cache) and returns the
 * binary; fails naming the Debian packages when Go or grpc-go is missing.
 */
export async function buildGoGrpcClient(): Promise<string> {
  const missing = ['/usr/bin/go', join(GOPATH, 'src/google.golang.org/grpc')].filter((p) => !existsSync(p));
  if (missing.length > 0) throw new Error(`the grpc-go interop test needs ${missing.join(', ')}: apt-get install ${GO_PACKAGES}`);
  const out = join(CHECKOUT_ROOT, 'node_modules/.cache/go-grpc-client');
  await mkdir(out, { recursive: true });
  const binary = join(out, 'go-grpc-client');
  const env = { ...process.env, GOPATH, GO111MODULE: 'off', GOFLAGS: '', GOCACHE: join(out, 'go-build-cache') };
  try {
    await exec('go', ['build', '-o', binary, '.'], { cwd: join(CHECKOUT_ROOT, 'test/support/go-grpc-client'), env, timeout: 300_000 });
  } catch (error) {
    throw new Error(`building the grpc-go client failed: ${(error as { stderr?: string }).stderr?.trim() || String(error)}`);
  }
  return binary;
}

/**
 * A grpc-go client process on the driver's socket (see go-grpc-client/main.go): calls go one at a
 * time, encoded and decoded here with the driver's generated code.
 */
export class GoGrpcClient {
  private readonly waiting: { resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  private stderr = '';
  private exited: Error | undefined;

  private constructor(private readonly child: ChildProcess) {
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    createInterface({ input: child.stdout! }).on('line', (line) => this.waiting.shift()?.resolve(line));
    child.once('exit', (code, signal) => {
      this.exited = new Error(`the grpc-go client exited (${code ?? signal}): ${this.stderr.trim()}`);
      for (const w of this.waiting.splice(0)) w.reject(this.exited);
    });
  }

  static async connect(socketPath: string): Promise<GoGrpcClient> {
    return new GoGrpcClient(spawn(await buildGoGrpcClient(), [socketPath], { stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  async call<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, timeoutMs = 10_000): Promise<GoCallResult<Res>> {
    const result = await this.callRaw(method.path, method.requestSerialize(request), timeoutMs);
    return result.code === 0 ? { ...result, response: method.responseDeserialize(result.response) } : { code: result.code, message: result.message };
  }

  /** A call with the request's bytes as given, to any path. */
  async callRaw(path: string, request: Buffer, timeoutMs = 10_000): Promise<{ code: number; message: string; response: Buffer }> {
    if (this.exited) throw this.exited;
    const line = new Promise<string>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.child.stdin!.write(`${JSON.stringify({ method: path, request: request.toString('base64'), timeoutMs })}\n`);
    const parsed = JSON.parse(await line) as { code: number; message: string; response: string };
    return { code: parsed.code, message: parsed.message, response: Buffer.from(parsed.response, 'base64') };
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin!.end();
    await gone;
  }
}
