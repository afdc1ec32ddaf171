"""nodessl.der: the one DER reader behind certificates, sessions and context inspection."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from nodessl import der

KEYS = Path(__file__).parent.parent / "fixtures" / "keys"


def test_short_and_long_lengths() -> None:
    assert der.read_tlv(b"\x04\x02ab") == (0x04, 2, 4)
    body = b"x" * 300
    data = b"\x30\x82\x01\x2c" + body
    assert der.read_tlv(data) == (0x30, 4, 304)
    # An element inside a larger buffer is bounded by `end`, not by the buffer.
    assert der.read_tlv(b"\x00\x00\x04\x01z\xff", 2) == (0x04, 4, 5)


@pytest.mark.parametrize(("data", "reason"), [
    (b"\x30", "truncated"),
    (b"\x30\x80\x00\x00", "bad length"),            # indefinite length is BER
    (b"\x30\x85\x00\x00\x00\x00\x01\x00", "bad length"),  # more than 4 length octets
    (b"\x30\x82\x01", "bad length"),                 # length octets cut short
    (b"\x30\x03ab", "overrun"),
])
def test_malformed_headers(data: bytes, reason: str) -> None:
    with pytest.raises(der.DERError, match=reason) as info:
        der.read_tlv(data)
    assert isinstance(info.value, ValueError)


def test_high_tags_are_refused_only_on_request() -> None:
    data = b"\x1f\x01\x00"
    assert der.read_tlv(data)[0] == 0x1F
    with pytest.raises(der.DERError, match="high tag number"):
        der.read_tlv(data, high_tags=False)


def test_iteration_and_single() -> None:
    seq = b"\x30\x06\x02\x01\x05\x04\x01a"
    _tag, start, end = der.read_tlv(seq)
    assert [t for t, _s, _e in der.iter_tlvs(seq, start, end)] == [0x02, 0x04]
    assert der.single_tlv(b"\x04\x01a", 0x04) == (0x04, 2, 3)
    for bad in (b"\x04\x01ab", b"\x02\x01a"):
        with pytest.raises(der.DERError, match="unexpected encoding"):
            der.single_tlv(bad, 0x04)


def test_walks_a_real_certificate() -> None:
    cert = x509.load_pem_x509_certificate((KEYS / "agent1-cert.pem").read_bytes())
    data = cert.public_bytes(serialization.Encoding.DER)
    tag, start, end = der.read_tlv(data)
    assert (tag, end) == (0x30, len(data))
    # Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
    parts = list(der.iter_tlvs(data, start, end))
    assert [t for t, _s, _e in parts] == [0x30, 0x30, 0x03]
    assert data[parts[2][1] + 1:parts[2][2]] == cert.signature
