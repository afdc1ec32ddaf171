"""Node's ``crypto.constants``: the ``SSL_OP_*`` bits ``secureOptions`` takes, and the rest.

``import nodessl; nodessl.constants.SSL_OP_NO_TLSv1_3`` is Node's
``require('crypto').constants.SSL_OP_NO_TLSv1_3``; the names are Node 20's.  Each
``SSL_OP_*`` value is OpenSSL's own, read from the OpenSSL pyOpenSSL links where the
binding exposes it, otherwise the ``SSL_OP_BIT(n)`` of OpenSSL's ``ssl.h`` (the same bit
in OpenSSL 3.0, Node 20's, and 4.0, pyOpenSSL's).  ``OPENSSL_VERSION_NUMBER`` is that of
the OpenSSL nodessl runs on, as Node's is of its own.  ``defaultCoreCipherList`` is
Node's built-in cipher list and ``defaultCipherList`` the one in force at start-up
(``--tls-cipher-list`` in ``NODE_OPTIONS`` changes it), as in Node.
"""

from __future__ import annotations

from OpenSSL import SSL
from OpenSSL._util import lib as _lib

from . import context as _context

__all__ = [
    "OPENSSL_VERSION_NUMBER",
    "SSL_OP_ALL",
    "SSL_OP_ALLOW_NO_DHE_KEX",
    "SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION",
    "SSL_OP_CIPHER_SERVER_PREFERENCE",
    "SSL_OP_CISCO_ANYCONNECT",
    "SSL_OP_COOKIE_EXCHANGE",
    "SSL_OP_CRYPTOPRO_TLSEXT_BUG",
    "SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS",
    "SSL_OP_LEGACY_SERVER_CONNECT",
    "SSL_OP_NO_COMPRESSION",
    "SSL_OP_NO_ENCRYPT_THEN_MAC",
    "SSL_OP_NO_QUERY_MTU",
    "SSL_OP_NO_RENEGOTIATION",
    "SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION",
    "SSL_OP_NO_SSLv2",
    "SSL_OP_NO_SSLv3",
    "SSL_OP_NO_TICKET",
    "SSL_OP_NO_TLSv1",
    "SSL_OP_NO_TLSv1_1",
    "SSL_OP_NO_TLSv1_2",
    "SSL_OP_NO_TLSv1_3",
    "SSL_OP_PRIORITIZE_CHACHA",
    "SSL_OP_TLS_ROLLBACK_BUG",
    "ENGINE_METHOD_RSA",
    "ENGINE_METHOD_DSA",
    "ENGINE_METHOD_DH",
    "ENGINE_METHOD_RAND",
    "ENGINE_METHOD_EC",
    "ENGINE_METHOD_CIPHERS",
    "ENGINE_METHOD_DIGESTS",
    "ENGINE_METHOD_PKEY_METHS",
    "ENGINE_METHOD_PKEY_ASN1_METHS",
    "ENGINE_METHOD_ALL",
    "ENGINE_METHOD_NONE",
    "DH_CHECK_P_NOT_SAFE_PRIME",
    "DH_CHECK_P_NOT_PRIME",
    "DH_UNABLE_TO_CHECK_GENERATOR",
    "DH_NOT_SUITABLE_GENERATOR",
    "RSA_PKCS1_PADDING",
    "RSA_NO_PADDING",
    "RSA_PKCS1_OAEP_PADDING",
    "RSA_X931_PADDING",
    "RSA_PKCS1_PSS_PADDING",
    "RSA_PSS_SALTLEN_DIGEST",
    "RSA_PSS_SALTLEN_MAX_SIGN",
    "RSA_PSS_SALTLEN_AUTO",
    "defaultCoreCipherList",
    "TLS1_VERSION",
    "TLS1_1_VERSION",
    "TLS1_2_VERSION",
    "TLS1_3_VERSION",
    "POINT_CONVERSION_COMPRESSED",
    "POINT_CONVERSION_UNCOMPRESSED",
    "POINT_CONVERSION_HYBRID",
    "defaultCipherList",
]


def _op(name: str, bit: int) -> int:
    """pyOpenSSL's ``SSL.OP_<name>`` (or the binding's ``SSL_OP_<name>``), else ssl.h's
    ``SSL_OP_BIT(bit)``."""
    value = getattr(SSL, "OP_" + name, None)
    if value is None:
        value = getattr(_lib, "SSL_OP_" + name, None)
    return int(value) if value is not None else 1 << bit


def _lib_value(name: str, fallback: int) -> int:
    value = getattr(_lib, name, None)
    return int(value) if value is not None else fallback


OPENSSL_VERSION_NUMBER: int = int(_lib.OpenSSL_version_num())

SSL_OP_ALL: int = int(SSL.OP_ALL)
SSL_OP_ALLOW_NO_DHE_KEX: int = _op("ALLOW_NO_DHE_KEX", 10)
SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION: int = _op("ALLOW_UNSAFE_LEGACY_RENEGOTIATION", 18)
SSL_OP_CIPHER_SERVER_PREFERENCE: int = _op("CIPHER_SERVER_PREFERENCE", 22)
SSL_OP_CISCO_ANYCONNECT: int = _op("CISCO_ANYCONNECT", 15)
SSL_OP_COOKIE_EXCHANGE: int = _op("COOKIE_EXCHANGE", 13)
SSL_OP_CRYPTOPRO_TLSEXT_BUG: int = _op("CRYPTOPRO_TLSEXT_BUG", 31)
SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS: int = _op("DONT_INSERT_EMPTY_FRAGMENTS", 11)
SSL_OP_LEGACY_SERVER_CONNECT: int = _op("LEGACY_SERVER_CONNECT", 2)
SSL_OP_NO_COMPRESSION: int = _op("NO_COMPRESSION", 17)
SSL_OP_NO_ENCRYPT_THEN_MAC: int = _op("NO_ENCRYPT_THEN_MAC", 19)
SSL_OP_NO_QUERY_MTU: int = _op("NO_QUERY_MTU", 12)
SSL_OP_NO_RENEGOTIATION: int = _op("NO_RENEGOTIATION", 30)
SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION: int = _op(
    "NO_SESSION_RESUMPTION_ON_RENEGOTIATION", 16)
SSL_OP_NO_SSLv2: int = int(SSL.OP_NO_SSLv2)  # 0 since OpenSSL 1.1.0, as in Node
SSL_OP_NO_SSLv3: int = _op("NO_SSLv3", 25)
SSL_OP_NO_TICKET: int = _op("NO_TICKET", 14)
SSL_OP_NO_TLSv1: int = _op("NO_TLSv1", 26)
SSL_OP_NO_TLSv1_1: int = _op("NO_TLSv1_1", 28)
SSL_OP_NO_TLSv1_2: int = _op("NO_TLSv1_2", 27)
SSL_OP_NO_TLSv1_3: int = _op("NO_TLSv1_3", 29)
SSL_OP_PRIORITIZE_CHACHA: int = _op("PRIORITIZE_CHACHA", 21)
SSL_OP_TLS_ROLLBACK_BUG: int = _op("TLS_ROLLBACK_BUG", 23)

# engine.h: kept for code that names them (no engine can be loaded here; see README)
ENGINE_METHOD_RSA: int = 0x0001
ENGINE_METHOD_DSA: int = 0x0002
ENGINE_METHOD_DH: int = 0x0004
ENGINE_METHOD_RAND: int = 0x0008
ENGINE_METHOD_EC: int = 0x0800
ENGINE_METHOD_CIPHERS: int = 0x0040
ENGINE_METHOD_DIGESTS: int = 0x0080
ENGINE_METHOD_PKEY_METHS: int = 0x0200
ENGINE_METHOD_PKEY_ASN1_METHS: int = 0x0400
ENGINE_METHOD_ALL: int = 0xFFFF
ENGINE_METHOD_NONE: int = 0x0000

# dh.h
DH_CHECK_P_NOT_SAFE_PRIME: int = 0x02
DH_CHECK_P_NOT_PRIME: int = 0x01
DH_UNABLE_TO_CHECK_GENERATOR: int = 0x04
DH_NOT_SUITABLE_GENERATOR: int = 0x08

# rsa.h
RSA_PKCS1_PADDING: int = _lib_value("RSA_PKCS1_PADDING", 1)
RSA_NO_PADDING: int = _lib_value("RSA_NO_PADDING", 3)
RSA_PKCS1_OAEP_PADDING: int = _lib_value("RSA_PKCS1_OAEP_PADDING", 4)
RSA_X931_PADDING: int = _lib_value("RSA_X931_PADDING", 5)
RSA_PKCS1_PSS_PADDING: int = _lib_value("RSA_PKCS1_PSS_PADDING", 6)
RSA_PSS_SALTLEN_DIGEST: int = -1
RSA_PSS_SALTLEN_MAX_SIGN: int = -2
RSA_PSS_SALTLEN_AUTO: int = -2

defaultCoreCipherList: str = _context._DEFAULT_CIPHER_LIST_CORE

# the protocol version numbers on the wire (tls1.h)
TLS1_VERSION: int = 0x0301
TLS1_1_VERSION: int = 0x0302
TLS1_2_VERSION: int = 0x0303
TLS1_3_VERSION: int = 0x0304

# ec.h point_conversion_form_t
POINT_CONVERSION_COMPRESSED: int = 2
POINT_CONVERSION_UNCOMPRESSED: int = 4
POINT_CONVERSION_HYBRID: int = 6

defaultCipherList: str = _context._NODE_FLAGS.get("--tls-cipher-list") or defaultCoreCipherList
