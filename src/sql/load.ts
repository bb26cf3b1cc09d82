import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'queries'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ocpp-faults package root above ${start}`);
    dir = parent;
  }
}

export const packageRoot = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
export const queriesDir = join(packageRoot, 'queries');

const cache = new Map<string, string>();

/** Reads queries/<name>.sql; a query's name is its path below queries/ without `.sql`. */
export function loadSql(name: string): string {
  let sql = cache.get(name);
  if (sql === undefined) {
    const path = resolve(queriesDir, `${name}.sql`);
    if (!path.startsWith(queriesDir)) throw new Error(`query name escapes queries/: ${name}`);
    sql = readFileSync(path, 'utf8');
    cache.set(name, sql);
  }
  return sql;
}

/** Splits a file of several statements on `;` at line ends (our SQL files never put `;` inside strings at a line end). */
export function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.replace(/--.*$/gm, '').trim().length > 0);
}
