'use strict';
// The Express app over HTTP: every route, statuses and bodies.
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const { createTestDatabase, memberships } = require('../support/testdb');
const buildApp = require('../app');

let db;
let client;
let Users;
let Groups;
let server;
let base;

before(async () => {
  db = await createTestDatabase('http');
  client = await db.client();
  await client.query(`
    INSERT INTO group_users.users (id, username, email) VALUES
      (1, 'ozmic', 'ozmic@example.com'), (2, 'chioma', NULL), (3, 'zoë', 'zoe@example.com');
    INSERT INTO group_users.users (id, username)
      SELECT u, 'member ' || u FROM generate_series(10, 16) u;
    INSERT INTO group_users.groups (id, name) VALUES (1, 'Andela'), (2, 'Post-it'), (3, 'Lagos JS'), (4, 'Big');
    INSERT INTO group_users.group_users (user_id, group_id, role) VALUES (1, 1, 'admin'), (1, 2, 'member');
    INSERT INTO group_users.group_users (user_id, group_id) SELECT u, 4 FROM generate_series(10, 16) u;`);
  let sequelize;
  ({ sequelize, Users, Groups } = db.sequelize());
  const app = buildApp(sequelize);
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${server.address().port}`;
});

after(async () => {
  if (server) await new Promise((resolve) => server.close(resolve));
  if (db) await db.drop();
});

async function http(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function roleOf(uid, gid) {
  const { rows } = await client.query(
    'SELECT role FROM group_users.group_users WHERE user_id = $1 AND group_id = $2', [uid, gid]);
  return rows.length ? rows[0].role : null;
}

test('GET /users/:id: { data: user_with_groups }, the same as Sequelize findByPk with include', async () => {
  const res = await http('GET', '/users/1');
  assert.strictEqual(res.status, 200);
  const sequelize = await Users.findByPk(1, {
    include: [{ model: Groups, as: 'groups' }],
    order: [[{ model: Groups, as: 'groups' }, 'id', 'ASC']],
  });
  assert.deepStrictEqual(res.body, { data: JSON.parse(JSON.stringify(sequelize)) });
  assert.deepStrictEqual(res.body.data.groups.map((g) => [g.id, g.GroupUsers.role]), [[1, 'admin'], [2, 'member']]);
});

test('GET /users/:id?membership=false leaves out GroupUsers', async () => {
  const res = await http('GET', '/users/1?membership=false');
  assert.strictEqual(res.status, 200);
  const { rows: [{ u }] } = await client.query('SELECT group_users.user_with_groups(1, false) AS u');
  assert.deepStrictEqual(res.body, { data: u });
  assert.ok(res.body.data.groups.every((g) => !('GroupUsers' in g)));
  assert.deepStrictEqual((await http('GET', '/users/1?membership=true')).body.data.groups[0].GroupUsers.role, 'admin');
  assert.deepStrictEqual((await http('GET', '/users/3')).body.data.groups, []);
});

test('GET /users/:id: 404 for an unknown user, 400 for a bad id or flag', async () => {
  assert.deepStrictEqual(await http('GET', '/users/999'), { status: 404, body: { error: 'user 999 does not exist' } });
  assert.strictEqual((await http('GET', '/users/abc')).status, 400);
  assert.strictEqual((await http('GET', '/users/99999999999999999999')).status, 400);
  assert.strictEqual((await http('GET', '/users/1?membership=maybe')).status, 400);
});

test('POST /groups/:gid/users: 201 created, 200 when already a member (not an error), role applied', async () => {
  assert.deepStrictEqual(await http('POST', '/groups/3/users', { userId: 2 }), { status: 201, body: { created: true } });
  assert.strictEqual(await roleOf(2, 3), 'member');
  assert.deepStrictEqual(await http('POST', '/groups/3/users', { userId: 2 }), { status: 200, body: { created: false } });
  assert.deepStrictEqual(await http('POST', '/groups/3/users', { userId: 2, role: 'admin' }),
    { status: 200, body: { created: false } });
  assert.strictEqual(await roleOf(2, 3), 'admin');
  assert.deepStrictEqual(await http('POST', '/groups/3/users', { userId: 3, role: 'owner' }),
    { status: 201, body: { created: true } });
  assert.strictEqual(await roleOf(3, 3), 'owner');
  // the id may come as a string, as form-ish clients send it
  assert.deepStrictEqual(await http('POST', '/groups/3/users', { userId: '1' }), { status: 201, body: { created: true } });
});

test('POST /groups/:gid/users: 404 with the message for an unknown user or group (23503)', async () => {
  assert.deepStrictEqual(await http('POST', '/groups/1/users', { userId: 999 }),
    { status: 404, body: { error: 'user 999 does not exist' } });
  assert.deepStrictEqual(await http('POST', '/groups/998/users', { userId: 1 }),
    { status: 404, body: { error: 'group 998 does not exist' } });
});

test('POST /groups/:gid/users: 400 for a missing userId (22004), a null or empty role (22004, 22023), bad input', async () => {
  const before = await memberships(client);
  for (const [body, message] of [
    [{}, /must not be null/],
    [{ userId: null }, /must not be null/],
    [{ userId: 1, role: null }, /must not be null/],
    [{ userId: 1, role: '' }, /must not be empty/],
    [{ userId: 'abc' }, /invalid input syntax/],
    [{ userId: 1.5 }, /invalid input syntax/],
  ]) {
    const res = await http('POST', '/groups/1/users', body);
    assert.strictEqual(res.status, 400, JSON.stringify(body));
    assert.match(res.body.error, message, JSON.stringify(body));
  }
  assert.deepStrictEqual(await http('POST', '/groups/1/users', '{"userId": '), { status: 400, body: { error: 'invalid JSON body' } });
  assert.deepStrictEqual(await memberships(client), before, 'nothing changed');
});

test('GET /groups/:gid/users: keyset pages from group_members, next = last id or null', async () => {
  const first = await http('GET', '/groups/4/users?limit=3');
  assert.strictEqual(first.status, 200);
  assert.deepStrictEqual(first.body.data.map((m) => m.id), [10, 11, 12]);
  assert.deepStrictEqual(Object.keys(first.body.data[0]), ['id', 'username', 'email', 'role', 'joinedAt']);
  assert.strictEqual(first.body.data[0].username, 'member 10');
  assert.strictEqual(first.body.data[0].role, 'member');
  assert.match(first.body.data[0].joinedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.strictEqual(first.body.next, 12);

  // walk every page
  const ids = [];
  let after = '';
  for (let pages = 0; pages < 10; pages++) {
    const res = await http('GET', `/groups/4/users?limit=3&after=${after}`);
    ids.push(...res.body.data.map((m) => m.id));
    if (res.body.next === null) break;
    after = res.body.next;
  }
  assert.deepStrictEqual(ids, [10, 11, 12, 13, 14, 15, 16]);

  // the last page exactly full: next is null (no empty page to fetch)
  const last = await http('GET', '/groups/4/users?after=13&limit=3');
  assert.deepStrictEqual(last.body.data.map((m) => m.id), [14, 15, 16]);
  assert.strictEqual(last.body.next, null);
  // default page, and a group with no members
  assert.strictEqual((await http('GET', '/groups/4/users')).body.data.length, 7);
  assert.deepStrictEqual(await http('GET', '/groups/2/users?after=1'), { status: 200, body: { data: [], next: null } });
  assert.deepStrictEqual((await http('GET', '/groups/4/users?limit=0')).body, { data: [], next: null });
});

test('GET /groups/:gid/users: 400 for a bad after or limit', async () => {
  for (const q of ['limit=-1', 'limit=abc', 'after=x', 'after=1.5']) {
    assert.strictEqual((await http('GET', `/groups/4/users?${q}`)).status, 400, q);
  }
  assert.strictEqual((await http('GET', '/groups/abc/users')).status, 400);
});

test('DELETE /groups/:gid/users/:uid: remove_membership', async () => {
  await client.query('SELECT group_users.add_membership(2, 2)');
  assert.deepStrictEqual(await http('DELETE', '/groups/2/users/2'), { status: 200, body: { removed: true } });
  assert.strictEqual(await roleOf(2, 2), null);
  assert.deepStrictEqual(await http('DELETE', '/groups/2/users/2'), { status: 200, body: { removed: false } });
  assert.deepStrictEqual(await http('DELETE', '/groups/999/users/999'), { status: 200, body: { removed: false } });
  assert.strictEqual((await http('DELETE', '/groups/2/users/x')).status, 400);
});

test('PUT /users/:id/groups: set_user_groups, { added, removed }', async () => {
  await client.query('SELECT group_users.set_user_groups(3, $1)', [[1, 2]]);
  assert.deepStrictEqual(await http('PUT', '/users/3/groups', { groupIds: [2, 3, 4] }),
    { status: 200, body: { added: 2, removed: 1 } });
  const groups = async () => (await client.query(
    'SELECT group_id FROM group_users.group_users WHERE user_id = 3 ORDER BY 1')).rows.map((r) => r.group_id);
  assert.deepStrictEqual(await groups(), [2, 3, 4]);
  assert.deepStrictEqual(await http('PUT', '/users/3/groups', { groupIds: [2, 3, 4] }),
    { status: 200, body: { added: 0, removed: 0 } });
  assert.deepStrictEqual(await http('PUT', '/users/3/groups', { groupIds: [1], role: 'admin' }),
    { status: 200, body: { added: 1, removed: 3 } });
  assert.strictEqual(await roleOf(3, 1), 'admin');
  assert.deepStrictEqual(await http('PUT', '/users/3/groups', { groupIds: [] }),
    { status: 200, body: { added: 0, removed: 1 } });
  assert.deepStrictEqual(await groups(), []);
});

test('PUT /users/:id/groups: 404 for an unknown group (nothing changed), 400 for bad input', async () => {
  await client.query('SELECT group_users.set_user_groups(3, $1)', [[1]]);
  assert.deepStrictEqual(await http('PUT', '/users/3/groups', { groupIds: [2, 997] }),
    { status: 404, body: { error: 'group 997 does not exist' } });
  assert.deepStrictEqual(await http('PUT', '/users/3/groups', { groupIds: 2 }),
    { status: 400, body: { error: 'groupIds must be an array' } });
  assert.strictEqual((await http('PUT', '/users/3/groups', {})).status, 400);
  assert.strictEqual((await http('PUT', '/users/3/groups', { groupIds: ['x'] })).status, 400);
  assert.strictEqual((await http('PUT', '/users/3/groups', { groupIds: [2], role: '' })).status, 400);
  const { rows } = await client.query('SELECT group_id FROM group_users.group_users WHERE user_id = 3');
  assert.deepStrictEqual(rows, [{ group_id: 1 }]);
});
