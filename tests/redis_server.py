"""A real ``redis-server`` for tests: on a free 127.0.0.1 port, in a temporary directory,
persisting nothing, killed in teardown (and by a lifetime bound, and with pytest itself:
conftest's PR_SET_PDEATHSIG), stoppable and restartable on the same port, pausable
(SIGSTOP: a Redis that accepts connections and never answers)."""

from __future__ import annotations

import signal
import socket
import ssl
import subprocess
import threading
import time
from pathlib import Path

from conftest import free_port, need

LIFETIME = 120.0  # seconds a server may live, whatever the test does


class RedisServer:
    """One ``redis-server`` process (started again by :meth:`start` after :meth:`stop`)."""

    def __init__(self, workdir: Path, *args: str, tls: tuple[Path, Path] | None = None) -> None:
        self.binary = need("redis-server")
        self.workdir = workdir
        self.args = args
        self.tls = tls  # (certificate, key): serve TLS only
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self._reaper: threading.Timer | None = None

    @property
    def url(self) -> str:
        """``redis://127.0.0.1:PORT`` (``rediss://`` for a TLS server)."""
        return f"{'rediss' if self.tls else 'redis'}://127.0.0.1:{self.port}"

    def start(self, timeout: float = 10.0) -> None:
        """Start the server and wait until it answers PING (any reply: NOAUTH counts)."""
        assert self.proc is None or self.proc.poll() is not None
        listen = ["--port", "0", "--tls-port", str(self.port),
                  "--tls-cert-file", str(self.tls[0]), "--tls-key-file", str(self.tls[1]),
                  "--tls-auth-clients", "no"] if self.tls else ["--port", str(self.port)]
        self.proc = subprocess.Popen(
            [self.binary, "--bind", "127.0.0.1", *listen, "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir), "--logfile", str(self.workdir / "redis.log"),
             "--daemonize", "no", *self.args],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._reaper = threading.Timer(LIFETIME, self.proc.kill)
        self._reaper.daemon = True
        self._reaper.start()
        deadline = time.monotonic() + timeout
        while not self.ping():
            if self.proc.poll() is not None:
                log = (self.workdir / "redis.log").read_text(errors="replace")
                raise AssertionError(f"redis-server exited: {log[-2000:]}")
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError("redis-server did not answer PING")
            time.sleep(0.02)

    def ping(self) -> bool:
        """Whether the server answers a PING on its port now."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as raw:
                if not self.tls:
                    return self._ask(raw)
                ctx = ssl.create_default_context()
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE  # a readiness probe, nothing more
                with ctx.wrap_socket(raw) as wrapped:
                    return self._ask(wrapped)
        except OSError:
            return False

    @staticmethod
    def _ask(sock: socket.socket) -> bool:
        sock.sendall(b"PING\r\n")
        return sock.recv(64)[:1] in (b"+", b"-")

    def pause(self) -> None:
        """SIGSTOP: connections are accepted (the kernel's backlog), nothing is answered."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        """SIGCONT after :meth:`pause`."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        """Kill the server (its port becomes free for :meth:`start`)."""
        self.kill()

    def kill(self) -> None:
        """SIGKILL (works on a paused server too) and reap; idempotent."""
        if self._reaper is not None:
            self._reaper.cancel()
            self._reaper = None
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            proc.kill()
        if proc is not None:
            proc.wait(10)
