'use strict';
// Node benchmark of "a user with its groups", one client, sequential awaits:
//
//   findByPk          Users.findByPk(id, {include: [{model: Groups, as: 'groups'}]})
//   sequelize_query   sequelize.query('SELECT group_users.user_with_groups($1) AS u', {bind, type: SELECT})
//   pg_function       node-postgres client.query('SELECT group_users.user_with_groups($1)', [id])
//   pg_function_text  the same, cast to text: the document without JSON.parse
//   pg_select_param   node-postgres client.query('SELECT $1::bigint', [id]):
//                     the floor of a call with a parameter (Parse, Bind,
//                     Describe, Execute every time, as the calls above)
//   pg_select1        node-postgres client.query('SELECT 1'): the floor
//
// and, with --w_lo (the writes, through Sequelize as an app sends them):
//
//   addGroup / add_query        user.addGroup(gid) vs sequelize.query('SELECT
//                               group_users.add_membership($1, $2)')
//   removeGroup / remove_query  user.removeGroup(gid) vs remove_membership
//   setGroups / set_query       user.setGroups(10 gids) vs set_user_groups
//
// on writer users (w_lo .. w_lo + nwriters - 1) and groups nobody is in
// (bg_lo .. bg_lo + nbench - 1): op i adds or removes the pair
// (w_lo + i % nwriters, bg_lo + (i / nwriters) % nbench), new in every
// call; the pairs to remove are made before each remove run, and the
// write groups emptied after every write run.  A set gives a writer user
// the 10 groups of a random list of bench.gid_lists (it always has 10).
//
// Each op runs for --duration seconds per round, over the same sequence of
// random users; the ops are interleaved round by round (findByPk,
// sequelize_query, pg_function, pg_select1, findByPk, ...), the reads'
// rounds first, then the writes' rounds.  Connection
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
  const a = {
    rounds: 5, duration: 3, nusers: 100000, out: null, maxOps: 1000000,
    w_lo: 0, nwriters: 0, bg_lo: 0, nbench: 0, nlists: 0,
  };
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
    pg_function_text: async (id) => (await client.query(
      'SELECT group_users.user_with_groups($1)::text AS t', [id])).rows[0].t,
    pg_select_param: async (id) => (await client.query('SELECT $1::bigint AS id', [id])).rows[0].id,
    pg_select1: async () => (await client.query('SELECT 1')).rows[0],
  };

  // Verification: the four ways give the same document (findByPk's groups
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
    const jd = JSON.stringify(JSON.parse(await ops.pg_function_text(id)));
    for (const [pair, ok] of [['sequelize_query = findByPk', jb === ja], ['pg_function = findByPk', jc === ja],
      ['pg_function_text = findByPk', jd === ja]]) {
      verify.push({ id, pair, ok, groups: a.groups.length });
    }
  }
  for (const pair of ['sequelize_query = findByPk', 'pg_function = findByPk', 'pg_function_text = findByPk']) {
    const rows = verify.filter((v) => v.pair === pair);
    const ok = rows.every((v) => v.ok);
    console.log(`  ${ok ? 'PASS' : 'FAIL'} node ${pair} (users ${rows.map((v) => `${v.id}: ${v.groups} groups${v.ok ? '' : ' DIFFERENT'}`).join(', ')})`);
  }

  // The writes: Sequelize's mixins against the functions through
  // sequelize.query, on their own users and groups (see the top)
  const writer = (uid) => Users.build({ id: uid }, { isNewRecord: false });
  const pairOf = (i) => [opt.w_lo + (i % opt.nwriters), opt.bg_lo + (Math.floor(i / opt.nwriters) % opt.nbench)];
  const lists = opt.w_lo ? (await client.query('SELECT ids FROM bench.gid_lists ORDER BY k')).rows.map((r) => r.ids) : [];
  const setArgs = (i) => [opt.w_lo + ((i * 7919) % opt.nwriters), lists[(i * 104729) % lists.length]];
  const sql = (text, bind) => sequelize.query(text, { bind, type: QueryTypes.SELECT });
  const writes = {
    addGroup: { kind: 'add', call: (i) => { const [u, g] = pairOf(i); return writer(u).addGroup(g); } },
    add_query: { kind: 'add', call: (i) => sql('SELECT group_users.add_membership($1, $2) AS added', pairOf(i)) },
    removeGroup: { kind: 'remove', call: (i) => { const [u, g] = pairOf(i); return writer(u).removeGroup(g); } },
    remove_query: { kind: 'remove', call: (i) => sql('SELECT group_users.remove_membership($1, $2) AS removed', pairOf(i)) },
    setGroups: { kind: 'set', call: (i) => { const [u, l] = setArgs(i); return writer(u).setGroups(l); } },
    set_query: { kind: 'set', call: (i) => sql('SELECT * FROM group_users.set_user_groups($1, $2)', setArgs(i)) },
  };
  const fillPairs = opt.duration * 5000;   // more than one client removes in a run
  const resetWrites = async () => {
    await client.query('DELETE FROM group_users.group_users WHERE group_id BETWEEN $1 AND $2',
      [opt.bg_lo, opt.bg_lo + opt.nbench - 1]);
    await client.query('VACUUM group_users.group_users');
  };
  const prepare = async (kind, n) => {
    await resetWrites();
    if (kind === 'remove') {
      await client.query(`INSERT INTO group_users.group_users (user_id, group_id)
        SELECT $1::bigint + i % $2, $3::bigint + (i / $2) % $4 FROM generate_series(0, $5 - 1) AS i`,
      [opt.w_lo, opt.nwriters, opt.bg_lo, opt.nbench, n]);
    }
  };
  const pairState = async (i) => {
    const [u, g] = pairOf(i);
    return (await client.query('SELECT role FROM group_users.group_users WHERE user_id = $1 AND group_id = $2', [u, g])).rows
      .map((r) => r.role).join(',') || 'none';
  };
  const userGroups = async (u) => (await client.query(
    'SELECT array_agg(group_id ORDER BY group_id)::text AS g FROM group_users.group_users WHERE user_id = $1', [u])).rows[0].g;
  if (opt.w_lo) {
    // Verification: each pair of ways leaves the same rows (pairs 0..2
    // through Sequelize, 3..5 through the function)
    for (const [seqName, fnName] of [['addGroup', 'add_query'], ['removeGroup', 'remove_query']]) {
      await prepare(writes[seqName].kind, 6);
      for (let i = 0; i < 3; i++) await writes[seqName].call(i);
      for (let i = 3; i < 6; i++) await writes[fnName].call(i);
      const a = []; const b = [];
      for (let i = 0; i < 3; i++) a.push(await pairState(i));
      for (let i = 3; i < 6; i++) b.push(await pairState(i));
      const ok = a.join() === b.join();
      verify.push({ pair: `${fnName} = ${seqName}`, ok, detail: `${a.join(' ')} / ${b.join(' ')}` });
      console.log(`  ${ok ? 'PASS' : 'FAIL'} node ${fnName} = ${seqName} (pairs left: ${a.join(' ')} / ${b.join(' ')})`);
    }
    {
      const [u, l] = setArgs(1);
      const before = await userGroups(u);
      await writes.setGroups.call(1);
      const a = await userGroups(u);
      await client.query('DELETE FROM group_users.group_users WHERE user_id = $1', [u]);
      await client.query('INSERT INTO group_users.group_users (user_id, group_id) SELECT $1, unnest($2::bigint[])', [u, before]);
      await writes.set_query.call(1);
      const b = await userGroups(u);
      const want = `{${[...l].sort((x, y) => x - y).join(',')}}`;
      const ok = a === b && a === want;
      verify.push({ pair: 'set_query = setGroups', ok, detail: `${a} / ${b}` });
      console.log(`  ${ok ? 'PASS' : 'FAIL'} node set_query = setGroups (user ${u}: ${a} / ${b})`);
    }
    await resetWrites();
  }

  // Warm-up: plans, pools, JIT of the JavaScript itself
  for (const op of Object.values(ops)) for (let i = 0; i < 300; i++) await op(ids[i]);
  if (opt.w_lo) {
    for (const w of Object.values(writes)) {
      await prepare(w.kind, 300);
      for (let i = 0; i < 300; i++) await w.call(i);
    }
    await resetWrites();
  }

  // One timed run of a loop: calls op(i) for i = 0, 1, ... until the time is up
  const timed = async (op) => {
    let i = 0;
    const start = performance.now();
    const end = start + opt.duration * 1000;
    while (i < opt.maxOps && performance.now() < end) {
      await op(i);
      i++;
    }
    return { n: i, el: performance.now() - start };
  };
  const result = { ops: {}, latency_ms: {}, n: {}, verify, rounds: opt.rounds, duration: opt.duration };
  // The reads' rounds first, then the writes': the writes' fills, deletes
  // and VACUUMs then never run between two reads being compared
  const phases = [Object.keys(ops), ...(opt.w_lo ? [Object.keys(writes)] : [])];
  for (const names of phases) for (const n of names) { result.ops[n] = []; result.latency_ms[n] = []; result.n[n] = []; }
  for (const names of phases) for (let r = 1; r <= opt.rounds; r++) {
    const line = [];
    for (const n of names) {
      let t;
      if (ops[n]) {
        t = await timed((i) => ops[n](ids[i % ids.length]));
      } else {
        await prepare(writes[n].kind, fillPairs);
        t = await timed(writes[n].call);
        if (writes[n].kind === 'remove' && t.n >= fillPairs) throw new Error(`${n}: ran out of pairs to remove`);
        await resetWrites();
      }
      result.ops[n].push(t.n / (t.el / 1000));
      result.latency_ms[n].push(t.el / t.n);
      result.n[n].push(t.n);
      line.push(`${n} ${Math.round(t.n / (t.el / 1000))}`);
    }
    console.log(`  round ${r}/${opt.rounds}: ${line.join('  ')} ops/s`);
  }
  result.median = {};
  for (const n of Object.keys(result.ops)) result.median[n] = { ops: median(result.ops[n]), latency_ms: median(result.latency_ms[n]) };
  if (opt.out) fs.writeFileSync(opt.out, JSON.stringify(result, null, 2));
  await client.end();
  await sequelize.close();
}

main().catch((e) => { console.error(e); process.exit(1); });
