"""AfterAnswer: a callback's processing runs after its answer, in the background, bounded;
inline, it runs before; at shutdown what is stuck is cancelled (the inbox keeps it)."""

from __future__ import annotations

import asyncio

import pytest

from entrypoints.http.after_answer import AfterAnswer


async def test_submitted_work_runs_after_submit_returns() -> None:
    done: list[str] = []
    release = asyncio.Event()

    async def work() -> None:
        await release.wait()
        done.append("settled")

    runner = AfterAnswer()
    await runner.submit(work(), "whd_1")
    assert done == [] and runner.in_progress == 1  # answered before it is settled
    release.set()
    await runner.drain()
    assert done == ["settled"] and runner.in_progress == 0


async def test_inline_work_is_done_before_submit_returns_and_its_errors_reach_the_caller() -> None:
    done: list[str] = []

    async def work() -> None:
        done.append("settled")

    runner = AfterAnswer(inline=True)
    await runner.submit(work(), "whd_1")
    assert done == ["settled"]

    async def failing() -> None:
        raise RuntimeError("provider down")

    with pytest.raises(RuntimeError):
        await runner.submit(failing(), "whd_2")


async def test_a_failure_in_the_background_is_logged_not_raised() -> None:
    async def failing() -> None:
        raise RuntimeError("provider down")

    runner = AfterAnswer()
    await runner.submit(failing(), "whd_1")
    await runner.drain()
    assert runner.in_progress == 0


async def test_no_more_than_the_bound_run_at_once() -> None:
    running, most = 0, 0
    release = asyncio.Event()

    async def work() -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await release.wait()
        running -= 1

    runner = AfterAnswer(concurrency=2)
    for n in range(5):
        await runner.submit(work(), f"whd_{n}")
    for _ in range(5):
        await asyncio.sleep(0)
    assert most == 2
    release.set()
    await runner.drain()
    assert most == 2 and runner.in_progress == 0


async def test_drain_cancels_what_does_not_finish_in_time() -> None:
    cancelled: list[bool] = []

    async def stuck() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    runner = AfterAnswer()
    await runner.submit(stuck(), "whd_1")
    await asyncio.sleep(0)
    await runner.drain(seconds=0)
    assert cancelled == [True] and runner.in_progress == 0
