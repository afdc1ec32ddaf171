"""Node's ``test/common/tls.js``: a hand-made TLS 1.2 client speaking raw records.

``TestTLSSocket`` is a plain ``net.Socket`` that builds a TLS 1.2 handshake
itself (RSA key exchange, AES128-GCM-SHA256, no extensions), so a test can
put records on the wire that no TLS library would send (an illegal handshake
message after Finished, for one).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from nodessl import net

# ChangeCipherSpec record
ccs = bytes.fromhex("140303000101")


class TestTLSSocket(net.Socket):
    """A ``net.Socket`` that writes a TLS 1.2 client handshake record by record."""

    __test__ = False  # not a pytest class

    def __init__(self, server_cert: bytes | str) -> None:
        super().__init__()
        self.server_cert = server_cert if isinstance(server_cert, bytes) else server_cert.encode()
        self.version = bytes.fromhex("0303")
        self.handshake_list: list[bytes] = []
        # session id length 0, then one suite: AES128-GCM-SHA256 (Node's odd-length hex
        # '000002009c0' drops the last digit)
        self.ciphers = bytes.fromhex("000002009c")
        self.pre_primary_secret = self.version + os.urandom(46)
        self.primary_secret: bytes | None = None
        self.write_seq = 0
        self.client_random = os.urandom(32)
        self.client_writeKey = b""
        self.client_writeIV = b""

        self.on("handshake", self.handshake_list.append)
        self.on("server_random", self._on_server_random)

    def _on_server_random(self, server_random: bytes) -> None:
        # Node's helper says "primary secret" where RFC 5246 says "master secret" (a wording
        # change in Node's tree), so the keys differ from the server's and the server fails
        # to decrypt the Finished (ERR_SSL_CIPHER_OPERATION_FAILED, a Node 20 server alike);
        # the tests using it only need the records on the wire, so the label is kept as is.
        self.primary_secret = PRF12("sha256", self.pre_primary_secret, "primary secret",
                                    self.client_random + server_random, 48)
        key_block = PRF12("sha256", self.primary_secret, "key expansion",
                          server_random + self.client_random, 40)
        self.client_writeKey = key_block[0:16]
        self.client_writeIV = key_block[32:36]

    def createClientHello(self) -> bytes:
        """A ClientHello record (no extensions)."""
        compressions = bytes.fromhex("0100")  # null
        msg = addHandshakeHeader(0x01, self.version + self.client_random + self.ciphers
                                 + compressions)
        self.emit("handshake", msg)
        return addRecordHeader(0x16, msg)

    def createClientKeyExchange(self) -> bytes:
        """The ClientKeyExchange record: the pre-master secret under the server's RSA key."""
        public_key: Any = x509.load_pem_x509_certificate(self.server_cert).public_key()
        encrypted = public_key.encrypt(self.pre_primary_secret, padding.PKCS1v15())
        msg = addHandshakeHeader(0x10, struct.pack(">H", len(encrypted)) + encrypted)
        self.emit("handshake", msg)
        return addRecordHeader(0x16, msg)

    def createFinished(self) -> bytes:
        """The client Finished record (plaintext; pass it through :meth:`encrypt`)."""
        message_hash = hashlib.sha256(b"".join(self.handshake_list)).digest()
        assert self.primary_secret is not None
        r = PRF12("sha256", self.primary_secret, "client finished", message_hash, 12)
        msg = addHandshakeHeader(0x14, r)
        self.emit("handshake", msg)
        return addRecordHeader(0x16, msg)

    def createIllegalHandshake(self) -> bytes:
        """A handshake record of five zero bytes."""
        return addRecordHeader(0x16, bytes(5))

    def parseTLSFrame(self, buf: bytes) -> bytes:
        """Consume one record of ``buf`` (recording handshake messages); return the rest."""
        offset = 0
        record = buf[offset:5]
        type_ = record[0]
        length = struct.unpack(">H", record[3:5])[0]
        offset += 5
        remaining = buf[offset:offset + length]
        if type_ == 0x16:
            while True:
                remaining = self.parseTLSHandshake(remaining)
                if len(remaining) == 0:
                    break
        offset += length
        return buf[offset:]

    def parseTLSHandshake(self, buf: bytes) -> bytes:
        """Consume one handshake message (ServerHello gives the server random)."""
        offset = 0
        handshake_type = buf[offset]
        if handshake_type == 0x02:
            server_random = buf[6:6 + 32]
            self.emit("server_random", server_random)
        offset += 1
        length = int.from_bytes(buf[offset:offset + 3], "big")
        offset += 3
        handshake = buf[0:offset + length]
        self.emit("handshake", handshake)
        offset += length
        return buf[offset:]

    def encrypt(self, plain: bytes) -> bytes:
        """One plaintext record as an AES-128-GCM record under the client write key."""
        type_ = plain[0:1]
        version = plain[1:3]
        nonce = os.urandom(8)
        iv = self.client_writeIV[0:4] + nonce
        write_seq = struct.pack(">Q", self.write_seq)
        self.write_seq += 1
        aad = write_seq + plain[0:5]
        sealed = AESGCM(self.client_writeKey).encrypt(iv, plain[5:], aad)  # ciphertext + tag
        return type_ + version + struct.pack(">H", len(nonce) + len(sealed)) + nonce + sealed


def addRecordHeader(type_: int, frame: bytes) -> bytes:
    """A TLS 1.2 record header of ``type_`` before ``frame``."""
    return bytes([type_, 0x03, 0x03]) + struct.pack(">H", len(frame)) + frame


def addHandshakeHeader(type_: int, msg: bytes) -> bytes:
    """A handshake message header (type, 24-bit length) before ``msg``."""
    return bytes([type_]) + len(msg).to_bytes(3, "big") + msg


def PRF12(algo: str, secret: bytes, label: str, seed: bytes, size: int) -> bytes:
    """The TLS 1.2 PRF (RFC 5246 section 5)."""
    return P_hash(algo, secret, label.encode("utf-8") + seed, size)


def P_hash(algo: str, secret: bytes, seed: bytes, size: int) -> bytes:
    """RFC 5246's P_hash expansion."""
    result = b""
    a = hmac.new(secret, seed, algo).digest()
    while len(result) < size:
        result += hmac.new(secret, a + seed, algo).digest()
        a = hmac.new(secret, a, algo).digest()
    return result[:size]
