"""Node 20's streams (``require('stream')``): Readable, Writable, Duplex, Transform, PassThrough.

The state machines follow Node's ``lib/internal/streams/*.js`` rule for rule, so
event orders match Node's: ``process.nextTick`` is ``loop.next_tick`` here (a ``call_soon``
that shares one loop callback with the ticks queued right before it).

Making a stream, as in Node, either way:

* options, as a dict and/or keyword arguments: ``Duplex({"read": ..., "write": ...},
  highWaterMark=4)``.  Node calls ``read``/``write``/``writev``/``final``/``destroy``/
  ``construct``/``transform``/``flush`` with ``this`` bound to the stream; here a
  function that takes one positional parameter more than Node passes (or ``*args``)
  gets the stream as its first argument (``lambda self, size: self.push(b"x")``), one
  that does not is called with Node's arguments only (``lambda size: ...``; fewer
  parameters than Node passes are fine too, as in JS).
* subclassing: override ``_read(size)``, ``_write(chunk, encoding, callback)``,
  ``_writev(chunks, callback)`` (``chunks`` is a list of ``{"chunk", "encoding"}``),
  ``_final(callback)``, ``_destroy(err, callback)``, ``_construct(callback)``,
  ``_transform(chunk, encoding, callback)``, ``_flush(callback)``.

Options: ``highWaterMark``, ``readableHighWaterMark``, ``writableHighWaterMark``,
``objectMode``, ``readableObjectMode``, ``writableObjectMode``, ``encoding``,
``defaultEncoding``, ``decodeStrings``, ``emitClose``, ``autoDestroy``,
``allowHalfOpen``, ``readable``, ``writable``.  Encodings are Node's (see
:mod:`nodessl.encodings`); ``bytes`` is ``Buffer``.

Also :func:`finished` and :func:`pipeline` with Node's error codes.

One module per part, as Node's ``lib/internal/streams/``: ``state`` (options, high-water
marks, the per-side state objects, error codes), ``base`` (``Stream`` and ``destroy``),
``readable``, ``writable``, ``duplex``, ``transform`` (``Transform``, ``PassThrough``),
``utils`` (what kind of stream an object is), ``finished`` and ``pipeline``.  Everything
public is re-exported here.
"""


from .base import Stream
from .duplex import Duplex
from .finished import finished
from .pipeline import pipeline
from .readable import Readable
from .state import DEFAULT_HIGH_WATER_MARK as DEFAULT_HIGH_WATER_MARK
from .state import DEFAULT_OBJECT_HIGH_WATER_MARK as DEFAULT_OBJECT_HIGH_WATER_MARK
from .state import MAX_HWM as MAX_HWM
from .state import ReadableState as ReadableState
from .state import WritableState as WritableState
from .state import WriteCallback as WriteCallback
from .state import getDefaultHighWaterMark
from .transform import PassThrough, Transform
from .writable import Writable

__all__ = ["Duplex", "PassThrough", "Readable", "Stream", "Transform", "Writable", "finished",
           "pipeline", "getDefaultHighWaterMark"]

