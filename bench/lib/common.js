'use strict';
// What report.js and growth.js share: their arguments, TSV input, the
// median and number formats, so that both reports say the same thing.

const fs = require('fs');

// --key value pairs into an object
const parseArgs = (argv) => {
  const opt = {};
  for (let i = 0; i < argv.length; i += 2) opt[argv[i].replace(/^--/, '')] = argv[i + 1];
  return opt;
};

const readTsv = (file) => fs.readFileSync(file, 'utf8').split('\n')
  .filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t'));

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmtInt = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');
const fmtNum = (x, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '—');
const fmtRatio = (x) => (Number.isFinite(x) ? `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}×` : '—');

module.exports = { parseArgs, readTsv, median, fmtInt, fmtNum, fmtRatio };
