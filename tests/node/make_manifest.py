"""Write tests/node/MANIFEST.md: every Node 20 test-tls file and what became of it.

Inputs, all in this folder:
- ``node20-test-tls.txt``: the names of Node 20's ``test/parallel/test-tls-*.js`` files;
- ``test_tls_*.py``: the ports (``test-tls-foo-bar.js`` is ported as ``test_tls_foo_bar.py``);
  a port with a ``pytest.mark.xfail(..., reason=...)`` does not pass yet, and says why;
- ``not-applicable.txt``: ``test-tls-NAME.js: reason`` for files that cannot apply to nodessl.

Run ``python tests/node/make_manifest.py`` after adding or changing a port;
``test_manifest.py`` fails while MANIFEST.md is stale.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
_XFAIL = re.compile(r"pytest\.mark\.xfail\((?:[^)]*?)reason=\s*\(?\s*([\"'])(.*?)\1", re.S)
_XFAIL_NAMED = re.compile(r"pytest\.mark\.xfail\((?:[^)]*?)reason=\s*([A-Za-z_]\w*)")


def named_string(port: Path, name: str) -> str | None:
    """A module-level string constant ``name`` of ``port``, or of the port it imports it from."""
    tree = ast.parse(port.read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name
                                                for t in node.targets):
            value = ast.literal_eval(node.value)
            return value if isinstance(value, str) else None
        if isinstance(node, ast.ImportFrom) and node.module and \
                any(alias.name == name for alias in node.names):
            source = HERE / (node.module + ".py")
            return named_string(source, name) if source.exists() else None
    return None


def port_name(node_file: str) -> str:
    """``test-tls-foo-bar.js`` -> ``test_tls_foo_bar.py``."""
    # dots too: `cli-min-version-1.2` cannot be a module name with a dot in it
    return node_file.removesuffix(".js").replace("-", "_").replace(".", "_").lower() + ".py"


def node_files() -> list[str]:
    """Node 20's test-tls file names, in order."""
    lines = (HERE / "node20-test-tls.txt").read_text().splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]


def not_applicable() -> dict[str, str]:
    """Files that cannot apply, with the reason."""
    out: dict[str, str] = {}
    lines = [ln for f in sorted(HERE.glob("not-applicable*.txt")) for ln in f.read_text().splitlines()]
    for line in lines:
        if line.strip() and not line.startswith("#"):
            name, _, reason = line.partition(":")
            out[name.strip()] = reason.strip()
    return out


# A conditional xfail: `xfail(CONDITION, strict=True, reason=TEXT_OR_NAME)`; a port that
# fails on one backend (or OpenSSL) only.
_COND_XFAIL = re.compile(r"pytest\.mark\.xfail\(\s*(?!strict|reason)(.+?),\s*strict=True,\s*"
                         r"reason=\s*(\(?\s*[\"']|[A-Za-z_]\w*)", re.S)
_LITERAL = re.compile(r"\(?\s*([\"'])(.*?)\1", re.S)
# conditions under which a port whose reason starts "bundled backend" fails there only
_SHARED_PASSES = ("is_shared()", "BUNDLED", "openssl_version_number >=")


def _failing(reason: str) -> str:
    """The status of a port marked failing, from how its reason starts."""
    if reason.lower().startswith("issue 9"):
        return "waits for issue 9"
    if reason.lower().startswith("environment"):
        return "fails here, as node does"
    return "ported, fails"


def status(node_file: str, na: dict[str, str]) -> tuple[str, str]:
    """(status, detail) of one Node file."""
    port = HERE / port_name(node_file)
    if port.exists():
        text = port.read_text()
        cond = _COND_XFAIL.search(text)
        if cond:
            condition, raw = cond.group(1), cond.group(2).strip()
            literal = _LITERAL.match(text, cond.start(2)) if raw[-1] in "\"'" else None
            reason = literal.group(2) if literal else named_string(port, raw)
            reason = reason or "(no reason given)"
            if reason.lower().startswith("oldest wheels"):
                # fails only on the bundled backend's oldest supported wheels (make
                # test-oldest): it passes where nodessl is normally installed
                return "passes", reason
            if reason.lower().startswith("bundled backend") and any(
                    mark in condition for mark in _SHARED_PASSES):
                return "passes on the shared backend", reason
            if condition.strip() == "backend.is_shared()":
                return "passes on the bundled backend", reason
            return _failing(reason), reason
        m = _XFAIL.search(text)
        if m:
            reason = m.group(2)
            return _failing(reason), reason
        named = _XFAIL_NAMED.search(text)
        reason = named_string(port, named.group(1)) if named else None
        if reason is not None:
            return _failing(reason), reason
        if "pytest.mark.xfail" in text:
            return "ported, fails", "(no reason given)"
        return "passes", ""
    if node_file in na:
        return "not applicable", na[node_file]
    return "not ported yet", ""


def render() -> str:
    """The whole MANIFEST.md text."""
    files = node_files()
    na = not_applicable()
    rows = [(f, *status(f, na)) for f in files]
    count = {s: sum(1 for r in rows if r[1] == s) for s in
             ("passes", "passes on the shared backend", "passes on the bundled backend",
              "ported, fails", "waits for issue 9", "fails here, as node does",
              "not applicable", "not ported yet")}
    applicable = len(files) - count["not applicable"]
    out = [
        "# Node 20's test-tls files in nodessl",
        "",
        "Generated by `python tests/node/make_manifest.py`; do not edit by hand.",
        "",
        f"**{count['passes']} of {applicable} applicable Node test-tls files pass** "
        f"({len(files)} files in Node 20's `test/parallel`, {count['not applicable']} not "
        f"applicable).",
        "",
        "| status | files |",
        "|---|---|",
    ]
    out += [f"| {s} | {n} |" for s, n in count.items()]
    out += ["", "| Node file | port | status | why |", "|---|---|---|---|"]
    for f, s, detail in rows:
        port = port_name(f) if (HERE / port_name(f)).exists() else ""
        link = f"[{port}]({port})" if port else ""
        out.append(f"| {f} | {link} | {s} | {detail.replace('|', '/')} |")
    return "\n".join(out) + "\n"


def summary_line() -> str:
    """The sentence the manifest opens with."""
    return render().splitlines()[4]


def readme_line() -> str:
    """The README's line: the count, then what the files that do not pass wait for."""
    text = render()
    count = summary_line().split("**")[1]
    numbers = dict(re.findall(r"^\| ([a-z ,9]+) \| (\d+) \|$", text, re.M))
    rest = [f"{numbers['passes on the shared backend']} pass on the shared backend only",
            f"{numbers['passes on the bundled backend']} on the bundled backend only",
            f"{numbers['waits for issue 9']} wait for issue 9",
            f"{numbers['fails here, as node does']} fail on this machine for node v20 too "
            "(environment)", f"{numbers['ported, fails']} fail",
            f"{numbers['not ported yet']} are not ported yet"]
    rest = [r for r in rest if not r.startswith("0 ")]
    return f"**{count}**" + (f"; of the others, {', '.join(rest)}." if rest else ".")


def update_readme() -> None:
    """Put the current count into the README's line."""
    readme = HERE.parents[1] / "README.md"
    text = re.sub(r"^\*\*\d+ of \d+ applicable Node test-tls files pass\*\*.*$",
                  lambda m: readme_line(), readme.read_text(), flags=re.M)
    readme.write_text(text)


if __name__ == "__main__":
    (HERE / "MANIFEST.md").write_text(render())
    update_readme()
    print(summary_line(), file=sys.stderr)
