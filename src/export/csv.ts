import type { Database } from '../db/database.js';
import { columnKind, describeTable, quoteIdentifier, quoteLiteral, type ColumnInfo } from './columns.js';

/**
 * CSV cells, decided by column type so the rules hold for every exported table:
 * - times: ISO 8601 UTC with milliseconds, ending in Z (2026-03-02T10:00:00.123Z); dates: YYYY-MM-DD;
 * - booleans: true / false; numbers: as numbers (a negative number in a numeric column stays a number);
 * - free text (every text column): a cell starting with = + - @, tab or CR, or with = + - @ after leading spaces or
 *   line breaks (spreadsheets trim those before they look for a formula), gets a leading single quote, so a
 *   spreadsheet shows it as text instead of running it as a formula (OWASP "CSV injection");
 * - null: an empty cell. Quoting (commas, quotes, line breaks) is RFC 4180, so csv-parse reads every cell back.
 */
export function csvCellSql(column: ColumnInfo): string {
  const c = quoteIdentifier(column.name);
  switch (columnKind(column.type)) {
    case 'timestamp':
      return column.type.toUpperCase().includes('TIME ZONE')
        ? `strftime(timezone('UTC', ${c}), '%Y-%m-%dT%H:%M:%S.%gZ')`
        : `strftime(${c}, '%Y-%m-%dT%H:%M:%S.%gZ')`;
    case 'date':
      return `strftime(${c}, '%Y-%m-%d')`;
    case 'text':
      return `neutralise_formula(${c})`;
    case 'other':
      return `neutralise_formula(cast(${c} as varchar))`;
    default:
      return c;
  }
}

/** The same neutralisation in JavaScript, for text written outside DuckDB. */
export function neutraliseFormula(text: string): string {
  return formulaStart.test(text) ? `'${text}` : text;
}

/** The pattern both neutralisations test, written so JavaScript's and DuckDB's (RE2) regular expressions agree. */
const formulaStartPattern = '^([\\t\\r]|[ \\t\\r\\n]*[=+\\-@])';
const formulaStart = new RegExp(formulaStartPattern);

/** Writes a table as CSV with DuckDB's writer, every cell shaped by `csvCellSql`. */
export async function writeCsv(db: Database, table: string, path: string): Promise<void> {
  await defineNeutraliseFormula(db);
  const columns = await describeTable(db, table);
  const projection = columns.map((c) => `${csvCellSql(c)} as ${quoteIdentifier(c.name)}`).join(', ');
  await db.run(`copy (select ${projection} from ${quoteIdentifier(table)}) to ${quoteLiteral(path)} (format csv, header true, delimiter ',', quote '"', escape '"', null '')`);
}

async function defineNeutraliseFormula(db: Database): Promise<void> {
  await db.run(
    `create or replace temp macro neutralise_formula(s) as case when regexp_matches(s, ${quoteLiteral(formulaStartPattern)}) then '''' || s else s end`,
  );
}
