"""The single cffi boundary: every call nodessl makes through ``OpenSSL._util.lib`` / ``ffi``.

No other module of the project touches the raw binding.  Everything here is a small typed
function over pyOpenSSL objects (``ctx._context`` is the ``SSL_CTX*``, ``conn._ssl`` the
``SSL*``, ``store._store`` the ``X509_STORE*``), so the rest of the code stays in Python terms
and the binding's quirks are documented in one place.

Why the raw binding at all: pyOpenSSL turns OpenSSL's error queue into ``(lib, func, reason)``
string triples and drops the packed error code, but Node's messages carry it
(``error:0A0000B9:SSL routines::no cipher match``); and a few calls Node makes have no
pyOpenSSL wrapper (sigalgs, curves lists, arbitrary option bitmasks, DH parameters, sharing one
``X509_STORE`` between contexts, per-certificate chains).

Rules for every function that calls OpenSSL here:

* clear the error queue first: several OpenSSL functions (``SSL_CTX_use_certificate_chain_file``
  among them) fail when a stale error is already queued;
* on failure, raise :class:`~nodessl.errors.SSLError` built from the queue by
  :func:`ssl_error_from_queue`, which is Node's form of the *first* queued error (Node reports
  ``ERR_get_error()``, the oldest entry) with the rest in ``opensslErrorStack``.

Sections: error queue · constants · backends (the shared libssl, reached with cffi's ABI mode when
the binding links one) · context configuration · certificate stores ·
connection settings and queries · object names · record I/O · sessions · callbacks (hooks) (the engine's per-record calls,
SSL_read/SSL_write/BIO_read/BIO_write with return codes instead of exceptions) · shared backend only:
ticket keys, the external session cache, native record size / shared sigalgs / SSL_trace /
certificate chains, engines, NPN.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterator
from typing import Any

from OpenSSL import SSL, crypto
from OpenSSL._util import ffi as _ffi
from OpenSSL._util import lib as _lib

from .errors import NodeError, SSLError, node_reason, openssl_code

__all__ = [
    "ErrorEntry",
    "error_queue",
    "clear_errors",
    "format_error",
    "ssl_error_from_queue",
    "OPENSSL_VERSION_TEXT",
    "OPENSSL_VERSION_NUMBER",
    "SSL_OP_ALL",
    "SSL_OP_ALLOW_CLIENT_RENEGOTIATION",
    "SSL_OP_CIPHER_SERVER_PREFERENCE",
    "SSL_OP_NO_SSLv2",
    "SSL_OP_NO_SSLv3",
    "SSL_OP_NO_TICKET",
    "SSL_MODE_RELEASE_BUFFERS",
    "X509_V_FLAG_CRL_CHECK",
    "X509_V_FLAG_CRL_CHECK_ALL",
    "X509_V_FLAG_PARTIAL_CHAIN",
    "TLS1_VERSION",
    "TLS1_1_VERSION",
    "TLS1_2_VERSION",
    "TLS1_3_VERSION",
    "get_options",
    "set_options",
    "set_mode",
    "get_mode",
    "set_cipher_list",
    "set_ciphersuites",
    "set_sigalgs_list",
    "set_curves_list",
    "set_tmp_dh",
    "set_session_id_context",
    "set_min_proto_version",
    "set_max_proto_version",
    "set_session_timeout",
    "add_client_ca",
    "read_private_key",
    "use_private_key",
    "use_certificate_chain",
    "cert_store_is",
    "set_cert_store",
    "store_set_flags",
    "store_add_cert",
    "store_add_certs",
    "set_verify_accept_all",
    "negotiated_group",
    "verify_result",
    "verify_error_string",
    "VERIFY_CODES",
    "session_reused",
    "object_names",
    "x509_verify",
    # backends (shared libssl through cffi's ABI mode)
    "BACKEND",
    "SHARED_LIBRARY",
    "BUNDLED_NEEDS",
    "bundled_gaps",
    "install_ticket_keys",
    "install_session_cache",
    "install_npn",
    "select_next_proto",
    "npn_negotiated",
    "limit_max_proto_version",
    "OPENSSL_NPN_NEGOTIATED",
    "OPENSSL_NPN_NO_OVERLAP",
    "RecordIO",
    "session_to_der",
    "set_session_der",
    "install_alpn_select",
    "set_alpn_protos",
    "SSL3_RT_CHANGE_CIPHER_SPEC",
    "SSL3_RT_ALERT",
    "SSL3_RT_HANDSHAKE",
    "SSL3_RT_APPLICATION_DATA",
    "SSL3_RT_HEADER",
    "SSL3_RT_INNER_CONTENT_TYPE",
    # sessions and handshake facts
    "SSL_CB_EXIT",
    "SSL_CB_HANDSHAKE_DONE",
    "HeldSession",
    "export_keying_material",
    "CERT_CB_CONTINUE",
    "CERT_CB_PAUSE",
    "CERT_CB_FAIL",
    "install_cert_callback",
    "install_ocsp",
    "new_connection",
    "set_msg_callback",
    "request_ocsp",
    # keylog, trace and renegotiation
    "SSL_CB_HANDSHAKE_START",
    "install_keylog_callback",
    "set_info_callback",
    "renegotiate",
    "cipher_suite_name",
    "SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION",
    "set_connection_options",
    # shared backend only: native record size, shared sigalgs, SSL_trace, certificate chains
    "set_max_send_fragment",
    "shared_sigalgs",
    "TraceBIO",
    "use_certificate_chain_native",
    # engines (shared backend on an OpenSSL with the ENGINE API)
    "ENGINES_SUPPORTED",
    "engine_private_key",
    "set_client_cert_engine",
]

# -- error queue -----------------------------------------------------------------------------

ErrorEntry = tuple[int, str, str]
"""One queued OpenSSL error: (packed code, library string, reason string)."""


def _text(ptr: object) -> str:
    return _ffi.string(ptr).decode("latin-1") if ptr != _ffi.NULL else ""


def error_queue() -> list[ErrorEntry]:
    """Drain OpenSSL's (thread-local) error queue, oldest first."""
    out: list[ErrorEntry] = []
    while True:
        code = _lib.ERR_get_error()
        if code == 0:
            return out
        out.append((int(code), _text(_lib.ERR_lib_error_string(code)),
                    node_reason(_text(_lib.ERR_reason_error_string(code)))))


def clear_errors() -> None:
    """Forget whatever is queued (stale errors make some OpenSSL calls fail)."""
    _lib.ERR_clear_error()


def format_error(entry: ErrorEntry) -> str:
    """OpenSSL 3's ``ERR_error_string_n`` form, as Node prints it: ``error:0A0000B9:SSL
    routines::no cipher match`` (the function field is empty since OpenSSL 3)."""
    code, lib_s, reason = entry
    if not lib_s and not reason:
        # What ERR_error_string_n prints for code 0, seen in Node when OpenSSL failed
        # without queueing anything (e.g. a bad sigalgs list).
        return f"error:{code:08X}:lib({code >> 23})::reason({code & 0x7FFFFF})"
    return f"error:{code:08X}:{lib_s}::{reason}"


def ssl_error_from_queue(queue: list[ErrorEntry] | None = None) -> SSLError:
    """Node's error for a failed OpenSSL call: the first queued error (``message``,
    ``code`` by Node's rule, ``library``, ``reason``), the others in ``opensslErrorStack``.

    With an empty queue this is Node's ``error:00000000:lib(0)::reason(0)`` with no code.
    """
    if queue is None:
        queue = error_queue()
    if not queue:
        return SSLError(format_error((0, "", "")), None, library=None, reason=None)
    first = queue[0]
    _code, lib_s, reason = first
    return SSLError(
        format_error(first),
        openssl_code(lib_s, reason),
        library=lib_s or None,
        reason=reason or None,
        opensslErrorStack=[format_error(e) for e in queue[1:]],
    )


def _check(ok: bool) -> None:
    if not ok:
        raise ssl_error_from_queue()


# -- constants -------------------------------------------------------------------------------

OPENSSL_VERSION_TEXT: str = SSL.OpenSSL_version(SSL.OPENSSL_VERSION).decode("ascii")
OPENSSL_VERSION_NUMBER: int = int(_lib.OpenSSL_version_num())  # 0xMNN00PP0: 4.0.3 = 0x40000030

SSL_OP_ALL: int = int(_lib.SSL_OP_ALL)
SSL_OP_CIPHER_SERVER_PREFERENCE: int = int(_lib.SSL_OP_CIPHER_SERVER_PREFERENCE)
SSL_OP_NO_SSLv2: int = int(_lib.SSL_OP_NO_SSLv2)
SSL_OP_NO_SSLv3: int = int(_lib.SSL_OP_NO_SSLv3)
SSL_OP_NO_TICKET: int = int(_lib.SSL_OP_NO_TICKET)
# Not in the binding: SSL_OP_BIT(8) in OpenSSL >= 3.0 (ssl.h).  Node 20 sets it on every
# context so that clients may renegotiate (limited by CLIENT_RENEG_LIMIT in JS land).
SSL_OP_ALLOW_CLIENT_RENEGOTIATION: int = 1 << 8
SSL_MODE_RELEASE_BUFFERS: int = int(_lib.SSL_MODE_RELEASE_BUFFERS)

X509_V_FLAG_CRL_CHECK: int = int(_lib.X509_V_FLAG_CRL_CHECK)
X509_V_FLAG_CRL_CHECK_ALL: int = int(_lib.X509_V_FLAG_CRL_CHECK_ALL)
X509_V_FLAG_PARTIAL_CHAIN: int = int(_lib.X509_V_FLAG_PARTIAL_CHAIN)

TLS1_VERSION: int = int(_lib.TLS1_VERSION)
TLS1_1_VERSION: int = int(_lib.TLS1_1_VERSION)
TLS1_2_VERSION: int = int(_lib.TLS1_2_VERSION)
TLS1_3_VERSION: int = int(_lib.TLS1_3_VERSION)

_U64 = (1 << 64) - 1

# -- backends: which OpenSSL the binding uses ------------------------------------------------
#
# "bundled": pyOpenSSL's binding is cryptography's wheel, with OpenSSL linked in statically and
# its symbols hidden, so only what the binding declares is reachable.  "shared": the binding
# links a shared libssl (Debian's python3-openssl/python3-cryptography, conda-forge, any build
# against the system OpenSSL); that very library is opened again with cffi's ABI mode and
# given pyOpenSSL's own SSL_CTX*/SSL* pointers, which reaches everything libssl exports.
#
# Handing a pointer to the wrong OpenSSL crashes the process, so the rule must not guess:
# "libssl.so.3 is mapped" is not enough (a wheel process that imported ``ssl`` has the system
# libssl mapped while pyOpenSSL uses its static copy).  TLS_method() returns the address of a
# static SSL_METHOD inside the OpenSSL the binding really calls: dladdr names the file that
# holds it, which must be a libssl.so*, and that file opened with RTLD_NOLOAD (nothing new is
# loaded) must return the same address from its own TLS_method().  Anything else, including
# any failure along the way, means "bundled".

_SHARED_CDEF = """
typedef struct { const char *dli_fname; void *dli_fbase; const char *dli_sname;
                 void *dli_saddr; } Dl_info;
int dladdr(const void *, Dl_info *);
const void *TLS_method(void);
unsigned long OpenSSL_version_num(void);
const char *OpenSSL_version(int);
typedef struct { const char *key; unsigned int data_type; void *data; size_t data_size;
                 size_t return_size; } OSSL_PARAM;
long SSL_CTX_ctrl(void *, int, long, void *);
long SSL_ctrl(void *, int, long, void *);
void *SSL_get_SSL_CTX(const void *);
int X509_STORE_up_ref(void *);
int X509_verify(void *, void *);
void SSL_CTX_set_msg_callback(void *, void *);
void SSL_set_msg_callback(void *, void *);
void SSL_set_info_callback(void *, void *);
void *d2i_SSL_SESSION(void **, const unsigned char **, long);
int i2d_SSL_SESSION(void *, unsigned char **);
const char *SSL_group_to_name(void *, int);
int SSL_CTX_set_tlsext_ticket_key_evp_cb(void *, int (*)(void *, unsigned char *,
    unsigned char *, void *, void *, int));
const void *EVP_aes_128_cbc(void);
int EVP_EncryptInit_ex(void *, const void *, void *, const unsigned char *,
                       const unsigned char *);
int EVP_DecryptInit_ex(void *, const void *, void *, const unsigned char *,
                       const unsigned char *);
int EVP_MAC_CTX_set_params(void *, const OSSL_PARAM *);
int RAND_bytes(unsigned char *, int);
const unsigned char *SSL_SESSION_get_id(const void *, unsigned int *);
void SSL_CTX_sess_set_new_cb(void *, int (*)(void *, void *));
void SSL_CTX_sess_set_get_cb(void *, void *(*)(void *, const unsigned char *, int, int *));
void ERR_clear_error(void);
"""


def _cryptography_version() -> str:
    try:
        import cryptography
    except ImportError:  # pragma: no cover - pyOpenSSL needs it
        return "?"
    return str(getattr(cryptography, "__version__", "?"))


def _addr(ptr: object) -> int:
    """The address a binding pointer holds (the way to hand it to the other FFI)."""
    return int(_ffi.cast("uintptr_t", ptr))


def _detect_shared() -> tuple[str, object, object] | None:
    """``(libssl path, ffi, lib)`` when the binding uses a shared libssl, else None."""
    if os.environ.get("NODESSL_BACKEND", "").strip().lower() == "bundled":
        return None
    try:
        import cffi
    except ImportError:
        return None
    try:
        sffi = cffi.FFI()
        sffi.cdef(_SHARED_CDEF)
        method = _addr(_lib.TLS_method())
        libc = sffi.dlopen(None)
        info = sffi.new("Dl_info *")
        if not libc.dladdr(sffi.cast("void *", method), info) or info.dli_fname == sffi.NULL:
            return None
        path = sffi.string(info.dli_fname).decode()
        if not os.path.basename(path).startswith("libssl.so"):
            return None
        noload = getattr(sffi, "RTLD_NOLOAD", 4)
        slib = sffi.dlopen(path, sffi.RTLD_NOW | noload)
        if int(sffi.cast("uintptr_t", slib.TLS_method())) != method:
            return None
        return path, sffi, slib
    except Exception:  # noqa: BLE001 - any doubt means the bundled backend
        return None


_shared_found = _detect_shared()
if os.environ.get("NODESSL_BACKEND", "").strip().lower() == "shared" and _shared_found is None:
    raise ImportError("NODESSL_BACKEND=shared, but pyOpenSSL's binding does not use a shared "
                      "libssl (install Debian's python3-openssl, python3-cryptography and "
                      "python3-cffi and use a venv with --system-site-packages)")
BACKEND: str = "shared" if _shared_found else "bundled"
"""``"shared"`` (pyOpenSSL on a shared libssl reached through cffi's ABI mode) or
``"bundled"`` (the wheel's static OpenSSL, reachable only through the binding)."""
SHARED_LIBRARY: str | None = _shared_found[0] if _shared_found else None
"""The libssl file the shared backend calls (None on the bundled backend)."""
_sffi: Any = _shared_found[1] if _shared_found else None
_slib: Any = _shared_found[2] if _shared_found else None

# Binding functions that older cryptography builds lack.  The shared backend takes them from
# the opened libssl; the bundled one has nowhere else to look, and cryptography's wheels have
# them all from 47 on (46 lacks SSL_CTX_set1_curves_list, 43 five of them).  Without them a
# handshake would fail deep inside, so the import says so instead.
BUNDLED_NEEDS = ("SSL_CTX_set1_curves_list", "SSL_CTX_set_msg_callback", "SSL_get0_group_name",
                 "SSL_set_info_callback", "X509_STORE_up_ref", "d2i_SSL_SESSION",
                 "i2d_SSL_SESSION")


def bundled_gaps(binding: object) -> list[str]:
    """The functions of :data:`BUNDLED_NEEDS` that ``binding`` (a cffi lib) lacks."""
    return [name for name in BUNDLED_NEEDS if not hasattr(binding, name)]


if _slib is None and bundled_gaps(_lib):
    raise ImportError(
        "nodessl: pyOpenSSL's binding (cryptography " + _cryptography_version() + ") lacks "
        + ", ".join(bundled_gaps(_lib)) + "; the bundled backend needs cryptography >= 47 "
        "from PyPI (pip install -U cryptography pyOpenSSL), or use the shared backend (a "
        "cryptography built against the system's libssl, e.g. Debian's python3-cryptography)")


def _s(ptr: object) -> object:
    """A binding pointer (``SSL_CTX*``, ``SSL*``, ...) as the shared library's ``void *``."""
    return _sffi.cast("void *", _addr(ptr))


def _binding_fn(name: str) -> Any:
    """The binding's function ``name``, None when this binding does not declare it."""
    return getattr(_lib, name, None)


# -- context configuration -------------------------------------------------------------------


def get_options(ctx: SSL.Context) -> int:
    """``SSL_CTX_get_options``: the context's SSL_OP_* bitmask."""
    return int(_lib.SSL_CTX_get_options(ctx._context))


def set_options(ctx: SSL.Context, options: int) -> int:
    """``SSL_CTX_set_options``: OR any SSL_OP_* bitmask in (pyOpenSSL's ``set_options``
    refuses some widths); negative numbers are taken as two's complement like Node's
    ``IntegerValue`` → ``uint64_t``.  Returns the new mask."""
    return int(_lib.SSL_CTX_set_options(ctx._context, options & _U64))


def set_mode(ctx: SSL.Context, mode: int) -> int:
    """``SSL_CTX_set_mode``: OR SSL_MODE_* bits in; returns the new mode."""
    return int(_lib.SSL_CTX_set_mode(ctx._context, mode))


def get_mode(ctx: SSL.Context) -> int:
    """The context's SSL_MODE_* bits (``SSL_CTX_set_mode(ctx, 0)`` reads without change)."""
    return int(_lib.SSL_CTX_set_mode(ctx._context, 0))


def set_cipher_list(ctx: SSL.Context, ciphers: str) -> None:
    """``SSL_CTX_set_cipher_list`` (TLS <= 1.2 list).  OpenSSL installs the list even when it
    then fails with "no cipher match" because no TLS 1.2 cipher remains; callers rely on that
    to clear the 1.2 list with ``''``."""
    clear_errors()
    _check(_lib.SSL_CTX_set_cipher_list(ctx._context, ciphers.encode("utf-8")) == 1)


def set_ciphersuites(ctx: SSL.Context, suites: str) -> None:
    """``SSL_CTX_set_ciphersuites`` (TLS 1.3 suites)."""
    clear_errors()
    _check(_lib.SSL_CTX_set_ciphersuites(ctx._context, suites.encode("utf-8")) == 1)


def set_sigalgs_list(ctx: SSL.Context, sigalgs: str) -> None:
    """``SSL_CTX_set1_sigalgs_list``.  A bad list fails without queueing anything, hence
    Node's odd ``error:00000000:lib(0)::reason(0)`` which this reproduces."""
    clear_errors()
    _check(_lib.SSL_CTX_set1_sigalgs_list(ctx._context, sigalgs.encode("utf-8")) == 1)


def set_curves_list(ctx: SSL.Context, curves: str) -> bool:
    """``SSL_CTX_set1_curves_list`` (a.k.a. groups); False when OpenSSL rejects the list."""
    clear_errors()
    fn = _binding_fn("SSL_CTX_set1_curves_list")
    if fn is not None:
        ok: bool = fn(ctx._context, curves.encode("utf-8")) == 1
    else:  # older bindings (cryptography < 39) lack it; the shared libssl has it
        # a macro: SSL_CTX_ctrl(ctx, SSL_CTRL_SET_GROUPS_LIST, 0, list)
        buf = _sffi.new("char[]", curves.encode("utf-8"))
        ok = _slib.SSL_CTX_ctrl(_s(ctx._context), 92, 0, buf) == 1
    clear_errors()
    return ok


def set_tmp_dh(ctx: SSL.Context, pem: bytes) -> bool:
    """Read PEM DH parameters and install them (``PEM_read_bio_DHparams`` +
    ``SSL_CTX_set_tmp_dh``).  False when the PEM cannot be decoded; raises :class:`SSLError`
    when OpenSSL refuses the group (below the security level: "dh key too small")."""
    clear_errors()
    bio = _lib.BIO_new_mem_buf(pem, len(pem))
    if bio == _ffi.NULL:
        raise ssl_error_from_queue()
    try:
        dh = _lib.PEM_read_bio_DHparams(bio, _ffi.NULL, _ffi.NULL, _ffi.NULL)
    finally:
        _lib.BIO_free(bio)
    if dh == _ffi.NULL:
        clear_errors()
        return False
    try:
        # set_tmp_dh takes its own reference; ours is dropped below either way.
        _check(_lib.SSL_CTX_set_tmp_dh(ctx._context, dh) == 1)
    finally:
        _lib.DH_free(dh)
    return True


def set_session_id_context(ctx: SSL.Context, sid_ctx: bytes) -> None:
    """``SSL_CTX_set_session_id_context`` (at most 32 bytes)."""
    clear_errors()
    _check(_lib.SSL_CTX_set_session_id_context(ctx._context, sid_ctx, len(sid_ctx)) == 1)


# pyOpenSSL refuses its own setters once a Connection was made from a context; Node changes a
# SecureContext's SSL_CTX at any time (later connections see the change), so the native
# SecureContext methods go through these.


def set_min_proto_version(ctx: SSL.Context, version: int) -> bool:
    """``SSL_CTX_set_min_proto_version`` (0 = lowest supported); False for an unknown
    version."""
    return bool(_lib.SSL_CTX_set_min_proto_version(ctx._context, version) == 1)


def set_max_proto_version(ctx: SSL.Context, version: int) -> bool:
    """``SSL_CTX_set_max_proto_version`` (0 = highest supported); False for an unknown
    version."""
    return bool(_lib.SSL_CTX_set_max_proto_version(ctx._context, version) == 1)


def set_session_timeout(ctx: SSL.Context, seconds: int) -> None:
    """``SSL_CTX_set_timeout``: lifetime of the sessions the context creates from now on."""
    _lib.SSL_CTX_set_timeout(ctx._context, seconds)


def add_client_ca(ctx: SSL.Context, cert: crypto.X509) -> None:
    """``SSL_CTX_add_client_CA``: name ``cert``'s subject in a server's CertificateRequest."""
    clear_errors()
    _check(_lib.SSL_CTX_add_client_CA(ctx._context, cert._x509) == 1)


def _c_callback(signature: str) -> Callable[[Callable[..., Any]], object]:
    """``ffi.callback(signature)`` with a type: the binding's ffi is untyped (Any), which
    would leave every decorated callback unchecked.  The decorated name is the C callback
    (a cdata pointer), handed only to the binding's functions."""
    decorator: Callable[[Callable[..., Any]], object] = _ffi.callback(signature)
    return decorator


# The PEM password callback: one C callback for the process (cffi callbacks are costly to
# create), fed from a thread-local so concurrent loads cannot see each other's passphrase.
# Like Node's PasswordCallback it returns the passphrase (empty when none was given, never a
# terminal prompt) or -1 when it does not fit OpenSSL's buffer.
_passphrase = threading.local()


@_c_callback("int(char *, int, int, void *)")
def _pem_password_cb(buf: object, size: int, _rwflag: int, _userdata: object) -> int:
    secret: bytes = getattr(_passphrase, "value", b"")
    if len(secret) > size:
        return -1
    _ffi.memmove(buf, secret, len(secret))
    return len(secret)


def read_private_key(pem: bytes, passphrase: bytes | None) -> crypto.PKey:
    """``PEM_read_bio_PrivateKey`` with Node's passphrase rule (``None`` acts as empty).

    Raises :class:`SSLError` with OpenSSL's code: ``ERR_OSSL_BAD_DECRYPT`` for a wrong or
    missing passphrase, ``ERR_OSSL_UNSUPPORTED`` for something that is not a key.
    """
    clear_errors()
    bio = _lib.BIO_new_mem_buf(pem, len(pem))
    if bio == _ffi.NULL:
        raise ssl_error_from_queue()
    _passphrase.value = passphrase or b""
    try:
        evp = _lib.PEM_read_bio_PrivateKey(bio, _ffi.NULL, _pem_password_cb, _ffi.NULL)
    finally:
        _passphrase.value = b""
        _lib.BIO_free(bio)
    if evp == _ffi.NULL:
        raise ssl_error_from_queue()
    # Same construction as pyOpenSSL's own load_privatekey.
    pkey = crypto.PKey.__new__(crypto.PKey)
    pkey._pkey = _ffi.gc(evp, _lib.EVP_PKEY_free)
    return pkey


def use_private_key(ctx: SSL.Context, pkey: crypto.PKey) -> None:
    """``SSL_CTX_use_PrivateKey``: the key goes to the slot of its type (RSA, EC, ...) and is
    checked against that slot's certificate (``ERR_OSSL_X509_KEY_VALUES_MISMATCH``)."""
    clear_errors()
    _check(_lib.SSL_CTX_use_PrivateKey(ctx._context, pkey._pkey) == 1)


@contextlib.contextmanager
def _pem_file(data: bytes) -> Iterator[bytes]:
    """A file name whose content is ``data``: an anonymous memfd where Linux has one,
    else a private temporary file.  (Certificates are public; nothing secret lands here.)"""
    if hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd"):
        fd = os.memfd_create("nodessl-chain", getattr(os, "MFD_CLOEXEC", 0))
        try:
            os.write(fd, data)
            yield f"/proc/self/fd/{fd}".encode()
        finally:
            os.close(fd)
        return
    tmp = tempfile.NamedTemporaryFile(prefix="nodessl-", suffix=".pem", delete=False)
    try:
        with tmp:
            tmp.write(data)
        yield os.fsencode(tmp.name)
    finally:
        os.unlink(tmp.name)


def use_certificate_chain(ctx: SSL.Context, pem: bytes) -> None:
    """Install a certificate chain (leaf first, then intermediates) like Node's
    ``SSL_CTX_use_certificate_chain``.

    The intermediates must become the chain *of that certificate's slot*
    (``SSL_CTX_add0_chain_cert``), not the context-wide extra chain, or an RSA+EC server would
    send both chains with each certificate.  The binding has no ``SSL_CTX_ctrl``; the only
    entry point with per-slot semantics is ``SSL_CTX_use_certificate_chain_file``, so the
    PEM goes through an in-memory file.  It reads the leaf with ``PEM_read_bio_X509_AUX``
    (``TRUSTED CERTIFICATE`` accepted) and the rest with ``PEM_read_bio_X509``, as Node does.
    """
    if _slib is not None:  # Node's own way, which the shared libssl can take
        use_certificate_chain_native(ctx, pem)
        return
    with _pem_file(pem) as path:
        clear_errors()
        _check(_lib.SSL_CTX_use_certificate_chain_file(ctx._context, path) == 1)


# -- certificate stores ----------------------------------------------------------------------


def cert_store_is(ctx: SSL.Context, store: crypto.X509Store) -> bool:
    """Whether ``ctx`` currently uses exactly ``store`` (pointer identity)."""
    return bool(_lib.SSL_CTX_get_cert_store(ctx._context) == store._store)


def set_cert_store(ctx: SSL.Context, store: crypto.X509Store) -> None:
    """Make ``ctx`` use ``store`` itself, not a copy (Node's shared root store, or a private
    store the caller built).

    ``SSL_CTX_set_cert_store`` takes over one reference and frees the context's previous
    store, so ``store`` is up-ref'd first: the Python wrapper keeps its own reference and the
    store lives as long as either needs it.  (pyOpenSSL has no ``set_cert_store``.)
    """
    fn = _binding_fn("X509_STORE_up_ref")
    if fn is not None:
        fn(store._store)
    else:  # older bindings lack it; the shared libcrypto (through libssl) has it
        _slib.X509_STORE_up_ref(_s(store._store))
    _lib.SSL_CTX_set_cert_store(ctx._context, store._store)


def store_set_flags(store: crypto.X509Store, flags: int) -> None:
    """``X509_STORE_set_flags`` (ORs verification flags in)."""
    _lib.X509_STORE_set_flags(store._store, flags)


def store_add_cert(store: crypto.X509Store, cert: crypto.X509) -> None:
    """``X509_STORE_add_cert``; adding a certificate already present is not an error."""
    clear_errors()
    _lib.X509_STORE_add_cert(store._store, cert._x509)
    clear_errors()


def store_add_certs(store: crypto.X509Store, certs: list[crypto.X509]) -> None:
    """:func:`store_add_cert` for many certificates at once (a root store per context)."""
    clear_errors()
    add, raw = _lib.X509_STORE_add_cert, store._store
    for cert in certs:
        add(raw, cert._x509)
    clear_errors()


# -- connection settings and queries ---------------------------------------------------------

# Node's VerifyCallback: accept every certificate and judge the chain after the handshake with
# SSL_get_verify_result (so rejectUnauthorized:false can still connect).  It must be a raw C
# callback: pyOpenSSL's set_verify wrapper resets the store's error to X509_V_OK whenever the
# Python callback returns true, after which SSL_get_verify_result always says "ok".
@_c_callback("int(int, X509_STORE_CTX *)")
def _accept_all_verify_cb(_preverify_ok: int, _store_ctx: object) -> int:
    return 1


def set_verify_accept_all(conn: SSL.Connection, mode: int) -> None:
    """``SSL_set_verify(ssl, mode, accept-all)``: request/verify the peer's certificate with
    ``mode`` (``SSL.VERIFY_*`` bits) but never abort the handshake for a bad chain; read the
    outcome afterwards with :func:`verify_result`."""
    _lib.SSL_set_verify(conn._ssl, mode, _accept_all_verify_cb)




def negotiated_group(conn: SSL.Connection) -> str | None:
    """``SSL_get0_group_name``: the key-exchange group of the handshake (``x25519``, ...)."""
    fn = _binding_fn("SSL_get0_group_name")
    if fn is not None:
        return _text(fn(conn._ssl)) or None
    if _slib is None:
        return None
    # OpenSSL < 3.2: SSL_get_negotiated_group (SSL_ctrl 134) then SSL_group_to_name.
    ssl = _s(conn._ssl)
    group = int(_slib.SSL_ctrl(ssl, 134, 0, _sffi.NULL))
    if group == 0:
        return None
    name = _slib.SSL_group_to_name(ssl, group)
    return _sffi.string(name).decode("latin-1") if name != _sffi.NULL else None


def verify_result(conn: SSL.Connection) -> int:
    """``SSL_get_verify_result``: X509_V_OK (0) or the X509_V_ERR_* of the peer's chain."""
    return int(_lib.SSL_get_verify_result(conn._ssl))


def has_peer_certificate(conn: SSL.Connection) -> bool:
    """Whether the peer presented a certificate (``SSL_get_peer_certificate`` != NULL),
    without making a pyOpenSSL object of it."""
    x509 = _lib.SSL_get_peer_certificate(conn._ssl)
    if x509 == _ffi.NULL:
        return False
    _lib.X509_free(x509)
    return True


def peer_certificate_der(conn: SSL.Connection) -> bytes | None:
    """The peer's certificate as DER (``i2d_X509``), None without one: the bytes alone,
    for a caller that reads a few fields and needs no certificate object."""
    x509 = _lib.SSL_get_peer_certificate(conn._ssl)
    if x509 == _ffi.NULL:
        return None
    bio = _lib.BIO_new(_lib.BIO_s_mem())
    try:
        if _lib.i2d_X509_bio(bio, x509) != 1:
            clear_errors()
            return None
        data = _ffi.new("char **")
        size = _lib.BIO_get_mem_data(bio, data)
        result: bytes | None = _ffi.buffer(data[0], size)[:]
        return result
    finally:
        _lib.BIO_free(bio)
        _lib.X509_free(x509)


def verify_error_string(code: int) -> str:
    """``X509_verify_cert_error_string``: e.g. ``certificate revoked`` for 23."""
    return _text(_lib.X509_verify_cert_error_string(code))


def session_reused(conn: SSL.Connection) -> bool:
    """``SSL_session_reused``: whether the handshake resumed an earlier session."""
    return bool(_lib.SSL_session_reused(conn._ssl))


# X509_V_ERR_* values to Node's verify-error codes (the names without the prefix).
VERIFY_CODES: dict[int, str] = {
    getattr(_lib, name): name[len("X509_V_ERR_"):]
    for name in dir(_lib)
    if name.startswith("X509_V_ERR_")
}


def x509_verify(cert: Any, public_key: Any) -> bool:
    """``X509_verify``: whether a cryptography certificate's signature verifies with a
    cryptography public key (any algorithm and parameters this OpenSSL knows)."""
    x = crypto.X509.from_cryptography(cert)
    pkey = crypto.PKey.from_cryptography_key(public_key)
    fn = _binding_fn("X509_verify")
    if fn is not None:
        ok: bool = fn(x._x509, pkey._pkey) == 1
    elif _slib is not None:  # older bindings: the shared libcrypto's
        ok = _slib.X509_verify(_s(x._x509), _s(pkey._pkey)) == 1
    else:
        ok = False
    clear_errors()
    return ok


# -- object names ----------------------------------------------------------------------------


def object_names(oid: str) -> tuple[str | None, str | None] | None:
    """OpenSSL's (short name, long name) for a dotted ``oid``, or None when it has no NID.

    Node keys DN attributes by ``OBJ_nid2sn``, so certificate objects take names from the
    OpenSSL that pyOpenSSL links rather than from cryptography's own table.
    """
    nid = _lib.OBJ_txt2nid(oid.encode("ascii"))
    if nid == 0:
        _lib.ERR_clear_error()
        return None
    sn, ln = _text(_lib.OBJ_nid2sn(nid)) or None, _text(_lib.OBJ_nid2ln(nid)) or None
    return None if sn is None and ln is None else (sn, ln)


# -- record I/O ------------------------------------------------------------------------------
#
# The engine's per-record path.  pyOpenSSL's recv/bio_read raise WantReadError for every "no
# more data" and allocate a fresh buffer per call; per record that doubled the cost.  These
# calls return codes instead and use scratch buffers shared by every connection: each call
# fills and copies out of them before returning, on the loop thread, so per-connection
# buffers would only cost memory (128 KiB per idle connection).

_SSL_ERROR_WANT_READ = _lib.SSL_ERROR_WANT_READ
_SSL_ERROR_ZERO_RETURN = _lib.SSL_ERROR_ZERO_RETURN
_SSL_ERROR_SSL = _lib.SSL_ERROR_SSL
_SSL_ERROR_SYSCALL = _lib.SSL_ERROR_SYSCALL
_SCRATCH = 64 * 1024
_SSL_MODE_ENABLE_PARTIAL_WRITE = _lib.SSL_MODE_ENABLE_PARTIAL_WRITE
_WRITE_MAX = 1 << 30  # SSL_write's length is an int: larger writes go in pieces
_READ_BUF = _ffi.new("char[]", _SCRATCH)
_READ_VIEW = _ffi.buffer(_READ_BUF)
# What one flush takes out of the outgoing BIO: a 64 KiB write's four records (and a
# little more) in one BIO_read and one copy, not two reads and a join.  Only the pages a
# flush touches are resident.
_OUT_SCRATCH = 256 * 1024
_OUT_BUF = _ffi.new("char[]", _OUT_SCRATCH)
_OUT_VIEW = _ffi.buffer(_OUT_BUF)


class RecordIO:
    """SSL_read/SSL_write/BIO_read/BIO_write on one connection's memory BIOs."""

    __slots__ = ("_conn", "_ssl", "_in", "_out")

    def __init__(self, conn: SSL.Connection) -> None:
        self._conn = conn  # keeps the SSL* alive
        self._ssl = conn._ssl
        self._in = conn._into_ssl
        self._out = conn._from_ssl
        # pyOpenSSL turns partial writes on for every context: SSL_write would return after
        # each record and a 64 KiB write take four calls.  Into a memory BIO, which never
        # refuses, one call writes all the records, as in Node (which never sets the mode).
        _lib.SSL_clear_mode(self._ssl, _SSL_MODE_ENABLE_PARTIAL_WRITE)

    def feed(self, data: bytes | memoryview) -> None:
        """Ciphertext into the incoming memory BIO (which grows: it never refuses)."""
        if data:
            _lib.BIO_write(self._in, _ffi.from_buffer(data), len(data))

    def read_one(self) -> tuple[bytes | None, bool]:
        """One SSL_read: (plaintext or None when nothing is complete, peer sent
        close_notify).  Node hands each SSL_read result to JavaScript before the next."""
        ssl = self._ssl
        n = _lib.SSL_read(ssl, _READ_BUF, _SCRATCH)
        if n > 0:
            return _READ_VIEW[:n], False
        err = _lib.SSL_get_error(ssl, n)
        if err == _SSL_ERROR_ZERO_RETURN:
            return None, True
        if err == _SSL_ERROR_SSL:
            raise ssl_error_from_queue()
        if err == _SSL_ERROR_SYSCALL:
            clear_errors()  # with memory BIOs: EOF where OpenSSL wanted more data
            return None, True
        return None, False

    def write(self, data: bytes | memoryview) -> bytes:
        """Encrypt ``data`` into records (the outgoing memory BIO takes all of it).

        Returns what is left unwritten: nothing, except in the middle of a renegotiation,
        when SSL_write wants the peer's handshake messages first (WANT_READ)."""
        ssl = self._ssl
        while data:
            size = len(data)
            if size > _WRITE_MAX:
                size = _WRITE_MAX
            n = _lib.SSL_write(ssl, _ffi.from_buffer(data), size)
            if n <= 0:
                err = _lib.SSL_get_error(ssl, n)
                if err == _SSL_ERROR_WANT_READ:
                    return bytes(data)
                raise ssl_error_from_queue() if err == _SSL_ERROR_SSL else SSLError(
                    f"SSL_write failed ({err})", "ERR_SSL_WRITE_FAILED",
                    library=None, reason=None)
            if n == len(data):
                break  # the common case: one call took all of it
            data = memoryview(data)[n:]
        return b""

    def drain(self) -> bytes:
        """Everything waiting in the outgoing BIO, without an exception when it is empty."""
        out, buf, view = self._out, _OUT_BUF, _OUT_VIEW
        n = _lib.BIO_read(out, buf, _OUT_SCRATCH)
        if n <= 0:
            return b""
        if n < _OUT_SCRATCH:
            result: bytes = view[:n]
            return result
        parts = [view[:n]]
        while (n := _lib.BIO_read(out, buf, _OUT_SCRATCH)) > 0:
            parts.append(view[:n])
        return b"".join(parts)

    def shutdown(self) -> None:
        """Queue close_notify."""
        _lib.SSL_shutdown(self._ssl)
        clear_errors()


# -- sessions --------------------------------------------------------------------------------


def session_to_der(conn: SSL.Connection) -> bytes | None:
    """``i2d_SSL_SESSION`` of the connection's current session (Node's ``getSession()``)."""
    session = _lib.SSL_get_session(conn._ssl)
    if session == _ffi.NULL:
        return None
    return _session_bytes(session)


def _session_bytes(session: object) -> bytes | None:
    """``i2d_SSL_SESSION`` of a binding ``SSL_SESSION*``."""
    fn = _binding_fn("i2d_SSL_SESSION")
    if fn is None:  # older bindings: the shared libssl's
        raw = _s(session)
        length = _slib.i2d_SSL_SESSION(raw, _sffi.NULL)
        if length <= 0:
            return None
        sbuf = _sffi.new("unsigned char[]", length)
        _slib.i2d_SSL_SESSION(raw, _sffi.new("unsigned char **", sbuf))
        result: bytes | None = _sffi.buffer(sbuf, length)[:]
        return result
    length = fn(session, _ffi.NULL)
    if length <= 0:
        return None
    buf = _ffi.new("unsigned char[]", length)
    cursor = _ffi.new("unsigned char **", buf)
    fn(session, cursor)
    result = _ffi.buffer(buf, length)[:]
    return result


def _session_from_bytes(data: bytes) -> Any:
    """``d2i_SSL_SESSION``: a new binding ``SSL_SESSION*`` (NULL when not a session); the
    caller frees it."""
    fn = _binding_fn("d2i_SSL_SESSION")
    if fn is None:  # older bindings: the shared libssl's
        ssrc = _sffi.new("unsigned char[]", bytes(data))
        raw = _slib.d2i_SSL_SESSION(_sffi.NULL, _sffi.new("const unsigned char **", ssrc),
                                    len(data))
        return _ffi.cast("SSL_SESSION *", int(_sffi.cast("uintptr_t", raw)))
    src = _ffi.new("unsigned char[]", bytes(data))
    cursor = _ffi.new("unsigned char **", src)
    return fn(_ffi.NULL, cursor, len(data))


def set_session_der(conn: SSL.Connection, data: bytes) -> bool:
    """``d2i_SSL_SESSION`` + ``SSL_set_session``: offer a saved session for resumption.

    Returns False when the bytes are not a session (Node then makes a full handshake).
    Raw because pyOpenSSL only takes sessions of the same Context, and Node's sessions
    travel between contexts (each ``tls.connect`` builds its own).
    """
    raw = _session_from_bytes(data)
    if raw == _ffi.NULL:
        clear_errors()
        return False
    try:
        ok: bool = _lib.SSL_set_session(conn._ssl, raw) == 1
    finally:
        _lib.SSL_SESSION_free(raw)  # SSL_set_session took its own reference
    clear_errors()
    return ok


# -- callbacks (hooks) -----------------------------------------------------------------------
#
# Every OpenSSL callback nodessl installs is a C callback created once per process here and
# installed by a small function: on a context once (and it then runs for every connection of
# that context, answering "nothing to do" for those that did not ask: ``_asked``), or on one
# connection (:func:`new_connection`, :func:`set_info_callback`).  It finds the TLSSocket that
# owns the SSL* (``Connection._reverse_mapping`` -> ``conn.get_app_data()``) and calls one of
# its ``_hook_*`` methods.  A callback must return a C value, so an exception is stored on the
# owner (``_hook_error``) and the handshake fails; the engine re-raises the stored
# exception in place of OpenSSL's generic error (pyOpenSSL's own callbacks do the same).


def _owner_of(ssl: object) -> object | None:
    conn = SSL.Connection._reverse_mapping.get(ssl)
    if conn is None:
        return None
    ref = conn.get_app_data()  # a weak reference (set_owner)
    return ref() if ref is not None else None


def set_owner(conn: SSL.Connection, owner: object) -> None:
    """Make ``owner`` the object the callbacks of ``conn`` call.  Held weakly: the owner
    holds the connection, and a cycle would leave every closed connection to the cyclic
    garbage collector."""
    conn.set_app_data(weakref.ref(owner))


def _store_error(owner: object | None, exc: BaseException) -> None:
    if owner is not None and getattr(owner, "_hook_error", None) is None:
        owner._hook_error = exc  # type: ignore[attr-defined]


def _asked(owner: object | None, hook: str) -> bool:
    """Whether ``owner``'s connection asked for ``hook``.  Callbacks live on the one SSL_CTX
    of a SecureContext and so run for every connection made from it; the others get
    OpenSSL's "nothing to do" answer."""
    return owner is not None and hook in getattr(owner, "_hooks_asked", ())


@_c_callback("int (*)(SSL *, unsigned char **, unsigned char *, const unsigned char *, "
               "unsigned int, void *)")
def _alpn_select_cb(ssl: object, out: object, outlen: object, in_: object, inlen: int,
                    _arg: object) -> int:
    owner = _owner_of(ssl)
    if not _asked(owner, "alpn"):
        result: int = _lib.SSL_TLSEXT_ERR_NOACK  # no ALPN in the ServerHello, as without a callback
        return result
    try:
        offered, wire = [], _ffi.buffer(in_, inlen)[:]
        while wire:
            offered.append(wire[1:1 + wire[0]])
            wire = wire[1 + wire[0]:]
        chosen = owner._hook_alpn_select(offered) if owner is not None else None  # type: ignore[attr-defined]
        if chosen is None:
            result = _lib.SSL_TLSEXT_ERR_ALERT_FATAL  # OpenSSL alerts no_application_protocol
            return result
        # Point into the client's own list: OpenSSL keeps the pointer after we return.
        raw = _ffi.buffer(in_, inlen)[:]
        pos = 0
        while pos < inlen:
            size = raw[pos]
            if raw[pos + 1:pos + 1 + size] == chosen:
                out[0] = _ffi.cast("unsigned char *", in_) + pos + 1  # type: ignore[index]
                outlen[0] = size  # type: ignore[index]
                result = _lib.SSL_TLSEXT_ERR_OK
                return result
            pos += 1 + size
        raise AssertionError("ALPN selection not among the offered protocols")
    except BaseException as exc:  # noqa: BLE001 - must not unwind through OpenSSL
        _store_error(owner, exc)
        result = _lib.SSL_TLSEXT_ERR_ALERT_FATAL
        return result


def install_alpn_select(ctx: SSL.Context) -> None:
    """Server ALPN: ``owner._hook_alpn_select(offered: list[bytes]) -> bytes | None``; None
    ends the handshake with the no_application_protocol alert, as Node does."""
    _lib.SSL_CTX_set_alpn_select_cb(ctx._context, _alpn_select_cb, _ffi.NULL)


def set_alpn_protos(conn: SSL.Connection, wire: bytes) -> None:
    """Client ALPN offer in wire format (length-prefixed names)."""
    conn.set_alpn_protos([wire[i + 1:i + 1 + wire[i]] for i in _wire_offsets(wire)])


def _wire_offsets(wire: bytes) -> list[int]:
    offsets, pos = [], 0
    while pos < len(wire):
        offsets.append(pos)
        pos += 1 + wire[pos]
    return offsets


# -- message callback ------------------------------------------------------------------------
#
# SSL_CTX_set_msg_callback sees every protocol message in both directions, decrypted: record
# headers, handshake messages (also TLS 1.3's encrypted ones), alerts, change_cipher_spec.
# Consumers (enableTrace, facts read off the handshake) register on the socket; only the
# connections where one of them asked carry the callback (hook "msg"), because it costs a
# Python call per record for the life of the connection.  SSL_new copies the context's
# message callback into the connection, which is how :func:`new_connection` gives it to one
# connection; the bundled binding has no per-SSL setter, so there a connection that starts
# without it cannot gain it later (the shared backend can: :func:`set_msg_callback`).

# content_type values the callback passes (ssl3.h / tls1.h); the last two are pseudo types.
SSL3_RT_CHANGE_CIPHER_SPEC = 20
SSL3_RT_ALERT = 21
SSL3_RT_HANDSHAKE = 22
SSL3_RT_APPLICATION_DATA = 23
SSL3_RT_HEADER = 256
SSL3_RT_INNER_CONTENT_TYPE = 257


@_c_callback("void(int, int, int, void *, size_t, SSL *, void *)")
def _msg_cb(write_p: int, version: int, content_type: int, buf: object, length: int,
            ssl: object, _arg: object) -> None:
    owner = _owner_of(ssl)
    if not _asked(owner, "msg"):
        return
    try:
        owner._hook_message(bool(write_p), int(version), int(content_type),  # type: ignore[attr-defined]
                            _ffi.buffer(buf, length)[:])
    except BaseException as exc:  # noqa: BLE001 - must not unwind through OpenSSL
        # A void callback cannot fail the handshake; the owner reports it after the call.
        _store_error(owner, exc)


def _set_ctx_msg_callback(ctx: SSL.Context, cb: Any) -> None:
    fn = _binding_fn("SSL_CTX_set_msg_callback")
    if fn is not None:
        fn(ctx._context, cb)
    else:  # older bindings: the shared libssl's
        _slib.SSL_CTX_set_msg_callback(_s(ctx._context), _s(cb) if cb != _ffi.NULL else _sffi.NULL)


def set_msg_callback(conn: SSL.Connection) -> bool:
    """``SSL_set_msg_callback`` on a running connection: ``owner._hook_message`` from now on.
    Shared backend only (the bundled binding has no per-SSL setter): False there."""
    if _slib is None:
        return False
    _slib.SSL_set_msg_callback(_s(conn._ssl), _s(_msg_cb))
    return True


# -- sessions and handshake facts ------------------------------------------------------------
#
# The client 'session' event, exportKeyingMaterial and the info callback it rests on (set on
# one connection: :func:`set_info_callback`).
#
# Node emits 'session' from OpenSSL's new-session callback, which the binding lacks
# (no SSL_CTX_sess_set_new_cb).  In TLS 1.3 every NewSessionTicket replaces the connection's
# session object (SSL_get_session changes), and OpenSSL ends each post-handshake message with
# an SSL_CB_CONNECT_EXIT info callback; the info callback is not called for application data,
# so it costs nothing per record (unlike the message callback).  Comparing raw pointers alone
# would not do: the session a ticket replaces is freed first and the next one is often
# allocated at the same address, hence :class:`HeldSession` keeps a reference to the last one.

SSL_CB_EXIT: int = int(_lib.SSL_CB_EXIT)
SSL_CB_HANDSHAKE_DONE: int = int(_lib.SSL_CB_HANDSHAKE_DONE)


@_c_callback("void (*)(const SSL *, int, int)")
def _info_cb(ssl: object, where: int, ret: int) -> None:
    owner = _owner_of(_ffi.cast("SSL *", ssl))
    if owner is None:
        return
    try:
        owner._hook_info(int(where), int(ret))  # type: ignore[attr-defined]
    except BaseException as exc:  # noqa: BLE001 - must not unwind through OpenSSL
        _store_error(owner, exc)


class HeldSession:
    """A reference to one connection's session object (``SSL_get1_session``), so that the
    pointer stays unique while it is compared with the connection's current one."""

    __slots__ = ("_ptr",)

    def __init__(self, conn: SSL.Connection) -> None:
        raw = _lib.SSL_get1_session(conn._ssl)
        self._ptr = _ffi.gc(raw, _lib.SSL_SESSION_free) if raw != _ffi.NULL else None

    def is_current(self, conn: SSL.Connection) -> bool:
        """Whether ``conn`` still uses this session object."""
        current = _lib.SSL_get_session(conn._ssl)
        if self._ptr is None:
            return bool(current == _ffi.NULL)
        return bool(current == self._ptr)


def export_keying_material(conn: SSL.Connection, length: int, label: bytes,
                           context: bytes | None) -> bytes:
    """``SSL_export_keying_material`` (RFC 5705 / 8446 exporter).  Unlike pyOpenSSL's
    wrapper, a refusal raises Node's error from the queue (a reserved label under TLS 1.2 is
    ``ERR_SSL_TLS_ILLEGAL_EXPORTER_LABEL``)."""
    clear_errors()
    out = _ffi.new("unsigned char[]", length)
    ctx_buf = _ffi.from_buffer(context) if context else _ffi.NULL
    ok = _lib.SSL_export_keying_material(
        conn._ssl, out, length, label, len(label), ctx_buf,
        len(context) if context is not None else 0, 1 if context is not None else 0)
    if ok != 1:
        raise ssl_error_from_queue()
    result: bytes = _ffi.buffer(out, length)[:]
    return result


# -- SNI and OCSP stapling: the paused handshake ---------------------------------------------
#
# Node runs SNICallback and the OCSPRequest event inside OpenSSL's certificate callback
# (SSL_CTX_set_cert_cb): the callback returns -1 while user code has not answered, which
# parks the handshake (SSL_ERROR_WANT_X509_LOOKUP, pyOpenSSL's WantX509LookupError); a later
# SSL_do_handshake calls the callback again and goes on once it returns 1.  The user code
# itself never runs inside OpenSSL: the callback only reports "not yet", and the socket runs
# the steps after SSL_do_handshake has returned (see nodessl/sni.py).
#
# OCSP: one status callback serves both sides (SSL_CTX_set_tlsext_status_cb).  A server's is
# called after the certificate callback, only when the client asked for status, and hands
# OpenSSL the response obtained meanwhile; a client's is called once per handshake with what
# the server stapled (or nothing).  The binding has no SSL_get_tlsext_status_type, so a server
# learns whether the client asked from the ClientHello itself (ocsp.status_requested).

_SSL_TLSEXT_ERR_OK = int(_lib.SSL_TLSEXT_ERR_OK)
_SSL_TLSEXT_ERR_NOACK = int(_lib.SSL_TLSEXT_ERR_NOACK)
_SSL_TLSEXT_ERR_ALERT_FATAL = int(_lib.SSL_TLSEXT_ERR_ALERT_FATAL)
CERT_CB_CONTINUE, CERT_CB_PAUSE, CERT_CB_FAIL = 1, -1, 0
"""What ``owner._hook_cert()`` returns: go on, park the handshake, fail it."""


@_c_callback("int(SSL *, void *)")
def _cert_cb(ssl: object, _arg: object) -> int:
    owner = _owner_of(ssl)
    if not _asked(owner, "cert"):
        return CERT_CB_CONTINUE
    try:
        return int(owner._hook_cert())  # type: ignore[attr-defined]
    except BaseException as exc:  # noqa: BLE001 - must not unwind through OpenSSL
        _store_error(owner, exc)
        return CERT_CB_FAIL


def install_cert_callback(ctx: SSL.Context) -> None:
    """``SSL_CTX_set_cert_cb``: ``owner._hook_cert() -> CERT_CB_*`` once per ClientHello
    (and again on every ``do_handshake`` while it answers ``CERT_CB_PAUSE``)."""
    _lib.SSL_CTX_set_cert_cb(ctx._context, _cert_cb, _ffi.NULL)


def _ocsp_staple(ssl: object, owner: Any) -> int:
    if not _asked(owner, "ocsp_staple"):
        return _SSL_TLSEXT_ERR_NOACK
    response = owner._hook_ocsp_staple()
    if not response:
        return _SSL_TLSEXT_ERR_NOACK
    # OpenSSL takes the buffer over and frees it with OPENSSL_free.
    size = len(response)
    buf = _lib.OPENSSL_malloc(size)
    if buf == _ffi.NULL:
        raise MemoryError("OPENSSL_malloc failed")
    _ffi.memmove(buf, response, size)
    _lib.SSL_set_tlsext_status_ocsp_resp(ssl, buf, size)
    return _SSL_TLSEXT_ERR_OK


def _ocsp_response(ssl: object, owner: Any) -> int:
    if not _asked(owner, "ocsp_response"):
        return 1
    ptr = _ffi.new("unsigned char **")
    size = int(_lib.SSL_get_tlsext_status_ocsp_resp(ssl, ptr))
    response = _ffi.buffer(ptr[0], size)[:] if size > 0 and ptr[0] != _ffi.NULL else None
    owner._hook_ocsp_response(response)
    return 1  # Node never judges the response; the user does


@_c_callback("int(SSL *, void *)")
def _ocsp_cb(ssl: object, _arg: object) -> int:
    owner = _owner_of(ssl)
    server = bool(getattr(owner, "_isServer", False))
    try:
        return _ocsp_staple(ssl, owner) if server else _ocsp_response(ssl, owner)
    except BaseException as exc:  # noqa: BLE001 - must not unwind through OpenSSL
        _store_error(owner, exc)
        return _SSL_TLSEXT_ERR_ALERT_FATAL if server else -1


def install_ocsp(ctx: SSL.Context) -> None:
    """``SSL_CTX_set_tlsext_status_cb``, one slot for both roles.  Server stapling:
    ``owner._hook_ocsp_staple() -> bytes | None`` when the client asked for certificate
    status (hook "ocsp_staple"); the bytes go out in CertificateStatus (TLS 1.2) or the
    Certificate message's status_request extension (TLS 1.3).  Client: once per handshake
    that requested status (:func:`request_ocsp`, hook "ocsp_response"),
    ``owner._hook_ocsp_response(bytes | None)`` with the server's stapled response."""
    _lib.SSL_CTX_set_tlsext_status_cb(ctx._context, _ocsp_cb)


def request_ocsp(conn: SSL.Connection) -> None:
    """``SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp)``: the ClientHello carries
    status_request (Node's ``requestOCSP``)."""
    _lib.SSL_set_tlsext_status_type(conn._ssl, _lib.TLSEXT_STATUSTYPE_ocsp)
# -- PSK (pre-shared keys) -------------------------------------------------------------------
#
# OpenSSL's "legacy" PSK callbacks, as Node installs them (SSL_CTX_set_psk_client_callback /
# SSL_CTX_set_psk_server_callback).  They serve TLS 1.2 PSK suites and TLS 1.3 too: OpenSSL
# turns the key into a TLS 1.3 external PSK for a SHA-256 suite (TLS_AES_128_GCM_SHA256), and
# calls the client callback without a hint.  Both callbacks and the identity hint (Node's
# SSL_use_psk_identity_hint) belong to one connection: see :func:`new_connection`.


@_c_callback("unsigned int(SSL *, const char *, char *, unsigned int, unsigned char *, "
               "unsigned int)")
def _psk_client_cb(ssl: object, hint: object, identity: object, max_identity_len: int,
                   psk: object, max_psk_len: int) -> int:
    owner = _owner_of(ssl)
    if not _asked(owner, "psk_client"):
        return 0
    try:
        text = _ffi.string(hint).decode("utf-8", "replace") if hint != _ffi.NULL else None
        result = owner._hook_psk_client(text, int(max_psk_len), int(max_identity_len))  # type: ignore[attr-defined]
        if result is None:
            return 0
        key, ident = result
        # the owner checked both lengths; the identity goes NUL-terminated
        _ffi.memmove(identity, ident + b"\0", len(ident) + 1)
        _ffi.memmove(psk, key, len(key))
        return len(key)
    except BaseException as exc:  # noqa: BLE001 - must not unwind through OpenSSL
        _store_error(owner, exc)
        return 0


@_c_callback("unsigned int(SSL *, const char *, unsigned char *, unsigned int)")
def _psk_server_cb(ssl: object, identity: object, psk: object, max_psk_len: int) -> int:
    owner = _owner_of(ssl)
    if not _asked(owner, "psk_server"):
        return 0
    try:
        text = _ffi.string(identity).decode("utf-8", "replace") if identity != _ffi.NULL else ""
        key = owner._hook_psk_server(text, int(max_psk_len))  # type: ignore[attr-defined]
        if key is None:
            return 0  # unknown identity: OpenSSL sends the alert it sends for that
        _ffi.memmove(psk, key, len(key))
        return len(key)
    except BaseException as exc:  # noqa: BLE001 - must not unwind through OpenSSL
        _store_error(owner, exc)
        return 0


_new_connection_lock = threading.Lock()


def new_connection(ctx: SSL.Context, *, msg: bool = False, psk_client: bool = False,
                   psk_server: bool = False, psk_hint: str | None = None) -> SSL.Connection:
    """A connection made from ``ctx`` with its own message callback, PSK callbacks and PSK
    identity hint, as asked.

    SSL_new copies these from the context into the connection, and the bundled binding has
    no per-SSL setter for them: so they go on the context, the connection is made, and the
    context gets its previous state back (under a lock, so no other thread's connection is
    made meanwhile).  The context itself never keeps them.  Raises Node 20's
    ``ERR_TLS_PSK_SET_IDENTIY_HINT_FAILED`` (sic) when OpenSSL refuses the hint (longer
    than PSK_MAX_IDENTITY_LEN).
    """
    if not (msg or psk_client or psk_server or psk_hint):
        return SSL.Connection(ctx, None)
    raw = ctx._context
    with _new_connection_lock:
        try:
            if msg:
                _set_ctx_msg_callback(ctx, _msg_cb)
            if psk_client:
                _lib.SSL_CTX_set_psk_client_callback(raw, _psk_client_cb)
            if psk_server:
                _lib.SSL_CTX_set_psk_server_callback(raw, _psk_server_cb)
            if psk_hint:
                clear_errors()
                ok = _lib.SSL_CTX_use_psk_identity_hint(raw, psk_hint.encode("utf-8")) == 1
                clear_errors()
                if not ok:
                    raise NodeError("Failed to set PSK identity hint",
                                    "ERR_TLS_PSK_SET_IDENTIY_HINT_FAILED")
            return SSL.Connection(ctx, None)
        finally:
            if msg:
                _set_ctx_msg_callback(ctx, _ffi.NULL)
            if psk_client:
                _lib.SSL_CTX_set_psk_client_callback(raw, _ffi.NULL)
            if psk_server:
                _lib.SSL_CTX_set_psk_server_callback(raw, _ffi.NULL)
            if psk_hint:
                _lib.SSL_CTX_use_psk_identity_hint(raw, _ffi.NULL)
                clear_errors()


# -- keylog, trace and renegotiation -----------------------------------------------------------
#
# keylog: SSL_CTX_set_keylog_callback (hook "keylog"; OpenSSL has no per-SSL setter, but
# reads the context's callback each time it has a line, so a connection can ask late).  renegotiation: a per-SSL info
# callback (SSL_set_info_callback, on that one connection), installed only once a TLS <= 1.2
# handshake is done: it then fires on renegotiations and alerts only, never per record.
# trace: cipher-suite names for the formatter in trace.py (SSL_trace itself is not in the
# binding; the trace is built on the message callback above).

SSL_CB_HANDSHAKE_START: int = int(_lib.SSL_CB_HANDSHAKE_START)


@_c_callback("void(SSL *, char *)")
def _keylog_cb(ssl: object, line: object) -> None:
    owner = _owner_of(ssl)
    if not _asked(owner, "keylog"):
        return
    try:
        owner._hook_keylog(_ffi.string(line) + b"\n")  # type: ignore[attr-defined]
    except BaseException as exc:  # noqa: BLE001 - must not unwind through OpenSSL
        _store_error(owner, exc)


def install_keylog_callback(ctx: SSL.Context) -> None:
    """``SSL_CTX_set_keylog_callback``: ``owner._hook_keylog(line)`` for every NSS key-log
    line (bytes, trailing newline added as Node does)."""
    _lib.SSL_CTX_set_keylog_callback(ctx._context, _keylog_cb)


# SSL_set_info_callback declares its callback without ``const``: the same C function, cast.
# A per-SSL info callback replaces the context's for that connection, so both lead to one
# ``owner._hook_info(where, ret)``, which serves sessions and renegotiation alike.
_ssl_info_cb = _ffi.cast("void(*)(SSL *, int, int)", _info_cb)


def set_info_callback(conn: SSL.Connection) -> None:
    """``SSL_set_info_callback`` on one connection: ``owner._hook_info(where, ret)`` on
    handshake state changes and alerts (``where`` has SSL_CB_* bits), never per
    application-data record."""
    fn = _binding_fn("SSL_set_info_callback")
    if fn is not None:
        fn(conn._ssl, _ssl_info_cb)
    else:  # older bindings: the shared libssl's
        _slib.SSL_set_info_callback(_s(conn._ssl), _s(_ssl_info_cb))


def renegotiate(conn: SSL.Connection) -> None:
    """``SSL_renegotiate`` then one ``SSL_do_handshake`` step (the HelloRequest or the new
    ClientHello goes to the outgoing BIO).  Raises Node's error, e.g.
    ``ERR_SSL_WRONG_SSL_VERSION`` on a TLS 1.3 connection."""
    clear_errors()
    _check(_lib.SSL_renegotiate(conn._ssl) == 1)
    n = _lib.SSL_do_handshake(conn._ssl)
    if n <= 0 and _lib.SSL_get_error(conn._ssl, n) == _SSL_ERROR_SSL:
        raise ssl_error_from_queue()
    clear_errors()


def cipher_suite_name(conn: SSL.Connection, suite: bytes) -> str | None:
    """OpenSSL's name of the two-byte cipher suite ``suite`` (``SSL_CIPHER_find``), or None
    when this OpenSSL does not know it."""
    if len(suite) != 2:
        return None
    cipher = _lib.SSL_CIPHER_find(conn._ssl, _ffi.from_buffer(suite))
    if cipher == _ffi.NULL:
        clear_errors()
        return None
    return _text(_lib.SSL_CIPHER_get_name(cipher)) or None


# Not in the binding: SSL_OP_BIT(16) in OpenSSL >= 3.0 (ssl.h).  A server that renegotiates
# to ask for a client certificate must not let the client resume its session: a resumed
# handshake has no CertificateRequest.
SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION: int = 1 << 16


def set_connection_options(conn: SSL.Connection, options: int) -> int:
    """``SSL_set_options`` on one connection (ORs SSL_OP_* bits in); returns the new mask."""
    return int(_lib.SSL_set_options(conn._ssl, options & _U64))


# -- shared backend only: ticket keys --------------------------------------------------------
#
# Node's TicketCompatibilityCallback: 48 bytes of keys (16 name, 16 HMAC-SHA256 key, 16
# AES-128-CBC key) protect the tickets a context issues, so a ticket from one process (Node,
# or another nodessl) resumes on any holding the same keys.  OpenSSL 3 keeps 80-byte keys of
# its own (SSL_CTRL_SET_TLSEXT_TICKET_KEYS); Node's format goes through the ticket-key
# callback instead, here SSL_CTX_set_tlsext_ticket_key_evp_cb.  The callback finds the keys
# from the SSL's SSL_CTX: a registry maps each context's address to the object that holds
# them (a weak reference, dropped with the context).
#
# Decrypting, the callback answers 1 ("use this key, don't renew"), as Node's does: OpenSSL
# then sends no new ticket after a resumed TLS 1.3 handshake (Node 20: 2 tickets after a full
# one, none after a resumption; tests/interop/test_resumption_tickets.py counts them).
#
# Bundled backend: no equivalent.  Its binding (cryptography 50, OpenSSL 4.0.3) declares no
# SSL_CTX_set_tlsext_ticket_key_(evp_)cb, SSL_CTX_set_session_ticket_cb,
# SSL_(CTX_)set_num_tickets, SSL_ctrl / SSL_CTX_ctrl / SSL_CTX_callback_ctrl (so no
# SSL_CTRL_SET_TLSEXT_TICKET_KEY_CB) or SSL_clear_options; OpenSSL's own keys renew every TLS
# 1.3 ticket they decrypt, so a resumption gets one new ticket.  The one lever the binding has,
# a servername callback that sets SSL_OP_NO_TICKET on a resumed TLS 1.3 connection (OpenSSL's
# final_server_name then drops the expected ticket), was tried and left out: it must answer
# SSL_TLSEXT_ERR_OK, so a client that sent SNI gets an empty server_name acknowledgement Node
# never sends; and after a HelloRetryRequest the option, which nothing can clear, sends the
# second ClientHello's ticket to the (disabled) stateful cache, so the resumption fails.

_TICKET_HOLDERS: dict[int, Any] = {}
_OSSL_PARAM_UTF8_STRING = 4
_OSSL_PARAM_OCTET_STRING = 5
# The callback runs for every ticket issued (twice per full TLS 1.3 handshake) and every ticket
# offered: what it hands OpenSSL for the holder's keys (the key name, the AES key, the HMAC's
# OSSL_PARAM list) is built once, kept on the holder (``_ticket_cb_state``, dropped with it)
# and rebuilt when the keys change.  OpenSSL copies what it is given (EVP_*Init_ex,
# EVP_MAC_CTX_set_params), so reusing the buffers is safe.


def _key_state(keys: bytes) -> tuple[bytes, bytes, Any, Any, Any]:
    """(keys, key name, AES-128 key, OSSL_PARAM[3] for HMAC-SHA256, the HMAC key buffer the
    params point into) for 48 bytes of keys (Node's layout)."""
    hmac_key = _sffi.new("unsigned char[16]", keys[16:32])
    params = _sffi.new("OSSL_PARAM[3]")  # the third stays zeroed: the end marker
    params[0].key, params[0].data_type = _PARAM_KEY, _OSSL_PARAM_OCTET_STRING
    params[0].data, params[0].data_size = hmac_key, 16
    params[1].key, params[1].data_type = _PARAM_DIGEST, _OSSL_PARAM_UTF8_STRING
    params[1].data, params[1].data_size = _PARAM_SHA256, 6
    return (keys, keys[:16], _sffi.new("unsigned char[16]", keys[32:48]), params, hmac_key)


def _ticket_state(holder: Any) -> tuple[bytes, bytes, Any, Any, Any]:
    """:func:`_key_state` of the holder's current 48 bytes of keys."""
    keys: bytes = holder._ticket_key_material()
    state: tuple[bytes, bytes, Any, Any, Any] | None = holder._ticket_cb_state
    if state is None or state[0] != keys:
        state = _key_state(keys)
        holder._ticket_cb_state = state
    return state


def _decrypt_only_state(holder: Any,
                        key_name: bytes) -> tuple[bytes, bytes, Any, Any, Any] | None:
    """:func:`_key_state` of the holder's decrypt-only key named ``key_name`` (its
    ``_ticket_decrypt_keys``: keys that no longer protect new tickets but whose tickets
    still resume, see nodessl.sessions), None when it has none of that name.  Built once per
    set of keys, kept in ``_ticket_cb_extra``."""
    extra: tuple[bytes, ...] = getattr(holder, "_ticket_decrypt_keys", ())
    if not extra:
        return None
    cache = getattr(holder, "_ticket_cb_extra", None)
    if cache is None or cache[0] is not extra:
        cache = (extra, {keys[:16]: _key_state(keys) for keys in extra})
        holder._ticket_cb_extra = cache
    return cache[1].get(key_name)


def _ticket_key_cb_impl(ssl: Any, name: Any, iv: Any, ectx: Any, hctx: Any, enc: int) -> int:
    try:
        ref = _TICKET_HOLDERS.get(int(_sffi.cast("uintptr_t", _slib.SSL_get_SSL_CTX(ssl))))
        holder = ref() if ref is not None else None
        if holder is None:
            return -1
        _, key_name, aes_key, params, _ = _ticket_state(holder)
        # Decrypting: 1, "use this key, don't renew" (Node's answer), so a resumed TLS 1.3
        # handshake gets no new ticket; 2 would have OpenSSL issue one.
        answer = 1
        if enc:
            _sffi.memmove(name, key_name, 16)
            if _slib.RAND_bytes(iv, 16) != 1:
                return -1
            if _slib.EVP_EncryptInit_ex(ectx, _AES_128_CBC, _sffi.NULL, aes_key, iv) != 1:
                return -1
        else:
            offered = _sffi.buffer(name, 16)[:]
            if offered != key_name:
                # Beyond Node: a decrypt-only key (the previous one of a rotation) still
                # resumes, and 2 has OpenSSL renew the ticket under the current key.
                other = _decrypt_only_state(holder, offered)
                if other is None:
                    return 0  # not ours: a full handshake (and a new ticket)
                _, _, aes_key, params, _ = other
                answer = 2
            if _slib.EVP_DecryptInit_ex(ectx, _AES_128_CBC, _sffi.NULL, aes_key, iv) != 1:
                return -1
        if _slib.EVP_MAC_CTX_set_params(hctx, params) != 1:
            return -1
        return answer
    except BaseException:  # noqa: BLE001 - must not unwind through OpenSSL
        return -1


if _sffi is not None:
    _PARAM_KEY = _sffi.new("char[]", b"key")
    _PARAM_DIGEST = _sffi.new("char[]", b"digest")
    _PARAM_SHA256 = _sffi.new("char[]", b"SHA256")
    _AES_128_CBC = _slib.EVP_aes_128_cbc()  # a static table inside libcrypto
    _ticket_key_cb = _sffi.callback(
        "int(void *, unsigned char *, unsigned char *, void *, void *, int)",
        _ticket_key_cb_impl)


def install_ticket_keys(ctx: SSL.Context, holder: Any) -> None:
    """Shared backend: tickets issued and accepted by ``ctx`` are protected with
    ``holder._ticket_key_material()`` (48 bytes in Node's layout, read at every use, so a
    change applies to the next ticket).  The holder is weakly referenced; its
    ``_ticket_cb_state`` attribute (None to start) caches what the callback derives from the
    keys.  A holder may also have ``_ticket_decrypt_keys`` (a tuple of 48-byte keys, and
    ``_ticket_cb_extra``, None to start): tickets protected with one of them are accepted
    and renewed under the current keys (nodessl.sessions' rotation; Node has none)."""
    import weakref

    addr = _addr(ctx._context)
    ref = weakref.ref(holder)
    _TICKET_HOLDERS[addr] = ref

    def forget() -> None:
        if _TICKET_HOLDERS.get(addr) is ref:
            del _TICKET_HOLDERS[addr]

    weakref.finalize(ctx, forget)
    clear_errors()
    _check(_slib.SSL_CTX_set_tlsext_ticket_key_evp_cb(_s(ctx._context), _ticket_key_cb) == 1)


# -- shared backend only: the external session cache (newSession / resumeSession) -------------
#
# Node installs SSL_CTX_sess_set_new_cb / _get_cb on every context (the cache mode keeps
# OpenSSL's internal cache off, SSL_SESS_CACHE_NO_INTERNAL).  A server socket whose tls.Server
# has 'newSession'/'resumeSession' listeners answers them: ``owner._hook_new_session(id,
# der)`` for every session the server creates with a session id (TLS <= 1.2 without a ticket;
# TLS 1.3 tickets), ``owner._hook_get_session(id) -> der | None`` when a client offers a
# session id the server must look up.  Owners without those methods are not asked.


def _binding_ssl(ssl: Any) -> Any:
    return _ffi.cast("SSL *", int(_sffi.cast("uintptr_t", ssl)))


def _new_session_cb_impl(ssl: Any, sess: Any) -> int:
    owner = _owner_of(_binding_ssl(ssl))
    hook = getattr(owner, "_hook_new_session", None)
    if hook is None:
        return 0
    try:
        length = _sffi.new("unsigned int *")
        raw_id = _slib.SSL_SESSION_get_id(sess, length)
        session_id = _sffi.buffer(raw_id, length[0])[:] if raw_id != _sffi.NULL else b""
        size = _slib.i2d_SSL_SESSION(sess, _sffi.NULL)
        if size <= 0:
            return 0
        buf = _sffi.new("unsigned char[]", size)
        _slib.i2d_SSL_SESSION(sess, _sffi.new("unsigned char **", buf))
        hook(session_id, _sffi.buffer(buf, size)[:])
    except BaseException as exc:  # noqa: BLE001 - must not unwind through OpenSSL
        _store_error(owner, exc)
    return 0  # the session stays OpenSSL's


def _get_session_cb_impl(ssl: Any, data: Any, length: int, copy: Any) -> Any:
    copy[0] = 0  # what we return is the caller's reference
    owner = _owner_of(_binding_ssl(ssl))
    hook = getattr(owner, "_hook_get_session", None)
    if hook is None:
        return _sffi.NULL
    try:
        der = hook(_sffi.buffer(data, length)[:])
        if not der:
            return _sffi.NULL
        src = _sffi.new("unsigned char[]", bytes(der))
        sess = _slib.d2i_SSL_SESSION(_sffi.NULL, _sffi.new("const unsigned char **", src),
                                     len(der))
        if sess == _sffi.NULL:
            _slib.ERR_clear_error()  # not a session (Node ignores it): a full handshake
        return sess
    except BaseException as exc:  # noqa: BLE001 - must not unwind through OpenSSL
        _store_error(owner, exc)
        return _sffi.NULL


if _sffi is not None:
    _new_session_cb = _sffi.callback("int(void *, void *)", _new_session_cb_impl)
    _get_session_cb = _sffi.callback("void *(void *, const unsigned char *, int, int *)",
                                     _get_session_cb_impl)


def install_session_cache(ctx: SSL.Context) -> None:
    """Shared backend: the server session-cache callbacks (see above) on ``ctx``."""
    raw = _s(ctx._context)
    _slib.SSL_CTX_sess_set_new_cb(raw, _new_session_cb)
    _slib.SSL_CTX_sess_set_get_cb(raw, _get_session_cb)


# -- shared backend only: native record size, shared sigalgs, SSL_trace, certificate chains ---
#
# Calls Node makes that the binding lacks, taken from the opened libssl (declared here, with
# ``override`` so a declaration another section also makes cannot clash):
#
# * ``SSL_set_max_send_fragment`` (a macro: SSL_ctrl 52): OpenSSL itself cuts every record
#   the SSL writes, handshake records included (the bundled backend cuts plaintext before
#   SSL_write instead, see facts.py);
# * ``SSL_get_shared_sigalgs``, named as Node's GetSharedSigalgs names them (sigalgs.py
#   derives the list on the bundled backend);
# * ``SSL_trace`` into a memory BIO, with OpenSSL's error queue kept as it was (Node wraps
#   the call in MarkPopErrorOnReturn: a failed write must not fail later SSL calls);
# * Node's SSL_CTX_use_certificate_chain: the leaf through PEM_read_bio_X509_AUX and
#   SSL_CTX_use_certificate, the rest as the slot's chain, ignoring errors OpenSSL only
#   queued on the way.  SSL_CTX_use_certificate_chain_file (what the bundled backend must
#   use) fails on any queued error, such as OpenSSL 3.0's "invalid certificate" for a
#   subjectAltName it cannot decode, which Node loads and serves.

_NATIVE_CDEF = """
int SSL_get_shared_sigalgs(void *, int, int *, int *, int *, unsigned char *, unsigned char *);
const char *OBJ_nid2sn(int);
void SSL_trace(int, int, int, const void *, size_t, void *, void *);
const void *BIO_s_mem(void);
void *BIO_new(const void *);
void *BIO_new_mem_buf(const void *, int);
int BIO_free(void *);
long BIO_ctrl(void *, int, long, void *);
int ERR_set_mark(void);
int ERR_pop_to_mark(void);
unsigned long ERR_peek_last_error(void);
void *PEM_read_bio_X509_AUX(void *, void **, void *, void *);
void *PEM_read_bio_X509(void *, void **, void *, void *);
void X509_free(void *);
int SSL_CTX_use_certificate(void *, void *);
"""

if _sffi is not None:
    _sffi.cdef(_NATIVE_CDEF, override=True)

_SSL_CTRL_SET_MAX_SEND_FRAGMENT = 52
_SSL_CTRL_CHAIN = 88
_SSL_CTRL_CHAIN_CERT = 89
_BIO_CTRL_RESET = 1
_BIO_CTRL_INFO = 3
_ERR_LIB_PEM = 9
_PEM_R_NO_START_LINE = 108

# Node's names for the signature key types (EVP_PKEY_* / NID_* values); others take
# OBJ_nid2sn's short name, and a hash without one is "UNDEF".
_SIG_TYPE_NAMES = {6: "RSA", 912: "RSA-PSS", 116: "DSA", 408: "ECDSA", 1087: "Ed25519",
                   1088: "Ed448", 811: "gost2001", 979: "gost2012_256", 980: "gost2012_512"}


def set_max_send_fragment(conn: SSL.Connection, size: int) -> bool:
    """Shared backend: ``SSL_set_max_send_fragment`` (True when OpenSSL took ``size``,
    512..16384): every record the connection writes from now on carries at most ``size``
    bytes of plaintext."""
    return int(_slib.SSL_ctrl(_s(conn._ssl), _SSL_CTRL_SET_MAX_SEND_FRAGMENT, size,
                              _sffi.NULL)) == 1


def _nid_name(nid: int) -> str | None:
    name = _slib.OBJ_nid2sn(nid)
    return _sffi.string(name).decode("latin-1") if name != _sffi.NULL else None


def shared_sigalgs(conn: SSL.Connection) -> list[str]:
    """Shared backend: ``SSL_get_shared_sigalgs`` as Node's ``getSharedSigalgs`` reports it
    (``RSA-PSS+SHA256``, ``ECDSA+SHA384``, ``Ed25519+UNDEF`` ...), in OpenSSL's order."""
    ssl = _s(conn._ssl)
    null = _sffi.NULL
    count = int(_slib.SSL_get_shared_sigalgs(ssl, 0, null, null, null, null, null))
    sign, hash_ = _sffi.new("int *"), _sffi.new("int *")
    names = []
    for i in range(count):
        _slib.SSL_get_shared_sigalgs(ssl, i, sign, hash_, null, null, null)
        sig_name = _SIG_TYPE_NAMES.get(sign[0]) or _nid_name(sign[0]) or "UNDEF"
        names.append(f"{sig_name}+{_nid_name(hash_[0]) or 'UNDEF'}")
    return names


class TraceBIO:
    """Shared backend: ``SSL_trace`` text for one connection's messages (a memory BIO
    holds what one call prints until :meth:`text` takes it)."""

    __slots__ = ("_bio",)

    def __init__(self) -> None:
        bio = _slib.BIO_new(_slib.BIO_s_mem())
        if bio == _sffi.NULL:
            raise MemoryError("BIO_new failed")
        self._bio = _sffi.gc(bio, _slib.BIO_free)

    def text(self, conn: SSL.Connection, sent: bool, version: int, content_type: int,
             data: bytes) -> str:
        """What ``SSL_trace`` prints for one message-callback event on ``conn``."""
        bio = self._bio
        _slib.ERR_set_mark()
        try:
            _slib.SSL_trace(int(sent), version, content_type, data, len(data), _s(conn._ssl),
                            bio)
            ptr = _sffi.new("char **")
            size = int(_slib.BIO_ctrl(bio, _BIO_CTRL_INFO, 0, ptr))
            out = _sffi.buffer(ptr[0], size)[:] if size > 0 else b""
            _slib.BIO_ctrl(bio, _BIO_CTRL_RESET, 0, _sffi.NULL)
        finally:
            _slib.ERR_pop_to_mark()
        return out.decode("latin-1")


def use_certificate_chain_native(ctx: SSL.Context, pem: bytes) -> None:
    """Shared backend: :func:`use_certificate_chain` the way Node loads a ``cert`` (see the
    section comment); the intermediates become the chain of the leaf's slot."""
    clear_errors()
    src = _sffi.from_buffer(pem)
    bio = _sffi.gc(_slib.BIO_new_mem_buf(src, len(pem)), _slib.BIO_free)
    null = _sffi.NULL
    leaf = _slib.PEM_read_bio_X509_AUX(bio, null, null, null)
    _check(leaf != null)
    leaf = _sffi.gc(leaf, _slib.X509_free)
    extra = []
    while (cert := _slib.PEM_read_bio_X509(bio, null, null, null)) != null:
        extra.append(_sffi.gc(cert, _slib.X509_free))
    last = int(_slib.ERR_peek_last_error())
    # ERR_GET_LIB / ERR_GET_REASON of OpenSSL 3's packed code: the end of the PEM text
    _check((last >> 23) & 0xFF == _ERR_LIB_PEM and last & 0x7FFFFF == _PEM_R_NO_START_LINE)
    clear_errors()
    raw = _s(ctx._context)
    _check(_slib.SSL_CTX_use_certificate(raw, leaf) == 1)
    _slib.SSL_CTX_ctrl(raw, _SSL_CTRL_CHAIN, 0, null)  # the slot's chain: these only
    for cert in extra:
        _check(_slib.SSL_CTX_ctrl(raw, _SSL_CTRL_CHAIN_CERT, 1, cert) == 1)  # add1: up-ref
    clear_errors()
# -- shared backend only: engines (privateKeyEngine / privateKeyIdentifier / clientCertEngine) --
#
# OpenSSL 3's ENGINE API lives in the shared libcrypto beside the libssl opened above (dlsym
# on that handle searches its dependencies too); the wheels' OpenSSL 4 has no ENGINE API at
# all.  What Node 20's SecureContext does, step for step:
#
# * LoadEngineById: ENGINE_by_id(id) (which itself tries <ENGINESDIR>/<id>.so, e.g. Debian's
#   libengine-pkcs11-openssl for "pkcs11"), else the "dynamic" engine with SO_PATH=id, LOAD.
#   On failure Node raises the queued errors as one Error with no code: the oldest entry is
#   the message, the others (newest first) are opensslErrorStack; with nothing queued the
#   message is 'Engine "<id>" was not found'.
# * setEngineKey: ENGINE_init ("Failure to initialize engine", ERR_CRYPTO_OPERATION_FAILED),
#   ENGINE_load_private_key(engine, identifier, NULL, NULL), SSL_CTX_use_PrivateKey.
# * setClientCertEngine: SSL_CTX_set_client_cert_engine (OpenSSL takes its own reference, and
#   refuses engines without an SSL client-certificate loader: SSL_R_NO_CLIENT_CERT_METHOD).
#
# An engine a key was loaded from keeps one functional reference for the life of the process
# (one per engine id): its keys may outlive any one context in SSL objects still open, and
# finishing an engine such as pkcs11 closes the token session those keys sign with.

_ENGINE_CDEF = """
void *ENGINE_by_id(const char *);
int ENGINE_ctrl_cmd_string(void *, const char *, const char *, int);
int ENGINE_init(void *);
int ENGINE_finish(void *);
int ENGINE_free(void *);
void *ENGINE_load_private_key(void *, const char *, void *, void *);
int SSL_CTX_set_client_cert_engine(void *, void *);
"""

_ENGINES: dict[str, Any] = {}
_ENGINES_LOCK = threading.Lock()


def _engine_api() -> bool:
    if _sffi is None:
        return False
    try:
        _sffi.cdef(_ENGINE_CDEF)
        _slib.ENGINE_by_id  # noqa: B018 - absent from an OpenSSL built with no-engine
        _slib.SSL_CTX_set_client_cert_engine  # noqa: B018
    except Exception:  # noqa: BLE001 - no ENGINE API: Node's "not supported" error
        return False
    return True


ENGINES_SUPPORTED: bool = _engine_api()
"""Whether the OpenSSL in use has the ENGINE API (the shared backend on OpenSSL 3 builds
with engines; never the bundled OpenSSL 4).  Node only defines ``setEngineKey`` and
``setClientCertEngine`` on such builds."""


def _engine_load_error(engine_id: str) -> SSLError:
    """Node's CryptoErrorStore::ToException for a failed LoadEngineById."""
    queue = [format_error(e) for e in error_queue()]
    if not queue:
        return SSLError(f'Engine "{engine_id}" was not found', None, library=None,
                        reason=None)
    return SSLError(queue[0], None, library=None, reason=None,
                    opensslErrorStack=queue[:0:-1])


def _load_engine(engine_id: str) -> Any:
    """Node's LoadEngineById: a structural reference to the engine, or its error."""
    clear_errors()
    name = engine_id.encode("utf-8")
    engine = _slib.ENGINE_by_id(name)
    if engine == _sffi.NULL:
        engine = _slib.ENGINE_by_id(b"dynamic")
        if engine != _sffi.NULL and (
                not _slib.ENGINE_ctrl_cmd_string(engine, b"SO_PATH", name, 0)
                or not _slib.ENGINE_ctrl_cmd_string(engine, b"LOAD", _sffi.NULL, 0)):
            _slib.ENGINE_free(engine)
            engine = _sffi.NULL
    if engine == _sffi.NULL:
        raise _engine_load_error(engine_id)
    clear_errors()  # the attempts that failed before one succeeded are not errors
    return engine


def _initialised_engine(engine_id: str) -> Any:
    """The engine ``engine_id``, loaded and ENGINE_init'ed once per process (see above)."""
    with _ENGINES_LOCK:
        engine = _ENGINES.get(engine_id)
        if engine is not None:
            return engine
        engine = _load_engine(engine_id)
        if not _slib.ENGINE_init(engine):
            _slib.ENGINE_free(engine)
            clear_errors()
            raise NodeError("Failure to initialize engine", "ERR_CRYPTO_OPERATION_FAILED")
        _ENGINES[engine_id] = engine
        return engine


def engine_private_key(engine_id: str, identifier: str) -> crypto.PKey:
    """``ENGINE_load_private_key(engine, identifier)``: the key stays in the engine (a
    pkcs11 token signs with it); the returned PKey only refers to it.  Node's errors: the
    engine's (see :func:`_load_engine`), ``ERR_CRYPTO_OPERATION_FAILED`` "Failure to
    initialize engine", then OpenSSL's first queued error, or a bare
    ``ENGINE_load_private_key`` Error when the engine queued none."""
    engine = _initialised_engine(engine_id)
    clear_errors()
    evp = _slib.ENGINE_load_private_key(engine, identifier.encode("utf-8"),
                                        _sffi.NULL, _sffi.NULL)
    if evp == _sffi.NULL:
        queue = error_queue()
        if not queue:
            raise SSLError("ENGINE_load_private_key", None)
        raise ssl_error_from_queue(queue)
    # The same libcrypto: the EVP_PKEY is the binding's type too.
    pkey = crypto.PKey.__new__(crypto.PKey)
    pkey._pkey = _ffi.gc(_ffi.cast("EVP_PKEY *", int(_sffi.cast("uintptr_t", evp))),
                         _lib.EVP_PKEY_free)
    return pkey


def set_client_cert_engine(ctx: SSL.Context, engine_id: str) -> None:
    """``SSL_CTX_set_client_cert_engine``: a client made from ``ctx`` asks the engine for
    its certificate and key when a server requests one.  OpenSSL's first queued error when
    it refuses the engine (``ERR_SSL_NO_CLIENT_CERT_METHOD`` for one without that loader,
    such as pkcs11)."""
    engine = _load_engine(engine_id)
    try:
        clear_errors()
        if not _slib.SSL_CTX_set_client_cert_engine(_s(ctx._context), engine):
            raise ssl_error_from_queue()
    finally:
        _slib.ENGINE_free(engine)  # the context holds its own reference
# -- shared backend only: NPN (nodessl.legacy's NPNProtocols / npnProtocol) ------------------
#
# Next Protocol Negotiation, the TLS <= 1.2 extension of Node 0.x-10.  OpenSSL reads the two
# callbacks from the SSL's SSL_CTX when it needs them (s->ctx, so after an SNI switch the new
# context's), and has no per-SSL setters: :func:`install_npn` puts them on the connection's
# current SSL_CTX (setting a pointer again is harmless, so it is called at every configure and
# context switch), and each callback asks the socket that owns the SSL.
#
# Server: ``owner._hook_npn_advertise() -> bytes | None``, the wire-format list to advertise;
# an owner without the hook (or None) sends no NPN extension (SSL_TLSEXT_ERR_NOACK).  The
# protocol the client chose is read after the handshake with :func:`npn_negotiated`.  OpenSSL
# itself skips NPN when ALPN was agreed on (ALPN wins).
# Client: the ClientHello carries the (empty) NPN extension whenever the context has a select
# callback, and once the server advertised, the callback must pick something or the handshake
# fails.  ``owner._hook_npn_select(advertised) -> bytes`` picks (see :func:`select_next_proto`);
# an owner without the hook answers "http/1.1", as Node <= 10 did for a client with no
# NPNProtocols (a client sharing a context with an NPN client).

_NPN_CDEF = """
void SSL_CTX_set_next_protos_advertised_cb(void *, int (*)(void *, const unsigned char **,
    unsigned int *, void *), void *);
void SSL_CTX_set_next_proto_select_cb(void *, int (*)(void *, unsigned char **,
    unsigned char *, const unsigned char *, unsigned int, void *), void *);
void SSL_get0_next_proto_negotiated(const void *, const unsigned char **, unsigned int *);
int SSL_select_next_proto(unsigned char **, unsigned char *, const unsigned char *,
    unsigned int, const unsigned char *, unsigned int);
"""
# tls1.h / ssl.h
_SSL_TLSEXT_ERR_OK = 0
_SSL_TLSEXT_ERR_NOACK = 3
OPENSSL_NPN_NEGOTIATED = 1
OPENSSL_NPN_NO_OVERLAP = 2
_SSL_CTRL_SET_MAX_PROTO_VERSION = 124
_SSL_CTRL_GET_MIN_PROTO_VERSION = 130
_SSL_CTRL_GET_MAX_PROTO_VERSION = 131
_NPN_OLD_NODE_DEFAULT = b"http/1.1"

# The C buffers handed to OpenSSL must outlive the callback's return: one per owner, replaced
# by its next answer (weak keys, so they go with the socket).
_npn_buffers: Any = None


def _npn_keep(owner: Any, data: bytes) -> Any:
    buf = _sffi.new("unsigned char[]", data or b"\0")
    _npn_buffers[owner] = buf
    return buf


def _npn_advertise_cb_impl(ssl: Any, out: Any, outlen: Any, _arg: Any) -> int:
    owner = _owner_of(_binding_ssl(ssl))
    hook = getattr(owner, "_hook_npn_advertise", None)
    if hook is None:
        return _SSL_TLSEXT_ERR_NOACK
    try:
        wire = hook()
        if wire is None:
            return _SSL_TLSEXT_ERR_NOACK
        out[0] = _npn_keep(owner, wire)
        outlen[0] = len(wire)
        return _SSL_TLSEXT_ERR_OK
    except BaseException as exc:  # noqa: BLE001 - must not unwind through OpenSSL
        _store_error(owner, exc)
        return _SSL_TLSEXT_ERR_NOACK


def _npn_select_cb_impl(ssl: Any, out: Any, outlen: Any, in_: Any, inlen: int,
                        _arg: Any) -> int:
    owner = _owner_of(_binding_ssl(ssl))
    hook = getattr(owner, "_hook_npn_select", None)
    try:
        chosen = (hook(_sffi.buffer(in_, inlen)[:]) if hook is not None
                  else _NPN_OLD_NODE_DEFAULT)
        if not chosen or len(chosen) > 255:
            raise ValueError(f"NPN selection must be 1 to 255 bytes, not {len(chosen)}")
        # OpenSSL copies the choice as soon as the callback returns
        out[0] = _npn_keep(owner, chosen) if owner is not None else _NPN_DEFAULT_BUF
        outlen[0] = len(chosen)
        return _SSL_TLSEXT_ERR_OK
    except BaseException as exc:  # noqa: BLE001 - must not unwind through OpenSSL
        _store_error(owner, exc)
        return 1  # anything but OK: OpenSSL ends the handshake (handshake_failure)


if _sffi is not None:
    import weakref as _weakref

    _sffi.cdef(_NPN_CDEF)
    _npn_buffers = _weakref.WeakKeyDictionary()
    _NPN_DEFAULT_BUF = _sffi.new("unsigned char[]", _NPN_OLD_NODE_DEFAULT)
    _npn_advertise_cb = _sffi.callback(
        "int(void *, const unsigned char **, unsigned int *, void *)", _npn_advertise_cb_impl)
    _npn_select_cb = _sffi.callback(
        "int(void *, unsigned char **, unsigned char *, const unsigned char *, unsigned int, "
        "void *)", _npn_select_cb_impl)


def install_npn(conn: SSL.Connection, *, server: bool) -> None:
    """Shared backend: the NPN callback of ``server``'s side (see above) on the SSL_CTX
    ``conn`` uses now."""
    raw = _slib.SSL_get_SSL_CTX(_s(conn._ssl))
    if server:
        _slib.SSL_CTX_set_next_protos_advertised_cb(raw, _npn_advertise_cb, _sffi.NULL)
    else:
        _slib.SSL_CTX_set_next_proto_select_cb(raw, _npn_select_cb, _sffi.NULL)


def select_next_proto(advertised: bytes, preferred: bytes) -> tuple[int, bytes]:
    """OpenSSL's ``SSL_select_next_proto`` over two wire-format lists: ``(status, chosen)``,
    the first of the server's ``advertised`` protocols the client also has in ``preferred``
    (OPENSSL_NPN_NEGOTIATED), else the client's first (OPENSSL_NPN_NO_OVERLAP)."""
    out = _sffi.new("unsigned char **")
    outlen = _sffi.new("unsigned char *")
    server = _sffi.new("unsigned char[]", advertised or b"\0")
    client = _sffi.new("unsigned char[]", preferred or b"\0")
    status = _slib.SSL_select_next_proto(out, outlen, server, len(advertised),
                                         client, len(preferred))
    chosen = _sffi.buffer(out[0], outlen[0])[:] if out[0] != _sffi.NULL else b""
    return status, chosen


def npn_negotiated(conn: SSL.Connection) -> bytes | None:
    """Shared backend: the protocol NPN agreed on for ``conn`` (None when none was)."""
    data = _sffi.new("const unsigned char **")
    length = _sffi.new("unsigned int *")
    _slib.SSL_get0_next_proto_negotiated(_s(conn._ssl), data, length)
    if data[0] == _sffi.NULL or not length[0]:
        return None
    result: bytes | None = _sffi.buffer(data[0], length[0])[:]
    return result


def limit_max_proto_version(conn: SSL.Connection, version: int) -> bool:
    """Shared backend: lower ``conn``'s highest protocol version to ``version`` when it allows
    more and its lowest is not above it (never raises it); whether it was lowered."""
    ssl = _s(conn._ssl)
    highest = _slib.SSL_ctrl(ssl, _SSL_CTRL_GET_MAX_PROTO_VERSION, 0, _sffi.NULL)
    lowest = _slib.SSL_ctrl(ssl, _SSL_CTRL_GET_MIN_PROTO_VERSION, 0, _sffi.NULL)
    if (highest and highest <= version) or lowest > version:
        return False
    result: bool = _slib.SSL_ctrl(ssl, _SSL_CTRL_SET_MAX_PROTO_VERSION, version, _sffi.NULL) == 1
    return result
