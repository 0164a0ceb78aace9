#!/usr/bin/env node
// Fails when the relative imports under src/ form a cycle (STYLE.md: no import cycles).
// Reads `import … from './x.js'` / `export … from` / `import('./x.js')` statements and runs a
// depth-first search over the resulting graph.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(process.argv[2] ?? 'src');
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full);
    else if (/\.[cm]?ts$/.test(full)) files.push(full);
  }
})(root);

const importPattern = /(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g;
const graph = new Map();
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const deps = [];
  for (const match of text.matchAll(importPattern)) {
    const line = text.slice(text.lastIndexOf('\n', match.index) + 1, match.index);
    if (/^\s*(import|export)\s+type\b/.test(line + match[0])) continue; // type-only imports vanish at run time
    deps.push(path.resolve(path.dirname(file), match[1]).replace(/\.([cm]?)js$/, '.$1ts'));
  }
  graph.set(file, deps.filter((dep) => graph.has(dep) || files.includes(dep)));
}

const state = new Map(); // 1 = on the stack, 2 = done
const stack = [];
const cycles = [];
function visit(file) {
  state.set(file, 1);
  stack.push(file);
  for (const dep of graph.get(file) ?? []) {
    if (state.get(dep) === 1) cycles.push([...stack.slice(stack.indexOf(dep)), dep]);
    else if (!state.has(dep)) visit(dep);
  }
  stack.pop();
  state.set(file, 2);
}
for (const file of files) if (!state.has(file)) visit(file);

for (const cycle of cycles) {
  console.error(`import cycle: ${cycle.map((f) => path.relative(process.cwd(), f)).join(' → ')}`);
}
if (cycles.length > 0) process.exit(1);
console.log(`no import cycles among ${files.length} files`);
