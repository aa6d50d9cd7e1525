"""Citizen-ID checks of the people in the civil-status registers, against an unstable national service.

``enqueue`` finds every registered person with a well-formed 12-digit ID, a name and a readable birth date that has
no check yet, and files one (pending) per distinct (ID, name, birth date) as entered, under a keyed hash: the same
person entered twice is checked once, a corrected entry is checked again. ``verify_pending`` works the queue with
a few requests in flight, retries (honouring ``Retry-After``), and a circuit breaker: after a run of failures it
stops calling, waits, and lets requests through again once the service answers. (The ``circuitbreaker`` package:
``pybreaker`` holds a lock around every call, which would serialize the workers.) What is not answered by the end
of a run stays pending with its last error and a later next attempt; nothing is dropped. Results are written as
they come, chunk by chunk, so an interrupted run keeps what it learnt.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

import httpx
from circuitbreaker import CircuitBreaker, CircuitBreakerError

from connectors.civil_status.schema import CHECKED_PEOPLE, STREAM_OF
from connectors.http import with_retries
from connectors.population.client import PATH, PopulationClient, PopulationProtocolError
from kho.core.link_calls import LinkLog, write_link_calls
from kho.core.pseudonyms import name_key, pseudonymize_many
from kho.core.settings import KhoSettings
from kho.core.warehouse import Warehouse

log = logging.getLogger(__name__)

# (raw civil-status table, column prefix) of every person whose ID the registers record with a birth date
PEOPLE = tuple((STREAM_OF[kind], p) for kind, prefixes in CHECKED_PEOPLE.items() for p in prefixes)
CHUNK = 500
NOT_TRIED = "not_tried"  # the breaker was open or the run out of time: the check stays as it was


def people_sql() -> str:
    """Every registered person as (source_table, batch, row, role, citizen_id, name, birth_date). Restricted."""
    return " union all ".join(
        f"select '{table}' as source_table, _batch_id, _row_num, '{p}' as role, {p}sogiaytotuythan as citizen_id, "
        f"{p}hoten as name, kho.parse_vn_date({p}ngaysinh) as birth_date from raw_civil_status.{table}"
        for table, p in PEOPLE)


def check_key_input(citizen_id: str, name: str, birth_date: date) -> str:
    """What a check's key is the pseudonym of: the person as entered (ID, normalized name, birth date)."""
    return f"{citizen_id}|{name_key(name)}|{birth_date.isoformat()}"


def keyed_people(conn, people: list[tuple[str, str, date]]) -> list[tuple[str, str]]:
    """(check key, ID pseudonym) of each (citizen ID, name, birth date), under the warehouse's active key, in one
    round trip (used when filing checks and when a key rotation re-keys them)."""
    hashed = pseudonymize_many(conn, [check_key_input(*p) for p in people] + [p[0] for p in people])
    return list(zip(hashed[: len(people)], hashed[len(people):], strict=True))


def enqueue(wh: Warehouse, settings: KhoSettings) -> int:
    """File a pending check for every checkable person not filed yet; returns the requests added."""
    added = 0
    with wh.connect() as read, read.cursor(name="people") as cur, wh.connect() as write:
        cur.itersize = 5_000
        cur.execute(f"""select p.source_table, p._batch_id, p._row_num, p.role, p.citizen_id, p.name, p.birth_date
                        from ({people_sql()}) as p
                        where p.citizen_id ~ '^[0-9]{{12}}$' and nullif(btrim(p.name), '') is not null
                          and p.birth_date is not null
                          and not exists (select 1 from raw_population.check_requests q
                                          where q.source_table = p.source_table and q.batch_id = p._batch_id
                                            and q.row_num = p._row_num and q.role = p.role)""")
        while rows := cur.fetchmany(5_000):
            with write.transaction(), write.cursor() as w:
                keyed = [(*r[:4], *k) for r, k in zip(rows, keyed_people(write, [r[4:7] for r in rows]), strict=True)]
                w.executemany("insert into raw_population.checks (check_key, id_pseudonym) values (%s, %s) "
                              "on conflict do nothing", sorted({(k[4], k[5]) for k in keyed}))
                w.executemany("insert into raw_population.check_requests values (%s, %s, %s, %s, %s) "
                              "on conflict do nothing", [k[:5] for k in keyed])
            added += len(keyed)
    log.info("population checks: %d person entries filed", added)
    return added


@dataclass
class VerificationRun:
    attempted: int = 0
    answered: Counter = field(default_factory=Counter)
    failed: int = 0  # tried and still unanswered (stay pending, retried in a later run)
    not_attempted: int = 0  # left in the queue when the run ended (breaker open at the deadline, or the cap)
    breaker_opened: int = 0  # passes that ended with checks refused by the open breaker (then waited or stopped)
    pending_after: int = 0
    errors: Counter = field(default_factory=Counter)

    def to_dict(self) -> dict:
        return {"attempted": self.attempted, "answered": dict(self.answered), "failed": self.failed,
                "not_attempted": self.not_attempted, "breaker_opened": self.breaker_opened,
                "pending_after": self.pending_after, "errors": dict(self.errors)}


def checked_people_sql(where: str = "true") -> str:
    """(check_key, citizen_id, name, birth_date) of each filed check, from one raw entry it was filed for."""
    return f"""
        select distinct on (c.check_key) c.check_key, p.citizen_id, p.name, p.birth_date
        from raw_population.checks c
        join raw_population.check_requests q using (check_key)
        join ({people_sql()}) as p
          on p.source_table = q.source_table and p._batch_id = q.batch_id and p._row_num = q.row_num
         and p.role = q.role
        where {where}
        order by c.check_key"""


def _due(wh: Warehouse, limit: int) -> list[tuple[str, str, str, date]]:
    _, rows = wh.query(checked_people_sql("c.status = 'pending' and c.next_attempt_at <= now()") + " limit %s",
                       (limit,))
    return rows


def _is_outage(exc_type: type, exc: BaseException) -> bool:
    """Failures that count towards opening the breaker: the service down or stalling. A 429 is the service pacing
    us, a refused token or a malformed answer will not get better by waiting: neither counts."""
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code >= 500
    return isinstance(exc, httpx.TransportError)


def verify_pending(wh: Warehouse, settings: KhoSettings, client: PopulationClient | None = None) -> VerificationRun:
    """Work the queue until it is empty, the run's time is up, or ``population_max_checks`` were started."""
    run = VerificationRun()
    deadline = time.monotonic() + settings.population_run_seconds
    breaker = CircuitBreaker(failure_threshold=settings.population_breaker_failures,
                             recovery_timeout=settings.population_breaker_reset_seconds, expected_exception=_is_outage,
                             name="population service")
    own = client is None
    links = LinkLog("population", f"verify:{uuid.uuid4().hex[:12]}", breaker_state=lambda: breaker.state)
    client = client or PopulationClient(settings.population_url, settings.population_token.get_secret_value(),
                                        timeout=settings.population_timeout_seconds, links=links)
    if not own:
        client.links = links
    # the decorated form: it is the decorator's wrapper that refuses calls while the breaker is open
    call = with_retries(breaker.decorate(client.verify), max_attempts=settings.population_max_attempts,
                        backoff_seconds=settings.population_backoff_seconds)

    def one(item: tuple[str, str, str, date]) -> tuple[str, str | None, str | None]:
        key, cid, name, born = item
        if time.monotonic() >= deadline:
            return key, None, NOT_TRIED
        try:
            return key, call(cid, name_key(name), born), None
        except CircuitBreakerError:
            links.add(PATH, time.time(), "breaker_open", 0.0)  # refused here: the service never saw it
            return key, None, NOT_TRIED
        except (httpx.HTTPError, PopulationProtocolError) as exc:
            return key, None, f"{type(exc).__name__}: {str(exc)[:200]}"

    queue = _due(wh, settings.population_max_checks)
    try:
        with ThreadPoolExecutor(max_workers=settings.population_workers) as pool:
            while queue and time.monotonic() < deadline:
                untried, done = [], []
                # every check is submitted at once (no barrier per chunk: one stalled request holds up nothing);
                # results are written every CHUNK answers
                for item, result in zip(queue, pool.map(one, queue), strict=True):
                    if result[2] == NOT_TRIED:
                        untried.append(item)
                    else:
                        done.append(result)
                    if len(done) >= CHUNK:
                        _record(wh, done, settings, run)
                        done = []
                _record(wh, done, settings, run)
                queue = untried
                if queue:  # the breaker opened (or time ran out): wait for it to let a trial through
                    run.breaker_opened += 1
                    wait = max(breaker.open_remaining, 0.1)
                    if time.monotonic() + wait >= deadline:
                        break
                    log.warning("population service unavailable; %d checks wait %.1f s for the breaker", len(queue),
                                wait)
                    time.sleep(wait)
    finally:
        if own:
            client.close()
        write_link_calls(wh, links.drain())
    run.not_attempted = len(queue)
    _, [(pending,)] = wh.query("select count(*) from raw_population.checks where status = 'pending'")
    run.pending_after = pending
    log.info("population checks: %s", run.to_dict())
    return run


def _record(wh: Warehouse, results: list[tuple[str, str | None, str | None]], settings: KhoSettings,
            run: VerificationRun) -> None:
    answered = [(status, key) for key, status, _ in results if status]
    failed = [(err, key) for key, status, err in results if not status]
    run.attempted += len(results)
    run.answered.update(status for status, _ in answered)
    run.failed += len(failed)
    run.errors.update(err.split(":")[0] for err, _ in failed)
    with wh.connect() as conn, conn.cursor() as cur:
        cur.executemany("update raw_population.checks set status = %s, attempts = attempts + 1, checked_at = now(), "
                        "last_error = null where check_key = %s", answered)
        cur.executemany(
            "update raw_population.checks set attempts = attempts + 1, last_error = %s, next_attempt_at = now() + "
            "make_interval(mins => %s * power(2, least(attempts, 6))::int) where check_key = %s",
            [(err, settings.population_retry_after_minutes, key) for err, key in failed])
