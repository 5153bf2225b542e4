import { RouterOsError } from './routeros-error.js';
import { parseSizeValue } from './routeros-values.js';
import type { ExecContext } from './sim-exec-context.js';
import { type StoredDisk, poolFileName, poolFreeBytes } from './sim-state.js';

/** `/disk set … file-size=`: grows the sparse backing file; shrinking is refused. */
export async function resizeDisk(ctx: ExecContext, disk: StoredDisk, sizeText: string): Promise<void> {
  const size = parseSizeValue(sizeText, 'file-size');
  if (size < disk.sizeBytes) throw RouterOsError.failure('new file size is smaller than current file size');
  if (size === disk.sizeBytes) return;
  if (size - disk.sizeBytes > poolFreeBytes(ctx.state)) throw RouterOsError.failure('not enough space');
  const name = poolFileName(ctx.state, disk.filePath, 'file-path');
  await ctx.files.grow(name, size);
  disk.sizeBytes = size;
  const file = ctx.state.files[name];
  if (file) {
    file.sizeBytes = size;
    file.modifiedAt = ctx.now;
  }
  ctx.markChanged();
}
