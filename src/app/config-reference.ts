import type { OptionSpec } from './config-options.js';

/** The markers around the generated flag table in docs/configuration.md. */
export const BEGIN_MARKER = '<!-- BEGIN GENERATED: flags (npm run docs:config; edit src/app/config-options.ts instead) -->';
export const END_MARKER = '<!-- END GENERATED: flags -->';

/** One Markdown table row per option, in OPTIONS order. */
export function renderFlagTable(options: readonly OptionSpec[]): string {
  const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const rows = options.map((o) => {
    const flag = `\`--${o.flag}${o.boolean ? '' : ' VALUE'}\``;
    const env = o.env.map((e) => `\`${e}\``).join(', ');
    const fallback = o.boolean ? 'false' : o.defaultValue === undefined ? '—' : `\`${o.defaultValue}\``;
    return `| ${flag} | ${env} | ${fallback} | ${cell(o.help)} |`;
  });
  return ['| Flag | Environment variables | Default | Meaning |', '|---|---|---|---|', ...rows].join('\n');
}

/** `document` with the text between the markers replaced by `table`; throws when a marker is missing. */
export function withFlagTable(document: string, table: string): string {
  const begin = document.indexOf(BEGIN_MARKER);
  const end = document.indexOf(END_MARKER);
  if (begin === -1 || end === -1 || end < begin) throw new Error(`the document lacks the markers ${BEGIN_MARKER} … ${END_MARKER}`);
  return `${document.slice(0, begin + BEGIN_MARKER.length)}\n${table}\n${document.slice(end)}`;
}
