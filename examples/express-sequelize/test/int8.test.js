'use strict';
// Why models.js sets pg.defaults.parseInt8 = true: the same calls with
// node-postgres's default (int8 as strings), then with int8 as numbers.
// pg.defaults is global to this test file's process, and restored at the end.
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const pg = require('pg');
const { createTestDatabase, sqlstate } = require('../support/testdb');

let db;
let client;
let Users;
let Groups;

before(async () => {
  db = await createTestDatabase('int8');
  client = await db.client();
  await client.query(`
    INSERT INTO group_users.users (id, username) VALUES (1, 'ozmic');
    INSERT INTO group_users.groups (id, name) VALUES (1, 'Andela'), (2, 'Post-it');
    SELECT group_users.add_membership(1, 1);`);
  ({ Users, Groups } = db.sequelize());
});

after(async () => {
  pg.defaults.parseInt8 = true;
  if (db) await db.drop();
});

const include = () => ({ include: [{ model: Groups, as: 'groups' }] });

test('with int8 as strings (node-postgres default) Sequelize differs from the extension, and its mixins misbehave', async () => {
  pg.defaults.parseInt8 = false;
  try {
    const user = await Users.findByPk(1, include());
    const sequelizeJson = JSON.parse(JSON.stringify(user));
    assert.strictEqual(sequelizeJson.id, '1');
    assert.strictEqual(sequelizeJson.groups[0].GroupUsers.groupId, '1');
    const { rows: [{ u }] } = await client.query('SELECT group_users.user_with_groups(1) AS u');
    assert.strictEqual(u.id, 1, 'the JSON built in the database carries numbers either way');
    assert.notDeepStrictEqual(u, sequelizeJson);

    // the mixins compare join-row ids with ===: "1" !== 1
    assert.strictEqual(await user.hasGroups([1]), false, 'hasGroups says no for a member');
    const err = await user.addGroups([1]).then(() => null, (e) => e);
    assert.strictEqual(sqlstate(err), '23505', 'addGroups re-inserts an existing membership');
  } finally {
    pg.defaults.parseInt8 = true;
  }
});

test('with int8 as numbers (models.js) they agree', async () => {
  const user = await Users.findByPk(1, include());
  const { rows: [{ u }] } = await client.query('SELECT group_users.user_with_groups(1) AS u');
  assert.deepStrictEqual(u, JSON.parse(JSON.stringify(user)));
  assert.strictEqual(await user.hasGroups([1]), true);
  await user.addGroups([1]); // an existing membership: a no-op
  assert.strictEqual(await user.countGroups(), 1);
});
