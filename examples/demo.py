"""Demo: one nodessl TLS server, a nodessl client and a Node.js client, and what each end sees.

The server (fixture agent1's certificate, issued by ca1) asks every client for a
certificate (``requestCert: True``), trusts ca1 for them (``ca``), but lets clients
without a valid one in (``rejectUnauthorized: False``), recording why instead:

* the nodessl client checks the server against ca1 (servername ``'agent1'``) and
  presents agent1's certificate, which ca1 signed: the server side is *authorized*;
* the Node.js client (``node -e``, run beside the event loop, not blocking it) checks
  the server the same way, stops at TLS 1.2 (where the cipher's OpenSSL name and its
  IETF standard name differ) and presents no certificate: the server side is not
  authorized, with Node's reason ``UNABLE_TO_GET_ISSUER_CERT``.

Each client sends one line and the server answers it.  For both ends of both
connections the report shows the protocol, the cipher (OpenSSL name and IETF
``standardName``), the peer certificate's subject and issuer CN, and the verification
result.

Then two things Python's ``ssl`` module cannot do:

* OCSP stapling: both clients ask for the certificate status (``requestOCSP``); the
  server's ``OCSPRequest`` listener answers with a real OCSP response, built and signed
  for ca1 with ``cryptography``, which the server staples into the handshake; the
  nodessl client reads the stapled response back and shows what ca1 says;
* PSK: a second server without any certificate (``pskCallback``, ``pskIdentityHint``)
  admits both clients by identity and pre-shared key, once with TLS 1.3 and once with a
  TLS 1.2 PSK cipher suite (where the identity hint reaches the client).

Run from anywhere: ``python examples/demo.py`` (``make demo``).  Exits 0 once both
exchanges are done and the server has closed; 1 with a one-line reason otherwise.  Every
step is bounded by a timeout, so it cannot hang.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509 import ocsp

import nodessl as tls
from nodessl.ocsp import build_response

KEYS = Path(__file__).resolve().parent.parent / "fixtures" / "keys"
STEP_TIMEOUT = 10.0  # one client's whole exchange, or the server starting to listen
HARD_TIMEOUT = 30.0  # the whole program, whatever happens (see _watchdog)

NODESSL = "nodessl client"
NODE = "Node client"

# The Node.js client.  It prints one JSON line: its view of the connection and the reply.
NODE_CLIENT = r"""
const tls = require('tls'), fs = require('fs');
const sock = tls.connect({port: Number(process.env.DEMO_PORT), host: '127.0.0.1',
                          servername: 'agent1', ca: fs.readFileSync(process.env.DEMO_CA),
                          maxVersion: 'TLSv1.2', requestOCSP: true}, () => {
  const cipher = sock.getCipher(), peer = sock.getPeerCertificate();
  view = {protocol: sock.getProtocol(), cipher: cipher.name, standardName: cipher.standardName,
          subject: (peer.subject && peer.subject.CN) || 'none',
          issuer: (peer.issuer && peer.issuer.CN) || 'none',
          authorized: sock.authorized, authorizationError: sock.authorizationError || null,
          ocsp: stapled};
  sock.write(process.env.DEMO_MESSAGE);
});
let view = null, reply = '', stapled = 'none';
sock.on('OCSPResponse', (r) => { stapled = r ? `received (${r.length} bytes)` : 'none'; });
sock.setEncoding('utf8');
sock.on('data', (d) => { reply += d; });
sock.on('end', () => { process.stdout.write(JSON.stringify({view, reply}) + '\n'); });
sock.on('error', (e) => { console.error(`${e.code || 'error'}: ${e.message}`); process.exit(1); });
"""


# The Node.js PSK client: TLS 1.2 with a PSK cipher suite, so the server's hint reaches it.
NODE_PSK_CLIENT = r"""
const tls = require('tls');
let hint = null;
const sock = tls.connect({port: Number(process.env.DEMO_PORT), host: '127.0.0.1',
  maxVersion: 'TLSv1.2', ciphers: 'PSK+HIGH', checkServerIdentity: () => undefined,
  pskCallback: (h) => { hint = h; return {psk: Buffer.from(process.env.DEMO_PSK, 'hex'),
                                          identity: 'node-client'}; }}, () => {
  const view = {protocol: sock.getProtocol(), cipher: sock.getCipher().name, hint};
  sock.end();
  process.stdout.write(JSON.stringify(view) + '\n');
});
sock.on('error', (e) => { console.error(`${e.code || 'error'}: ${e.message}`); process.exit(1); });
"""

# The pre-shared keys the PSK server knows, by identity (a real server would look them up).
PSK_KEYS = {"nodessl-client": bytes.fromhex("6e6f646573736c2d64656d6f2d6b6579"),
            "node-client": bytes.fromhex("4e6f64652e6a732d64656d6f2d6b6579")}


class DemoError(Exception):
    """Something the demo expected did not happen; the message says what."""


View = dict[str, Any]  # one end of one connection, as reported


def key(name: str) -> bytes:
    path = KEYS / name
    if not path.exists():
        raise DemoError(f"{path} is missing: run `make keys`")
    return path.read_bytes()


def message(who: str) -> str:
    return f"hello from the {who}\n"


def describe(sock: tls.TLSSocket) -> View:
    """The facts a user wants about one end of a connection (same keys as the Node client's)."""
    cipher = sock.getCipher() or {}
    peer = sock.getPeerCertificate() or {}
    return {"protocol": sock.getProtocol(), "cipher": cipher.get("name"),
            "standardName": cipher.get("standardName"),
            "subject": peer.get("subject", {}).get("CN", "none"),
            "issuer": peer.get("issuer", {}).get("CN", "none"),
            "authorized": sock.authorized, "authorizationError": sock.authorizationError}


async def nodessl_client(port: int) -> tuple[View, str]:
    """Connect, say hello, read the answer until the server ends; the client's view + reply."""
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    view: View = {}
    reply: list[bytes] = []
    sock = tls.connect(port, "127.0.0.1", {
        "ca": key("ca1-cert.pem"), "servername": "agent1",
        # our own certificate, for the server's requestCert
        "key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
        "requestOCSP": True,
    })
    view["ocsp"] = "none"
    sock.once("OCSPResponse", lambda der: view.update(ocsp=ocsp_status(der)))

    def on_secure() -> None:
        view.update(describe(sock))
        sock.write(message(NODESSL).encode())

    def settle(err: BaseException | None = None) -> None:
        if done.done():
            return
        if err is None:
            done.set_result(None)
        else:
            done.set_exception(err)

    sock.once("secureConnect", on_secure)
    sock.on("data", reply.append)
    sock.on("error", settle)
    sock.on("close", lambda *had_error: settle())
    try:
        await done
    finally:
        sock.destroy()
    return view, b"".join(reply).decode()


async def node_client(node: str, port: int) -> tuple[View, str]:
    """Run the Node.js client as a subprocess on the loop; its view + the reply it got."""
    proc = await asyncio.create_subprocess_exec(
        node, "-e", NODE_CLIENT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "DEMO_PORT": str(port), "DEMO_CA": str(KEYS / "ca1-cert.pem"),
             "DEMO_MESSAGE": message(NODE)})
    _children.append(proc)
    try:
        out, err = await proc.communicate()
    finally:
        if proc.returncode is None:  # cancelled (timeout or a failure elsewhere)
            proc.kill()
            await proc.wait()
    if proc.returncode != 0 or not out.strip():
        raise DemoError(f"the Node client failed (status {proc.returncode}): "
                        f"{err.decode(errors='replace').strip()}")
    result = json.loads(out)
    return result["view"], result["reply"]


def ocsp_response(cert_der: bytes, issuer_der: bytes | None) -> bytes | None:
    """What an OCSP responder for ca1 would answer: a signed response saying "good"."""
    if issuer_der is None:
        return None
    return build_response(cert_der, issuer_der, key("ca1-key.pem"), passphrase=b"password")


def ocsp_status(der: bytes | None) -> str:
    """A stapled response as the client reads it back: its status, its signature checked."""
    if der is None:
        return "none"
    response = ocsp.load_der_ocsp_response(der)
    ca1 = x509.load_pem_x509_certificate(key("ca1-cert.pem"))
    ca1.public_key().verify(  # type: ignore[union-attr, call-arg]
        response.signature, response.tbs_response_bytes, padding.PKCS1v15(),
        response.signature_hash_algorithm)  # raises if ca1 did not sign it
    return f"{response.certificate_status.name.lower()}, signed by ca1 ({len(der)} bytes)"


async def bounded(who: str, work: Coroutine[Any, Any, tuple[View, str]]) -> tuple[View, str]:
    """One client's exchange, with a timeout and failures that say which client it was."""
    try:
        return await asyncio.wait_for(work, STEP_TIMEOUT)
    except TimeoutError:
        raise DemoError(f"the {who} did not finish within {STEP_TIMEOUT:.0f} s") from None
    except tls.NodeError as err:
        raise DemoError(f"the {who} failed: {err.code}: {err.message}") from None


async def demo(node: str) -> tuple[int, dict[str, tuple[View, str]], dict[str, View]]:
    """Serve both clients; return the port, each client's (view, reply) and the server views."""
    loop = asyncio.get_running_loop()
    server_views: dict[str, View] = {}
    failures: list[str] = []

    def on_secure_connection(sock: tls.TLSSocket) -> None:
        # Read one line, note what this end sees, answer and end.  The greeting tells
        # which client this is.
        received: list[bytes] = []
        sock.on("error", lambda err: failures.append(f"server side: {err}"))

        def on_data(chunk: bytes) -> None:
            received.append(chunk)
            text = b"".join(received).decode(errors="replace")
            if text.endswith("\n"):
                who = text.removeprefix("hello from the ").strip()
                answer = f"hi {who}, from the server\n"
                server_views[who] = {**describe(sock), "sent": answer,
                                     "ocsp": "stapled on request"}
                sock.end(answer.encode())

        sock.on("data", on_data)

    server = tls.createServer({
        "key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
        "requestCert": True, "rejectUnauthorized": False, "ca": key("ca1-cert.pem"),
    }, on_secure_connection)
    server.on("tlsClientError", lambda err, sock: failures.append(f"handshake: {err}"))
    # Stapling: answer each client's status request while its handshake waits, as a
    # server fetching a fresh response from its CA's responder would.
    server.on("OCSPRequest", lambda cert, issuer, cb: loop.call_soon(
        cb, None, ocsp_response(cert, issuer)))
    listening: asyncio.Future[None] = loop.create_future()
    server.on("error", lambda err: listening.done() or listening.set_exception(err))
    server.listen(0, "127.0.0.1", lambda: listening.done() or listening.set_result(None))
    try:
        await asyncio.wait_for(listening, STEP_TIMEOUT)
        port = server.address()["port"]
        # Both clients at once; a failure or timeout in one cancels the other.
        try:
            async with asyncio.TaskGroup() as group:
                mine = group.create_task(bounded(NODESSL, nodessl_client(port)))
                theirs = group.create_task(bounded(NODE, node_client(node, port)))
        except BaseExceptionGroup as group_error:
            raise group_error.exceptions[0] from None
    finally:
        server.close()
    if failures:
        raise DemoError("; ".join(failures))
    clients = {NODESSL: mine.result(), NODE: theirs.result()}
    for who, (_, reply) in clients.items():
        if who not in server_views or not reply:
            raise DemoError(f"the {who} and the server did not exchange their messages")
    server_views["psk"] = {"rows": await psk_demo(node)}
    return port, clients, server_views


async def psk_demo(node: str) -> list[View]:
    """A certificate-less PSK server; a nodessl client (TLS 1.3) and a Node client (TLS 1.2)."""
    loop = asyncio.get_running_loop()
    admitted: dict[str, View] = {}

    def psk_for(sock: tls.TLSSocket, identity: str) -> bytes | None:
        admitted[identity] = {}
        return PSK_KEYS.get(identity)  # None: unknown identity, the handshake fails

    def on_secure(sock: tls.TLSSocket) -> None:
        sock.on("data", lambda d: sock.end(b"psk ok"))
        sock.on("error", lambda err: None)

    server = tls.createServer({"pskCallback": psk_for, "pskIdentityHint": "nodessl-demo",
                               "ciphers": "PSK+HIGH:TLS_AES_128_GCM_SHA256"}, on_secure)
    listening: asyncio.Future[None] = loop.create_future()
    server.listen(0, "127.0.0.1", lambda: listening.done() or listening.set_result(None))

    async def mine() -> tuple[View, str]:
        done: asyncio.Future[View] = loop.create_future()
        hints: list[Any] = []

        def psk(hint: str | None) -> dict[str, Any]:
            hints.append(hint)
            return {"psk": PSK_KEYS["nodessl-client"], "identity": "nodessl-client"}

        sock = tls.connect(port, "127.0.0.1", {"pskCallback": psk,
                                                "ciphers": "PSK+HIGH:TLS_AES_128_GCM_SHA256",
                                                "checkServerIdentity": lambda *a: None})
        sock.once("secureConnect", lambda: sock.write(b"hi"))
        sock.once("data", lambda d: done.done() or done.set_result(
            {"protocol": sock.getProtocol(), "cipher": sock.getCipher()["name"],
             "hint": hints[0] if hints else None}))
        sock.once("error", lambda err: done.done() or done.set_exception(err))
        try:
            return await done, ""
        finally:
            sock.destroy()

    async def theirs() -> tuple[View, str]:
        proc = await asyncio.create_subprocess_exec(
            node, "-e", NODE_PSK_CLIENT, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={**os.environ, "DEMO_PORT": str(port),
                 "DEMO_PSK": PSK_KEYS["node-client"].hex()})
        _children.append(proc)
        out, err = await proc.communicate()
        if proc.returncode != 0 or not out.strip():
            raise DemoError(f"the Node PSK client failed: {err.decode(errors='replace')}")
        return json.loads(out), ""

    try:
        await asyncio.wait_for(listening, STEP_TIMEOUT)
        port = server.address()["port"]
        views = [(await bounded(NODESSL, mine()))[0], (await bounded(NODE, theirs()))[0]]
    finally:
        server.close()
    rows = []
    for identity, view in zip(("nodessl-client", "node-client"), views, strict=True):
        if identity not in admitted:
            raise DemoError(f"the PSK server never saw the identity {identity!r}")
        rows.append({"identity": identity, **view})
    return rows


# -- the report -------------------------------------------------------------------------------

def verification(view: View) -> str:
    if view["authorized"]:
        return "authorized"
    return f"not authorized: {view['authorizationError'] or 'no certificate checked'}"


def report(port: int, clients: dict[str, tuple[View, str]],
           server_views: dict[str, View]) -> str:
    notes = {NODESSL: "presents agent1's certificate, issued by ca1",
             NODE: "node -e, TLS 1.2 at most, presents no certificate"}
    rows = [("sent", "sent"), ("protocol", "protocol"), ("cipher", "cipher"),
            ("IETF standardName", "standardName"), ("peer subject CN", "subject"),
            ("peer issuer CN", "issuer"), ("verification", None), ("OCSP stapling", "ocsp")]
    blocks = []
    for who, (view, _) in clients.items():
        ends = [{**view, "sent": message(who)}, server_views[who]]
        cells = [[title, *(verification(end) if name is None
                           else repr(end[name].strip()) if name == "sent" else str(end[name])
                           for end in ends)]
                 for title, name in rows]
        blocks.append((f"{who} ({notes[who]})", [["", who, "server side"], *cells]))
    # one column width for both blocks, so they line up
    width = [max(len(row[i]) for _, cells in blocks for row in cells) + 3 for i in (0, 1)]
    lines = [f"nodessl TLS server on 127.0.0.1:{port}: agent1's certificate (issuer ca1),",
             "requestCert: true, rejectUnauthorized: false, client certificates checked "
             "against ca1"]
    for title, cells in blocks:
        lines += ["", title]
        lines += [f"  {a:<{width[0]}}{b:<{width[1]}}{c}".rstrip() for a, b, c in cells]
    lines += ["", "PSK server (no certificate; pskCallback, pskIdentityHint 'nodessl-demo')"]
    lines += [f"  {row['identity']:<16} {row['protocol']:<9} {row['cipher']:<30} "
              f"identity hint seen by the client: {row['hint']!r}"
              for row in server_views["psk"]["rows"]]
    return "\n".join(lines)


# -- running it -------------------------------------------------------------------------------

_children: list[asyncio.subprocess.Process] = []
_finished = threading.Event()


def _watchdog() -> None:
    # Last resort if the loop itself gets stuck (the per-step timeouts cover the rest):
    # report, kill the Node client, and leave without waiting for anything.
    if _finished.wait(HARD_TIMEOUT):
        return
    print(f"demo failed: still running after {HARD_TIMEOUT:.0f} s "
          "(a socket or the server stayed open)", file=sys.stderr, flush=True)
    for proc in _children:
        if proc.returncode is None:
            proc.kill()
    os._exit(1)


def main() -> int:
    node = shutil.which("node")
    if node is None:
        print("demo failed: `node` (Node.js 20) is not on PATH", file=sys.stderr)
        return 1
    threading.Thread(target=_watchdog, daemon=True).start()
    try:
        # nodessl.run returns once main has finished and nothing (server, socket) is open.
        port, clients, server_views = tls.run(demo, node)
    except tls.NodeError as exc:  # e.g. listen() failing
        print(f"demo failed: {exc.code}: {exc.message}", file=sys.stderr)
        return 1
    except (DemoError, OSError) as exc:
        print(f"demo failed: {exc}", file=sys.stderr)
        return 1
    except TimeoutError:
        print(f"demo failed: the server did not listen within {STEP_TIMEOUT:.0f} s",
              file=sys.stderr)
        return 1
    finally:
        _finished.set()
    print(report(port, clients, server_views))
    return 0


if __name__ == "__main__":
    sys.exit(main())
