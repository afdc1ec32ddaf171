"""A cluster the tests drive: a primary forking workers that answer TLS (or plain TCP).

``python tls_cluster.py CONFIG`` (JSON: ``workers``, ``port``, ``host``, ``servers`` per
worker, ``mode``: ``tls`` (a tls.Server), ``context`` (TLSSockets on the SecureContext
built before fork) or ``net`` (plain TCP), ``maxVersion``, ``hold`` to keep connections
open and echo).  The primary prints one JSON line per
cluster event and obeys JSON commands on stdin (``fork``, ``kill``, ``send``, ``serve``,
``disconnect``); each worker answers every connection with its id and closes it, and
echoes every message back to the primary.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any

import nodessl as tls
from nodessl import cluster, net

CONFIG: dict[str, Any] = json.loads(sys.argv[1])
KEYS = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "keys")


def _read(name: str) -> bytes:
    with open(os.path.join(KEYS, name), "rb") as f:
        return f.read()


# Built once, before any fork: every worker (and the primary) holds this SSL_CTX.
CONTEXT = tls.createSecureContext({"key": _read("agent1-key.pem"),
                                   "cert": _read("agent1-cert.pem"),
                                   "maxVersion": CONFIG.get("maxVersion", "TLSv1.3")})


def out(**event: Any) -> None:
    print(json.dumps(event), flush=True)


def answer(sock: Any) -> None:
    sock.on("error", lambda err: None)
    me = str(cluster.worker.id if cluster.worker else 0).encode()
    if CONFIG.get("hold"):  # say who answers, then echo until the client ends
        sock.write(me + b"\n")
        sock.pipe(sock)
        return
    sock.end(me)


def make_server() -> Any:
    mode = CONFIG.get("mode", "tls")
    if mode == "net":
        return net.createServer(answer)
    if mode == "tls":  # a tls.Server: its own context, built in each worker
        return tls.createServer({"key": _read("agent1-key.pem"), "cert": _read("agent1-cert.pem"),
                                 "maxVersion": CONFIG.get("maxVersion", "TLSv1.3")}, answer)

    def wrap(raw: Any) -> None:  # mode "context": every connection on the pre-fork CONTEXT
        sock = tls.TLSSocket(raw, {"isServer": True, "secureContext": CONTEXT})
        sock.on("secure", lambda: answer(sock))
        sock.on("error", lambda err: None)

    return net.createServer(wrap)


EVERYONE: dict[int, cluster.Worker] = {}  # workers, also once gone from cluster.workers


def primary() -> None:
    def on_fork(worker: cluster.Worker) -> None:
        EVERYONE[worker.id] = worker
        out(ev="fork", id=worker.id, pid=worker.process.pid)

    cluster.on("fork", on_fork)
    cluster.on("online", lambda w: out(ev="online", id=w.id))
    cluster.on("listening", lambda w, a: out(ev="listening", id=w.id, address=a))
    cluster.on("message", lambda w, m: out(ev="message", id=w.id, message=m))
    cluster.on("disconnect", lambda w: out(ev="disconnect", id=w.id,
                                           connected=w.isConnected(),
                                           after=w.exitedAfterDisconnect))
    cluster.on("exit", lambda w, code, sig: out(ev="exit", id=w.id, code=code, signal=sig,
                                                dead=w.isDead(),
                                                after=w.exitedAfterDisconnect,
                                                workers=sorted(cluster.workers or {})))
    for _ in range(CONFIG.get("workers", 2)):
        cluster.fork({"CLUSTER_TEST": "yes"})
    out(ev="forked", pid=os.getpid())  # the primary's main goes on; a worker never gets here

    loop = asyncio.get_running_loop()
    buf = b""

    def on_stdin() -> None:
        nonlocal buf
        data = os.read(0, 65536)
        if not data:
            loop.remove_reader(0)
            raise SystemExit(0)  # the test is gone
        buf += data
        *lines, buf = buf.split(b"\n")
        for line in lines:
            if line.strip():
                command(json.loads(line))

    loop.add_reader(0, on_stdin)


def command(cmd: dict[str, Any]) -> None:
    op = cmd["cmd"]
    workers = cluster.workers or {}
    if op == "fork":
        cluster.fork()
    elif op == "kill":
        workers[cmd["id"]].kill(cmd.get("signal", "SIGTERM"))
    elif op == "send":
        workers[cmd["id"]].send(cmd["message"])
    elif op == "disconnect":
        cluster.disconnect(lambda: out(ev="disconnected"))
    elif op == "serve":
        server = make_server()
        server.listen(0, "127.0.0.1", lambda: out(ev="serving", port=server.address().port))
        server.unref()
    elif op == "send_gone":  # to a worker whose channel is closed
        gone = EVERYONE[cmd["id"]]
        gone.once("error", lambda err: out(ev="send_error", code=err.code))
        result = gone.send("lost")
        gone.send("lost", lambda err: out(ev="send_callback", code=err.code))
        out(ev="send_result", result=result, connected=gone.isConnected())
    elif op == "errors":
        out(ev="errors", result=errors())


def errors() -> dict[str, Any]:
    """Bad input, as Node reports it."""
    found: dict[str, Any] = {}
    w = next(iter((cluster.workers or {}).values()))
    for name, call in [("send_missing", lambda: w.send()),
                       ("send_object", lambda: w.send(object())),
                       ("send_set", lambda: w.send({"a": {1, 2}})),
                       ("kill_signal", lambda: w.process.kill("SIGNOPE")),
                       ("fork_env", lambda: cluster.fork(5)),
                       ("disconnect_cb", lambda: cluster.disconnect(7))]:
        try:
            call()
            found[name] = None
        except Exception as exc:  # noqa: BLE001 - reported to the test
            found[name] = [type(exc).__name__, getattr(exc, "code", None),
                           isinstance(exc, TypeError)]
    return found


def worker() -> None:
    me = cluster.worker
    assert me is not None and cluster.workers is None
    assert os.environ.get("CLUSTER_TEST") == "yes" or me.id > CONFIG.get("workers", 2)
    cluster.process.on("message", lambda m: cluster.process.send(
        {"echo": m, "from": me.id, "pid": os.getpid()}))

    def on_message(m: Any) -> None:
        if m == "die":
            me.kill()  # in a worker: exit 0, the primary told it was meant
        elif m == "leave":
            me.disconnect()

    me.on("message", on_message)
    for _ in range(CONFIG.get("servers", 1)):
        server = make_server()
        server.on("error", lambda err: cluster.process.send(
            {"listen_error": [err.code, getattr(err, "syscall", None), err.message]}))
        server.listen(CONFIG.get("port", 0), CONFIG.get("host", "127.0.0.1"))


def main() -> None:
    if cluster.isPrimary:
        assert not cluster.isWorker and cluster.isMaster
        primary()
    else:
        assert cluster.isWorker and not cluster.isMaster
        worker()


tls.run(main)
