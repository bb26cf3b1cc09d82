import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CliError } from '../errors.js';
import { loadSql, splitStatements } from '../sql/load.js';
import { duckdb } from './duckdb.js';

/** the DuckDB storage format new database files are written in (see Database.open) */
const newDatabaseStorageVersion = 'v1.3.0';

export type Params = Record<string, DuckDBValue> | DuckDBValue[];
export type Row = Record<string, unknown>;

export interface OpenOptions {
  readOnly?: boolean;
  /** DuckDB memory_limit, e.g. '600MB'; keeps peak RSS bounded on big ingests. */
  memoryLimit?: string;
  threads?: number;
  /** DuckDB's temp_directory, where what does not fit in memory waits; DuckDB's own (`<db>.tmp`) when unset */
  tempDirectory?: string;
}

/** A DuckDB database file with one connection: the only place that talks to the driver. */
export class Database {
  /** told how far each named query has got (percent), for progress bars; polled only while one is set */
  progressListener: ((query: string, percent: number) => void) | undefined;

  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly readOnly: boolean,
    /** false for a further connection (connectAnother), which leaves the database open when it closes */
    private readonly ownsInstance = true,
    /** the memory limit it was opened with ('384MB'); undefined for DuckDB's own */
    readonly memoryLimit?: string,
  ) {}

  static async open(path: string, options: OpenOptions = {}): Promise<Database> {
    const absolute = path === ':memory:' ? path : resolve(path);
    const readOnly = options.readOnly ?? false;
    if (readOnly && absolute !== ':memory:' && !existsSync(absolute)) {
      throw new CliError(`no database at ${absolute}: run 'ocpp-faults ingest <files> --db ${path}' first`);
    }
    const folder = dirname(absolute);
    if (absolute !== ':memory:' && !existsSync(folder)) {
      throw new CliError(`no folder ${folder} for the database ${absolute}: create it, or give --db a path in a folder that exists`);
    }
    // never fetch an extension from the network: the ones used are built in, and a --db naming a SQLite file made
    // DuckDB try to download its SQLite reader, then fail with that download's error
    const config: Record<string, string> = { autoinstall_known_extensions: 'false' };
    if (readOnly) config['access_mode'] = 'READ_ONLY';
    // A new database file in the storage format of DuckDB 1.3, not DuckDB's default of 0.10.2: its combined
    // dictionary+FSST string compression stores the messages of an ingest with ~15% less CPU in a file of the same
    // size. Files written before keep their own format; a file of this one opens in DuckDB 1.3 or later.
    else config['storage_compatibility_version'] = newDatabaseStorageVersion;
    if (options.memoryLimit) config['memory_limit'] = options.memoryLimit;
    if (options.threads) config['threads'] = String(options.threads);
    if (options.tempDirectory) config['temp_directory'] = options.tempDirectory;
    let instance: DuckDBInstance;
    try {
      instance = await duckdb.DuckDBInstance.create(absolute, config);
    } catch (error) {
      throw describeOpenError(absolute, error);
    }
    const db = new Database(absolute, instance, await instance.connect(), readOnly, true, options.memoryLimit);
    await db.prepareSession();
    return db;
  }

  /** The memory limit it was opened with in MB, when it was given in MB; undefined for DuckDB's own. */
  get memoryLimitMb(): number | undefined {
    const mb = this.memoryLimit === undefined ? undefined : /^(\d+)\s*MB$/i.exec(this.memoryLimit);
    return mb ? Number(mb[1]) : undefined;
  }

  /**
   * Another connection to the same open database, with its own transactions: ingest stages files on one while the
   * run's transaction is open on this one. Closing it leaves the database open.
   */
  async connectAnother(): Promise<Database> {
    const db = new Database(this.path, this.instance, await this.instance.connect(), this.readOnly, false, this.memoryLimit);
    await db.prepareSession();
    return db;
  }

  private async prepareSession(): Promise<void> {
    await this.run(`set TimeZone = 'UTC'`);
    // DuckDB runs an ASOF join as a nested loop when it estimates few rows on the left, and its estimates for fresh
    // staging tables and filtered windows are far too low (166,000 answers taken for a handful took 16 s): always sort-merge
    await this.run('set asof_loop_join_threshold = 0');
    await this.runScript(loadSql('macros'));
  }

  async run(sql: string, params?: Params): Promise<void> {
    await this.connection.run(sql, params as never);
  }

  /** Runs a statement that writes rows (INSERT, COPY) and returns how many it wrote. */
  async runCounting(sql: string, params?: Params): Promise<number> {
    const result = await this.connection.run(sql, params as never);
    return Number(result.rowsChanged);
  }

  /** Runs every statement of a multi-statement SQL text in order (no parameters). */
  async runScript(sql: string): Promise<void> {
    for (const statement of splitStatements(sql)) await this.connection.run(statement);
  }

  async runNamed(name: string, params?: Params): Promise<void> {
    await this.profileNext(name);
    const started = performance.now();
    await this.watchProgress(name, () => this.run(loadSql(name), params));
    traceQuery(name, started);
    await this.profileDone();
  }

  /** OCPP_FAULTS_PROFILE=DIR writes DuckDB's operator profile of each named statement to DIR/<name>.txt. */
  private async profileNext(name: string): Promise<void> {
    const dir = process.env['OCPP_FAULTS_PROFILE'];
    if (!dir) return;
    await this.connection.run(`set enable_profiling = 'query_tree'`);
    const file = `${join(resolve(dir), `${String(++profiled).padStart(3, '0')}-${name.replaceAll('/', '.')}`)}.txt`.replaceAll("'", "''");
    await this.connection.run(`set profiling_output = '${file}'`);
  }

  /** Ends profileNext's profile, so that the next statement, named or not, does not write over its file. */
  private async profileDone(): Promise<void> {
    if (process.env['OCPP_FAULTS_PROFILE']) await this.connection.run('pragma disable_profiling');
  }

  private async watchProgress<T>(name: string, work: () => Promise<T>): Promise<T> {
    const listener = this.progressListener;
    if (!listener) return work();
    const timer = setInterval(() => {
      const percent = this.connection.progress.percentage;
      if (percent >= 0) listener(name, percent);
    }, 200);
    try {
      return await work();
    } finally {
      clearInterval(timer);
      listener(name, 100);
    }
  }

  async all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql, params as never);
    return reader.getRowObjectsJS().map((row) => normaliseRow(row) as T);
  }

  async allNamed<T extends Row = Row>(name: string, params?: Params): Promise<T[]> {
    await this.profileNext(name);
    const started = performance.now();
    const rows = await this.all<T>(loadSql(name), params);
    traceQuery(name, started);
    await this.profileDone();
    return rows;
  }

  async one<T extends Row = Row>(sql: string, params?: Params): Promise<T> {
    const rows = await this.all<T>(sql, params);
    if (rows.length !== 1) throw new Error(`expected one row, got ${rows.length}`);
    return rows[0] as T;
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.run('begin transaction');
    try {
      const result = await work();
      const started = performance.now();
      await this.run('commit');
      traceQuery('commit', started);
      return result;
    } catch (error) {
      await this.run('rollback').catch(() => undefined);
      throw error;
    }
  }

  close(): void {
    this.connection.closeSync();
    if (this.ownsInstance) this.instance.closeSync();
  }
}

let profiled = 0;

let cpuAtLastTrace = process.cpuUsage();

/**
 * OCPP_FAULTS_TRACE=1 prints each named query's time to stderr, to find the slow step of a run, with the CPU time the
 * process spent since the last traced query (all of DuckDB's threads: more than the wall time when they all work).
 */
export function traceQuery(name: string, started: number): void {
  if (!process.env['OCPP_FAULTS_TRACE']) return;
  const cpu = process.cpuUsage(cpuAtLastTrace);
  cpuAtLastTrace = process.cpuUsage();
  process.stderr.write(`[trace] ${name} ${(performance.now() - started).toFixed(0)} ms (cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms)\n`);
}

/** BIGINT columns arrive as bigint; numbers within 2^53 are easier to use as numbers. */
function normaliseRow(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) {
    out[key] = typeof value === 'bigint' && value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
  }
  return out;
}

function describeOpenError(path: string, error: unknown): CliError {
  const message = error instanceof Error ? error.message : String(error);
  if (/Could not set lock|Conflicting lock/i.test(message)) {
    const pid = /PID (\d+)/.exec(message)?.[1];
    return new CliError(
      `database in use by another process${pid ? ` (pid ${pid})` : ''}: ${path}\n` +
        'Wait for that run to finish (or stop it), then try again.',
      1,
      { cause: error },
    );
  }
  if (/Extension "[^"]*sqlite_scanner[^"]*" not found|Extension "sqlite"/i.test(message)) {
    return new CliError(`cannot open database ${path}: it is a SQLite database, not a DuckDB file\nCheck the --db path points at an ocpp-faults DuckDB file.`, 1, { cause: error });
  }
  if (/Permission denied/i.test(message)) {
    const folder = dirname(resolve(path));
    return new CliError(
      `cannot open database ${path}: permission denied.\n` +
        `Run as a user who may read it (and, to ingest, write it and its folder ${folder}: DuckDB writes ${basename(path)}.wal and ${basename(path)}.tmp beside it), or name another --db.`,
      1,
      { cause: error },
    );
  }
  if (/not a valid DuckDB database|Unable to open|IO Error/i.test(message)) {
    return new CliError(`cannot open database ${path}: ${message}\nCheck the --db path points at an ocpp-faults DuckDB file.`, 1, { cause: error });
  }
  return new CliError(`cannot open database ${path}: ${message}`, 1, { cause: error });
}
