'use strict';
// Test helpers (outside test/, so that `node --test test/` does not run this
// file as a test). Each test file makes its own database, so files can run in
// parallel, and drops it at the end.
const crypto = require('node:crypto');
const { createSequelize, defineModels } = require('../models'); // int8 as numbers
const pg = require('pg');

class TestDatabase {
  constructor(name) {
    this.name = name;
    this.clients = [];
    this.sequelizes = [];
  }

  // A new plain node-postgres connection to the test database
  async client() {
    const c = new pg.Client({ database: this.name });
    await c.connect();
    this.clients.push(c);
    return c;
  }

  // A new Sequelize instance on the test database, with the models defined
  sequelize(options = {}) {
    const sequelize = createSequelize({ database: this.name, ...options });
    this.sequelizes.push(sequelize);
    return { sequelize, ...defineModels(sequelize) };
  }

  async drop() {
    for (const s of this.sequelizes) await s.close().catch(() => {});
    for (const c of this.clients) await c.end().catch(() => {});
    const admin = new pg.Client();
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  }
}

// CREATE DATABASE gu_test_<label>_<random>, then CREATE EXTENSION in it
async function createTestDatabase(label) {
  const name = `gu_test_${label}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client();
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const db = new TestDatabase(name);
  const c = await db.client();
  await c.query('CREATE EXTENSION group_users');
  return db;
}

// The join table's contents, comparable with deepStrictEqual
async function memberships(client) {
  const { rows } = await client.query(
    'SELECT user_id, group_id, role FROM group_users.group_users ORDER BY user_id, group_id');
  return rows;
}

// Replace the join table's contents with rows [[uid, gid, role?], ...]
async function setMemberships(client, rows) {
  await client.query('DELETE FROM group_users.group_users');
  for (const [uid, gid, role = 'member'] of rows) {
    await client.query(
      'INSERT INTO group_users.group_users (user_id, group_id, role) VALUES ($1, $2, $3)',
      [uid, gid, role]);
  }
}

// The SQLSTATE of an error thrown by pg or by Sequelize
function sqlstate(err) {
  const e = (err && (err.original || err.parent)) || err;
  return e && e.code;
}

module.exports = { createTestDatabase, memberships, setMemberships, sqlstate };
