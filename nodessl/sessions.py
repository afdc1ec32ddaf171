"""Sessions shared across hosts: one Redis holds a cluster's TLS sessions and ticket keys.

Node gives a server the pieces (``newSession``/``resumeSession``, ``ticketKeys``) and leaves
the shared store to each application; :func:`attach` wires a Redis-backed one to a
``tls.Server`` in one call::

    from nodessl import sessions

    server = tls.createServer(options, on_secure)
    store = sessions.attach(server, "rediss://shop:secret@redis.internal:6380/0",
                            prefix="shop:", rotate_every=3600, ca=redis_ca_pem)
    store.on("storeError", lambda err: print("session store down:", err.code))
    server.listen(443)

Every server of one cluster, on any host, attaches to the same Redis with the same prefix.

Session ids (TLS <= 1.2)
    ``newSession`` stores the session under ``<prefix>session:<hex id>`` with the server
    context's session timeout (``sessionTimeout``, OpenSSL's 7200 s when unset) as its TTL
    (``SET ... EX``), then calls ``done()``; ``resumeSession`` fetches it (``GET``) and hands it
    to OpenSSL, or null.  TLS 1.3 sessions are not stored: TLS 1.3 clients resume with tickets
    only (below), never by session id, which is where Node's hooks stop applying.  With
    tickets on, TLS 1.2 sessions are stored too, for clients that take no tickets.  A session
    resumes on another server only if both have the same ``sessionIdContext`` (the default is
    derived from the program's ``sys.argv``, as Node's: the same program on every host).

Ticket keys (TLS 1.3 and TLS 1.2 tickets)
    ``<prefix>ticketkeys`` is a hash: a generation number and three 48-byte keys in Node's
    ``ticketKeys`` layout, ``previous``, ``current`` and ``next``.  One Lua script creates it
    (two hosts racing create one key set) and rotates it once ``rotate_every`` seconds
    passed since the last rotation, by Redis's own clock: ``previous`` <- ``current`` <-
    ``next`` <- fresh random bytes.  Each server runs that script when a rotation falls due
    and every ``refresh_every`` seconds, and applies the result to its contexts (the
    server's and those of ``addContext``): new tickets are protected with ``current``;
    tickets protected with ``previous`` (issued before the last rotation) or ``next`` (by a
    server that saw the rotation first) still resume and are re-issued under ``current``.
    Node accepts only its current keys, so a rotation there turns every resumption into a
    full handshake; here a ticket resumes for one more period after the rotation that
    retired its key, and not after the next one.  Until the first fetch answers (the
    :attr:`SessionStore.ready` future) tickets use the context's own random keys.

Failure is not fatal
    Every Redis call is bounded by ``timeout`` seconds (the client's connect and read
    timeouts, no retries, and an asyncio deadline around each call): no handshake waits
    longer than that because of the store.  When a call fails or times out, the store is
    *down*: the handle emits ``'storeError'`` once (a :class:`~nodessl.errors.NodeError`
    with code ``ERR_SESSION_STORE_UNAVAILABLE``), and until Redis answers again
    ``resumeSession`` answers null at once (a full handshake), ``newSession`` calls
    ``done()`` at once, and the servers keep their last ticket keys.  A ``PING`` every
    ``retry_every`` seconds finds Redis back: the handle emits ``'storeRecovered'``,
    fetches the ticket keys, and the store works again.

Security
    The stored sessions are the master secrets of live connections, and the ticket keys
    decrypt every ticket (hence every resumed session) of the cluster: whoever reads the
    Redis database can decrypt recorded traffic of every session still stored or ticket
    still valid.  Give the cluster its own Redis (or its own ``prefix`` and an ACL user
    restricted to ``<prefix>*`` keys), require a password (``redis://USER:PASSWORD@HOST``),
    and use TLS to Redis (``rediss://`` URLs; ``ca`` is the PEM of the CA that signed the
    Redis server's certificate, other client TLS options go through ``redis_options``) when
    Redis is not on the same host.  Redis must not persist the keys to disk where that
    matters (``save ''``, ``appendonly no``).  This module logs nothing; its errors carry no
    session, key or password.  An ACL user needs no more than
    ``~<prefix>* +get +set +eval +evalsha +ping +hget +hmget +hset +time`` (the key-set
    script runs the last four).  An eviction policy that may drop the key set (``allkeys-*``)
    costs the cluster its tickets when it does: a new set is created and every server
    applies it, so prefer ``noeviction`` or ``volatile-*`` (sessions have TTLs, the key set
    has none).

Shared backend only (``newSession``/``resumeSession`` and the ticket-key callback): on the
bundled backend :func:`attach` raises ``ERR_FEATURE_UNAVAILABLE_ON_PLATFORM``.  Needs the
``redis`` package (``pip install nodessl[redis]``).

Events of the :class:`SessionStore` handle: ``'storeError'`` ``(err)``, once per outage;
``'storeRecovered'`` ``()``; ``'ticketKeys'`` ``(generation)`` when a new generation of
ticket keys was applied (the keys themselves are never emitted).
"""

from __future__ import annotations

import asyncio
import math
import os
import random
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from . import backend
from .der import iter_tlvs, read_tlv
from .errors import NodeError, invalid_arg_type, invalid_arg_value
from .events import EventEmitter

if TYPE_CHECKING:
    from .context import SecureContext
    from .server import Server

__all__ = ["SessionStore", "attach", "DEFAULT_PREFIX", "DEFAULT_TIMEOUT",
           "DEFAULT_MAX_CONNECTIONS"]

DEFAULT_PREFIX = "nodessl:"
"""The key prefix when none is given: give each cluster its own."""

DEFAULT_TIMEOUT = 0.25
"""Seconds any one Redis call may take before the store counts as down."""

DEFAULT_MAX_CONNECTIONS = 16
"""Redis connections one server opens at most (``redis_options={"max_connections": n}``)."""

_TLS13 = 0x0304

# Creates the key set, or rotates it when forced (ARGV[2] == '1') or when ARGV[1] ms passed
# since the last rotation (0: never on a schedule), in one atomic step; returns
# {gen, previous, current, next, rotated at (ms), now (ms)} by Redis's clock.  ARGV[3] and
# ARGV[4] are fresh random keys from the caller: the new 'next' key (and at creation, the
# 'current' one); unused when nothing changes.
_KEYS_SCRIPT = """
local k = KEYS[1]
local period = tonumber(ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local gen = tonumber(redis.call('HGET', k, 'gen'))
if not gen then
  redis.call('HSET', k, 'gen', 1, 'previous', '', 'current', ARGV[3], 'next', ARGV[4],
             'at', string.format('%d', now))
else
  local at = tonumber(redis.call('HGET', k, 'at')) or 0
  if ARGV[2] == '1' or (period > 0 and now - at >= period) then
    local cur = redis.call('HMGET', k, 'current', 'next')
    redis.call('HSET', k, 'gen', gen + 1, 'previous', cur[1], 'current', cur[2],
               'next', ARGV[3], 'at', string.format('%d', now))
  end
end
local v = redis.call('HMGET', k, 'gen', 'previous', 'current', 'next', 'at')
return {v[1], v[2], v[3], v[4], v[5], string.format('%d', now)}
"""


def _session_protocol(der: bytes) -> int:
    """The protocol version of an ``SSL_SESSION`` DER (its second INTEGER), 0 if unreadable."""
    try:
        _, pos, end = read_tlv(der)
        ints = [der[s:e] for tag, s, e in iter_tlvs(der, pos, end) if tag == 0x02][:2]
    except ValueError:
        return 0
    return int.from_bytes(ints[1], "big") if len(ints) == 2 else 0


def _number(name: str, value: Any, *, optional: bool = False) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise invalid_arg_type(name, "of type number", value)
    if not math.isfinite(value) or value <= 0:
        raise invalid_arg_value(name, value, "must be a positive number")
    return float(value)


class SessionStore(EventEmitter):
    """The handle :func:`attach` returns: one server's link to the cluster's Redis.

    Emits ``'storeError'`` ``(err)`` once per outage, ``'storeRecovered'`` when Redis answers
    again and ``'ticketKeys'`` ``(generation)`` when new ticket keys were applied (see the
    module docstring).  :meth:`close` detaches it; closing the server does too.
    """

    # EventEmitter's set of listener futures, made at once: the store's own tasks join it,
    # so close() cancels both
    _tasks: set[asyncio.Future[Any]]

    def __init__(self, server: Server, client: Any, *, prefix: str, timeout: float,
                 rotate_every: float | None, refresh_every: float, retry_every: float,
                 session_ids: bool, ticket_keys: bool, scrub: tuple[str, ...]) -> None:
        super().__init__()
        self._loop: asyncio.AbstractEventLoop = server._loop
        self._server = server
        self._client = client
        self.prefix = prefix
        self.timeout = timeout
        self.rotate_every = rotate_every
        self.refresh_every = refresh_every
        self.retry_every = retry_every
        self._scrub = scrub  # secrets of the URL an error message must not repeat
        self._down = False
        self._closed = False
        self._tasks = set()
        self._refresh_timer: asyncio.TimerHandle | None = None
        self._probe_timer: asyncio.TimerHandle | None = None
        self._keys: tuple[bytes, bytes, bytes] | None = None  # previous, current, next
        self._generation = 0
        self._ticket_keys = ticket_keys
        self._session_ids = session_ids
        self._script = client.register_script(_KEYS_SCRIPT) if ticket_keys else None
        self.ready: asyncio.Future[int] = self._loop.create_future()
        """Resolves (to :attr:`generation`) once the first ticket-key fetch has answered or
        failed: connections made after it get the cluster's tickets."""
        if session_ids:
            server.on("newSession", self._on_new_session)
            server.on("resumeSession", self._on_resume_session)
        server.on("close", self._on_server_close)
        if ticket_keys:
            self._spawn(self._refresh(False))
        else:
            self.ready.set_result(0)

    # -- what it holds ----------------------------------------------------------------

    @property
    def generation(self) -> int:
        """The generation of the ticket keys applied (0: none from Redis yet)."""
        return self._generation

    @property
    def available(self) -> bool:
        """False while Redis is down (between ``'storeError'`` and ``'storeRecovered'``)."""
        return not self._down

    def session_key(self, session_id: bytes) -> str:
        """The Redis key a session id is stored under."""
        return f"{self.prefix}session:{bytes(session_id).hex()}"

    @property
    def ticket_keys_key(self) -> str:
        """The Redis key of the cluster's ticket-key set."""
        return f"{self.prefix}ticketkeys"

    def __repr__(self) -> str:
        state = "closed" if self._closed else "down" if self._down else "up"
        return f"<SessionStore prefix={self.prefix!r} {state} generation={self._generation}>"

    # -- control ----------------------------------------------------------------------

    def refresh(self) -> Awaitable[int]:
        """Fetch the cluster's ticket keys now (rotating them if a rotation is due) and apply
        them; resolves to the generation applied (the same as before when Redis failed:
        that goes to ``'storeError'``)."""
        return self._key_task(False)

    def rotate(self) -> Awaitable[int]:
        """Rotate the cluster's ticket keys now, whatever the schedule, and apply them here
        (the other servers follow at their next refresh); resolves to the new generation."""
        return self._key_task(True)

    def _key_task(self, force: bool) -> Awaitable[int]:
        if not self._ticket_keys:
            raise NodeError("This session store does not share ticket keys (ticket_keys=False)",
                            "ERR_INVALID_STATE")
        if self._closed:
            done: asyncio.Future[int] = self._loop.create_future()
            done.set_result(self._generation)
            return done
        return self._spawn(self._refresh(force))

    def close(self) -> Awaitable[None]:
        """Detach from the server (its listeners go, sessions in flight get null/done) and
        close the Redis connections; the returned task finishes when they are closed."""
        if not self._closed:
            self._closed = True
            server = self._server
            if self._session_ids:
                server.removeListener("newSession", self._on_new_session)
                server.removeListener("resumeSession", self._on_resume_session)
            server.removeListener("close", self._on_server_close)
            for timer in (self._refresh_timer, self._probe_timer):
                if timer is not None:
                    timer.cancel()
            for task in list(self._tasks):
                task.cancel()
            if not self.ready.done():
                self.ready.set_result(self._generation)
        return self._loop.create_task(self._close_client())

    async def _close_client(self) -> None:
        try:
            await asyncio.wait_for(self._client.aclose(close_connection_pool=True),
                                   self.timeout)
        except Exception:  # noqa: BLE001 - the connections are dropped either way
            pass

    def _on_server_close(self, *_args: Any) -> None:
        self.close()

    # -- plumbing ---------------------------------------------------------------------

    def _spawn(self, coro: Any) -> asyncio.Task[Any]:
        task = self._loop.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._reap)
        return task

    def _reap(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # a listener of ours raised (the store's own failures never get here): uncaught,
            # as it would be from any other callback
            self._loop.call_exception_handler({
                "message": "Unhandled exception in a nodessl.sessions listener",
                "exception": task.exception(), "task": task})

    async def _bounded(self, call: Callable[[], Awaitable[Any]]) -> Any:
        async with asyncio.timeout(self.timeout):
            return await call()

    def _failed(self, exc: BaseException) -> None:
        if self._closed or self._down:
            return
        self._down = True
        self._schedule_probe()
        self.emit("storeError", self._error(exc))

    def _error(self, exc: BaseException) -> NodeError:
        """What the handle reports: the kind of failure and the client's words for
        connection, timeout and authentication errors (which name a host, never a value),
        with the URL's secrets removed; no chained exception (a command's arguments stay
        out)."""
        import redis.exceptions as rex

        kind = type(exc).__name__
        if isinstance(exc, (TimeoutError, rex.TimeoutError)):
            # ours or the client's socket timeout (both are `timeout`): one report
            kind, detail = "TimeoutError", f"no answer within {self.timeout:g} s"
        elif isinstance(exc, (rex.ConnectionError, OSError)):
            detail = str(exc)
        else:
            detail = ""
        for secret in self._scrub:
            detail = detail.replace(secret, "***")
        message = f"Session store unavailable ({kind}{': ' + detail if detail else ''})"
        return NodeError(message, "ERR_SESSION_STORE_UNAVAILABLE", reason=kind)

    def _schedule_probe(self) -> None:
        if not self._closed:
            self._probe_timer = self._loop.call_later(self.retry_every,
                                                      lambda: self._spawn(self._probe()))

    async def _probe(self) -> None:
        self._probe_timer = None
        try:
            await self._bounded(self._client.ping)
        except Exception:  # noqa: BLE001 - still down: reported once already
            self._schedule_probe()
            return
        if self._closed:
            return
        if self._ticket_keys:
            self._spawn(self._refresh(False))
        self._recovered()

    def _recovered(self) -> None:
        if not self._down or self._closed:
            return
        self._down = False
        if self._probe_timer is not None:
            self._probe_timer.cancel()
            self._probe_timer = None
        self.emit("storeRecovered")

    # -- session ids: newSession / resumeSession ----------------------------------------

    def _on_new_session(self, session_id: bytes, data: bytes, done: Callable[..., Any]) -> None:
        ttl = self._server._secure_context.context.get_timeout()
        if (self._down or self._closed or not session_id or ttl <= 0
                or _session_protocol(data) == _TLS13):
            done()
            return
        self._spawn(self._store(self.session_key(session_id), bytes(data), ttl, done))

    async def _store(self, key: str, data: bytes, ttl: int, done: Callable[..., Any]) -> None:
        try:
            try:
                await self._bounded(lambda: self._client.set(key, data, ex=ttl))
            except Exception as exc:  # noqa: BLE001 - any failure: serve on, report once
                self._failed(exc)
        finally:
            done()

    def _on_resume_session(self, session_id: bytes, callback: Callable[..., Any]) -> None:
        if self._down or self._closed:
            callback(None, None)
            return
        self._spawn(self._fetch(self.session_key(session_id), callback))

    async def _fetch(self, key: str, callback: Callable[..., Any]) -> None:
        data = None
        try:
            try:
                data = await self._bounded(lambda: self._client.get(key))
            except Exception as exc:  # noqa: BLE001 - any failure: a full handshake
                self._failed(exc)
        finally:
            callback(None, data or None)

    # -- ticket keys ------------------------------------------------------------------

    async def _refresh(self, force: bool) -> int:
        try:
            if self._down and not force:
                return self._generation  # the probe refreshes once Redis is back
            if self._refresh_timer is not None:
                self._refresh_timer.cancel()
                self._refresh_timer = None
            period = round(self.rotate_every * 1000) if self.rotate_every else 0
            assert self._script is not None
            script = self._script
            try:
                reply = await self._bounded(lambda: script(
                    keys=[self.ticket_keys_key],
                    args=[period, 1 if force else 0, os.urandom(48), os.urandom(48)]))
                gen, previous, current, nxt = int(reply[0]), reply[1], reply[2], reply[3]
                at, now = int(reply[4]), int(reply[5])
                if len(current) != 48 or len(nxt) != 48 or len(previous) not in (0, 48):
                    raise _MalformedKeys("the ticket-key set in Redis is malformed")
            except Exception as exc:  # noqa: BLE001 - keep the keys we have
                self._failed(exc)
                self._schedule_refresh(self.refresh_every)
                return self._generation
            self._recovered()  # a forced rotation may find Redis back before the probe
            self._apply(gen, previous, current, nxt)
            due = (at + period - now) / 1000 if period else math.inf
            # a little after the rotation falls due, spread so that one host rotates and the
            # others read its keys
            self._schedule_refresh(min(self.refresh_every, max(due, 0) + random.uniform(0.01, 0.1)))
            return self._generation
        finally:
            if not self.ready.done():
                self.ready.set_result(self._generation)

    def _schedule_refresh(self, delay: float) -> None:
        if self._closed:
            return
        if self._refresh_timer is not None:
            self._refresh_timer.cancel()
        self._refresh_timer = self._loop.call_later(delay, self._timed_refresh)

    def _timed_refresh(self) -> None:
        self._refresh_timer = None
        self._spawn(self._refresh(False))

    def _contexts(self) -> list[SecureContext]:
        server = self._server
        return [server._secure_context, *(ctx for _, ctx in server._contexts)]

    def _apply(self, gen: int, previous: bytes, current: bytes, nxt: bytes) -> None:
        # every time, not only for a new generation: setSecureContext/addContext may have
        # brought contexts that have not seen the keys yet
        others = tuple(k for k in (previous, nxt) if k)
        for context in self._contexts():
            context._use_ticket_keys(current, others)
        if gen != self._generation or self._keys is None or self._keys[1] != current:
            self._keys = (previous, current, nxt)
            self._generation = gen
            self.emit("ticketKeys", gen)


class _MalformedKeys(Exception):
    """The ticket-key hash in Redis holds something else than 48-byte keys."""


def _scrub_list(url: str) -> tuple[str, ...]:
    """The URL's password and user: what error messages must not repeat."""
    try:
        parts = urlsplit(url)
        return tuple(s for s in (parts.password, parts.username) if s)
    except ValueError:
        return ()


def attach(server: Server, redis_url: str, *, prefix: str = DEFAULT_PREFIX,
           timeout: float = DEFAULT_TIMEOUT, rotate_every: float | None = None,
           refresh_every: float | None = None, retry_every: float = 1.0,
           session_ids: bool = True, ticket_keys: bool = True, ca: str | bytes | None = None,
           redis_options: Mapping[str, Any] | None = None) -> SessionStore:
    """Share ``server``'s sessions and ticket keys with every server attached to the same
    Redis and ``prefix`` (see the module docstring); returns the :class:`SessionStore`.

    ``redis_url``: ``redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]``, ``rediss://`` for TLS
    (``ca``: the PEM of the CA that signed Redis's certificate), or ``unix://PATH``.
    ``timeout``: seconds any one Redis call may take.  ``rotate_every``: seconds between
    ticket-key rotations (None: the keys are shared but never rotated on a schedule).
    ``refresh_every``: seconds between ticket-key fetches besides those when a rotation is
    due (default: a quarter of ``rotate_every``, at most 30).  ``retry_every``: seconds
    between checks whether Redis is back.  ``session_ids`` / ``ticket_keys``: which of the
    two to share.  ``redis_options``: more keyword arguments for ``redis.asyncio.from_url``
    (e.g. ``ssl_certfile``/``ssl_keyfile``, ``ssl_check_hostname``).

    Contexts a later ``server.setSecureContext()`` or ``addContext()`` brings get the
    cluster's ticket keys at the next refresh; call :meth:`SessionStore.refresh` to give them
    at once.  The store runs on the server's loop.
    Shared backend only: ``ERR_FEATURE_UNAVAILABLE_ON_PLATFORM`` on the bundled one.
    """
    from .server import Server

    if not isinstance(server, Server):
        raise invalid_arg_type("server", "an instance of tls.Server", server)
    if not isinstance(redis_url, str):
        raise invalid_arg_type("redis_url", "of type string", redis_url)
    scheme = redis_url.split(":", 1)[0].lower()
    if scheme not in ("redis", "rediss", "unix"):
        raise invalid_arg_value("redis_url", scheme,
                                "must be a redis://, rediss:// or unix:// URL")
    if not isinstance(prefix, str):
        raise invalid_arg_type("prefix", "of type string", prefix)
    timeout_s = _number("timeout", timeout)
    rotate_s = _number("rotate_every", rotate_every, optional=True)
    refresh_s = _number("refresh_every", refresh_every, optional=True)
    retry_s = _number("retry_every", retry_every)
    assert timeout_s is not None and retry_s is not None
    if refresh_s is None:
        refresh_s = min(rotate_s / 4, 30.0) if rotate_s else 30.0
    if ca is not None and not isinstance(ca, (str, bytes)):
        raise invalid_arg_type("ca", "of type string or an instance of Buffer", ca)
    if ca is not None and scheme != "rediss":
        raise invalid_arg_value("ca", "<PEM>", "applies to rediss:// URLs only")
    if redis_options is not None and not isinstance(redis_options, Mapping):
        raise invalid_arg_type("redis_options", "of type object", redis_options)
    backend.require_shared("sessions.attach")
    try:
        import redis.asyncio as aioredis
        from redis.asyncio.connection import BlockingConnectionPool
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff
    except ImportError:
        raise NodeError("nodessl.sessions needs the redis package: pip install nodessl[redis]",
                        "ERR_MODULE_NOT_FOUND") from None
    options: dict[str, Any] = {
        # a burst of handshakes shares a few connections (each call waits for a free one
        # within its own deadline) instead of opening one each
        "max_connections": DEFAULT_MAX_CONNECTIONS,
        "timeout": timeout_s,
        # one bound for every step: connecting, each reply; no retries (the next
        # connection tries again)
        "socket_connect_timeout": timeout_s,
        "socket_timeout": timeout_s,
        "retry": Retry(NoBackoff(), 0),
        "retry_on_timeout": False,
        "decode_responses": False,
    }
    if ca is not None:
        options["ssl_ca_data"] = ca.decode("ascii") if isinstance(ca, bytes) else ca
    options.update(redis_options or {})
    client = aioredis.Redis(connection_pool=BlockingConnectionPool.from_url(redis_url,
                                                                            **options))
    return SessionStore(server, client, prefix=prefix, timeout=timeout_s, rotate_every=rotate_s,
                        refresh_every=refresh_s, retry_every=retry_s,
                        session_ids=bool(session_ids), ticket_keys=bool(ticket_keys),
                        scrub=_scrub_list(redis_url))
