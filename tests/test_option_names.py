"""One list of option names: the TypedDicts of nodessl.options.  The keyword check
(nodessl.optionnames) derives each entry point's names from them, every name the code reads
from an options dict is declared in its entry point's TypedDict, and the net and TLSSocket
entry points check their keywords as tls.connect does (issue 12, "Types")."""

from __future__ import annotations

import ast
import inspect
import typing
from pathlib import Path
from typing import Any

import pytest
from conftest import key, listening, once, run_loop

import nodessl as tls
from nodessl import net, optionnames, options
from nodessl.optionnames import ENTRY_POINTS, known_options, typed_options

PACKAGE = Path(tls.__file__).resolve().parent

# -- 1. the TypedDicts are the source ------------------------------------------------------------


def _keys(typed: Any) -> set[str]:
    return set(typed.__required_keys__ | typed.__optional_keys__)


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_the_keywords_are_the_typeddicts_keys(entry: str) -> None:
    typed = getattr(options, ENTRY_POINTS[entry])
    assert typed_options(entry) == _keys(typed)
    # all of them, but the names only nodessl.legacy reads (added when it is imported)
    assert known_options(entry) - optionnames._ADDED.get(entry, set()) \
        == _keys(typed) - {"NPNProtocols"}


def test_the_typeddicts_nest_as_the_entry_points_do() -> None:
    context = _keys(options.SecureContextOptions)
    for name in ("ConnectOptions", "ServerOptions", "TLSSocketOptions"):
        assert context < _keys(getattr(options, name)), name
    # tls.connect takes a TLSSocket's options and net.connect's
    connect = _keys(options.ConnectOptions)
    assert _keys(options.TLSSocketOptions) < connect
    assert _keys(options.NetConnectOptions) < connect
    assert _keys(options.NetSocketOptions) < _keys(options.NetConnectOptions)
    # tls.createServer takes net.createServer's
    assert _keys(options.NetServerOptions) < _keys(options.ServerOptions)
    # open_connection: tls.connect's but its own host/port, and asyncio's three spellings
    assert _keys(options.OpenConnectionOptions) == (connect - {"host", "port"}) | {
        "server_hostname", "sock", "local_addr"}
    for typed in ENTRY_POINTS.values():
        assert not getattr(options, typed).__required_keys__, typed


def test_the_legacy_layer_adds_npn_as_a_keyword() -> None:
    import nodessl.legacy  # noqa: F401  (adds its option names)

    for entry in ("connect", "createServer", "TLSSocket"):
        assert "NPNProtocols" in known_options(entry)
        assert "NPNProtocols" in typed_options(entry)


# The options dicts the code reads ("options.get('x')", "opts['x']", "'x' in options" …),
# per module: the TypedDicts whose names they may be.  socket.py reads what tls.connect
# hands down to the socket it makes (host, checkServerIdentity …) besides its own.
_SCANNED = {
    "context.py": ("SecureContextOptions",),
    "client.py": ("ConnectOptions",),
    "socket.py": ("TLSSocketOptions", "ConnectOptions"),
    "server.py": ("ServerOptions",),
    "net.py": ("NetConnectOptions", "NetServerOptions"),
    "streams.py": ("OpenConnectionOptions", "ConnectOptions", "ServerOptions"),
}
_DICTS = {"options", "opts", "kwargs", "tls_options", "ctx_opts", "resolved",
          "self._tlsOptions", "self._options"}
# server.listen()'s own options (not a constructor's), in net.py's Server.listen only
_LISTEN = {"port", "host", "path", "backlog", "exclusive"}
# not options: Node's internal net.Socket handle (refused with a message)
_NOT_OPTIONS = {"handle"}


def _reads(source: str) -> list[tuple[str, str, str]]:
    """(function, dict, key) for each constant key read from an options dict."""
    found: list[tuple[str, str, str]] = []

    class Scan(ast.NodeVisitor):
        def __init__(self) -> None:
            self.scope: list[str] = []

        def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef
                              | ast.ClassDef) -> None:
            self.scope.append(node.name)
            self.generic_visit(node)
            self.scope.pop()

        visit_AsyncFunctionDef = visit_FunctionDef
        visit_ClassDef = visit_FunctionDef

        def add(self, base: ast.expr, name: Any) -> None:
            if isinstance(name, str) and ast.unparse(base) in _DICTS:
                found.append((".".join(self.scope), ast.unparse(base), name))

        def visit_Call(self, node: ast.Call) -> None:
            func = node.func
            if (isinstance(func, ast.Attribute) and func.attr in ("get", "pop", "setdefault")
                    and node.args and isinstance(node.args[0], ast.Constant)):
                self.add(func.value, node.args[0].value)
            self.generic_visit(node)

        def visit_Subscript(self, node: ast.Subscript) -> None:
            if isinstance(node.slice, ast.Constant):
                self.add(node.value, node.slice.value)
            self.generic_visit(node)

        def visit_Compare(self, node: ast.Compare) -> None:
            if (isinstance(node.left, ast.Constant) and len(node.ops) == 1
                    and isinstance(node.ops[0], (ast.In, ast.NotIn))):
                self.add(node.comparators[0], node.left.value)
            self.generic_visit(node)

    Scan().visit(ast.parse(source))
    return found


@pytest.mark.parametrize("module", sorted(_SCANNED))
def test_every_option_the_code_reads_is_declared(module: str) -> None:
    declared = set().union(*(_keys(getattr(options, t)) for t in _SCANNED[module]))
    reads = _reads((PACKAGE / module).read_text())
    assert len({name for _f, _d, name in reads}) >= 3, reads  # the scan sees the reads
    undeclared = []
    for function, _dict, name in reads:
        if name.startswith("_") or name in _NOT_OPTIONS:
            continue  # nodessl's own keys between its functions (_looked_up …)
        if module == "net.py" and function == "Server.listen" and name in _LISTEN:
            continue
        if module == "streams.py" and name == "ssl":
            continue  # asyncio's ssl=, refused with a message
        if name not in declared:
            undeclared.append(f"{function}: {_dict}[{name!r}]")
    assert undeclared == []


def test_the_scan_would_see_an_undeclared_read() -> None:
    code = "def f(options):\n    return options.get('requestCrt'), options['port']\n"
    assert [name for _f, _d, name in _reads(code)] == ["requestCrt", "port"]
    assert "requestCrt" not in _keys(options.ConnectOptions)


# Each keyword-checked entry point: its **kwargs are Unpack[<its entry's TypedDict>], so the
# names a type checker accepts are the ones the runtime check accepts.
_KWARGS = [
    (tls.createSecureContext, "createSecureContext"),
    (tls.connect, "connect"),
    (tls.createServer, "createServer"),
    (tls.Server.__init__, "createServer"),
    (tls.TLSSocket.__init__, "TLSSocket"),
    (tls.connectAsync, "connect"),
    (net.connect, "net.connect"),
    (net.connectAsync, "net.connect"),
    (net.Socket.__init__, "net.Socket"),
    (net.Server.__init__, "net.createServer"),
    (net.createServer, "net.createServer"),
    (tls.start_server, "createServer"),
]


@pytest.mark.parametrize(("fn", "entry"), _KWARGS,
                         ids=[f"{f.__qualname__}" for f, _e in _KWARGS])
def test_keyword_annotations_name_the_entry_points_typeddict(fn: Any, entry: str) -> None:
    forms = typing.get_overloads(fn) or [fn]
    annotations = {f.__annotations__.get("kwargs") or f.__annotations__.get("tls_options")
                   for f in forms}
    assert annotations == {f"Unpack[{ENTRY_POINTS[entry]}]"}


def test_open_connection_takes_its_typeddict() -> None:
    assert inspect.signature(tls.open_connection).parameters["tls_options"].annotation \
        == "Unpack[OpenConnectionOptions]"


def test_the_typeddicts_are_exported() -> None:
    for name in ("ConnectOptions", "ServerOptions", "SecureContextOptions", "TLSSocketOptions"):
        assert name in tls.__all__ and getattr(tls, name) is getattr(options, name)
    for name in ("NetConnectOptions", "NetSocketOptions", "NetServerOptions"):
        assert name in net.__all__ and getattr(net, name) is getattr(options, name)
    # the annotations resolve (nodessl.context is imported by nodessl.options last)
    hints = typing.get_type_hints(options.ConnectOptions)
    assert hints["secureContext"] == tls.SecureContext | None


# -- 2. keywords on net and TLSSocket (a misspelt one: test_python_words) -------------------

def test_net_keywords_work_and_dicts_keep_nodes_leniency() -> None:
    """Known keywords are used; unknown keys in a dict are ignored, as Node ignores them."""
    async def main() -> dict[str, Any]:
        server = net.createServer({"allowHalfOpne": True, "nodeOnlyFutureOption": 1},
                                  lambda s: s.end(b"hi"))
        assert server.allowHalfOpen is False
        half_open = net.createServer(allowHalfOpen=True, pauseOnConnect=False)
        assert half_open.allowHalfOpen is True
        port = await listening(server)
        got: dict[str, Any] = {}
        for sock in (net.connect({"port": port, "host": "127.0.0.1", "hots": "x"}),
                     net.connect(port=port, host="127.0.0.1", allowHalfOpen=True),
                     net.createConnection(port, "127.0.0.1", highWaterMark=1024)):
            data: list[bytes] = []
            sock.on("data", data.append)
            await once(sock, "end")
            got.setdefault("data", []).append(b"".join(data))
            got.setdefault("halfOpen", []).append(sock.allowHalfOpen)
            sock.destroy()
        lone = net.Socket({"readble": False}, allowHalfOpen=True)
        got["lone"] = lone.allowHalfOpen
        lone.destroy()
        server.close()
        return got

    got = run_loop(main)
    assert got["data"] == [b"hi", b"hi", b"hi"]
    assert got["halfOpen"] == [False, True, False]
    assert got["lone"] is True


def test_tls_socket_keywords_secure_a_connection() -> None:
    """``TLSSocket(sock, isServer=True, ...)`` as keywords, over an accepted net socket; a dict
    with an unknown key works as well (the client side)."""
    async def main() -> tuple[str, bool, bytes]:
        context = tls.createSecureContext(key=key("agent1-key.pem"), cert=key("agent1-cert.pem"))
        secured: list[Any] = []

        def on_connection(raw: Any) -> None:
            sock = tls.TLSSocket(raw, isServer=True, secureContext=context,
                                 ALPNProtocols=["h2"])
            sock.on("secure", lambda: sock.end(b"over tls"))
            secured.append(sock)

        server = net.createServer(on_connection)
        port = await listening(server)
        raw = net.connect(port, "127.0.0.1")
        await once(raw, "connect")
        client = tls.TLSSocket(raw, {"ALPNProtocols": ["h2"], "requestCrt": True,
                                     "secureContext": tls.createSecureContext(
                                         {"ca": key("ca1-cert.pem")})})
        client.write(b"")  # a TLSSocket that tls.connect did not make starts on its first write
        data: list[bytes] = []
        client.on("data", data.append)
        await once(client, "end")
        result = (client.alpnProtocol, client.encrypted, b"".join(data))
        client.destroy()
        for sock in secured:
            sock.destroy()
        server.close()
        return result

    assert run_loop(main) == ("h2", True, b"over tls")
