"""Port of Node 20's test/parallel/test-tls-net-connect-prefer-path.js.

Both ``net.connect`` and ``tls.connect`` ignore ``host`` and ``port`` when a
``path`` is given: the client reaches the Unix-socket server, not the TCP one.
"""

import nodessl as tls
from nodessl import net

NODE_TEST = "test-tls-net-connect-prefer-path.js"


def test_net_connect_prefer_path(common, fixtures, tmp_path):
    # common.PIPE (under tmpdir, refreshed): a fresh Unix socket path per server
    pipes = iter(str(tmp_path / f"pipe{i}.sock") for i in range(10))

    def lib_name(lib):
        return "net" if lib is net else "tls"

    def port_or_address(server):
        # JS `server.address().port || server.address()`: a Unix server's address() is its path
        address = server.address()
        return address["port"] if isinstance(address, dict) else address

    def mk_server(lib, tcp, cb):
        def handler(socket):
            socket.write(f"{lib_name(lib)}:{port_or_address(server)}")
            socket.end()

        args = [handler]
        if lib is tls:
            args.insert(0, {"cert": fixtures.readKey("rsa_cert.crt"),
                            "key": fixtures.readKey("rsa_private.pem")})
        server = lib.createServer(*args)
        server.listen(0 if tcp else next(pipes), common.mustCall(lambda: cb(server)))

    def test_lib(lib, cb):
        def with_tcp(tcp_server):
            def with_unix(unix_server):
                def on_connect():
                    bufs = []
                    client.on("data", common.mustCall(bufs.append))

                    def on_end():
                        resp = b"".join(bufs).decode()
                        assert resp == f"{lib_name(lib)}:{unix_server.address()}"
                        tcp_server.close()
                        unix_server.close()
                        cb()

                    client.on("end", common.mustCall(on_end))

                client = lib.connect({
                    "path": unix_server.address(),
                    "port": tcp_server.address()["port"],
                    "host": "localhost",
                    "rejectUnauthorized": False,
                }, on_connect)

            mk_server(lib, False, with_unix)

        mk_server(lib, True, with_tcp)

    def main():
        test_lib(net, common.mustCall(lambda: test_lib(tls, common.mustCall())))

    common.run(main)
