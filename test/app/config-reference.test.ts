import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../../src/app/config-options.js';
import { BEGIN_MARKER, END_MARKER, renderFlagTable, withFlagTable } from '../../src/app/config-reference.js';

const doc = resolve(import.meta.dirname, '../../docs/configuration.md');

describe('docs/configuration.md flag table', () => {
  it('is what `npm run docs:config` generates from config-options.ts (run it after changing a flag)', async () => {
    const text = await readFile(doc, 'utf8');
    expect(withFlagTable(text, renderFlagTable(OPTIONS))).toBe(text);
    for (const option of OPTIONS) expect(text).toContain(`\`--${option.flag}`);
  });

  it('renders one escaped row per option and replaces only the text between the markers', () => {
    const table = renderFlagTable([
      { flag: 'a', env: ['X_A', 'A'], defaultValue: 'd', help: 'one | two' },
      { flag: 'b', env: ['X_B'], boolean: true, help: 'flag' },
    ]);
    expect(table.split('\n').slice(2)).toEqual(['| `--a VALUE` | `X_A`, `A` | `d` | one \\| two |', '| `--b` | `X_B` | false | flag |']);
    const document = `intro\n${BEGIN_MARKER}\nold\n${END_MARKER}\noutro\n`;
    expect(withFlagTable(document, 'new')).toBe(`intro\n${BEGIN_MARKER}\nnew\n${END_MARKER}\noutro\n`);
    expect(() => withFlagTable('no markers', 'new')).toThrow(/lacks the markers/);
  });
});
