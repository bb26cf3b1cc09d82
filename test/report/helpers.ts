import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Database } from '../../src/db/database.js';
import { ingestFiles } from '../../src/ingest/ingest.js';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const outputDir = join(repoRoot, 'test-output', 'report');

/** Every scenario log of fixtures/analysis, and this folder's station ids that need escaping and anchors. */
export function fixtureLogs(): string[] {
  const analysis = join(repoRoot, 'fixtures', 'analysis');
  return [
    ...readdirSync(analysis)
      .filter((f) => f.endsWith('.jsonl'))
      .sort()
      .map((f) => join(analysis, f)),
    join(import.meta.dirname, 'fixtures', 'odd_station_ids.jsonl'),
  ];
}

/** A fresh in-memory database with the given logs ingested. */
export async function ingested(files: string[] = fixtureLogs()): Promise<Database> {
  const db = await Database.open(':memory:');
  await ingestFiles(db, files, { format: 'auto', tz: 'UTC', strict: false });
  return db;
}

/** The page without its one "generated at" line. */
export function withoutGeneratedLine(page: string): string {
  return page
    .split('\n')
    .filter((line) => !line.startsWith('<p class="generated">'))
    .join('\n');
}

/** Every start tag of the page with its attributes (name → raw value), outside <script> and <style> bodies. */
export function startTags(page: string): { tag: string; attributes: Map<string, string> }[] {
  const markup = page.replace(/(<script\b[^>]*>)[\s\S]*?(<\/script>)/g, '$1$2').replace(/(<style\b[^>]*>)[\s\S]*?(<\/style>)/g, '$1$2');
  const tags: { tag: string; attributes: Map<string, string> }[] = [];
  for (const m of markup.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=>/]+(?:="[^"]*"|='[^']*'|=[^\s>]+)?)*)\s*\/?>/g)) {
    const attributes = new Map<string, string>();
    for (const a of m[2]!.matchAll(/([^\s=>/]+)(?:="([^"]*)"|='([^']*)'|=([^\s>]+))?/g)) attributes.set(a[1]!.toLowerCase(), a[2] ?? a[3] ?? a[4] ?? '');
    tags.push({ tag: m[1]!.toLowerCase(), attributes });
  }
  return tags;
}
