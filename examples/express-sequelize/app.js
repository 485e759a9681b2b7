'use strict';
// The tutorial's Express app, rebuilt on the group_users extension: every
// route is one call of one extension function through sequelize.query with
// bind parameters. No check-then-insert, no JavaScript joins.
require('./models'); // int8 as numbers (see models.js), before any query
const express = require('express');
const { QueryTypes } = require('sequelize');

// SQLSTATEs that are the client's fault
const BAD_REQUEST = new Set([
  '22004', // null_value_not_allowed: a NULL id or role
  '22023', // invalid_parameter_value: an empty role, a negative max_rows
  '22P02', // invalid_text_representation: "abc" as an id
  '22003', // numeric_value_out_of_range: an id beyond bigint
]);
const NOT_FOUND = '23503'; // foreign_key_violation: "user 42 does not exist"

const MAX_PAGE = 1000;
const DEFAULT_PAGE = 50;

// The driver's error under Sequelize's wrapper
function pgError(err) {
  return (err && (err.original || err.parent)) || err;
}

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function optionalInteger(value, name) {
  if (value === undefined || value === '') return null;
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) {
    throw new HttpError(400, `${name} must be an integer`);
  }
  return value; // as text: PostgreSQL reads it as bigint, whatever its size
}

// Express 4 does not catch rejected promises
const wrap = (handler) => (req, res, next) => {
  Promise.resolve().then(() => handler(req, res)).catch(next);
};

function buildApp(sequelize) {
  const select = (sql, bind) => sequelize.query(sql, { bind, type: QueryTypes.SELECT });

  const app = express();
  app.use(express.json());

  // The tutorial's controller: the user with its groups included.
  // ?membership=false leaves out each group's GroupUsers object.
  app.get('/users/:id', wrap(async (req, res) => {
    const { membership } = req.query;
    if (membership !== undefined && membership !== 'true' && membership !== 'false') {
      throw new HttpError(400, 'membership must be true or false');
    }
    const [{ user }] = await select(
      'SELECT group_users.user_with_groups($1, $2) AS "user"',
      [req.params.id, membership !== 'false']);
    if (user === null) throw new HttpError(404, `user ${req.params.id} does not exist`);
    res.json({ data: user });
  }));

  // Add a member. Already a member is not an error: 200 { created: false }
  // (and the role, if given, is applied to the existing membership).
  app.post('/groups/:gid/users', wrap(async (req, res) => {
    const { userId, role } = req.body || {};
    const [{ created }] = role === undefined
      ? await select('SELECT group_users.add_membership($1, $2) AS created',
        [userId ?? null, req.params.gid])
      : await select('SELECT group_users.add_membership($1, $2, $3) AS created',
        [userId ?? null, req.params.gid, role]);
    res.status(created ? 201 : 200).json({ created });
  }));

  // A page of members, by user id: ?after=<last id of the previous page>&limit=N.
  // next is the id to pass as after= for the following page, null on the last.
  app.get('/groups/:gid/users', wrap(async (req, res) => {
    const after = optionalInteger(req.query.after, 'after');
    let limit = DEFAULT_PAGE;
    if (req.query.limit !== undefined) {
      if (typeof req.query.limit !== 'string' || !/^\d+$/.test(req.query.limit)) {
        throw new HttpError(400, 'limit must be a non-negative integer');
      }
      limit = Math.min(Number(req.query.limit), MAX_PAGE);
    }
    // One row more than asked tells whether there is a next page
    const rows = await select(
      'SELECT id, username, email, role, joined_at AS "joinedAt" ' +
      'FROM group_users.group_members($1, $2, $3)',
      [req.params.gid, after, limit + 1]);
    const more = rows.length > limit;
    const data = more ? rows.slice(0, limit) : rows;
    res.json({ data, next: more && data.length ? data[data.length - 1].id : null });
  }));

  app.delete('/groups/:gid/users/:uid', wrap(async (req, res) => {
    const [{ removed }] = await select(
      'SELECT group_users.remove_membership($1, $2) AS removed',
      [req.params.uid, req.params.gid]);
    res.json({ removed });
  }));

  // Replace the user's groups, atomically: { groupIds: [...], role? }
  app.put('/users/:id/groups', wrap(async (req, res) => {
    const { groupIds, role } = req.body || {};
    if (!Array.isArray(groupIds)) throw new HttpError(400, 'groupIds must be an array');
    const [result] = role === undefined
      ? await select('SELECT added, removed FROM group_users.set_user_groups($1, $2)',
        [req.params.id, groupIds])
      : await select('SELECT added, removed FROM group_users.set_user_groups($1, $2, $3)',
        [req.params.id, groupIds, role]);
    res.json({ added: result.added, removed: result.removed });
  }));

  // eslint-disable-next-line no-unused-vars
  app.use((err, req, res, next) => {
    if (err instanceof HttpError) return res.status(err.status).json({ error: err.message });
    if (err.type === 'entity.parse.failed') return res.status(400).json({ error: 'invalid JSON body' });
    const pgErr = pgError(err);
    if (pgErr && pgErr.code === NOT_FOUND) return res.status(404).json({ error: pgErr.message });
    if (pgErr && BAD_REQUEST.has(pgErr.code)) return res.status(400).json({ error: pgErr.message });
    console.error(err);
    return res.status(500).json({ error: 'internal error' });
  });

  return app;
}

module.exports = buildApp;
module.exports.buildApp = buildApp;
