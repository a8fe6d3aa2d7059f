//! Prints the gzipped size of the JavaScript the first page loads (the entry chunk and every
//! chunk it imports statically, from Vite's build manifest) and fails if it is over budget.
//! Lazily loaded route chunks are listed for information but not counted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 250 * 1024;
const distDir = new URL('../dist/', import.meta.url).pathname;

let manifest;
try {
  manifest = JSON.parse(readFileSync(join(distDir, '.vite', 'manifest.json'), 'utf8'));
} catch (error) {
  console.error(`cannot read dist/.vite/manifest.json (${error.message}); run vite build first`);
  process.exit(1);
}

const entries = Object.entries(manifest).filter(([, chunk]) => chunk.isEntry);
if (entries.length !== 1) {
  console.error(`expected one entry chunk in the manifest, found ${entries.length}`);
  process.exit(1);
}

const gzipped = (file) => gzipSync(readFileSync(join(distDir, file))).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

// Walk static imports only: they are what the browser must fetch before the first render.
const firstPage = new Set();
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || firstPage.has(chunk.file)) return;
  firstPage.add(chunk.file);
  for (const imported of chunk.imports ?? []) visit(imported);
};
visit(entries[0][0]);

const firstPageFiles = [...firstPage].filter((file) => file.endsWith('.js'));
let total = 0;
console.log('first-page JS (entry + static imports), gzipped:');
for (const file of firstPageFiles) {
  const size = gzipped(file);
  total += size;
  console.log(`  ${kb(size).padStart(10)}  ${file}`);
}
console.log(`  ${kb(total).padStart(10)}  total (budget ${kb(BUDGET_BYTES)})`);

const lazy = Object.values(manifest)
  .filter((chunk) => chunk.file.endsWith('.js') && !firstPage.has(chunk.file))
  .map((chunk) => ({ file: chunk.file, size: gzipped(chunk.file) }))
  .sort((a, b) => b.size - a.size);
if (lazy.length > 0) {
  console.log(`lazy chunks (${lazy.length}, not counted), largest: ${lazy[0].file} ${kb(lazy[0].size)}`);
}

if (total > BUDGET_BYTES) {
  console.error(`first-page JS is ${kb(total)} gzipped, over the ${kb(BUDGET_BYTES)} budget`);
  process.exit(1);
}
