import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKOUT_ROOT } from './checkout-root.js';

/** The Node.js flags the image's ENTRYPOINT runs the bundle with, so benchmarks and the guest run the driver as the image does. */
export const IMAGE_NODE_FLAGS = imageNodeFlags(readFileSync(join(CHECKOUT_ROOT, 'Dockerfile'), 'utf8'));

/** `ENTRYPOINT ["node", FLAGS…, "/app/rds-csi.mjs", "serve"]` → FLAGS. */
export function imageNodeFlags(text: string): string[] {
  const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(text)?.[1] ?? '[]') as string[];
  const script = entrypoint.findIndex((arg) => arg.endsWith('rds-csi.mjs'));
  if (entrypoint[0] !== 'node' || script < 0) throw new Error('the Dockerfile ENTRYPOINT does not run node on rds-csi.mjs');
  return entrypoint.slice(1, script);
}
