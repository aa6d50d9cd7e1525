"""kho.core.read_ahead: the next page is produced while the current one is used, in order, errors where they happen."""

from __future__ import annotations

import threading
import time

import pytest

from kho.core.read_ahead import read_ahead


def test_items_come_in_order_and_the_next_is_produced_meanwhile():
    produced_while_used = []
    produced = []

    def pages():
        for i in range(5):
            produced.append(i)
            yield i

    out = []
    for page in read_ahead(pages()):
        time.sleep(0.05)  # the consumer's work: the producer has the next page ready by now
        produced_while_used.append(len(produced) > page + 1 or page == 4)
        out.append(page)
    assert out == [0, 1, 2, 3, 4]
    assert all(produced_while_used)


def test_an_error_is_raised_in_the_consumer_after_the_items_before_it():
    def pages():
        yield 1
        yield 2
        raise ConnectionError("page 3: server closed the connection")

    got = []
    with pytest.raises(ConnectionError, match="page 3"):
        for page in read_ahead(pages()):
            got.append(page)
    assert got == [1, 2]


def test_stopping_early_closes_the_source_in_its_thread():
    closed = threading.Event()

    def pages():
        try:
            yield from range(1000)
        finally:
            closed.set()

    for page in read_ahead(pages()):
        if page == 2:
            break
    assert closed.wait(2)
    assert not any(t.name == "read-ahead" and t.is_alive() for t in threading.enumerate())
