'use strict';
// Races between concurrent clients (separate connections), the extension's
// functions vs Sequelize's select-then-write mixins.
//
// To make the calls really overlap, each racer first waits for a shared
// advisory lock that a "starter" connection holds exclusively; once every
// racer is seen waiting in pg_locks, the starter lets go and they all send
// their statement at the same instant.
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const { createTestDatabase, sqlstate } = require('../support/testdb');

const CLIENTS = 10;
const SET_ROUNDS = 50;
const SEQUELIZE_ROUNDS = 10;
const LOCK_KEY = 4242;

let db;
let admin;
let starter;
let racers;

before(async () => {
  db = await createTestDatabase('races');
  admin = await db.client();
  starter = await db.client();
  racers = [];
  for (let i = 0; i < CLIENTS; i++) racers.push(await db.client());
  await admin.query(`
    INSERT INTO group_users.users (id, username)
      SELECT u, 'user ' || u FROM generate_series(1, 200) u;
    INSERT INTO group_users.groups (id, name)
      SELECT g, 'group ' || g FROM generate_series(1, 10) g;`);
});

after(async () => {
  if (db) await db.drop();
});

// Runs `sql` with `params[i]` on racer i, all released at the same instant.
// Resolves to [{ value } | { error }] in racer order.
async function race(sql, params) {
  await starter.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
  const runs = params.map(async (p, i) => {
    const c = racers[i];
    await c.query('SELECT pg_advisory_lock_shared($1)', [LOCK_KEY]); // waits for the start
    try {
      return { value: (await c.query(sql, p)).rows }; // autocommit, as an app would run it
    } catch (error) {
      return { error };
    } finally {
      await c.query('SELECT pg_advisory_unlock_shared($1)', [LOCK_KEY]);
    }
  });
  try {
    for (let waited = 0; ; waited++) {
      const { rows: [{ n }] } = await starter.query(
        "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = $1 AND objsubid = 1",
        [LOCK_KEY]);
      if (n === params.length) break;
      if (waited > 1000) throw new Error(`only ${n} of ${params.length} racers reached the barrier`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    await starter.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
  }
  return Promise.all(runs);
}

async function groupsOf(uid) {
  const { rows } = await admin.query(
    'SELECT group_id FROM group_users.group_users WHERE user_id = $1 ORDER BY group_id', [uid]);
  return rows.map((r) => r.group_id);
}

test(`${CLIENTS} clients add_membership(u, g) for the same pair at once: one true, no error, one row`, async () => {
  for (let uid = 1; uid <= 20; uid++) {
    const gid = (uid % 10) + 1;
    const results = await race('SELECT group_users.add_membership($1, $2) AS created',
      Array.from({ length: CLIENTS }, () => [uid, gid]));
    const errors = results.filter((r) => r.error).map((r) => `${sqlstate(r.error)} ${r.error.message}`);
    assert.deepStrictEqual(errors, [], 'no client got an error');
    const created = results.map((r) => r.value[0].created);
    assert.strictEqual(created.filter((c) => c === true).length, 1, `exactly one true: ${created}`);
    assert.strictEqual(created.filter((c) => c === false).length, CLIENTS - 1);
    const { rows: [{ n }] } = await admin.query(
      'SELECT count(*)::int AS n FROM group_users.group_users WHERE user_id = $1 AND group_id = $2', [uid, gid]);
    assert.strictEqual(n, 1, 'one row');
  }
});

test(`Sequelize's addGroup for the same pair from ${CLIENTS} instances at once (the race the extension removes)`, async () => {
  // Separate Sequelize instances, each with one connection, warmed up
  const instances = [];
  for (let i = 0; i < CLIENTS; i++) {
    const s = db.sequelize({ pool: { max: 1, min: 1 } });
    await s.sequelize.query('SELECT 1');
    instances.push(s);
  }
  let roundsWithViolation = 0;
  let violations = 0;
  const others = [];
  for (let round = 0; round < SEQUELIZE_ROUNDS; round++) {
    const uid = 100 + round;
    const gid = (round % 10) + 1;
    const users = await Promise.all(instances.map((s) => s.Users.findByPk(uid)));
    const results = await Promise.all(users.map((u) => u.addGroup(gid).then(() => null, (e) => e)));
    const errors = results.filter(Boolean);
    const unique = errors.filter((e) => sqlstate(e) === '23505');
    if (unique.length) roundsWithViolation++;
    violations += unique.length;
    others.push(...errors.filter((e) => sqlstate(e) !== '23505'));
    const { rows: [{ n }] } = await admin.query(
      'SELECT count(*)::int AS n FROM group_users.group_users WHERE user_id = $1 AND group_id = $2', [uid, gid]);
    assert.strictEqual(n, 1, 'the primary key keeps one row whatever Sequelize does');
  }
  const summary = `Sequelize addGroup race: ${violations} unique-violation errors (SequelizeUniqueConstraintError, 23505) ` +
    `from ${CLIENTS} concurrent calls, in ${roundsWithViolation} of ${SEQUELIZE_ROUNDS} rounds`;
  console.log(summary);
  assert.deepStrictEqual(others.map((e) => e.message), [], 'no error other than unique violations');
  // Reproduces every time here (the select-then-insert window is wide open
  // with 10 clients): assert it, so a change in Sequelize shows up.
  assert.ok(roundsWithViolation >= SEQUELIZE_ROUNDS / 2, summary);
});

test(`set_user_groups(u, [a,c]) and set_user_groups(u, [b,c]) at once from {a,b}, ${SET_ROUNDS} times: one of the two sets`, async () => {
  const [a, b, c] = [1, 2, 3];
  const outcomes = { ac: 0, bc: 0 };
  for (let round = 0; round < SET_ROUNDS; round++) {
    const uid = 50 + round;
    await admin.query('SELECT group_users.set_user_groups($1, $2)', [uid, [a, b]]);
    assert.deepStrictEqual(await groupsOf(uid), [a, b]);
    const results = await race('SELECT * FROM group_users.set_user_groups($1, $2)', [[uid, [a, c]], [uid, [b, c]]]);
    const errors = results.filter((r) => r.error).map((r) => `${sqlstate(r.error)} ${r.error.message}`);
    assert.deepStrictEqual(errors, [], `round ${round}: no error`);
    const final = await groupsOf(uid);
    if (JSON.stringify(final) === JSON.stringify([a, c])) outcomes.ac++;
    else if (JSON.stringify(final) === JSON.stringify([b, c])) outcomes.bc++;
    else assert.fail(`round ${round}: final set {${final}} is neither {${a},${c}} nor {${b},${c}}`);
    // whichever ran second saw the first's result: one removed a or b and
    // added c, the other swapped a and b
    const added = results.map((r) => r.value[0].added).sort();
    const removed = results.map((r) => r.value[0].removed).sort();
    assert.deepStrictEqual({ added, removed }, { added: [1, 1], removed: [1, 1] }, `round ${round}`);
  }
  console.log(`set_user_groups race: final {a,c} ${outcomes.ac} times, {b,c} ${outcomes.bc} times`);
});

test('contrast: Sequelize setGroups([a,c]) and setGroups([b,c]) at once from {a,b} (logged, not asserted)', async () => {
  const [a, b, c] = [1, 2, 3];
  const s1 = db.sequelize({ pool: { max: 1, min: 1 } });
  const s2 = db.sequelize({ pool: { max: 1, min: 1 } });
  const outcomes = {};
  for (let round = 0; round < 20; round++) {
    const uid = 150 + round;
    await admin.query('SELECT group_users.set_user_groups($1, $2)', [uid, [a, b]]);
    const [u1, u2] = await Promise.all([s1.Users.findByPk(uid), s2.Users.findByPk(uid)]);
    const results = await Promise.all([u1.setGroups([a, c]), u2.setGroups([b, c])].map((p) => p.then(() => 'ok', (e) => sqlstate(e))));
    // a failed setGroups rejects while its other statements may still be
    // queued on its one connection: let them finish before looking
    await Promise.all([s1.sequelize.query('SELECT 1'), s2.sequelize.query('SELECT 1')]);
    const key = `${results.join('+')} -> {${await groupsOf(uid)}}`;
    outcomes[key] = (outcomes[key] || 0) + 1;
  }
  console.log(`Sequelize setGroups race outcomes over 20 rounds: ${JSON.stringify(outcomes)}`);
});
