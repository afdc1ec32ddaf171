"""Port of Node 20's test/parallel/test-tls-onread-static-buffer.js.

``tls.connect({onread: {buffer, callback}})`` reads into the caller's buffer
(a fixed one or one from a function, bytes-like either way) instead of
emitting 'data'; ``pause()``/``resume()`` and a callback returning False
pause delivery, and every byte still arrives.
"""

import pytest

import nodessl as tls

NODE_TEST = "test-tls-onread-static-buffer.js"

pytestmark = pytest.mark.xfail(strict=True, reason=(
    "socket/net: the onread option ({buffer, callback}) is not supported: tls.connect ignores "
    "it and emits 'data', where Node fills the given buffer and calls callback(nread, buf)"))


def test_onread_static_buffer(common, fixtures):
    options = {"key": fixtures.readKey("agent2-key.pem"),
               "cert": fixtures.readKey("agent2-cert.pem")}

    small_message = b"hello world"
    # Used to test .pause(), so needs to be larger than the internal buffer
    # (Buffer.alloc(n).fill('hello world'): the pattern repeated over n bytes)
    large_message = (b"hello world" * (64 * 1024 // 11 + 1))[:64 * 1024]

    def serve(message, client_side):
        def on_secure(socket):
            server.close()  # Node's this.close(): the server
            socket.end(message)

        server = tls.createServer(options, common.mustCall(on_secure))
        server.listen(0, lambda: client_side(server.address()["port"]))

    # Test typical usage
    def typical(port):
        received = 0
        buffers = []
        sock_buf = bytearray(8)  # Buffer.alloc(8)

        def callback(nread, buf):
            nonlocal received
            assert buf is sock_buf
            received += nread
            buffers.append(bytes(buf[:nread]))

        def on_end():
            assert received == len(small_message)
            assert b"".join(buffers) == small_message

        tls.connect({
            "port": port,
            "rejectUnauthorized": False,
            "onread": {"buffer": sock_buf, "callback": callback},
        }).on("data", common.mustNotCall()).on("end", common.mustCall(on_end))

    # Test Uint8Array support
    def uint8array(port):
        received = 0
        incoming = bytearray(0)
        sock_buf = bytearray(8)  # new Uint8Array(8)

        def callback(nread, buf):
            nonlocal received, incoming
            assert buf is sock_buf
            received += nread
            new_incoming = bytearray(len(incoming) + nread)
            new_incoming[:len(incoming)] = incoming
            new_incoming[len(incoming):] = buf[:nread]
            incoming = new_incoming

        def on_end():
            assert received == len(small_message)
            assert incoming == bytearray(small_message)

        tls.connect({
            "port": port,
            "rejectUnauthorized": False,
            "onread": {"buffer": sock_buf, "callback": callback},
        }).on("data", common.mustNotCall()).on("end", common.mustCall(on_end))

    # Test Buffer callback usage (and, with the same Python type, Uint8Array callback support)
    def buffer_callback(port):
        received = 0
        incoming = []
        buf_pool = [bytearray(2), bytearray(2), bytearray(2)]
        buf_pool_idx = -1
        buf_pool_usage = 0

        def buffer():
            nonlocal buf_pool_idx, buf_pool_usage
            buf_pool_usage += 1
            buf_pool_idx = (buf_pool_idx + 1) % len(buf_pool)
            return buf_pool[buf_pool_idx]

        def callback(nread, buf):
            nonlocal received
            assert buf is buf_pool[buf_pool_idx]
            received += nread
            incoming.append(bytes(buf[:nread]))

        def on_end():
            assert received == len(small_message)
            assert b"".join(incoming) == small_message
            assert buf_pool_usage == 7

        tls.connect({
            "port": port,
            "rejectUnauthorized": False,
            "onread": {"buffer": buffer, "callback": callback},
        }).on("data", common.mustNotCall()).on("end", common.mustCall(on_end))

    # Test explicit socket pause
    def explicit_pause(port):
        received = 0
        buffers = []
        sock_buf = bytearray(64)
        pause_scheduled = False

        def callback(nread, buf):
            nonlocal received, pause_scheduled
            assert buf is sock_buf
            received += nread
            buffers.append(bytes(buf[:nread]))
            if not pause_scheduled:
                pause_scheduled = True
                client.pause()
                tls.setTimeout(lambda: client.resume(), 100)

        def on_end():
            assert received == len(large_message)
            assert b"".join(buffers) == large_message

        client = tls.connect({
            "port": port,
            "rejectUnauthorized": False,
            "onread": {"buffer": sock_buf, "callback": callback},
        })
        client.on("data", common.mustNotCall()).on("end", common.mustCall(on_end))

    # Test implicit socket pause
    def implicit_pause(port):
        received = 0
        buffers = []
        sock_buf = bytearray(64)
        pause_scheduled = False

        def callback(nread, buf):
            nonlocal received, pause_scheduled
            assert buf is sock_buf
            received += nread
            buffers.append(bytes(buf[:nread]))
            if not pause_scheduled:
                pause_scheduled = True
                tls.setTimeout(lambda: client.resume(), 100)
                return False
            return True

        def on_end():
            assert received == len(large_message)
            assert b"".join(buffers) == large_message

        client = tls.connect({
            "port": port,
            "rejectUnauthorized": False,
            "onread": {"buffer": sock_buf, "callback": callback},
        })
        client.on("data", common.mustNotCall()).on("end", common.mustCall(on_end))

    def main():
        serve(small_message, typical)
        serve(small_message, uint8array)
        serve(small_message, buffer_callback)
        # Test Uint8Array callback support: Buffer and Uint8Array are both bytearray here
        serve(small_message, buffer_callback)
        serve(large_message, explicit_pause)
        serve(large_message, implicit_pause)

    common.run(main, timeout=5)
