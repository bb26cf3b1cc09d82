/**
 * The benchmark's anchor: how long DuckDB alone takes to load the same file into a table.
 * Run in its own process so its memory and start-up are measured like the CLI's:
 *   node dist/bench/anchor.js <file.jsonl> <fresh.duckdb>
 * Prints {"statementS": <seconds of the CREATE TABLE statement>, "rows": <rows loaded>}.
 */
import { duckdb } from '../src/db/duckdb.js';

function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

async function main(file: string, dbPath: string): Promise<void> {
  const instance = await duckdb.DuckDBInstance.create(dbPath);
  const connection = await instance.connect();
  const started = performance.now();
  await connection.run(`CREATE TABLE t AS SELECT * FROM read_json(${sqlString(file)})`);
  const statementS = (performance.now() - started) / 1000;
  const rows = (await connection.runAndReadAll('SELECT count(*) FROM t')).getRows()[0]?.[0];
  connection.closeSync();
  instance.closeSync();
  process.stdout.write(`${JSON.stringify({ statementS: Number(statementS.toFixed(3)), rows: Number(rows) })}\n`);
}

const [file, dbPath] = process.argv.slice(2);
if (!file || !dbPath) {
  process.stderr.write('usage: node dist/bench/anchor.js <file.jsonl> <fresh.duckdb>\n');
  process.exitCode = 2;
} else {
  await main(file, dbPath);
}
