"""Port of Node 20's test/parallel/test-tls-enable-keylog-cli.js.

Test --tls-keylog CLI flag: a child program run with it (nodessl reads Node's TLS flags
from ``NODE_OPTIONS``) logs the client's and the server's secret, two identical lines.
"""

from pathlib import Path

from nodecommon import HERE, run_python

NODE_TEST = "test-tls-enable-keylog-cli.js"

# Node forks this file with ['test']; the child runs test() below
CHILD = """
from nodecommon import Common, Fixtures, TLSConnect

common = Common()
tls_connect = TLSConnect(common, Fixtures())
keys, connect = tls_connect.keys, tls_connect.connect


def main():
    def done(err, pair, cleanup):
        if pair["server"].get("err"):
            print("server", pair["server"]["err"])
        if pair["client"].get("err"):
            print("client", pair["client"]["err"])
        assert pair["server"].get("err") is None
        assert pair["client"].get("err") is None

        return cleanup()

    connect({
        "client": {
            "checkServerIdentity": lambda servername, cert: None,
            "ca": f"{keys['agent1']['cert']}\\n{keys['agent6']['ca']}",
        },
        "server": {
            "cert": keys["agent6"]["cert"],
            "key": keys["agent6"]["key"],
            # Number of keylog events is dependent on protocol version
            "maxVersion": "TLSv1.2",
        },
    }, common.mustCall(done))


common.run(main, timeout=10)
"""


def test_enable_keylog_cli(tmp_path: Path):
    # Node's tmpdir.refresh()
    file = tmp_path / "keylog.log"

    # fork(__filename, ['test'], {execArgv: ['--tls-keylog=' + file]})
    child = run_python(CHILD, env={"NODE_OPTIONS": f"--tls-keylog={file}",
                                   "PYTHONPATH": str(HERE)})

    assert child.returncode == 0, child.stderr.decode()  # code 0, signal null
    log = file.read_text("utf8").strip().split("\n")
    # Both client and server should log their secrets,
    # so we should have two identical lines in the log
    assert len(log) == 2
    assert log[0] == log[1]
