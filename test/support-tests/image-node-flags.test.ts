import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKOUT_ROOT } from '../support/checkout-root.js';
import { IMAGE_NODE_FLAGS, imageNodeFlags } from '../support/image-node-flags.js';

describe('the Node.js flags benchmarks and the guest take from the image', () => {
  it('are the flags between node and the bundle in the ENTRYPOINT', () => {
    expect(imageNodeFlags('FROM x\nENTRYPOINT ["node", "--a", "--b=1", "/app/rds-csi.mjs", "serve"]\n')).toEqual(['--a', '--b=1']);
    expect(imageNodeFlags('ENTRYPOINT ["node", "/app/rds-csi.mjs", "serve"]')).toEqual([]);
  });

  it('refuse an ENTRYPOINT that does not run node on the bundle', () => {
    expect(() => imageNodeFlags('ENTRYPOINT ["sh", "-c", "x"]')).toThrow(/does not run node on rds-csi.mjs/);
    expect(() => imageNodeFlags('CMD ["node"]')).toThrow(/does not run node/);
  });

  it("are read from this checkout's Dockerfile, found from wherever the support code runs", () => {
    expect(JSON.parse(readFileSync(join(CHECKOUT_ROOT, 'package.json'), 'utf8'))).toMatchObject({ name: 'rds-csi' });
    expect(IMAGE_NODE_FLAGS.every((flag) => flag.startsWith('--'))).toBe(true);
  });
});
