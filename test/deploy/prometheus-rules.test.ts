import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { promtool } from './promtool.js';
import { chartDir, repoRoot } from './render.js';

const RULES = join(chartDir, 'files/prometheus-rules.yaml');
const UNIT_TESTS = join(repoRoot, 'test/deploy/prometheus-rules.test.yaml');

describe('the chart\'s Prometheus alerts', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'rds-csi-rules-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('pass promtool check rules', () => {
    const { code, output } = promtool(['check', 'rules', RULES]);
    expect(output).toMatch(/SUCCESS: 7 rules found/);
    expect(code).toBe(0);
  });

  it('pass their promtool unit tests: each alert fires on its situation and not on its near miss', () => {
    const { code, output } = promtool(['test', 'rules', UNIT_TESTS]);
    expect(output).toMatch(/SUCCESS/);
    expect(code).toBe(0);
  });

  it('the unit tests catch a changed threshold', () => {
    const mutated = readFileSync(RULES, 'utf8').replace('rds_csi_pool_size_bytes) > 0.85', 'rds_csi_pool_size_bytes) > 0.95');
    expect(mutated).not.toBe(readFileSync(RULES, 'utf8'));
    writeFileSync(join(scratch, 'rules.yaml'), mutated);
    const tests = readFileSync(UNIT_TESTS, 'utf8').replace('../../deploy/helm/rds-csi/files/prometheus-rules.yaml', 'rules.yaml');
    writeFileSync(join(scratch, 'rules.test.yaml'), tests);
    const { code, output } = promtool(['test', 'rules', join(scratch, 'rules.test.yaml')]);
    expect(code).not.toBe(0);
    expect(output).toMatch(/FAILED[\s\S]*RdsCsiPoolAlmostFull/);
  });
});
