"""``checkServerIdentity``, checked against Node 20's own ``tls.checkServerIdentity``.

The case table runs through Node in one batch and through nodessl, and the
results must be equal; a few literal expectations keep failing loudly on a
machine without ``node``.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import run_node

from nodessl import checkServerIdentity
from nodessl.errors import NodeError

# ---------------------------------------------------------------------------
# checkServerIdentity vs Node
# ---------------------------------------------------------------------------

HOSTILE_SAN = (
    'DNS:"google.com\\u0000.evil.com", DNS:"caf\\u00e9.com", DNS:"a\'b", DNS:"a\\"b\\\\c", '
    'email:"x\\u007fy", URI:"http://a\\u002cb/", IP Address:<invalid length=3>'
)

IDENTITY_CASES: list[tuple[str, dict[str, Any]]] = [
    # CN only
    ("a.com", {"subject": {"CN": "a.com"}}),
    ("a.com", {"subject": {"CN": "A.COM"}}),
    ("A.Com", {"subject": {"CN": "a.com"}}),
    ("a.com", {"subject": {"CN": "b.com"}}),
    ("a.com.", {"subject": {"CN": "a.com"}}),
    ("a.com", {"subject": {"CN": "a.com."}}),
    ("a.com..", {"subject": {"CN": "a.com"}}),
    ("b.a.com", {"subject": {"CN": "*.a.com"}}),
    ("a.com", {"subject": {"CN": ["b.com", "a.com"]}}),
    ("c.com", {"subject": {"CN": ["b.com", "a.com"]}}),
    ("a.com", {"subject": {"CN": ""}}),
    ("a.com", {"subject": {}}),
    ("a.com", {}),
    ("a.com", {"subject": None, "subjectaltname": "DNS:a.com"}),
    # DNS SANs win over CN
    ("a.com", {"subjectaltname": "DNS:b.com", "subject": {"CN": "a.com"}}),
    ("a.com", {"subjectaltname": "DNS:b.com, DNS:a.com", "subject": {"CN": "x"}}),
    ("a.com", {"subjectaltname": "IP Address:1.2.3.4", "subject": {"CN": "a.com"}}),
    ("a.com", {"subjectaltname": "URI:http://a.com/", "subject": {"CN": "a.com"}}),
    ("a.com", {"subjectaltname": "URI:http://a.com/"}),
    ("a.com", {"subjectaltname": "email:a.com, DNS:x.com"}),
    ("a.com", {"subjectaltname": "", "subject": {"CN": "a.com"}}),
    ("a.com", {"subjectaltname": "DNS:A.COM"}),
    ("a.com", {"subjectaltname": "DNS:a.com."}),
    ("X.COM", {"subjectaltname": "DNS:a.com"}),
    ("localhost", {"subjectaltname": "DNS:localhost"}),
    # wildcards
    ("a.com", {"subjectaltname": "DNS:*.com"}),
    ("com", {"subjectaltname": "DNS:*"}),
    ("a.com", {"subjectaltname": "DNS:*"}),
    ("b.a.com", {"subjectaltname": "DNS:*.a.com"}),
    ("a.com", {"subjectaltname": "DNS:*.a.com"}),
    ("c.b.a.com", {"subjectaltname": "DNS:*.a.com"}),
    ("a.b.c", {"subjectaltname": "DNS:*.b.c"}),
    ("a.b.com", {"subjectaltname": "DNS:a.*.com"}),
    ("baz.example.com", {"subjectaltname": "DNS:b*z.example.com"}),
    ("bz.example.com", {"subjectaltname": "DNS:b*z.example.com"}),
    ("bxyz.example.com", {"subjectaltname": "DNS:b*z.example.com"}),
    ("baz.example.com", {"subjectaltname": "DNS:*b*z.example.com"}),
    ("b.a.com", {"subjectaltname": "DNS:*a.a.com"}),
    ("ba.a.com", {"subjectaltname": "DNS:*a.a.com"}),
    ("*.a.com", {"subjectaltname": "DNS:*.a.com"}),
    # IDNA
    ("xn--bcher-kva.example.com", {"subjectaltname": "DNS:xn--bcher-kva.example.com"}),
    ("xn--bcher-kva.example.com", {"subjectaltname": "DNS:xn--*.example.com"}),
    ("xn--bcher-kva.example.com", {"subjectaltname": "DNS:*.example.com"}),
    ("bücher.example.com", {"subjectaltname": "DNS:bücher.example.com"}),
    ("\u212a.com", {"subjectaltname": "DNS:k.com"}),
    ("a..com", {"subjectaltname": "DNS:a..com"}),
    ("a b.com", {"subjectaltname": "DNS:a b.com"}),
    # IP addresses
    ("8.8.8.8", {"subject": {"CN": "8.8.8.8"}}),
    ("8.8.8.8", {"subjectaltname": "IP Address:8.8.8.8"}),
    ("8.8.8.8.", {"subjectaltname": "IP Address:8.8.8.8"}),
    ("8.8.8.8", {"subjectaltname": "DNS:8.8.8.8", "subject": {"CN": "8.8.8.8"}}),
    ("01.2.3.4", {"subjectaltname": "DNS:01.2.3.4"}),
    ("2001:db8::1", {"subjectaltname": "IP Address:2001:DB8:0:0:0:0:0:1"}),
    ("2001:DB8:0::1", {"subjectaltname": "IP Address:2001:DB8:0:0:0:0:0:1"}),
    ("::1", {"subjectaltname": "IP Address:0:0:0:0:0:0:0:1"}),
    ("::ffff:1.2.3.4", {"subjectaltname": "IP Address:0:0:0:0:0:FFFF:102:304"}),
    ("fe80::1%eth0", {"subjectaltname": "IP Address:FE80:0:0:0:0:0:0:1"}),
    (
        "1.2.3.4",
        {
            "subjectaltname": "IP Address:0:0:0:0:0:FFFF:102:304, IP Address:0:0:0:0:0:0:102:304, "
            "IP Address:0:0:0:0:0:0:0:0, IP Address:1:0:0:2:0:0:0:3, IP Address:1:0:0:0:2:0:0:3, "
            "IP Address:bogus, IP Address:0:0:0:0:0:1:0:0, IP Address:0:0:0:0:FFFF:0:102:304, "
            "IP Address:1:2:3:4:5:6:7:8, IP Address:<invalid length=8>, IP Address:1.2.3.5"
        },
    ),
    # quoted (escaped) SAN strings
    ("google.com", {"subjectaltname": HOSTILE_SAN}),
    ("a,b.com", {"subjectaltname": 'DNS:"a\\u002cb.com"'}),
    ("foo.bar.example.com", {"subjectaltname": 'DNS:*.bar.example.com, URI:"x\\u002cy"'}),
    ("x.com", {"subjectaltname": 'DNS:"x.com'}),
    ("x.com", {"subjectaltname": 'DNS:"\\x"'}),
    ("x.com", {"subjectaltname": 'DNS:"x\\u12"'}),
]


_NODE_CHECK_SERVER_IDENTITY = """
const tls = require('tls');
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = cases.map(([host, cert]) => {
  let err;
  try {
    err = tls.checkServerIdentity(host, cert);
  } catch (e) {
    return { thrown: e.code, message: e.message };
  }
  if (err === undefined) return null;
  return { code: err.code, message: err.message, reason: err.reason, host: err.host,
           sameCert: err.cert === cert };
});
process.stdout.write(JSON.stringify(out));
"""


def _identity_result(host: str, cert_dict: dict[str, Any]) -> dict[str, Any] | None:
    try:
        err = checkServerIdentity(host, cert_dict)
    except NodeError as exc:
        return {"thrown": exc.code, "message": exc.message}
    if err is None:
        return None
    return {
        "code": err.code,
        "message": err.message,
        "reason": err.reason,
        "host": err.host,
        "sameCert": err.cert is cert_dict,
    }


@pytest.fixture(scope="module")
def node_identity() -> list[Any]:
    return run_node(_NODE_CHECK_SERVER_IDENTITY, IDENTITY_CASES)


@pytest.mark.parametrize(
    "index",
    range(len(IDENTITY_CASES)),
    ids=[f"{i}-{h}" for i, (h, _c) in enumerate(IDENTITY_CASES)],
)
def test_check_server_identity_matches_node(index: int, node_identity: list[Any]) -> None:
    host, cert_dict = IDENTITY_CASES[index]
    assert _identity_result(host, cert_dict) == node_identity[index]


def test_check_server_identity_covers_both_outcomes(node_identity: list[Any]) -> None:
    # Guard the table itself: it must exercise passes, failures and throws.
    assert sum(r is None for r in node_identity) >= 15
    assert sum(bool(r) and "reason" in r for r in node_identity) >= 20
    assert sum(bool(r) and "thrown" in r for r in node_identity) >= 3


def test_check_server_identity_literal_messages() -> None:
    err = checkServerIdentity("a.com.", {"subjectaltname": "DNS:b.com, DNS:*.c.com"})
    assert isinstance(err, NodeError)
    assert err.code == "ERR_TLS_CERT_ALTNAME_INVALID"
    assert err.reason == "Host: a.com. is not in the cert's altnames: DNS:b.com, DNS:*.c.com"
    assert err.message == (
        "Hostname/IP does not match certificate's altnames: "
        "Host: a.com. is not in the cert's altnames: DNS:b.com, DNS:*.c.com"
    )
    assert err.host == "a.com"

    cert_dict = {"subject": {"CN": "agent1"}}
    err = checkServerIdentity("x.", cert_dict)
    assert err is not None and err.reason == "Host: x. is not cert's CN: agent1"
    assert err.cert is cert_dict

    err = checkServerIdentity("1.2.3.4", {"subject": {"CN": "1.2.3.4"}})
    assert err is not None and err.reason == "IP: 1.2.3.4 is not in the cert's list: "
    err = checkServerIdentity("1.2.3.4", {"subjectaltname": "IP Address:0:0:0:0:0:FFFF:102:305"})
    assert err is not None and err.reason.endswith("list: ::ffff:1.2.3.5")
    assert (
        checkServerIdentity(
            "::ffff:1.2.3.4", {"subjectaltname": "IP Address:0:0:0:0:0:FFFF:102:304"}
        )
        is None
    )

    err = checkServerIdentity("a.com", {"subjectaltname": "URI:http://a.com/"})
    assert err is not None and err.reason == "Cert does not contain a DNS name"

    assert (
        checkServerIdentity(
            "a.com", {"subjectaltname": "IP Address:1.2.3.4", "subject": {"CN": "a.com"}}
        )
        is None
    )
    assert (
        checkServerIdentity("a.com", {"subjectaltname": "DNS:b.com", "subject": {"CN": "a.com"}})
        is not None
    )
    assert checkServerIdentity("a.com", {"subjectaltname": "DNS:*.com"}) is not None
    assert (
        checkServerIdentity("bxyz.example.com", {"subjectaltname": "DNS:b*z.example.com"}) is None
    )
    assert (
        checkServerIdentity("xn--a.example.com", {"subjectaltname": "DNS:xn--*.example.com"})
        is not None
    )
    assert checkServerIdentity("\u212a.com", {"subjectaltname": "DNS:k.com"}) is not None
    assert checkServerIdentity("google.com", {"subjectaltname": HOSTILE_SAN}) is not None
    assert checkServerIdentity("a,b.com", {"subjectaltname": 'DNS:"a\\u002cb.com"'}) is None

    with pytest.raises(NodeError) as info:
        checkServerIdentity("x.com", {"subjectaltname": 'DNS:"x.com'})
    assert info.value.code == "ERR_TLS_CERT_ALTNAME_FORMAT"
    assert info.value.message == "Invalid subject alternative name string"
