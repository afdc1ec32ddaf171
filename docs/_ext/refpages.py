"""The reference pages "Options", "Events" and "Methods", generated at `make docs` time from
docs/_ext/refentries.py (the Node link, summary and example of each entry) and from the code
itself: each option's type from nodessl.options' TypedDicts (whichever that module defines),
each method's signature from inspect.  Nothing is fetched; an option or member without an
entry is still listed, marked, so the build never breaks on a new option
(tests/test_docs.py names what is missing).

docs/_ext/refhook.py hands the pages to MkDocs; tests/test_docs.py imports this module too.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import re
import textwrap
import types
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import refentries
from refentries import Entry

PAGES = {"reference/options.md": "options", "reference/events.md": "events",
         "reference/methods.md": "methods"}

# the classes whose members the Methods page covers, with Node's name for each
CLASSES = {
    "nodessl.TLSSocket": "tls.TLSSocket",
    "nodessl.Server": "tls.Server",
    "nodessl.SecureContext": "SecureContext",
    "nodessl.net.Socket": "net.Socket",
    "nodessl.net.Server": "net.Server",
}
MODULES = {"nodessl": "tls", "nodessl.net": "net"}
# what a class inherits its events from, for the Events page's "also" line
EVENT_OWNERS = {
    "nodessl.TLSSocket": ("tls.TLSSocket", "nodessl.net.Socket"),
    "nodessl.Server": ("tls.Server", "nodessl.net.Server"),
    "nodessl.net.Socket": ("net.Socket", None),
    "nodessl.net.Server": ("net.Server", None),
}
_ROOT = Path(__file__).resolve().parents[2]


def resolve(path: str) -> Any:
    """``"nodessl.net.Socket"`` -> the object (a module, or an attribute of one)."""
    try:
        return importlib.import_module(path)
    except ImportError:
        module, _, name = path.rpartition(".")
        return getattr(importlib.import_module(module), name)


# ---------------------------------------------------------------------------------------------
# options: the TypedDicts and their types

def typeddicts() -> list[tuple[str, type]]:
    """nodessl.options' public TypedDicts, in the order the module defines them."""
    options = importlib.import_module("nodessl.options")
    return [(name, value) for name, value in vars(options).items()
            if not name.startswith("_") and typing.is_typeddict(value)]


def _aliases() -> dict[str, Any]:
    """nodessl.options' public type aliases (``PEM = str | BufferLike`` ...), by name."""
    options = importlib.import_module("nodessl.options")
    found = {}
    for name, value in vars(options).items():
        if name.startswith("_") or typing.is_typeddict(value) or inspect.isclass(value):
            continue
        if isinstance(value, types.UnionType) or typing.get_origin(value) in (typing.Union,
                                                                              typing.Literal):
            found[name] = value
    return found


def _type_checking_names(module: types.ModuleType) -> dict[str, Any]:
    """The names ``module`` imports under ``if TYPE_CHECKING:`` (annotations may use them),
    imported here so the annotations resolve."""
    found: dict[str, Any] = {}
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError, SyntaxError):
        return found
    for node in ast.walk(tree):
        test = getattr(node, "test", None)
        if not (isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(test)):
            continue
        for stmt in node.body:
            try:
                if isinstance(stmt, ast.Import):
                    for alias in stmt.names:
                        found[alias.asname or alias.name.partition(".")[0]] = (
                            importlib.import_module(alias.name))
                elif isinstance(stmt, ast.ImportFrom):
                    base = "." * stmt.level + (stmt.module or "")
                    for alias in stmt.names:
                        if stmt.module is None:  # from . import results as _results
                            value = importlib.import_module(base + alias.name, module.__package__)
                        else:
                            parent = importlib.import_module(base, module.__package__)
                            value = getattr(parent, alias.name)
                        found[alias.asname or alias.name] = value
            except (ImportError, AttributeError):
                continue
    return found


def hints(td: type) -> dict[str, Any]:
    """``typing.get_type_hints`` of a TypedDict, with its module's TYPE_CHECKING imports."""
    # localns: a TypedDict's forward references evaluate in their module's globals whatever
    # globalns says, but the locals are still consulted.  A module imported for typing lends
    # its names too (its aliases' own forward references resolve there), and so on down.
    local: dict[str, Any] = {}
    seen: set[str] = set()

    def lend(module: types.ModuleType) -> dict[str, Any]:
        names = _type_checking_names(module)
        for value in names.values():
            if inspect.ismodule(value) and value.__name__ not in seen:
                seen.add(value.__name__)
                lent = lend(value)
                local.update({k: v for k, v in vars(value).items() if not k.startswith("__")})
                local.update(lent)
        return names

    seen.add(td.__module__)
    local.update(lend(importlib.import_module(td.__module__)))
    return typing.get_type_hints(td, localns=local)


def option_keys(td: type) -> list[str]:
    """A TypedDict's keys (its bases' included), in declaration order."""
    return list(td.__annotations__)


def _raw_annotation(td: type, key: str) -> str:
    raw = td.__annotations__[key]
    return getattr(raw, "__forward_arg__", raw if isinstance(raw, str) else "")


def render_type(tp: Any, named: dict[str, Any]) -> str:
    """A resolved annotation as readable Python: short names, ``X | None``, and the aliases
    in ``named`` (name -> value) where their members appear."""
    if tp is type(None):
        return "None"
    if tp is Any:
        return "Any"
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    for name, alias in named.items():
        if tp == alias:
            return name
    if origin in (typing.Union, types.UnionType):
        placed: list[tuple[int, str]] = []  # (position in the union, text), kept in order
        rest = list(enumerate(args))
        # the largest alias first (PEM before BufferLike)
        for name, alias in sorted(named.items(), key=lambda kv: -len(typing.get_args(kv[1]))):
            members = typing.get_args(alias)
            present = [a for _, a in rest]
            if typing.get_origin(alias) in (typing.Union, types.UnionType) and members and all(
                    m in present for m in members):
                placed.append((min(i for i, a in rest if a in members), name))
                rest = [(i, a) for i, a in rest if a not in members]
        placed += [(i, render_type(a, named)) for i, a in rest if a is not type(None)]
        parts = [text for _, text in sorted(placed)]
        if type(None) in args:
            parts.append("None")
        return " | ".join(parts)
    if origin is typing.Literal:
        return " | ".join(repr(a) for a in args)
    if origin is not None and getattr(origin, "__name__", "") == "Callable":
        params, ret = args[:-1], args[-1]
        if len(params) == 1 and isinstance(params[0], list):
            params = tuple(params[0])
        if len(params) == 1 and params[0] is Ellipsis:
            shown = "..."
        else:
            shown = "[" + ", ".join(render_type(p, named) for p in params) + "]"
        return f"Callable[{shown}, {render_type(ret, named)}]"
    if origin is not None:
        name = getattr(origin, "__name__", str(origin))
        return f"{name}[{', '.join(render_type(a, named) for a in args)}]"
    if args == () and isinstance(tp, type):
        return tp.__name__
    return str(tp).replace("typing.", "")


def option_type(td: type, key: str) -> str:
    """The type of option ``key`` of the TypedDict ``td``, from its annotation (as written
    when it does not resolve: the page must build whatever the annotations hold)."""
    raw = _raw_annotation(td, key)
    try:
        resolved = hints(td)[key]
    except Exception:  # noqa: BLE001 - any failure to evaluate an annotation
        return raw or "Any"
    aliases = _aliases()
    # an alias is shown by name where the annotation names it; BufferLike always (bytes,
    # bytearray and memoryview together mean "bytes-like" wherever they appear)
    named = {n: v for n, v in aliases.items()
             if n == "BufferLike" or re.search(rf"\b{re.escape(n)}\b", raw)}
    return render_type(resolved, named)


def option_entry(td_name: str, key: str) -> Entry | None:
    """The entry of option ``key`` in the TypedDict ``td_name``: its own, else the generic."""
    generic = None
    for entry in refentries.OPTIONS:
        if entry.name == key:
            if entry.owner == td_name:
                return entry
            if entry.owner == "":
                generic = entry
    return generic


def _inherited(td_name: str, td: type, earlier: list[tuple[str, type]]) -> tuple[str, type] | None:
    """The largest earlier TypedDict whose every key ``td`` has with the same type."""
    try:
        mine = hints(td)
        best = None
        for name, other in earlier:
            theirs = hints(other)
            if theirs and all(k in mine and mine[k] == v for k, v in theirs.items()):
                if best is None or len(theirs) > len(option_keys(best[1])):
                    best = (name, other)
        return best
    except Exception:  # noqa: BLE001 - unresolvable annotations: list every key
        return None


# ---------------------------------------------------------------------------------------------
# members: what the code has, and signatures

_EMITTER = None


def _emitter_names() -> set[str]:
    global _EMITTER
    if _EMITTER is None:
        events = importlib.import_module("nodessl.events")
        _EMITTER = {n for c in events.EventEmitter.__mro__ for n in vars(c)}
    return _EMITTER


def own_members(owner: str) -> list[str]:
    """The public names ``owner`` (a class) defines itself, EventEmitter's overrides aside."""
    cls = resolve(owner)
    return sorted(n for n in vars(cls) if n.isidentifier() and not n.startswith("_")
                  and n not in _emitter_names())


def module_members(module: str) -> list[str]:
    """The functions and values in ``module.__all__`` (not its classes or submodules)."""
    mod = importlib.import_module(module)
    return [n for n in mod.__all__ if not inspect.isclass(getattr(mod, n))
            and not inspect.ismodule(getattr(mod, n)) and not n.startswith("_")
            and type(getattr(mod, n)).__name__ != "_EventsModule"]


def _ann(annotation: Any) -> str:
    if isinstance(annotation, str):
        return annotation
    return inspect.formatannotation(annotation)


def _params(sig: inspect.Signature) -> str:
    shown: list[str] = []
    star = False
    params = [p for p in sig.parameters.values()
              if p.name not in ("self", "cls") and not p.name.startswith("_")]
    for i, p in enumerate(params):
        text = p.name
        if p.annotation is not inspect.Parameter.empty:
            text += f": {_ann(p.annotation)}"
        if p.default is not inspect.Parameter.empty:
            default = repr(p.default)
            if default.startswith("<"):
                default = "..."
            text += f" = {default}" if p.annotation is not inspect.Parameter.empty else f"={default}"
        if p.kind is p.VAR_POSITIONAL:
            text, star = "*" + text, True
        elif p.kind is p.VAR_KEYWORD:
            text = "**" + text
        elif p.kind is p.KEYWORD_ONLY and not star:
            shown.append("*")
            star = True
        shown.append(text)
        if p.kind is p.POSITIONAL_ONLY and (i + 1 == len(params)
                                            or params[i + 1].kind is not p.POSITIONAL_ONLY):
            shown.append("/")
    return ", ".join(shown)


def signature(entry: Entry) -> str:
    """How the entry reads in Python, from the code: ``socket.getCipher() -> ...``."""
    owner = resolve(entry.owner)
    where = {"nodessl": "tls", "nodessl.net": "tls.net"}.get(entry.owner)
    prefix = where or _instance_name(entry.owner)
    if entry.kind == "value":
        value = getattr(owner, entry.name)
        return f"{prefix}.{entry.name}: {type(value).__name__}"
    found = (getattr(owner, entry.name, None) if inspect.ismodule(owner)
             else inspect.getattr_static(owner, entry.name, None))
    if isinstance(found, property):
        ret = found.fget.__annotations__.get("return") if found.fget else None
        return f"{prefix}.{entry.name}: {_ann(ret) if ret is not None else 'Any'}"
    if found is None or not callable(found):
        return f"{prefix}.{entry.name}: {_attribute_type(owner, entry)}"
    func = getattr(owner, entry.name)
    # the typed overloads where the function has them (connect's six call forms), else its
    # own signature
    forms = typing.get_overloads(func) or [func]
    lines = []
    for form in forms:
        try:
            sig = inspect.signature(form)
        except (TypeError, ValueError):
            lines.append(f"{prefix}.{entry.name}(...)")
            continue
        text = f"{prefix}.{entry.name}({_params(sig)})"
        if sig.return_annotation is not inspect.Signature.empty:
            text += f" -> {_ann(sig.return_annotation)}"
        if inspect.iscoroutinefunction(func):
            text = "await " + text
        lines.append(text)
    return "\n".join(lines)


def _attribute_type(owner: Any, entry: Entry) -> str:
    for klass in getattr(owner, "__mro__", ()):
        raw = vars(klass).get("__annotations__", {}).get(entry.name)
        if raw is not None:
            return _ann(raw)
    return entry.type or "Any"


def _instance_name(owner: str) -> str:
    return {"nodessl.TLSSocket": "socket", "nodessl.Server": "server",
            "nodessl.SecureContext": "ctx", "nodessl.net.Socket": "socket",
            "nodessl.net.Server": "server"}[owner]


def _tls_md_members() -> set[str]:
    # the nodessl members docs/reference/tls.md renders (mkdocstrings' members: list)
    text = (_ROOT / "docs/reference/tls.md").read_text()
    return set(re.findall(r"^\s+- (\w+)\s*$", text, re.M))


def api_ref(entry: Entry) -> str | None:
    """The mkdocstrings identifier of the entry's API documentation, where a page renders it."""
    if entry.owner == "nodessl.net":
        # an alias (createConnection is connect) has no section of its own
        found = getattr(resolve(entry.owner), entry.name)
        return f"nodessl.net.{entry.name}" if getattr(found, "__name__", "") == entry.name else None
    if entry.owner == "nodessl":
        return f"nodessl.{entry.name}" if entry.name in _tls_md_members() else None
    if entry.owner in CLASSES:
        cls = resolve(entry.owner)
        for klass in cls.__mro__:
            if entry.name in vars(klass):
                path = f"{klass.__module__}.{klass.__qualname__}"
                public = {"nodessl.socket.TLSSocket": "nodessl.TLSSocket",
                          "nodessl.server.Server": "nodessl.Server",
                          "nodessl.context.SecureContext": "nodessl.SecureContext",
                          "nodessl.net.Socket": "nodessl.net.Socket",
                          "nodessl.net.Server": "nodessl.net.Server"}.get(path)
                found = vars(klass)[entry.name]
                if public and (callable(found) or isinstance(found, property)):
                    return f"{public}.{entry.name}"
                return None
    return None


@functools.cache
def typed_listeners(owner: str) -> dict[str, list[str]]:
    """The listener types the code declares for ``owner``'s events: the parameters of the
    ``f`` of each ``@overload`` of ``on`` whose ``event`` is a ``Literal["name"]`` (read from
    the source: such overloads live under ``if TYPE_CHECKING:``), the class's own before its
    bases'.  ``{}`` where the code types none."""
    found: dict[str, list[str]] = {}
    for klass in resolve(owner).__mro__:
        if not klass.__module__.startswith("nodessl"):
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
        except (OSError, TypeError, SyntaxError):
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.FunctionDef) and node.name == "on"):
                continue
            decorators = [ast.unparse(d) for d in node.decorator_list]
            if not any(d.endswith("overload") for d in decorators) or any(
                    "deprecated" in d for d in decorators):
                continue
            params = node.args.args
            if len(params) < 3 or params[1].annotation is None or params[2].annotation is None:
                continue
            event = re.fullmatch(r"Literal\[['\"](\w+)['\"]\]", ast.unparse(params[1].annotation))
            listener = params[2].annotation
            if not (event and isinstance(listener, ast.Subscript)
                    and ast.unparse(listener.value).endswith("Callable")
                    and isinstance(listener.slice, ast.Tuple)
                    and isinstance(listener.slice.elts[0], ast.List)):
                continue
            found.setdefault(event.group(1), [ast.unparse(e) for e in listener.slice.elts[0].elts])
    return found


def listener_arity(listener: str) -> int:
    """How many parameters an entry's listener signature ``(a: A, b: B)`` has."""
    inner = listener.strip()[1:-1].strip()
    if not inner:
        return 0
    depth, count = 0, 1
    for ch in inner:
        depth += ch in "[(" and 1 or ch in "])" and -1 or 0
        count += ch == "," and depth == 0
    return count


# ---------------------------------------------------------------------------------------------
# rendering

def _code(text: str) -> str:
    return f"```python\n{text}\n```\n"


def _links(entry: Entry) -> str:
    parts = []
    if entry.url:
        parts.append(f"[Node 20]({entry.url})")
    else:
        parts.append(f"*not in Node's docs: {entry.note}*")
    ref = api_ref(entry)
    if ref:
        parts.append(f"[API][{ref}]")
    return " · ".join(parts)


def _summary(text: str) -> str:
    # the entries use reST's ``code``; Markdown wants `code`
    return text.replace("``", "`")


_PREAMBLE = (
    "Generated from the code (types, signatures) and docs/_ext/refentries.py (links, "
    "examples). Examples assume `import nodessl as tls`, `socket` a connected TLSSocket "
    "(or net.Socket), `server` a server, `ctx` a SecureContext and `key`, `cert`, `ca` "
    "PEM bytes read from files. Each Node 20 link is the authority on behaviour.\n")


def options_page() -> str:
    """Every key of every TypedDict in nodessl.options: type, Node link, example."""
    out = ["# Options\n\n", _PREAMBLE,
           "\nEach option is a key of a `TypedDict` in `nodessl.options` (an editor completes "
           "them, a type checker flags `requestCrt`) and a keyword argument of the function. "
           "`None` is Node's `undefined`: the default. `BufferLike` is "
           "`bytes | bytearray | memoryview`; `PEM` is `str | BufferLike`.\n"]
    done: list[tuple[str, type]] = []
    for name, td in typeddicts():
        out.append(f"\n## `{name}`\n\n")
        doc = inspect.getdoc(td) or ""
        if doc and doc != inspect.getdoc(dict):
            out.append(_summary(doc.split("\n\n")[0].replace("\n", " ")) + "\n")
        keys = option_keys(td)
        base = _inherited(name, td, done)
        if base is not None:
            inherited = set(option_keys(base[1]))
            keys = [k for k in keys if k not in inherited]
            out.append(f"\nEvery option of [`{base[0]}`](#{base[0].lower()}), and:\n")
        for key in keys:
            entry = option_entry(name, key)
            out.append(f"\n### `{key}`\n")
            out.append(f"\n**Type:** `{option_type(td, key)}`\n")
            if entry is None:
                out.append("\n*(no reference entry yet)*\n")
                continue
            out.append(f"\n{_summary(entry.summary)} {_links(entry)}\n\n")
            out.append(_code(entry.example))
        done.append((name, td))
    return "".join(out)


def events_page() -> str:
    """Every event of TLSSocket, tls.Server, net.Socket and net.Server."""
    out = ["# Events\n\n", _PREAMBLE,
           "\nListen with `emitter.on(name, listener)` (or `@emitter.on(name)` as a decorator), "
           "`emitter.once(...)`, or `await tls.once(emitter, name)`. A TLSSocket is a "
           "net.Socket and a tls.Server a net.Server: each has the events of both.\n"]
    for owner, (node_name, also) in EVENT_OWNERS.items():
        out.append(f"\n## `{node_name}` ({owner})\n\n")
        if also:
            out.append(f"\nAlso every event of [`{EVENT_OWNERS[also][0]}`]"
                       f"(#{_slug(EVENT_OWNERS[also][0] + ' ' + also)}).\n")
        typed = typed_listeners(owner)
        for entry in (e for e in refentries.EVENTS if e.owner == owner):
            out.append(f"\n### `'{entry.name}'`\n")
            out.append(f"\n**Listener:** `{entry.listener}`")
            if entry.name in typed:
                out.append(f" · typed in the code: `({', '.join(typed[entry.name])})`")
            out.append("\n")
            out.append(f"\n{_summary(entry.summary)} {_links(entry)}\n\n")
            out.append(_code(entry.example))
    return "".join(out)


def _slug(text: str) -> str:
    # Python-Markdown's toc slug for a heading like "`tls.TLSSocket` (nodessl.TLSSocket)"
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def _member_entries(owner: str) -> Iterator[Entry]:
    for entry in refentries.METHODS + refentries.FUNCTIONS:
        if entry.owner == owner:
            yield entry


def methods_page() -> str:
    """Every public method, property and function, with its signature from the code."""
    out = ["# Methods\n\n", _PREAMBLE,
           "\nSignatures are read from the code. A TLSSocket is a net.Socket and a tls.Server "
           "a net.Server: each has the methods of both.\n"]
    sections: list[tuple[str, str]] = [(m, n) for m, n in MODULES.items()]
    sections[1:1] = list(CLASSES.items())
    for owner, node_name in sections:
        out.append(f"\n## `{node_name}` ({owner})\n\n")
        for entry in _member_entries(owner):
            out.append(f"\n### `{entry.name}`\n\n")
            shown = signature(entry)
            out.append(_code(shown))
            takes = dict.fromkeys(re.findall(r"Unpack\[(\w+)\]", shown))
            if takes:
                out.append("\nOptions: " + ", ".join(
                    f"[`{name}`](options.md#{name.lower()})" for name in takes) + "\n")
            out.append(f"\n{_summary(entry.summary)} {_links(entry)}\n\n")
            out.append(_code(entry.example))
    return "".join(out)


def pages() -> dict[str, str]:
    """The generated pages, by their path under docs/."""
    builders: dict[str, Callable[[], str]] = {"options": options_page, "events": events_page,
                                              "methods": methods_page}
    return {path: builders[kind]() for path, kind in PAGES.items()}
