'use strict';
// The growth report (bench/growth.sh): each read function's TPS on a small
// and on a big dataset, and its raw SQL anchor's, from the per-run files of
// the two clusters of one bench/run.sh --interleave-scale run.
//
//   node growth.js --bench DIR --a NAME --b NAME --reads "CASE ..."
//                  --a-label L --b-label L --md FILE --command CMD
//                  --stamp TEXT [--min 0.8]
//
// Inputs: DIR/cases.tsv, and in DIR/results each run's NAME.runs.tsv (one
// line per pgbench run) and NAME.md (its report: the dataset and settings).

const fs = require('fs');
const path = require('path');

const { parseArgs, readTsv, median, fmtInt, fmtRatio } = require('./common');

const opt = parseArgs(process.argv.slice(2));
const minRatio = Number(opt.min || 0.8);

// ---------------------------------------------------------------- inputs
// The read cases, as growth.sh chose them (bench/lib/cases.sh), in the
// order of cases.tsv
const readIds = new Set(String(opt.reads || '').split(/\s+/).filter(Boolean));
const reads = [];
const gmDefine = {};         // case -> @gid_small / @gid_10k / @gid_100k (group_members cases)
for (const [id, title, kind, , , , defines] of readTsv(path.join(opt.bench, 'cases.tsv'))) {
  if (kind !== 'fn' || !readIds.has(id)) continue;
  reads.push({ id, title });
  const m = /gm_gid=(@\w+)/.exec(defines || '');
  if (m) gmDefine[id] = m[1];
}

function loadRun(name) {
  const dir = path.join(opt.bench, 'results');
  const stats = {};
  for (const [clients, c, kind, , tps, , status] of readTsv(path.join(dir, `${name}.runs.tsv`)).slice(1)) {
    const key = `${clients}|${c}|${kind}`;
    (stats[key] = stats[key] || { tps: [], errors: 0 });
    if (status === 'ok') stats[key].tps.push(Number(tps)); else stats[key].errors++;
  }
  const md = fs.readFileSync(path.join(dir, `${name}.md`), 'utf8');
  const section = (md.split(/^## Dataset$/m)[1] || '').split(/^## /m)[0];
  const dataset = section.split('\n').filter((l) => l.startsWith('* ') &&
    !/^\* (Loaded with|Reads draw)/.test(l)).map((l) => l.slice(2));
  // the result sizes that depend on the dataset: the special groups' sizes
  // and the average regular group
  const sizes = {};
  for (const d of dataset) {
    const g = [...d.matchAll(/group \d+: (\d+) members/g)].map((x) => Number(x[1]));
    if (g.length === 3) [sizes['@gid_small'], sizes['@gid_10k'], sizes['@gid_100k']] = g;
    const r = /members per regular group: ([\d.]+) on average/.exec(d);
    if (r) sizes.regular = Number(r[1]);
  }
  const sb = /`shared_buffers = ([^`]+)`/.exec(md);
  const cpu = /^\* CPU: (.*)$/m.exec(md);
  const run = /^Run (.*?) with `/m.exec(md);
  const clients = [...new Set(Object.keys(stats).map((k) => Number(k.split('|')[0])))].sort((a, b) => b - a);
  const stat = (c, id, kind) => {
    const s = stats[`${c}|${id}|${kind}`];
    return s ? { tps: median(s.tps), errors: s.errors, n: s.tps.length } : null;
  };
  return {
    name, stat, clients, dataset, sizes, sharedBuffers: sb ? sb[1] : '?', cpu: cpu ? cpu[1] : '?',
    when: run ? run[1] : '?', quick: md.includes('**quick smoke run**'),
  };
}
const A = loadRun(opt.a);
const B = loadRun(opt.b);
const la = opt['a-label'] || 'small';
const lb = opt['b-label'] || 'big';

// sizeOf(run, case): the size of the call's result where it depends on the
// dataset (a whole group), else null (a user's groups, a page, a membership)
const sizeOf = (run, id) => {
  if (gmDefine[id] && !/_page$/.test(id)) return run.sizes[gmDefine[id]];
  // a random regular group, whole (its document, or its count)
  if (id === 'group_with_users' || id === 'count_group_members') return run.sizes.regular;
  return null;
};

// ---------------------------------------------------------------- report
const out = [];
const p = (s = '') => out.push(s);
const clientCounts = A.clients.filter((c) => B.clients.includes(c));
const targetClients = clientCounts.includes(2) ? 2 : clientCounts[0];
const summary = {};          // clients -> {met, total, missed: []}
const notes = [];

p(`# group_users growth benchmark: ${opt.stamp}`);
p();
p(`\`${opt.command}\`${A.quick ? ' (**quick smoke run**: small datasets, short runs, numbers not meaningful)' : ''}: the read functions and their anchors on two datasets, in one \`bench/run.sh --interleave-scale\` run: two clusters, fresh, loaded, verified, and each pgbench run on one followed by the same script on the other (in every other round the other way round), so that both scales share the state of the machine (see bench/README.md):`);
p();
p(`* **${la}**: [\`${A.name}.md\`](${A.name}.md), run ${A.when}`);
p(`* **${lb}**: [\`${B.name}.md\`](${B.name}.md), run ${B.when}`);
p();
p(`Target: each read's TPS on the ${lb} dataset ≥ ${minRatio}× its TPS on the ${la} one. Machine: ${A.cpu}.`);
p();

for (const c of clientCounts) {
  summary[c] = { met: 0, total: 0, missed: [] };
  p(`## ${c} client${c > 1 ? 's' : ''}${c === targetClients ? '' : ' (for comparison; the targets are judged on ' + targetClients + ' clients)'}`);
  p();
  p(`| call | TPS, ${la} | TPS, ${lb} | ${lb} / ${la} | ≥ ${minRatio}×? | raw SQL anchor, ${lb} / ${la} | SELECT 1, ${lb} / ${la} | † members a second, ${lb} / ${la} |`);
  p('|---|---:|---:|---:|---|---:|---:|---:|');
  for (const r of reads) {
    const fa = A.stat(c, r.id, 'fn');
    const fb = B.stat(c, r.id, 'fn');
    if (!fa || !fb) continue;
    const ratio = fb.tps / fa.tps;
    const ok = ratio >= minRatio;
    const sa = A.stat(c, r.id, 'select1');
    const sb = B.stat(c, r.id, 'select1');
    const ra = A.stat(c, r.id, 'raw');
    const rb = B.stat(c, r.id, 'raw');
    let title = r.title;
    const za = sizeOf(A, r.id);
    const zb = sizeOf(B, r.id);
    let perMember = '';
    if (za && zb && Math.abs(zb / za - 1) > 0.2) {
      title += ' †';
      // not judged: the target is on calls a second; this shows whether a
      // member costs more on the big dataset, the result's size apart
      perMember = fmtRatio((fb.tps * zb) / (fa.tps * za));
      const what = r.id === 'group_with_users' || r.id === 'count_group_members'
        ? `returns a random regular group: ${fmtInt(za)} members on average on the ${la} dataset, ${fmtInt(zb)} on the ${lb} one (the number of regular groups does not grow with the scale)`
        : `returns all of its group: ${fmtInt(za)} members on the ${la} dataset, ${fmtInt(zb)} on the ${lb} one`;
      const n = `${r.title}: the call ${what}, so its ratio measures a bigger result, not only bigger tables. The last column is TPS × members on the ${lb} dataset over TPS × members on the ${la} one: members returned a second, so how the cost of one member changed (not judged: the target is on calls).`;
      if (!notes.includes(n)) notes.push(n);
    }
    if (fa.errors || fb.errors) title += ' ⚠ pgbench errors';
    summary[c].total++;
    if (ok) summary[c].met++; else summary[c].missed.push(`${r.title}: ${fmtRatio(ratio)}`);
    p(`| ${title} | ${fmtInt(fa.tps)} | ${fmtInt(fb.tps)} | ${fmtRatio(ratio)} | ${ok ? 'yes' : '**NO**'} | ${ra && rb ? fmtRatio(rb.tps / ra.tps) : '—'} | ${sa && sb ? fmtRatio(sb.tps / sa.tps) : '—'} | ${perMember} |`);
  }
  p();
}
p('TPS: the function\'s median over the rounds. The raw SQL anchor is the statement the function replaces (the planner\'s plan, the same rows), measured the same way: its ratio is what the bigger tables cost a statement doing the same work, so a function whose ratio is near its anchor\'s loses what the data\'s layout takes, not something of its own. `SELECT 1` does no work at all: its ratio, near 1.00× when the two clusters are measured alike, shows the noise left in the others.');
if (notes.length) {
  p();
  for (const n of notes) p(`† ${n}`);
}
p();

p(`## Targets (${targetClients} clients)`);
p();
const t = summary[targetClients] || { met: 0, total: 0, missed: [] };
p(`**${t.met} of ${t.total} reads ≥ ${minRatio}×.**${t.missed.length ? ' Missed:' : ''}`);
for (const m of t.missed) p(`* ${m}`);
for (const c of clientCounts) {
  if (c === targetClients || !summary[c].missed.length) continue;
  p();
  p(`At ${c} client${c > 1 ? 's' : ''} (not judged): ${summary[c].met} of ${summary[c].total}; below ${minRatio}×: ${summary[c].missed.join(', ')}.`);
}
p();

p('## Datasets');
p();
p(`| | ${la} | ${lb} |`);
p('|---|---|---|');
const nd = Math.max(A.dataset.length, B.dataset.length);
for (let i = 0; i < nd; i++) {
  const a = A.dataset[i] || '';
  const b = B.dataset[i] || '';
  // "users: 22000 (...)" -> users | 22000 (...); other lines whole
  const m = /^(users|groups|memberships|database size|memberships in all after the runs): /.exec(a || b);
  const key = m ? m[1] : '';
  const strip = (x) => (key && x.startsWith(key + ':') ? x.slice(key.length + 1).trim() : x);
  p(`| ${key} | ${strip(a).replace(/\|/g, '\\|')} | ${strip(b).replace(/\|/g, '\\|')} |`);
}
p(`| shared_buffers | ${A.sharedBuffers} | ${B.sharedBuffers} |`);
p();
p('When the database is bigger than `shared_buffers`, the big run\'s reads also pay for pages that are in the OS page cache but not in PostgreSQL\'s buffers.');
p();
p(`Per-run numbers: \`${A.name}.runs.tsv\`, \`${B.name}.runs.tsv\`.`);

fs.writeFileSync(opt.md, out.join('\n') + '\n');
const tt = summary[targetClients] || { met: 0, total: 0 };
console.log(`growth report: ${opt.md}; ${tt.met} of ${tt.total} reads >= ${minRatio}x at ${targetClients} clients`);
