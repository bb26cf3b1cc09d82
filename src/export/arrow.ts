import { writeFile } from 'node:fs/promises';
import { Bool, DateDay, Float64, Int32, Int64, Table, TimestampMillisecond, Utf8, tableToIPC, vectorFromArray, type DataType, type Vector } from 'apache-arrow';
import type { Database } from '../db/database.js';
import { columnKind, describeTable, quoteIdentifier, type ColumnInfo, type ColumnKind } from './columns.js';

/**
 * Writes a table as an Arrow IPC file (the random-access "file" format pyarrow and polars open), typed by column:
 * text Utf8, connector ids Int32, counts Int64, measures Float64, flags Bool, times Timestamp(ms, UTC).
 * DuckDB hands times and 64-bit integers over as plain numbers (epoch milliseconds, doubles): converting each to a
 * JS Date or BigInt on the way out costs more than the rest of the export; OCPP ids and counts stay below 2^53.
 */
export async function writeArrow(db: Database, table: string, path: string): Promise<void> {
  const columns = await describeTable(db, table);
  const projection = columns.map((c) => `${readAs(c)} as ${quoteIdentifier(c.name)}`).join(', ');
  const rows = await db.all(`select ${projection} from ${quoteIdentifier(table)}`);
  const vectors: Record<string, Vector> = {};
  for (const column of columns) vectors[column.name] = arrowVector(columnKind(column.type), column, rows.map((r) => r[column.name]));
  await writeFile(path, tableToIPC(new Table(vectors), 'file'));
}

function readAs(column: ColumnInfo): string {
  const c = quoteIdentifier(column.name);
  switch (columnKind(column.type)) {
    case 'timestamp':
      return `cast(epoch_ms(${c}) as double)`;
    case 'date':
      return `cast(epoch_ms(cast(${c} as timestamp)) as double)`;
    case 'bigint':
      return `cast(${c} as double)`;
    case 'other':
      return `cast(${c} as varchar)`;
    default:
      return c;
  }
}

function arrowVector(kind: ColumnKind, column: ColumnInfo, values: unknown[]): Vector {
  const make = <T extends DataType>(type: T, convert: (v: unknown) => unknown) =>
    vectorFromArray(values.map((v) => (v === null || v === undefined ? null : convert(v))), type) as Vector;
  switch (kind) {
    case 'text':
    case 'other':
      return make(new Utf8(), String);
    case 'integer':
      return make(new Int32(), Number);
    case 'bigint':
      return make(new Int64(), (v) => BigInt(v as number));
    case 'float':
      return make(new Float64(), Number);
    case 'boolean':
      return make(new Bool(), Boolean);
    case 'timestamp':
      return make(new TimestampMillisecond(column.type.toUpperCase().includes('TIME ZONE') ? 'UTC' : null), Number);
    case 'date':
      return make(new DateDay(), Number);
  }
}
