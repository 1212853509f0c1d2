"""Workers on real Redis and PostgreSQL: crashes, a broker restart, duplicates and two workers.

In every scenario each document ends `reported` with one extraction, one match and one
case, each stage's idempotency record done once, and one ticket where the case needs one
(counted both as ticket-link rows and as calls of the fake ticket opener).
"""

from __future__ import annotations

import pytest

from docmatch.storage.tables import DocumentState
from docmatch.workers.tasks import extract, submit, sweep
from tests.workers.conftest import wait_for

pytestmark = [pytest.mark.services, pytest.mark.slow]


def test_worker_killed_mid_task_then_another_finishes(cluster_factory, own_redis) -> None:  # type: ignore[no-untyped-def]
    cluster = cluster_factory(own_redis.url)
    ids = cluster.add_documents(4)
    first = cluster.start_worker("first")
    for doc_id in ids:
        submit(doc_id)

    # Kill the worker and its pool process while an extraction is under way.
    wait_for(cluster.started, timeout=30, what="the first extraction to start")
    first.kill()
    assert DocumentState.EXTRACTING in {cluster.store.state_of(doc_id)[0] for doc_id in ids}

    cluster.start_worker("second")
    cluster.wait_until_final(ids, timeout=150)

    cluster.assert_processed_exactly_once(ids)
    # The interrupted extraction started again; no other one did.
    assert len(cluster.started()) == len(ids) + 1


def test_pool_process_killed_mid_task_is_redelivered(cluster_factory, own_redis) -> None:  # type: ignore[no-untyped-def]
    cluster = cluster_factory(own_redis.url)
    ids = cluster.add_documents(2)
    worker = cluster.start_worker("lonely")
    for doc_id in ids:
        submit(doc_id)

    started = wait_for(cluster.started, timeout=30, what="the first extraction to start")
    pool_pid = int(started[0].rsplit(":", 1)[1])
    import os
    import signal

    os.kill(pool_pid, signal.SIGKILL)

    # The same worker gets the task back (task_reject_on_worker_lost) in a new pool process.
    cluster.wait_until_final(ids, timeout=120)
    cluster.assert_processed_exactly_once(ids)
    assert worker.process.poll() is None


def test_redis_restart_loses_the_queue_and_the_sweeper_recovers(cluster_factory, own_redis) -> None:  # type: ignore[no-untyped-def]
    cluster = cluster_factory(own_redis.url)
    ids = cluster.add_documents(5)
    cluster.start_worker("survivor")
    for doc_id in ids:
        submit(doc_id)
    wait_for(cluster.started, timeout=30, what="the first extraction to start")

    # Restart Redis without persistence: every queued task is gone.
    own_redis.stop()
    own_redis.start()

    # The sweeper queues again what waits longer than DOCMATCH_STUCK_AFTER.
    cluster.wait_until_final(ids, timeout=150, then=sweep_now)
    cluster.assert_processed_exactly_once(ids)


def sweep_now() -> None:
    try:
        sweep.run()
    except Exception:  # noqa: BLE001 - the broker may still be coming back
        pass


def test_the_same_task_delivered_twice_runs_once(cluster_factory) -> None:  # type: ignore[no-untyped-def]
    cluster = cluster_factory()
    ids = cluster.add_documents(4)
    cluster.start_worker("one")
    cluster.start_worker("two")

    # Each extraction goes out twice under one task id, as a broker redelivery would.
    for doc_id in ids:
        task_id = f"extract-{cluster.fake_prefix}-{doc_id}"
        extract.apply_async((doc_id,), task_id=task_id)
        extract.apply_async((doc_id,), task_id=task_id)
    cluster.wait_until_final(ids, timeout=120)

    # And once more after the documents are done.
    for doc_id in ids:
        extract.apply_async((doc_id,))
    wait_for(lambda: cluster.store.counts_by_state().get("reported", 0) >= len(ids), timeout=10, what="states")
    import time

    time.sleep(3)
    cluster.assert_processed_exactly_once(ids)
    assert len(cluster.started()) == len(ids)


def test_two_workers_on_one_queue_share_the_documents(cluster_factory) -> None:  # type: ignore[no-untyped-def]
    cluster = cluster_factory()
    ids = cluster.add_documents(8)
    cluster.start_worker("left")
    cluster.start_worker("right")
    for doc_id in ids:
        submit(doc_id)

    cluster.wait_until_final(ids, timeout=120)

    cluster.assert_processed_exactly_once(ids)
    pool_pids = {item.rsplit(":", 1)[1] for item in cluster.started()}
    assert len(pool_pids) == 2, "both workers should have extracted documents"
