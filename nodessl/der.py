"""The one DER reader: tag-length-value headers of ASN.1 elements.

Certificates (:mod:`nodessl.certificate`), sessions (:mod:`nodessl.session`) and the odd
structure :mod:`nodessl.context` inspects (DH parameters, a PKCS#12 that failed to load, a
``TRUSTED CERTIFICATE``) are walked with these few functions.

Why not ``cryptography``: its declarative ``cryptography.hazmat.asn1`` (46+) decodes whole,
strictly valid DER into declared classes, while the callers here must walk what OpenSSL
tolerates (names cryptography refuses, trailing trust settings, truncated input whose exact
fault decides Node's message) and run on the older cryptography releases the project supports.

Only what X.509, ``SSL_SESSION`` and PKCS#12 use is decoded: one identifier octet (the
high-tag-number form is not decoded: ``high_tags=False`` refuses it, as certificates never use
it) and definite lengths of at most four length octets.
"""

from __future__ import annotations

from collections.abc import Iterator

__all__ = ["DERError", "iter_tlvs", "read_tlv", "single_tlv"]


class DERError(ValueError):
    """A DER header that is cut short or declares more content than there is."""


def read_tlv(data: bytes, pos: int = 0, end: int | None = None, *, high_tags: bool = True
             ) -> tuple[int, int, int]:
    """``(tag, content_start, content_end)`` of the element at ``pos``.

    ``tag`` is the identifier octet as is (``0x30`` SEQUENCE, ``0xA0`` ``[0]`` constructed,
    ...).  Nothing may lie beyond ``end`` (default: the end of ``data``); raises
    :class:`DERError` ("truncated", "bad length" or "overrun") otherwise, and ("high tag
    number") for an identifier octet announcing the high-tag-number form when ``high_tags``
    is false.
    """
    if end is None:
        end = len(data)
    if pos + 2 > end:
        raise DERError("truncated")
    tag = data[pos]
    if not high_tags and tag & 0x1F == 0x1F:
        raise DERError("high tag number")
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        # Long form.  0x80 (indefinite) is BER, not DER; more than four length octets would
        # mean an element of 4 GiB or more, which nothing here carries.
        count = length & 0x7F
        if count == 0 or count > 4 or pos + count > end:
            raise DERError("bad length")
        length = int.from_bytes(data[pos:pos + count], "big")
        pos += count
    if pos + length > end:
        raise DERError("overrun")
    return tag, pos, pos + length


def iter_tlvs(data: bytes, start: int = 0, end: int | None = None, *, high_tags: bool = True
              ) -> Iterator[tuple[int, int, int]]:
    """The consecutive elements that fill ``data[start:end]``, each as :func:`read_tlv`
    gives it (the contents of a SEQUENCE or SET, when given its content range)."""
    if end is None:
        end = len(data)
    pos = start
    while pos < end:
        tag, content_start, content_end = read_tlv(data, pos, end, high_tags=high_tags)
        yield tag, content_start, content_end
        pos = content_end


def single_tlv(data: bytes, expect: int | None = None, *, high_tags: bool = True
               ) -> tuple[int, int, int]:
    """``data`` as exactly one element (as OpenSSL's ``d2i`` reads an extension value): no
    trailing bytes, and tag ``expect`` when given."""
    tag, start, end = read_tlv(data, 0, len(data), high_tags=high_tags)
    if end != len(data) or (expect is not None and tag != expect):
        raise DERError("unexpected encoding")
    return tag, start, end
