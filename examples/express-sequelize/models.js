'use strict';
// Sequelize models mapped onto the tables that CREATE EXTENSION group_users
// makes. The extension owns the tables (keys, foreign keys, indexes, the
// role check): these models only read and write them, and never sync().

// bigint (int8) as JavaScript numbers.
//
// node-postgres returns int8 columns as strings ("4242") by default, because
// a bigint may exceed Number.MAX_SAFE_INTEGER (2^53 - 1). The JSON that the
// extension builds in the database carries ids as numbers, as the tutorial's
// INTEGER ids were, so to make Sequelize's JSON and ours compare equal we
// parse int8 (and int8[]) as numbers. This also makes the belongsToMany
// mixins work: setGroups/addGroups/hasGroups compare the join rows' ids with
// ===, and a string "1" never equals a number 1.
//
// It is a global setting of the pg module, and it must run before Sequelize
// connects: requiring this file does it. The price: ids above 2^53 lose
// precision, exactly as they do in the extension's JSON.
const pg = require('pg');
pg.defaults.parseInt8 = true;

const { Sequelize, DataTypes } = require('sequelize');

const SCHEMA = 'group_users';

// A Sequelize instance for the database named by the libpq environment
// variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE), as psql and
// node-postgres use them; `database` overrides PGDATABASE. Other options are
// passed on to Sequelize.
function createSequelize({ database, ...options } = {}) {
  const env = process.env;
  return new Sequelize(database || env.PGDATABASE || env.PGUSER || 'postgres', env.PGUSER, env.PGPASSWORD, {
    dialect: 'postgres',
    host: env.PGHOST || 'localhost',
    port: Number(env.PGPORT || 5432),
    logging: false,
    ...options,
  });
}

function refuseSync(model) {
  const refuse = async () => {
    throw new Error(`${model.name}: the table ${SCHEMA}.${model.tableName} is owned by ` +
      'the group_users extension; do not sync() or drop() it');
  };
  model.sync = refuse;
  model.drop = refuse;
}

// Defines Users, Groups and GroupUsers on `sequelize`, with the tutorial's
// associations, and returns them.
function defineModels(sequelize) {
  const common = { schema: SCHEMA, underscored: true, timestamps: true };

  const Users = sequelize.define('Users', {
    id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
    username: { type: DataTypes.TEXT, allowNull: false, unique: true },
    email: { type: DataTypes.TEXT, allowNull: true },
  }, { ...common, tableName: 'users' });

  const Groups = sequelize.define('Groups', {
    id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
    name: { type: DataTypes.TEXT, allowNull: false },
  }, { ...common, tableName: 'groups' });

  const GroupUsers = sequelize.define('GroupUsers', {
    userId: {
      type: DataTypes.BIGINT,
      allowNull: false,
      primaryKey: true,
      references: { model: Users, key: 'id' },
      onDelete: 'CASCADE',
      onUpdate: 'CASCADE',
    },
    groupId: {
      type: DataTypes.BIGINT,
      allowNull: false,
      primaryKey: true,
      references: { model: Groups, key: 'id' },
      onDelete: 'CASCADE',
      onUpdate: 'CASCADE',
    },
    role: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'member' },
  }, { ...common, tableName: 'group_users' });

  Users.belongsToMany(Groups, {
    through: GroupUsers, as: 'groups', foreignKey: 'userId', otherKey: 'groupId',
  });
  Groups.belongsToMany(Users, {
    through: GroupUsers, as: 'users', foreignKey: 'groupId', otherKey: 'userId',
  });

  for (const model of [Users, Groups, GroupUsers]) refuseSync(model);
  sequelize.sync = async () => {
    throw new Error('the group_users tables are owned by the extension: do not sync()');
  };

  return { Users, Groups, GroupUsers };
}

module.exports = { defineModels, createSequelize, SCHEMA };
