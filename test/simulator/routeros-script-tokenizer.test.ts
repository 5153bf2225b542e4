import { describe, expect, it } from 'vitest';
import { RouterOsSyntaxError, type Word, tokenizeScript } from '../../simulator/routeros-script-tokenizer.js';
import { RegexNotSupportedError, compileRouterOsRegex } from '../../simulator/routeros-regex.js';

const texts = (w: Word) => w.pieces.map((p) => (p.kind === 'text' ? p.text : `<${p.source}>`)).join('');

function syntaxColumn(input: string): number {
  try {
    tokenizeScript(input);
  } catch (error) {
    if (error instanceof RouterOsSyntaxError) return error.column;
    throw error;
  }
  throw new Error(`no syntax error for ${input}`);
}

describe('tokenizeScript', () => {
  it('splits key=value words and decodes RouterOS escapes inside quotes', () => {
    const [s] = tokenizeScript('/disk print detail where slot="a\\"b\\\\c\\$d\\?e\\_f\\41"');
    expect(s!.words.map(texts)).toEqual(['/disk', 'print', 'detail', 'where', 'slot=a"b\\c$d?e fA']);
  });

  it('separates statements on ; and newlines, but not inside quotes', () => {
    const script = tokenizeScript('/disk print; /file print\n/system resource print ; x="a;b"');
    expect(script.map((s) => s.source)).toEqual(['/disk print', '/file print', '/system resource print', 'x="a;b"']);
    expect(texts(script[3]!.words[0]!)).toBe('x=a;b');
  });

  it('parses [ ] and $[ ] substitutions, also inside quotes, but keeps a bare [ inside quotes as text', () => {
    const [s] = tokenizeScript('/disk remove [find slot=x]; :put "a[b]$[/system reset]c"');
    expect(s!.words[2]!.pieces[0]).toMatchObject({ kind: 'subst', source: '[find slot=x]' });
    const [, put] = tokenizeScript('/disk remove [find slot=x]; :put "a[b]$[/system reset]c"');
    expect(put!.words[1]!.pieces.map((p) => p.kind)).toEqual(['text', 'subst', 'text']);
    expect(texts(put!.words[1]!)).toBe('a[b]<$[/system reset]>c');
  });

  it('reports syntax errors with the 1-based column', () => {
    expect(syntaxColumn('/disk print where slot="a\\.b"')).toBe(27);
    expect(syntaxColumn('/disk print where slot="open')).toBe(29);
    expect(syntaxColumn('/disk remove [find slot=x')).toBe(26);
    expect(syntaxColumn('/disk print]')).toBe(12);
    expect(syntaxColumn('/disk print where slot=$x')).toBe(24);
    expect(syntaxColumn('/disk print where slot="$x"')).toBe(25);
    expect(syntaxColumn('/disk print where (slot=x)')).toBe(19);
    expect(new RouterOsSyntaxError(1, 7).message).toBe('syntax error (line 1 column 7)');
  });
});

describe('compileRouterOsRegex', () => {
  it('matches plain text as "contains"', () => {
    const m = compileRouterOsRegex('pvc');
    expect(m('pvc-1')).toBe(true);
    expect(m('snap-pvc-1')).toBe(true);
    expect(m('snap-1')).toBe(false);
  });

  it('supports anchors, dot, classes, quantifiers, escapes and alternation', () => {
    expect(compileRouterOsRegex('^pvc-')('xpvc-1')).toBe(false);
    expect(compileRouterOsRegex('\\.img$')('a.img')).toBe(true);
    expect(compileRouterOsRegex('\\.img$')('aximg')).toBe(false);
    expect(compileRouterOsRegex('^snap-[0-9a-f]+-at-\\d+$')('snap-ab12-at-1739800000')).toBe(true);
    expect(compileRouterOsRegex('^snap-[0-9a-f]+-at-\\d+$')('snap--at-1')).toBe(false);
    expect(compileRouterOsRegex('nvme|disk')('topic disk')).toBe(true);
    expect(compileRouterOsRegex('a.?b*c')('ac')).toBe(true);
    expect(compileRouterOsRegex('[^/]*$')('')).toBe(true);
  });

  it('refuses groups and counted repetition instead of backtracking', () => {
    expect(() => compileRouterOsRegex('(a*)*b')).toThrow(RegexNotSupportedError);
    expect(() => compileRouterOsRegex('a{2,}')).toThrow(RegexNotSupportedError);
    expect(() => compileRouterOsRegex('x'.repeat(600))).toThrow(RegexNotSupportedError);
  });

  it('stays linear on inputs that make backtracking engines explode', () => {
    const m = compileRouterOsRegex(`${'a*'.repeat(30)}b`);
    expect(m('a'.repeat(50_000))).toBe(false);
  }, 10_000);
});
