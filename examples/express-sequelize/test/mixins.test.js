'use strict';
// The belongsToMany mixins vs the extension's functions: from the same
// starting state, apply the mixin once and our function once, and compare
// the join table (user_id, group_id, role) and the return values where they
// correspond. Our functions are called the way the README shows: through
// sequelize.query with bind parameters (arrays as JS arrays).
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const { QueryTypes } = require('sequelize');
const { createTestDatabase, memberships, setMemberships, sqlstate } = require('../support/testdb');

let db;
let client;
let sequelize;
let Users;
let Groups;

const FIXTURE = `
INSERT INTO group_users.users (id, username) VALUES (1, 'ozmic'), (2, 'chioma'), (3, 'zoë'), (4, 'lonely');
INSERT INTO group_users.groups (id, name) VALUES
  (1, 'Andela'), (2, 'Post-it'), (3, 'Lagos JS'), (4, 'Four'), (5, 'Five'), (6, 'Empty');
SELECT setval(pg_get_serial_sequence('group_users.groups', 'id'), 100);
`;

// The starting state of every comparison: [user, group, role]
const START = [
  [1, 1, 'admin'],
  [1, 2, 'member'],
  [1, 5, 'owner'],
  [2, 2, 'owner'],
  [2, 3, 'member'],
  [3, 1, 'member'],
];

before(async () => {
  db = await createTestDatabase('mixins');
  client = await db.client();
  await client.query(FIXTURE);
  ({ sequelize, Users, Groups } = db.sequelize());
});

after(async () => {
  if (db) await db.drop();
});

// One row of one of our functions, through Sequelize
async function call(sql, bind) {
  const rows = await sequelize.query(sql, { bind, type: QueryTypes.SELECT });
  assert.strictEqual(rows.length, 1, sql);
  return rows[0];
}

// Runs the mixin and our function from the same state; returns both outcomes
async function both(viaSequelize, viaExtension, start = START) {
  await setMemberships(client, start);
  const seqResult = await viaSequelize();
  const seqRows = await memberships(client);
  await setMemberships(client, start);
  const ourResult = await viaExtension();
  const ourRows = await memberships(client);
  return { seqResult, seqRows, ourResult, ourRows };
}

const key = (r) => `${r.user_id}/${r.group_id}`;
// Memberships in `b` that are not in `a` (by user and group)
const minus = (a, b) => a.filter((r) => !b.some((s) => key(s) === key(r)));

const user = (id) => Users.findByPk(id);
const group = (id) => Groups.findByPk(id);

test('countGroups() = count_user_groups(uid); countUsers() = count_group_members(gid)', async () => {
  await setMemberships(client, START);
  for (const uid of [1, 2, 3, 4, 999]) {
    const expected = await Users.build({ id: uid }).countGroups();
    const { n } = await call('SELECT group_users.count_user_groups($1) AS n', [uid]);
    assert.strictEqual(n, expected, `user ${uid}`);
  }
  for (const gid of [1, 2, 3, 5, 6, 999]) {
    const expected = await Groups.build({ id: gid }).countUsers();
    const { n } = await call('SELECT group_users.count_group_members($1) AS n', [gid]);
    assert.strictEqual(n, expected, `group ${gid}`);
  }
});

test('hasGroups([...]) = is_member_of_all(uid, gids); "any" = countGroups({where: id in gids}) > 0', async () => {
  await setMemberships(client, START);
  const cases = [[], [1], [3], [1, 2], [1, 2, 5], [1, 3], [3, 4], [999], [1, 999], [1, 1], [2, 1, 2]];
  for (const uid of [1, 2, 4]) {
    const u = await user(uid);
    for (const gids of cases) {
      const all = await u.hasGroups(gids);
      const { r } = await call('SELECT group_users.is_member_of_all($1, $2) AS r', [uid, gids]);
      assert.strictEqual(r, all, `is_member_of_all(${uid}, {${gids}})`);

      const any = gids.length > 0 && (await u.countGroups({ where: { id: gids } })) > 0;
      const { r: r2 } = await call('SELECT group_users.is_member_of_any($1, $2) AS r', [uid, gids]);
      assert.strictEqual(r2, any, `is_member_of_any(${uid}, {${gids}})`);
    }
  }
  // hasGroups([]) is true; is_member_of_any with '{}' is false
  assert.strictEqual(await (await user(1)).hasGroups([]), true);
});

test('addGroups([...], {through: {role}}) = add_memberships(uid, gids, role)', async () => {
  for (const [uid, gids, role] of [
    [1, [2, 3, 4], 'admin'], // 2 exists as member: role updated; 3, 4 created
    [1, [1, 2], 'admin'], // 1 exists as admin (nothing), 2 updated
    [4, [1, 2, 3, 4, 5, 6], 'member'],
    [2, [], 'member'],
  ]) {
    const r = await both(
      async () => (await user(uid)).addGroups(gids, { through: { role } }),
      async () => (await call('SELECT group_users.add_memberships($1, $2, $3) AS n', [uid, gids, role])).n,
    );
    assert.deepStrictEqual(r.ourRows, r.seqRows, `add_memberships(${uid}, {${gids}}, ${role})`);
    assert.strictEqual(r.ourResult, minus(r.seqRows, START.map(([u, g]) => ({ user_id: u, group_id: g }))).length,
      'add_memberships returns the number of memberships created');
  }
});

test('addUsers([...], {through: {role}}) = add_group_members(gid, uids, role)', async () => {
  for (const [gid, uids, role] of [
    [2, [1, 3, 4], 'admin'],
    [1, [1, 3], 'member'], // 1 admin -> member, 3 unchanged
    [6, [4, 3, 2, 1], 'member'],
  ]) {
    const r = await both(
      async () => (await group(gid)).addUsers(uids, { through: { role } }),
      async () => (await call('SELECT group_users.add_group_members($1, $2, $3) AS n', [gid, uids, role])).n,
    );
    assert.deepStrictEqual(r.ourRows, r.seqRows, `add_group_members(${gid}, {${uids}}, ${role})`);
    assert.strictEqual(r.ourResult, minus(r.seqRows, START.map(([u, g]) => ({ user_id: u, group_id: g }))).length);
  }
});

test('addGroups([...]) without a role: the default role, and what happens to an existing role', async () => {
  // New memberships get 'member' on both sides.
  const r = await both(
    async () => (await user(4)).addGroups([1, 2]),
    async () => (await call('SELECT group_users.add_memberships($1, $2) AS n', [4, [1, 2]])).n,
  );
  assert.deepStrictEqual(r.ourRows, r.seqRows);
  assert.strictEqual(r.ourResult, 2);

  // A DIFFERENCE, by design: an existing membership with another role.
  // Sequelize's addGroups without through attributes leaves it alone; our
  // add_memberships (like add_membership) has role DEFAULT 'member' and
  // sets it back to 'member'.
  const d = await both(
    async () => (await user(1)).addGroups([1, 3]),
    async () => (await call('SELECT group_users.add_memberships($1, $2) AS n', [1, [1, 3]])).n,
  );
  const role = (rows) => rows.find((x) => x.user_id === 1 && x.group_id === 1).role;
  assert.strictEqual(role(d.seqRows), 'admin', 'Sequelize keeps the existing role');
  assert.strictEqual(role(d.ourRows), 'member', 'add_memberships applies its default role');
  assert.deepStrictEqual(d.ourRows.filter((x) => !(x.user_id === 1 && x.group_id === 1)),
    d.seqRows.filter((x) => !(x.user_id === 1 && x.group_id === 1)));
});

test('a missing group: addGroups raises 23503; add_memberships raises 23503 "group N does not exist" and adds nothing', async () => {
  const r = await both(
    async () => (await user(4)).addGroups([3, 999, 1]).then(() => null, (e) => e),
    async () => call('SELECT group_users.add_memberships($1, $2, $3) AS n', [4, [3, 999, 1], 'member'])
      .then(() => null, (e) => e),
  );
  assert.ok(r.seqResult, 'Sequelize raised');
  assert.strictEqual(sqlstate(r.seqResult), '23503');
  assert.ok(r.ourResult, 'add_memberships raised');
  assert.strictEqual(sqlstate(r.ourResult), '23503');
  assert.match((r.ourResult.original || r.ourResult).message, /^group 999 does not exist$/);
  const start = await (async () => { await setMemberships(client, START); return memberships(client); })();
  assert.deepStrictEqual(r.ourRows, start, 'nothing added');
  assert.deepStrictEqual(r.seqRows, start);

  // with a role change as well: Sequelize UPDATEs the existing membership
  // and INSERTs the new ones in separate statements, outside a transaction,
  // so the update stays when the insert fails; ours changes nothing.
  // On a one-connection pool, so that a query queued after them (SELECT 1)
  // returns only once both of Sequelize's statements are done.
  const solo = db.sequelize({ pool: { max: 1 } });
  const p = await both(
    async () => {
      const error = await (await solo.Users.findByPk(1))
        .addGroups([2, 999], { through: { role: 'admin' } }).then(() => null, (e) => e);
      await solo.sequelize.query('SELECT 1');
      return error;
    },
    async () => call('SELECT group_users.add_memberships($1, $2, $3) AS n', [1, [2, 999], 'admin'])
      .then(() => null, (e) => e),
  );
  assert.strictEqual(sqlstate(p.seqResult), '23503');
  assert.strictEqual(sqlstate(p.ourResult), '23503');
  const role12 = (rows) => rows.find((x) => x.user_id === 1 && x.group_id === 2).role;
  assert.strictEqual(role12(p.seqRows), 'admin', 'Sequelize: half of the change is left');
  assert.deepStrictEqual(p.ourRows, start, 'add_memberships: nothing changed');

  // the other side: a missing user
  await setMemberships(client, START);
  const err = await call('SELECT group_users.add_group_members($1, $2) AS n', [6, [1, 998]]).then(() => null, (e) => e);
  assert.ok(err, 'add_group_members raised');
  assert.strictEqual(sqlstate(err), '23503');
  assert.match((err.original || err).message, /^user 998 does not exist$/);
  assert.deepStrictEqual(await memberships(client), start, 'nothing added');
});

// removed/added as Sequelize's run changed the table
function delta(seqRows, start) {
  const startRows = start.map(([u, g]) => ({ user_id: u, group_id: g }));
  return { added: minus(seqRows, startRows).length, removed: minus(startRows, seqRows).length };
}

test('setGroups([...]) = set_user_groups(uid, gids)', async () => {
  for (const [uid, gids] of [
    [1, [2, 3]], // 1, 5 removed; 2 kept (its role too); 3 added
    [1, [1, 2, 5]], // nothing changes
    [1, []], // clears
    [4, [6, 1]],
    [2, [3, 2, 4]],
  ]) {
    const r = await both(
      async () => (await user(uid)).setGroups(gids),
      async () => call('SELECT added, removed FROM group_users.set_user_groups($1, $2)', [uid, gids]),
    );
    assert.deepStrictEqual(r.ourRows, r.seqRows, `set_user_groups(${uid}, {${gids}}): join table differs from setGroups (a kept membership must keep its role)`);
    assert.deepStrictEqual({ ...r.ourResult }, delta(r.seqRows, START));
  }
});

test('setUsers([...]) = set_group_members(gid, uids)', async () => {
  for (const [gid, uids] of [
    [2, [2, 3]],
    [1, []],
    [6, [4, 1]],
    [1, [1, 3]],
  ]) {
    const r = await both(
      async () => (await group(gid)).setUsers(uids),
      async () => call('SELECT added, removed FROM group_users.set_group_members($1, $2)', [gid, uids]),
    );
    assert.deepStrictEqual(r.ourRows, r.seqRows, `set_group_members(${gid}, {${uids}}): join table differs from setUsers (a kept membership must keep its role)`);
    assert.deepStrictEqual({ ...r.ourResult }, delta(r.seqRows, START));
  }
});

test('setGroups([...], {through: {role}}) vs set_user_groups(uid, gids, role)', async () => {
  const r = await both(
    async () => (await user(1)).setGroups([2, 3], { through: { role: 'admin' } }),
    async () => call('SELECT added, removed FROM group_users.set_user_groups($1, $2, $3)', [1, [2, 3], 'admin']),
  );
  const role = (rows, g) => rows.find((x) => x.user_id === 1 && x.group_id === g).role;
  // new memberships get the role on both sides
  assert.strictEqual(role(r.seqRows, 3), 'admin');
  assert.strictEqual(role(r.ourRows, 3), 'admin');
  // A DIFFERENCE, by design: a kept membership. Sequelize's setGroups with
  // through attributes UPDATEs the kept ones to them; set_user_groups keeps
  // their role.
  assert.strictEqual(role(r.seqRows, 2), 'admin', 'Sequelize re-roles the kept membership');
  assert.strictEqual(role(r.ourRows, 2), 'member', 'set_user_groups keeps its role');
  assert.deepStrictEqual({ ...r.ourResult }, { added: 1, removed: 2 });

  // The README's recipe for Sequelize's behaviour: the set, then
  // add_memberships with the role, in one transaction
  const recipe = await both(
    async () => (await user(1)).setGroups([2, 3], { through: { role: 'admin' } }),
    async () => sequelize.transaction(async (transaction) => {
      await sequelize.query('SELECT * FROM group_users.set_user_groups($1, $2, $3)',
        { bind: [1, [2, 3], 'admin'], type: QueryTypes.SELECT, transaction });
      await sequelize.query('SELECT group_users.add_memberships($1, $2, $3)',
        { bind: [1, [2, 3], 'admin'], type: QueryTypes.SELECT, transaction });
    }),
  );
  assert.deepStrictEqual(recipe.ourRows, recipe.seqRows, 'set_user_groups + add_memberships = setGroups with through');
});

test('removeGroups([...]) = remove_memberships(uid, gids); removeUsers = remove_group_members', async () => {
  for (const [uid, gids] of [[1, [1, 3, 999]], [1, [1, 2, 5]], [4, [1]], [2, []]]) {
    const r = await both(
      async () => (await user(uid)).removeGroups(gids),
      async () => (await call('SELECT group_users.remove_memberships($1, $2) AS n', [uid, gids])).n,
    );
    assert.deepStrictEqual(r.ourRows, r.seqRows, `remove_memberships(${uid}, {${gids}})`);
    assert.strictEqual(r.ourResult, r.seqResult, 'both return the number removed');
  }
  for (const [gid, uids] of [[2, [1, 2, 3]], [1, [3]], [6, [1, 2]]]) {
    const r = await both(
      async () => (await group(gid)).removeUsers(uids),
      async () => (await call('SELECT group_users.remove_group_members($1, $2) AS n', [gid, uids])).n,
    );
    assert.deepStrictEqual(r.ourRows, r.seqRows, `remove_group_members(${gid}, {${uids}})`);
    assert.strictEqual(r.ourResult, r.seqResult, 'both return the number removed');
  }
});

test('createGroup({name}, {through: {role}}) = create_group(name, {uid}, role)', async () => {
  await setMemberships(client, START);
  const created = await (await user(3)).createGroup({ name: 'Sequelize made me' }, { through: { role: 'owner' } });
  const seqGid = created.id;
  assert.strictEqual(typeof seqGid, 'number');
  const seqRows = (await memberships(client)).map((x) => ({ ...x, group_id: x.group_id === seqGid ? 'new' : x.group_id }));
  const { rows: [seqGroup] } = await client.query('SELECT name FROM group_users.groups WHERE id = $1', [seqGid]);
  await client.query('DELETE FROM group_users.groups WHERE id = $1', [seqGid]);

  await setMemberships(client, START);
  const { gid } = await call('SELECT group_users.create_group($1, $2, $3) AS gid', ['Sequelize made me', [3], 'owner']);
  assert.strictEqual(typeof gid, 'number');
  const ourRows = (await memberships(client)).map((x) => ({ ...x, group_id: x.group_id === gid ? 'new' : x.group_id }));
  const { rows: [ourGroup] } = await client.query('SELECT name FROM group_users.groups WHERE id = $1', [gid]);
  assert.deepStrictEqual(ourRows, seqRows);
  assert.deepStrictEqual(ourGroup, seqGroup);
  await client.query('DELETE FROM group_users.groups WHERE id = $1', [gid]);

  // the defaults: no members; and several members with the default role
  const { gid: empty } = await call('SELECT group_users.create_group($1) AS gid', ['nobody']);
  assert.strictEqual(await Groups.build({ id: empty }).countUsers(), 0);
  const { gid: many } = await call('SELECT group_users.create_group($1, $2) AS gid', ['many', [1, 2, 4]]);
  const { rows } = await client.query(
    'SELECT user_id, role FROM group_users.group_users WHERE group_id = $1 ORDER BY user_id', [many]);
  assert.deepStrictEqual(rows, [1, 2, 4].map((u) => ({ user_id: u, role: 'member' })));
  await client.query('DELETE FROM group_users.groups WHERE id = ANY($1)', [[empty, many]]);

  // a missing member: nothing is created, not even the group
  const before = (await client.query('SELECT count(*)::int AS n FROM group_users.groups')).rows[0].n;
  const err = await call('SELECT group_users.create_group($1, $2) AS gid', ['orphan', [1, 997]]).then(() => null, (e) => e);
  assert.strictEqual(sqlstate(err), '23503');
  assert.strictEqual((await client.query('SELECT count(*)::int AS n FROM group_users.groups')).rows[0].n, before);
});
