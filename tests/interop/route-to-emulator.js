'use strict';
// Preload (`node --require ./route-to-emulator.js ...`): every TLS connection to
// `*.salesforce.com` (on 443, or on the emulator's port: the instance URLs of a login made
// through `https://localhost:PORT` keep that port) goes to the emulator at
// SFRPC_EMULATOR_ADDR, keeping the real name as the TLS server name (SNI and certificate
// check) and in the Host header. Logins need no routing: jsforce's loginUrl is
// `https://localhost:PORT`, which the emulator answers as login.salesforce.com; the hook is
// there for the My Domain serverUrl hosts and test.salesforce.com. jsforce 3.10.8 sends
// its HTTP through node-fetch 2 over `https.globalAgent`, whose createConnection calls
// `tls.connect(options)`; wrapping `tls.connect` covers it and anything else. Connections to
// any other non-loopback address are refused so a mistake can never reach the internet.
const tls = require('tls');
const net = require('net');

const addr = process.env.SFRPC_EMULATOR_ADDR || '';
const sep = addr.lastIndexOf(':');
if (sep <= 0) {
  throw new Error('route-to-emulator: SFRPC_EMULATOR_ADDR must be HOST:PORT');
}
const emulatorHost = addr.slice(0, sep);
const emulatorPort = Number(addr.slice(sep + 1));
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** Real hostnames whose connections were routed to the emulator, in order. */
const routed = [];

function isSalesforce(host) {
  return host === 'salesforce.com' || host.endsWith('.salesforce.com');
}

function normalize(args) {
  // tls.connect(options[, cb]) | tls.connect(port[, host][, options][, cb])
  if (args[0] !== null && typeof args[0] === 'object') {
    return { options: { ...args[0] }, rest: args.slice(1) };
  }
  const options = {};
  const rest = [];
  for (const arg of args) {
    if (typeof arg === 'number' || (typeof arg === 'string' && /^\d+$/.test(arg))) {
      options.port = Number(arg);
    } else if (typeof arg === 'string') {
      options.host = arg;
    } else if (arg !== null && typeof arg === 'object') {
      Object.assign(options, arg);
    } else {
      rest.push(arg);
    }
  }
  return { options, rest };
}

const realTlsConnect = tls.connect;
tls.connect = function connect(...args) {
  const { options, rest } = normalize(args);
  const host = options.host || options.hostname || 'localhost';
  const port = Number(options.port || 443);
  if (isSalesforce(host)) {
    if (port !== 443 && port !== emulatorPort) {
      throw new Error(
        `route-to-emulator: ${host} asked on port ${port}, expected 443 or ${emulatorPort}`,
      );
    }
    routed.push(host);
    options.servername = options.servername || host;
    options.host = emulatorHost;
    options.port = emulatorPort;
    delete options.hostname;
  } else if (!LOOPBACK.has(host) && !options.socket) {
    throw new Error(`route-to-emulator: refusing to connect to ${host}:${port}`);
  }
  return realTlsConnect.call(this, options, ...rest);
};

const realNetConnect = net.connect;
function guardedNetConnect(...args) {
  const first = args[0];
  const host =
    first !== null && typeof first === 'object'
      ? first.host || 'localhost'
      : typeof args[1] === 'string'
        ? args[1]
        : 'localhost';
  const isPath = first !== null && typeof first === 'object' && first.path;
  if (!isPath && !LOOPBACK.has(host)) {
    throw new Error(`route-to-emulator: refusing plain connection to ${host}`);
  }
  return realNetConnect.apply(this, args);
}
net.connect = guardedNetConnect;
net.createConnection = guardedNetConnect;

module.exports = { routed };
globalThis.__sfrpcRouted = routed;
