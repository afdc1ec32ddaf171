// The Node.js 20 column of `make bench`: a tls server or a tls client, driven by bench.py.
//
//   node node_side.js '{"role":"server", "ecdsa":[key,cert], "rsa":[key,cert], "unit":U}'
//       three servers on 127.0.0.1: echo with the ECDSA identity, echo with the RSA one,
//       and a sink (ECDSA) that acks every `unit` bytes it received with one byte; prints
//       {"ecdsa":P,"rsa":P,"sink":P} and runs until stdin closes.
//   node node_side.js '{"role":"client", "ca":path, "servername":name}'
//       reads one JSON command a line on stdin (see bench.py's CLIENT PROTOCOL) and for each
//       prints {"ready":...}, waits for a line, runs it, prints the result, waits for a
//       line, closes what it opened, prints {"closed":true}.
// The Python columns (nodessl_side.py, bare_side.py) do exactly the same.
'use strict';
const tls = require('tls');
const fs = require('fs');
const readline = require('readline');

const config = JSON.parse(process.argv[2]);
const noop = () => {};
const print = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

function echo(sock) {
  sock.on('error', noop);  // a peer's reset is not the bench's business
  sock.on('data', (d) => sock.write(d));
}

function sink(sock) {
  let got = 0;
  sock.on('error', noop);
  sock.on('data', (d) => {
    const before = Math.floor(got / config.unit);
    got += d.length;
    const acks = Math.floor(got / config.unit) - before;
    if (acks > 0) sock.write(Buffer.alloc(acks, 0x6b));
  });
}

function server() {
  const identity = ([key, cert]) => ({key: fs.readFileSync(key), cert: fs.readFileSync(cert)});
  const ports = {};
  const specs = [['ecdsa', config.ecdsa, echo], ['rsa', config.rsa, echo],
                 ['sink', config.ecdsa, sink]];
  let pending = specs.length;
  for (const [name, id, handler] of specs) {
    const srv = tls.createServer(identity(id), handler);
    srv.on('tlsClientError', noop);
    srv.listen(0, '127.0.0.1', () => {
      ports[name] = srv.address().port;
      if (--pending === 0) print({...ports, openssl: process.versions.openssl});
    });
  }
  process.stdin.on('end', () => process.exit(0)).resume();
}

// ------------------------------------------------------------------------------------------
// client

const lines = [];
let lineWaiter = null;
function nextLine() {
  if (lines.length) return Promise.resolve(lines.shift());
  return new Promise((resolve) => { lineWaiter = resolve; });
}

function connectOpts(cmd, session) {
  const opts = {host: '127.0.0.1', port: cmd.port, servername: config.servername,
                secureContext: config.context};
  if (session) opts.session = session;
  return opts;
}

function info(sock) {
  return {protocol: sock.getProtocol(), cipher: sock.getCipher().standardName};
}

// One connection: handshake, end, resolve on 'close' with what it negotiated.
function once(cmd, session, wantSession) {
  return new Promise((resolve, reject) => {
    let got = null;
    let seen = null;
    const sock = tls.connect(connectOpts(cmd, session), () => {
      seen = {...info(sock), reused: sock.isSessionReused()};
      sock.end();
    });
    if (wantSession) sock.on('session', (s) => { got = s; });
    sock.on('error', reject);
    sock.on('close', () => resolve({seen, session: got}));
  });
}

async function opened(cmd, count) {
  const socks = [];
  await Promise.all(Array.from({length: count}, () => new Promise((resolve, reject) => {
    const sock = tls.connect(connectOpts(cmd), () => resolve());
    sock.on('error', reject);
    socks.push(sock);
  })));
  return socks;
}

async function closeAll(socks) {
  await Promise.all(socks.map((sock) => new Promise((resolve) => {
    sock.on('close', resolve);
    sock.end();
  })));
}

const ops = {
  async hs(cmd) {
    let session = null;
    if (cmd.resume) session = (await once(cmd, null, true)).session;
    if (cmd.resume && !session) throw new Error('no session from the first handshake');
    print({ready: true});
    await nextLine();
    let started = 0;
    let reused = 0;
    let last = null;
    const worker = async () => {
      while (started < cmd.n) {
        started++;
        const {seen} = await once(cmd, session, false);
        if (seen.reused) reused++;
        last = seen;
      }
    };
    await Promise.all(Array.from({length: cmd.conc}, worker));
    print({ops: cmd.n, resumed: reused, protocol: last.protocol, cipher: last.cipher});
    await nextLine();
  },

  async echo(cmd) {
    const socks = await opened(cmd, cmd.conns);
    print({ready: true});
    await nextLine();
    const msg = Buffer.alloc(cmd.size, 0x61);
    const per = Math.floor(cmd.n / cmd.conns);
    await Promise.all(socks.map((sock) => new Promise((resolve) => {
      let left = per;
      let got = 0;
      sock.on('data', (d) => {
        got += d.length;
        if (got < cmd.size) return;
        got = 0;
        if (--left > 0) sock.write(msg);
        else resolve();
      });
      sock.write(msg);
    })));
    print({ops: per * cmd.conns, ...info(socks[0])});
    await nextLine();
    await closeAll(socks);
  },

  async bulk(cmd) {
    const [sock] = await opened(cmd, 1);
    print({ready: true});
    await nextLine();
    const buf = Buffer.alloc(cmd.chunk, 0x61);
    const total = cmd.n;
    const wanted = Math.floor(total / cmd.unit);
    await new Promise((resolve) => {
      let acks = 0;
      sock.on('data', (d) => { acks += d.length; if (acks >= wanted) resolve(); });
      let sent = 0;
      const pump = () => {
        while (sent < total) {
          const n = Math.min(cmd.chunk, total - sent);
          sent += n;
          if (!sock.write(n === cmd.chunk ? buf : buf.subarray(0, n))) {
            sock.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    print({ops: total, ...info(sock)});
    await nextLine();
    await closeAll([sock]);
  },
};

async function client() {
  // One context for every connection, as each column does: tls.connect would otherwise
  // build one per connection from `ca` (parsing the PEM, a new X509_STORE each time).
  config.context = tls.createSecureContext({ca: fs.readFileSync(config.ca),
                                            ecdhCurve: 'X25519:P-256'});
  const rl = readline.createInterface({input: process.stdin});
  rl.on('line', (line) => {
    if (lineWaiter) { const w = lineWaiter; lineWaiter = null; w(line); } else lines.push(line);
  });
  rl.on('close', () => process.exit(0));
  print({ready: true, openssl: process.versions.openssl});
  for (;;) {
    const cmd = JSON.parse(await nextLine());
    await ops[cmd.op](cmd);
    print({closed: true});
  }
}

if (config.role === 'server') server();
else client().catch((e) => { console.error(String(e && e.stack || e)); process.exit(1); });
