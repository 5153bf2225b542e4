import { RouterOsError } from './routeros-error.js';
import type { SimDisk } from './routeros-format.js';

/** Persisted simulator state (`<dataDir>/state.json`); backing files live under `<dataDir>/files/`. */
export interface StoredDisk extends SimDisk {
  id: number;
}

export interface StoredFile {
  id: number;
  type: 'file' | 'directory';
  /** Declared size (what `/disk add`/`set` asked for); the real sparse file has the same length. */
  sizeBytes: number;
  modifiedAt: number;
}

export interface SimState {
  version: 1;
  poolName: string;
  poolSizeBytes: number;
  nextId: number;
  disks: StoredDisk[];
  /** Keyed by RouterOS file name: no leading slash, e.g. `storage-pool/metal-csi/pvc-1.img`. */
  files: Record<string, StoredFile>;
}

/** RouterOS internal id of the pool partition entry. */
export const POOL_ID = 1;

export function newState(poolName: string, poolSizeBytes: number, now: number): SimState {
  return {
    version: 1,
    poolName,
    poolSizeBytes,
    nextId: POOL_ID + 1,
    disks: [],
    files: { [poolName]: { id: POOL_ID + 1, type: 'directory', sizeBytes: 0, modifiedAt: now } },
  };
}

export function parseState(json: string): SimState {
  const state = JSON.parse(json) as SimState;
  if (state.version !== 1 || !Array.isArray(state.disks) || typeof state.files !== 'object') {
    throw new Error('state.json has an unknown layout');
  }
  return state;
}

export function allocateId(state: SimState): number {
  state.nextId += 1;
  return state.nextId;
}

export function formatId(id: number): string {
  return `*${id.toString(16).toUpperCase()}`;
}

/** Pool free space: size minus the declared sizes of every file still present (including orphans). */
export function poolFreeBytes(state: SimState): number {
  const used = Object.values(state.files).reduce((sum, f) => sum + (f.type === 'file' ? f.sizeBytes : 0), 0);
  return Math.max(0, state.poolSizeBytes - used);
}

/**
 * Maps a RouterOS path (`/storage-pool/a/b.img` or without the leading slash) to a file name inside the
 * pool. Paths outside the pool, `.`/`..` segments, empty segments and control characters are refused.
 */
export function poolFileName(state: SimState, path: string, argument: string): string {
  const name = path.startsWith('/') ? path.slice(1) : path;
  const segments = name.split('/');
  const bad =
    segments.length < 2 ||
    segments[0] !== state.poolName ||
    segments.some((s) => s === '' || s === '.' || s === '..' || /[\x00-\x1f\x7f]/.test(s) || s.length > 255);
  if (bad) throw RouterOsError.invalidValue(argument);
  return name;
}

/** Registers missing parent directories of `name` (RouterOS-side view of what mkdir -p created). */
export function addParentDirectories(state: SimState, name: string, now: number): string[] {
  const created: string[] = [];
  const segments = name.split('/');
  for (let i = 1; i < segments.length; i += 1) {
    const dir = segments.slice(0, i).join('/');
    if (state.files[dir] === undefined) {
      state.files[dir] = { id: allocateId(state), type: 'directory', sizeBytes: 0, modifiedAt: now };
      created.push(dir);
    }
  }
  return created;
}

export function touchParent(state: SimState, name: string, now: number): void {
  const parent = state.files[name.slice(0, name.lastIndexOf('/'))];
  if (parent) parent.modifiedAt = now;
}
