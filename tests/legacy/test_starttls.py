"""STARTTLS with createSecurePair (examples/starttls.py): nodessl, Node and openssl peers."""

from __future__ import annotations

import asyncio
import importlib.util
import subprocess
import sys
from pathlib import Path

from conftest import KEYS, NODE_PRELUDE, NodePeer, listening, need, run_loop

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("starttls_example", ROOT / "examples" /
                                               "starttls.py")
assert _spec is not None and _spec.loader is not None
starttls = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(starttls)


def quiet(_: str) -> None:
    pass


def test_nodessl_client_and_server_upgrade_mid_conversation() -> None:
    async def main() -> None:
        lines: list[str] = []
        server = starttls.smtp_server(starttls.server_context(), lines.append)
        port = await listening(server)
        seen = await starttls.smtp_client(port, starttls.client_context(), "agent1",
                                          log=quiet)
        server.close()
        assert seen["greeting"] == [b"220 nodessl ESMTP ready"]
        assert seen["before"][-1] == b"250 STARTTLS"
        assert b"250 STARTTLS" not in seen["after"]  # offered on the plain connection only
        assert seen["bye"] == [b"221 Bye"]
        assert (seen["authorized"], seen["peer"]) == (True, "agent1")
        assert lines[:2] == ["server <- EHLO client.example", "server <- STARTTLS"]
        assert "server <- QUIT (TLS)" in lines

    run_loop(main)


def test_openssl_s_client_starttls_smtp() -> None:
    async def main() -> None:
        openssl = need("openssl")
        lines: list[str] = []
        server = starttls.smtp_server(starttls.server_context(), lines.append)
        port = await listening(server)
        proc = await asyncio.create_subprocess_exec(
            openssl, "s_client", "-connect", f"127.0.0.1:{port}", "-starttls", "smtp",
            "-CAfile", str(KEYS / "ca1-cert.pem"), "-verify_hostname", "agent1",
            "-ign_eof", "-crlf", stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        out, _ = await asyncio.wait_for(proc.communicate(b"EHLO openssl\nQUIT\n"), 15)
        text = out.decode(errors="replace")
        server.close()
        assert "Verify return code: 0 (ok)" in text
        assert "250-nodessl greets openssl" in text and "221 Bye" in text
        # the client's EHLO before the upgrade (s_client's own) and after it (ours, in TLS)
        assert lines[0].startswith("server <- EHLO ") and lines[1] == "server <- STARTTLS"
        assert "server <- EHLO openssl (TLS)" in lines and "server <- QUIT (TLS)" in lines

    run_loop(main)


def test_node_client_upgrades_against_the_pair_server() -> None:
    async def main() -> None:
        lines: list[str] = []
        server = starttls.smtp_server(starttls.server_context(), lines.append)
        port = await listening(server)
        node = await NodePeer.start(NODE_PRELUDE + f"""
const sock = net.connect({port}, '127.0.0.1');
let buf = '', state = 'greeting';
const onData = (d) => {{
  buf += d;
  if (!buf.endsWith('\\r\\n')) return;
  const reply = buf; buf = '';
  if (state === 'greeting') {{ state = 'ehlo'; sock.write('EHLO node\\r\\n'); }}
  else if (state === 'ehlo') {{ state = 'starttls'; sock.write('STARTTLS\\r\\n'); }}
  else if (state === 'starttls') {{
    sock.removeListener('data', onData);
    const c = tls.connect({{socket: sock, ca: fs.readFileSync('ca1-cert.pem'),
      servername: 'agent1'}}, () => c.write('QUIT\\r\\n'));
    let got = ''; c.on('data', (x) => got += x);
    c.on('end', () => out({{got, authorized: c.authorized, protocol: c.getProtocol()}}));
    c.on('error', (e) => out({{error: e.code}}));
  }}
}};
sock.on('data', onData);""")
        seen = await node.message()
        await node.close()
        server.close()
        assert seen == {"got": "221 Bye\r\n", "authorized": True, "protocol": "TLSv1.3"}
        assert lines == ["server <- EHLO node", "server <- STARTTLS",
                         "server: TLS up, TLSv1.3 TLS_AES_256_GCM_SHA384",
                         "server <- QUIT (TLS)"]

    run_loop(main)


def test_pair_client_upgrades_against_a_node_server() -> None:
    async def main() -> None:
        node = await NodePeer.start(NODE_PRELUDE + """
const ctx = tls.createSecureContext({key: fs.readFileSync('agent1-key.pem'),
  cert: fs.readFileSync('agent1-cert.pem')});
const srv = net.createServer((sock) => {
  sock.write('220 node ESMTP\\r\\n');
  let buf = '';
  const onData = (d) => {
    buf += d;
    while (buf.includes('\\r\\n')) {
      const i = buf.indexOf('\\r\\n'), line = buf.slice(0, i); buf = buf.slice(i + 2);
      if (line.startsWith('EHLO')) sock.write('250-node\\r\\n250 STARTTLS\\r\\n');
      else if (line === 'STARTTLS') {
        sock.removeListener('data', onData);
        sock.write('220 go ahead\\r\\n');
        const t = new tls.TLSSocket(sock, {isServer: true, secureContext: ctx});
        let tbuf = '';
        t.on('data', (x) => {
          tbuf += x;
          while (tbuf.includes('\\r\\n')) {
            const j = tbuf.indexOf('\\r\\n'), l = tbuf.slice(0, j); tbuf = tbuf.slice(j + 2);
            out({tls: l, protocol: t.getProtocol()});
            if (l.startsWith('EHLO')) t.write('250-node secure\\r\\n250 8BITMIME\\r\\n');
            else if (l === 'QUIT') { t.end('221 node bye\\r\\n'); srv.close(); }
          }
        });
      }
    }
  };
  sock.on('data', onData);
});
srv.listen(0, '127.0.0.1', () => out({port: srv.address().port}));""")
        port = (await node.message())["port"]
        seen = await starttls.smtp_client(port, starttls.client_context(), "agent1", log=quiet)
        theirs = [await node.message(), await node.message()]
        await node.close()
        assert seen["before"] == [b"250-node", b"250 STARTTLS"]
        assert seen["after"] == [b"250-node secure", b"250 8BITMIME"]
        assert seen["bye"] == [b"221 node bye"] and seen["authorized"] is True
        assert theirs == [{"tls": "EHLO client.example", "protocol": "TLSv1.3"},
                          {"tls": "QUIT", "protocol": "TLSv1.3"}]

    run_loop(main)


def test_the_example_runs() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "starttls.py")],
                          capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("STARTTLS ok")


