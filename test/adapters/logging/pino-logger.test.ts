import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runWithLogContext } from '../../../src/adapters/logging/log-context.js';
import { PinoLogger } from '../../../src/adapters/logging/pino-logger.js';

function capture(level: 'debug' | 'info' = 'debug') {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  const logger = PinoLogger.create({ level, service: 'rds-csi', destination: stream });
  const lines = () => chunks.join('').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines };
}

describe('PinoLogger', () => {
  it('writes level names, not numbers', () => {
    const { logger, lines } = capture();
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines().map((l) => l.level)).toEqual(['debug', 'info', 'warn', 'error']);
    expect(lines()[1]).toMatchObject({ msg: 'i', service: 'rds-csi', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });

  it('adds the log context to every line written inside it, from children and after awaits, and nowhere else', async () => {
    const { logger, lines } = capture();
    const child = logger.child({ component: 'routeros' });
    await runWithLogContext({ requestId: 'r-1' }, async () => {
      logger.info('first');
      await sleep(1);
      child.debug('after an await');
      await new Promise<void>((resolve) => setTimeout(() => { child.warn('in a timer'); resolve(); }, 1));
    });
    logger.info('outside');
    expect(lines().map((l) => [l.msg, l.requestId, l.component])).toEqual([
      ['first', 'r-1', undefined],
      ['after an await', 'r-1', 'routeros'],
      ['in a timer', 'r-1', 'routeros'],
      ['outside', undefined, undefined],
    ]);
  });

  it('keeps concurrent contexts apart', async () => {
    const { logger, lines } = capture();
    await Promise.all(['a', 'b', 'c'].map((id) => runWithLogContext({ requestId: id }, async () => {
      await sleep(id === 'a' ? 5 : 1);
      logger.info(`line ${id}`);
    })));
    expect(Object.fromEntries(lines().map((l) => [l.msg, l.requestId]))).toEqual({ 'line a': 'a', 'line b': 'b', 'line c': 'c' });
  });
});
