"""Port of Node 20's test/parallel/test-tls-ticket-cluster.js.

Four worker processes each run a tls.Server behind one port (Node's ``cluster``); a client
connects 16 times, offering the first session it got, and every connection after the first
is resumed whichever worker takes it, because cluster gives every worker the first worker's
ticket keys.

Node's ``cluster`` is scaffolding here: its subject is other processes sharing ticket keys.
It becomes the few parts the test relies on (``Cluster`` below and the worker's
``cluster_listen``): ``fork()`` runs a Python worker using nodessl, ``process.send`` and
``worker.send`` are JSON lines on the worker's stdout and stdin (the IPC channel), a worker's
``listen`` asks the primary first (Node's ``listenInCluster``: it sends
``server._getServerData()``, the ticket keys, and applies the first worker's with
``server._setServerData()``), and the primary hands connections to the workers in turn
(Node's round-robin, by forwarding bytes where Node passes the socket handle).
"""

import asyncio
import json
import sys

import nodechild
import pytest

import nodessl as tls
from nodessl import backend
from nodessl.events import EventEmitter

NODE_TEST = "test-tls-ticket-cluster.js"

# The worker: the part of Node's file after `if (cluster.isPrimary) {...}`, and the worker
# side of cluster.
WORKER = r'''
import asyncio
import json
import os
import sys
import threading

from nodecommon import Common, Fixtures

import nodessl as tls

common = Common()
fixtures = Fixtures()

# -- the worker side of Node's cluster (scaffolding) -------------------------------------------

_message_listeners = []
_cluster_replies = []
_exit_listeners = []
_shared = {}


def process_send(msg):
    """process.send: one JSON line on stdout (the IPC channel)."""
    sys.stdout.write(json.dumps(msg) + "\n")
    sys.stdout.flush()


def process_on_message(listener):
    """process.on('message', listener)."""
    _message_listeners.append(listener)


def process_exit():
    """process.exit(): the 'exit' listeners, then the process ends at once."""
    for listener in _exit_listeners:
        listener()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _dispatch(msg):
    if isinstance(msg, dict) and msg.get("cmd") == "NODE_CLUSTER":
        _cluster_replies.pop(0)(msg)
        return
    for listener in list(_message_listeners):
        listener(msg)


def _read_channel(loop):
    for line in sys.stdin:
        loop.call_soon_threadsafe(_dispatch, json.loads(line))
    # the primary closed the channel: a cluster worker exits then
    os._exit(0)


def _get_server_data(server):
    # tls.Server.prototype._getServerData in Node
    return {"ticketKeys": server.getTicketKeys().hex()}


def _set_server_data(server, data):
    # tls.Server.prototype._setServerData in Node
    server.setTicketKeys(bytes.fromhex(data["ticketKeys"]))


def cluster_listen(server, port, cb):
    """server.listen(port, cb) in a cluster worker (Node's listenInCluster)."""
    def on_reply(reply):
        _set_server_data(server, reply["data"])
        _shared["port"] = reply["port"]

        def on_own_listening():
            process_send({"cmd": "NODE_CLUSTER", "act": "listening",
                          "port": server.address()["port"]})
            cb()

        server.listen(port, "127.0.0.1", on_own_listening)

    _cluster_replies.append(on_reply)
    process_send({"cmd": "NODE_CLUSTER", "act": "queryServer",
                  "data": _get_server_data(server)})


def cluster_address(server):
    """server.address() in a worker: the primary's shared handle."""
    return {"port": _shared["port"]}


# -- Node's worker code --------------------------------------------------------------------------

def main():
    threading.Thread(target=_read_channel, args=(asyncio.get_running_loop(),),
                     daemon=True).start()
    # Node's IPC channel is a refed handle: a worker lives while it is open (it ends through
    # process_exit or when the primary closes the channel)
    tls.setInterval(lambda: None, 60_000)

    key = fixtures.readKey("rsa_private.pem")
    cert = fixtures.readKey("rsa_cert.crt")

    options = {"key": key, "cert": cert}

    def on_secure(c):
        print("[worker] connection reused?", c.isSessionReused(), file=sys.stderr)
        if c.isSessionReused():
            process_send({"msg": "reused"})
        else:
            process_send({"msg": "not-reused"})
        # Used to just .end(), but that means client gets close_notify before
        # NewSessionTicket. Send data until that problem is solved.
        c.end("x")

    server = tls.createServer(options, on_secure)

    def on_listening():
        port = cluster_address(server)["port"]
        process_send({"msg": "listening", "port": port})

    cluster_listen(server, 0, on_listening)

    def listener(msg):
        print(f"[worker] got {json.dumps(msg)}", file=sys.stderr)
        if msg == "die":
            def on_close(*_):
                print("[worker] server close", file=sys.stderr)
                process_exit()

            server.close(on_close)

    process_on_message(listener)

    _exit_listeners.append(lambda: print("[worker] exit", file=sys.stderr))


common.run(main, timeout=20)
'''


class Worker(EventEmitter):
    """Node's ``cluster.Worker`` (primary side): 'message', 'exit' and ``send``."""

    def __init__(self, id_, cluster):
        super().__init__()
        self.id = id_
        self._cluster = cluster
        self._buffer = b""
        self.process = nodechild.fork_python(WORKER)
        self.process.stdout.on("data", self._on_stdout)
        # the workers share the primary's stderr in Node
        self.process.stderr.on("data", lambda data: sys.stderr.write(data.decode(errors="replace")))
        self.process.on("exit", self._on_exit)

    def send(self, msg):
        """worker.send(msg): one JSON line on the worker's stdin."""
        self.process.stdin.write(json.dumps(msg) + "\n")

    def _on_stdout(self, data):
        self._buffer += data
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            msg = json.loads(line)
            if isinstance(msg, dict) and msg.get("cmd") == "NODE_CLUSTER":
                self._cluster._internal(self, msg)
            else:
                self.emit("message", msg)

    def _on_exit(self, code, signal):
        self._cluster._worker_exited(self)
        self.emit("exit", code, signal)


class Cluster:
    """Node's ``cluster`` module, primary side: as much as the test uses (see the docstring)."""

    isPrimary = True

    def __init__(self):
        self.workers = {}
        self._ids = 0
        self._data = None  # the first worker's server data (Node keeps it on the handle)
        self._ports = []  # the workers' own ports, in the order they listened
        self._turn = 0
        self._handle = None  # the shared port's server (asyncio.Task, then asyncio.Server)
        self._pumps = set()

    def fork(self):
        """cluster.fork(): a new worker process."""
        if self._handle is None:
            self._handle = asyncio.get_running_loop().create_task(
                asyncio.start_server(self._distribute, "127.0.0.1", 0))
        self._ids += 1
        worker = Worker(self._ids, self)
        self.workers[worker.id] = worker
        return worker

    def _internal(self, worker, msg):
        if msg["act"] == "queryServer":
            task = asyncio.get_running_loop().create_task(self._reply(worker, msg["data"]))
            self._pumps.add(task)
            task.add_done_callback(self._pumps.discard)
        elif msg["act"] == "listening":
            self._ports.append(msg["port"])

    async def _reply(self, worker, data):
        server = await self._handle
        if self._data is None:
            self._data = data
        worker.send({"cmd": "NODE_CLUSTER", "data": self._data,
                     "port": server.sockets[0].getsockname()[1]})

    async def _distribute(self, reader, writer):
        # Node's round-robin: the primary accepts and gives each connection to the next
        # worker; here its bytes are forwarded, both ways, FIN included
        task = asyncio.current_task()
        self._pumps.add(task)
        try:
            port = self._ports[self._turn % len(self._ports)]
            self._turn += 1
            worker_reader, worker_writer = await asyncio.open_connection("127.0.0.1", port)
        except (OSError, ZeroDivisionError):
            writer.close()
            self._pumps.discard(task)
            return

        async def pump(src, dst):
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
                if dst.can_write_eof():
                    dst.write_eof()
            except OSError:
                dst.close()

        try:
            await asyncio.gather(pump(reader, worker_writer), pump(worker_reader, writer))
        finally:
            writer.close()
            worker_writer.close()
            self._pumps.discard(task)

    def _worker_exited(self, worker):
        self.workers.pop(worker.id, None)
        if not self.workers:
            self.close()

    def close(self):
        """Stop the shared port and the connections being forwarded."""
        handle, self._handle = self._handle, None
        if isinstance(handle, asyncio.Task):
            if handle.done() and not handle.cancelled() and handle.exception() is None:
                handle.result().close()
            else:
                handle.cancel()
        for task in list(self._pumps):
            task.cancel()


@pytest.mark.xfail(not backend.is_shared(), strict=True, reason=(
    "bundled backend: on the bundled backend server.getTicketKeys()/setTicketKeys(), which Node's "
    "cluster uses (_getServerData/_setServerData) to give every worker the first worker's "
    "ticket keys, raise ERR_FEATURE_UNAVAILABLE_ON_PLATFORM (the binding has no ticket-key "
    "callback): each worker dies at listen; the shared backend passes"))
def test_ticket_cluster(common):
    workerCount = 4
    expectedReqCount = 16

    listeningCount = 0
    reusedCount = 0
    reqCount = 0
    lastSession = None
    workerPort = None
    cluster = Cluster()

    def main():
        def shoot():
            print("[primary] connecting", workerPort, "session?", bool(lastSession),
                  file=sys.stderr)

            def on_secure():
                c.on("end", c.end)

            c = tls.connect(workerPort, {
                "session": lastSession,
                "rejectUnauthorized": False,
            }, on_secure)

            def on_close(*_):
                nonlocal reqCount
                # Wait for close to shoot off another connection. We don't want to shoot
                # until a new session is allocated, if one will be. The new session is
                # not guaranteed on secureConnect (it depends on TLS1.2 vs TLS1.3), but
                # it is guaranteed to happen before the connection is closed.
                reqCount += 1
                if reqCount == expectedReqCount:
                    for id_ in list(cluster.workers):
                        cluster.workers[id_].send("die")
                else:
                    shoot()

            c.on("close", on_close)

            def on_session(session):
                nonlocal lastSession
                assert not lastSession
                lastSession = session

            c.once("session", common.mustCallAtLeast(on_session, 0))

            c.resume()  # See close_notify comment in server

        def fork():
            worker = cluster.fork()

            def on_message(message):
                nonlocal reusedCount, listeningCount, workerPort
                msg, port = message.get("msg"), message.get("port")
                print(f"[primary] got {json.dumps(msg)}", file=sys.stderr)
                if msg == "reused":
                    reusedCount += 1
                elif msg == "listening":
                    listeningCount += 1
                    if listeningCount == workerCount:
                        workerPort = port
                        shoot()

            worker.on("message", on_message)

            worker.on("exit", lambda *_: print("[primary] worker died", file=sys.stderr))

        for _ in range(workerCount):
            fork()

    try:
        common.run(main, timeout=20)
    finally:
        cluster.close()
        nodechild.kill_all()

    # process.on('exit')
    assert reqCount == expectedReqCount
    assert reusedCount + 1 == reqCount
