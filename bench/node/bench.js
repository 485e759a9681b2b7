'use strict';
// Node benchmark of "a user with its groups", one client, sequential awaits:
//
//   findByPk          Users.findByPk(id, {include: [{model: Groups, as: 'groups'}]})
//   sequelize_query   sequelize.query('SELECT group_users.user_with_groups($1) AS u', {bind, type: SELECT})
//   pg_function       node-postgres client.query('SELECT group_users.user_with_groups($1)', [id])
//   pg_select1        node-postgres client.query('SELECT 1'): the floor
//
// Each op runs for --duration seconds per round, over the same sequence of
// random users; the ops are interleaved round by round (findByPk,
// sequelize_query, pg_function, pg_select1, findByPk, ...).  Connection
// settings come from PGHOST, PGPORT, PGUSER, PGDATABASE.  Models: the
// tutorial's, from examples/express-sequelize/models.js (parseInt8 = true).
//
//   node bench.js --rounds 5 --duration 3 --nusers 100000 --out result.json

const path = require('path');
const fs = require('fs');
const { createRequire } = require('module');
const { performance } = require('perf_hooks');

const modelsPath = path.resolve(__dirname, '../../examples/express-sequelize/models.js');
const { defineModels, createSequelize } = require(modelsPath);
// The same pg and sequelize modules that models.js uses (so parseInt8 applies)
const requireFromModels = createRequire(modelsPath);
const pg = requireFromModels('pg');
const { QueryTypes } = requireFromModels('sequelize');

function args() {
  const a = { rounds: 5, duration: 3, nusers: 100000, out: null, maxOps: 1000000 };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i].replace(/^--/, '');
    if (!(k in a)) throw new Error(`unknown argument ${argv[i]}`);
    a[k] = k === 'out' ? argv[i + 1] : Number(argv[i + 1]);
  }
  return a;
}

// A small seeded PRNG (mulberry32), so every op and every run sees the same users
function mulberry32(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6D2B79F5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function main() {
  const opt = args();
  const rand = mulberry32(42);
  const ids = Array.from({ length: 100000 }, () => 1 + Math.floor(rand() * opt.nusers));

  const sequelize = createSequelize({ pool: { max: 1, min: 1, idle: 600000 } });
  const { Users, Groups } = defineModels(sequelize);
  const client = new pg.Client();
  await client.connect();

  const ops = {
    findByPk: async (id) => Users.findByPk(id, { include: [{ model: Groups, as: 'groups' }] }),
    sequelize_query: async (id) => (await sequelize.query(
      'SELECT group_users.user_with_groups($1) AS u', { bind: [id], type: QueryTypes.SELECT }))[0].u,
    pg_function: async (id) => (await client.query(
      'SELECT group_users.user_with_groups($1)', [id])).rows[0].user_with_groups,
    pg_select1: async () => (await client.query('SELECT 1')).rows[0],
  };

  // Verification: the three ways give the same document (findByPk's groups
  // sorted by id: its SQL has no ORDER BY), compared as JSON text, so key
  // order counts too.
  const verify = [];
  for (const id of [1, 1000, 7, Math.floor(opt.nusers / 2) + 3, opt.nusers]) {
    const inst = await ops.findByPk(id);
    const a = inst.toJSON();
    a.groups.sort((x, y) => x.id - y.id);
    const ja = JSON.stringify(a);
    const jb = JSON.stringify(await ops.sequelize_query(id));
    const jc = JSON.stringify(await ops.pg_function(id));
    for (const [pair, ok] of [['sequelize_query = findByPk', jb === ja], ['pg_function = findByPk', jc === ja]]) {
      verify.push({ id, pair, ok, groups: a.groups.length });
    }
  }
  for (const pair of ['sequelize_query = findByPk', 'pg_function = findByPk']) {
    const rows = verify.filter((v) => v.pair === pair);
    const ok = rows.every((v) => v.ok);
    console.log(`  ${ok ? 'PASS' : 'FAIL'} node ${pair} (users ${rows.map((v) => `${v.id}: ${v.groups} groups${v.ok ? '' : ' DIFFERENT'}`).join(', ')})`);
  }

  // Warm-up: plans, pools, JIT of the JavaScript itself
  for (const op of Object.values(ops)) for (let i = 0; i < 300; i++) await op(ids[i]);

  const names = Object.keys(ops);
  const result = { ops: {}, latency_ms: {}, n: {}, verify, rounds: opt.rounds, duration: opt.duration };
  for (const n of names) { result.ops[n] = []; result.latency_ms[n] = []; result.n[n] = []; }
  for (let r = 1; r <= opt.rounds; r++) {
    const line = [];
    for (const n of names) {
      const op = ops[n];
      let i = 0;
      const start = performance.now();
      const end = start + opt.duration * 1000;
      while (i < opt.maxOps && performance.now() < end) {
        await op(ids[i % ids.length]);
        i++;
      }
      const el = performance.now() - start;
      result.ops[n].push(i / (el / 1000));
      result.latency_ms[n].push(el / i);
      result.n[n].push(i);
      line.push(`${n} ${Math.round(i / (el / 1000))}`);
    }
    console.log(`  round ${r}/${opt.rounds}: ${line.join('  ')} ops/s`);
  }
  result.median = {};
  for (const n of names) result.median[n] = { ops: median(result.ops[n]), latency_ms: median(result.latency_ms[n]) };
  if (opt.out) fs.writeFileSync(opt.out, JSON.stringify(result, null, 2));
  await client.end();
  await sequelize.close();
}

main().catch((e) => { console.error(e); process.exit(1); });
