// Preloaded with `node --require` wherever kinesalite is started (scripts/services.sh and the
// tests' KinesaliteProcess). kinesalite 3.3.3 never answers GetShardIterator AT_TIMESTAMP when no
// record of the shard arrived at or after the timestamp (the request hangs until the client times
// out); real Kinesis answers with an iterator that returns the records arriving later. The library
// pins LATEST as AT_TIMESTAMP of the discovery time, so a quiet shard would hang on kinesalite.
// This wraps that one action: when the shard holds no such record, the request is answered as
// LATEST. A record put in the few milliseconds between the check and the LATEST iterator would be
// skipped; kinesis-local has no such gap, and tests that need exact counts around it use it.
'use strict';
const Module = require('module');
const path = require('path');

const originalLoad = Module._load;

Module._load = function load(request, parent, isMain) {
  const exported = originalLoad.apply(this, arguments);
  if (request === './actions/getShardIterator' && parent && parent.filename
      && path.basename(path.dirname(parent.filename)) === 'kinesalite'
      && typeof exported === 'function' && !exported.atTimestampFixed) {
    const db = originalLoad.call(this, './db', parent, false);
    const fixed = atTimestampFix(exported, db);
    fixed.atTimestampFixed = true;
    return fixed;
  }
  return exported;
};

function atTimestampFix(original, db) {
  return function getShardIterator(store, data, cb) {
    if (data.ShardIteratorType !== 'AT_TIMESTAMP' || data.Timestamp == null
        || data.Timestamp * 1000 > Date.now()) {
      return original(store, data, cb);
    }
    let shardIx;
    try {
      shardIx = db.resolveShardId(data.ShardId).shardIx;
    } catch (e) {
      return original(store, data, cb);
    }
    let decided = false;
    const decide = (found) => {
      if (decided) return;
      decided = true;
      if (found) {
        original(store, data, cb);
      } else {
        const latest = Object.assign({}, data, { ShardIteratorType: 'LATEST' });
        delete latest.Timestamp;
        original(store, latest, cb);
      }
    };
    const records = store.getStreamDb(data.StreamName).createValueStream({
      gt: db.shardIxToHex(shardIx),
      lt: db.shardIxToHex(shardIx + 1),
    });
    records.on('data', (record) => {
      if (!decided && record.ApproximateArrivalTimestamp >= data.Timestamp) {
        decide(true);
        records.destroy();
      }
    });
    records.on('end', () => decide(false));
    records.on('close', () => decide(false));
    records.on('error', () => decide(true));
  };
}
