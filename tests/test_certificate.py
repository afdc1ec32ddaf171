"""Certificate objects, checked against Node 20 itself.

Every comparison test feeds the same input to Node (one batched ``node -e``
per group) and to ``nodessl.certificate`` and asserts equality, so the suite
proves agreement with Node rather than with our reading of its source.  A
handful of literal expectations follow so regressions still fail on a machine
without ``node`` (where the Node comparisons skip; with ``CI`` set they fail).
"""

from __future__ import annotations

import datetime
import functools
import ipaddress
import json
from collections.abc import Callable
from typing import Any

import pytest
import trustme
from conftest import run_node
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import (
    AuthorityInformationAccessOID,
    ExtendedKeyUsageOID,
    ExtensionOID,
    NameOID,
)

from nodessl import checkServerIdentity
from nodessl.certificate import (
    certificate_object,
    identity_fields,
    peer_certificate_object,
    translatePeerCertificate,
)

# ---------------------------------------------------------------------------
# Running Node
# ---------------------------------------------------------------------------


# Buffers arrive as {type:'Buffer', data:[...]} after toJSON; send them as hex.
_JS_HEX_REPLACER = """
const hex = (k, v) =>
  (v && v.type === 'Buffer' && Array.isArray(v.data)) ? Buffer.from(v.data).toString('hex') : v;
"""

_NODE_LEGACY_OBJECTS = (
    _JS_HEX_REPLACER
    + """
const { X509Certificate } = require('crypto');
const pems = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = {};
for (const [name, pem] of Object.entries(pems)) {
  out[name] = JSON.parse(JSON.stringify(new X509Certificate(pem).toLegacyObject(), hex));
}
process.stdout.write(JSON.stringify(out));
"""
)


def jsonable(obj: dict[str, Any]) -> Any:
    """Our object as Node's JSON would show it (bytes as hex, no issuerCertificate)."""
    plain = {k: v for k, v in obj.items() if k != "issuerCertificate"}
    return json.loads(json.dumps(plain, default=lambda b: b.hex()))


# ---------------------------------------------------------------------------
# Certificates under test
# ---------------------------------------------------------------------------

NOT_BEFORE = datetime.datetime(2020, 1, 1)
NOT_AFTER = datetime.datetime(2049, 12, 31, 23, 59, 59)


def _tlv(tag: int, content: bytes) -> bytes:
    """DER element, for extensions cryptography would refuse to build."""
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + content


def _attr(oid_hex: str, value: bytes) -> bytes:
    return _tlv(0x30, _tlv(0x06, bytes.fromhex(oid_hex)) + value)


def _raw_san(*names: bytes) -> x509.UnrecognizedExtension:
    return x509.UnrecognizedExtension(
        ExtensionOID.SUBJECT_ALTERNATIVE_NAME, _tlv(0x30, b"".join(names))
    )


def _build(
    key: Any,
    subject: x509.Name | None = None,
    exts: tuple[tuple[x509.ExtensionType, bool], ...] = (),
    *,
    serial: int = 0x0ABC,
    not_before: datetime.datetime = NOT_BEFORE,
    not_after: datetime.datetime = NOT_AFTER,
) -> x509.Certificate:
    """A self-signed certificate."""
    subject = (
        subject
        if subject is not None
        else x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "t")])
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
    )
    for ext, critical in exts:
        builder = builder.add_extension(ext, critical)
    algorithm = None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    return builder.sign(key, algorithm)


@functools.cache
def _rsa_key(exponent: int = 65537) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(exponent, 2048)


@functools.cache
def _trustme() -> dict[str, Any]:
    root = trustme.CA(key_type=trustme.KeyType.RSA, organization_unit_name="Docs")
    inter = root.create_child_ca(key_type=trustme.KeyType.ECDSA)
    leaf = inter.issue_cert(
        "localhost",
        "127.0.0.1",
        "::1",
        "ry@tinyclouds.org",
        "10.0.0.0/8",
        "*.example.org",
        "éxamplë.org",
        organization_unit_name="Docs",
    )
    direct = root.issue_cert("direct.example", key_type=trustme.KeyType.RSA)
    return {"root": root, "inter": inter, "leaf": leaf, "direct": direct}


def _load(pem: bytes) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem)


def _full_cert() -> x509.Certificate:
    """RSA, UTF-8 subject, multi-valued OU, every SAN type cryptography builds, AIA, EKU, CA."""
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "HU"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Pest"),
            x509.NameAttribute(NameOID.LOCALITY_NAME, "Budapest"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Node Fans"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Domain Control Validated"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "PositiveSSL Wildcard"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Ádám Lippai"),
            x509.NameAttribute(NameOID.EMAIL_ADDRESS, "ry@tinyclouds.org"),
            x509.NameAttribute(NameOID.DOMAIN_COMPONENT, "org"),
            x509.NameAttribute(x509.ObjectIdentifier("1.2.3.4.5"), "private attribute"),
        ]
    )
    san = x509.SubjectAlternativeName(
        [
            x509.DNSName("localhost"),
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
            x509.IPAddress(ipaddress.ip_address("2001:db8::1")),
            x509.RFC822Name("a@b.c"),
            x509.UniformResourceIdentifier("http://x/"),
            x509.UniformResourceIdentifier("http://x/a,b"),
            x509.DirectoryName(
                x509.Name(
                    [
                        x509.NameAttribute(NameOID.COMMON_NAME, "x,y"),
                        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "O"),
                    ]
                )
            ),
            x509.RegisteredID(x509.ObjectIdentifier("1.2.3")),
            x509.OtherName(x509.ObjectIdentifier("1.3.6.1.4.1.311.20.2.3"), b"\x0c\x03a@b"),
        ]
    )
    aia = x509.AuthorityInformationAccess(
        [
            x509.AccessDescription(
                AuthorityInformationAccessOID.OCSP,
                x509.UniformResourceIdentifier("http://ocsp.nodejs.org/"),
            ),
            x509.AccessDescription(
                AuthorityInformationAccessOID.CA_ISSUERS,
                x509.UniformResourceIdentifier("http://ca.nodejs.org/ca.cert"),
            ),
            x509.AccessDescription(
                AuthorityInformationAccessOID.OCSP,
                x509.UniformResourceIdentifier("http://ocsp2.nodejs.org/"),
            ),
        ]
    )
    eku = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH])
    bc = x509.BasicConstraints(ca=True, path_length=None)
    return _build(_rsa_key(), subject, ((san, False), (aia, False), (eku, False), (bc, True)))


def _hostile_san_cert() -> x509.Certificate:
    """Names that need Node's JSON quoting, and the GeneralName kinds it cannot print."""
    dirname = _tlv(
        0x30,
        _tlv(
            0x31,
            _attr("550403", _tlv(0x0C, "#a b ,ü".encode())) + _attr("55040a", _tlv(0x13, b" lead")),
        )
        + _tlv(0x31, _attr("2a0304", _tlv(0x0C, b"unknown oid")))
        + _tlv(0x31, _attr("550403", _tlv(0x1E, "bmpé".encode("utf-16-be"))))
        + _tlv(0x31, _attr("550403", _tlv(0x0C, b"#")))
        + _tlv(0x31, _attr("550403", _tlv(0x0C, b"a\x01b\x7f \\")))
        + _tlv(0x31, _attr("550403", _tlv(0x03, b"\x00\x01"))),
    )
    san = _raw_san(
        _tlv(0x82, b"google.com\x00.evil.com"),
        _tlv(0x82, b"caf\xe9.com"),
        _tlv(0x82, b"a'b"),
        _tlv(0x82, b'a"b\\c'),
        _tlv(0x81, b"x\x7fy"),
        _tlv(0x86, b"http://a,b/"),
        _tlv(0x87, b"\x01\x02\x03"),
        _tlv(0xA3, _tlv(0x30, b"")),
        _tlv(0xA5, _tlv(0xA1, _tlv(0x0C, b"x"))),
        _tlv(
            0xA0, _tlv(0x06, bytes.fromhex("2b06010505070807")) + _tlv(0xA0, _tlv(0x16, b"_sip.x"))
        ),
        _tlv(
            0xA0,
            _tlv(0x06, bytes.fromhex("2b06010505070805")) + _tlv(0xA0, _tlv(0x0C, "jö,x".encode())),
        ),
        _tlv(0xA0, _tlv(0x06, bytes.fromhex("2b06010505070805")) + _tlv(0xA0, _tlv(0x16, b"x"))),
        _tlv(0xA0, _tlv(0x06, bytes.fromhex("2a03")) + _tlv(0xA0, _tlv(0x0C, b"x"))),
        _tlv(0xA4, dirname),
        _tlv(0x88, bytes.fromhex("2a0304")),
    )
    return _build(_rsa_key(), exts=((san, False),))


def _string_types_cert() -> x509.Certificate:
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "bmpé", _type=_ASN1Type.BMPString),
            x509.NameAttribute(
                NameOID.ORGANIZATION_NAME, "univé\U0001f600", _type=_ASN1Type.UniversalString
            ),
            x509.NameAttribute(NameOID.LOCALITY_NAME, "ia5", _type=_ASN1Type.IA5String),
            # cryptography writes UTF-8 bytes; OpenSSL reads T61String as Latin-1.
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "t61é", _type=_ASN1Type.T61String),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, "1234", _type=_ASN1Type.NumericString),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "a\x00b"),
        ]
    )
    return _build(_rsa_key(), subject)


def _multi_valued_rdn_cert() -> x509.Certificate:
    subject = x509.Name(
        [
            x509.RelativeDistinguishedName(
                [
                    x509.NameAttribute(NameOID.COMMON_NAME, "a"),
                    x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "u1"),
                ]
            ),
            x509.RelativeDistinguishedName(
                [x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "u2")]
            ),
        ]
    )
    return _build(_rsa_key(), subject)


def _ext(oid: x509.ObjectIdentifier, value: bytes) -> tuple[x509.ExtensionType, bool]:
    return x509.UnrecognizedExtension(oid, value), False


def _odd_aia_cert() -> x509.Certificate:
    aia = x509.AuthorityInformationAccess(
        [
            x509.AccessDescription(
                x509.ObjectIdentifier("1.3.6.1.5.5.7.48.5"),
                x509.UniformResourceIdentifier("http://r/"),
            ),
            x509.AccessDescription(
                x509.ObjectIdentifier("1.2.3.4"), x509.UniformResourceIdentifier('http://x/,y"z')
            ),
            x509.AccessDescription(
                AuthorityInformationAccessOID.CA_ISSUERS,
                x509.DirectoryName(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "dn,x")])),
            ),
            x509.AccessDescription(
                AuthorityInformationAccessOID.OCSP, x509.IPAddress(ipaddress.ip_address("::1"))
            ),
        ]
    )
    return _build(_rsa_key(), exts=((aia, False),))


def _key_usage(cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(True, False, False, False, False, cert_sign, cert_sign, False, False)


CERT_BUILDERS: dict[str, Callable[[], x509.Certificate]] = {
    "full_rsa": _full_cert,
    "hostile_san": _hostile_san_cert,
    "string_types": _string_types_cert,
    "multi_valued_rdn": _multi_valued_rdn_cert,
    "odd_aia": _odd_aia_cert,
    "empty_subject": lambda: _build(_rsa_key(), x509.Name([])),
    "rsa_exponent_3": lambda: _build(_rsa_key(3), serial=1),
    "big_serial_old_dates": lambda: _build(
        _rsa_key(),
        serial=0x80 << 150,
        not_before=datetime.datetime(1999, 3, 9, 1, 2, 3),
        not_after=datetime.datetime(2051, 11, 5, 4, 5, 6),
    ),
    "ec_p256": lambda: _build(ec.generate_private_key(ec.SECP256R1())),
    "ec_p384": lambda: _build(ec.generate_private_key(ec.SECP384R1())),
    "ec_p521": lambda: _build(ec.generate_private_key(ec.SECP521R1())),
    "ec_secp256k1": lambda: _build(ec.generate_private_key(ec.SECP256K1())),
    "ec_brainpool": lambda: _build(ec.generate_private_key(ec.BrainpoolP256R1())),
    "ed25519": lambda: _build(ed25519.Ed25519PrivateKey.generate()),
    "dsa": lambda: _build(dsa.generate_private_key(2048)),
    "ca_with_certsign": lambda: _build(
        _rsa_key(),
        exts=((x509.BasicConstraints(True, 0), True), (_key_usage(True), True)),
    ),
    "ca_without_certsign": lambda: _build(
        _rsa_key(),
        exts=((x509.BasicConstraints(True, None), True), (_key_usage(False), True)),
    ),
    "not_ca": lambda: _build(_rsa_key(), exts=((x509.BasicConstraints(False, None), True),)),
    "undecodable_san": lambda: _build(
        _rsa_key(), exts=(_ext(ExtensionOID.SUBJECT_ALTERNATIVE_NAME, b"\x30\x05\x82\x09ab"),)
    ),
    "bad_edi_party_san": lambda: _build(
        _rsa_key(), exts=((_raw_san(_tlv(0xA5, _tlv(0x81, _tlv(0x0C, b"x")))), False),)
    ),
    "empty_aia": lambda: _build(
        _rsa_key(), exts=(_ext(ExtensionOID.AUTHORITY_INFORMATION_ACCESS, b"\x30\x00"),)
    ),
    "empty_eku": lambda: _build(
        _rsa_key(), exts=(_ext(ExtensionOID.EXTENDED_KEY_USAGE, b"\x30\x00"),)
    ),
    "trustme_root": lambda: _load(_trustme()["root"].cert_pem.bytes()),
    "trustme_intermediate": lambda: _load(_trustme()["inter"].cert_pem.bytes()),
    "trustme_leaf": lambda: _load(_trustme()["leaf"].cert_chain_pems[0].bytes()),
}


@functools.cache
def cert(name: str) -> x509.Certificate:
    return CERT_BUILDERS[name]()


def pem(c: x509.Certificate) -> str:
    return c.public_bytes(serialization.Encoding.PEM).decode("ascii")


@pytest.fixture(scope="module")
def node_objects() -> dict[str, Any]:
    """Node's toLegacyObject() for every certificate, from one node process."""
    return run_node(_NODE_LEGACY_OBJECTS, {name: pem(cert(name)) for name in CERT_BUILDERS})


# ---------------------------------------------------------------------------
# certificate_object vs Node
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CERT_BUILDERS))
def test_identity_fields_are_the_objects_members(name: str) -> None:
    # what tls.connect's default host-name check reads, without the rest of the object
    c = cert(name)
    full = certificate_object(c)
    expected = {k: full[k] for k in ("subject", "subjectaltname") if k in full}
    assert identity_fields(c.public_bytes(serialization.Encoding.DER)) == expected


@pytest.mark.parametrize("name", list(CERT_BUILDERS))
def test_certificate_object_matches_node(name: str, node_objects: dict[str, Any]) -> None:
    ours = jsonable(certificate_object(cert(name)))
    theirs = node_objects[name]
    for key in set(ours) | set(theirs):
        assert ours.get(key) == theirs.get(key), key
    assert list(ours) == list(theirs)
    for key in ("subject", "issuer", "infoAccess"):
        if isinstance(theirs.get(key), dict):
            assert list(ours[key]) == list(theirs[key]), key


def test_certificate_object_literal_rsa_fields() -> None:
    c = cert("full_rsa")
    obj = certificate_object(c)
    assert list(obj) == [
        "subject",
        "issuer",
        "subjectaltname",
        "infoAccess",
        "ca",
        "modulus",
        "bits",
        "exponent",
        "pubkey",
        "valid_from",
        "valid_to",
        "fingerprint",
        "fingerprint256",
        "fingerprint512",
        "ext_key_usage",
        "serialNumber",
        "raw",
    ]
    assert obj["subject"]["CN"] == "Ádám Lippai"
    assert obj["subject"]["OU"] == ["Domain Control Validated", "PositiveSSL Wildcard"]
    assert obj["subject"]["emailAddress"] == "ry@tinyclouds.org"
    assert obj["subject"]["DC"] == "org"
    assert obj["subject"]["1.2.3.4.5"] == "private attribute"
    assert obj["issuer"] == obj["subject"]
    assert obj["subjectaltname"] == (
        "DNS:localhost, IP Address:127.0.0.1, IP Address:2001:DB8:0:0:0:0:0:1, email:a@b.c, "
        'URI:http://x/, URI:"http://x/a\\u002cb", DirName:"O=O\\u002cCN=x\\\\\\u002cy", '
        "Registered ID:1.2.3, othername:UPN:a@b"
    )
    assert obj["infoAccess"] == {
        "OCSP - URI": ["http://ocsp.nodejs.org/", "http://ocsp2.nodejs.org/"],
        "CA Issuers - URI": ["http://ca.nodejs.org/ca.cert"],
    }
    assert obj["ca"] is True
    numbers = c.public_key().public_numbers()
    assert obj["modulus"] == format(numbers.n, "X")
    assert obj["bits"] == 2048
    assert obj["exponent"] == "0x10001"
    assert obj["pubkey"] == c.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert obj["valid_from"] == "Jan  1 00:00:00 2020 GMT"
    assert obj["valid_to"] == "Dec 31 23:59:59 2049 GMT"
    assert len(obj["fingerprint"]) == 59 and obj["fingerprint"] == obj["fingerprint"].upper()
    assert obj["fingerprint"] == c.fingerprint(hashes.SHA1()).hex(":").upper()
    assert obj["fingerprint256"] == c.fingerprint(hashes.SHA256()).hex(":").upper()
    assert len(obj["fingerprint512"]) == 191
    assert obj["ext_key_usage"] == ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]
    assert obj["serialNumber"] == "0ABC"
    assert obj["raw"] == c.public_bytes(serialization.Encoding.DER)


def test_certificate_object_literal_ec_and_formats() -> None:
    obj = certificate_object(cert("ec_p256"))
    assert [
        k for k in obj if k in ("modulus", "exponent", "bits", "pubkey", "asn1Curve", "nistCurve")
    ] == [
        "bits",
        "pubkey",
        "asn1Curve",
        "nistCurve",
    ]
    assert (obj["bits"], obj["asn1Curve"], obj["nistCurve"]) == (256, "prime256v1", "P-256")
    # The EC point, not a SubjectPublicKeyInfo.
    assert len(obj["pubkey"]) == 65 and obj["pubkey"][0] == 4
    assert "subjectaltname" not in obj and "infoAccess" not in obj and "ext_key_usage" not in obj
    k1 = certificate_object(cert("ec_secp256k1"))
    assert k1["asn1Curve"] == "secp256k1" and "nistCurve" not in k1
    assert certificate_object(cert("ec_p521"))["bits"] == 521
    old = certificate_object(cert("big_serial_old_dates"))
    assert old["valid_from"] == "Mar  9 01:02:03 1999 GMT"
    assert old["valid_to"] == "Nov  5 04:05:06 2051 GMT"
    assert old["serialNumber"] == "20" + "0" * 38
    assert certificate_object(cert("rsa_exponent_3"))["exponent"] == "0x3"
    assert certificate_object(cert("rsa_exponent_3"))["serialNumber"] == "01"
    ed = certificate_object(cert("ed25519"))
    assert not {"bits", "pubkey", "modulus", "asn1Curve"} & set(ed)


def test_certificate_object_literal_names_and_flags() -> None:
    hostile = certificate_object(cert("hostile_san"))["subjectaltname"]
    assert hostile.startswith('DNS:"google.com\\u0000.evil.com", DNS:"caf\\u00e9.com", ')
    assert ", IP Address:<invalid length=3>, X400Name:<unsupported>, " in hostile
    assert ', othername:"XmppAddr:jö\\u002cx", othername:<unsupported>, ' in hostile
    assert certificate_object(cert("undecodable_san"))["subjectaltname"] is None
    assert certificate_object(cert("bad_edi_party_san"))["subjectaltname"] is None
    assert certificate_object(cert("empty_aia"))["infoAccess"] == {}
    assert certificate_object(cert("empty_eku"))["ext_key_usage"] == []
    types_subject = certificate_object(cert("string_types"))["subject"]
    assert types_subject["CN"] == "bmpé"
    assert types_subject["O"] == "univé\U0001f600"
    assert types_subject["ST"] == "t61Ã©"
    assert types_subject["OU"] == "a\x00b"
    assert certificate_object(cert("multi_valued_rdn"))["subject"] == {
        "CN": "a",
        "OU": ["u1", "u2"],
    }
    assert certificate_object(cert("empty_subject"))["subject"] == {}
    assert certificate_object(cert("ca_with_certsign"))["ca"] is True
    assert certificate_object(cert("ca_without_certsign"))["ca"] is False
    assert certificate_object(cert("not_ca"))["ca"] is False
    leaf = certificate_object(cert("trustme_leaf"))
    assert leaf["subjectaltname"] == (
        "DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, email:ry@tinyclouds.org, "
        "IP Address:<invalid length=8>, DNS:*.example.org, DNS:xn--xampl-9rat.org"
    )
    assert leaf["ca"] is False
    assert certificate_object(cert("trustme_root"))["ca"] is True


# ---------------------------------------------------------------------------
# peer_certificate_object (issuerCertificate) vs a real Node TLS client
# ---------------------------------------------------------------------------

_NODE_PEER_CHAINS = (
    _JS_HEX_REPLACER
    + """
const tls = require('tls');
const scenarios = JSON.parse(require('fs').readFileSync(0, 'utf8'));
function flatten(cert) {
  const chain = [];
  let cur = cert;
  let end = 'none';
  for (;;) {
    const { issuerCertificate, ...rest } = cur;
    chain.push(JSON.parse(JSON.stringify(rest, hex)));
    if (!('issuerCertificate' in cur)) break;
    if (issuerCertificate === cur) { end = 'self'; break; }
    if (chain.length > 10) { end = 'runaway'; break; }
    cur = issuerCertificate;
  }
  return { chain, end };
}
function run(s) {
  return new Promise((resolve, reject) => {
    const server = tls.createServer({ key: s.key, cert: s.cert }, (sock) => sock.end());
    server.listen(0, '127.0.0.1', () => {
      const opts = { port: server.address().port, host: '127.0.0.1', rejectUnauthorized: false };
      if (s.ca) opts.ca = s.ca;
      const client = tls.connect(opts, () => {
        const result = {
          detailed: flatten(client.getPeerCertificate(true)),
          brief: flatten(client.getPeerCertificate()),
        };
        client.destroy();
        server.close();
        resolve(result);
      });
      client.on('error', reject);
    });
  });
}
(async () => {
  const out = {};
  for (const [name, s] of Object.entries(scenarios)) out[name] = await run(s);
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
"""
)


def _flatten(obj: dict[str, Any]) -> dict[str, Any]:
    chain = []
    end = "none"
    cur = obj
    while True:
        chain.append(jsonable(cur))
        if "issuerCertificate" not in cur:
            break
        if cur["issuerCertificate"] is cur:
            end = "self"
            break
        if len(chain) > 10:
            end = "runaway"
            break
        cur = cur["issuerCertificate"]
    return {"chain": chain, "end": end}


def _key_pem(key: Any) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


@functools.cache
def _self_signed_server(cert_sign: bool | None) -> tuple[str, x509.Certificate]:
    """A self-signed server cert: no keyUsage, or keyUsage with/without keyCertSign."""
    key = _rsa_key()
    exts: tuple[tuple[x509.ExtensionType, bool], ...] = ()
    if cert_sign is not None:
        exts = ((_key_usage(cert_sign), True),)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"self {cert_sign}")])
    return _key_pem(key), _build(key, subject, exts)


def _chain_scenarios() -> dict[str, tuple[str, list[x509.Certificate], list[x509.Certificate]]]:
    """name -> (server key PEM, chain the server sends, client's CA list)."""
    t = _trustme()
    root = _load(t["root"].cert_pem.bytes())
    inter = _load(t["inter"].cert_pem.bytes())
    leaf = _load(t["leaf"].cert_chain_pems[0].bytes())
    leaf_key = t["leaf"].private_key_pem.bytes().decode("ascii")
    direct = _load(t["direct"].cert_chain_pems[0].bytes())
    direct_key = t["direct"].private_key_pem.bytes().decode("ascii")
    plain_key, plain_self = _self_signed_server(None)
    nosign_key, nosign_self = _self_signed_server(False)
    return {
        "issuer_from_trust_store": (leaf_key, [leaf, inter], [root]),
        "issuer_missing": (leaf_key, [leaf, inter], []),
        "full_chain_sent": (leaf_key, [leaf, inter, root], [root]),
        "chain_out_of_order": (leaf_key, [leaf, root, inter], []),
        "unrelated_extra_cert": (direct_key, [direct, inter], [root]),
        "self_signed": (plain_key, [plain_self], []),
        "self_signed_without_certsign": (nosign_key, [nosign_self], [nosign_self]),
    }


@pytest.fixture(scope="module")
def node_chains() -> dict[str, Any]:
    payload = {
        name: {
            "key": key,
            "cert": "".join(pem(c) for c in chain),
            "ca": [pem(c) for c in ca] or None,
        }
        for name, (key, chain, ca) in _chain_scenarios().items()
    }
    return run_node(_NODE_PEER_CHAINS, payload)


@pytest.mark.parametrize("name", list(_chain_scenarios()))
def test_peer_certificate_object_matches_node(name: str, node_chains: dict[str, Any]) -> None:
    _key, chain, ca = _chain_scenarios()[name]
    detailed = _flatten(peer_certificate_object(chain, True, trusted=ca))
    brief = _flatten(peer_certificate_object(chain, False, trusted=ca))
    assert detailed["end"] == node_chains[name]["detailed"]["end"]
    assert [c["fingerprint256"] for c in detailed["chain"]] == [
        c["fingerprint256"] for c in node_chains[name]["detailed"]["chain"]
    ]
    assert detailed == node_chains[name]["detailed"]
    assert brief == node_chains[name]["brief"]


def test_peer_certificate_object_literal_links() -> None:
    t = _trustme()
    root = _load(t["root"].cert_pem.bytes())
    inter = _load(t["inter"].cert_pem.bytes())
    leaf = _load(t["leaf"].cert_chain_pems[0].bytes())

    brief = peer_certificate_object([leaf, inter, root], False)
    assert "issuerCertificate" not in brief

    full = peer_certificate_object([leaf, inter, root], True)
    assert full["subject"] == certificate_object(leaf)["subject"]
    issuer = full["issuerCertificate"]
    assert issuer["raw"] == inter.public_bytes(serialization.Encoding.DER)
    top = issuer["issuerCertificate"]
    assert top["raw"] == root.public_bytes(serialization.Encoding.DER)
    assert top["ca"] is True
    assert top["issuerCertificate"] is top  # circular, like Node's

    # Node's quirk: an issuer found in the last remaining slot ends the walk,
    # so [leaf, root, inter] links leaf -> inter and stops there.
    shuffled = peer_certificate_object([leaf, root, inter], True)
    assert shuffled["issuerCertificate"]["raw"] == issuer["raw"]
    assert "issuerCertificate" not in shuffled["issuerCertificate"]

    # Without the root in the chain or the store, the chain just stops.
    partial = peer_certificate_object([leaf, inter], True)
    assert "issuerCertificate" not in partial["issuerCertificate"]
    stored = peer_certificate_object([leaf, inter], True, trusted=[root])
    assert stored["issuerCertificate"]["issuerCertificate"]["issuerCertificate"]["ca"] is True

    # A self-signed cert whose keyUsage lacks keyCertSign cannot issue itself:
    # Node fetches it from the store twice, then stops without the cycle.
    _key, nosign = _self_signed_server(False)
    obj = peer_certificate_object([nosign], True, trusted=[nosign])
    assert obj["issuerCertificate"]["issuerCertificate"]["raw"] == obj["raw"]
    assert "issuerCertificate" not in obj["issuerCertificate"]["issuerCertificate"]

    assert peer_certificate_object([], True) == {}


def test_check_server_identity_on_certificate_objects() -> None:
    leaf = certificate_object(cert("trustme_leaf"))
    assert checkServerIdentity("localhost", leaf) is None
    assert checkServerIdentity("127.0.0.1", leaf) is None
    assert checkServerIdentity("::1", leaf) is None
    assert checkServerIdentity("www.example.org", leaf) is None
    assert checkServerIdentity("xn--xampl-9rat.org", leaf) is None
    assert checkServerIdentity("example.org", leaf) is not None
    assert checkServerIdentity("10.0.0.1", leaf) is not None
    hostile = certificate_object(cert("hostile_san"))
    for host in ("google.com", "google.com\x00.evil.com", "evil.com"):
        assert checkServerIdentity(host, hostile) is not None


_NODE_TRANSLATE = r"""
const { translatePeerCertificate } = require('_tls_common');
let data = ''; process.stdin.on('data', (d) => data += d).on('end', () => {
  const out = JSON.parse(data).map((c) => translatePeerCertificate(c));
  // null-prototype objects serialise like plain ones
  console.log(JSON.stringify(out));
});
"""


def test_translate_peer_certificate_matches_node() -> None:
    """``translatePeerCertificate`` (Node's ``_tls_common``) on strings Node's native layer makes."""
    cases: list[Any] = [
        None, 0, 1, "", {}, {"issuer": ""}, {"issuer": None},
        {"subject": "C=US\nO=Org\nOU=a\nOU=b\n=skipped\nnoequals\nCN=x=y"},
        {"issuer": "CN=root", "issuerCertificate": {"subject": "CN=root", "issuer": "CN=root"}},
        {"issuerCertificate": ""},
        {"infoAccess": ""},
        {"infoAccess": 'OCSP - URI:http://ocsp.example\nCA Issuers - URI:http://a\n'
                       'CA Issuers - URI:"http://b\\u002c\\"q\\""\nno colon here\n:empty key'},
    ]
    expected = run_node(_NODE_TRANSLATE, cases)
    assert [translatePeerCertificate(json.loads(json.dumps(c))) for c in cases] == expected
