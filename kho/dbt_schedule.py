"""Critical path first: the order in which dbt's threads take the nodes that are ready to run.

dbt 1.12 scores every node by its topological level and, among the nodes whose parents are done, runs the lowest
level first (``dbt.graph.queue.GraphQueue._get_scores``; a ``priority`` config is asked for in dbt-core #10632 and
not released). Its main thread also hands every ready node to the thread pool at once, and the pool runs what it
was given first in, first out: a node that became ready while both threads were busy started after everything
handed over before it, whatever its score. A deep chain lost to shallow nodes: in the 1M bench's full build the
766 counts, 24 s at the end of the one-stop chain, waited ~7 s behind a dozen data-quality marts and tests, then
ran alone while the other thread had nothing left to do.

``critical_path_first`` scores a node instead by the seconds of the longest chain from it to the end of the graph,
itself included (list scheduling's critical-path heuristic), and hands a node over only when a thread is free, so
the ready node with the most work behind it goes first. The seconds are each node's last measured execution time,
kept across builds in ``node_seconds.json`` in dbt's target folder; a node never measured counts by its kind
(``DEFAULT_SECONDS``), so a first build orders chains by their length in nodes. Only the order among ready nodes
changes: dependencies, failures and skips are dbt's.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from networkx import DiGraph

log = logging.getLogger(__name__)

NODE_SECONDS_FILE = "node_seconds.json"
# one block at a time per process: the hooks replace dbt's class attributes, and two blocks overlapping would each
# restore what they found, the second one the first's hooks (dbt's runner is not meant for concurrent invocations
# in one process either)
_ONE_BUILD_AT_A_TIME = threading.Lock()
# seconds for a node never measured, by resource type (and a model by materialization); anything else: OTHER
DEFAULT_SECONDS = {"table": 1.0, "incremental": 1.0, "view": 0.1, "ephemeral": 0.0, "seed": 0.5, "test": 0.1}
OTHER_SECONDS = 0.1


def critical_path_scores(graph: DiGraph, seconds: Callable[[str], float]) -> dict[str, int]:
    """Per node of ``graph`` (dbt's networkx graph): minus the milliseconds of the longest chain of ``seconds``
    from it to a node without children (dbt runs the lowest score first; ties go by node id)."""
    children_left = {node: graph.out_degree(node) for node in graph.nodes}
    ready = [node for node, left in children_left.items() if not left]
    remaining: dict[str, float] = {}
    while ready:
        node = ready.pop()
        tail = max((remaining[child] for child in graph.successors(node)), default=0.0)
        remaining[node] = max(seconds(node), 0.0) + tail
        for parent in graph.predecessors(node):
            children_left[parent] -= 1
            if not children_left[parent]:
                ready.append(parent)
    if len(remaining) != len(children_left):
        raise ValueError("the graph has a cycle")
    return {node: -round(total * 1000) for node, total in remaining.items()}


def load_node_seconds(target_dir: Path) -> dict[str, float]:
    """The last measured execution time of every node built so far (empty when none was kept or it is unreadable:
    the order is a hint, never a reason to fail a build)."""
    try:
        data = json.loads((target_dir / NODE_SECONDS_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return {k: float(v) for k, v in data.items() if isinstance(v, int | float)} if isinstance(data, dict) else {}


def record_node_seconds(target_dir: Path) -> None:
    """Merge the execution times of the invocation that just ended (its ``run_results.json``) into the kept ones."""
    try:
        results = json.loads((target_dir / "run_results.json").read_text())["results"]
    except (OSError, ValueError, KeyError, TypeError):
        return
    measured = {r["unique_id"]: round(float(r["execution_time"]), 3) for r in results
                if isinstance(r, dict) and "unique_id" in r and r.get("execution_time") is not None}
    if not measured:
        return
    kept = {**load_node_seconds(target_dir), **measured}
    path = target_dir / NODE_SECONDS_FILE
    tmp = path.with_suffix(".tmp")
    try:
        tmp.write_text(json.dumps(kept, sort_keys=True))
        tmp.replace(path)  # a build reading it meanwhile sees the old file or the new, never half of one
    except OSError as e:  # the next build orders by kind: not a reason to fail this one
        log.warning("could not keep the nodes' seconds in %s: %s", path, e)


def default_seconds(manifest, node_id: str) -> float:
    """What a node never measured is expected to take, by its kind."""
    kind = node_id.split(".", 1)[0]
    if kind == "model":
        node = getattr(manifest, "nodes", {}).get(node_id)
        materialized = getattr(getattr(node, "config", None), "materialized", "table")
        return DEFAULT_SECONDS.get(materialized, DEFAULT_SECONDS["table"])
    return DEFAULT_SECONDS.get(kind, OTHER_SECONDS)


def _hold_until_a_thread_is_free(queue, threads: int) -> None:
    """Wait until fewer of ``queue``'s nodes are running than the build has threads. dbt's main thread takes a
    node off the graph queue as soon as one is ready and hands it to its thread pool, whose own queue is first in,
    first out: a node that became ready while every thread was busy would start after everything handed over
    before it, whatever its score. Held here, the next node is chosen by score at the moment a thread frees."""
    with queue.lock:
        while len(queue.in_progress) >= threads:
            queue.some_task_done.wait(timeout=1.0)  # mark_done notifies; the timeout keeps Ctrl-C responsive


@contextlib.contextmanager
def critical_path_first(target_dir: Path) -> Iterator[None]:
    """Within the block, dbt builds in this process take ready nodes by their critical path, each when a thread
    is free; afterwards the times measured are kept for the next build. Where this dbt version lacks what the
    hooks rely on, the build runs in dbt's own order. Blocks in one process take turns (_ONE_BUILD_AT_A_TIME)."""
    try:
        from dbt.graph.queue import GraphQueue
        from dbt.task.runnable import GraphRunnableTask
    except ImportError:  # pragma: no cover - dbt is a dependency
        yield
        return
    if not all(hasattr(owner, name) for owner, name in ((GraphQueue, "_get_scores"), (GraphQueue, "get"),
                                                         (GraphRunnableTask, "execute_nodes"))):
        log.warning("dbt's GraphQueue or GraphRunnableTask lack the expected hooks: nodes run in dbt's own order")
        yield
        return
    with _ONE_BUILD_AT_A_TIME:
        yield from _scheduled(target_dir, GraphQueue, GraphRunnableTask)


def _scheduled(target_dir: Path, queue_class: type, task_class: type) -> Iterator[None]:
    """The block of ``critical_path_first``, under its lock: the hooks in, the build, the hooks out (what they
    replace is read here, after any earlier block put dbt's own back)."""
    originals = {(queue_class, "_get_scores"): queue_class._get_scores, (queue_class, "get"): queue_class.get,
                 (task_class, "execute_nodes"): task_class.execute_nodes}
    original_scores, original_get, original_execute = originals.values()
    measured: Mapping[str, float] = load_node_seconds(target_dir)

    def scores(queue, graph: DiGraph) -> dict[str, int]:
        try:
            return critical_path_scores(
                graph, lambda node: measured.get(node, default_seconds(queue.manifest, node)))
        except Exception:  # an order is a hint: never a reason to fail the build
            log.warning("no critical path for dbt's graph: nodes run in dbt's own order", exc_info=True)
            return original_scores(queue, graph)

    def get(queue, *args, **kwargs):
        threads = getattr(queue, "kho_threads", None)  # set for the queues an execute_nodes runs
        if threads:
            _hold_until_a_thread_is_free(queue, threads)
        return original_get(queue, *args, **kwargs)

    def execute_nodes(task, *args, **kwargs):
        if getattr(task, "job_queue", None) is not None:
            task.job_queue.kho_threads = max(int(task.config.threads or 1), 1)
        return original_execute(task, *args, **kwargs)

    queue_class._get_scores, queue_class.get, task_class.execute_nodes = scores, get, execute_nodes
    try:
        yield
    finally:
        for (owner, name), original in originals.items():
            setattr(owner, name, original)
        record_node_seconds(target_dir)
