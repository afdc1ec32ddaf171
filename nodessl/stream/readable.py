"""Node's ``stream.Readable`` (``lib/internal/streams/readable.js``).

Flowing and paused modes, ``read(n)``, ``readable``, ``push``/``unshift``, ``pipe`` and
``for await`` (``__aiter__``); the module functions are Node's ``readable.js`` helpers.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from typing import Any

from .. import encodings as _enc
from ..errors import NodeError, NodeRangeError, invalid_arg_type
from ..events import captureRejectionSymbol
from ..loop import next_tick
from .base import Stream, _destroy_on_rejection
from .state import (
    _OPTION_METHODS,
    MAX_HWM,
    ReadableState,
    _bind,
    _chunk_type,
    _not_implemented,
    _options,
    _to_buffer,
)


class Readable(Stream):
    """Node's ``stream.Readable``: flowing and paused modes, ``read(n)``, ``readable``, pipe."""

    # set by __init__ (None only while Stream.__init__ runs, which the hooks below check)
    _readableState: ReadableState

    def __init__(self, options: dict[str, Any] | None = None, **kwargs: Any) -> None:
        opts = _options(options, kwargs)
        super().__init__(opts)
        self._init_readable(opts, False)
        self._init_callables(opts)
        if type(self)._construct is not Stream._construct or "_construct" in self.__dict__:
            self._construct_now()

    def _init_readable(self, opts: dict[str, Any], is_duplex: bool) -> None:
        self._readableState = ReadableState(opts, is_duplex)

    def _init_callables(self, opts: dict[str, Any]) -> None:
        for name, attr, arity in _OPTION_METHODS:
            fn = opts.get(name)
            if fn is not None and self._accepts(attr):
                setattr(self, attr, _bind(self, fn, arity, name))

    def _accepts(self, attr: str) -> bool:
        return attr in ("_read", "_destroy", "_construct")

    def _on_readable_end(self) -> None:
        # after 'end': autoDestroy (a Duplex waits for its writable side too)
        _readable_auto_destroy(self)

    # -- listener hooks --------------------------------------------------------------------

    def on(self, event: str, f: Callable[..., Any] | None = None) -> Any:
        """Add a listener; ``data`` starts the flow (unless paused), ``readable`` pauses it."""
        res = super().on(event, f)
        if f is not None and self._readableState is not None:
            self._listener_added(event)
        return res

    def once(self, event: str, f: Callable[..., Any] | None = None) -> Any:
        """Add a one-shot listener; ``data`` and ``readable`` act as with :meth:`on`."""
        res = super().once(event, f)
        if f is not None and self._readableState is not None:
            self._listener_added(event)
        return res

    def _listener_added(self, event: str) -> None:
        state = self._readableState
        assert state is not None
        if event == "data":
            state.readableListening = self.listenerCount("readable") > 0
            if state.flowing is not False:
                self.resume()
        elif event == "readable":
            if not state.endEmitted and not state.readableListening:
                state.readableListening = state.needReadable = True
                state.flowing = False
                state.emittedReadable = False
                if state.length:
                    _emit_readable(self)
                elif not state.reading:
                    next_tick(self._loop, self.read, 0)

    def removeListener(self, event: str, f: Callable[..., Any]) -> Any:
        """Remove a listener; removing the last ``readable`` one may restart the flow."""
        res = super().removeListener(event, f)
        if event == "readable" and self._readableState is not None:
            next_tick(self._loop, _update_readable_listening, self)
        return res

    def off(self, event: str, f: Callable[..., Any]) -> Any:
        """Node's alias of :meth:`removeListener`."""
        return self.removeListener(event, f)

    def removeAllListeners(self, event: str | None = None) -> Any:
        """Remove listeners; as in Node, the flow is re-evaluated for ``readable``."""
        res = super().removeAllListeners(event)
        if (event == "readable" or event is None) and self._readableState is not None:
            next_tick(self._loop, _update_readable_listening, self)
        return res

    # -- properties ------------------------------------------------------------------------

    @property
    def readable(self) -> bool:
        """Whether reading may still produce data."""
        r = self._readableState
        return bool(r is not None and r.readable and not r.destroyed and not r.errorEmitted
                    and not r.endEmitted)

    @readable.setter
    def readable(self, value: bool) -> None:
        if self._readableState is not None:
            self._readableState.readable = bool(value)

    @property
    def readableLength(self) -> int:
        """Bytes (or objects, or characters once decoding) buffered on the readable side."""
        return self._readableState.length if self._readableState is not None else 0

    @property
    def readableHighWaterMark(self) -> int:
        """The readable side's high-water mark."""
        return self._readableState.highWaterMark if self._readableState is not None else 0

    @property
    def readableFlowing(self) -> bool | None:
        """None before anyone read, True while flowing, False when paused."""
        return self._readableState.flowing if self._readableState is not None else None

    @readableFlowing.setter
    def readableFlowing(self, value: bool | None) -> None:
        if self._readableState is not None:
            self._readableState.flowing = value

    # the name the rest of nodessl used before streams were public
    _flowing = readableFlowing

    @property
    def readableEnded(self) -> bool:
        """Whether ``end`` was emitted."""
        return bool(self._readableState is not None and self._readableState.endEmitted)

    @property
    def readableEncoding(self) -> str | None:
        """The encoding set with :meth:`setEncoding` (Node's canonical name)."""
        return self._readableState.encoding if self._readableState is not None else None

    @property
    def readableObjectMode(self) -> bool:
        """Whether the readable side is in object mode."""
        return bool(self._readableState is not None and self._readableState.objectMode)

    @property
    def readableAborted(self) -> bool:
        """Destroyed or errored before ``end``."""
        r = self._readableState
        return bool(r is not None and (r.destroyed or r.errored is not None)
                    and not r.endEmitted)

    @property
    def readableDidRead(self) -> bool:
        """Whether ``data`` was ever emitted."""
        return bool(self._readableState is not None and self._readableState.dataEmitted)

    # -- push / unshift (readableAddChunk) -------------------------------------------------

    def push(self, chunk: Any, encoding: str | None = None) -> bool:
        """Owner side: add a chunk (None for EOF); False means stop producing for now."""
        state = self._readableState
        assert state is not None
        if chunk is not None and not state.objectMode:
            if type(chunk) is bytes:
                if not chunk:
                    state.reading = False
                    _maybe_read_more(self, state)
                    return not state.ended and (
                        state.length < state.highWaterMark or state.length == 0)
                if state.ended:
                    self._error_or_destroy(NodeError("stream.push() after EOF",
                                                     "ERR_STREAM_PUSH_AFTER_EOF"))
                elif state.destroyed or state.errored is not None:
                    return False
                else:
                    # the common case (a socket's received bytes): Node's addChunk inline
                    state.reading = False
                    decoder = state.decoder
                    if (decoder is None and state.flowing and not state.length
                            and not state.sync and self._events.get("data")):
                        # flowing with nothing buffered: straight out as 'data'
                        if state.multiAwaitDrain:
                            state.awaitDrainWriters.clear()
                        else:
                            state.awaitDrainWriters = None
                        state.dataEmitted = True
                        self.emit("data", chunk)
                        if not state.readingMore:
                            _maybe_read_more(self, state)
                    elif decoder is not None:
                        text = decoder.write(chunk)
                        if text:
                            _add_chunk(self, state, text, False)
                        else:
                            _maybe_read_more(self, state)
                    else:
                        _add_chunk(self, state, chunk, False)
                return not state.ended and (
                    state.length < state.highWaterMark or state.length == 0)
        return _readable_add_chunk(self, chunk, encoding, False)

    def _push_reading(self, chunk: bytes) -> bool:
        """:meth:`push` for an owner that reads by itself and whose ``_read`` is a no-op
        while it does (a socket reading its connection; the caller knows it is reading).

        Flowing with nothing buffered, the chunk goes out as 'data' as push() sends it;
        what Node's maybeReadMore would then schedule is a read(0) whose only effects
        are that no-op ``_read`` and ``needReadable``, so that is set here and nothing
        is scheduled.  Any other case is push()'s."""
        state = self._readableState
        if (state.flowing and not state.length and not state.sync and not state.readingMore
                and state.decoder is None and not state.objectMode and not state.ended
                and not state.destroyed and state.errored is None and chunk
                and state.constructed and self._events.get("data")):
            state.reading = False
            if state.multiAwaitDrain:
                state.awaitDrainWriters.clear()
            else:
                state.awaitDrainWriters = None
            state.dataEmitted = True
            self.emit("data", chunk)
            state.needReadable = True
            return not state.ended and (
                state.length < state.highWaterMark or state.length == 0)
        return self.push(chunk)

    def unshift(self, chunk: Any, encoding: str | None = None) -> bool:
        """Put ``chunk`` back at the front of the buffer (it is read next)."""
        return _readable_add_chunk(self, chunk, encoding, True)

    # -- read ------------------------------------------------------------------------------

    def read(self, n: int | None = None) -> Any:
        """Paused mode: take ``n`` bytes (all that is buffered without ``n``), or None.

        Node's rules: ``read(n)`` returns None while fewer than ``n`` are buffered and the
        stream has not ended; at the end it returns what is left.  ``read(0)`` consumes
        nothing but asks ``_read`` for more (or ends an exhausted stream).
        """
        state = self._readableState
        assert state is not None
        if n is not None:
            if isinstance(n, bool) or not isinstance(n, (int, float)):
                try:
                    n = int(n)
                except (TypeError, ValueError):
                    n = None
            elif isinstance(n, float):
                n = None if n != n else int(n)
        n_orig = n
        if n is not None and n > state.highWaterMark:
            state.highWaterMark = _compute_new_hwm(n)
        if n != 0:
            state.emittedReadable = False
        if n == 0 and state.needReadable and (
                (state.length >= state.highWaterMark if state.highWaterMark != 0
                 else state.length > 0) or state.ended):
            if state.length == 0 and state.ended:
                _end_readable(self)
            else:
                _emit_readable(self)
            return None
        if state.ended and state.length == 0:  # (what _how_much_to_read makes 0 at once)
            _end_readable(self)
            return None
        n = _how_much_to_read(n, state)
        if n == 0 and state.ended:
            if state.length == 0:
                _end_readable(self)
            return None
        do_read = state.needReadable
        if state.length == 0 or state.length - n < state.highWaterMark:
            do_read = True
        if (state.ended or state.reading or state.destroyed or state.errored is not None
                or not state.constructed):
            do_read = False
        elif do_read:
            state.reading = True
            state.sync = True
            if state.length == 0:
                state.needReadable = True
            try:
                self._read(state.highWaterMark)
            except Exception as exc:  # noqa: BLE001 - Node: errorOrDestroy
                self._error_or_destroy(exc)
            state.sync = False
            if not state.reading:
                n = _how_much_to_read(n_orig, state)
        ret = _from_list(n, state) if n > 0 else None
        if ret is None:
            state.needReadable = state.length <= state.highWaterMark
            n = 0
        else:
            state.length -= n
            if state.multiAwaitDrain:
                state.awaitDrainWriters.clear()
            else:
                state.awaitDrainWriters = None
        if state.length == 0:
            if not state.ended:
                state.needReadable = True
            if n_orig != n and state.ended:
                _end_readable(self)
        if ret is not None and not state.errorEmitted and not state.closeEmitted:
            state.dataEmitted = True
            self.emit("data", ret)
        return ret

    def _read(self, size: int) -> None:
        """Produce data with :meth:`push` (override, or pass ``read``)."""
        raise _not_implemented("_read()")

    # -- modes -----------------------------------------------------------------------------

    def resume(self) -> Any:
        """Switch to flowing mode: buffered and future data comes as ``data``."""
        state = self._readableState
        assert state is not None
        if not state.flowing:
            state.flowing = not state.readableListening
            if not state.resumeScheduled:
                state.resumeScheduled = True
                next_tick(self._loop, _resume_nt, self, state)
        state.paused = False
        return self

    def pause(self) -> Any:
        """Stop emitting ``data``; incoming data is buffered up to the high-water mark."""
        state = self._readableState
        assert state is not None
        if state.flowing is not False:
            state.flowing = False
            self.emit("pause")
        state.paused = True
        return self

    def isPaused(self) -> bool:
        """True after :meth:`pause` (until :meth:`resume`)."""
        state = self._readableState
        return bool(state is not None and (state.paused is True or state.flowing is False))

    def setEncoding(self, encoding: str | None = "utf8") -> Any:
        """Emit ``str`` decoded with ``encoding`` (Node's names) instead of ``bytes``."""
        state = self._readableState
        assert state is not None
        if encoding is not None and not isinstance(encoding, str):
            raise invalid_arg_type("encoding", "of type string", encoding)
        decoder = _enc.StringDecoder(encoding)
        state.decoder = decoder
        state.encoding = decoder.encoding
        content = "".join(decoder.write(c) if not isinstance(c, str) else c
                          for c in state.buffer)
        state.buffer.clear()
        if content:
            state.buffer.append(content)
        state.length = len(content)
        return self

    # -- pipe ------------------------------------------------------------------------------

    def pipe(self, dest: Any, options: dict[str, Any] | None = None, **kw: Any) -> Any:
        """Pipe into ``dest`` with backpressure (pausing while ``dest.write`` says False)."""
        src = self
        state = self._readableState
        assert state is not None
        opts = {**(options or {}), **kw}
        if len(state.pipes) == 1 and not state.multiAwaitDrain:
            state.multiAwaitDrain = True
            state.awaitDrainWriters = set([state.awaitDrainWriters]
                                          if state.awaitDrainWriters is not None else [])
        state.pipes.append(dest)
        do_end = opts.get("end", True) is not False
        ondrain: list[Callable[..., Any]] = []
        cleaned_up = False

        def onend(*_: Any) -> None:
            dest.end()

        def unpipe(*_: Any) -> None:
            src.unpipe(dest)

        end_fn = onend if do_end else unpipe
        if state.endEmitted:
            next_tick(self._loop, end_fn)
        else:
            src.once("end", end_fn)

        def onunpipe(readable: Any, info: dict[str, Any] | None = None) -> None:
            if readable is src and info is not None and info.get("hasUnpiped") is False:
                info["hasUnpiped"] = True
                cleanup()

        def cleanup() -> None:
            nonlocal cleaned_up
            dest.removeListener("close", onclose)
            dest.removeListener("finish", onfinish)
            if ondrain:
                dest.removeListener("drain", ondrain[0])
            dest.removeListener("error", onerror)
            dest.removeListener("unpipe", onunpipe)
            src.removeListener("end", onend)
            src.removeListener("end", unpipe)
            src.removeListener("data", ondata)
            cleaned_up = True
            ws = getattr(dest, "_writableState", None)
            if ondrain and state.awaitDrainWriters and (ws is None or ws.needDrain):
                ondrain[0]()

        def pause() -> None:
            if not cleaned_up:
                if len(state.pipes) == 1 and state.pipes[0] is dest:
                    state.awaitDrainWriters = dest
                    state.multiAwaitDrain = False
                elif len(state.pipes) > 1 and dest in state.pipes:
                    state.awaitDrainWriters.add(dest)
                src.pause()
            if not ondrain:
                ondrain.append(_pipe_on_drain(src, dest))
                dest.on("drain", ondrain[0])

        def ondata(chunk: Any) -> None:
            if dest.write(chunk) is False:
                pause()

        src.on("data", ondata)

        def onerror(err: BaseException) -> None:
            unpipe()
            dest.removeListener("error", onerror)
            if dest.listenerCount("error") == 0:
                s = getattr(dest, "_writableState", None) or getattr(dest, "_readableState", None)
                if s is not None and not s.errorEmitted and hasattr(dest, "_error_or_destroy"):
                    dest._error_or_destroy(err)
                else:
                    dest.emit("error", err)

        dest.prependListener("error", onerror)

        def onclose(*_: Any) -> None:
            dest.removeListener("finish", onfinish)
            unpipe()

        def onfinish(*_: Any) -> None:
            dest.removeListener("close", onclose)
            unpipe()

        dest.once("close", onclose)
        dest.once("finish", onfinish)
        dest.emit("pipe", src)
        if getattr(dest, "writableNeedDrain", False) is True:
            pause()
        elif not state.flowing:
            src.resume()
        return dest

    def unpipe(self, dest: Any = None) -> Any:
        """Undo :meth:`pipe` for ``dest`` (every destination when None)."""
        state = self._readableState
        assert state is not None
        if not state.pipes:
            return self
        if dest is None:
            dests, state.pipes = state.pipes, []
            self.pause()
            for d in dests:
                d.emit("unpipe", self, {"hasUnpiped": False})
            return self
        if dest not in state.pipes:
            return self
        state.pipes.remove(dest)
        if not state.pipes:
            self.pause()
        dest.emit("unpipe", self, {"hasUnpiped": False})
        return self

    def __aiter__(self) -> AsyncIterator[Any]:
        """``for await (const chunk of stream)`` is ``async for chunk in stream``: the chunks
        until ``end``; the stream's error (or ``ERR_STREAM_PREMATURE_CLOSE`` for a close
        before the end) is raised.  Leaving the loop early (``break``, an exception) destroys
        the stream at once, as Node's iterator ``return()`` does; use
        :meth:`iterator` with ``destroyOnReturn=False`` to keep it."""
        return self.iterator()

    def iterator(self, options: dict[str, Any] | None = None,
                 **kwargs: Any) -> AsyncIterator[Any]:
        """Node's ``readable.iterator([options])``: the async iterator of :meth:`__aiter__`;
        ``{"destroyOnReturn": False}`` leaves the stream open when the loop is left early."""
        if options is not None and not isinstance(options, dict):
            raise invalid_arg_type("options", "of type object", options)
        opts = {**(options or {}), **kwargs}
        return _StreamIterator(_async_iterate(self, opts.get("destroyOnReturn") is not False),
                               self)


class _StreamIterator:
    """The async generator of :func:`_async_iterate`, closed when the ``async for`` that
    holds it lets go (``break``, an exception).  Python calls nothing on an iterator a
    loop leaves, and asyncio closes a dropped async generator only some loop turns later;
    Node's ``return()`` destroys the stream before the statement after the loop runs, so
    the generator (suspended at its ``yield``; its ``finally`` never awaits) is closed
    here, synchronously, when the last reference goes.  An iterator still referenced
    elsewhere is left as it is, as a generator is, and can be resumed."""

    __slots__ = ("_agen", "stream")

    def __init__(self, agen: AsyncGenerator[Any, None], stream: Readable) -> None:
        self._agen = agen
        self.stream = stream  # as Node's iterator.stream

    def __aiter__(self) -> _StreamIterator:
        return self

    def __anext__(self) -> Awaitable[Any]:
        return self._agen.__anext__()

    def aclose(self) -> Awaitable[None]:
        """Leave the iteration (runs its clean-up: destroys the stream unless asked not to)."""
        return self._agen.aclose()

    def __del__(self) -> None:
        # the concrete async generator object: AsyncGenerator does not declare ag_frame
        agen: Any = self._agen
        if agen.ag_frame is None or agen.ag_running:
            return  # finished (or never to be finished here)
        closing = agen.aclose()
        try:
            closing.send(None)
        except StopIteration:
            pass
        except BaseException:  # noqa: BLE001 - nothing can raise out of __del__
            pass
        finally:
            closing.close()


async def _async_iterate(stream: Readable, destroy_on_return: bool) -> AsyncGenerator[Any, None]:
    """Node's ``createAsyncIterator``: read while there is data, wait on ``readable`` or
    the end (``finished``) otherwise."""
    import asyncio

    from .finished import finished

    loop = asyncio.get_running_loop()
    wake: list[asyncio.Future[None]] = []
    # Node's `error`: unset (the stream goes on), None (ended), or the error
    error: list[BaseException | None] = []

    def poke(*_: Any) -> None:
        if wake and not wake[0].done():
            wake[0].set_result(None)

    def on_finished(err: BaseException | None = None) -> None:
        if err is not None:
            error[:] = [error[0] if error and error[0] is not None else err]
        elif not error:
            error.append(None)
        poke()

    stream.on("readable", poke)
    cleanup = finished(stream, {"writable": False}, on_finished)
    try:
        while True:
            chunk = None if stream.destroyed else stream.read()
            if chunk is not None:
                yield chunk
            elif error and error[0] is not None:
                raise error[0]
            elif error:
                return
            else:
                wake[:] = [loop.create_future()]
                await wake[0]
    except Exception as exc:
        if not error or error[0] is None:
            error[:] = [exc]
        raise
    finally:
        failed = bool(error) and error[0] is not None
        state = stream._readableState
        if (failed or destroy_on_return) and (
                not error or (state is not None and state.autoDestroy)):
            stream.destroy()
        else:
            stream.removeListener("readable", poke)
            cleanup()


def _readable_add_chunk(stream: Readable, chunk: Any, encoding: str | None,
                        add_to_front: bool) -> bool:
    state = stream._readableState
    assert state is not None
    err: BaseException | None = None
    if not state.objectMode:
        if isinstance(chunk, str):
            encoding = encoding or state.defaultEncoding
            if state.encoding != _enc.normalize(encoding):
                if add_to_front and state.encoding:
                    chunk = _enc.decode(_enc.encode(chunk, encoding), state.encoding)
                else:
                    chunk = _enc.encode(chunk, encoding)
                    encoding = ""
        elif chunk is not None:
            buf = _to_buffer(chunk)
            if buf is None:
                err = _chunk_type(chunk)
            else:
                chunk = buf
                encoding = ""
    if err is not None:
        stream._error_or_destroy(err)
    elif chunk is None:
        state.reading = False
        _on_eof_chunk(stream, state)
    elif state.objectMode or len(chunk) > 0:
        if add_to_front:
            if state.endEmitted:
                stream._error_or_destroy(NodeError("stream.unshift() after end event",
                                                   "ERR_STREAM_UNSHIFT_AFTER_END_EVENT"))
            elif state.destroyed or state.errored is not None:
                return False
            else:
                _add_chunk(stream, state, chunk, True)
        elif state.ended:
            stream._error_or_destroy(NodeError("stream.push() after EOF",
                                               "ERR_STREAM_PUSH_AFTER_EOF"))
        elif state.destroyed or state.errored is not None:
            return False
        else:
            state.reading = False
            if state.decoder is not None and not encoding:
                chunk = state.decoder.write(chunk)
                if state.objectMode or len(chunk) != 0:
                    _add_chunk(stream, state, chunk, False)
                else:
                    _maybe_read_more(stream, state)
            else:
                _add_chunk(stream, state, chunk, False)
    elif not add_to_front:
        state.reading = False
        _maybe_read_more(stream, state)
    return not state.ended and (state.length < state.highWaterMark or state.length == 0)


def _add_chunk(stream: Readable, state: ReadableState, chunk: Any, add_to_front: bool) -> None:
    if (state.flowing and state.length == 0 and not state.sync
            and stream.listenerCount("data") > 0):
        if state.multiAwaitDrain:
            state.awaitDrainWriters.clear()
        else:
            state.awaitDrainWriters = None
        state.dataEmitted = True
        stream.emit("data", chunk)
    else:
        state.length += 1 if state.objectMode else len(chunk)
        if add_to_front:
            state.buffer.appendleft(chunk)
        else:
            state.buffer.append(chunk)
        if state.needReadable:
            _emit_readable(stream)
    _maybe_read_more(stream, state)


def _compute_new_hwm(n: int) -> int:
    if n > MAX_HWM:
        raise NodeRangeError(f'The value of "size" is out of range. It must be <= 1GiB. '
                             f"Received {n}", "ERR_OUT_OF_RANGE")
    n -= 1
    n |= n >> 1
    n |= n >> 2
    n |= n >> 4
    n |= n >> 8
    n |= n >> 16
    return n + 1


def _how_much_to_read(n: int | None, state: ReadableState) -> int:
    if (n is not None and n <= 0) or (state.length == 0 and state.ended):
        return 0
    if state.objectMode:
        return 1
    if n is None:
        if state.flowing and state.length:
            return len(state.buffer[0])  # one chunk at a time while flowing
        return state.length
    if n <= state.length:
        return n
    return state.length if state.ended else 0


def _from_list(n: int, state: ReadableState) -> Any:
    if state.length == 0:
        return None
    buffer = state.buffer
    if state.objectMode:
        return buffer.popleft()
    if n >= state.length:
        if len(buffer) == 1:
            ret = buffer[0]
        elif state.decoder is not None:
            ret = "".join(buffer)
        else:
            ret = b"".join(buffer)
        buffer.clear()
        return ret
    first = buffer[0]
    if n < len(first):
        buffer[0] = first[n:]
        return first[:n]
    if n == len(first):
        return buffer.popleft()
    parts = []
    need = n
    while need > 0:
        chunk = buffer[0]
        if len(chunk) <= need:
            parts.append(buffer.popleft())
            need -= len(chunk)
        else:
            parts.append(chunk[:need])
            buffer[0] = chunk[need:]
            need = 0
    return ("" if state.decoder is not None else b"").join(parts)


def _on_eof_chunk(stream: Readable, state: ReadableState) -> None:
    if state.ended:
        return
    if state.decoder is not None:
        tail = state.decoder.end()
        if tail:
            state.buffer.append(tail)
            state.length += 1 if state.objectMode else len(tail)
    state.ended = True
    if state.sync:
        _emit_readable(stream)
    else:
        state.needReadable = False
        state.emittedReadable = True
        _emit_readable_nt(stream)


def _emit_readable(stream: Readable) -> None:
    state = stream._readableState
    assert state is not None
    state.needReadable = False
    if not state.emittedReadable:
        state.emittedReadable = True
        next_tick(stream._loop, _emit_readable_nt, stream)


def _emit_readable_nt(stream: Readable) -> None:
    state = stream._readableState
    assert state is not None
    if not state.destroyed and state.errored is None and (state.length or state.ended):
        stream.emit("readable")
        state.emittedReadable = False
    state.needReadable = (not state.flowing and not state.ended
                          and state.length <= state.highWaterMark)
    _flow(stream)


def _maybe_read_more(stream: Readable, state: ReadableState) -> None:
    if not state.readingMore and state.constructed:
        state.readingMore = True
        next_tick(stream._loop, _maybe_read_more_nt, stream, state)


def _maybe_read_more_nt(stream: Readable, state: ReadableState) -> None:
    # Pull-style streams: keep asking _read until the buffer reaches the mark.
    while (not state.reading and not state.ended and
           (state.length < state.highWaterMark or (state.flowing and state.length == 0))):
        length = state.length
        stream.read(0)
        if length == state.length:
            break
    state.readingMore = False


def _update_readable_listening(stream: Readable) -> None:
    state = stream._readableState
    assert state is not None
    state.readableListening = stream.listenerCount("readable") > 0
    if state.resumeScheduled and state.paused is False:
        state.flowing = True
    elif stream.listenerCount("data") > 0:
        stream.resume()
    elif not state.readableListening:
        state.flowing = None


def _resume_nt(stream: Readable, state: ReadableState) -> None:
    if not state.reading:
        stream.read(0)
    state.resumeScheduled = False
    stream.emit("resume")
    _flow(stream)
    if state.flowing and not state.reading:
        stream.read(0)


def _flow(stream: Readable) -> None:
    state = stream._readableState
    assert state is not None
    read = stream.read
    while state.flowing and read() is not None:
        pass


def _pipe_on_drain(src: Readable, dest: Any) -> Callable[..., Any]:
    def on_drain(*_: Any) -> None:
        state = src._readableState
        assert state is not None
        if state.awaitDrainWriters is dest:
            state.awaitDrainWriters = None
        elif state.multiAwaitDrain:
            state.awaitDrainWriters.discard(dest)
        if (not state.awaitDrainWriters) and src.listenerCount("data"):
            src.resume()

    return on_drain


def _end_readable(stream: Readable) -> None:
    state = stream._readableState
    assert state is not None
    if not state.endEmitted:
        state.ended = True
        # Node queues a tick per call (read() after EOF calls this each time, a socket
        # ending right after it was resumed four or five times); ticks are cheap there, a
        # loop callback each here.  While one is queued the others would find what it
        # finds, or nothing: it emits 'end', or the stream errored or closed for good.
        # (Only data unshifted meanwhile makes it pass, and the read() that empties the
        # buffer again calls this.)
        if not state.endPending:
            state.endPending = True
            next_tick(stream._loop, _end_readable_nt, state, stream)


def _end_readable_nt(state: ReadableState, stream: Readable) -> None:
    state.endPending = False
    if (state.errored is None and not state.closeEmitted and not state.endEmitted
            and state.length == 0):
        state.endEmitted = True
        stream.emit("end")
        stream._on_readable_end()



def _readable_auto_destroy(stream: Stream) -> None:
    r, w = stream._readableState, stream._writableState
    if r is not None and r.autoDestroy:
        if w is None or (w.autoDestroy and (w.finished or w.writable is False)):
            stream.destroy()




setattr(Readable, captureRejectionSymbol, _destroy_on_rejection)
