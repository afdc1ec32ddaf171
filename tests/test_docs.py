"""help() on the entry points lists their options (issue 12's reference docs)."""

from __future__ import annotations

import ast
import inspect
import pydoc
import re
import sys
import typing
from pathlib import Path
from typing import Any

import nodessl


def test_help_connect_lists_the_options() -> None:
    text = pydoc.render_doc(nodessl.connect, renderer=pydoc.plaintext)
    for option in ("host", "port", "socket", "ca", "rejectUnauthorized", "servername",
                   "checkServerIdentity", "ALPNProtocols", "session", "requestOCSP",
                   "pskCallback", "secureContext", "minDHSize", "timeout"):
        assert f"``{option}" in text, option  # ``name`` or ``name(args)``


def test_help_create_server_lists_the_options() -> None:
    text = pydoc.render_doc(nodessl.createServer, renderer=pydoc.plaintext)
    for option in ("key", "cert", "requestCert", "rejectUnauthorized", "handshakeTimeout",
                   "SNICallback", "ALPNProtocols", "ALPNCallback", "pskCallback",
                   "pskIdentityHint", "sessionIdContext", "allowHalfOpen", "pauseOnConnect"):
        assert f"``{option}" in text, option  # ``name`` or ``name(args)``


def test_help_create_secure_context_lists_the_options() -> None:
    text = pydoc.render_doc(nodessl.createSecureContext, renderer=pydoc.plaintext)
    for option in ("ca", "cert", "key", "passphrase", "pfx", "crl", "ciphers", "sigalgs",
                   "ecdhCurve", "dhparam", "minVersion", "maxVersion", "secureOptions",
                   "sessionTimeout", "ticketKeys"):
        assert f"``{option}" in text, option  # ``name`` or ``name(args)``


# -- the per-entry reference: Options, Events, Methods (docs/_ext/refentries.py) ---------------
#
# docs/_ext/refpages.py generates the pages at `make docs` time and never fails on a missing
# entry (it marks it); these tests are where a missing entry, an example that does not
# compile or passes an unknown option, or a Node anchor that does not exist, fails.

_EXT = Path(__file__).resolve().parent.parent / "docs" / "_ext"
sys.path.insert(0, str(_EXT))
import refentries  # noqa: E402
import refpages  # noqa: E402

import nodessl.legacy  # noqa: E402,F401  (registers NPNProtocols, which the entries document)
from nodessl import optionnames  # noqa: E402

_NOT_SOCKET_EMITTERS = {"cluster.py", "sessions.py", "cli.py"}  # other emitters' events
# the headings of Node's tls docs (/work/shared/seeds: Node 0.10 to 12), by file
_HEADINGS = Path(__file__).resolve().parent / "node_tls_doc_headings.txt"


def _node_doc_headings() -> dict[str, str]:
    sections = re.split(r"^--- (\S+)\n", _HEADINGS.read_text(), flags=re.M)
    return dict(zip(sections[1::2], sections[2::2], strict=True))


def _missing(found: list[str]) -> str:
    return "no reference entry in docs/_ext/refentries.py for: " + ", ".join(found)


def test_every_typeddict_option_has_an_entry() -> None:
    tds = refpages.typeddicts()
    assert {"SecureContextOptions", "ConnectOptions", "ServerOptions"} <= {n for n, _ in tds}
    missing = [f"{name}.{key}" for name, td in tds for key in refpages.option_keys(td)
               if refpages.option_entry(name, key) is None]
    assert not missing, _missing(missing)


def test_every_option_name_the_code_knows_has_an_entry() -> None:
    names = {e.name for e in refentries.OPTIONS}
    missing = sorted({(entry, option) for entry in ("createSecureContext", "connect",
                                                    "createServer")
                      for option in optionnames.known_options(entry) if option not in names})
    assert not missing, _missing([f"{entry}({option}=)" for entry, option in missing])


def test_every_public_method_and_function_has_an_entry() -> None:
    have = {(e.owner, e.name) for e in refentries.METHODS + refentries.FUNCTIONS}
    wanted = [(owner, name) for owner in refpages.CLASSES for name in refpages.own_members(owner)]
    wanted += [(module, name) for module in refpages.MODULES
               for name in refpages.module_members(module)]
    assert ("nodessl.TLSSocket", "getCipher") in wanted
    assert ("nodessl.net", "isIPv6") in wanted
    missing = [f"{owner}.{name}" for owner, name in wanted if (owner, name) not in have]
    assert not missing, _missing(missing)
    # and no entry for something the code does not have
    for entry in refentries.METHODS + refentries.FUNCTIONS:
        owner = refpages.resolve(entry.owner)
        assert hasattr(owner, entry.name) or entry.kind == "attribute", entry


def _emitted_events() -> dict[str, set[str]]:
    root = Path(nodessl.__file__).parent
    found: dict[str, set[str]] = {}
    for path in [*root.glob("*.py"), *root.glob("stream/*.py")]:
        if path.name in _NOT_SOCKET_EMITTERS:
            continue
        for name in re.findall(r"""\bemit\(\s*["']([A-Za-z]+)["']""", path.read_text()):
            found.setdefault(name, set()).add(path.name)
    return found


def test_every_event_nodessl_emits_has_an_entry() -> None:
    emitted = _emitted_events()
    assert {"secureConnect", "secureConnection", "tlsClientError", "data"} <= set(emitted)
    documented = {e.name for e in refentries.EVENTS} | set(refentries.INTERNAL_EVENTS)
    missing = [f"'{name}' (emitted in {', '.join(sorted(files))})"
               for name, files in sorted(emitted.items()) if name not in documented]
    assert not missing, _missing(missing)


def test_every_event_nodes_tls_docs_list_has_an_entry() -> None:
    # the "Event: 'x'" headings of tls.Server and tls.TLSSocket in the Node tls docs
    text = _node_doc_headings()["003_4ba51d7cae8c92c2.txt"]
    tls_part = text.split("## Deprecated APIs")[0]
    node_events = set(re.findall(r"^### Event: '(\w+)'", tls_part, re.M))
    assert {"secureConnect", "OCSPRequest", "keylog"} <= node_events
    ours = {e.name for e in refentries.EVENTS if e.owner in ("nodessl.TLSSocket", "nodessl.Server")}
    assert node_events <= ours, node_events - ours


def test_listener_arity_counts_top_level_parameters() -> None:
    assert refpages.listener_arity("()") == 0
    assert refpages.listener_arity("(a: Callable[[int, str], None], b: dict[str, Any])") == 2


def test_event_listeners_match_the_types_the_code_declares() -> None:
    # where the code types an event's listener (@overload of on), the entry's listener
    # takes as many parameters
    for entry in refentries.EVENTS:
        typed = refpages.typed_listeners(entry.owner).get(entry.name)
        if typed is not None:
            assert refpages.listener_arity(entry.listener) == len(typed), (entry, typed)


def test_every_method_and_property_nodes_tls_docs_list_has_an_entry() -> None:
    # "tlsSocket.x", "server.x" and "tls.x" headings (Node 12's tls docs, the newest seeded);
    # a TLSSocket's may be documented on net.Socket, a tls.Server's on net.Server
    text = _node_doc_headings()["003_4ba51d7cae8c92c2.txt"]
    owners = {"tlsSocket": ("nodessl.TLSSocket", "nodessl.net.Socket"),
              "server": ("nodessl.Server", "nodessl.net.Server"), "tls": ("nodessl",)}
    have = {(e.owner, e.name) for e in refentries.ALL}
    listed = re.findall(r"^#+ (tlsSocket|server|tls)\.(\w+)", text, re.M)
    assert len(listed) > 40
    missing = [f"{kind}.{name}" for kind, name in listed
               if not any((owner, name) in have for owner in owners[kind])]
    assert not missing, _missing(missing)


def test_every_entry_has_a_node_link_or_a_reason_and_a_short_example() -> None:
    for entry in refentries.ALL:
        assert entry.url or entry.note, entry
        assert entry.summary.strip(), entry
        assert 1 <= len(entry.example.strip().splitlines()) <= 4, entry
        if entry.kind == "event":
            assert entry.listener.startswith("("), entry


def test_every_example_compiles() -> None:
    for entry in refentries.ALL:
        try:
            compile(entry.example, f"<{entry.owner}.{entry.name}>", "exec",
                    flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        except SyntaxError as exc:  # pragma: no cover - the message is the point
            raise AssertionError(f"{entry.kind} {entry.owner}.{entry.name}: {exc}") from exc


# asyncio's parameter names open_connection takes beside Node's (nodessl/streams.py)
_ASYNCIO_NAMES = {"server_hostname", "sock", "local_addr"}


def _known(entry: str, func: Any) -> frozenset[str] | None:
    """The keywords ``func`` (entry point ``entry``) takes: its options and its parameters;
    None when nodessl has no list for it."""
    try:
        known = optionnames.known_options(entry)
    except KeyError:
        fallback = {"TLSSocket": "connect", "open_connection": "connect",
                    "start_server": "createServer", "connectAsync": "connect"}.get(entry)
        if fallback is None:
            return None
        # no list of its own (yet): a TLSSocket takes connect's, a superset
        known = optionnames.known_options(fallback)
    if entry == "open_connection":
        known |= _ASYNCIO_NAMES
    params = set()
    try:
        params = {p.name for p in inspect.signature(func).parameters.values()
                  if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)}
    except (TypeError, ValueError):
        pass
    return known | params


def _unknown_options(source: str) -> list[str]:
    """The option names that calls of tls.connect/createServer/... (and of tls.net's, where
    nodessl.optionnames lists them) in ``source`` pass and nodessl does not know: keywords,
    and the string keys of a dict literal argument."""
    bad = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        value = node.func.value
        if isinstance(value, ast.Name) and value.id == "tls":
            entry, func = node.func.attr, getattr(nodessl, node.func.attr, None)
        elif (isinstance(value, ast.Attribute) and value.attr == "net"
              and isinstance(value.value, ast.Name) and value.value.id == "tls"):
            entry, func = f"net.{node.func.attr}", getattr(nodessl.net, node.func.attr, None)
        else:
            continue
        known = _known(entry, func) if func is not None else None
        if known is None:
            continue
        names = [k.arg for k in node.keywords if k.arg is not None]
        for arg in node.args:
            if isinstance(arg, ast.Dict):
                names += [k.value for k in arg.keys
                          if isinstance(k, ast.Constant) and isinstance(k.value, str)]
        shown = entry if "." in entry else node.func.attr
        bad += [f"tls.{shown}({name}=)" for name in names if name not in known]
    return bad


def test_open_connection_reads_the_asyncio_names() -> None:
    source = (Path(nodessl.__file__).parent / "streams.py").read_text()
    for name in _ASYNCIO_NAMES:
        assert f'"{name}" in opts' in source, name


def test_the_option_check_finds_a_misspelt_option() -> None:
    assert _unknown_options('tls.connect(443, "h", requestCrt=True)') == [
        "tls.connect(requestCrt=)"]
    assert _unknown_options('tls.createServer({"key": k, "rejectUnauthorised": False})') == [
        "tls.createServer(rejectUnauthorised=)"]
    assert _unknown_options("tls.createServer(key=k, cert=c, requestCert=True)") == []


def test_examples_pass_only_options_nodessl_knows() -> None:
    bad = [f"{e.kind} {e.owner}.{e.name}: {u}" for e in refentries.ALL
           for u in _unknown_options(e.example)]
    assert not bad, bad
    # the check saw real calls
    calls = sum("tls.connect(" in e.example or "tls.createServer(" in e.example
                for e in refentries.ALL)
    assert calls > 40


def _node_anchors(text: str) -> set[str]:
    """The anchors Node's doc tool makes of a markdown file's headings: lowercased, every
    character but letters, digits, '_', '-' and spaces dropped, spaces to '-', and '_1',
    '_2' … on a repeated heading."""
    seen: dict[str, int] = {}
    anchors = set()
    for line in text.splitlines():
        match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not match:
            continue
        slug = re.sub(r"[^a-z0-9_\- ]", "", match.group(1).replace("`", "").lower())
        slug = slug.strip().replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}_{count}")
    return anchors


def test_node_anchor_rule() -> None:
    text = "## `tls.connect(options[, callback])`\n### Event: 'keylog'\n### Event: 'keylog'\n"
    assert _node_anchors(text) == {"tlsconnectoptions-callback", "event-keylog", "event-keylog_1"}


def test_tls_anchors_exist_in_nodes_tls_docs() -> None:
    seeded: set[str] = set()
    docs = _node_doc_headings()
    assert len(docs) == 5
    for text in docs.values():
        seeded |= _node_anchors(text)
    assert "tlssocketgetcipher" in seeded
    node20_only = refentries.NODE20_ONLY_TLS_ANCHORS
    # the Node-20-only list holds only anchors the older docs really lack
    assert not set(node20_only) & seeded, set(node20_only) & seeded
    used = {e.node.partition("#")[2] for e in refentries.ALL
            if e.node and e.node.startswith("tls#")}
    assert used - seeded == set(node20_only), sorted(used - seeded)


def test_every_node_link_is_to_node_20() -> None:
    for entry in refentries.ALL:
        if entry.url:
            assert re.fullmatch(
                r"https://nodejs\.org/docs/latest-v20\.x/api/(tls|net|stream|events|timers|"
                r"process|globals)\.html#[a-z0-9_-]+", entry.url), entry


def test_every_option_type_resolves() -> None:
    # the pages show each type from the annotation, resolved (aliases by name): an annotation
    # that no longer evaluates would show as written instead
    for _, td in refpages.typeddicts():
        assert set(refpages.hints(td)) == set(refpages.option_keys(td))


def test_the_pages_render_every_entry_with_its_type() -> None:
    pages = refpages.pages()
    options = pages["reference/options.md"]
    assert "### `requestCert`\n\n**Type:** `bool | None`" in options
    assert "**Type:** `TLSVersion | None`" in options  # minVersion, an alias kept by name
    assert "no reference entry yet" not in options
    methods = pages["reference/methods.md"]
    assert "socket.exportKeyingMaterial(length: int, label: str" in methods
    events = pages["reference/events.md"]
    for entry in refentries.EVENTS:
        assert f"### `'{entry.name}'`" in events


# examples run as written on a real connection, and what each prints
_RUN_ON_A_CONNECTION = {
    ("nodessl.TLSSocket", "getCipher"): r"TLS_AES_\d+_GCM_SHA\d+",
    ("nodessl.TLSSocket", "getProtocol"): r"TLSv1\.3",
    ("nodessl.TLSSocket", "address"): r"\d+",
    ("nodessl.TLSSocket", "getCertificate"): r"^None$",  # the client sent no certificate: {}
    ("nodessl.TLSSocket", "getEphemeralKeyInfo"): r"'type': 'ECDH'",
    ("nodessl.TLSSocket", "getSharedSigalgs"): r"^\[\]$",  # no client certificate asked
    ("nodessl.TLSSocket", "getPeerX509Certificate"): r"CN=agent1",
    ("nodessl.TLSSocket", "exportKeyingMaterial"): r"^$",
    ("nodessl.TLSSocket", "encrypted"): r"^True",
    ("nodessl.TLSSocket", "authorized"): r"^[A-Z_]+$",  # agent1's CA is not trusted here
    ("nodessl.net.Socket", "address"): r"^127\.0\.0\.1$",
    ("nodessl.net.Socket", "remoteAddress"): r"127\.0\.0\.1",
    ("nodessl.net.Socket", "remoteFamily"): r"IPv4",
    ("nodessl.net.Socket", "readyState"): r"open",
    ("nodessl", "getCiphers"): r"True",
    ("nodessl.net", "isIP"): r"6",
    ("nodessl.net", "isIPv4"): r"True",
}


def test_examples_run_on_a_real_connection() -> None:
    import contextlib
    import io

    from conftest import key, listening, once, run_loop

    entries = {(e.owner, e.name): e for e in refentries.METHODS + refentries.FUNCTIONS}
    printed: dict[tuple[str, str], str] = {}

    async def main() -> None:
        server = nodessl.createServer(key=key("agent1-key.pem"), cert=key("agent1-cert.pem"))
        port = await listening(server)
        socket = nodessl.connect(port, "127.0.0.1", rejectUnauthorized=False)
        await once(socket, "secureConnect")
        try:
            for which in _RUN_ON_A_CONNECTION:
                out = io.StringIO()
                with contextlib.redirect_stdout(out):
                    exec(entries[which].example, {"tls": nodessl, "socket": socket})
                printed[which] = out.getvalue().strip()
        finally:
            socket.destroy()
            server.close()

    run_loop(main)
    for which, pattern in _RUN_ON_A_CONNECTION.items():
        assert re.search(pattern, printed[which]), (which, printed[which])


def _bad_calls(source: str) -> list[str]:
    """Calls in ``source`` of nodessl's module functions (``tls.x(...)``, ``tls.net.x(...)``)
    and of TLSSocket/Server/SecureContext methods (on ``socket``/``server``/``ctx``) whose
    arguments the function's signature does not accept."""
    receivers = {"socket": nodessl.TLSSocket, "server": nodessl.Server,
                 "ctx": nodessl.SecureContext, "tls": nodessl, "net": nodessl.net}
    bad = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        value = node.func.value
        name = value.attr if isinstance(value, ast.Attribute) else getattr(value, "id", None)
        owner = receivers.get(name or "")
        func = getattr(owner, node.func.attr, None) if owner is not None else None
        if func is None or not callable(func) or inspect.isclass(func):
            continue
        if any(isinstance(a, ast.Starred) for a in node.args) or any(
                k.arg is None for k in node.keywords):
            continue
        try:
            sig = inspect.signature(func)
        except (TypeError, ValueError):
            continue
        params = list(sig.parameters.values())
        if not inspect.ismodule(owner) and params and params[0].name == "self":
            params = params[1:]
        try:
            sig.replace(parameters=params).bind(*node.args, **{k.arg: k for k in node.keywords
                                                                if k.arg})
        except TypeError as exc:
            bad.append(f"{name}.{node.func.attr}(...): {exc}")
    return bad


def test_the_call_check_finds_a_wrong_call() -> None:
    assert _bad_calls('tls.getLegacyCiphers()')
    assert _bad_calls('socket.getCipher(True)')
    assert not _bad_calls('socket.exportKeyingMaterial(32, "EXPORTER-x")')


def test_examples_call_functions_and_methods_as_their_signatures_allow() -> None:
    bad = [f"{e.owner}.{e.name}: {b}" for e in refentries.ALL for b in _bad_calls(e.example)]
    assert not bad, bad


def test_the_methods_page_shows_connects_overloads_and_links_its_options() -> None:
    methods = refpages.pages()["reference/methods.md"]
    section = methods.split("### `connect`", 1)[1].split("###", 1)[0]
    # one line per typing.overload of nodessl.connect, read from the code
    assert section.count("tls.connect(") - 1 == len(typing.get_overloads(nodessl.connect)) >= 2
    assert "[`ConnectOptions`](options.md#connectoptions)" in section


def test_context_and_server_examples_run_as_written() -> None:
    # every example that only builds a SecureContext or a tls.Server (no files to read, no
    # engine, no listen) runs with real PEMs: the option values shown are ones nodessl takes
    import os as os_module
    import warnings

    from conftest import key, run_loop

    runnable = [e for e in refentries.ALL
                if e.example.startswith(("ctx = tls.createSecureContext(",
                                         "server = tls.createServer("))
                and not any(word in e.example for word in ("open(", "Engine", "listen("))]
    assert len(runnable) > 25
    outcome: dict[str, str] = {}

    async def main() -> None:
        for entry in runnable:
            names = {"tls": nodessl, "os": os_module, "key": key("agent1-key.pem"),
                     "cert": key("agent1-cert.pem"), "ca": key("ca1-cert.pem")}
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # secureProtocol's deprecation
                    exec(entry.example, names)
                outcome[entry.name] = "ok"
            except nodessl.NodeError as exc:
                outcome[entry.name] = exc.code
            finally:
                if "server" in names:
                    names["server"].close()

    run_loop(main)
    # ticket keys need the shared backend's callbacks (docs/backends.md)
    allowed = {"ticketKeys": {"ok", "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM"}}
    failed = {name: code for name, code in outcome.items()
              if code not in allowed.get(name, {"ok"})}
    assert not failed, failed
