/**
 * ReDoS-safe matcher for RouterOS `~` conditions (POSIX extended regex, "contains" semantics).
 *
 * Supported subset: literals, `.`, `^`/`$` anchors at branch edges, `\` escapes of punctuation,
 * `\d \w \s`, bracket classes (`[a-z0-9-]`, `[^/]`), the quantifiers `* + ?` on a single atom and
 * top-level alternation `a|b`. Groups, `{m,n}` and back-references raise RegexNotSupportedError.
 * Matching simulates an NFA over the atom list (no backtracking): O(pattern length × text length).
 */
export class RegexNotSupportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegexNotSupportedError';
  }
}

interface Atom { test: (c: string) => boolean; optional: boolean; repeat: boolean }
interface Branch { atoms: Atom[]; anchoredStart: boolean; anchoredEnd: boolean }

const MAX_PATTERN = 512;
const CLASS_ESCAPES: Record<string, (c: string) => boolean> = {
  d: (c) => c >= '0' && c <= '9',
  w: (c) => /^[A-Za-z0-9_]$/.test(c),
  s: (c) => /^\s$/.test(c),
};

export function compileRouterOsRegex(pattern: string): (text: string) => boolean {
  if (pattern.length > MAX_PATTERN) throw new RegexNotSupportedError('pattern too long');
  const branches = splitBranches(pattern).map(parseBranch);
  return (text) => branches.some((b) => matchBranch(b, text));
}

function splitBranches(pattern: string): string[] {
  const out: string[] = [];
  let current = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      current += c + pattern[i + 1];
      i += 1;
    } else if (c === '|' && !inClass) {
      out.push(current);
      current = '';
    } else {
      if (c === '[' && !inClass) inClass = true;
      else if (c === ']' && inClass && !/\[\^?$/.test(current)) inClass = false;
      current += c;
    }
  }
  out.push(current);
  return out;
}

function parseBranch(source: string): Branch {
  let s = source;
  const anchoredStart = s.startsWith('^');
  if (anchoredStart) s = s.slice(1);
  const anchoredEnd = s.endsWith('$') && !s.endsWith('\\$');
  if (anchoredEnd) s = s.slice(0, -1);
  const atoms: Atom[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    let test: (ch: string) => boolean;
    if (c === '\\') {
      const e = s[i + 1];
      if (e === undefined) throw new RegexNotSupportedError('trailing backslash');
      if (/[0-9A-Za-z]/.test(e) && !CLASS_ESCAPES[e]) throw new RegexNotSupportedError(`escape \\${e}`);
      test = CLASS_ESCAPES[e] ?? ((ch) => ch === e);
      i += 2;
    } else if (c === '[') {
      const end = findClassEnd(s, i);
      test = parseClass(s.slice(i + 1, end));
      i = end + 1;
    } else if ('(){}*+?^$'.includes(c)) {
      throw new RegexNotSupportedError(`operator ${c}`);
    } else {
      test = c === '.' ? () => true : (ch) => ch === c;
      i += 1;
    }
    const q = s[i];
    if (q === '*' || q === '?') {
      atoms.push({ test, optional: true, repeat: q === '*' });
      i += 1;
    } else if (q === '+') {
      atoms.push({ test, optional: false, repeat: false }, { test, optional: true, repeat: true });
      i += 1;
    } else atoms.push({ test, optional: false, repeat: false });
  }
  return { atoms, anchoredStart, anchoredEnd };
}

function findClassEnd(s: string, open: number): number {
  let i = open + 1;
  if (s[i] === '^') i += 1;
  if (s[i] === ']') i += 1;
  while (i < s.length && s[i] !== ']') i += 1;
  if (i >= s.length) throw new RegexNotSupportedError('unterminated bracket');
  return i;
}

function parseClass(body: string): (c: string) => boolean {
  const negate = body.startsWith('^');
  const chars = negate ? body.slice(1) : body;
  const ranges: [string, string][] = [];
  for (let i = 0; i < chars.length; i += 1) {
    const a = chars[i]!;
    if (chars[i + 1] === '-' && i + 2 < chars.length) {
      ranges.push([a, chars[i + 2]!]);
      i += 2;
    } else ranges.push([a, a]);
  }
  return (c) => ranges.some(([lo, hi]) => c >= lo && c <= hi) !== negate;
}

function matchBranch(branch: Branch, text: string): boolean {
  const { atoms } = branch;
  const n = atoms.length;
  const closure = (set: Set<number>, j: number): void => {
    let k = j;
    while (!set.has(k)) {
      set.add(k);
      if (k < n && atoms[k]!.optional) k += 1;
      else break;
    }
  };
  let states = new Set<number>();
  closure(states, 0);
  for (let pos = 0; ; pos += 1) {
    if (states.has(n) && (!branch.anchoredEnd || pos === text.length)) return true;
    if (pos === text.length) return false;
    const c = text[pos]!;
    const next = new Set<number>();
    for (const j of states) {
      const atom = atoms[j];
      if (atom?.test(c)) closure(next, atom.repeat ? j : j + 1);
    }
    if (!branch.anchoredStart) closure(next, 0);
    states = next;
  }
}
