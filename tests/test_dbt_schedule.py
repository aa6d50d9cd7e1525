"""The order dbt's threads take ready nodes in (kho/dbt_schedule.py), on dbt's own graph queue."""

import json
from types import SimpleNamespace

import networkx as nx
import pytest
from dbt.graph.queue import GraphQueue

from kho.dbt_schedule import (
    NODE_SECONDS_FILE,
    critical_path_first,
    critical_path_scores,
    load_node_seconds,
    record_node_seconds,
)


class _Manifest:
    """What GraphQueue asks of a manifest here: a node by id (not a microbatch model)."""

    nodes: dict = {}

    def expect(self, node_id):
        return SimpleNamespace(unique_id=node_id)


def _graph(*edges: str) -> nx.DiGraph:
    return nx.DiGraph([tuple(f"model.p.{n}" for n in e.split(">")) for e in edges])


def _order(graph: nx.DiGraph) -> list[str]:
    """The nodes as one thread takes them from dbt's queue, each done before the next is taken."""
    queue, taken = GraphQueue(graph.copy(), _Manifest(), set(graph.nodes)), []
    while not queue.empty():
        node_id = queue.get().unique_id
        taken.append(node_id.removeprefix("model.p."))
        queue.mark_done(node_id)
    return taken


def test_the_longest_chain_behind_a_node_scores_it_first():
    g = _graph("a>b", "b>c", "c>d", "e>f")
    seconds = {"model.p.a": 1, "model.p.b": 1, "model.p.c": 1, "model.p.d": 10, "model.p.e": 5, "model.p.f": 1}
    scores = critical_path_scores(g, seconds.__getitem__)
    assert scores["model.p.a"] == -13_000 and scores["model.p.e"] == -6_000 and scores["model.p.d"] == -10_000
    # a node's own seconds count, not only its chain's length: one long node outranks three short ones
    seconds["model.p.e"] = 20
    assert critical_path_scores(g, seconds.__getitem__)["model.p.e"] < scores["model.p.a"]
    g.add_edge("model.p.d", "model.p.a")
    with pytest.raises(ValueError, match="cycle"):
        critical_path_scores(g, seconds.__getitem__)


def test_dbt_takes_the_deep_chain_first_within_the_block_and_its_own_order_outside(tmp_path):
    # dbt's level order: after a, the ready nodes are b (level 1) and e (level 0): e goes first though b has two
    # nodes behind it and e one; then f (level 1) before c (level 2)
    g = _graph("a>b", "b>c", "c>d", "e>f")
    assert _order(g) == ["a", "e", "b", "f", "c", "d"]
    with critical_path_first(tmp_path):  # never measured: one second a model
        assert _order(g) == ["a", "b", "c", "e", "d", "f"]
        # measured seconds, when kept, outweigh the count of nodes: e's chain is the longer one
        (tmp_path / NODE_SECONDS_FILE).write_text(json.dumps({"model.p.e": 30.0}))
    with critical_path_first(tmp_path):
        assert _order(g) == ["e", "a", "b", "c", "d", "f"]
    assert _order(g) == ["a", "e", "b", "f", "c", "d"]  # restored


def test_each_build_keeps_its_nodes_seconds_for_the_next(tmp_path):
    assert load_node_seconds(tmp_path) == {}
    (tmp_path / "run_results.json").write_text(json.dumps({"results": [
        {"unique_id": "model.p.a", "execution_time": 12.5}, {"unique_id": "test.p.t", "execution_time": 0.25}]}))
    record_node_seconds(tmp_path)
    (tmp_path / "run_results.json").write_text(json.dumps({"results": [
        {"unique_id": "model.p.a", "execution_time": 3.0}, {"unique_id": "seed.p.s", "execution_time": 1.0}]}))
    record_node_seconds(tmp_path)
    assert load_node_seconds(tmp_path) == {"model.p.a": 3.0, "test.p.t": 0.25, "seed.p.s": 1.0}
    # an unreadable file is an order lost, never a build failed
    (tmp_path / NODE_SECONDS_FILE).write_text("{not json")
    assert load_node_seconds(tmp_path) == {}
    (tmp_path / "run_results.json").write_text("[]")
    record_node_seconds(tmp_path)
    assert load_node_seconds(tmp_path) == {}


def test_a_node_is_handed_to_the_pool_only_when_a_thread_is_free():
    import threading
    import time

    from kho.dbt_schedule import _hold_until_a_thread_is_free

    queue = GraphQueue(_graph("a>d", "b>d", "c>d"), _Manifest(), set())
    running = [queue.get().unique_id for _ in range(2)]  # both threads busy
    held = threading.Thread(target=_hold_until_a_thread_is_free, args=(queue, 2))
    held.start()
    time.sleep(0.3)
    assert held.is_alive()  # c is ready, but no thread is free: it waits for the next score-ordered pick
    queue.mark_done(running[0])
    held.join(timeout=5)
    assert not held.is_alive()


def test_blocks_in_one_process_take_turns_and_leave_dbt_as_it_was(tmp_path):
    """Two builds of one process (two threads of a worker, say) each entering the block: the second waits for the
    first to end, then hooks in and restores dbt's own functions, not the first block's hooks."""
    import threading

    from dbt.task.runnable import GraphRunnableTask

    own = (GraphQueue._get_scores, GraphQueue.get, GraphRunnableTask.execute_nodes)
    first_in, first_may_leave, second_in = threading.Event(), threading.Event(), threading.Event()

    def first():
        with critical_path_first(tmp_path):
            first_in.set()
            first_may_leave.wait(5)

    def second():
        first_in.wait(5)
        with critical_path_first(tmp_path):
            second_in.set()
            assert GraphQueue.get is not own[1]  # hooked while it runs

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    assert first_in.wait(5)
    assert not second_in.wait(0.3)  # the first block is still on
    first_may_leave.set()
    for t in threads:
        t.join(5)
    assert second_in.is_set()
    assert (GraphQueue._get_scores, GraphQueue.get, GraphRunnableTask.execute_nodes) == own
