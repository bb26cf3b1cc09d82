import type { Database } from '../db/database.js';

/**
 * Where the staging connection stands while no piece's catalog is open (a catalog in use cannot be detached). It
 * stays attached, empty, for later runs on the same database: attached catalogs belong to the database, not to a
 * connection.
 */
const homeCatalog = 'stage_home';
/** pieces staged in this process, so that no two pieces of any runs on one database share a catalog name */
let piecesStaged = 0;

/** Pieces a run stages within the memory limit it was opened with; each one after raises it by pieceMemoryMb. */
const piecesWithinLimit = 32;
const pieceMemoryMb = 4;

/**
 * Where the pieces of a run are staged: a second connection to the database, outside the run's transaction, with a
 * fresh in-memory catalog for each piece. DuckDB reads tables written inside an open transaction two to three times
 * slower than committed ones, so the staging tables are written (and committed) on this connection, and the
 * writer, whose transaction stores the rows, reads them through its search path. A fresh catalog for each piece,
 * because the writer's transaction keeps seeing a catalog as it was when the transaction first read it.
 *
 * Catalog names are made here from a counter, never from input: DuckDB cannot bind them as parameters.
 */
export class StagingArea {
  private current: string | undefined;
  private pieces = 0;

  private constructor(
    /** the connection that stages pieces: every staging relation it makes lands in the current piece's catalog */
    readonly stager: Database,
    private readonly writer: Database,
    /** the run's DuckDB memory limit in MB, which grows with its pieces (nextPiece); restored when the run ends */
    private readonly memoryLimitMb: number | undefined,
  ) {}

  static async open(writer: Database): Promise<StagingArea> {
    const stager = await writer.connectAnother();
    try {
      await stager.run(`attach if not exists ':memory:' as ${homeCatalog}`);
      await stager.run(`use ${homeCatalog}`);
    } catch (error) {
      stager.close();
      throw error;
    }
    // the limit the database was opened with, which a run raises for its pieces; DuckDB's own is left alone
    return new StagingArea(stager, writer, writer.memoryLimitMb);
  }

  /**
   * A fresh catalog for the next piece, where the staging connection now makes its relations; the last piece's is
   * dropped. A piece's catalog lives on until the run commits, since the run's transaction has read it, and keeps
   * ~3 MB in memory however small the piece (DuckDB writes none of it out to disk): a run of 113 tiny pieces ran out
   * of the 384 MB. So the memory limit grows by 4 MB a piece past the first 32.
   */
  async nextPiece(): Promise<void> {
    await this.release();
    this.pieces++;
    if (this.memoryLimitMb !== undefined && this.pieces > piecesWithinLimit) {
      await this.stager.run(`set memory_limit = '${this.memoryLimitMb + (this.pieces - piecesWithinLimit) * pieceMemoryMb}MB'`);
    }
    const name = `stage_${++piecesStaged}`;
    await this.stager.run(`attach ':memory:' as ${name}`);
    await this.stager.run(`use ${name}`);
    this.current = name;
  }

  /**
   * Lets the writer see the current piece's relations by their plain names. Only once the piece is staged: the
   * writer's transaction sees a catalog as it is when it first looks at it, which setting the search path does.
   */
  async handToWriter(): Promise<void> {
    if (!this.current) throw new Error('no piece is staged');
    await this.writer.run(`set search_path = 'main,${this.current}'`);
  }

  private async release(): Promise<void> {
    if (!this.current) return;
    await this.stager.run(`use ${homeCatalog}`);
    await this.stager.run(`detach ${this.current}`);
    this.current = undefined;
  }

  async close(): Promise<void> {
    try {
      await this.writer.run('reset search_path');
      await this.release();
      // best effort: the run's own outcome, success or failure, is what the caller must see
      if (this.memoryLimitMb !== undefined && this.pieces > piecesWithinLimit) await this.stager.run(`set memory_limit = '${this.memoryLimitMb}MB'`).catch(() => undefined);
    } finally {
      this.stager.close();
    }
  }
}
