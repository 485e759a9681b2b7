'use strict';
// Conformance of the extension's JSON with Sequelize's:
//   user_with_groups(uid[, false])  vs  Users.findByPk(uid, {include: groups})
//   group_with_users(gid[, false])  vs  Groups.findByPk(gid, {include: users})
//   users_with_groups(uids[, false]) vs findByPk for each existing uid, in order
// compared as values (deepStrictEqual), as key order, and as text.
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const { createTestDatabase } = require('../support/testdb');

let db;
let client;
let Users;
let Groups;

// Rows inserted directly with SQL: quotes, backslashes, unicode, emoji,
// control characters, sub-millisecond timestamps, a NULL and an empty email.
const FIXTURE = String.raw`
INSERT INTO group_users.users (id, username, email, created_at, updated_at) VALUES
  (1, 'ozmic', 'ozmic@example.com', '2017-07-17 10:00:00.123456+00', '2017-07-17 10:00:59.9999+00'),
  (2, 'd''arcy "the quoter" \ back\slash', NULL, '2017-07-17 10:00:00+00', '2017-07-17 10:00:00.0005+00'),
  (3, 'zoë 🎉 ελληνικά 日本語', 'zoë@exämple.com', '1999-12-31 23:59:59.123999+00', '2000-01-01 00:00:00+00'),
  (4, E'tab\there newline\n cr\r bs\b ff\f nul-less \x01 \x1f del \x7f ls \u2028 ps \u2029', '', '2017-07-17 10:00:00.999999+00', '2017-07-17 10:00:01+00'),
  (5, '</script><script>alert(1)</script>', 'x@y.z', '2017-07-17 10:00:00.5+02', '2017-07-17 10:00:00.5-05:30'),
  (6, 'many', 'many@example.com', '2017-07-17 10:00:00+00', '2017-07-17 10:00:00+00');
INSERT INTO group_users.groups (id, name, created_at, updated_at) VALUES
  (1, 'Andela', '2017-07-18 00:00:00.001+00', '2017-07-18 00:00:00.0019+00'),
  (2, 'Post-it "devs" \o/', '2017-07-18 00:00:00+00', '2017-07-18 00:00:00+00'),
  (3, E'Lagos\tJS 🚀 zoë', '2017-07-18 12:34:56.789012+00', '2017-07-18 12:34:56.789999+00'),
  (4, '"} ,{\\', '2017-07-18 00:00:00+00', '2017-07-18 00:00:00+00'),
  (5, 'nobody here yet', '2017-07-18 00:00:00+00', '2017-07-18 00:00:00+00');
INSERT INTO group_users.groups (id, name, created_at, updated_at)
  SELECT g, 'group ' || g, '2017-07-20 00:00:00+00', '2017-07-20 00:00:00+00'
  FROM generate_series(6, 40) g;
INSERT INTO group_users.group_users (user_id, group_id, role, created_at, updated_at) VALUES
  (1, 3, 'member', '2017-07-19 00:00:00.000001+00', '2017-07-19 00:00:00.000999+00'),
  (1, 1, 'admin', '2017-07-19 00:00:00.5+00', '2017-07-19 00:00:00.59999+00'),
  (1, 2, 'ro"le \ with\ttab', '2017-07-19 00:00:00+00', '2017-07-19 00:00:00+00'),
  (1, 4, 'member', '2017-07-19 00:00:00+00', '2017-07-19 00:00:00+00'),
  (2, 2, 'member', '2017-07-19 00:00:00+00', '2017-07-19 00:00:00+00'),
  (4, 3, 'modérateur 🛡', '2017-07-19 00:00:00+00', '2017-07-19 00:00:00+00'),
  (4, 1, 'member', '2017-07-19 00:00:00+00', '2017-07-19 00:00:00+00'),
  (5, 1, 'member', '2017-07-19 00:00:00+00', '2017-07-19 00:00:00+00');
INSERT INTO group_users.group_users (user_id, group_id, role, created_at, updated_at)
  SELECT 6, g, 'member', '2017-07-21 00:00:00+00', '2017-07-21 00:00:00+00'
  FROM generate_series(40, 1, -1) g;
-- the edge of what a JavaScript Date holds, and what node-postgres parses
INSERT INTO group_users.users (id, username, email, created_at, updated_at) VALUES
  (10, 'before 1970', NULL, '1969-12-31 23:59:59.9995+00', '1900-01-01 00:00:00.0005+00'),
  (11, 'infinite', NULL, 'infinity', '-infinity'),
  (12, 'ancient', NULL, '0044-03-15 12:00:00+00 BC', '0099-06-30 12:00:00.25+00'),
  (13, 'far future', NULL, '10000-01-01 00:00:00+00', '275760-09-13 00:00:00+00'),
  (14, 'beyond Date', NULL, '275760-09-13 00:00:00.001+00', '1000-01-01 00:00:00+00');
INSERT INTO group_users.groups (id, name, created_at, updated_at) VALUES
  (50, 'edge group', '0001-01-01 00:00:00+00 BC', '9999-12-31 23:59:59.999999+00');
INSERT INTO group_users.group_users (user_id, group_id, created_at, updated_at) VALUES
  (10, 50, '1970-01-01 00:00:00.0001+00', '1969-12-31 23:59:59.0001+00'),
  (12, 50, '2017-07-19 00:00:00+00', '2017-07-19 00:00:00+00');
`;
const USER_IDS = [1, 2, 3, 4, 5, 6];
const GROUP_IDS = [1, 2, 3, 4, 5, 6, 40];
const EDGE_USER_IDS = [10, 11, 12, 13, 14];

before(async () => {
  db = await createTestDatabase('json');
  client = await db.client();
  await client.query(FIXTURE);
  ({ Users, Groups } = db.sequelize());
});

after(async () => {
  if (db) await db.drop();
});

// "path: key,key,..." for every object in a JSON value, in document order
function keyOrder(value, path = '$', out = []) {
  if (Array.isArray(value)) {
    value.forEach((v, i) => keyOrder(v, `${path}[${i}]`, out));
  } else if (value !== null && typeof value === 'object') {
    out.push(`${path}: ${Object.keys(value).join(',')}`);
    for (const [k, v] of Object.entries(value)) keyOrder(v, `${path}.${k}`, out);
  }
  return out;
}

async function sequelizeUser(id, withMembership) {
  const include = withMembership
    ? { model: Groups, as: 'groups' }
    : { model: Groups, as: 'groups', through: { attributes: [] } };
  const user = await Users.findByPk(id, {
    include: [include],
    order: [[{ model: Groups, as: 'groups' }, 'id', 'ASC']],
  });
  return JSON.stringify(user);
}

async function sequelizeGroup(id, withMembership) {
  const include = withMembership
    ? { model: Users, as: 'users' }
    : { model: Users, as: 'users', through: { attributes: [] } };
  // Sequelize adds no ORDER BY for included rows; ours are by id
  const group = await Groups.findByPk(id, {
    include: [include],
    order: [[{ model: Users, as: 'users' }, 'id', 'ASC']],
  });
  return JSON.stringify(group);
}

// Compares Sequelize's JSON text with the extension's, three ways
async function compare(fn, id, withMembership, sequelizeText) {
  const { rows: [row] } = await client.query(
    `SELECT group_users.${fn}($1, $2) AS value, group_users.${fn}($1, $2)::text AS text`,
    [id, withMembership]);
  const expected = JSON.parse(sequelizeText);
  const what = `${fn}(${id}, ${withMembership})`;
  // 1. values (node-postgres parsed the json column)
  assert.deepStrictEqual(row.value, expected, `${what}: value differs from Sequelize`);
  // 2. key order of our text vs Object.keys of Sequelize's output
  if (row.text !== null) {
    assert.deepStrictEqual(keyOrder(JSON.parse(row.text)), keyOrder(expected),
      `${what}: key order differs from Sequelize`);
  }
  // 3. the text itself (escaping, compactness, number and date formats)
  assert.strictEqual(row.text ?? 'null', sequelizeText, `${what}: text differs from JSON.stringify`);
}

test('int8 comes back as numbers (pg.defaults.parseInt8)', async () => {
  const user = await Users.findByPk(1);
  assert.strictEqual(user.id, 1);
  const { rows: [row] } = await client.query('SELECT 9007199254740991::bigint AS n, ARRAY[1,2]::bigint[] AS a');
  assert.strictEqual(row.n, Number.MAX_SAFE_INTEGER);
  assert.deepStrictEqual(row.a, [1, 2]);
});

test('the fixture has users with 0, 1 and many groups', async () => {
  const { rows } = await client.query(
    `SELECT u.id, count(m.group_id)::int AS n FROM group_users.users u
     LEFT JOIN group_users.group_users m ON m.user_id = u.id
     WHERE u.id <= 6 GROUP BY u.id ORDER BY u.id`);
  const counts = rows.map((r) => r.n);
  assert.ok(counts.includes(0) && counts.includes(1) && counts.some((n) => n > 2), String(counts));
});

for (const withMembership of [true, false]) {
  test(`user_with_groups(uid, ${withMembership}) equals Users.findByPk with include`, async () => {
    for (const id of [...USER_IDS, 999]) {
      await compare('user_with_groups', id, withMembership, await sequelizeUser(id, withMembership));
    }
  });

  test(`group_with_users(gid, ${withMembership}) equals Groups.findByPk with include`, async () => {
    for (const id of [...GROUP_IDS, 999]) {
      await compare('group_with_users', id, withMembership, await sequelizeGroup(id, withMembership));
    }
  });

  test(`timestamps at the edges of Date (${withMembership ? 'with' : 'without'} GroupUsers)`, async () => {
    for (const id of EDGE_USER_IDS) {
      await compare('user_with_groups', id, withMembership, await sequelizeUser(id, withMembership));
    }
    await compare('group_with_users', 50, withMembership, await sequelizeGroup(50, withMembership));
  });
}

test('the through object is GroupUsers with userId, groupId, role, createdAt, updatedAt', async () => {
  const user = JSON.parse(await sequelizeUser(1, true));
  assert.deepStrictEqual(Object.keys(user.groups[0].GroupUsers),
    ['userId', 'groupId', 'role', 'createdAt', 'updatedAt']);
  const hidden = JSON.parse(await sequelizeUser(1, false));
  assert.ok(!('GroupUsers' in hidden.groups[0]), 'through: {attributes: []} leaves GroupUsers out');
  // sub-millisecond parts are cut, not rounded, on both sides
  assert.strictEqual(user.createdAt, '2017-07-17T10:00:00.123Z');
  assert.strictEqual(user.updatedAt, '2017-07-17T10:00:59.999Z');
});

test('users_with_groups(uids) equals findByPk of each existing uid, in the order given', async () => {
  const ids = [4, 1, 999, 6, 3, 2, 12];
  for (const withMembership of [true, false]) {
    const { rows } = await client.query(
      'SELECT u AS value, u::text AS text FROM group_users.users_with_groups($1, $2) AS u',
      [ids, withMembership]);
    const expectedTexts = [];
    for (const id of ids) {
      const text = await sequelizeUser(id, withMembership);
      if (text !== 'null') expectedTexts.push(text);
    }
    assert.deepStrictEqual(rows.map((r) => r.value), expectedTexts.map((t) => JSON.parse(t)));
    assert.deepStrictEqual(rows.map((r) => r.text), expectedTexts);
  }
  // the default is with_membership => true
  const { rows } = await client.query('SELECT u FROM group_users.users_with_groups($1) AS u', [[2]]);
  assert.deepStrictEqual(rows.map((r) => r.u), [JSON.parse(await sequelizeUser(2, true))]);
  const { rows: none } = await client.query(
    "SELECT u FROM group_users.users_with_groups('{}') AS u");
  assert.deepStrictEqual(none, []);
});
