'use strict';
// Turns one benchmark run (the work directory of bench/run.sh) into the
// Markdown report and the PNG chart of the ratios.
//
//   node report.js --bench DIR --work DIR --name NAME --md FILE --png FILE
//
// Inputs: DIR/cases.tsv, DIR/targets.tsv (the bench directory), and in the
// work directory meta.tsv, runs.tsv (one line per pgbench run; with --standby
// also kinds "fn@standby" and "select1@standby"), verify.tsv, node.json
// (optional).

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const { parseArgs, readTsv, median, fmtInt, fmtNum, fmtRatio } = require('./common');

const opt = parseArgs(process.argv.slice(2));

// ---------------------------------------------------------------- inputs
const cases = [];            // [{id, title, variants: [{kind, desc, script}]}]
const caseById = {};
for (const [id, title, kind, desc, script] of readTsv(path.join(opt.bench, 'cases.tsv'))) {
  if (!caseById[id]) { caseById[id] = { id, title, variants: [] }; cases.push(caseById[id]); }
  caseById[id].variants.push({ kind, desc, script });
}
const targets = {};          // case -> [{kind, min}]
for (const [c, kind, min] of readTsv(path.join(opt.bench, 'targets.tsv'))) {
  (targets[c] = targets[c] || []).push({ kind, min: Number(min), text: min });
}
const meta = {};
const metaList = { setting: [], dataset: [], standby: [] };
for (const [k, ...v] of readTsv(path.join(opt.work, 'meta.tsv'))) {
  if (k in metaList) metaList[k].push(v.join('\t')); else meta[k] = v.join('\t');
}
const runs = readTsv(path.join(opt.work, 'runs.tsv')).slice(1).map(([clients, c, kind, round, tps, lat, status]) => ({
  clients: Number(clients), c, kind, round: Number(round), tps: Number(tps), lat: Number(lat), status,
}));
const verify = readTsv(path.join(opt.work, 'verify.tsv')).map(([c, kind, status, detail]) => ({ c, kind, status, detail }));
const nodeFile = path.join(opt.work, 'node.json');
const node = fs.existsSync(nodeFile) ? JSON.parse(fs.readFileSync(nodeFile, 'utf8')) : null;

const clientCounts = [...new Set(runs.map((r) => r.clients))].sort((a, b) => b - a);
const ranCases = cases.filter((c) => runs.some((r) => r.c === c.id));

// medians per (clients, case, kind)
const stats = {};
for (const r of runs) {
  const key = `${r.clients}|${r.c}|${r.kind}`;
  (stats[key] = stats[key] || { tps: [], lat: [], errors: 0 });
  if (r.status === 'ok') { stats[key].tps.push(r.tps); stats[key].lat.push(r.lat); } else stats[key].errors++;
}
const stat = (clients, c, kind) => {
  const s = stats[`${clients}|${c}|${kind}`];
  if (!s) return null;
  return {
    tps: median(s.tps), lat: median(s.lat), min: Math.min(...s.tps), max: Math.max(...s.tps),
    n: s.tps.length, errors: s.errors,
  };
};

// The most any implementation could reach against anchor kind of case c:
// the empty write's TPS over the anchor's (no transaction that writes a
// row commits faster, up to the noise of the flush); 0 when not measured
const ceiling = (clients, c, kind) => {
  const e = stat(clients, c, 'commit1');
  const a = stat(clients, c, kind);
  return e && a ? e.tps / a.tps : 0;
};

const KINDS = [
  ['select1', '× SELECT 1'],
  ['commit1', '× empty write'],
  ['raw', '× raw SQL ¹'],
  ['plpgsql', '× PL/pgSQL'],
  ['postgrest', '× PostgREST-style'],
  ['sqlfn', '× SQL function'],
  ['seq', '× Sequelize sequence'],
];
const KIND_SHORT = { raw: 'raw SQL', postgrest: 'PostgREST', seq: 'Sequelize seq', plpgsql: 'PL/pgSQL', sqlfn: 'SQL fn', select1: 'SELECT 1', commit1: 'empty write', findByPk: 'findByPk', 'fn@standby': 'the function on the hot standby' };

const verifyFails = (c) => verify.filter((v) => v.c === c && v.status !== 'PASS');

// ---------------------------------------------------------------- tables
const out = [];
const p = (s = '') => out.push(s);
const targetClients = clientCounts.includes(2) ? 2 : clientCounts[0];
const summary = { met: 0, missed: [], total: 0, unreachable: 0 };
const chart = [];            // {label, ratio, min, met}

function resultTable(clients) {
  const kindsHere = KINDS.filter(([k]) => ranCases.some((c) => stat(clients, c.id, k)));
  const head = ['call', 'TPS', 'latency ms', ...kindsHere.map(([, h]) => h), 'target', 'met?'];
  p(`| ${head.join(' | ')} |`);
  p(`|${head.map((h, i) => (i === 0 || i >= head.length - 2 ? '---' : '---:')).join('|')}|`);
  for (const c of ranCases) {
    const f = stat(clients, c.id, 'fn');
    if (!f) continue;
    const ratios = {};
    const cells = kindsHere.map(([k]) => {
      const a = stat(clients, c.id, k);
      if (!a) return '';
      ratios[k] = f.tps / a.tps;
      return fmtRatio(ratios[k]) + (a.errors ? ' ⚠' : '');
    });
    const ts = targets[c.id] || [];
    const tcell = ts.map((t) => `≥ ${t.text}× ${KIND_SHORT[t.kind]}`).join(', ') || '—';
    const mcell = ts.map((t) => {
      const ok = ratios[t.kind] >= t.min;
      if (clients === targetClients) {
        summary.total++;
        const ceil = ceiling(clients, c.id, t.kind);
        // a target above the ceiling that "How far a write can go" shows
        // (against the sequence) is out of reach of any function here
        const beyond = t.kind === 'seq' && ceil > 0 && ceil < t.min;
        if (ok) summary.met++;
        else {
          if (beyond) summary.unreachable++;
          summary.missed.push(`${c.title} vs ${KIND_SHORT[t.kind]}: ${fmtRatio(ratios[t.kind])} (target ≥ ${t.text}×${beyond ? `; its ceiling in this run is ${fmtRatio(ceil)}: no function could meet it here` : ''})`);
        }
        chart.push({ label: `${c.title} vs ${KIND_SHORT[t.kind]}`, ratio: ratios[t.kind], min: t.min, text: t.text, met: ok, ceil });
      }
      return ok ? 'yes' : '**NO**';
    }).join(', ') || '—';
    let title = c.title;
    const vf = verifyFails(c.id);
    if (vf.length) title += ` ⚠ **verify FAIL** (${vf.map((v) => KIND_SHORT[v.kind]).join(', ')})`;
    if (f.errors) title += ' ⚠ pgbench errors';
    p(`| ${title} | ${fmtInt(f.tps)} | ${fmtNum(f.lat)} | ${cells.join(' | ')} | ${tcell} | ${mcell} |`);
  }
}

// ---------------------------------------------------------------- report
p(`# group_users benchmark: ${opt.name}`);
p();
p(`Run ${meta.stamp} with \`${meta.command.trim()}\`${meta.quick === '1' ? ' (**quick smoke run**: small dataset, numbers not meaningful)' : ''}.`);
p(`Each script ran ${meta.rounds} round(s) of ${meta.duration} s per client count, interleaved (see bench/README.md); every number below is the median over the rounds.`);
if (meta.interleaved) p(meta.interleaved);
p();
p('## Machine');
p();
p(`* CPU: ${meta.cpu}, ${meta.nproc} cores (nproc), memory ${meta.memory}`);
p(`* ${meta.os}`);
p(`* ${meta.pg_version}`);
p(`* ${meta.extension}, git ${meta.git}; node ${meta.node}`);
p(`* Throwaway cluster (initdb, unix socket only). Settings: ${metaList.setting.map((s) => `\`${s}\``).join(', ')}.`);
p('  `synchronous_commit` is the default (on): every commit waits for its WAL flush, so the write benchmarks include an fsync per transaction. The cases marked "synchronous_commit = off" run the same write scripts with that setting (PGOPTIONS), to measure the statements without the flush.');
p();
p('## Dataset');
p();
for (const d of metaList.dataset) p(`* ${d}`);
p(`* Loaded with set-based INSERT … SELECT generate_series in ${meta.load_seconds} s, then VACUUM (ANALYZE) + CHECKPOINT in ${meta.vacuum_seconds} s; tables and indexes prewarmed (pg_prewarm).${meta.autovacuum_wait_seconds !== undefined ? ` Autovacuum then off for the three tables (the write runs vacuum after themselves), after waiting ${meta.autovacuum_wait_seconds} s for a worker already running.` : ''}`);
p('* Reads draw random read users / regular groups; writes use their own writer users (disjoint per client); the adds and removes work on pairs in groups nobody else is in, new in every transaction (a per-client counter), made before the run for the removes, and deleted after every write run (then `VACUUM`), so each run starts from the same table and a measured transaction holds only the write itself.');
p();

const nPass = verify.filter((v) => v.status === 'PASS').length;
const nFail = verify.length - nPass;
p('## Verification');
p();
p(`Before timing, each function and each of its anchors ran on 3 sample ids and their results were compared (rows as text, JSON as jsonb, writes by the memberships they leave)${verify.some((v) => v.kind === 'fn@standby') ? '; each read function also ran on the hot standby and was compared with its results on the primary' : ''}: **${nPass} PASS, ${nFail} FAIL**.`);
if (nFail) {
  p();
  p('| call | anchor | result |');
  p('|---|---|---|');
  for (const v of verify.filter((x) => x.status !== 'PASS')) {
    const d = caseById[v.c].variants.find((x) => x.kind === v.kind);
    p(`| ${caseById[v.c].title} | ${d ? d.desc : KIND_SHORT[v.kind] || v.kind} | **FAIL**: ${v.detail.replace(/\|/g, '\\|')} |`);
  }
}
if (node && node.verify) {
  const bad = node.verify.filter((v) => !v.ok && v.id !== undefined);
  p();
  p(`Node: the function's document ${bad.length ? `**differs** from findByPk's for users ${bad.map((v) => v.id).join(', ')}` : `equals findByPk's (groups sorted by id, compared as JSON text, so key order too) for users ${[...new Set(node.verify.filter((v) => v.id !== undefined).map((v) => v.id))].join(', ')}`}.`);
}
p();

for (const clients of clientCounts) {
  p(`## Results, ${clients} client${clients > 1 ? 's' : ''} (pgbench -c ${clients} -j ${clients})`);
  p();
  if (clients !== targetClients) p(`Targets are set for ${targetClients} clients; shown here for comparison only.\n`);
  resultTable(clients);
  p();
}
p('Ratio = the function\'s TPS / the anchor\'s TPS (same run order, same random ids, medians): above 1 the function is faster. ');
p('¹ raw SQL: the raw join for the lists (for the JSON functions, the join Sequelize\'s findByPk sends), `SELECT EXISTS` for is_member, ');
p('the equivalent plain statement for the writes, the best single statement for users_with_groups. ');
p('⚠ marks an anchor or function with pgbench errors in some round.');
p();

// ---------------------------------------------------------------- ceilings
const ceilCases = ranCases.filter((c) => ceiling(targetClients, c.id, 'seq') > 0);
if (ceilCases.length) {
  p(`## How far a write can go (${targetClients} clients)`);
  p();
  p("The empty write is `SELECT pg_logical_emit_message(true, 'group_users', '')`: one round trip whose transaction writes one small WAL record and takes an xid, so its commit writes a commit record and, with `synchronous_commit` on, waits for the flush, as a row's insert or delete does. A transaction that also writes rows cannot commit faster, so the empty write's TPS over the Sequelize sequence's is the most any implementation of the call could reach against that sequence in this run (the ceiling); where the ceiling is below a target, no function can meet it here. The bound holds up to the run's noise: with the flush, the fsync's time varies from round to round (see the empty write's min–max below).");
  p();
  p('| call | empty write TPS | Sequelize sequence TPS | ceiling: empty write / sequence | function / sequence | function / empty write |');
  p('|---|---:|---:|---:|---:|---:|');
  for (const c of ceilCases) {
    const f = stat(targetClients, c.id, 'fn');
    const e = stat(targetClients, c.id, 'commit1');
    const q = stat(targetClients, c.id, 'seq');
    if (!f) continue;
    const ceil = ceiling(targetClients, c.id, 'seq');
    const t = (targets[c.id] || []).find((x) => x.kind === 'seq');
    const below = t && ceil < t.min ? ` (below the ${t.text}× target)` : '';
    p(`| ${c.title} | ${fmtInt(e.tps)} | ${fmtInt(q.tps)} | ${fmtRatio(ceil)}${below} | ${fmtRatio(f.tps / q.tps)} | ${fmtRatio(f.tps / e.tps)} |`);
  }
  p();
}

// ---------------------------------------------------------------- standby
// Read cases whose function also ran on the hot standby (run.sh --standby)
const standbyCases = ranCases.filter((c) => runs.some((r) => r.c === c.id && r.kind === 'fn@standby'));
if (standbyCases.length) {
  p('## Reads on a hot standby');
  p();
  p('A streaming hot standby of the same cluster, on the same machine. In every round, each read call\'s function and `SELECT 1` ran on the standby right after the same script on the primary, with the same clients and duration; the standby had first replayed all the WAL the primary had written.');
  for (const s of metaList.standby) p(`* ${s}`);
  p();
  p('| call | clients | primary TPS | standby TPS | standby / primary | SELECT 1 on the standby | SELECT 1 on the primary |');
  p('|---|---:|---:|---:|---:|---:|---:|');
  for (const c of standbyCases) {
    for (const clients of clientCounts) {
      const f = stat(clients, c.id, 'fn');
      const sf = stat(clients, c.id, 'fn@standby');
      if (!f || !sf) continue;
      const s1 = stat(clients, c.id, 'select1@standby');
      const p1 = stat(clients, c.id, 'select1');
      const warn = (x) => (x && x.errors ? ' ⚠' : '');
      p(`| ${c.title} | ${clients} | ${fmtInt(f.tps)}${warn(f)} | ${fmtInt(sf.tps)}${warn(sf)} | ${fmtRatio(sf.tps / f.tps)} | ${s1 ? fmtInt(s1.tps) + warn(s1) : '—'} | ${p1 ? fmtInt(p1.tps) + warn(p1) : '—'} |`);
    }
  }
  p();
  p('standby / primary = the function\'s median TPS on the standby / on the primary. The `SELECT 1` columns are the floor of each server: an empty round trip. ⚠ marks pgbench errors in some round.');
  p();
}

if (node) {
  p(`## Node (one client, sequential awaits, ${node.rounds} round(s) × ${node.duration} s, interleaved)`);
  p();
  const m = node.median;
  const base = m.findByPk.ops;
  const floor = m.pg_select1.ops;
  const desc = {
    findByPk: "Sequelize `Users.findByPk(id, {include: [{model: Groups, as: 'groups'}]})`",
    sequelize_query: "Sequelize `sequelize.query('SELECT group_users.user_with_groups($1) AS u', {bind, type: SELECT})`",
    pg_function: "node-postgres `client.query('SELECT group_users.user_with_groups($1)', [id])`",
    pg_function_text: "node-postgres `client.query('SELECT group_users.user_with_groups($1)::text', [id])` (no `JSON.parse`)",
    pg_select_param: "node-postgres `client.query('SELECT $1::bigint', [id])` (the floor of a call with a parameter)",
    pg_select1: "node-postgres `client.query('SELECT 1')` (the floor)",
  };
  p('| call | ops/s | latency ms | × findByPk | × SELECT 1 | target | met? |');
  p('|---|---:|---:|---:|---:|---|---|');
  for (const n of Object.keys(desc)) {
    if (!m[n]) continue;
    const r = m[n].ops / base;
    let tcell = '—';
    let mcell = '—';
    if (n === 'sequelize_query') {
      const t = (targets['node:sequelize_query'] || [])[0];
      if (t) {
        tcell = `≥ ${t.text}× findByPk`;
        const ok = r >= t.min;
        mcell = ok ? 'yes' : '**NO**';
        summary.total++;
        if (ok) summary.met++; else summary.missed.push(`node: user_with_groups via Sequelize vs findByPk: ${fmtRatio(r)} (target ≥ ${t.min}×)`);
        chart.push({ label: 'node: sequelize.query(user_with_groups) vs findByPk', ratio: r, min: t.min, met: ok, ceil: 0 });
      }
    }
    p(`| ${desc[n]} | ${fmtInt(m[n].ops)} | ${fmtNum(m[n].latency_ms)} | ${fmtRatio(r)} | ${fmtRatio(m[n].ops / floor)} | ${tcell} | ${mcell} |`);
  }
  p();
  if (m.pg_function_text && m.pg_select_param) {
    // Where a call's time goes, by differences of median latencies (each
    // carries the rounds' noise: a negative one means lost in it)
    const ms = (n) => m[n].latency_ms;
    const us = (x) => `${Math.round(x * 1000)} µs`;
    p(`Where one call of the function through Sequelize goes (differences of the median latencies above): ` +
      `the empty round trip ${us(ms('pg_select1'))}; ` +
      `a parameter, so the extended protocol, ${us(ms('pg_select_param') - ms('pg_select1'))}; ` +
      `the function's work and its document's bytes ${us(ms('pg_function_text') - ms('pg_select_param'))}; ` +
      `\`JSON.parse\` of the document ${us(ms('pg_function') - ms('pg_function_text'))}; ` +
      `Sequelize's JavaScript ${us(ms('sequelize_query') - ms('pg_function'))}. ` +
      `\`findByPk\` takes ${us(ms('findByPk'))}.`);
    p();
  }
  if (m.addGroup) {
    // The writes as an app sends them: Sequelize's mixins (its SELECTs,
    // INSERTs and DELETEs, with its JavaScript in between) against one
    // sequelize.query of the function.  No target: the issue's 2x is
    // judged on the statement sequences replayed by pgbench, above.
    const wdesc = [
      ['addGroup', 'add_query', "`user.addGroup(gid)`", "`sequelize.query('SELECT group_users.add_membership($1, $2)')`"],
      ['removeGroup', 'remove_query', "`user.removeGroup(gid)`", "`sequelize.query('SELECT group_users.remove_membership($1, $2)')`"],
      ['setGroups', 'set_query', "`user.setGroups(10 gids)`", "`sequelize.query('SELECT * FROM group_users.set_user_groups($1, $2)')`"],
    ];
    const wbad = node.verify.filter((v) => v.id === undefined && !v.ok);
    p(`Writes through Sequelize (the mixins vs one \`sequelize.query\` of the function; new pairs in every call, as in the pgbench write cases; verification: ${wbad.length ? `**${wbad.map((v) => v.pair).join(', ')} differ**` : 'each pair of ways leaves the same rows'}):`);
    p();
    p('| Sequelize mixin | ops/s | the function via sequelize.query | ops/s | function / mixin |');
    p('|---|---:|---|---:|---:|');
    for (const [a, b, da, db] of wdesc) {
      if (!m[a] || !m[b]) continue;
      p(`| ${da} | ${fmtInt(m[a].ops)} | ${db} | ${fmtInt(m[b].ops)} | ${fmtRatio(m[b].ops / m[a].ops)} |`);
    }
    p();
  }
}

p(`## Targets (${targetClients} clients, and node)`);
p();
p(`**${summary.met} of ${summary.total} met.**${summary.unreachable ? ` ${summary.unreachable} of the ${summary.missed.length} missed have their target above its ceiling (see "How far a write can go").` : ''}${summary.missed.length ? ' Missed:' : ''}`);
for (const s of summary.missed) p(`* ${s}`);
p();

p('## Every script (medians; min–max TPS over the rounds)');
p();
for (const clients of clientCounts) {
  p(`### ${clients} client${clients > 1 ? 's' : ''}`);
  p();
  p('| call | variant | script | TPS | min–max TPS | latency ms | rounds | errors |');
  p('|---|---|---|---:|---:|---:|---:|---:|');
  for (const c of ranCases) {
    for (const v of c.variants) {
      const s = stat(clients, c.id, v.kind);
      if (!s) continue;
      p(`| ${c.title} | ${v.desc} | ${v.script} | ${fmtInt(s.tps)} | ${fmtInt(s.min)}–${fmtInt(s.max)} | ${fmtNum(s.lat)} | ${s.n} | ${s.errors || ''} |`);
    }
    for (const v of c.variants) {   // the same scripts on the hot standby (--standby)
      const s = stat(clients, c.id, `${v.kind}@standby`);
      if (!s) continue;
      p(`| ${c.title} | ${v.desc}, **on the standby** | ${v.script} | ${fmtInt(s.tps)} | ${fmtInt(s.min)}–${fmtInt(s.max)} | ${fmtNum(s.lat)} | ${s.n} | ${s.errors || ''} |`);
    }
  }
  p();
}
if (node) {
  p('### node, ops/s per round');
  p();
  for (const [n, xs] of Object.entries(node.ops)) p(`* ${n}: ${xs.map((x) => fmtInt(x)).join(', ')}`);
  p();
}
p(`Raw per-run numbers: \`${opt.name}.runs.tsv\`; plans of the anchor statements: \`${opt.name}.plans.txt\`.`);
fs.writeFileSync(opt.md, out.join('\n') + '\n');

// ---------------------------------------------------------------- chart
if (chart.length && opt.png) {
  const dat = path.join(opt.work, 'chart.dat');
  fs.writeFileSync(dat, chart.map((c, i) => {
    const r = Number.isFinite(c.ratio) && c.ratio > 0 ? c.ratio : 0.01;
    return [i, c.label, r.toFixed(4), c.min, c.met ? '0x2e9e48' : '0xd03c3c',
      Math.min(1, r).toFixed(4), Math.max(1, r).toFixed(4),
      (Math.max(r, c.min, 1, c.ceil) * 1.06).toFixed(4),
      `${fmtRatio(r)} (target ${c.text || c.min}×${c.ceil ? `, ceiling ${fmtRatio(c.ceil)}` : ''})`,
      c.ceil ? c.ceil.toFixed(4) : 'NaN'].join('\t');
  }).join('\n') + '\n');
  const ratios = chart.map((c) => (Number.isFinite(c.ratio) && c.ratio > 0 ? c.ratio : 0.01));
  const lo = Math.min(0.5, ...ratios) / 1.25;
  const anyCeil = chart.some((c) => c.ceil);
  // room right of the rightmost mark for its label, longer with a ceiling
  const hi = Math.max(4, ...ratios, ...chart.map((c) => c.min), ...chart.map((c) => c.ceil)) * (anyCeil ? 8 : 3);
  const height = 180 + 34 * chart.length;
  const gp = `
set terminal pngcairo size 1300,${height} font "DejaVu Sans,11" noenhanced
set output '${opt.png}'
set datafile separator "\\t"
set tmargin 5
set label 901 "group_users benchmark ${opt.name}: function TPS / anchor TPS (medians; ${targetClients} clients, node: 1 client)" at screen 0.5, screen 1 - 18.0/${height} center font ",13"
set label 902 "bar from 1.0 to the measured ratio (log scale; right of the dashed line = function faster). Green: target met, red: missed. Black tick: the target. Triangle: a write's ceiling." at screen 0.5, screen 1 - 42.0/${height} center font ",10"
set xlabel "ratio = function TPS / anchor TPS (log scale)"
set logscale x
set xrange [${lo.toFixed(3)}:${hi.toFixed(2)}]
set xtics (0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20, 50, 100) nomirror
set yrange [${chart.length}-0.4:-0.6]
set ytics nomirror font ",10"
set grid xtics lc rgb "#e4e4e4"
set border 3
set lmargin 60
set rmargin 4
set key below box
set bmargin 5
set style fill solid 0.85 noborder
set arrow from 1, graph 0 to 1, graph 1 nohead dt 2 lw 1.5 lc rgb "#444444"
plot '${dat}' using 3:1:6:7:($1-0.32):($1+0.32):5:ytic(2) with boxxyerror lc rgb variable notitle, \\
     '' using 4:($1-0.42):(0):(0.84) with vectors nohead lw 4 lc rgb "black" title "target", \\
     '' using 8:1:(strcol(9)) with labels left font ",10" notitle${anyCeil ? `, \\
     '' using 10:1 with points pt 9 ps 1.6 lc rgb "#6a5acd" title "ceiling: empty write / anchor"` : ''}
`;
  const gpFile = path.join(opt.work, 'chart.gp');
  fs.writeFileSync(gpFile, gp);
  const r = spawnSync('gnuplot', [gpFile], { encoding: 'utf8' });
  if (r.status !== 0) console.error(`gnuplot failed: ${r.stderr || r.error}`);
}
console.log(`report: ${opt.md}; targets met ${summary.met}/${summary.total}; verification ${nPass} PASS, ${nFail} FAIL`);
