"""Port of Node 20's test/parallel/test-tls-alpn-server-client.js.

The ALPN protocol each side sees for server and client ALPNProtocols (present or not), a fatal
no_application_protocol alert, and the server's ALPNCallback (valid, undefined and invalid
results, and its conflict with ALPNProtocols).

Node chains the sub-tests (Test1 calls Test2 when it is done, ...); here each is its own test
function with its own program, in Node's order, so each passes or fails on its own; the
results callback that carries Node's chain on is a mustCall here, as the chain must get through.

Three expectations of the stored copy are not what Node v20.20.2 does when that very file is
run here (and nodessl does as Node 20 does): the client of a rejected ALPN reads the
no_application_protocol alert (ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL, not ECONNRESET),
twice, and an invalid ALPNCallback result reaches 'tlsClientError', not 'uncaughtException'.
The ports assert Node 20's behaviour, with a comment at each.
"""

import asyncio
import re
import subprocess

from nodecommon import assert_throws

import nodessl as tls

NODE_TEST = "test-tls-alpn-server-client.js"

serverIP = "127.0.0.1"  # common.localhostIPv4


def loadPEM(fixtures, n):
    return fixtures.readKey(f"{n}.pem")


def checkResults(result, expected):
    assert result["server"]["ALPN"] == expected["server"]["ALPN"]
    assert result["client"]["ALPN"] == expected["client"]["ALPN"]


def runTest(fixtures, clientsOptions, serverOptions, cb, on_server=None):
    serverOptions["key"] = loadPEM(fixtures, "agent2-key")
    serverOptions["cert"] = loadPEM(fixtures, "agent2-cert")
    # JS arrays grow on assignment; results[i] is a dict with 'server'/'client' once set
    results = []
    clientIndex = 0
    serverIndex = 0

    def on_secure(c):
        nonlocal serverIndex
        results[serverIndex]["server"] = {"ALPN": c.alpnProtocol}
        serverIndex += 1

    server = tls.createServer(serverOptions, on_secure)
    if on_server is not None:  # see test_bad_alpn_callback
        on_server(server)

    def connectClient(options):
        nonlocal clientIndex
        opt = options.pop(0)
        opt["port"] = server.address()["port"]
        opt["host"] = serverIP
        opt["rejectUnauthorized"] = False

        results.append({})  # results[clientIndex] = {}: clients run one at a time

        def startNextClient():
            nonlocal clientIndex
            if len(options):
                clientIndex += 1
                connectClient(options)
            else:
                server.close()
                server.on("close", lambda *_: cb(results))

        def on_connect():
            results[clientIndex]["client"] = {"ALPN": client.alpnProtocol}
            client.end()
            startNextClient()

        def on_error(err):
            results[clientIndex]["client"] = {"error": err}
            startNextClient()

        client = tls.connect(opt, on_connect)
        client.on("error", on_error)

    server.listen(0, serverIP, lambda: connectClient(clientsOptions))


def spawn_stderr(file, args, on_close):
    """``spawn(file, args, {stdio: ['ignore', 'ignore', 'pipe']})``; ``on_close(stderr)``.

    The stderr chunks are gathered as utf8 text, as Node's setEncoding('utf8') 'data'
    listener does, and handed over on the stream's 'close'. The peer is killed if the
    program ends first.
    """
    async def child():
        proc = await asyncio.create_subprocess_exec(
            file, *args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE)
        try:
            stderr = await proc.stderr.read()
            await proc.wait()
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        on_close(stderr.decode("utf8"))

    return asyncio.get_running_loop().create_task(child())


# Server: ALPN, Client: ALPN
def test_server_alpn_client_alpn(common, fixtures):
    serverOptions = {
        "ALPNProtocols": ["a", "b", "c"],
    }

    clientsOptions = [{
        "ALPNProtocols": ["a", "b", "c"],
    }, {
        "ALPNProtocols": ["c", "b", "e"],
    }, {
        "ALPNProtocols": ["x", "y", "c"],
    }]

    def on_results(results):
        # 'a' is selected by ALPN
        checkResults(results[0],
                     {"server": {"ALPN": "a"},
                      "client": {"ALPN": "a"}})
        # 'b' is selected by ALPN
        checkResults(results[1],
                     {"server": {"ALPN": "b"},
                      "client": {"ALPN": "b"}})
        # Nothing is selected by ALPN
        checkResults(results[2],
                     {"server": {"ALPN": "c"},
                      "client": {"ALPN": "c"}})
        # Node executes the next test (Test2) here: test_server_alpn_client_nothing

    common.run(lambda: runTest(fixtures, clientsOptions, serverOptions,
                               common.mustCall(on_results)))


# Server: ALPN, Client: Nothing
def test_server_alpn_client_nothing(common, fixtures):
    serverOptions = {
        "ALPNProtocols": ["a", "b", "c"],
    }

    clientsOptions = [{}, {}, {}]

    def on_results(results):
        # Nothing is selected by ALPN
        checkResults(results[0],
                     {"server": {"ALPN": False},
                      "client": {"ALPN": False}})
        # Nothing is selected by ALPN
        checkResults(results[1],
                     {"server": {"ALPN": False},
                      "client": {"ALPN": False}})
        # Nothing is selected by ALPN
        checkResults(results[2],
                     {"server": {"ALPN": False},
                      "client": {"ALPN": False}})
        # Node executes the next test (Test3) here

    common.run(lambda: runTest(fixtures, clientsOptions, serverOptions,
                               common.mustCall(on_results)))


# Server: Nothing, Client: ALPN
def test_server_nothing_client_alpn(common, fixtures):
    serverOptions = {}

    clientsOptions = [{
        "ALPNrotocols": ["a", "b", "c"],  # sic: Node's typo, an option nobody reads
    }, {
        "ALPNProtocols": ["c", "b", "e"],
    }, {
        "ALPNProtocols": ["first-priority-unsupported", "x", "y"],
    }]

    def on_results(results):
        # nothing is selected
        checkResults(results[0], {"server": {"ALPN": False},
                                  "client": {"ALPN": False}})
        # nothing is selected
        checkResults(results[1], {"server": {"ALPN": False},
                                  "client": {"ALPN": False}})
        # nothing is selected
        checkResults(results[2],
                     {"server": {"ALPN": False},
                      "client": {"ALPN": False}})
        # Node executes the next test (Test4) here

    common.run(lambda: runTest(fixtures, clientsOptions, serverOptions,
                               common.mustCall(on_results)))


# Server: Nothing, Client: Nothing
def test_server_nothing_client_nothing(common, fixtures):
    serverOptions = {}

    clientsOptions = [{}, {}, {}]

    def on_results(results):
        # nothing is selected
        checkResults(results[0], {"server": {"ALPN": False},
                                  "client": {"ALPN": False}})
        # nothing is selected
        checkResults(results[1], {"server": {"ALPN": False},
                                  "client": {"ALPN": False}})
        # nothing is selected
        checkResults(results[2],
                     {"server": {"ALPN": False},
                      "client": {"ALPN": False}})

    # Node starts TestFatalAlert() right after runTest here (not from the callback), so
    # the two run side by side there; test_fatal_alert runs it on its own.
    common.run(lambda: runTest(fixtures, clientsOptions, serverOptions,
                               common.mustCall(on_results)))


def test_fatal_alert(common, fixtures):
    def main():
        server = tls.createServer({
            "ALPNProtocols": ["foo"],
            "key": loadPEM(fixtures, "agent2-key"),
            "cert": loadPEM(fixtures, "agent2-cert"),
        }, common.mustNotCall())

        def on_listening():
            port = server.address()["port"]

            # The Node.js client will just report ECONNRESET because the connection
            # is severed before the TLS handshake completes.
            def on_error(err):
                # The stored copy asserts ECONNRESET; Node v20.20.2 (OpenSSL 3.0.19), run on
                # that very file here, reads the alert first and reports
                # ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL, as nodessl does (Node's later
                # copy accepts both: "ECONNRESET (older OpenSSL) or ...").
                assert err.code == "ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL"

                # OpenSSL's s_client should output the TLS alert number, which is 120
                # for the 'no_application_protocol' alert.
                opensslCli = common.opensslCli
                if opensslCli:
                    addr = f"{serverIP}:{port}"

                    def on_close(stderr):
                        assert re.search(r"SSL alert number 120", stderr)
                        server.close()
                        # Node executes the next test (TestALPNCallback) here

                    spawn_stderr(opensslCli, ["s_client", "--alpn", "bar", addr],
                                 common.mustCall(on_close))
                else:
                    server.close()

            tls.connect({
                "host": serverIP,
                "port": port,
                "rejectUnauthorized": False,
                "ALPNProtocols": ["bar"],
            }, common.mustNotCall()).on("error", common.mustCall(on_error))

        server.listen(0, serverIP, common.mustCall(on_listening))

    assert common.opensslCli  # the CLI is on this machine: the s_client half must run
    common.run(main)


def test_alpn_callback(common, fixtures):
    # Server always selects the client's 2nd preference:
    def alpn_callback(arg):
        protocols = arg["protocols"]
        # JS protocols[1] past the end is undefined
        return protocols[1] if len(protocols) > 1 else None

    serverOptions = {
        "ALPNCallback": common.mustCall(alpn_callback, 2),
    }

    clientsOptions = [{
        "ALPNProtocols": ["a", "b", "c"],
    }, {
        "ALPNProtocols": ["a"],
    }]

    def on_results(results):
        # Callback picks 2nd preference => picks 'b'
        checkResults(results[0],
                     {"server": {"ALPN": "b"},
                      "client": {"ALPN": "b"}})

        # Callback picks 2nd preference => undefined => ALPN rejected:
        assert results[1].get("server") is None  # undefined
        # Stored copy: ECONNRESET; Node v20.20.2 here reads the no_application_protocol alert
        # (see test_fatal_alert), as nodessl does.
        assert results[1]["client"]["error"].code == "ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL"
        # Node executes the next test (TestBadALPNCallback) here

    common.run(lambda: runTest(fixtures, clientsOptions, serverOptions,
                               common.mustCall(on_results)))


def test_bad_alpn_callback(common, fixtures):
    # Server always returns a fixed invalid value:
    serverOptions = {
        "ALPNCallback": common.mustCall(lambda *_: "http/5"),
    }

    clientsOptions = [{
        "ALPNProtocols": ["http/1", "h2"],
    }]

    # The stored copy expects process 'uncaughtException' with this code. Node v20.20.2, run
    # on that very file here, never emits it (its mustCall fails there): the error reaches the
    # server's 'tlsClientError' instead, and so it does in nodessl. An uncaught error would end
    # common.run with it (Node's process exit), so the code is checked where Node 20 delivers it.
    def on_client_error(error, socket):
        assert error.code == "ERR_TLS_ALPN_CALLBACK_INVALID_RESULT"

    def on_results(results):
        # Callback returns 'http/5' => doesn't match client ALPN => error & reset
        assert results[0].get("server") is None  # undefined
        assert results[0]["client"]["error"].code == "ECONNRESET"
        # Node executes the next test (TestALPNOptionsCallback) here

    def main():
        runTest(fixtures, clientsOptions, serverOptions, common.mustCall(on_results),
                lambda server: server.on("tlsClientError", common.mustCall(on_client_error)))

    common.run(main)


def test_alpn_options_callback(common):
    def main():
        # Server sets two incompatible ALPN options:
        assert_throws(lambda: tls.createServer({
            "ALPNCallback": lambda *_: "a",
            "ALPNProtocols": ["b", "c"],
        }), lambda error: error.code == "ERR_TLS_ALPN_CALLBACK_WITH_PROTOCOLS")

    common.run(main)
