"""Port of Node 20's test/parallel/test-tls-over-http-tunnel.js.

A TLS client tunnelled through an HTTP CONNECT proxy (a net.Server relaying
bytes) gets the HTTPS server's response intact.

Node's http/https are scaffolding here: the HTTPS server is a tls.Server that
answers one request by hand, the CONNECT request is written on a net socket in
the exact bytes Node's http client sends (the proxy checks them), and the
replies are parsed by hand.
"""

import nodessl as tls
from nodessl import net

NODE_TEST = "test-tls-over-http-tunnel.js"


def test_over_http_tunnel(common, fixtures):
    # This test ensures that the data received through tls over http tunnel
    # is same as what is sent.
    got_request = False

    key = fixtures.readKey("agent1-key.pem")
    cert = fixtures.readKey("agent1-cert.pem")

    options = {"key": key, "cert": cert}

    def main():
        # https.createServer(options, (req, res) => ...): one request per connection
        def on_request(req_socket):
            head = bytearray()

            def on_data(chunk):
                head.extend(chunk)
                if b"\r\n\r\n" not in head:
                    return
                req_socket.removeAllListeners("data")
                assert head.startswith(b"GET /foo HTTP/1.1\r\n")
                on_http_request()

            def on_http_request():
                # res.writeHead(200, {'content-type': 'text/plain'}); res.end('hello world\n')
                body = b"hello world\n"
                req_socket.end(b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n"
                               b"Content-Length: %d\r\nConnection: close\r\n\r\n%s"
                               % (len(body), body))

            req_socket.on("data", on_data)

        server = tls.createServer(options, common.mustCall(on_request))

        def on_proxy_connection(client_socket):
            server_socket = None

            def on_data(chunk):
                nonlocal server_socket
                if not server_socket:
                    # Verify the CONNECT request
                    assert chunk.decode() == (
                        f"CONNECT localhost:{server.address()['port']} "
                        "HTTP/1.1\r\n"
                        "Proxy-Connections: keep-alive\r\n"
                        f"Host: localhost:{proxy.address()['port']}\r\n"
                        "Connection: keep-alive\r\n\r\n")

                    # create the tunnel
                    def on_tunnel():
                        # Send the response
                        client_socket.write(
                            "HTTP/1.1 200 OK\r\nProxy-Connections: keep"
                            "-alive\r\nConnections: keep-alive\r\nVia: "
                            f"localhost:{proxy.address()['port']}\r\n\r\n")

                    server_socket = net.connect(server.address()["port"],
                                                common.mustCall(on_tunnel))

                    server_socket.on("data", lambda chunk: client_socket.write(chunk))

                    server_socket.on("end", common.mustCall(lambda *_: client_socket.destroy()))
                else:
                    server_socket.write(chunk)

            client_socket.on("data", on_data)

            client_socket.on("end", lambda *_: server_socket.destroy())

        proxy = net.createServer(on_proxy_connection)

        server.listen(0)

        def on_proxy_listening():
            # http.request({port, method: 'CONNECT', path, headers}).end(): Node's bytes
            socket = net.connect(proxy.address()["port"])
            socket.write(f"CONNECT localhost:{server.address()['port']} HTTP/1.1\r\n"
                         "Proxy-Connections: keep-alive\r\n"
                         f"Host: localhost:{proxy.address()['port']}\r\n"
                         "Connection: keep-alive\r\n\r\n")
            response = bytearray()

            def on_connect_data(chunk):
                response.extend(chunk)
                if b"\r\n\r\n" in response:
                    header, _, rest = bytes(response).partition(b"\r\n\r\n")
                    status = int(header.split(b" ", 2)[1])
                    on_connect(status, socket, rest)

            socket.on("data", on_connect_data)

            def on_connect(status_code, socket, header):
                assert status_code == 200  # res.statusCode

                # detach the socket
                socket.removeAllListeners("data")
                socket.removeAllListeners("close")
                socket.removeAllListeners("error")
                socket.removeAllListeners("drain")
                socket.removeAllListeners("end")

                # https.get({path: '/foo', key, cert, socket, agent: false,
                #            rejectUnauthorized: false}, (res) => ...)
                https_socket = tls.connect({
                    "key": key,
                    "cert": cert,
                    "socket": socket,  # reuse the socket
                    "rejectUnauthorized": False,
                })
                https_socket.write(b"GET /foo HTTP/1.1\r\nHost: localhost\r\n"
                                   b"Connection: close\r\n\r\n")
                received = bytearray()
                https_socket.on("data", received.extend)

                def on_res_data(chunk):
                    nonlocal got_request
                    assert chunk.decode() == "hello world\n"
                    got_request = True

                def on_res_end():
                    proxy.close()
                    server.close()

                on_res_data = common.mustCall(on_res_data)
                on_res_end = common.mustCall(on_res_end)

                def on_https_end(*_):
                    head, _, body = bytes(received).partition(b"\r\n\r\n")
                    assert int(head.split(b" ", 2)[1]) == 200  # res.statusCode
                    on_res_data(body)
                    on_res_end()

                https_socket.on("end", on_https_end)

                def on_error(er):
                    # We're ok with getting ECONNRESET in this test, but it's
                    # timing-dependent, and thus unreliable. Any other errors
                    # are just failures, though.
                    if getattr(er, "code", None) != "ECONNRESET":
                        raise er

                https_socket.on("error", on_error)

        proxy.listen(0, common.mustCall(on_proxy_listening))

    common.run(main)
    # process.on('exit')
    assert got_request
