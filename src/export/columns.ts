import type { Database } from '../db/database.js';

export interface ColumnInfo {
  name: string;
  /** DuckDB type name, e.g. VARCHAR, BIGINT, TIMESTAMP WITH TIME ZONE */
  type: string;
}

/** The columns of a table (temp tables included), in order. */
export async function describeTable(db: Database, table: string): Promise<ColumnInfo[]> {
  const rows = await db.all<{ column_name: string; column_type: string }>(`describe ${quoteIdentifier(table)}`);
  return rows.map((r) => ({ name: r.column_name, type: r.column_type }));
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A string literal for SQL text where DuckDB takes no parameter (COPY targets). */
export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export type ColumnKind = 'text' | 'integer' | 'bigint' | 'float' | 'boolean' | 'timestamp' | 'date' | 'other';

export function columnKind(type: string): ColumnKind {
  const t = type.toUpperCase();
  if (t === 'VARCHAR' || t.startsWith('VARCHAR(') || t === 'JSON') return 'text';
  if (['TINYINT', 'SMALLINT', 'INTEGER', 'UTINYINT', 'USMALLINT'].includes(t)) return 'integer';
  if (['BIGINT', 'HUGEINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT'].includes(t)) return 'bigint';
  if (t === 'DOUBLE' || t === 'FLOAT' || t.startsWith('DECIMAL')) return 'float';
  if (t === 'BOOLEAN') return 'boolean';
  if (t.startsWith('TIMESTAMP')) return 'timestamp';
  if (t === 'DATE') return 'date';
  return 'other';
}
