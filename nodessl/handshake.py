"""Facts read from the peer's handshake messages where the binding has no OpenSSL call.

pyOpenSSL's binding lacks ``SSL_get_peer_tmp_key``, which Node uses for
``getEphemeralKeyInfo()`` and the client's ``minDHSize`` check.  Rather than
guess, the client engine watches the records the server sends while they are
still plaintext (everything up to ChangeCipherSpec in TLS 1.2) and keeps the
ServerKeyExchange message: its DH prime gives the size of a DHE key exchange.
A TLS 1.2 CertificateRequest is kept too (its signature algorithms, see sigalgs.py).
Named groups (ECDHE, and every TLS 1.3 exchange, whose messages are encrypted)
come from ``SSL_get0_group_name`` instead.
"""

from __future__ import annotations

from typing import Any

__all__ = ["KeyExchangeScanner", "ephemeral_key_info", "node20_alerts", "rewrite_alert"]

_CHANGE_CIPHER_SPEC, _ALERT, _HANDSHAKE, _APPLICATION_DATA = 20, 21, 22, 23
_SERVER_KEY_EXCHANGE, _CERTIFICATE_REQUEST, _SERVER_HELLO_DONE = 12, 13, 14


class KeyExchangeScanner:
    """Collects the server's plaintext handshake messages until encryption starts."""

    __slots__ = ("_records", "_messages", "done", "server_key_exchange", "certificate_request")

    def __init__(self) -> None:
        self._records = bytearray()
        self._messages = bytearray()
        self.done = False
        self.server_key_exchange: bytes | None = None
        self.certificate_request: bytes | None = None

    def feed(self, data: bytes | memoryview) -> None:
        """Bytes from the server, as they arrived."""
        if self.done:
            return
        records = self._records
        records += data
        while len(records) >= 5:
            length = int.from_bytes(records[3:5], "big")
            if len(records) < 5 + length:
                return
            content_type = records[0]
            body = bytes(records[5:5 + length])
            del records[:5 + length]
            if content_type in (_CHANGE_CIPHER_SPEC, _APPLICATION_DATA):
                self._finish()
                return
            if content_type == _HANDSHAKE:
                self._messages += body
                self._parse_messages()
                if self.done:
                    return

    def _parse_messages(self) -> None:
        messages = self._messages
        while len(messages) >= 4:
            length = int.from_bytes(messages[1:4], "big")
            if len(messages) < 4 + length:
                return
            kind = messages[0]
            if kind == _SERVER_KEY_EXCHANGE:
                self.server_key_exchange = bytes(messages[4:4 + length])
            elif kind == _CERTIFICATE_REQUEST:
                self.certificate_request = bytes(messages[4:4 + length])
            del messages[:4 + length]
            if kind == _SERVER_HELLO_DONE:
                self._finish()
                return

    def _finish(self) -> None:
        self.done = True
        self._records = bytearray()
        self._messages = bytearray()


# OpenSSL group names to what Node's getEphemeralKeyInfo() reports for them.
_GROUPS: dict[str, tuple[str, str, int]] = {
    "x25519": ("ECDH", "X25519", 253),
    "x448": ("ECDH", "X448", 448),
    "secp256r1": ("ECDH", "prime256v1", 256),
    "prime256v1": ("ECDH", "prime256v1", 256),
    "secp384r1": ("ECDH", "secp384r1", 384),
    "secp521r1": ("ECDH", "secp521r1", 521),
    "secp256k1": ("ECDH", "secp256k1", 256),
    "brainpoolp256r1": ("ECDH", "brainpoolP256r1", 256),
    "brainpoolp384r1": ("ECDH", "brainpoolP384r1", 384),
    "brainpoolp512r1": ("ECDH", "brainpoolP512r1", 512),
}


def _dh_prime_bits(server_key_exchange: bytes) -> int | None:
    # ServerDHParams: dh_p<1..2^16-1>, dh_g, dh_Ys, then the signature
    if len(server_key_exchange) < 2:
        return None
    length = int.from_bytes(server_key_exchange[:2], "big")
    prime = server_key_exchange[2:2 + length]
    return int.from_bytes(prime, "big").bit_length() if len(prime) == length else None


def ephemeral_key_info(cipher: str | None, group: str | None,
                       server_key_exchange: bytes | None) -> dict[str, Any]:
    """Node's ``getEphemeralKeyInfo()`` for a client: ``{type, name, size}``, ``{}`` if none."""
    if group:
        name = group.lower()
        if name in _GROUPS:
            kind, node_name, size = _GROUPS[name]
            return {"type": kind, "name": node_name, "size": size}
        if name.startswith("ffdhe") and name[5:].isdigit():
            return {"type": "DH", "size": int(name[5:])}
        # Hybrid and post-quantum groups (X25519MLKEM768, ...), which Node 20's OpenSSL 3.0
        # lacks and its 'auto' never offers (context.NODE20_GROUPS): a KEM share leaves the
        # client no peer key (SSL_get_peer_tmp_key fails), and Node then reports {}.
        return {}
    if cipher and (cipher.startswith("DHE-") or cipher.startswith("EDH-")
                   or "-DHE-" in cipher) and server_key_exchange:
        if "PSK" in cipher.split("-"):
            # DHE-PSK: ServerDHParams follow the psk_identity_hint<0..2^16-1> (RFC 4279 §3)
            hint_len = int.from_bytes(server_key_exchange[:2], "big")
            server_key_exchange = server_key_exchange[2 + hint_len:]
        bits = _dh_prime_bits(server_key_exchange)
        if bits:
            return {"type": "DH", "size": bits}
    return {}


# Alerts OpenSSL 4 sends where Node 20's OpenSSL 3.0 sent another, keyed by the reason of the
# failure: a TLS 1.3 server whose PSK binder does not verify sends decrypt_error (51) since
# OpenSSL 3.2, illegal_parameter (47) before; a Node 20 peer (and ported code) expects the
# latter (ERR_SSL_SSLV3_ALERT_ILLEGAL_PARAMETER).  Such an alert goes out before any key is
# set, so it is a plaintext record that can be rewritten on its way out.
_NODE20_ALERTS: dict[str, tuple[int, int]] = {
    "binder does not verify": (51, 47),
}


def node20_alerts(reason: str | None) -> tuple[int, int] | None:
    """The (OpenSSL 4 alert, Node 20 alert) pair to rewrite after a failure, or None."""
    return _NODE20_ALERTS.get(reason or "")


def rewrite_alert(records: bytes, change: tuple[int, int]) -> bytes:
    """``records`` (outgoing TLS records) with a plaintext fatal alert ``change[0]`` turned
    into ``change[1]``; anything else is left as it is."""
    out = bytearray(records)
    pos = 0
    while pos + 5 <= len(out):
        length = int.from_bytes(out[pos + 3:pos + 5], "big")
        if out[pos] == _ALERT and length == 2 and pos + 7 <= len(out) \
                and out[pos + 5] == 2 and out[pos + 6] == change[0]:
            out[pos + 6] = change[1]
        pos += 5 + length
    return bytes(out)
