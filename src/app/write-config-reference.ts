import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { OPTIONS } from './config-options.js';
import { renderFlagTable, withFlagTable } from './config-reference.js';

/** `npm run docs:config`: rewrites the flag table of docs/configuration.md from OPTIONS. */
const path = resolve(process.argv[2] ?? 'docs/configuration.md');
const before = await readFile(path, 'utf8');
const after = withFlagTable(before, renderFlagTable(OPTIONS));
if (after !== before) await writeFile(path, after);
process.stdout.write(`${after === before ? 'unchanged' : 'updated'}: ${path}\n`);
