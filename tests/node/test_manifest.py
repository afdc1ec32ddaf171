"""MANIFEST.md and the README agree with the ports on disk."""


from make_manifest import (
    HERE,
    node_files,
    not_applicable,
    port_name,
    readme_line,
    render,
    summary_line,
)


def test_manifest_is_current():
    assert (HERE / "MANIFEST.md").read_text() == render(), (
        "run `python tests/node/make_manifest.py`")


def test_every_port_is_a_node_file():
    known = {port_name(f) for f in node_files()}
    ports = {p.name for p in HERE.glob("test_tls_*.py")}
    assert ports <= known, f"ports of unknown Node files: {sorted(ports - known)}"


def test_not_applicable_names_are_node_files_and_not_ported():
    files = set(node_files())
    for name in not_applicable():
        assert name in files, name
        assert not (HERE / port_name(name)).exists(), f"{name} is both ported and not applicable"


def test_readme_states_the_count():
    readme = (HERE.parents[1] / "README.md").read_text()
    line = readme_line()
    assert summary_line().split("**")[1] in line
    assert line in readme.splitlines(), f"README must say: {line}"
