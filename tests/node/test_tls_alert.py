"""Port of Node 20's test/parallel/test-tls-alert.js.

A TLS 1.2-only server answers an `openssl s_client -tls1_1` with a protocol_version alert
(number 70), which s_client reports.
"""

import asyncio
import re
import subprocess
import types

import nodessl as tls

NODE_TEST = "test-tls-alert.js"


def execFile(file, args, callback):
    """Node's child_process.execFile: run ``file``, then ``callback(err, stdout, stderr)``.

    ``err`` is None on exit status 0, else an error whose ``code`` is the status. The peer is
    killed if the program ends first.
    """
    async def child():
        proc = await asyncio.create_subprocess_exec(
            file, *args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
        try:
            stdout, stderr = await proc.communicate()
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        err = None if proc.returncode == 0 else types.SimpleNamespace(code=proc.returncode)
        callback(err, stdout.decode(), stderr.decode())

    return asyncio.get_running_loop().create_task(child())


def test_alert(common, fixtures):
    assert common.opensslCli  # Node skips without the CLI

    def loadPEM(n):
        return fixtures.readKey(f"{n}.pem")

    # the openssl CLI here is 3.0 (common.hasOpenSSL31 false in Node's terms)
    hasOpenSSL31 = subprocess.run([common.opensslCli, "version"], capture_output=True,
                                  text=True, check=True).stdout.split()[1] >= "3.1"

    def main():
        def on_listening():
            args = ["s_client", "-quiet", "-tls1_1",
                    "-cipher", ("DEFAULT:@SECLEVEL=0" if hasOpenSSL31 else "DEFAULT"),
                    "-connect", f"127.0.0.1:{server.address()['port']}"]

            def on_exit(err, _, stderr):
                assert err.code == 1
                assert re.search(r"SSL alert number 70", stderr)
                server.close()

            execFile(common.opensslCli, args, common.mustCall(on_exit))

        server = tls.Server({
            "secureProtocol": "TLSv1_2_server_method",
            "key": loadPEM("agent2-key"),
            "cert": loadPEM("agent2-cert"),
        }, None).listen(0, common.mustCall(on_listening))

    common.run(main)
