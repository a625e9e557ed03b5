// Preloaded with `node --require` by scripts/services.sh so that emulators without a bind/host
// option (kinesis-local listens on 0.0.0.0, kinesalite's CLI has no --host) listen on the
// loopback address only. Every net.Server (and so http/https/http2/tls servers) that asks for
// a wildcard or missing host is bound to BIND_HOST (default 127.0.0.1) instead.
'use strict';
const net = require('net');

const host = process.env.BIND_HOST || '127.0.0.1';
const wildcard = new Set([undefined, null, '', '0.0.0.0', '::', '[::]']);
const originalListen = net.Server.prototype.listen;

net.Server.prototype.listen = function listen(...args) {
  const first = args[0];
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    // listen(options[, callback]); leave IPC paths and handles alone
    if (first.path === undefined && first.handle === undefined && first._handle === undefined
        && first.fd === undefined && wildcard.has(first.host)) {
      args[0] = Object.assign({}, first, { host });
    }
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    // listen(port[, host][, backlog][, callback])
    if (typeof args[1] === 'string') {
      if (wildcard.has(args[1])) args[1] = host;
    } else {
      args.splice(1, 0, host);
    }
  } else if (first === undefined || typeof first === 'function') {
    // listen([callback]): random port on all interfaces
    args.unshift({ port: 0, host });
    if (typeof first !== 'function') args.splice(1, 1);
  }
  return originalListen.apply(this, args);
};
