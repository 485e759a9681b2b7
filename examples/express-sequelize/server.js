'use strict';
// Starts the app on 127.0.0.1:$PORT (default 3000), on the database named by
// PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE.
const { createSequelize } = require('./models');
const buildApp = require('./app');

const sequelize = createSequelize();
const app = buildApp(sequelize);
const port = Number(process.env.PORT || 3000);

const server = app.listen(port, '127.0.0.1', () => {
  const { address, port: bound } = server.address();
  console.log(`group_users example listening on http://${address}:${bound}`);
});

function stop() {
  server.close(() => sequelize.close().then(() => process.exit(0)));
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
