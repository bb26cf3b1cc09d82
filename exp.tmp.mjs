import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
const [dbPath, ...sqlFiles] = process.argv.slice(2);
const inst = await DuckDBInstance.create(dbPath);
const c = await inst.connect();
for (const f of sqlFiles) {
  for (const stmt of fs.readFileSync(f, 'utf8').split(/;\s*\n/).map(s => s.trim()).filter(Boolean)) {
    const cpu0 = process.cpuUsage(); const t0 = performance.now();
    const r = await c.runAndReadAll(stmt);
    const cpu = process.cpuUsage(cpu0); const ms = performance.now() - t0;
    const rows = r.getRows();
    console.log(`${ms.toFixed(0).padStart(6)} ms cpu ${((cpu.user+cpu.system)/1000).toFixed(0).padStart(6)}  ${stmt.split('\n')[0].slice(0,90)}${rows.length && rows.length<6 ? '  => '+JSON.stringify(rows, (k,v)=>typeof v==='bigint'?Number(v):v) : ''}`);
  }
}
