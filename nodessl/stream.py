"""Node's Duplex stream semantics, for sockets.

Only what sockets need, kept close to Node's rules:

Readable side
    Data arrives through :meth:`Duplex.push`.  A stream starts paused; adding a
    ``data`` listener (or calling :meth:`resume`) makes it flow, on the next
    loop turn as Node does on the next tick.  ``end`` is emitted once EOF was
    pushed *and* everything before it was consumed: a stream nobody reads never
    ends, exactly as in Node.  ``push`` returns False past the high-water mark;
    the owner then stops reading its source until :meth:`_read` is called.

Writable side
    ``write`` hands bytes to :meth:`_write_out` at once (the transport below has
    its own buffer) and returns False when :attr:`writableLength` reached the
    high-water mark; the owner calls :meth:`_writable_drained` when its buffer
    is empty again and ``drain`` follows.  ``end`` runs :meth:`_final`, then
    ``finish``.  Once both ``end`` and ``finish`` happened, or on ``destroy``,
    the stream is destroyed and ``close(hadError)`` is emitted once.
"""

from __future__ import annotations

import codecs
from collections import deque
from collections.abc import Callable
from typing import Any

from .errors import NodeError, invalid_arg_type
from .events import EventEmitter
from .loop import get_loop

__all__ = ["Duplex"]

DEFAULT_HIGH_WATER_MARK = 16 * 1024

WriteCallback = Callable[[BaseException | None], Any] | None


class Duplex(EventEmitter):
    """A readable and writable byte stream with Node's events and flow control."""

    def __init__(self, *, allowHalfOpen: bool = False, highWaterMark: int | None = None) -> None:
        super().__init__()
        self.allowHalfOpen = bool(allowHalfOpen)
        hwm = DEFAULT_HIGH_WATER_MARK if highWaterMark is None else int(highWaterMark)
        self.readableHighWaterMark = hwm
        self.writableHighWaterMark = hwm
        self._loop = get_loop()
        # readable state
        self._rbuf: deque[bytes] = deque()
        self._rlen = 0
        self._flowing: bool | None = None
        self._flow_scheduled = False
        self._read_eof = False
        self.readableEnded = False
        self._decoder: codecs.IncrementalDecoder | None = None
        self._encoding: str | None = None
        # writable state
        self._need_drain = False
        self._ending = False
        self.writableEnded = False
        self.writableFinished = False
        # lifecycle
        self.destroyed = False
        self._closed_emitted = False
        self._errored: BaseException | None = None

    # -- listener hooks ------------------------------------------------------------

    def on(self, event: str, f: Callable[..., Any] | None = None) -> Any:  # type: ignore[override]
        """Add a listener; a ``data`` listener starts the flow unless paused explicitly."""
        result = super().on(event, f)
        if event == "data" and f is not None and self._flowing is not False:
            self.resume()
        elif event == "readable" and f is not None:
            self._flowing = False
            self._schedule_flow()
        return result

    def once(self, event: str, f: Callable[..., Any] | None = None) -> Any:  # type: ignore[override]
        """Add a one-shot listener; a ``data`` listener starts the flow like :meth:`on`."""
        result = super().once(event, f)
        if event == "data" and f is not None and self._flowing is not False:
            self.resume()
        return result

    # -- readable ------------------------------------------------------------------

    @property
    def readableLength(self) -> int:
        """Bytes buffered on the readable side."""
        return self._rlen

    @property
    def readableFlowing(self) -> bool | None:
        """None before anyone read, True while flowing, False when paused."""
        return self._flowing

    @property
    def readable(self) -> bool:
        """Whether reading may still produce data."""
        return not self.destroyed and not self.readableEnded

    def push(self, chunk: bytes | None) -> bool:
        """Owner side: add received bytes (None for EOF); False means stop reading."""
        if chunk is None:
            self._read_eof = True
            self._schedule_flow()
            return False
        if self._read_eof or self.destroyed or not chunk:
            return self._rlen < self.readableHighWaterMark
        if self._flowing and not self._rbuf and not self._flow_scheduled:
            self._emit_data(chunk)
        else:
            self._rbuf.append(chunk)
            self._rlen += len(chunk)
            if self._flowing is not False or self.listenerCount("readable"):
                self._schedule_flow()
        return self._rlen < self.readableHighWaterMark

    def _emit_data(self, chunk: bytes) -> None:
        if self._decoder is not None:
            text = self._decoder.decode(chunk)
            if text:
                self.emit("data", text)
        else:
            self.emit("data", chunk)

    def _schedule_flow(self) -> None:
        if not self._flow_scheduled:
            self._flow_scheduled = True
            self._loop.call_soon(self._flow)

    def _flow(self) -> None:
        self._flow_scheduled = False
        if self.destroyed:
            return
        if self._flowing:
            while self._flowing and self._rbuf and not self.destroyed:
                chunk = self._rbuf.popleft()
                self._rlen -= len(chunk)
                self._emit_data(chunk)
        elif self._rbuf or self._read_eof:
            if self.listenerCount("readable"):
                self.emit("readable")
        if self._rlen < self.readableHighWaterMark and not self._read_eof and not self.destroyed:
            self._read()
        self._maybe_end()

    def _maybe_end(self) -> None:
        # Node's net sockets read(0) after EOF, so 'end' comes as soon as nothing is
        # buffered, read or not; buffered data nobody consumes holds it back.
        if self._read_eof and not self._rbuf and not self.readableEnded and not self.destroyed:
            self._end_now()

    def read(self, size: int | None = None) -> bytes | str | None:
        """Paused mode: take buffered data (all of it, or ``size`` bytes); None when empty.

        As in Node, ``read(n)`` returns None while fewer than ``n`` bytes are buffered and
        the stream has not ended (the rest comes with a later ``readable``), and
        ``read(0)`` only asks for more (or ends an exhausted stream), consuming nothing.
        """
        if size == 0 or (size is not None and size > self._rlen and not self._read_eof):
            if not self._read_eof:
                self._read()
            elif not self._rbuf:
                self._end_after_read()
            return None
        if not self._rbuf:
            if self._read_eof:
                self._flowing = self._flowing or False
                self._end_after_read()
            else:
                self._read()
            return None
        data = b"".join(self._rbuf)
        if size is not None and 0 < size < len(data):
            data, rest = data[:size], data[size:]
            self._rbuf = deque([rest])
            self._rlen = len(rest)
        else:
            self._rbuf.clear()
            self._rlen = 0
        if self._rlen < self.readableHighWaterMark and not self._read_eof:
            self._read()
        last = self._read_eof and not self._rbuf
        if last:
            self._end_after_read()
        if self._decoder is not None:
            # the last read also flushes a truncated character (U+FFFD), as Node's decoder.end()
            return self._decoder.decode(data, last)
        return data

    def _end_after_read(self) -> None:
        if not self.readableEnded:
            self._loop.call_soon(self._end_now)

    def _end_now(self) -> None:
        if not self.readableEnded and not self.destroyed and not self._rbuf:
            if self._decoder is not None:
                # Node ends its string decoder before 'end': a truncated character
                # still comes out, as U+FFFD, in a last 'data'.
                tail = self._decoder.decode(b"", True)
                if tail:
                    self.emit("data", tail)
            self.readableEnded = True
            self.emit("end")
            self._on_end()

    def resume(self) -> Duplex:
        """Switch to flowing mode: buffered and future data is emitted as ``data``."""
        if not self._flowing:
            self._flowing = True
            self.emit("resume")
        self._schedule_flow()
        return self

    def pause(self) -> Duplex:
        """Stop emitting ``data``; incoming bytes are buffered up to the high-water mark."""
        if self._flowing is not False:
            self._flowing = False
            self.emit("pause")
        return self

    def isPaused(self) -> bool:
        """True after :meth:`pause` (Node: ``readableFlowing === false``)."""
        return self._flowing is False

    def setEncoding(self, encoding: str | None = "utf8") -> Duplex:
        """Emit ``str`` decoded with ``encoding`` instead of ``bytes``."""
        if encoding is None:
            self._decoder, self._encoding = None, None
            return self
        if not isinstance(encoding, str):
            raise invalid_arg_type("encoding", "of type string", encoding)
        name = {"utf8": "utf-8", "ucs2": "utf-16-le", "utf16le": "utf-16-le",
                "binary": "latin-1"}.get(encoding.lower(), encoding)
        try:
            self._decoder = codecs.getincrementaldecoder(name)(errors="replace")
        except LookupError:
            raise NodeError(f"Unknown encoding: {encoding}", "ERR_UNKNOWN_ENCODING") from None
        self._encoding = encoding
        return self

    def pipe(self, dest: Any, options: dict[str, Any] | None = None, **kw: Any) -> Any:
        """Pipe data into ``dest``, pausing while ``dest.write`` says its buffer is full."""
        opts = {**(options or {}), **kw}
        end = opts.get("end", True)

        def ondata(chunk: Any) -> None:
            if dest.write(chunk) is False:
                self.pause()

        def ondrain(*_: Any) -> None:
            self.resume()

        def onend(*_: Any) -> None:
            if end:
                dest.end()

        def ondestclosed(*_: Any) -> None:
            # Node unpipes when the destination finishes or closes: no writes after its end
            self.unpipe(dest)

        def cleanup(*_: Any) -> None:
            self.removeListener("data", ondata)
            self.removeListener("end", onend)
            self.removeListener("close", cleanup)
            dest.removeListener("drain", ondrain)
            dest.removeListener("finish", ondestclosed)
            dest.removeListener("close", ondestclosed)

        self._pipes = getattr(self, "_pipes", [])
        self._pipes.append((dest, cleanup))
        dest.on("drain", ondrain)
        dest.once("finish", ondestclosed)
        dest.once("close", ondestclosed)
        self.on("end", onend)
        self.on("close", cleanup)
        self.on("data", ondata)
        if hasattr(dest, "emit"):
            dest.emit("pipe", self)
        # Node's pipe() starts the flow even after an explicit pause(), unless the
        # destination is already waiting for 'drain'.
        if getattr(dest, "writableNeedDrain", False):
            self.pause()
        elif not self._flowing:
            self.resume()
        return dest

    def unpipe(self, dest: Any = None) -> Duplex:
        """Undo :meth:`pipe` for ``dest`` (all destinations when None)."""
        removed = []
        for target, cleanup in list(getattr(self, "_pipes", [])):
            if dest is None or target is dest:
                cleanup()
                self._pipes.remove((target, cleanup))
                removed.append(target)
        if removed and not self._pipes:
            # Node pauses a source left without destinations: its data stays buffered
            # instead of flowing to nobody.
            self.pause()
        for target in removed:
            if hasattr(target, "emit"):
                target.emit("unpipe", self)
        return self

    # owner hooks (readable)
    def _read(self) -> None:
        """Owner hook: the consumer wants more; resume reading the source."""

    def _on_end(self) -> None:
        """The readable side ended; without half-open, end the writable side too."""
        if not self.allowHalfOpen and not self._ending:
            self.end()
        self._maybe_destroy()

    # -- writable ------------------------------------------------------------------

    @property
    def writableLength(self) -> int:
        """Bytes written but not yet handed to the kernel."""
        return 0

    @property
    def writable(self) -> bool:
        """Whether :meth:`write` is still allowed."""
        return not self.destroyed and not self._ending

    @property
    def writableNeedDrain(self) -> bool:
        """True after a write returned False, until ``drain``."""
        return self._need_drain

    def write(self, chunk: Any, encoding: Any = None, cb: WriteCallback = None) -> bool:
        """Write ``chunk`` (bytes, or str encoded with ``encoding``); False means wait for drain."""
        if callable(encoding):
            cb, encoding = encoding, None
        data = _to_bytes(chunk, encoding)
        if self._ending:
            err = NodeError("write after end", "ERR_STREAM_WRITE_AFTER_END")
            self._loop.call_soon(self._write_error, err, cb)
            return False
        if self.destroyed:
            err = NodeError("Cannot call write after a stream was destroyed",
                            "ERR_STREAM_DESTROYED")
            self._loop.call_soon(self._write_error, err, cb)
            return False
        self._write_out(data, cb)
        ok = self.writableLength < self.writableHighWaterMark
        if not ok:
            self._need_drain = True
        return ok

    def _write_error(self, err: NodeError, cb: WriteCallback) -> None:
        if cb is not None:
            cb(err)
        self.destroy(err)

    def _writable_drained(self) -> None:
        """Owner side: the write buffer is empty again."""
        if self._need_drain and not self.destroyed:
            self._need_drain = False
            self.emit("drain")

    def end(self, data: Any = None, encoding: Any = None, cb: Callable[..., Any] | None = None) -> Duplex:
        """Write ``data`` if given, then end the writable side (``finish`` follows)."""
        if callable(data):
            data, cb = None, data
        elif callable(encoding):
            encoding, cb = None, encoding
        if data is not None and not self._ending:
            self.write(data, encoding)
        if cb is not None:
            self.once("finish", lambda *a: cb())
        if self._ending or self.destroyed:
            return self
        self._ending = True
        self.writableEnded = True
        self._final(self._finished)
        return self

    def _finished(self, err: BaseException | None = None) -> None:
        if err is not None:
            self.destroy(err)
            return
        if self.writableFinished or self.destroyed:
            return
        self.writableFinished = True
        self.emit("finish")
        self._maybe_destroy()

    def _maybe_destroy(self) -> None:
        if self.writableFinished and self.readableEnded:
            self.destroy()

    # owner hooks (writable)
    def _write_out(self, data: bytes, cb: WriteCallback) -> None:
        """Owner hook: send ``data``; call ``cb(None)`` once it was handed on."""
        raise NotImplementedError

    def _final(self, done: Callable[[BaseException | None], None]) -> None:
        """Owner hook: no more writes; call ``done()`` once everything was flushed."""
        done(None)

    # -- lifecycle -----------------------------------------------------------------

    def destroy(self, error: BaseException | None = None) -> Duplex:
        """Close both sides now; emit ``error`` (if given) then ``close(hadError)``."""
        if self.destroyed:
            return self
        self.destroyed = True
        self._errored = error
        self._rbuf.clear()
        self._rlen = 0
        self._destroy(error)
        return self

    def _destroy(self, error: BaseException | None) -> None:
        """Owner hook: release the resource; call :meth:`_emit_close` when it is gone."""
        self._loop.call_soon(self._emit_close)

    def _emit_close(self) -> None:
        if self._closed_emitted:
            return
        self._closed_emitted = True
        err = self._errored
        if err is not None:
            self.emit("error", err)
        self.emit("close", err is not None)


def _to_bytes(chunk: Any, encoding: Any) -> bytes:
    if isinstance(chunk, bytes):
        return chunk
    if isinstance(chunk, (bytearray, memoryview)):
        return bytes(chunk)
    if isinstance(chunk, str):
        enc = encoding if isinstance(encoding, str) else "utf-8"
        enc = {"utf8": "utf-8", "binary": "latin-1", "ucs2": "utf-16-le"}.get(enc, enc)
        if enc == "hex":
            return bytes.fromhex(chunk)
        if enc == "base64":
            import base64

            return base64.b64decode(chunk)
        return chunk.encode(enc)
    raise invalid_arg_type(
        "chunk", "of type string or an instance of Buffer or Uint8Array", chunk
    )
