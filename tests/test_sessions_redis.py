"""nodessl.sessions: servers that share session ids and ticket keys through a real
redis-server (tests/redis_server.py), resumed by nodessl and Node 20 clients.

The servers of one "cluster" are separate tls.Servers, each with its own SecureContext
(its own SSL_CTX: its own session cache and random ticket keys), as on separate hosts; only
Redis joins them.  Shared backend: everything; bundled backend: attach is refused with
ERR_FEATURE_UNAVAILABLE_ON_PLATFORM.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis
from conftest import (
    NODE_ROAMING_CLIENT,
    NodePeer,
    collect,
    key,
    listening,
    node_session_client,
    once,
    run_loop,
)
from redis_server import RedisServer

import nodessl as tls
from nodessl import sessions
from nodessl.errors import NodeError
from nodessl.openssl import SSL_OP_NO_TICKET
from nodessl.session import _session_id, ticket_of

SHARED = tls.backend.is_shared()
CLIENT = {"ca": key("ca1-cert.pem"), "servername": "agent1"}
# the session-id store alone: TLS 1.2 without tickets
IDS_ONLY = {"maxVersion": "TLSv1.2", "secureOptions": SSL_OP_NO_TICKET}

StartRedis = Callable[..., RedisServer]


@pytest.fixture
def start_redis(tmp_path: Path) -> Iterator[StartRedis]:
    """Start redis-servers (arguments: extra redis-server options; ``tls=(cert, key)``);
    every one is killed in teardown, whatever the test did."""
    servers: list[RedisServer] = []

    def start(*args: str, tls: tuple[Path, Path] | None = None) -> RedisServer:
        workdir = tmp_path / f"redis{len(servers)}"
        workdir.mkdir()
        server = RedisServer(workdir, *args, tls=tls)
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.kill()


def agent1_server(**opts: Any) -> tls.Server:
    """A server (its own SecureContext) answering every connection with b'x'."""
    return tls.createServer({"key": key("agent1-key.pem"), "cert": key("agent1-cert.pem"),
                             **opts}, lambda s: s.end(b"x"))


async def connect(port: int, session: bytes | None = None,
                  **opts: Any) -> tuple[bool, bytes | None]:
    """One nodessl client connection: (reused, the last session it received)."""
    client = tls.connect(port, "127.0.0.1",
                         {**CLIENT, **opts, **({"session": session} if session else {})})
    got: list[bytes] = []
    facts: dict[str, Any] = {}

    def on_secure() -> None:
        facts["reused"] = client.isSessionReused()
        # a TLS 1.2 ticket renewed in a resumed handshake comes with no 'session' event
        # (OpenSSL announces no session on a TLS 1.2 hit; a Node 20 client gets none
        # either): getSession() has it
        facts["session"] = client.getSession()

    client.on("session", got.append)
    client.on("secureConnect", on_secure)
    assert await collect(client) == b"x"
    await once(client, "close")
    return facts["reused"], (got[-1] if got else facts["session"])


async def cluster(url: str, count: int = 2, *, store: dict[str, Any] | None = None,
                  **server_opts: Any) -> tuple[list[tls.Server], list[int],
                                               list[sessions.SessionStore]]:
    """``count`` listening servers, each attached to ``url``; every store is ready."""
    servers = [agent1_server(**server_opts) for _ in range(count)]
    # a generous bound where the test is not about it: a loaded machine must not make
    # Redis look down
    store = {"timeout": 2.0, **(store or {})}
    stores = [sessions.attach(s, url, **store) for s in servers]
    for s in stores:
        errors_of(s)
    ports = [await listening(s) for s in servers]
    await asyncio.gather(*(s.ready for s in stores))
    return servers, ports, stores


_ERRORS: dict[int, list[NodeError]] = {}


async def cluster_of(url: str, prefixes: list[str], **server_opts: Any) -> tuple[
        list[tls.Server], list[int], list[sessions.SessionStore]]:
    """One listening server per prefix, attached to ``url`` with it; every store ready."""
    servers = [agent1_server(**server_opts) for _ in prefixes]
    stores = [sessions.attach(s, url, prefix=p, timeout=2.0)
              for s, p in zip(servers, prefixes, strict=True)]
    ports = [await listening(s) for s in servers]
    await asyncio.gather(*(s.ready for s in stores))
    return servers, ports, stores


def errors_of(store: sessions.SessionStore) -> list[NodeError]:
    """Every 'storeError' of ``store`` (recorded from the first call on)."""
    seen = _ERRORS.get(id(store))
    if seen is None:
        seen = _ERRORS[id(store)] = []
        store.on("storeError", seen.append)
    return seen


async def shut(servers: list[tls.Server], stores: list[sessions.SessionStore]) -> None:
    for store in stores:
        await store.close()
    for server in servers:
        server.close()


def refused_on_bundled() -> bool:
    """On the bundled backend: attach is refused with the typed error (after its argument
    checks); True there, so that the caller returns."""
    if SHARED:
        return False

    async def main() -> None:
        server = agent1_server()
        with pytest.raises(NodeError) as info:
            sessions.attach(server, "redis://127.0.0.1:1")
        assert info.value.code == "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM"
        assert "sessions.attach" in str(info.value)

    run_loop(main)
    return True


# -- the bundled backend, argument checks ------------------------------------------------------

def test_attach_checks_arguments_then_backend() -> None:
    async def main() -> None:
        server = agent1_server()
        for args, kwargs, code in [
            (("not a server", "redis://x"), {}, "ERR_INVALID_ARG_TYPE"),
            ((server, 6379), {}, "ERR_INVALID_ARG_TYPE"),
            ((server, "http://x"), {}, "ERR_INVALID_ARG_VALUE"),
            ((server, "redis://x"), {"timeout": 0}, "ERR_INVALID_ARG_VALUE"),
            ((server, "redis://x"), {"rotate_every": "1"}, "ERR_INVALID_ARG_TYPE"),
            ((server, "redis://x"), {"ca": b"pem"}, "ERR_INVALID_ARG_VALUE"),
        ]:
            with pytest.raises(NodeError) as info:
                sessions.attach(*args, **kwargs)
            assert info.value.code == code, (args, kwargs)
        if not SHARED:
            with pytest.raises(NodeError) as info:
                sessions.attach(server, "redis://127.0.0.1:1", rotate_every=60)
            assert info.value.code == "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM"
            assert isinstance(info.value, TypeError)

    run_loop(main)


# -- session ids (TLS 1.2) ---------------------------------------------------------------------

def test_session_id_resumes_on_another_server_with_ttl(start_redis: StartRedis) -> None:
    if refused_on_bundled():
        return
    redis = start_redis()

    async def main() -> None:
        servers, (a, b), stores = await cluster(redis.url, store={"ticket_keys": False},
                                                sessionTimeout=100, **IDS_ONLY)
        check = aioredis.from_url(redis.url)
        try:
            reused, session = await connect(a)
            assert reused is False and session is not None and ticket_of(session) is None
            sid = _session_id(session)
            name = stores[0].session_key(sid)
            assert name == f"nodessl:session:{sid.hex()}"
            assert await check.get(name) is not None  # stored before the client saw it
            ttl = await check.ttl(name)
            assert 0 < ttl <= 100  # the server's sessionTimeout
            # server B never saw this session: it comes from Redis
            reused, _ = await connect(b, session)
            assert reused is True
            # a Node 20 client: its session from B resumes at A
            first = await node_session_client(b)
            assert first["reused"] is False and first["sessions"]
            again = await node_session_client(a, first["sessions"][-1])
            assert again["reused"] is True
        finally:
            await check.aclose()
            await shut(servers, stores)

    run_loop(main)


# -- ticket keys -------------------------------------------------------------------------------

@pytest.mark.parametrize("version", ["TLSv1.3", "TLSv1.2"])
def test_tickets_resume_across_servers(start_redis: StartRedis, version: str) -> None:
    if refused_on_bundled():
        return
    redis = start_redis()

    async def main() -> None:
        servers, (a, b), stores = await cluster(redis.url, maxVersion=version)
        check = aioredis.from_url(redis.url)
        try:
            assert stores[0].generation == stores[1].generation == 1
            assert servers[0].getTicketKeys() == servers[1].getTicketKeys()
            reused, session = await connect(a)
            assert reused is False and ticket_of(session)
            assert ticket_of(session)[:16] == servers[0].getTicketKeys()[:16]  # key name
            reused, _ = await connect(b, session)
            assert reused is True
            first = await node_session_client(b)
            assert first["reused"] is False
            again = await node_session_client(a, first["sessions"][-1])
            assert again["reused"] is True
            stored = [k async for k in check.scan_iter("nodessl:session:*")]
            if version == "TLSv1.3":
                assert stored == []  # TLS 1.3 resumes by ticket only: nothing to store
        finally:
            await check.aclose()
            await shut(servers, stores)

    run_loop(main)


@pytest.mark.parametrize("version", ["TLSv1.3", "TLSv1.2"])
def test_rotation_accepts_previous_key_for_one_period(start_redis: StartRedis,
                                                      version: str) -> None:
    if refused_on_bundled():
        return
    redis = start_redis()

    async def main() -> None:
        servers, (a, b), (sa, sb) = await cluster(redis.url, maxVersion=version)
        try:
            _, old = await connect(a)
            assert old is not None
            # one rotation (forced at A; B follows at its refresh)
            assert await sa.rotate() == 2
            assert await sb.refresh() == 2
            assert servers[1].getTicketKeys() == servers[0].getTicketKeys()
            assert ticket_of(old)[:16] != servers[1].getTicketKeys()[:16]
            reused, renewed = await connect(b, old)
            assert reused is True  # the previous key still decrypts
            # ... and the ticket came back under the current key
            assert renewed is not None and ticket_of(renewed) != ticket_of(old)
            assert ticket_of(renewed)[:16] == servers[1].getTicketKeys()[:16]
            # a second rotation retires the old key
            assert await sb.rotate() == 3
            assert await sa.refresh() == 3
            reused, _ = await connect(a, old)
            assert reused is False
            reused, _ = await connect(a, renewed)
            assert reused is True  # renewed after the first rotation: still one period
        finally:
            await shut(servers, stores=[sa, sb])

    run_loop(main)


@pytest.mark.parametrize("version", ["TLSv1.3", "TLSv1.2"])
def test_server_behind_a_rotation_accepts_the_new_keys(start_redis: StartRedis,
                                                       version: str) -> None:
    if refused_on_bundled():
        return
    redis = start_redis()

    async def main() -> None:
        servers, (a, b), (sa, sb) = await cluster(redis.url, maxVersion=version)
        try:
            before = servers[1].getTicketKeys()
            assert await sa.rotate() == 2
            # B has not refreshed yet: it still issues under the old keys, and accepts what
            # A issues under the new ones (the set's 'next' key it already holds)
            assert servers[1].getTicketKeys() == before != servers[0].getTicketKeys()
            _, fresh = await connect(a)
            assert ticket_of(fresh)[:16] == servers[0].getTicketKeys()[:16]
            assert (await connect(b, fresh))[0] is True
            # and A accepts what B still issues (A's previous key)
            _, late = await connect(b)
            assert ticket_of(late)[:16] == before[:16]
            assert (await connect(a, late))[0] is True
        finally:
            await shut(servers, [sa, sb])

    run_loop(main)


@pytest.mark.parametrize("version", ["TLSv1.3", "TLSv1.2"])
def test_sni_contexts_get_the_cluster_keys(start_redis: StartRedis, version: str) -> None:
    if refused_on_bundled():
        return
    redis = start_redis()

    async def main() -> None:
        servers, ports, stores = await cluster(redis.url, maxVersion=version)
        try:
            for server in servers:
                server.addContext("agent1", {"key": key("agent1-key.pem"),
                                             "cert": key("agent1-cert.pem")})
            added = [server._contexts[0][1].context for server in servers]
            cluster_keys = servers[0].getTicketKeys()
            assert added[0].getTicketKeys() != cluster_keys  # its own, until a refresh
            await asyncio.gather(*(store.refresh() for store in stores))
            assert [ctx.getTicketKeys() for ctx in added] == [cluster_keys] * 2
            # the client's SNI name (agent1) picks the added context on both servers
            _, session = await connect(ports[0])
            assert ticket_of(session)[:16] == cluster_keys[:16]
            assert (await connect(ports[1], session))[0] is True
        finally:
            await shut(servers, stores)

    run_loop(main)


def test_scheduled_rotation_one_key_set_for_racing_servers(start_redis: StartRedis) -> None:
    if refused_on_bundled():
        return
    redis = start_redis()

    async def main() -> None:
        # three servers attach at once to an empty Redis: one key set is created, and the
        # schedule rotates it (one server does; every one applies it).  What each applied
        # is recorded per generation as it happens: a generation is one set of keys
        # everywhere, however the servers' refreshes interleave with the rotations.
        servers = [agent1_server() for _ in range(3)]
        stores = [sessions.attach(s, redis.url, rotate_every=1, timeout=2.0)
                  for s in servers]
        applied: list[dict[int, bytes]] = [{} for _ in stores]
        for i, (server, store) in enumerate(zip(servers, stores, strict=True)):
            store.on("ticketKeys", lambda gen, i=i, server=server:
                     applied[i].setdefault(gen, server.getTicketKeys()))
        check = aioredis.from_url(redis.url)
        try:
            await asyncio.wait_for(asyncio.gather(
                *(_generation_at_least(s, 3) for s in stores)), 10)
            assert all(1 in seen for seen in applied)  # every server applied the first set
            pairs = {(gen, keys) for seen in applied for gen, keys in seen.items()}
            gens = {gen for gen, _ in pairs}
            # one set of keys per generation, a new one for each
            assert len(pairs) == len(gens) == len({keys for _, keys in pairs}) >= 3
            assert int(await check.hget("nodessl:ticketkeys", "gen")) >= 3
        finally:
            await check.aclose()
            await shut(servers, stores)

    run_loop(main)


async def _generation_at_least(store: sessions.SessionStore, gen: int) -> None:
    while store.generation < gen:
        await once(store, "ticketKeys")


# -- many connections, random servers, a rotation in the middle ----------------------------------

COUNT = 200


@pytest.mark.parametrize("version", ["TLSv1.3", "TLSv1.2"])
def test_roaming_clients_resume_across_a_rotation(start_redis: StartRedis, version: str) -> None:
    if refused_on_bundled():
        return
    redis = start_redis()

    async def main() -> None:
        # two "hosts" of two servers each: four SecureContexts, one Redis
        servers, ports, stores = await cluster(redis.url, 4, maxVersion=version)
        try:
            # nodessl clients
            rng = random.Random(11)
            reused_count, session = 0, None
            for i in range(COUNT):
                if i == COUNT // 2:
                    assert await stores[rng.randrange(4)].rotate() == 2  # the others lag
                reused, got = await connect(rng.choice(ports), session)
                reused_count += reused
                session = got or session
            assert reused_count >= 0.95 * COUNT
            # every server's scheduled refresh (refresh_every) comes within a period: a
            # server lagging two rotations behind is outside what the key set covers
            assert await asyncio.gather(*(s.refresh() for s in stores)) == [2] * 4
            # Node 20 clients, with a second rotation while they pause half-way
            node = await NodePeer.start(NODE_ROAMING_CLIENT.replace(
                "process.argv[1]", repr(json.dumps(
                    {"ports": ports, "count": COUNT, "pause_at": COUNT // 2, "seed": 7}))))
            try:
                assert (await node.message(30))["paused"] == COUNT // 2
                assert await stores[3].rotate() == 3
                assert node.proc.stdin is not None
                node.proc.stdin.write(b"go\n")
                result = await node.message(30)
            finally:
                await node.close()
            assert result["errors"] == []
            assert result["reused"] >= 0.95 * COUNT
        finally:
            await shut(servers, stores)

    run_loop(main, timeout=60)


# -- Redis gone, slow, back --------------------------------------------------------------------

def test_redis_stopped_then_restarted(start_redis: StartRedis) -> None:
    if refused_on_bundled():
        return
    redis = start_redis()

    async def main() -> None:
        servers, (a, b), (sa, sb) = await cluster(
            redis.url, store={"ticket_keys": False, "timeout": 1.0, "retry_every": 0.2},
            **IDS_ONLY)
        errors_a, errors_b = errors_of(sa), errors_of(sb)
        try:
            _, session = await connect(a)
            assert (await connect(b, session))[0] is True
            redis.stop()
            # every connection succeeds, with a full handshake, each far within the
            # handshake timeout (120 s) that an unbounded store would run into
            for port in (b, a, b, a):
                reused, _ = await asyncio.wait_for(connect(port, session), 5)
                assert reused is False
            assert [e.code for e in errors_b] == ["ERR_SESSION_STORE_UNAVAILABLE"]
            assert [e.code for e in errors_a] == ["ERR_SESSION_STORE_UNAVAILABLE"]
            assert sa.available is False and sb.available is False
            back = asyncio.gather(once(sa, "storeRecovered"), once(sb, "storeRecovered"))
            redis.start()  # the same port, empty
            await asyncio.wait_for(back, 10)
            _, fresh = await connect(a)
            assert (await connect(b, fresh))[0] is True  # resumption is back
            assert len(errors_a) == 1 and len(errors_b) == 1
        finally:
            await shut(servers, [sa, sb])

    run_loop(main)


def test_redis_not_answering_costs_at_most_the_timeout(start_redis: StartRedis) -> None:
    if refused_on_bundled():
        return
    redis = start_redis()

    async def main() -> None:
        servers, (a, b), (sa, sb) = await cluster(
            redis.url, store={"timeout": 1.0, "retry_every": 0.2}, **IDS_ONLY)
        errors_b = errors_of(sb)
        try:
            _, session = await connect(a)
            redis.pause()  # accepts, never answers
            try:
                results = await asyncio.wait_for(asyncio.gather(
                    *(connect(b, session) for _ in range(3))), 5)
                assert [reused for reused, _ in results] == [False] * 3
                reused, _ = await asyncio.wait_for(connect(b, session), 5)
                assert reused is False
                assert len(errors_b) == 1 and errors_b[0].reason == "TimeoutError"
                assert "no answer within 1 s" in errors_b[0].message
            finally:
                redis.resume()
            await asyncio.wait_for(once(sb, "storeRecovered"), 10)
            _, fresh = await connect(a)
            assert (await connect(b, fresh))[0] is True
            assert len(errors_b) == 1
        finally:
            await shut(servers, [sa, sb])

    run_loop(main)


def test_ticket_keys_kept_while_redis_is_down(start_redis: StartRedis) -> None:
    if refused_on_bundled():
        return
    redis = start_redis()

    async def main() -> None:
        servers, (a, b), stores = await cluster(redis.url, store={"retry_every": 0.2})
        errors = errors_of(stores[1])
        try:
            redis.stop()
            assert await stores[1].refresh() == 1  # fails: the keys stay
            assert len(errors) == 1 and not stores[1].available
            _, session = await connect(a)
            assert (await connect(b, session))[0] is True
        finally:
            await shut(servers, stores)

    run_loop(main)


# -- isolation and access control --------------------------------------------------------------

def test_prefix_isolates_clusters(start_redis: StartRedis) -> None:
    if refused_on_bundled():
        return
    redis = start_redis()

    async def main() -> None:
        one = agent1_server(**IDS_ONLY)
        two = agent1_server(**IDS_ONLY)
        s1 = sessions.attach(one, redis.url, prefix="shop:", timeout=2.0)
        s2 = sessions.attach(two, redis.url, prefix="blog:", timeout=2.0)
        p1, p2 = await listening(one), await listening(two)
        await asyncio.gather(s1.ready, s2.ready)
        check = aioredis.from_url(redis.url)
        t_servers: list[tls.Server] = []
        t_stores: list[sessions.SessionStore] = []
        try:
            assert one.getTicketKeys() != two.getTicketKeys()
            _, session = await connect(p1)
            assert await check.exists(s1.session_key(_session_id(session))) == 1
            assert (await connect(p2, session))[0] is False
            # tickets: two servers of "blog", one of "shop"
            t_servers, (t1, t2, t3), t_stores = await cluster_of(
                redis.url, ["blog:", "blog:", "shop:"], maxVersion="TLSv1.2")
            assert t_servers[0].getTicketKeys() == t_servers[1].getTicketKeys()
            assert t_servers[0].getTicketKeys() != t_servers[2].getTicketKeys()
            _, ticket = await connect(t1)
            assert (await connect(t2, ticket))[0] is True
            assert (await connect(t3, ticket))[0] is False
            names = {k.decode() async for k in check.scan_iter("*")}
            assert {"shop:ticketkeys", "blog:ticketkeys"} <= names
            assert all(n.startswith(("shop:", "blog:")) for n in names)
        finally:
            await check.aclose()
            await shut([one, two, *t_servers], [s1, s2, *t_stores])

    run_loop(main)


# what the module docstring says an ACL user needs, and nothing more
ACL_COMMANDS = ["+get", "+set", "+eval", "+evalsha", "+ping", "+hget", "+hmget", "+hset",
                "+time"]


def test_password_and_acl_user(start_redis: StartRedis) -> None:
    if refused_on_bundled():
        return
    redis = start_redis("--requirepass", "s3cret-pw",
                        "--user", "alice", "on", ">alice-pw", "~team:*", *ACL_COMMANDS)
    host = f"127.0.0.1:{redis.port}"

    async def main() -> None:
        servers, (a, b), stores = await cluster(f"redis://:s3cret-pw@{host}", **IDS_ONLY)
        alice, (c,), alice_stores = await cluster(f"redis://alice:alice-pw@{host}",
                                                  1, store={"prefix": "team:"}, **IDS_ONLY)
        # no password, a wrong one: reported once, and the server serves on
        bare, (d,), bare_stores = await cluster(f"redis://{host}", 1, **IDS_ONLY)
        wrong, (e,), wrong_stores = await cluster(f"redis://alice:not-the-pw@{host}", 1,
                                                  store={"prefix": "team:"}, **IDS_ONLY)
        try:
            assert stores[0].generation == 1 and alice_stores[0].generation == 1
            _, session = await connect(a)
            assert (await connect(b, session))[0] is True
            _, session = await connect(c)
            assert (await connect(c, session))[0] is True  # from Redis via alice
            for store, port in ((bare_stores[0], d), (wrong_stores[0], e)):
                assert store.generation == 0 and not store.available
                _, s = await connect(port)
                assert (await connect(port, s))[0] is False
                assert [err.reason for err in errors_of(store)] == ["AuthenticationError"]
        finally:
            await shut(servers + alice + bare + wrong,
                       stores + alice_stores + bare_stores + wrong_stores)

    run_loop(main)


def test_password_failure_reported_once_without_secrets(start_redis: StartRedis) -> None:
    if refused_on_bundled():
        return
    redis = start_redis("--requirepass", "s3cret-pw")

    async def main() -> None:
        server = agent1_server(**IDS_ONLY)
        store = sessions.attach(server, f"redis://:wrong-pw@127.0.0.1:{redis.port}",
                                retry_every=0.1)
        errors = errors_of(store)
        port = await listening(server)
        try:
            await store.ready
            for _ in range(3):
                _, session = await connect(port)
                assert (await connect(port, session))[0] is False
            await asyncio.sleep(0.3)  # a few failed probes: no second report
            assert len(errors) == 1
            err = errors[0]
            assert err.code == "ERR_SESSION_STORE_UNAVAILABLE"
            assert "wrong-pw" not in str(err) and err.__cause__ is None
            assert "wrong-pw" not in repr(store)
        finally:
            await shut([server], [store])

    run_loop(main)


def test_tls_to_redis(start_redis: StartRedis, tmp_path: Path) -> None:
    if refused_on_bundled():
        return
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    cert_path, key_path = tmp_path / "redis-cert.pem", tmp_path / "redis-key.pem"
    cert.cert_chain_pems[0].write_to_path(cert_path)
    cert.private_key_pem.write_to_path(key_path)
    redis = start_redis(tls=(cert_path, key_path))
    assert redis.url.startswith("rediss://")

    async def main() -> None:
        servers, (a, b), stores = await cluster(
            redis.url, store={"ca": ca.cert_pem.bytes()}, **IDS_ONLY)
        # without the CA, the server's certificate does not verify: down, serving on
        lone, (c,), lone_stores = await cluster(redis.url, 1, **IDS_ONLY)
        try:
            assert stores[0].generation == 1 and stores[0].available
            _, session = await connect(a)
            assert (await connect(b, session))[0] is True
            assert lone_stores[0].generation == 0 and not lone_stores[0].available
            assert (await connect(c))[0] is False
        finally:
            await shut(servers + lone, stores + lone_stores)

    run_loop(main)


# -- the handle --------------------------------------------------------------------------------

def test_close_detaches_and_server_close_closes(start_redis: StartRedis) -> None:
    if refused_on_bundled():
        return
    redis = start_redis()

    async def main() -> None:
        server = agent1_server(**IDS_ONLY)
        store = sessions.attach(server, redis.url)
        assert server.listenerCount("newSession") == 1
        assert server.listenerCount("resumeSession") == 1
        await store.close()
        assert server.listenerCount("newSession") == 0
        assert server.listenerCount("resumeSession") == 0
        assert await store.rotate() == 0  # closed: nothing asked of Redis
        ids_only = sessions.attach(server, redis.url, ticket_keys=False)
        with pytest.raises(NodeError) as info:
            ids_only.rotate()
        assert info.value.code == "ERR_INVALID_STATE"
        await ids_only.close()
        other = agent1_server(**IDS_ONLY)
        kept = sessions.attach(other, redis.url, timeout=2.0)
        await listening(other)
        await kept.ready
        closed = asyncio.get_running_loop().create_future()
        other.close(lambda *_: closed.set_result(None))
        await closed
        assert other.listenerCount("newSession") == 0
        assert "closed" in repr(kept)

    run_loop(main)
