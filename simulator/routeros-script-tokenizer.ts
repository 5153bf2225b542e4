/**
 * Tokenizer for the RouterOS CLI script language, the subset an exec session sees.
 *
 * - Statements are separated by `;` or a newline outside quotes and brackets (RouterOS executes each).
 * - Words are separated by blanks; a word is a concatenation of pieces: bare text, "quoted" text, and
 *   `[ ... ]` / `$[ ... ]` command substitutions (a nested script, executed by RouterOS).
 * - Quoted strings know RouterOS escapes: \" \\ \$ \? \_ (space) \a \b \f \n \r \t \v and \XX (two
 *   upper-case hex digits); `\` before a newline continues the line. Any other escape (e.g. `\.`) is a
 *   syntax error, as on real hardware.
 * - Inside quotes `[` is plain text but `$[ ... ]` is still a substitution.
 * - `$name` would be a variable reference; the simulator defines no variables, so it is a syntax error.
 * - Blocks and groups (`{ }`, `( )`) are not supported and are syntax errors.
 * Syntax errors abort the whole input before anything runs, as RouterOS compiles a script first.
 */
export interface TextPiece { kind: 'text'; text: string; quoted: boolean }
export interface SubstPiece { kind: 'subst'; script: Statement[]; source: string }
export type Piece = TextPiece | SubstPiece;
export interface Word { pieces: Piece[]; line: number; column: number }
export interface Statement { words: Word[]; source: string; line: number; column: number }

export class RouterOsSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
  ) {
    super(`syntax error (line ${line} column ${column})`);
    this.name = 'RouterOsSyntaxError';
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"', '\\': '\\', $: '$', '?': '?', _: ' ', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};
const BARE_STOP = new Set([' ', '\t', '\r', '\n', ';', '"', '[', ']', '$', '{', '}', '(', ')', '\\']);

export function tokenizeScript(input: string): Statement[] {
  const scanner = new Scanner(input);
  const script = scanner.script(false);
  return script;
}

class Scanner {
  private pos = 0;
  private line = 1;
  private lineStart = 0;

  constructor(private readonly text: string) {}

  script(nested: boolean): Statement[] {
    const statements: Statement[] = [];
    for (;;) {
      this.skipBlanks();
      const ch = this.peek();
      if (ch === undefined) {
        if (nested) this.fail();
        return statements;
      }
      if (ch === ']') {
        if (!nested) this.fail();
        return statements;
      }
      if (ch === ';' || ch === '\n') {
        this.advance();
        continue;
      }
      if (ch === '#' ) {
        while (this.peek() !== undefined && this.peek() !== '\n') this.advance();
        continue;
      }
      statements.push(this.statement());
    }
  }

  private statement(): Statement {
    const start = this.pos;
    const line = this.line;
    const column = this.column();
    const words: Word[] = [];
    for (;;) {
      this.skipBlanks();
      const ch = this.peek();
      if (ch === undefined || ch === ';' || ch === '\n' || ch === ']') break;
      words.push(this.word());
    }
    return { words, source: this.text.slice(start, this.pos).trim(), line, column };
  }

  private word(): Word {
    const word: Word = { pieces: [], line: this.line, column: this.column() };
    for (;;) {
      const ch = this.peek();
      if (ch === undefined || ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n' || ch === ';' || ch === ']') {
        return word;
      }
      if (ch === '"') word.pieces.push(...this.quoted());
      else if (ch === '[') word.pieces.push(this.substitution(1));
      else if (ch === '$' && this.text[this.pos + 1] === '[') word.pieces.push(this.substitution(2));
      else if (BARE_STOP.has(ch) || ch < ' ') this.fail();
      else word.pieces.push(this.bare());
    }
  }

  private bare(): TextPiece {
    const start = this.pos;
    while (this.peek() !== undefined && !BARE_STOP.has(this.peek()!) && this.peek()! >= ' ') this.advance();
    return { kind: 'text', text: this.text.slice(start, this.pos), quoted: false };
  }

  /** A quoted string; `$[ ... ]` inside it is a command substitution, as in RouterOS. */
  private quoted(): Piece[] {
    this.advance();
    const pieces: Piece[] = [];
    let text = '';
    for (;;) {
      const ch = this.peek();
      if (ch === undefined) this.fail();
      if (ch === '"') {
        this.advance();
        pieces.push({ kind: 'text', text, quoted: true });
        return pieces;
      }
      if (ch === '$' && this.text[this.pos + 1] === '[') {
        pieces.push({ kind: 'text', text, quoted: true }, this.substitution(2));
        text = '';
        continue;
      }
      if (ch === '$') this.fail();
      if (ch === '\\') {
        this.advance();
        text += this.escape();
        continue;
      }
      text += ch;
      this.advance();
    }
  }

  private escape(): string {
    const ch = this.peek();
    if (ch === undefined) this.fail();
    const hex = this.text.slice(this.pos, this.pos + 2);
    if (/^[0-9A-F]{2}$/.test(hex)) {
      this.advance();
      this.advance();
      return String.fromCharCode(Number.parseInt(hex, 16));
    }
    if (ch === '\n') {
      this.advance();
      return '';
    }
    const value = SIMPLE_ESCAPES[ch];
    if (value === undefined) this.fail();
    this.advance();
    return value;
  }

  private substitution(openLength: number): SubstPiece {
    const start = this.pos;
    for (let i = 0; i < openLength; i += 1) this.advance();
    const script = this.script(true);
    this.advance();
    return { kind: 'subst', script, source: this.text.slice(start, this.pos) };
  }

  private skipBlanks(): void {
    for (;;) {
      const ch = this.peek();
      if (ch === ' ' || ch === '\t' || ch === '\r') this.advance();
      else if (ch === '\\' && this.text[this.pos + 1] === '\n') {
        this.advance();
        this.advance();
      } else return;
    }
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private advance(): void {
    if (this.text[this.pos] === '\n') {
      this.line += 1;
      this.lineStart = this.pos + 1;
    }
    this.pos += 1;
  }

  private column(): number {
    return this.pos - this.lineStart + 1;
  }

  private fail(): never {
    throw new RouterOsSyntaxError(this.line, this.column());
  }
}
