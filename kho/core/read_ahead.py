"""Iterate while the next item is being produced: a source's next page is fetched and decoded in a thread of its own
while the caller turns the current one into Arrow and lands it (the socket reads release the GIL)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
_DONE = object()


def read_ahead(items: Iterable[T], depth: int = 1) -> Iterator[T]:
    """``items`` in order, produced up to ``depth`` ahead of the consumer (so at most ``depth + 1`` are in memory).

    An error raised while producing is raised here, in the consumer, at the item where it happened. If the consumer
    stops early, the producer stops at its next item and the source iterator is closed in its thread.
    """
    handoff: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        it = iter(items)
        try:
            for item in it:
                while not stop.is_set():
                    try:
                        handoff.put((item, None), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            handoff.put((_DONE, None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            handoff.put((_DONE, exc))
        finally:
            close = getattr(it, "close", None)
            if close:
                close()

    producer = threading.Thread(target=produce, name="read-ahead", daemon=True)
    producer.start()
    try:
        while True:
            item, error = handoff.get()
            if item is _DONE:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()
        while producer.is_alive():  # unblock a producer waiting on a full queue, then let it finish
            try:
                handoff.get_nowait()
            except queue.Empty:
                producer.join(0.05)
