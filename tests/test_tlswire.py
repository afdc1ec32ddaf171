"""tlswire reads what real peers put on the wire, and nothing a peer sends makes it raise.

The captures are live: ``openssl s_client`` / ``s_server`` and ``node`` talk through a plain TCP
listener or relay on 127.0.0.1 inside each test, and what tlswire reads off those bytes is
compared with what the peer was configured to send (its sigalgs, SNI name, ALPN list,
status_request, versions, groups, cipher suite, DH size, the CertificateRequest's sigalgs, an
alert).  Then the same bytes are re-framed (a record boundary at every position inside a
message, one byte per record, one byte per feed), cut short and mixed with garbage: the
reader must give the same messages, or stop cleanly, and never raise anything but
``WireError``.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from conftest import KEYS, need, run_loop, s_server

from nodessl import tlswire
from nodessl.handshake import KeyExchangeScanner, ephemeral_key_info, rewrite_alert
from nodessl.ocsp import status_requested
from nodessl.sessioncache import hello_session
from nodessl.sigalgs import ClientHelloScanner, client_hello_sigalgs
from nodessl.tlswire import HandshakeReader, WireError
from nodessl.trace import format_message

# -- live peers ----------------------------------------------------------------------------------


async def _spawn(*argv: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *argv, cwd=str(KEYS), stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)


async def _end(*procs: asyncio.subprocess.Process | None) -> None:
    for proc in procs:
        if proc is not None and proc.returncode is None:
            proc.kill()
        if proc is not None:
            await proc.wait()


def _until_first_message(data: bytes) -> bool:
    reader = HandshakeReader()
    return bool(reader.feed(data)) or reader.stopped is not None


async def _first_flight(client_argv: Callable[[int], list[str]]) -> bytes:
    """What a client sends a plain TCP listener until its first handshake message is in."""
    got: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()

    async def on_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        data = b""
        try:
            while not _until_first_message(data):
                chunk = await reader.read(65536)
                if not chunk:
                    break
                data += chunk
        finally:
            writer.close()
            if not got.done():
                got.set_result(data)

    listener = await asyncio.start_server(on_client, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    proc = None
    try:
        proc = await _spawn(*client_argv(port))
        return await asyncio.wait_for(got, 15)
    finally:
        await _end(proc)
        listener.close()


def _node_client(options: dict[str, Any]) -> Callable[[int], list[str]]:
    script = ("const tls = require('tls');"
              "const o = JSON.parse(process.argv[1]);"
              "const c = tls.connect(o); c.on('error', () => {});")
    return lambda port: [need("node"), "-e", script,
                         json.dumps({**options, "port": port, "host": "127.0.0.1"})]


def _s_client(*args: str) -> Callable[[int], list[str]]:
    return lambda port: [need("openssl"), "s_client", "-connect", f"127.0.0.1:{port}", *args]


async def _relay(server_port: int, client_argv: Callable[[int], list[str]],
                 done: Callable[[bytes], bool]) -> tuple[bytes, bytes]:
    """Run a client against the server at ``server_port`` through a relay that records both
    directions; ``(client bytes, server bytes)`` once ``done(server bytes)``."""
    sent = {"client": bytearray(), "server": bytearray()}
    finished: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter, who: str) -> None:
        try:
            while chunk := await src.read(65536):
                sent[who] += chunk
                dst.write(chunk)
                if who == "server" and done(bytes(sent["server"])) and not finished.done():
                    finished.set_result(None)
        except ConnectionError:
            pass
        finally:
            dst.close()
            if not finished.done():
                finished.set_result(None)

    tasks: list[asyncio.Task[None]] = []

    async def on_client(c_reader: asyncio.StreamReader, c_writer: asyncio.StreamWriter) -> None:
        s_reader, s_writer = await asyncio.open_connection("127.0.0.1", server_port)
        tasks.append(asyncio.ensure_future(pump(c_reader, s_writer, "client")))
        tasks.append(asyncio.ensure_future(pump(s_reader, c_writer, "server")))

    listener = await asyncio.start_server(on_client, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    proc = None
    try:
        proc = await _spawn(*client_argv(port))
        await asyncio.wait_for(finished, 15)
    finally:
        await _end(proc)
        listener.close()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return bytes(sent["client"]), bytes(sent["server"])


async def _node_server(options: dict[str, Any]) -> tuple[asyncio.subprocess.Process, int]:
    """A Node 20 tls.Server with ``options`` (``key``/``cert``/``dhparam`` name fixture files);
    (process, port) once it listens."""
    script = ("const tls = require('tls'), fs = require('fs');"
              "const o = JSON.parse(process.argv[1]);"
              "for (const f of ['key', 'cert', 'dhparam']) if (o[f]) o[f] = fs.readFileSync(o[f]);"
              "const s = tls.createServer(o, (c) => c.on('error', () => {}));"
              "s.on('tlsClientError', () => {});"
              "s.listen(0, '127.0.0.1', () => console.log(s.address().port));")
    proc = await asyncio.create_subprocess_exec(
        need("node"), "-e", script, json.dumps(options), cwd=str(KEYS),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL)
    assert proc.stdout is not None
    try:
        line = await asyncio.wait_for(proc.stdout.readline(), 10)
    except BaseException:
        await _end(proc)
        raise
    assert line, "node server exited"
    return proc, int(line)


def _server_flight_over(data: bytes) -> bool:
    reader = HandshakeReader(1 << 20, skip=frozenset({tlswire.ALERT}))
    return any(kind == tlswire.SERVER_HELLO_DONE for kind, _ in reader.feed(data)) \
        or reader.stopped is not None


def _messages(data: bytes, **kw: Any) -> list[tuple[int, bytes]]:
    return HandshakeReader(1 << 20, **kw).feed(data)


def _hello_of(flight: bytes) -> tlswire.ClientHello:
    (kind, body), = _messages(flight)[:1]
    assert kind == tlswire.CLIENT_HELLO
    hello = tlswire.parse_client_hello(body)
    assert hello is not None
    return hello


# -- ClientHellos ------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["1.2", "1.3"])
def test_openssl_client_hello(version: str) -> None:
    args = ["-servername", "wire.example", "-alpn", "h2,http/1.1", "-status",
            "-sigalgs", "ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256:ed25519",
            "-groups", "X25519:P-256"]
    if version == "1.3":
        args += ["-tls1_3", "-ciphersuites", "TLS_AES_256_GCM_SHA384"]
    else:
        args += ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"]
    flight = run_loop(lambda: _first_flight(_s_client(*args)))
    hello = _hello_of(flight)
    ext = hello.extensions
    assert hello.version == 0x0303 and len(hello.random) == 32
    assert tlswire.signature_algorithms(ext.get(tlswire.EXT_SIGNATURE_ALGORITHMS)) == [
        0x0403, 0x0804, 0x0807]
    assert tlswire.server_name(ext.get(tlswire.EXT_SERVER_NAME)) == "wire.example"
    assert tlswire.alpn(ext.get(tlswire.EXT_ALPN)) == [b"h2", b"http/1.1"]
    assert tlswire.status_request(ext.get(tlswire.EXT_STATUS_REQUEST))
    assert tlswire.supported_groups(ext.get(tlswire.EXT_SUPPORTED_GROUPS)) == [29, 23]
    versions = tlswire.supported_versions(ext.get(tlswire.EXT_SUPPORTED_VERSIONS))
    if version == "1.3":
        assert versions == [0x0304]
        assert 0x1302 in hello.cipher_suites and 0x1301 not in hello.cipher_suites
        assert len(hello.session_id) == 32  # RFC 8446 middlebox compatibility
    else:
        assert versions is None  # a TLS 1.2-only OpenSSL client does not send the extension
        assert 0xC02F in hello.cipher_suites and 0x1302 not in hello.cipher_suites
    assert hello.compression_methods == b"\x00"
    # the features read the same hello the same way
    message = _handshake_bytes(_messages(flight)[:1])
    body = message[4:]
    assert client_hello_sigalgs(body) == [0x0403, 0x0804, 0x0807]
    assert status_requested(message)
    assert hello_session(body) == (hello.session_id, False)


def test_node_client_hello() -> None:
    flight = run_loop(lambda: _first_flight(_node_client({
        "servername": "node.example", "ALPNProtocols": ["x-wire", "h2"],
        "sigalgs": "ECDSA+SHA384:ed25519:RSA+SHA256", "minVersion": "TLSv1.2",
        "maxVersion": "TLSv1.3", "ecdhCurve": "P-384:X25519"})))
    hello = _hello_of(flight)
    ext = hello.extensions
    assert tlswire.signature_algorithms(ext.get(tlswire.EXT_SIGNATURE_ALGORITHMS)) == [
        0x0503, 0x0807, 0x0401]
    assert tlswire.server_name(ext.get(tlswire.EXT_SERVER_NAME)) == "node.example"
    assert tlswire.alpn(ext.get(tlswire.EXT_ALPN)) == [b"x-wire", b"h2"]
    assert tlswire.supported_groups(ext.get(tlswire.EXT_SUPPORTED_GROUPS)) == [24, 29]
    assert tlswire.supported_versions(ext.get(tlswire.EXT_SUPPORTED_VERSIONS)) == [
        0x0304, 0x0303]
    # Node asks for no OCSP status unless requestOCSP is set
    assert not tlswire.status_request(ext.get(tlswire.EXT_STATUS_REQUEST))


def test_node_client_hello_requesting_ocsp_without_sni() -> None:
    flight = run_loop(lambda: _first_flight(_node_client({"requestOCSP": True,
                                                          "maxVersion": "TLSv1.2"})))
    hello = _hello_of(flight)
    assert tlswire.status_request(hello.extensions.get(tlswire.EXT_STATUS_REQUEST))
    # an IP address is no server name (RFC 6066): Node leaves the extension out
    assert tlswire.EXT_SERVER_NAME not in hello.extensions
    assert tlswire.EXT_ALPN not in hello.extensions
    assert tlswire.supported_versions(hello.extensions.get(tlswire.EXT_SUPPORTED_VERSIONS)) \
        is None


# -- server flights --------------------------------------------------------------------------


def _check_tls12_dhe_flight(server: bytes, prime_bits: int, request_sigalgs: list[int],
                            fragment: int | None) -> None:
    kinds = [kind for kind, _ in _messages(server)]
    assert kinds == [tlswire.SERVER_HELLO, tlswire.CERTIFICATE, tlswire.SERVER_KEY_EXCHANGE,
                     tlswire.CERTIFICATE_REQUEST, tlswire.SERVER_HELLO_DONE]
    bodies = dict(_messages(server))
    hello = tlswire.parse_server_hello(bodies[tlswire.SERVER_HELLO])
    assert hello is not None and hello.version == 0x0303
    assert hello.cipher_suite == 0x009E  # DHE-RSA-AES128-GCM-SHA256
    params = tlswire.server_dh_params(bodies[tlswire.SERVER_KEY_EXCHANGE])
    assert params is not None
    assert int.from_bytes(params[0], "big").bit_length() == prime_bits
    assert params[1] == b"\x02"
    assert tlswire.certificate_request_sigalgs(bodies[tlswire.CERTIFICATE_REQUEST],
                                               False) == request_sigalgs
    # handshake.py's scanner, fed the flight as it came, keeps what ephemeral_key_info reads
    scanner = KeyExchangeScanner()
    scanner.feed(server)
    assert scanner.done
    assert ephemeral_key_info("DHE-RSA-AES128-GCM-SHA256", None,
                              scanner.server_key_exchange) == {"type": "DH",
                                                               "size": prime_bits}
    assert scanner.certificate_request == bodies[tlswire.CERTIFICATE_REQUEST]
    records = list(tlswire.iter_records(server))
    if fragment is not None:
        # the peer cut its messages into records: the certificate spans several
        assert max(r.end - r.start for r in records) <= fragment
        assert len(bodies[tlswire.CERTIFICATE]) > fragment
    _refeed_every_way(server, _messages(server))


def test_openssl_server_tls12_dhe_flight_in_512_byte_records() -> None:
    async def main() -> tuple[bytes, bytes]:
        proc, port = await s_server(
            "-key", "agent1-key.pem", "-cert", "agent1-cert.pem", "-tls1_2",
            "-cipher", "DHE-RSA-AES128-GCM-SHA256", "-dhparam", "dh2048.pem", "-verify", "1",
            "-client_sigalgs", "RSA+SHA256:ECDSA+SHA384:ed25519", "-max_send_frag", "512")
        try:
            return await _relay(port, _s_client("-tls1_2"), _server_flight_over)
        finally:
            await _end(proc)

    client, server = run_loop(main)
    assert _hello_of(client).cipher_suites  # the client's side went through the relay too
    _check_tls12_dhe_flight(server, 2048, [0x0401, 0x0503, 0x0807], 512)


def test_node_server_tls12_dhe_flight() -> None:
    async def main() -> tuple[bytes, bytes]:
        proc, port = await _node_server({
            "key": "agent1-key.pem", "cert": "agent1-cert.pem", "dhparam": "dh3072.pem",
            "ciphers": "DHE-RSA-AES128-GCM-SHA256", "maxVersion": "TLSv1.2",
            "requestCert": True, "rejectUnauthorized": False,
            "sigalgs": "RSA-PSS+SHA256:RSA+SHA384"})
        try:
            return await _relay(port, _s_client("-tls1_2"), _server_flight_over)
        finally:
            await _end(proc)

    _, server = run_loop(main)
    # Node's sigalgs option is the CertificateRequest's list too
    _check_tls12_dhe_flight(server, 3072, [0x0804, 0x0501], None)


@pytest.mark.parametrize("peer", ["openssl", "node"])
def test_tls13_server_flight_stops_where_encryption_starts(peer: str) -> None:
    async def main() -> tuple[bytes, bytes]:
        if peer == "openssl":
            proc, port = await s_server("-key", "agent1-key.pem", "-cert", "agent1-cert.pem",
                                        "-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256")
        else:
            proc, port = await _node_server({
                "key": "agent1-key.pem", "cert": "agent1-cert.pem",
                "ciphers": "TLS_CHACHA20_POLY1305_SHA256", "minVersion": "TLSv1.3"})
        try:
            return await _relay(port, _s_client("-tls1_3", "-groups", "P-256"),
                                _server_flight_over)
        finally:
            await _end(proc)

    _, server = run_loop(main)
    reader = HandshakeReader(1 << 20)
    messages = reader.feed(server)
    # the ServerHello, then ChangeCipherSpec (compatibility mode) or encrypted records
    assert [kind for kind, _ in messages] == [tlswire.SERVER_HELLO]
    assert reader.stopped in (tlswire.CHANGE_CIPHER_SPEC, tlswire.APPLICATION_DATA)
    hello = tlswire.parse_server_hello(messages[0][1])
    assert hello is not None
    assert hello.cipher_suite == 0x1303
    assert tlswire.supported_versions(hello.extensions.get(tlswire.EXT_SUPPORTED_VERSIONS)) == [
        0x0304]
    share = hello.extensions[tlswire.EXT_KEY_SHARE]
    assert share[:2] == b"\x00\x17"  # secp256r1, the only group the client offered
    assert len(hello.session_id) == 32
    # a client scanner that is handed a TLS 1.3 flight learns nothing and stops
    scanner = KeyExchangeScanner()
    scanner.feed(server)
    assert scanner.done and scanner.server_key_exchange is None


@pytest.mark.parametrize("peer", ["openssl", "node"])
def test_alert_from_a_server_sharing_no_cipher(peer: str) -> None:
    async def main() -> tuple[bytes, bytes]:
        if peer == "openssl":
            proc, port = await s_server("-key", "agent1-key.pem", "-cert", "agent1-cert.pem",
                                        "-tls1_2", "-cipher", "AES256-GCM-SHA384")
        else:
            proc, port = await _node_server({
                "key": "agent1-key.pem", "cert": "agent1-cert.pem",
                "ciphers": "AES256-GCM-SHA384", "maxVersion": "TLSv1.2"})
        try:
            return await _relay(port, _s_client("-tls1_2", "-cipher", "AES128-GCM-SHA256"),
                                lambda data: len(data) >= 7)
        finally:
            await _end(proc)

    _, server = run_loop(main)
    (record,) = tlswire.iter_records(server)
    assert record.content_type == tlswire.ALERT
    assert tlswire.alert(server[record.start:record.end]) == (2, 40)  # handshake_failure
    reader = HandshakeReader()
    assert reader.feed(server) == [] and reader.stopped == tlswire.ALERT
    # handshake.py rewrites a plaintext alert's description and nothing else
    rewritten = rewrite_alert(server, (40, 47))
    assert rewritten == server[:-1] + b"\x2f"
    assert rewrite_alert(server, (51, 47)) == server


# -- re-framing, truncation, garbage ---------------------------------------------------------


def _frame(kind: int, payload: bytes, sizes: Iterator[int]) -> bytes:
    """``payload`` as records of ``kind``, each as long as the next of ``sizes``."""
    out, pos = bytearray(), 0
    while pos < len(payload):
        size = max(1, next(sizes))
        chunk = payload[pos:pos + size]
        out += bytes([kind, 3, 3]) + len(chunk).to_bytes(2, "big") + chunk
        pos += size
    return bytes(out)


def _handshake_bytes(messages: list[tuple[int, bytes]]) -> bytes:
    return b"".join(bytes([kind]) + len(body).to_bytes(3, "big") + body
                    for kind, body in messages)


def _refeed_every_way(records: bytes, expected: list[tuple[int, bytes]]) -> None:
    """The same messages whatever the record framing and the feed chunking."""
    payload = _handshake_bytes(expected)
    rng = random.Random(len(payload))
    framings = [
        _frame(22, payload, iter(lambda: 1, None)),  # one byte per record
        _frame(22, payload, iter(lambda: rng.randint(1, 700), None)),
        records,
    ]
    first_len = 4 + len(expected[0][1])
    # a record boundary at every position inside (and around) the first message
    for cut in range(1, min(first_len + 2, len(payload))):
        framings.append(_frame(22, payload, iter([cut, len(payload)])))
    for framing in framings:
        assert HandshakeReader(1 << 20).feed(framing) == expected
    for framing in framings[:3]:
        reader, got = HandshakeReader(1 << 20), []
        for i in range(len(framing)):  # one byte per feed
            got += reader.feed(framing[i:i + 1])
        assert got == expected and reader.stopped is None


def test_client_hello_reassembled_from_any_framing() -> None:
    flight = run_loop(lambda: _first_flight(_s_client(
        "-tls1_3", "-servername", "split.example", "-alpn", "a,b", "-status")))
    expected = _messages(flight)[:1]
    _refeed_every_way(flight, expected)
    payload = _handshake_bytes(expected)
    # the server's scanner (sigalgs.py), fed byte by byte in one-byte records
    scanner = ClientHelloScanner()
    framed = _frame(22, payload, iter(lambda: 1, None))
    for i in range(len(framed)):
        assert not scanner.done
        scanner.feed(framed[i:i + 1])
    assert scanner.done and scanner.hello == expected[0][1]
    assert scanner.signature_algorithms == tlswire.signature_algorithms(
        _hello_of(flight).extensions[tlswire.EXT_SIGNATURE_ALGORITHMS])
    # every truncation of the hello is None, but the one that ends where the extensions
    # block would start: a hello without extensions
    body = expected[0][1]
    full = _hello_of(flight)
    no_extensions = (2 + 32 + 1 + len(full.session_id) + 2 + 2 * len(full.cipher_suites)
                     + 1 + len(full.compression_methods))
    for end in range(len(body)):
        hello = tlswire.parse_client_hello(body[:end])
        if end == no_extensions:
            assert hello == full._replace(extensions={})
            assert hello_session(body[:end]) == (full.session_id, False)
        else:
            assert hello is None, end
            assert hello_session(body[:end]) == (b"", False)
        assert not status_requested(b"\x01\x00\x00\x00" + body[:end])
        assert client_hello_sigalgs(body[:end]) is None
    # every extension body, cut anywhere, gives a value or None
    for ext_body in _hello_of(flight).extensions.values():
        for end in range(len(ext_body) + 1):
            _all_extension_helpers(ext_body[:end])


def _all_extension_helpers(body: bytes) -> None:
    for helper in (tlswire.signature_algorithms, tlswire.supported_groups,
                   tlswire.server_name, tlswire.alpn, tlswire.supported_versions):
        result = helper(body)
        assert result is None or isinstance(result, (list, str))
    assert isinstance(tlswire.status_request(body), bool)


def test_truncated_record_stream_waits_and_truncated_message_body_is_none() -> None:
    hello_body = (b"\x03\x03" + bytes(32) + b"\x00" + b"\x00\x02\x13\x01" + b"\x01\x00"
                  + b"\x00\x08" + b"\x00\x0d\x00\x04\x00\x02\x04\x03")
    hello = tlswire.parse_client_hello(hello_body)
    assert hello is not None and hello.cipher_suites == [0x1301]
    assert tlswire.signature_algorithms(hello.extensions[13]) == [0x0403]
    assert hello.extensions.keys() == {13}
    record = _frame(22, _handshake_bytes([(1, hello_body)]), iter([1 << 14]))
    for end in range(len(record)):
        reader = HandshakeReader()
        assert reader.feed(record[:end]) == []
        assert reader.stopped is None  # a prefix of TLS is not garbage: more may come
        assert reader.feed(record[end:]) == [(1, hello_body)]
    # an extensions block that claims more than it holds
    assert tlswire.parse_client_hello(hello_body[:-1]) is None
    assert tlswire.parse_client_hello(hello_body[:-10] + b"\x00\x09" + hello_body[-8:]) is None
    # no extensions at all (TLS 1.2 allows it): an empty map
    bare = tlswire.parse_client_hello(hello_body[:-10])
    assert bare is not None and bare.extensions == {}
    assert tlswire.certificate_request_sigalgs(b"", False) is None
    assert tlswire.certificate_request_sigalgs(b"\x01\x01\x00\x04\x04\x01", False) is None
    assert tlswire.certificate_request_sigalgs(b"\x01\x01\x00\x02\x04\x01\x00\x00",
                                               False) == [0x0401]
    assert tlswire.server_dh_params(b"\x00\x01\x17\x00\x01\x02") is None  # no Ys
    assert tlswire.server_dh_params(b"\x00\x00" + b"\x00\x01\x17\x00\x01\x02\x00\x01\x05",
                                    psk=True) == (b"\x17", b"\x02", b"\x05")
    assert tlswire.alert(b"\x02") is None and tlswire.alert(b"\x01\x00") == (1, 0)
    assert tlswire.record_header(b"\x16\x03\x01\x00") is None
    assert tlswire.record_header(b"\x16\x03\x01\x02\x00") == (22, 0x0301, 512)
    assert tlswire.handshake_header(b"\x01\x00\x00") is None
    assert tlswire.handshake_header(b"\x02\x01\x00\x00") == (2, 1 << 16)
    with pytest.raises(WireError):
        tlswire.u16_list(b"\x00")
    with pytest.raises(WireError):
        tlswire.extension_list(b"\x00\x0d\x00\x05\x00")
    with pytest.raises(WireError):
        tlswire.Reader(b"\x00\x03ab").vec(2)
    r = tlswire.Reader(bytes(range(1, 11)) + b"\x01\x0c\x0e\x0f")
    assert (r.u8(), r.u16(), r.u24(), r.u32()) == (1, 0x0203, 0x040506, 0x0708090A)
    assert r.vec(1) == b"\x0c" and r.left == 2 and r.rest() == b"\x0e\x0f" and r.left == 0
    with pytest.raises(WireError):
        r.u8()


def test_bytes_that_are_not_tls_stop_the_reader_at_once() -> None:
    for garbage in (b"GET / HTTP/1.1\r\n", b"\x80\x2e\x01\x03\x01",  # HTTP, an SSLv2 hello
                    b"\x16\x03\x01\xff\xff",  # a record longer than TLS allows
                    b"\x17\x03\x03\x00\x10"):  # application data before any hello
        reader = HandshakeReader()
        assert reader.feed(garbage[:5]) == []
        assert reader.stopped is not None, garbage
        assert reader.feed(b"\x16\x03\x01\x00\x00") == []  # stopped for good
        scanner = ClientHelloScanner()
        scanner.feed(garbage)
        assert scanner.done and scanner.hello is None and scanner.signature_algorithms is None
    # a handshake message claiming 16 MiB: stopped before buffering any of it
    reader = HandshakeReader()
    assert reader.feed(b"\x16\x03\x01\x00\x04\x01\xff\xff\xff") == []
    assert reader.stopped == tlswire.MALFORMED
    # a message longer than the reader's limit ends it at its header
    reader = HandshakeReader(limit=1000)
    assert reader.feed(b"\x16\x03\x01\x00\x04\x01\x00\x03\xe9") == []
    assert reader.stopped == tlswire.MALFORMED
    # a record that keeps coming past the limit ends it too
    reader = HandshakeReader(limit=1000)
    reader.feed(b"\x16\x03\x01\x27\x10\x01\x00\x03\x00")
    for _ in range(99):
        reader.feed(bytes(10))
    assert reader.stopped is None
    reader.feed(bytes(10))
    assert reader.stopped == tlswire.MALFORMED
    # an alert in the middle of a message ends the reading even where alerts are skipped
    reader = HandshakeReader(skip=frozenset({tlswire.ALERT}))
    assert reader.feed(b"\x15\x03\x03\x00\x02\x01\x00") == [] and reader.stopped is None
    reader.feed(b"\x16\x03\x03\x00\x02\x0e\x00")
    assert reader.feed(b"\x15\x03\x03\x00\x02\x01\x00") == []
    assert reader.stopped == tlswire.ALERT


def test_random_garbage_never_raises_anything_but_wire_error() -> None:
    rng = random.Random(10)
    hello_like = b"\x03\x03" + bytes(32)
    for _ in range(3000):
        size = rng.randint(0, 80)
        blob = bytes(rng.getrandbits(8) for _ in range(size))
        mixed = hello_like + blob  # past the fixed fields, so the variable ones get read
        for data in (blob, mixed):
            reader = HandshakeReader(limit=4096, skip=frozenset({tlswire.ALERT}))
            reader.feed(data)
            reader.feed(b"\x16\x03\x03" + data)
            tlswire.parse_client_hello(data)
            tlswire.parse_server_hello(data)
            tlswire.certificate_request_sigalgs(data, True)
            tlswire.certificate_request_sigalgs(data, False)
            tlswire.server_dh_params(data)
            tlswire.server_dh_params(data, psk=True)
            list(tlswire.iter_records(data))
            tlswire.record_header(data)
            tlswire.handshake_header(data)
            tlswire.alert(data)
            _all_extension_helpers(data)
            # the bundled backend's trace formats whatever the message callback hands it
            for content_type in (20, 21, 22, 256, 257):
                assert format_message(False, 0x0304, content_type, data, server=True)
                assert format_message(True, 0x0303, content_type, b"\x02" + data)
            for msg_type in (1, 2, 4, 8, 11, 13):  # hellos, tickets, extensions, certificates
                message = bytes([msg_type]) + len(data).to_bytes(3, "big") + data
                assert format_message(False, 0x0304, 22, message, server=msg_type != 1)
            for strict in (tlswire.extension_list, tlswire.u16_list):
                try:
                    strict(data)
                except WireError:
                    pass
