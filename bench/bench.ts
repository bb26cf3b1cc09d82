/**
 * npm run bench [-- --messages 1000000] [--also 10000000] [--seed 1] [--repeat 1] [--keep]
 *                [--incremental [--history-days 30] [--day-messages 300000]] [--many-files 1000] [--shapes]
 *
 * For each size, generate (or reuse) a synthetic fleet log. Then --repeat rounds: in each, every size's DuckDB anchor
 * (read_json into a table) and `ocpp-faults ingest`, in turn; medians are kept. Then each size's later commands are
 * timed on its last ingest's database, and `nightly` end to end on a fresh one; --incremental times one nightly run
 * that adds a day to a database holding --history-days days; --many-files N times one ingest of the first 200,000
 * lines of the first size's fleet split into N files, against the same lines as one file; --shapes times one ingest of
 * the first size's fleet in each shape real exports come in (bench/shapes.ts). The tables and targets are printed and
 * bench/results.json written. Exit code 1 when a target fails or a step errors.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { link, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { DEFAULT_START, GENERATOR_VERSION } from './generate.js';
import { rewriteLine, shapeFileNames, shapeHeader, shapes } from './shapes.js';
import { defaultIngestConfig } from '../src/ingest/config.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = findProjectRoot(HERE);
const CLI = join(ROOT, 'dist', 'src', 'cli.js');
const DATA_DIR = join(ROOT, 'bench', 'data');
const WORK_DIR = join(ROOT, 'bench', 'work');
const RESULTS_FILE = join(ROOT, 'bench', 'results.json');
const GNU_TIME = '/usr/bin/time';
const RSS_POLL_MS = 20;
/** the generator keeps one pending exchange per actor of thousands of stations alive: a larger young generation keeps them out of the old one */
const GENERATOR_NODE_FLAGS = ['--max-semi-space-size=64'];

const TARGETS = {
  maxRatioToAnchor: 2,
  minMessagesPerS: 250_000,
  maxPeakRssMb: 1024,
  peakRssAtMessages: 10_000_000,
  /** the larger run may take at most this much more than linear time */
  scalingSlack: 1.1,
};

// ---------------------------------------------------------------------------------------------
// Timing a child process

export interface Timed {
  wallS: number;
  /** peak resident set of the process and its children, MB; null when it could not be measured */
  peakRssMb: number | null;
  exitCode: number;
  /** the signal that ended the process, if one did */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `command` to completion, measuring wall time and peak RSS (GNU time when present, else /proc polling). */
export async function timeCommand(command: readonly string[]): Promise<Timed> {
  if (existsSync(GNU_TIME)) return timeWithGnuTime(command);
  return timeWithProcPolling(command);
}

export async function timeWithGnuTime(command: readonly string[]): Promise<Timed> {
  const rssFile = join(tmpdir(), `bench-rss-${process.pid}-${Date.now()}.txt`);
  const run = await runProcess([GNU_TIME, '-f', '%M', '-o', rssFile, ...command]);
  // the last line holds %M (KB); a line before it may say the command failed
  const lastLine = (await readFile(rssFile, 'utf8').catch(() => '')).trim().split('\n').pop() ?? '';
  await rm(rssFile, { force: true });
  const kb = Number(lastLine);
  return { ...run, peakRssMb: lastLine !== '' && Number.isFinite(kb) ? kb / 1024 : null };
}

export async function timeWithProcPolling(command: readonly string[]): Promise<Timed> {
  const peaks = new Map<number, number>();
  const run = await runProcess(command, (pid) =>
    setInterval(() => {
      for (const id of [pid, ...childPids(pid)]) peaks.set(id, Math.max(peaks.get(id) ?? 0, vmHwmKb(id)));
    }, RSS_POLL_MS),
  );
  const totalKb = [...peaks.values()].reduce((sum, kb) => sum + kb, 0);
  return { ...run, peakRssMb: totalKb > 0 ? totalKb / 1024 : null };
}

function vmHwmKb(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0; // the process has exited between polls
  }
}

function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function runProcess(command: readonly string[], watch?: (pid: number) => NodeJS.Timeout): Promise<Omit<Timed, 'peakRssMb'>> {
  const [file, ...args] = command as [string, ...string[]];
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(file, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = child.pid === undefined ? undefined : watch?.(child.pid);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearInterval(timer);
      resolvePromise({
        wallS: (performance.now() - started) / 1000,
        exitCode: code ?? 1,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}

function node(script: string, args: readonly string[], flags: readonly string[] = []): string[] {
  return [process.execPath, ...flags, script, ...args];
}

function isUnknownCommand(run: Timed): boolean {
  return run.exitCode === 2 && /unknown command/i.test(run.stderr);
}

// ---------------------------------------------------------------------------------------------
// Steps

interface FleetFile {
  path: string;
  messages: number;
  bytes: number;
  stations: number;
  /** null when an earlier generated file was reused */
  generateS: number | null;
}

interface Sidecar {
  generatorVersion: number;
  messages: number;
  seed: number;
  bytes: number;
  stations: number;
  generateS: number;
}

async function ensureFleet(messages: number, seed: number): Promise<FleetFile> {
  const path = join(DATA_DIR, `fleet-${messages}-${seed}.jsonl`);
  const sidecarPath = path.replace(/\.jsonl$/, '.json');
  const reused = await reusableFleet(path, sidecarPath);
  if (reused) return { path, messages, bytes: reused.bytes, stations: reused.stations, generateS: null };

  progress(`generating ${formatCount(messages)} messages (seed ${seed}) into ${relative(ROOT, path)}`);
  await mkdir(DATA_DIR, { recursive: true });
  const run = await timeCommand(node(join(HERE, 'generate.js'), ['--messages', String(messages), '--seed', String(seed), '--out', path], GENERATOR_NODE_FLAGS));
  if (run.exitCode !== 0) throw new Error(`generator failed (exit ${run.exitCode}): ${run.stderr.trim()}`);
  const generated = JSON.parse(run.stdout) as { bytes: number; stations: number };
  const sidecar: Sidecar = { generatorVersion: GENERATOR_VERSION, messages, seed, bytes: generated.bytes, stations: generated.stations, generateS: round(run.wallS) };
  await writeFile(sidecarPath, `${JSON.stringify(sidecar, null, 2)}\n`);
  return { path, messages, bytes: generated.bytes, stations: generated.stations, generateS: run.wallS };
}

async function reusableFleet(path: string, sidecarPath: string): Promise<Sidecar | null> {
  try {
    const sidecar = JSON.parse(await readFile(sidecarPath, 'utf8')) as Sidecar;
    const current = sidecar.generatorVersion === GENERATOR_VERSION && (await stat(path)).size === sidecar.bytes;
    return current ? sidecar : null;
  } catch {
    return null;
  }
}

async function freshDbPath(name: string): Promise<string> {
  await mkdir(WORK_DIR, { recursive: true });
  const path = join(WORK_DIR, `${name}.duckdb`);
  await removeDb(path);
  return path;
}

async function removeDb(path: string): Promise<void> {
  await Promise.all([rm(path, { force: true }), rm(`${path}.wal`, { force: true })]);
}

interface AnchorResult {
  statementS: number;
  wallS: number;
  peakRssMb: number | null;
}

async function runAnchor(fleet: FleetFile): Promise<AnchorResult> {
  const db = await freshDbPath(`anchor-${fleet.messages}`);
  progress(`anchor: read_json into a table (${formatCount(fleet.messages)})`);
  const run = await timeCommand(node(join(HERE, 'anchor.js'), [fleet.path, db]));
  await removeDb(db);
  if (run.exitCode !== 0) throw new Error(`anchor failed (exit ${run.exitCode}): ${run.stderr.trim()}`);
  const { statementS } = JSON.parse(run.stdout) as { statementS: number };
  return { statementS, wallS: run.wallS, peakRssMb: run.peakRssMb };
}

interface StepResult {
  step: string;
  status: 'ok' | 'skipped' | 'failed';
  wallS: number | null;
  peakRssMb: number | null;
  note: string;
  /** the command's --json output, when it printed some */
  output?: unknown;
  /** the end of stderr of a failed step */
  stderrTail?: string;
}

interface StepContext {
  /** the fleet log */
  file: string;
  /** the database ingest writes and later steps read */
  db: string;
  /** scratch directory for a step's output files */
  workDir: string;
}

/** A timed CLI step; adding a later stage is one entry in LATER_STEPS. */
interface CliStep {
  name: string;
  args: (context: StepContext) => string[];
  /** keep the command's --json output in results.json */
  recordOutput?: boolean;
}

const INGEST_STEP: CliStep = { name: 'ingest', args: ({ file, db }) => [file, '--db', db, '--json'], recordOutput: true };

const LATER_STEPS: readonly CliStep[] = [
  { name: 'summary', args: ({ db }) => ['--db', db, '--json'] },
  { name: 'export', args: ({ db, workDir }) => [join(workDir, 'export'), '--db', db] },
  { name: 'report', args: ({ db, workDir }) => ['--db', db, '--out', join(workDir, 'report.html')] },
];

async function runCliStep(step: CliStep, context: StepContext): Promise<StepResult> {
  progress(step.name);
  const run = await timeCommand(node(CLI, [step.name, ...step.args(context)]));
  if (isUnknownCommand(run)) return { step: step.name, status: 'skipped', wallS: null, peakRssMb: null, note: `no '${step.name}' command yet` };
  if (run.exitCode !== 0) {
    const ending = run.signal ? `killed by ${run.signal}` : run.exitCode > 128 ? `exit ${run.exitCode} (signal ${run.exitCode - 128})` : `exit ${run.exitCode}`;
    return {
      step: step.name,
      status: 'failed',
      wallS: run.wallS,
      peakRssMb: run.peakRssMb,
      note: `${ending}: ${errorLine(run.stderr)}`,
      stderrTail: lastLines(run.stderr, 20),
    };
  }
  const output = parseJsonOrUndefined(run.stdout);
  const result: StepResult = { step: step.name, status: 'ok', wallS: run.wallS, peakRssMb: run.peakRssMb, note: describeCounts(output) };
  return step.recordOutput ? { ...result, output } : result;
}

const COUNT_FIELDS = ['files_ingested', 'messages', 'duplicates', 'rejected'];

/** the headline counts of a command's JSON output, e.g. "messages 1000000, duplicates 0" */
function describeCounts(output: unknown): string {
  if (typeof output !== 'object' || output === null) return '';
  const record = output as Record<string, unknown>;
  return COUNT_FIELDS.filter((field) => typeof record[field] === 'number')
    .map((field) => `${field} ${formatCount(record[field] as number)}`)
    .join(', ');
}

interface SizeResult {
  messages: number;
  bytes: number;
  stations: number;
  file: string;
  generateS: number | null;
  /** medians over the repeats */
  anchor: AnchorResult;
  /** wall time the median over the repeats, peak RSS the largest; ratioToAnchor the median of each repeat's ingest / anchor */
  ingest: StepResult & { messagesPerS: number | null; ratioToAnchor: number | null };
  /** each repeat's anchor and ingest wall times, in the order they ran (anchor, ingest, anchor, ingest, ...) */
  samples: { anchorS: number[]; ingestS: number[] };
  later: StepResult[];
  /** `nightly` on an inbox holding the fleet log, into a fresh database (null when ingest failed) */
  nightly: StepResult | null;
}

/** One size while the bench runs: its fleet log, its work folder and the anchor and ingest runs so far. */
interface SizeRuns {
  messages: number;
  seed: number;
  fleet: FleetFile;
  workDir: string;
  context: StepContext;
  anchors: AnchorResult[];
  ingests: StepResult[];
}

async function prepareSize(messages: number, seed: number): Promise<SizeRuns> {
  const fleet = await ensureFleet(messages, seed);
  const workDir = join(WORK_DIR, `fleet-${messages}-${seed}`);
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
  const context: StepContext = { file: fleet.path, db: await freshDbPath(`fleet-${messages}-${seed}`), workDir };
  return { messages, seed, fleet, workDir, context, anchors: [], ingests: [] };
}

/** One round for one size: the anchor, then the ingest into a fresh database; false once an ingest has failed. */
async function runRound(size: SizeRuns): Promise<boolean> {
  if (size.ingests.some((step) => step.status !== 'ok')) return false;
  size.anchors.push(await runAnchor(size.fleet));
  await removeDb(size.context.db);
  const ingest = await runCliStep(INGEST_STEP, size.context);
  size.ingests.push(ingest);
  return ingest.status === 'ok';
}

/**
 * A size's medians over its rounds, then the later steps on the last ingest's database. The machine's speed drifts
 * from minute to minute, so each ingest is compared with the anchor run just before it.
 */
async function finishSize(size: SizeRuns, keep: boolean): Promise<SizeResult> {
  const { messages, seed, fleet, workDir, context, anchors, ingests } = size;
  const anchor: AnchorResult = {
    statementS: median(anchors.map((a) => a.statementS)),
    wallS: median(anchors.map((a) => a.wallS)),
    peakRssMb: maxOrNull(anchors.map((a) => a.peakRssMb)),
  };
  const failed = ingests.find((step) => step.status !== 'ok');
  const ingestWalls = ingests.map((step) => step.wallS ?? Number.NaN);
  const ingest: StepResult = failed ?? {
    ...ingests[ingests.length - 1]!,
    wallS: median(ingestWalls),
    peakRssMb: maxOrNull(ingests.map((step) => step.peakRssMb)),
  };
  const later = ingest.status === 'ok' ? await runSequentially(LATER_STEPS, (step) => runCliStep(step, context)) : [];
  const nightly = ingest.status === 'ok' ? await runNightly([fleet.path], join(workDir, 'nightly'), `nightly-${messages}-${seed}`) : null;
  if (!keep) {
    await removeDb(context.db);
    await rm(workDir, { recursive: true, force: true });
  }
  const ingestS = ingest.status === 'ok' ? ingest.wallS : null;
  return {
    messages,
    bytes: fleet.bytes,
    stations: fleet.stations,
    file: relative(ROOT, fleet.path),
    generateS: fleet.generateS,
    anchor,
    ingest: {
      ...ingest,
      messagesPerS: ingestS === null ? null : messages / ingestS,
      ratioToAnchor: ingestS === null ? null : median(ingestWalls.map((wallS, run) => wallS / anchors[run]!.wallS)),
    },
    samples: { anchorS: anchors.map((a) => a.wallS), ingestS: ingestWalls },
    later,
    nightly,
  };
}

/** the middle value (the mean of the middle two for an even count) */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function maxOrNull(values: readonly (number | null)[]): number | null {
  const known = values.filter((value): value is number => value !== null);
  return known.length === 0 ? null : Math.max(...known);
}

async function runSequentially<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (const item of items) results.push(await work(item));
  return results;
}

// ---------------------------------------------------------------------------------------------
// Nightly: the end-to-end run, and an incremental night

/**
 * `nightly <inbox> --db <fresh> --out <dir>` with the given logs hard-linked into a new inbox (no copies of GBs):
 * ingest, analysis, alerts, CSV exports and the report, as cron runs it.
 */
async function runNightly(logs: readonly string[], dir: string, dbName: string, db?: string): Promise<StepResult> {
  const inbox = join(dir, 'inbox');
  await mkdir(inbox, { recursive: true });
  for (const log of logs) await linkInto(inbox, log);
  const database = db ?? (await freshDbPath(dbName));
  const step: CliStep = { name: 'nightly', args: () => [inbox, '--db', database, '--out', join(dir, 'out')] };
  const result = await runCliStep(step, { file: inbox, db: database, workDir: dir });
  if (!db) await removeDb(database);
  return result;
}

async function linkInto(dir: string, file: string): Promise<void> {
  const target = join(dir, file.split('/').pop()!);
  await rm(target, { force: true });
  await link(file, target);
}

/** A fleet's day of traffic: one file per day, the same stations every day. */
interface DayFiles {
  files: string[];
  dayMessages: number;
  stations: number;
}

async function ensureDays(days: number, dayMessages: number, seed: number): Promise<DayFiles> {
  const dir = join(DATA_DIR, `days-${dayMessages}-${seed}`);
  await mkdir(dir, { recursive: true });
  const stations = Math.max(10, Math.round(dayMessages / 2000));
  const files: string[] = [];
  for (let day = 0; day < days; day++) {
    const start = new Date(Date.parse(DEFAULT_START) + day * 24 * 3600_000).toISOString();
    const path = join(dir, `day-${start.slice(0, 10)}.jsonl`);
    const sidecarPath = path.replace(/\.jsonl$/, '.json');
    files.push(path);
    if (await reusableFleet(path, sidecarPath)) continue;
    progress(`generating day ${day + 1} of ${days} (${formatCount(dayMessages)} messages, ${stations} stations)`);
    const args = ['--messages', String(dayMessages), '--seed', String(seed * 1000 + day), '--stations', String(stations), '--start', start, '--out', path];
    const run = await timeCommand(node(join(HERE, 'generate.js'), args, GENERATOR_NODE_FLAGS));
    if (run.exitCode !== 0) throw new Error(`generator failed (exit ${run.exitCode}): ${run.stderr.trim()}`);
    const generated = JSON.parse(run.stdout) as { bytes: number; stations: number };
    const sidecar: Sidecar = { generatorVersion: GENERATOR_VERSION, messages: dayMessages, seed: seed * 1000 + day, bytes: generated.bytes, stations: generated.stations, generateS: round(run.wallS) };
    await writeFile(sidecarPath, `${JSON.stringify(sidecar, null, 2)}\n`);
  }
  return { files, dayMessages, stations };
}

interface IncrementalResult {
  historyDays: number;
  dayMessages: number;
  stations: number;
  /** the untimed setup: one ingest of the history */
  setup: StepResult;
  /** the timed night: the inbox holds the history (unchanged since the setup read it: not read again) and one new day */
  night: StepResult | null;
}

/**
 * One new day of files into a database that already holds `historyDays` of them, as the nightly cron run sees it: the
 * history was ingested from the inbox, which keeps those files, and the export job has added one more.
 */
async function benchIncremental(historyDays: number, dayMessages: number, seed: number, keep: boolean): Promise<IncrementalResult> {
  const { files, stations } = await ensureDays(historyDays + 1, dayMessages, seed);
  const dir = join(WORK_DIR, 'incremental');
  await rm(dir, { recursive: true, force: true });
  const inbox = join(dir, 'inbox');
  await mkdir(inbox, { recursive: true });
  for (const file of files.slice(0, historyDays)) await linkInto(inbox, file);
  // a link changes its file's change time: files changed just before a run are hashed again by the next one
  // (statSettleMs), which a real inbox's files, written days before, never are
  await new Promise((r) => setTimeout(r, defaultIngestConfig.statSettleMs + 500));
  const db = await freshDbPath('incremental');
  progress(`incremental: ingesting ${historyDays} days of history from the inbox (untimed)`);
  const setup = await runCliStep({ name: 'ingest', args: () => [inbox, '--db', db, '--json'] }, { file: inbox, db, workDir: dir });
  const night = setup.status === 'ok' ? await runNightly(files.slice(historyDays), dir, 'incremental', db) : null;
  if (!keep) {
    await removeDb(db);
    await rm(dir, { recursive: true, force: true });
  }
  return { historyDays, dayMessages, stations, setup: { ...setup, step: 'setup: ingest the inbox\'s history' }, night: night && { ...night, step: 'nightly: one new day' } };
}

interface ManyFilesResult {
  files: number;
  messages: number;
  /** one ingest of the lines split into `files` files, in one directory */
  manyFiles: StepResult;
  /** one ingest of the same lines as one file */
  oneFile: StepResult;
}

/** Lines of the fleet the many-files run takes, whatever the number of files they are split into. */
const MANY_FILES_LINES = 200_000;

/**
 * Exports that come as one small file per station, or per station and hour: the first 200,000 lines of the fleet
 * split into `files` files of consecutive lines, ingested in one run, and the same lines as one file.
 */
async function benchManyFiles(fleet: FleetFile, files: number, keep: boolean): Promise<ManyFilesResult> {
  const dir = join(WORK_DIR, 'many-files');
  await rm(dir, { recursive: true, force: true });
  const parts = join(dir, 'parts');
  await mkdir(parts, { recursive: true });
  const lines = (await readFirstLines(fleet.path, MANY_FILES_LINES)).map((line) => `${line}\n`);
  const perFile = Math.ceil(lines.length / files);
  const width = String(files).length;
  for (let i = 0; i * perFile < lines.length; i++) {
    await writeFile(join(parts, `part-${String(i).padStart(width, '0')}.jsonl`), lines.slice(i * perFile, (i + 1) * perFile).join(''));
  }
  const whole = join(dir, 'whole.jsonl');
  await writeFile(whole, lines.join(''));
  const ingest = async (input: string, name: string) => {
    const db = await freshDbPath(name);
    const step = await runCliStep({ name: 'ingest', args: () => [input, '--db', db, '--json'] }, { file: input, db, workDir: dir });
    await removeDb(db);
    return step;
  };
  const manyFiles = await ingest(parts, 'many-files');
  const oneFile = await ingest(whole, 'many-files-whole');
  if (!keep) await rm(dir, { recursive: true, force: true });
  return {
    files: Math.ceil(lines.length / perFile),
    messages: lines.length,
    manyFiles: { ...manyFiles, step: `ingest: ${formatCount(Math.ceil(lines.length / perFile))} files` },
    oneFile: { ...oneFile, step: 'ingest: one file' },
  };
}

/**
 * The first size's fleet log in each shape of bench/shapes.ts (the usual one too, as its baseline), each ingested once
 * into a fresh database, one after another.
 */
async function benchShapes(fleet: FleetFile, keep: boolean): Promise<StepResult[]> {
  const dir = join(WORK_DIR, 'shapes');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const steps: StepResult[] = [];
  for (const shape of shapes) {
    progress(`writing the fleet as ${shape}`);
    const path = join(dir, shapeFileNames[shape]);
    await writeShape(fleet.path, path, shape);
    const db = await freshDbPath(`shape-${shape}`);
    const step = await runCliStep(INGEST_STEP, { file: path, db, workDir: dir });
    steps.push({ ...step, step: `ingest: ${shape}` });
    await removeDb(db);
    await rm(path, { force: true });
  }
  if (!keep) await rm(dir, { recursive: true, force: true });
  return steps;
}

async function writeShape(from: string, to: string, shape: (typeof shapes)[number]): Promise<void> {
  const out = createWriteStream(to);
  const write = (text: string) => (out.write(text) ? Promise.resolve() : once(out, 'drain').then(() => undefined));
  const header = shapeHeader(shape);
  if (header) await write(`${header}\n`);
  const input = createInterface({ input: createReadStream(from), crlfDelay: Infinity });
  for await (const line of input) if (line !== '') await write(`${rewriteLine(shape, line)}\n`);
  out.end();
  await once(out, 'close');
}

async function readFirstLines(path: string, count: number): Promise<string[]> {
  const lines: string[] = [];
  const input = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of input) {
    lines.push(line);
    if (lines.length >= count) break;
  }
  input.close();
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Targets

interface TargetResult {
  target: string;
  value: string;
  pass: boolean | null;
}

function evaluateTargets(sizes: readonly SizeResult[]): TargetResult[] {
  const targets: TargetResult[] = [];
  for (const size of sizes) {
    const label = formatCount(size.messages);
    const { ratioToAnchor, messagesPerS } = size.ingest;
    targets.push({
      target: `${label}: ingest ≤ ${TARGETS.maxRatioToAnchor}x anchor`,
      value: ratioToAnchor === null ? 'no ingest' : `${ratioToAnchor.toFixed(2)}x`,
      pass: ratioToAnchor === null ? false : ratioToAnchor <= TARGETS.maxRatioToAnchor,
    });
    targets.push({
      target: `${label}: ≥ ${formatCount(TARGETS.minMessagesPerS)} msg/s`,
      value: messagesPerS === null ? 'no ingest' : formatCount(Math.round(messagesPerS)),
      pass: messagesPerS === null ? false : messagesPerS >= TARGETS.minMessagesPerS,
    });
  }
  targets.push(peakRssTarget(sizes), scalingTarget(sizes));
  return targets;
}

function peakRssTarget(sizes: readonly SizeResult[]): TargetResult {
  const target = `peak RSS < ${TARGETS.maxPeakRssMb / 1024} GB at ${formatCount(TARGETS.peakRssAtMessages)}`;
  const big = sizes.find((size) => size.messages >= TARGETS.peakRssAtMessages);
  if (!big) return { target, value: `not run (add --also ${TARGETS.peakRssAtMessages})`, pass: null };
  const rss = big.ingest.peakRssMb;
  return { target, value: rss === null ? 'not measured' : `${rss.toFixed(0)} MB`, pass: rss !== null && rss < TARGETS.maxPeakRssMb };
}

function scalingTarget(sizes: readonly SizeResult[]): TargetResult {
  const sorted = [...sizes].sort((a, b) => a.messages - b.messages);
  const small = sorted[0];
  const large = sorted[sorted.length - 1];
  if (!small || !large || small === large) {
    return { target: 'larger ingest time ≤ 1.1x linear', value: 'needs two sizes (add --also 10000000)', pass: null };
  }
  const sizeRatio = large.messages / small.messages;
  const limit = sizeRatio * TARGETS.scalingSlack;
  const target = `${formatCount(large.messages)} ingest ≤ ${Number(limit.toFixed(1))}x ${formatCount(small.messages)} ingest`;
  if (small.ingest.wallS === null || large.ingest.wallS === null || small.ingest.status !== 'ok' || large.ingest.status !== 'ok') {
    return { target, value: 'no ingest', pass: false };
  }
  const timeRatio = scalingRatio(small.samples.ingestS, large.samples.ingestS);
  return { target, value: `${timeRatio.toFixed(2)}x`, pass: timeRatio <= limit };
}

/**
 * How many times as long the larger size's ingest took as the smaller's: with runs in rounds (--repeat), the median of
 * each round's ratio, as the two ran minutes apart in the same phase of the machine; else the ratio of the medians.
 */
export function scalingRatio(smallS: readonly number[], largeS: readonly number[]): number {
  if (smallS.length > 1 && smallS.length === largeS.length) return median(largeS.map((large, index) => large / smallS[index]!));
  return median(largeS) / median(smallS);
}

// ---------------------------------------------------------------------------------------------
// Output

function printReport(
  sizes: readonly SizeResult[],
  targets: readonly TargetResult[],
  incremental: IncrementalResult | null,
  manyFiles: ManyFilesResult | null,
  shapeSteps: readonly StepResult[] | null,
): void {
  const rows = sizes.map((size) => [
    formatCount(size.messages),
    (size.bytes / 1e6).toFixed(0),
    size.generateS === null ? 'reused' : size.generateS.toFixed(1),
    size.anchor.statementS.toFixed(2),
    size.anchor.wallS.toFixed(2),
    size.ingest.status === 'ok' && size.ingest.wallS !== null ? size.ingest.wallS.toFixed(2) : size.ingest.status,
    size.ingest.ratioToAnchor === null ? '-' : `${size.ingest.ratioToAnchor.toFixed(2)}x`,
    size.ingest.messagesPerS === null ? '-' : formatCount(Math.round(size.ingest.messagesPerS)),
    size.ingest.peakRssMb === null ? '-' : size.ingest.peakRssMb.toFixed(0),
  ]);
  printTable(['messages', 'file MB', 'generate s', 'anchor stmt s', 'anchor s', 'ingest s', 'x anchor', 'msg/s', 'peak RSS MB'], rows);
  console.log('(anchor s and ingest s are whole-process wall times; x anchor = ingest s / anchor s)');
  const repeated = sizes.filter((size) => size.samples.ingestS.length > 1);
  if (repeated.length > 0) {
    console.log('(medians of runs in rounds over the sizes; x anchor is the median of each run\'s ingest s / the anchor s just before it,');
    console.log(' and the scaling target the median of each round\'s larger ingest s / smaller ingest s)');
    for (const size of repeated) {
      const seconds = (values: readonly number[]) => values.map((value) => value.toFixed(2)).join(', ');
      console.log(`${formatCount(size.messages)}: anchor s ${seconds(size.samples.anchorS)}; ingest s ${seconds(size.samples.ingestS)}`);
    }
  }
  console.log('');

  const steps = sizes.flatMap((size) =>
    [size.ingest, ...size.later, ...(size.nightly ? [size.nightly] : [])].map((step) => [
      formatCount(size.messages),
      step.step,
      step.status,
      step.wallS === null ? '-' : step.wallS.toFixed(2),
      step.peakRssMb === null ? '-' : step.peakRssMb.toFixed(0),
      step.note,
    ]),
  );
  printTable(['messages', 'step', 'status', 'wall s', 'peak RSS MB', 'note'], steps, new Set([1, 2, 5]));
  console.log('');

  if (incremental) {
    const { historyDays, dayMessages, stations } = incremental;
    console.log(`incremental night: ${historyDays} days of ${formatCount(dayMessages)} messages (${stations} stations) stored, then one new day`);
    printSteps([incremental.setup, ...(incremental.night ? [incremental.night] : [])]);
    console.log('');
  }

  if (manyFiles) {
    console.log(`many small files: the first ${formatCount(manyFiles.messages)} lines of the fleet as ${formatCount(manyFiles.files)} files, and as one`);
    printSteps([manyFiles.manyFiles, manyFiles.oneFile]);
    console.log('');
  }

  if (shapeSteps) {
    console.log(`the ${formatCount(sizes[0]!.messages)} messages of the fleet in the shapes real exports come in`);
    printSteps(shapeSteps);
    console.log('');
  }

  printTable(
    ['target', 'value', 'result'],
    targets.map((t) => [t.target, t.value, t.pass === null ? 'n/a' : t.pass ? 'PASS' : 'FAIL']),
    new Set([0, 1, 2]),
  );
}

/** Steps of a scenario (the incremental night, many small files) as a table. */
function printSteps(steps: readonly StepResult[]): void {
  printTable(
    ['step', 'status', 'wall s', 'peak RSS MB', 'note'],
    steps.map((step) => [step.step, step.status, step.wallS === null ? '-' : step.wallS.toFixed(2), step.peakRssMb === null ? '-' : step.peakRssMb.toFixed(0), step.note]),
    new Set([0, 1, 4]),
  );
}

function printTable(header: readonly string[], rows: readonly (readonly string[])[], leftAligned: ReadonlySet<number> = new Set()): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const format = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (leftAligned.has(column) ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ')
      .trimEnd();
  console.log(format(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(format(row));
}

async function writeResults(
  seed: number,
  sizes: readonly SizeResult[],
  targets: readonly TargetResult[],
  incremental: IncrementalResult | null,
  manyFiles: ManyFilesResult | null,
  shapeSteps: readonly StepResult[] | null,
): Promise<void> {
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? null,
    totalMemoryMb: Math.round(totalmem() / 2 ** 20),
    rssMethod: existsSync(GNU_TIME) ? 'GNU time %M' : '/proc VmHWM polling',
    seed,
    sizes,
    incremental,
    manyFiles,
    shapes: shapeSteps,
    targets,
  };
  await writeFile(RESULTS_FILE, `${JSON.stringify(results, (_, value: unknown) => (typeof value === 'number' ? round(value) : value), 2)}\n`);
}

// ---------------------------------------------------------------------------------------------
// Helpers

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function round(n: number): number {
  return Number.isInteger(n) ? n : Number(n.toFixed(3));
}

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join('\n');
}

/** the CLI's own "error: ..." line, else the last line of stderr */
function errorLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  return (lines.find((line) => line.startsWith('error:')) ?? lines[lines.length - 1] ?? '').slice(0, 160);
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function parseCount(text: string, option: string): number {
  const n = Number(text.replaceAll('_', '').replaceAll(',', ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${option} must be a positive whole number, got ${text}`);
  return n;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '1000000' },
      also: { type: 'string', multiple: true, default: [] },
      seed: { type: 'string', default: '1' },
      keep: { type: 'boolean', default: false },
      incremental: { type: 'boolean', default: false },
      'history-days': { type: 'string', default: '30' },
      'day-messages': { type: 'string', default: '300000' },
      repeat: { type: 'string', default: '1' },
      'many-files': { type: 'string' },
      shapes: { type: 'boolean', default: false },
    },
  });
  const seed = parseCount(values.seed, 'seed');
  const repeat = parseCount(values.repeat, 'repeat');
  const counts = [...new Set([values.messages, ...values.also].map((text) => parseCount(text, 'messages')))];
  if (!existsSync(CLI)) progress(`warning: ${relative(ROOT, CLI)} is missing: run npm run build first`);

  // rounds over all sizes, so that the sizes' runs share the machine's phases as the anchor and ingest runs do
  const runs: SizeRuns[] = [];
  for (const messages of counts) runs.push(await prepareSize(messages, seed));
  for (let roundIndex = 0; roundIndex < repeat; roundIndex++) {
    if (repeat > 1) progress(`round ${roundIndex + 1} of ${repeat}`);
    for (const size of runs) await runRound(size);
  }
  const sizes: SizeResult[] = [];
  for (const size of runs) sizes.push(await finishSize(size, values.keep));
  const incremental = values.incremental
    ? await benchIncremental(parseCount(values['history-days'], 'history-days'), parseCount(values['day-messages'], 'day-messages'), seed, values.keep)
    : null;
  const manyFiles = values['many-files'] ? await benchManyFiles(runs[0]!.fleet, parseCount(values['many-files'], 'many-files'), values.keep) : null;
  const shapeSteps = values.shapes ? await benchShapes(runs[0]!.fleet, values.keep) : null;
  const targets = evaluateTargets(sizes);
  printReport(sizes, targets, incremental, manyFiles, shapeSteps);
  await writeResults(seed, sizes, targets, incremental, manyFiles, shapeSteps);
  console.log(`\nresults written to ${relative(ROOT, RESULTS_FILE)}`);
  const extraSteps = incremental ? [incremental.setup, ...(incremental.night ? [incremental.night] : [])] : [];
  if (manyFiles) extraSteps.push(manyFiles.manyFiles, manyFiles.oneFile);
  if (shapeSteps) extraSteps.push(...shapeSteps);
  const stepFailed = [...sizes.flatMap((size) => [size.ingest, ...size.later, ...(size.nightly ? [size.nightly] : [])]), ...extraSteps].some(
    (step) => step.status === 'failed',
  );
  return stepFailed || targets.some((t) => t.pass === false) ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
