import { createRequire } from 'node:module';
import type * as DuckDB from '@duckdb/node-api';

/**
 * DuckDB's client, loaded with require: it is a CommonJS package of ~120 modules, and imported from an ES module,
 * Node would first lex every one of them for its export names, ~0.13 s of every command's start.
 */
export const duckdb = createRequire(import.meta.url)('@duckdb/node-api') as typeof DuckDB;
