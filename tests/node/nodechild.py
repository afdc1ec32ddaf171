"""Node's ``child_process`` (``spawn``, ``execFile``, ``exec``) for the ports, on asyncio.

A Node test that runs a peer (``openssl s_client``, ...) keeps its process alive while
the child runs and reads the child's output as 'data' events; these do the same inside
``nodessl.run``.  Every child started here is killed by :func:`kill_all` (ports call it
in ``finally``), so no peer outlives its test.
"""

from __future__ import annotations

import asyncio
import shlex
import subprocess
from collections.abc import Callable, Sequence
from typing import Any

from nodessl import loop as _loop
from nodessl.events import EventEmitter

_children: set[asyncio.subprocess.Process] = set()


class ChildStdin:
    """A child's stdin (Node's ``child.stdin``): ``write`` and ``end``; what is written
    before the process has started goes to it once it has."""

    def __init__(self) -> None:
        self._pipe: asyncio.StreamWriter | None = None
        self._early: list[bytes] = []
        self._ended = False

    def _attach(self, pipe: asyncio.StreamWriter | None) -> None:
        self._pipe = pipe
        for data in self._early:
            self.write(data)
        self._early.clear()
        if self._ended:
            self._ended = False
            self.end()

    def write(self, data: bytes | str) -> bool:
        """Send ``data`` (a str as UTF-8); silently dropped once the child has exited."""
        data = data.encode() if isinstance(data, str) else bytes(data)
        if self._pipe is None:
            self._early.append(data)
        elif not self._pipe.is_closing():
            self._pipe.write(data)
        return True

    def end(self) -> None:
        """Close the pipe (the child reads EOF)."""
        if self._pipe is None:
            self._ended = True
        elif not self._pipe.is_closing():
            self._pipe.close()


class ChildProcess(EventEmitter):
    """A running child: ``stdout``/``stderr`` emit 'data'; 'exit' (code, signal), 'close'."""

    def __init__(self) -> None:
        super().__init__()
        self.stdin = ChildStdin()
        self.stdout = EventEmitter()
        self.stderr = EventEmitter()
        self.pid: int | None = None
        self.exitCode: int | None = None
        self._proc: asyncio.subprocess.Process | None = None

    def kill(self, signal: str = "SIGTERM") -> bool:
        """Send ``signal`` (SIGTERM or SIGKILL) if the child still runs."""
        if self._proc is None or self._proc.returncode is not None:
            return False
        (self._proc.kill if signal == "SIGKILL" else self._proc.terminate)()
        return True


def spawn(command: str, args: Sequence[str] = (), options: dict[str, Any] | None = None,
          *, stdin: bytes | None = None) -> ChildProcess:
    """``child_process.spawn``: stdin stays an open pipe, as in Node, unless ``stdin`` is
    given (then it is written and closed)."""
    loop = asyncio.get_running_loop()
    child = ChildProcess()
    _loop.ref(child, loop)
    env = (options or {}).get("env")

    async def pump(stream: asyncio.StreamReader | None, emitter: EventEmitter) -> None:
        while stream is not None:
            data = await stream.read(65536)
            if not data:
                return
            emitter.emit("data", data)

    async def run() -> None:
        try:
            proc = await asyncio.create_subprocess_exec(
                command, *args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, env=env)
        except OSError as err:
            _loop.unref(child, loop)
            child.emit("error", err)
            return
        child._proc = proc
        child.pid = proc.pid
        _children.add(proc)
        if stdin is not None and proc.stdin is not None:
            proc.stdin.write(stdin)
            proc.stdin.close()
        else:
            child.stdin._attach(proc.stdin)
        await asyncio.gather(pump(proc.stdout, child.stdout), pump(proc.stderr, child.stderr))
        code = await proc.wait()
        _children.discard(proc)
        if proc.stdin is not None and not proc.stdin.is_closing():
            proc.stdin.close()
        child.exitCode = code if code >= 0 else None
        signal = None if code >= 0 else f"SIG{-code}"
        _loop.unref(child, loop)
        child.emit("exit", child.exitCode, signal)
        child.emit("close", child.exitCode, signal)

    loop.create_task(run())
    return child


class ExecError(Exception):
    """The error ``exec``/``execFile`` pass when the child fails (Node's ``err.code``)."""

    def __init__(self, message: str, code: int | None, signal: str | None) -> None:
        super().__init__(message)
        self.code = code
        self.signal = signal


def execFile(file: str, args: Sequence[str],
             callback: Callable[..., Any]) -> ChildProcess:
    """``child_process.execFile(file, args, cb)``: ``cb(err, stdout, stderr)`` as str."""
    out: list[bytes] = []
    err: list[bytes] = []
    child = spawn(file, args)
    child.stdout.on("data", out.append)
    child.stderr.on("data", err.append)

    def on_close(code: int | None, signal: str | None) -> None:
        stdout = b"".join(out).decode("utf8", "replace")
        stderr = b"".join(err).decode("utf8", "replace")
        error = None
        if code != 0:
            error = ExecError(f"Command failed: {shlex.join([file, *args])}\n{stderr}",
                              code, signal)
        callback(error, stdout, stderr)

    child.on("close", on_close)
    return child


def exec(command: str, callback: Callable[..., Any]) -> ChildProcess:  # noqa: A001 - Node's name
    """``child_process.exec(command, cb)``: the command line split as a POSIX shell would."""
    argv = shlex.split(command)
    return execFile(argv[0], argv[1:], callback)


def kill_all() -> None:
    """Kill every child still running (call in ``finally``)."""
    import os
    import signal

    for proc in list(_children):
        if proc.returncode is None:
            try:
                os.kill(proc.pid, signal.SIGKILL)  # the loop may be closed already
            except ProcessLookupError:
                pass
    _children.clear()


def fork_python(code: str, args: Sequence[str] = (),
                options: dict[str, Any] | None = None) -> ChildProcess:
    """``child_process.fork``: a Python program using nodessl (Node forks ``process.execPath``).

    ``options['env']`` replaces the environment as in Node; nodessl and these helpers stay
    importable either way.
    """
    import os
    import sys
    from pathlib import Path

    here = Path(__file__).resolve().parent
    env = dict((options or {}).get("env") or os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(here.parents[1]), str(here), env.get("PYTHONPATH", "")) if p)
    return spawn(sys.executable, ["-c", code, *args], {**(options or {}), "env": env})
