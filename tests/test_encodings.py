"""Node's encodings table: Buffer.from / toString / StringDecoder, compared with Node itself,
and the encodings on streams and sockets (write(str, enc), end(str, enc), setEncoding)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from conftest import collect, net_pair, once, run_loop, run_node

from nodessl import encodings
from nodessl.errors import NodeError
from nodessl.stream import PassThrough

NAMES = ["utf8", "utf-8", "UTF8", "utf16le", "utf-16le", "ucs2", "UCS-2", "latin1", "binary",
         "ascii", "base64", "base64url", "hex", "Hex"]

STRINGS = ["", "hi", "héllo wörld", "€ñ😀", "\u00ff\u0100\u4e2d", "deadBEEF", "dead beef",
           "abc", "aGVsbG8=", "aGVsbG8", "a-_b+/c==x", "  Zm9v\nYmFy ", "zz12",
           "lone \ud83d surrogate", "pair \ud83d\ude00 joined",
           "\u0161\u0162 two-byte"]

BUFFERS = [b"", b"\x00\x01\x7f\x80\xff", "héllo €😀".encode(), b"\xe2\x82", b"\xff\xfe\xfd",
           bytes(range(0, 256, 7)), b"\x3d\xd8\x00\xde\x3d", b"\x00\xd8", b"\xf5\x80A\xc3"]

NODE_TABLE = r"""
const {StringDecoder} = require('string_decoder');
const p = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = {isEncoding: p.names.map((n) => Buffer.isEncoding(n)), encode: {}, decode: {}, chunks: {}};
for (const n of p.names) {
  out.encode[n] = p.strings.map((s) => Buffer.from(s, n).toString('hex'));
  out.decode[n] = p.buffers.map((h) => Buffer.from(h, 'hex').toString(n));
  // the same bytes split at every position: what StringDecoder emits per write, and at end
  out.chunks[n] = p.buffers.map((h) => {
    const b = Buffer.from(h, 'hex'), res = [];
    for (let i = 0; i <= b.length; i++) {
      const d = new StringDecoder(n);
      res.push([d.write(b.subarray(0, i)), d.write(b.subarray(i)), d.end()]);
    }
    return res;
  });
}
for (const bad of ['utf9', 'latin2']) {
  try { new StringDecoder(bad); } catch (e) { out[bad] = [e.code, e.name, e.message]; }
}
console.log(JSON.stringify(out));
"""


def test_the_table_matches_node() -> None:
    payload = {"names": NAMES, "strings": STRINGS, "buffers": [b.hex() for b in BUFFERS]}
    node = run_node(NODE_TABLE, payload)
    assert [encodings.isEncoding(n) for n in NAMES] == node["isEncoding"]
    assert all(node["isEncoding"])
    for name in NAMES:
        assert [encodings.encode(s, name).hex() for s in STRINGS] == node["encode"][name], name
        assert [encodings.decode(b, name) for b in BUFFERS] == node["decode"][name], name
        ours = []
        for b in BUFFERS:
            per_split = []
            for i in range(len(b) + 1):
                d = encodings.StringDecoder(name)
                per_split.append([d.write(b[:i]), d.write(b[i:]), d.end()])
            ours.append(per_split)
        assert ours == node["chunks"][name], name
    for bad in ("utf9", "latin2"):
        with pytest.raises(TypeError) as info:
            encodings.StringDecoder(bad)
        assert info.value.code == node[bad][0] == "ERR_UNKNOWN_ENCODING"  # type: ignore[attr-defined]
        assert str(info.value.message) == node[bad][2]  # type: ignore[attr-defined]


def test_canonical_names() -> None:
    assert encodings.normalize("UCS-2") == "utf16le"
    assert encodings.normalize("Binary") == "latin1"
    assert encodings.normalize(None) == "utf8"
    assert encodings.normalize("nope") is None
    with pytest.raises(NodeError) as info:
        encodings.encode("x", "utf7")
    assert info.value.code == "ERR_UNKNOWN_ENCODING"


def test_stream_write_end_and_set_encoding_with_every_encoding() -> None:
    async def main() -> None:
        for name in ("utf16le", "ucs2", "latin1", "binary", "ascii", "base64", "base64url",
                     "hex", "UTF-8"):
            p = PassThrough()
            got: list[bytes] = []
            p.on("data", got.append)
            text = {"hex": "c3a9e282ac", "base64": "w6nigqw=", "base64url": "w6nigqw"}.get(
                name.lower(), "h\u00e9")
            p.write(text, name)
            p.end(text, name)
            await once(p, "end")
            assert b"".join(got) == encodings.encode(text, name) * 2, name
        p = PassThrough()
        with pytest.raises(TypeError) as info:
            p.write("hi", "utf7")
        assert info.value.code == "ERR_UNKNOWN_ENCODING"  # type: ignore[attr-defined]
        with pytest.raises(TypeError):
            p.setEncoding("klingon")
        assert p.setEncoding("UCS2") is p and p.readableEncoding == "utf16le"

    run_loop(main, timeout=5)


def test_socket_write_utf16le_and_set_encoding_hex_and_base64() -> None:
    """The issue's two failures: write('hi', 'utf16le') raised LookupError, and
    setEncoding('hex') killed the socket with an AssertionError on the first chunk."""

    async def main() -> None:
        server, client, conn = await net_pair()
        conn.setEncoding("hex")
        got = asyncio.ensure_future(collect(conn))
        assert client.write("hi", "utf16le") is True
        client.end("€", "utf16le")
        assert await got == "hi\u20ac".encode("utf-16-le").hex()
        server.close()

        # base64 across packet boundaries: complete groups of 3 bytes until the end
        server, client, conn = await net_pair()
        payload = bytes(range(256)) * 40
        client.setEncoding("base64")
        got = asyncio.ensure_future(collect(client))
        for i in range(0, len(payload), 1001):
            conn.write(payload[i:i + 1001])
            await asyncio.sleep(0)
        conn.end()
        text: Any = await got
        import base64

        assert base64.b64decode(text) == payload
        server.close()

    run_loop(main, timeout=10)


def test_tls_socket_set_encoding_and_write_encodings_against_node() -> None:
    """A Node TLS server echoes; our client writes latin1/ucs2/hex and reads them as hex."""
    from conftest import NodePeer, key

    import nodessl as tls

    async def main() -> None:
        peer = await NodePeer.start(r"""
const tls = require('tls'), fs = require('fs');
const s = tls.createServer({key: fs.readFileSync('agent1-key.pem'),
                            cert: fs.readFileSync('agent1-cert.pem')}, (c) => { c.pipe(c); });
s.listen(0, '127.0.0.1', () => console.log(JSON.stringify({port: s.address().port})));
process.stdin.on('end', () => s.close()); process.stdin.resume();
""")
        try:
            port = (await peer.message())["port"]
            sock = tls.connect(port, "127.0.0.1", {"ca": key("ca1-cert.pem"),
                                                   "servername": "agent1"})
            sock.setEncoding("hex")
            got = asyncio.ensure_future(collect(sock))
            sock.write("\u00ff", "latin1")
            sock.write("A", "ucs2")
            sock.end("cafe", "hex")
            assert await got == "ff4100cafe"
        finally:
            assert peer.proc.stdin is not None
            peer.proc.stdin.close()
            await peer.close()

    run_loop(main, timeout=15)
