// Types of protogen.mjs for the TypeScript tests that import it.
export declare const protogenDir: string;
export declare const projectRoot: string;

export interface Protogen {
  /** The buf executable in <dir>/node_modules/.bin. */
  readonly buf: string;
  /** ts-proto's protoc plugin, the `local:` plugin of buf.gen.yaml. */
  readonly plugin: string;
  readonly binDir: string;
  /** process.env with PATH = project node_modules/.bin, then binDir, then the caller's PATH. */
  readonly env: NodeJS.ProcessEnv;
}

export interface EnsureOptions {
  /** The pinned manifest's folder (default tools/protogen). */
  readonly dir?: string;
  /** The npm executable (default: the first npm on PATH). */
  readonly npm?: string;
  /** Reports an install (default: console.error). */
  readonly log?: (line: string) => void;
}

/** Installs the pinned toolchain when it is missing or its manifest changed, then returns its paths. */
export declare function ensureProtogen(options?: EnsureOptions): Promise<Protogen>;
