"""Facts read from the peer's handshake messages where the binding has no OpenSSL call.

pyOpenSSL's binding lacks ``SSL_get_peer_tmp_key``, which Node uses for
``getEphemeralKeyInfo()`` and the client's ``minDHSize`` check.  Rather than
guess, the client engine keeps the records the server sends while they are
still plaintext (everything up to ChangeCipherSpec in TLS 1.2), read with
:mod:`nodessl.tlswire` once the handshake is done, and keeps the
ServerKeyExchange message: its DH prime gives the size of a DHE key exchange.
A TLS 1.2 CertificateRequest is kept too (its signature algorithms, see sigalgs.py).
Named groups (ECDHE, and every TLS 1.3 exchange, whose messages are encrypted)
come from ``SSL_get0_group_name`` instead.
"""

from __future__ import annotations

from typing import Any

from . import tlswire

__all__ = ["KeyExchangeScanner", "ephemeral_key_info", "node20_alerts", "rewrite_alert"]

# a client keeps the server's flight up to 1 MiB (the engine's limit): a certificate chain
_FLIGHT_LIMIT = 1 << 20


class KeyExchangeScanner:
    """Collects the server's plaintext handshake messages until encryption starts."""

    __slots__ = ("_reader", "done", "server_key_exchange", "certificate_request")

    def __init__(self) -> None:
        # warning alerts may sit between handshake records; ChangeCipherSpec or
        # application data (TLS 1.3's encrypted records) end the plaintext part
        self._reader: tlswire.HandshakeReader | None = tlswire.HandshakeReader(
            _FLIGHT_LIMIT, skip=frozenset({tlswire.ALERT}))
        self.done = False
        self.server_key_exchange: bytes | None = None
        self.certificate_request: bytes | None = None

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        """Bytes from the server, as they arrived."""
        reader = self._reader
        if reader is None:
            return
        for kind, body in reader.feed(data):
            if kind == tlswire.SERVER_KEY_EXCHANGE:
                self.server_key_exchange = body
            elif kind == tlswire.CERTIFICATE_REQUEST:
                self.certificate_request = body
            elif kind == tlswire.SERVER_HELLO_DONE:
                self._finish()
                return
        if reader.stopped is not None:
            self._finish()

    def _finish(self) -> None:
        self.done = True
        self._reader = None


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


def _dh_prime_bits(server_key_exchange: bytes, psk: bool) -> int | None:
    params = tlswire.server_dh_params(server_key_exchange, psk=psk)
    return int.from_bytes(params[0], "big").bit_length() if params is not None else None


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
        # DHE-PSK: the ServerDHParams follow the psk_identity_hint
        bits = _dh_prime_bits(server_key_exchange, "PSK" in cipher.split("-"))
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
    for record in tlswire.iter_records(out):
        if record.content_type == tlswire.ALERT \
                and tlswire.alert(out[record.start:record.end]) == (2, change[0]):
            out[record.start + 1] = change[1]
    return bytes(out)
