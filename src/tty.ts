import type { WriteStream } from 'node:tty';
import stringWidth from 'string-width';
import { showHiddenFormatting } from './text.js';

export interface Output {
  /** data for the user: tables, summaries, JSON */
  out(text: string): void;
  /** messages about the run: warnings, progress, errors */
  err(text: string): void;
  /** true when stderr is a terminal, so progress bars may be drawn */
  readonly interactive: boolean;
}

/**
 * Streams whose reader has gone (`ocpp-faults nightly ... | head -1`) or that cannot be written (`> out.txt` on a full
 * disk): what would be written there is dropped and the run goes on, rather than dying of an unhandled error with a
 * stack trace halfway through the night's work. A failed write is kept, for the command to end with (outputFailure).
 */
const closed = new Set<NodeJS.WriteStream>();
let stdoutFailure: Error | undefined;
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    closed.add(stream);
    if (error.code !== 'EPIPE' && stream === process.stdout) stdoutFailure ??= error;
  });
}

/**
 * Why standard output could not be written, when it could not (a reader that left is no failure: it wanted no more).
 * What the command printed there is incomplete, so it must not end as a success.
 */
export async function outputFailure(): Promise<Error | undefined> {
  // a write's error is told after it returns (a file: on the next tick; a pipe: once flushed)
  if (!closed.has(process.stdout)) {
    await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return stdoutFailure;
}

function write(stream: NodeJS.WriteStream, text: string): void {
  if (!closed.has(stream)) stream.write(text.endsWith('\n') ? text : `${text}\n`);
}

export const processOutput: Output = {
  out: (text) => write(process.stdout, text),
  err: (text) => write(process.stderr, text),
  get interactive() {
    return Boolean((process.stderr as WriteStream).isTTY) && !process.env['CI'];
  },
};

export type Align = 'left' | 'right';
export interface Column<T> {
  header: string;
  value: (row: T) => string | number | boolean | null | undefined;
  align?: Align;
}

/**
 * Characters that would drive the terminal or hide what a line says are shown as visible codes: escape sequences
 * and other C0/C1 controls, tabs and line breaks (which shift or forge lines), and hidden formatting (bidi controls,
 * invisible characters; see text.ts).
 */
export function terminalSafe(text: string): string {
  return showHiddenFormatting(text);
}

/** The columns a cell takes on a terminal: CJK and emoji take two, combining marks none. */
export function displayWidth(text: string): number {
  return stringWidth(text, { countAnsiEscapeCodes: true });
}

function padTo(text: string, width: number, align: Align): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}

// made once: toLocaleString makes a formatter on every call, which a table of a thousand files' counts notices
const integers = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimals = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function cell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return (Number.isInteger(value) ? integers : decimals).format(value);
  return terminalSafe(String(value));
}

/** An aligned text table; numbers right-aligned unless a column says otherwise. */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((c) => cell(c.value(row))));
  const widths = columns.map((c, i) => Math.max(displayWidth(c.header), ...cells.map((r) => displayWidth(r[i]!))));
  const aligns = columns.map((c) => c.align ?? (rows.length && typeof c.value(rows[0]!) === 'number' ? 'right' : 'left'));
  const line = (values: string[]) =>
    values
      .map((v, i) => padTo(v, widths[i]!, aligns[i]!))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '─'.repeat(w))), ...cells.map(line)].join('\n');
}

/** A progress bar on stderr, drawn only on a terminal and at most ten times a second. */
export class Progress {
  private lastDraw = 0;
  private done = 0;
  constructor(
    private readonly output: Output,
    private readonly label: string,
    private readonly total: number,
  ) {}

  update(done: number): void {
    this.done = done;
    this.draw(false);
  }

  private draw(force: boolean): void {
    if (!this.output.interactive || this.total <= 0) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const fraction = Math.min(1, this.done / this.total);
    const width = 30;
    const filled = Math.round(fraction * width);
    process.stderr.write(`\r${this.label} [${'█'.repeat(filled)}${' '.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${formatBytes(this.done)}/${formatBytes(this.total)}`);
  }

  finish(): void {
    if (!this.output.interactive || this.total <= 0) return;
    this.done = this.total;
    this.draw(true);
    process.stderr.write('\n');
  }
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
