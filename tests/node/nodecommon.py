"""Node's test helpers (``test/common``, ``test/common/fixtures``, ``test/fixtures/tls-connect``).

A Node test is a program: it sets up servers and sockets, wraps the callbacks
that must run in ``common.mustCall``, and the process checks the counts when
it exits.  A port does the same inside :meth:`Common.run` (``nodessl.run``
with a wall-clock bound), and the counts are checked when the program ends,
so a callback that never ran fails the test exactly as it fails Node's.

The pieces reach ported tests as pytest fixtures (``common``, ``fixtures``,
``tls_connect``; see ``conftest.py``), so a port reads like its original::

    def test_connect_simple(common, fixtures):
        def main():
            server = tls.Server(options, common.mustCall(on_secure, 2))
            ...
        common.run(main)
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

import nodessl as tls

ROOT = Path(__file__).resolve().parents[2]
KEYS = ROOT / "fixtures" / "keys"
HERE = Path(__file__).resolve().parent

# Node's error class names and the Python class each stands for in nodessl.
_ERROR_NAMES: dict[str, type[BaseException]] = {
    "Error": Exception,
    "TypeError": TypeError,
    "RangeError": ValueError,
    "SyntaxError": ValueError,
}


class _Expectation:
    """One ``mustCall``-style wrapper: how often it ran and how often it had to."""

    def __init__(self, name: str, where: str, exact: int | None, minimum: int) -> None:
        self.name = name
        self.where = where
        self.exact = exact
        self.minimum = minimum
        self.actual = 0

    def problem(self) -> str | None:
        if self.exact is not None and self.actual != self.exact:
            return (f"mustCall {self.name} ({self.where}) expected exactly {self.exact} "
                    f"call(s), got {self.actual}")
        if self.exact is None and self.actual < self.minimum:
            return (f"mustCallAtLeast {self.name} ({self.where}) expected at least "
                    f"{self.minimum} call(s), got {self.actual}")
        return None


def _caller() -> str:
    """Where the port called into this module (file:line), for failure messages."""
    frame = sys._getframe(1)
    while frame.f_back is not None and frame.f_code.co_filename == __file__:
        frame = frame.f_back
    return f"{Path(frame.f_code.co_filename).name}:{frame.f_lineno}"


class Common:
    """Node's ``common`` module: call-count checks, error matchers, a bounded program run."""

    hasCrypto = True
    hasIPv6 = True
    isWindows = False
    isLinux = sys.platform.startswith("linux")
    localhostIPv4 = "127.0.0.1"

    def __init__(self) -> None:
        self._expectations: list[_Expectation] = []
        self._expected_warnings: list[tuple[str, str | None, str | None]] = []
        self._seen_warnings: list[warnings.WarningMessage] = []
        self.opensslCli = shutil.which("openssl")

    # -- call counting -------------------------------------------------------------------------

    def _wrap(self, fn: Callable[..., Any] | None, exact: int | None,
              minimum: int = 0) -> Callable[..., Any]:
        name = getattr(fn, "__name__", "<anonymous>") if fn is not None else "<noop>"
        exp = _Expectation(name, _caller(), exact, minimum)
        self._expectations.append(exp)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            exp.actual += 1
            if fn is not None:
                return fn(*args, **kwargs)
            return None

        wrapper.__name__ = name
        return wrapper

    def mustCall(self, fn: Callable[..., Any] | None = None, exact: int = 1) -> Callable[..., Any]:
        """``fn`` wrapped so the test fails unless it ran exactly ``exact`` times."""
        return self._wrap(fn, exact)

    def mustCallAtLeast(self, fn: Callable[..., Any] | None = None,
                        minimum: int = 1) -> Callable[..., Any]:
        """``fn`` wrapped so the test fails unless it ran at least ``minimum`` times."""
        return self._wrap(fn, None, minimum)

    def mustNotCall(self, msg: str | None = None) -> Callable[..., Any]:
        """A function that fails the test if it is ever called."""
        where = _caller()

        def never(*args: Any, **kwargs: Any) -> None:
            raise AssertionError(f"{msg or 'function should not have been called'} at {where}; "
                                 f"called with {args!r}")

        return never

    def mustSucceed(self, fn: Callable[..., Any] | None = None,
                    exact: int = 1) -> Callable[..., Any]:
        """A Node-style ``(err, ...)`` callback that must run ``exact`` times with no error."""

        def check(err: Any = None, *args: Any) -> Any:
            if err is not None:
                raise err if isinstance(err, BaseException) else AssertionError(err)
            return fn(*args) if fn is not None else None

        return self._wrap(check, exact)

    def expectsError(self, validator: Mapping[str, Any] | Callable[..., Any] | None = None,
                     exact: int = 1) -> Callable[..., Any]:
        """A callback that must receive an error matching ``validator`` ``exact`` times."""

        def check(err: Any = None, *rest: Any) -> None:
            assert_error(err, validator)

        return self._wrap(check, exact)

    # -- warnings ------------------------------------------------------------------------------

    def expectWarning(self, name: str | Mapping[str, Any], message: str | None = None,
                      code: str | None = None) -> None:
        """Expect a warning (``DeprecationWarning``, ``Warning``, ...) during :meth:`run`."""
        if isinstance(name, Mapping):
            for kind, entries in name.items():
                if isinstance(entries, str):
                    entries = [[entries]]
                for entry in entries:
                    entry = [entry] if isinstance(entry, str) else list(entry)
                    self._expected_warnings.append(
                        (kind, entry[0], entry[1] if len(entry) > 1 else None))
            return
        self._expected_warnings.append((name, message, code))

    # -- running a program ---------------------------------------------------------------------

    @staticmethod
    def platformTimeout(ms: float) -> float:
        """Node scales timeouts on slow machines; a port keeps the number."""
        return ms

    def run(self, main: Callable[..., Any], timeout: float = 15.0) -> Any:
        """Run ``main`` as a Node program (``nodessl.run``), bounded by ``timeout`` seconds.

        The program must end by itself, as the Node test's process does; then
        every ``mustCall`` count and expected warning is checked.
        """
        def on_timeout(loop: asyncio.AbstractEventLoop) -> None:
            loop.call_exception_handler({
                "message": "port did not end",
                "exception": TimeoutError(
                    f"the program was still running after {timeout} s: "
                    + "; ".join(p for p in self._problems() if p)),
            })

        def bounded() -> Any:
            loop = asyncio.get_running_loop()
            # a bare loop timer: it does not keep nodessl.run alive, only bounds it
            watchdog = loop.call_later(timeout, on_timeout, loop)
            try:
                return main()  # a coroutine is awaited by nodessl.run
            except BaseException:
                watchdog.cancel()
                raise

        seen: list[warnings.WarningMessage] = []
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            show = warnings.showwarning

            # recorded for expectWarning, and still printed on stderr: Node's process prints
            # its warnings whether or not a test expects them
            def record(message: Warning | str, category: type[Warning], filename: str,
                       lineno: int, file: Any = None, line: str | None = None) -> None:
                seen.append(warnings.WarningMessage(message, category, filename, lineno,
                                                    file, line))
                show(message, category, filename, lineno, file, line)

            warnings.showwarning = record
            try:
                result = tls.run(bounded)
            except BaseException:
                # the program's own failure is the report; counts it left unmet say nothing more
                self._expectations.clear()
                self._expected_warnings.clear()
                raise
            finally:
                self._seen_warnings.extend(seen)
        self.verify()
        return result

    def _problems(self) -> list[str]:
        return [p for e in self._expectations if (p := e.problem())]

    def verify(self) -> None:
        """Check every call count and expected warning (Node does it at process exit)."""
        problems = self._problems()
        for kind, message, code in self._expected_warnings:
            if not any(_warning_matches(w, kind, message, code) for w in self._seen_warnings):
                seen = [f"{w.category.__name__}: {w.message}" for w in self._seen_warnings]
                problems.append(f"expected warning {kind} {message!r} ({code}); saw {seen}")
        self._expectations.clear()
        self._expected_warnings.clear()
        if problems:
            pytest.fail("\n".join(problems), pytrace=False)


def _warning_matches(w: warnings.WarningMessage, kind: str, message: str | None,
                     code: str | None) -> bool:
    category = w.category.__name__
    if kind != "Warning" and category != kind and not category.endswith(kind):
        return False
    text = str(w.message)
    if message is not None and message not in text:
        return False
    return code is None or code in text or getattr(w.message, "code", None) == code


def assert_error(err: Any, expected: Mapping[str, Any] | Callable[..., Any] | type | None) -> None:
    """Node's ``assert.throws`` / ``common.expectsError`` matcher for one error.

    ``expected`` is a dict of properties (``code``, ``name``, ``message`` as a
    string or ``re.Pattern``, any other attribute), an exception class, or a
    function returning True.
    """
    assert isinstance(err, BaseException), f"expected an error, got {err!r}"
    if expected is None:
        return
    if isinstance(expected, type):
        assert isinstance(err, expected), f"{err!r} is not a {expected.__name__}"
        return
    if callable(expected):
        assert expected(err) is not False, f"validator rejected {err!r}"
        return
    for prop, want in expected.items():
        if prop == "name":
            cls = _ERROR_NAMES.get(want)
            got_name = getattr(err, "name", None)
            if got_name is not None:
                assert got_name == want, f"name: {got_name!r} != {want!r} ({err!r})"
            elif cls is not None:
                assert isinstance(err, cls), f"{err!r} is not a {want}"
            continue
        got = getattr(err, prop, None) if prop != "message" else _message(err)
        if isinstance(want, re.Pattern):
            assert got is not None and want.search(str(got)), (
                f"{prop}: {got!r} does not match {want.pattern!r}")
        else:
            assert got == want, f"{prop}: {got!r} != {want!r} ({err!r})"


def _message(err: BaseException) -> str:
    return str(getattr(err, "message", None) or err)


def assert_throws(fn: Callable[[], Any],
                  expected: Mapping[str, Any] | Callable[..., Any] | type | None = None) -> Any:
    """Node's ``assert.throws(fn, expected)``: ``fn()`` must raise a matching error."""
    try:
        fn()
    except Exception as err:  # noqa: BLE001 - any error is examined below
        assert_error(err, expected)
        return err
    raise AssertionError("Missing expected exception.")


def invalidArgTypeHelper(value: Any) -> str:  # noqa: N802 - Node's name (test/common)
    """Node's ``common.invalidArgTypeHelper``: the " Received ..." tail of an
    ERR_INVALID_ARG_TYPE message, with Python's type names and reprs."""
    if value is None:
        return " Received None"  # JS: null / undefined
    if callable(value) and hasattr(value, "__name__"):
        return f" Received function {value.__name__}"
    if isinstance(value, (bool, int, float, str)):
        inspected = repr(value)
        if len(inspected) > 28:
            inspected = inspected[:25] + "..."
        return f" Received type {type(value).__name__} ({inspected})"
    return f" Received an instance of {type(value).__name__}"


class Fixtures:
    """Node's ``common/fixtures``: the test keys and other fixture files."""

    fixturesDir = str(HERE / "fixtures")

    @staticmethod
    def path(*parts: str) -> str:
        """A fixture path; ``path('keys', name)`` is a file of ``fixtures/keys``."""
        # Node joins the parts, so 'keys/x.pem' is ('keys', 'x.pem')
        parts = tuple(p for part in parts for p in part.split("/") if p)
        if parts and parts[0] == "keys":
            return str(KEYS.joinpath(*parts[1:]))
        return str(HERE.joinpath("fixtures", *parts))

    def readKey(self, name: str, encoding: str | None = None) -> Any:
        """A file of ``fixtures/keys``: bytes, or ``str`` when an encoding is given."""
        path = KEYS / name
        if not path.exists():
            pytest.fail(f"fixture {path} missing: run `make keys`")
        data = path.read_bytes()
        return data.decode("latin-1" if encoding in ("binary", "latin1") else encoding) \
            if encoding else data

    def readSync(self, *parts: str | list[str], encoding: str | None = None) -> Any:
        """Any fixture file, as ``readKey``."""
        flat: list[str] = []
        for p in parts:
            flat.extend(p if isinstance(p, list) else [p])
        data = Path(self.path(*flat)).read_bytes()
        return data.decode(encoding) if encoding else data


class TLSConnect:
    """``test/fixtures/tls-connect.js``: one server and one client, then a callback."""

    def __init__(self, common: Common, fixtures: Fixtures) -> None:
        self.common = common

        def load(cert: str, root: str | None = None) -> dict[str, str]:
            root = root or cert  # self-signed when no issuer is named
            return {"key": fixtures.readKey(f"{cert}-key.pem", "binary"),
                    "cert": fixtures.readKey(f"{cert}-cert.pem", "binary"),
                    "ca": fixtures.readKey(f"{root}-cert.pem", "binary")}

        self.keys = {
            "agent1": load("agent1", "ca1"), "agent2": load("agent2", "agent2"),
            "agent3": load("agent3", "ca2"), "agent4": load("agent4", "ca2"),
            "agent5": load("agent5", "ca2"), "agent6": load("agent6", "ca1"),
            "agent7": load("agent7", "fake-cnnic-root"), "agent10": load("agent10", "ca2"),
            "ec10": load("ec10", "ca5"), "ec": load("ec", "ec"),
        }

    def connect(self, options: Mapping[str, Any], callback: Callable[..., Any]) -> None:
        """Serve ``options['server']`` (echoing), connect with ``options['client']``.

        ``callback(err, pair, cleanup)`` runs once both ends are connected or
        failed; ``pair`` is ``{'server': {...}, 'client': {...}}`` with
        ``conn``, ``err`` and (server side) ``server``.
        """
        callback_ref: list[Callable[..., Any] | None] = [self.common.mustCall(callback)]
        server: dict[str, Any] = {}
        client: dict[str, Any] = {}
        pair = {"server": server, "client": client}

        def cleanup() -> None:
            if server.get("server") is not None:
                server["server"].close()
            if client.get("conn") is not None:
                client["conn"].end()

        def maybe_callback() -> None:
            cb = callback_ref[0]
            if cb is None:
                return
            if server.get("conn") is not None and client.get("conn") is not None:
                callback_ref[0] = None
                cb(client.get("err") or server.get("err"), pair, cleanup)

        try:
            def on_secure(conn: Any) -> None:
                server["conn"] = conn
                conn.pipe(conn)
                maybe_callback()

            srv = tls.createServer(options.get("server"), on_secure)

            def on_listening() -> None:
                server["server"] = srv
                opt_client = {"port": srv.address()["port"], **(options.get("client") or {})}
                try:
                    conn = tls.connect(opt_client)
                except Exception as err:  # noqa: BLE001 - reported like Node's try/catch
                    client["err"] = err
                    cb = callback_ref[0]
                    callback_ref[0] = None
                    if cb is not None:
                        cb(err, pair, cleanup)
                    return

                def on_connect() -> None:
                    client["conn"] = conn
                    maybe_callback()

                def on_error(err: Any) -> None:
                    client["err"] = err
                    client["conn"] = conn
                    maybe_callback()

                conn.on("secureConnect", on_connect)
                conn.on("error", on_error)

            def on_client_error(err: Any, sock: Any) -> None:
                server["conn"] = sock
                server["err"] = err
                maybe_callback()

            srv.on("tlsClientError", on_client_error)
            srv.listen(0, on_listening)
        except Exception as err:  # noqa: BLE001 - invalid options throw; report them
            server["err"] = err
            cb = callback_ref[0]
            callback_ref[0] = None
            if cb is not None:
                cb(err, pair, lambda: None)


def run_python(code: str, *args: str, env: Mapping[str, str] | None = None,
               timeout: float = 60.0, input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run a Python program with nodessl importable (Node tests spawn ``process.execPath``)."""
    full_env = {**os.environ, **(env or {})}
    full_env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), full_env.get("PYTHONPATH", "")) if p)
    return subprocess.run([sys.executable, "-c", code, *args], env=full_env, input=input,
                          capture_output=True, timeout=timeout, check=False)
