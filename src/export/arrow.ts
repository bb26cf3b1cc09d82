import { writeFile } from 'node:fs/promises';
import { Bool, DateDay, Float64, Int32, Int64, Table, TimestampMillisecond, Utf8, tableToIPC, vectorFromArray, type DataType, type Vector } from 'apache-arrow';
import type { Database } from '../db/database.js';
import { columnKind, describeTable, quoteIdentifier, type ColumnInfo } from './columns.js';

/** Writes a table as an Arrow IPC file (the random-access "file" format pyarrow and polars open), typed by column. */
export async function writeArrow(db: Database, table: string, path: string): Promise<void> {
  const columns = await describeTable(db, table);
  const rows = await db.all(`select * from ${quoteIdentifier(table)}`);
  const vectors: Record<string, Vector> = {};
  for (const column of columns) vectors[column.name] = arrowVector(column, rows.map((r) => r[column.name]));
  await writeFile(path, tableToIPC(new Table(vectors), 'file'));
}

function arrowVector(column: ColumnInfo, values: unknown[]): Vector {
  const make = <T extends DataType>(type: T, convert: (v: unknown) => unknown) =>
    vectorFromArray(values.map((v) => (v === null || v === undefined ? null : convert(v))), type) as Vector;
  switch (columnKind(column.type)) {
    case 'text':
      return make(new Utf8(), String);
    case 'integer':
      return make(new Int32(), Number);
    case 'bigint':
      return make(new Int64(), (v) => BigInt(v as number | bigint));
    case 'float':
      return make(new Float64(), Number);
    case 'boolean':
      return make(new Bool(), Boolean);
    case 'timestamp':
      return make(new TimestampMillisecond(column.type.toUpperCase().includes('TIME ZONE') ? 'UTC' : null), (v) => (v instanceof Date ? v : new Date(String(v))));
    case 'date':
      return make(new DateDay(), (v) => (v instanceof Date ? v : new Date(String(v))));
    default:
      return make(new Utf8(), (v) => (typeof v === 'object' ? JSON.stringify(v) : String(v)));
  }
}
