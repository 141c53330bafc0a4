"""The breaker and the sliding windows of provider health, on a fake clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from tests.fakes import FakeClock

from domain.provider_health import (
    LATENCY_BOUNDS_MS,
    Breaker,
    BreakerPolicy,
    BreakerState,
    HealthStatus,
    Tally,
    assess,
    bucket_of,
    minute_of,
    quantile,
    window,
)

POLICY = BreakerPolicy(failures=3, open_for=timedelta(seconds=30), probes=2)


def failed_times(breaker: Breaker, clock: FakeClock, times: int) -> Breaker:
    for _ in range(times):
        breaker = breaker.failed(clock.now(), POLICY)
    return breaker


def test_consecutive_failures_open_the_breaker_at_the_threshold() -> None:
    clock = FakeClock()
    breaker = failed_times(Breaker(), clock, 2)
    assert breaker.state is BreakerState.CLOSED
    assert breaker.admit(clock.now(), POLICY)[1] is True
    breaker = breaker.failed(clock.now(), POLICY)
    assert breaker.state is BreakerState.OPEN
    assert breaker.admit(clock.now(), POLICY) == (breaker, False)


def test_an_answer_between_failures_resets_the_count() -> None:
    clock = FakeClock()
    breaker = failed_times(Breaker(), clock, 2).succeeded(clock.now())
    breaker = failed_times(breaker, clock, 2)
    assert breaker.state is BreakerState.CLOSED and breaker.failures == 2


def test_open_refuses_until_open_for_then_half_open_lets_a_few_through() -> None:
    clock = FakeClock()
    breaker = failed_times(Breaker(), clock, 3)
    clock.advance(seconds=10)
    assert breaker.retry_after(clock.now(), POLICY) == 20
    assert breaker.admit(clock.now(), POLICY)[1] is False
    clock.advance(seconds=20)
    assert breaker.current(clock.now(), POLICY).state is BreakerState.HALF_OPEN
    breaker, first = breaker.admit(clock.now(), POLICY)
    breaker, second = breaker.admit(clock.now(), POLICY)
    breaker, third = breaker.admit(clock.now(), POLICY)
    assert (first, second, third) == (True, True, False)
    assert breaker.state is BreakerState.HALF_OPEN


def test_a_probe_that_succeeds_closes_it_and_one_that_fails_opens_it_again() -> None:
    clock = FakeClock()
    opened = failed_times(Breaker(), clock, 3)
    clock.advance(seconds=30)
    probing, _ = opened.admit(clock.now(), POLICY)
    closed = probing.succeeded(clock.now())
    assert closed.state is BreakerState.CLOSED and closed.healthy
    assert closed.changed_at == clock.now()
    reopened = probing.failed(clock.now(), POLICY)
    assert reopened.state is BreakerState.OPEN and reopened.changed_at == clock.now()
    assert reopened.retry_after(clock.now(), POLICY) == 30


def test_probes_that_never_report_are_forgotten_after_open_for() -> None:
    clock = FakeClock()
    breaker = failed_times(Breaker(), clock, 3)
    clock.advance(seconds=30)
    for _ in range(2):
        breaker, _ = breaker.admit(clock.now(), POLICY)
    assert breaker.admit(clock.now(), POLICY)[1] is False
    clock.advance(seconds=30)
    assert breaker.admit(clock.now(), POLICY)[1] is True


def test_a_policy_must_be_sane() -> None:
    with pytest.raises(ValueError):
        BreakerPolicy(failures=0)


def tally(clock: FakeClock, **counts: int) -> Tally:
    return Tally("wave", minute_of(clock.now()), **counts)  # type: ignore[arg-type]


def test_a_window_sums_only_its_last_minutes() -> None:
    clock = FakeClock()
    old = tally(clock, starts_timeout=10)
    clock.advance(minutes=5)
    recent = tally(clock, starts_ok=8, starts_error=2)
    other = replace(tally(clock, starts_error=50), provider="mtn_momo")
    tallies = [old, recent, other]
    five = window("wave", tallies, clock.now(), 5)
    sixty = window("wave", tallies, clock.now(), 60)
    assert (five.calls, five.success_rate) == (10, 0.8)
    assert (sixty.calls, sixty.success_rate) == (20, 0.4)
    clock.advance(minutes=5)
    assert window("wave", tallies, clock.now(), 5).success_rate is None


def test_a_window_ignores_what_came_before_the_breaker_closed() -> None:
    clock = FakeClock()
    failing = tally(clock, starts_timeout=5)
    clock.advance(seconds=50)
    closed_at = clock.now()
    clock.advance(minutes=1)
    healthy = tally(clock, starts_ok=3)
    stats = window("wave", [failing, healthy], clock.now(), 5, since=closed_at)
    assert (stats.calls, stats.success_rate) == (3, 1.0)


def test_latency_percentiles_are_read_from_the_histogram() -> None:
    histogram = [0] * (len(LATENCY_BOUNDS_MS) + 1)
    histogram[bucket_of(80, LATENCY_BOUNDS_MS)] += 50
    histogram[bucket_of(4000, LATENCY_BOUNDS_MS)] += 50
    assert quantile(histogram, LATENCY_BOUNDS_MS, 0.5) == 100
    p95 = quantile(histogram, LATENCY_BOUNDS_MS, 0.95)
    assert p95 is not None and 2500 < p95 <= 5000
    assert quantile([0] * len(histogram), LATENCY_BOUNDS_MS, 0.5) is None
    assert bucket_of(99999, LATENCY_BOUNDS_MS) == len(LATENCY_BOUNDS_MS)


def test_status_follows_the_breaker_then_the_window() -> None:
    clock = FakeClock()
    now = clock.now()
    failing = window("wave", [tally(clock, starts_ok=3, starts_timeout=3)], now, 5)
    healthy = window("wave", [tally(clock, starts_ok=10)], now, 5)
    few = window("wave", [tally(clock, starts_error=2)], now, 5)
    assert assess(BreakerState.OPEN, healthy, healthy).status is HealthStatus.DOWN
    assert assess(BreakerState.HALF_OPEN, healthy, healthy).status is HealthStatus.DEGRADED
    assert assess(BreakerState.CLOSED, failing, failing).reason == "failing"
    assert assess(BreakerState.CLOSED, healthy, healthy).status is HealthStatus.OPERATIONAL
    assert assess(BreakerState.CLOSED, few, few).status is HealthStatus.OPERATIONAL
    short_quiet = assess(BreakerState.CLOSED, few, failing)
    assert (short_quiet.status, short_quiet.window.minutes) == (HealthStatus.DEGRADED, 5)


def test_slow_starts_and_payments_past_their_ttl_are_degraded() -> None:
    clock = FakeClock()
    slow = [0] * (len(LATENCY_BOUNDS_MS) + 1)
    slow[bucket_of(9000, LATENCY_BOUNDS_MS)] = 10
    slow_tally = replace(tally(clock, starts_ok=10), start_latency=tuple(slow))
    stats = window("wave", [slow_tally], clock.now(), 5)
    assert assess(BreakerState.CLOSED, stats, stats).reason == "slow"
    stuck = window("wave", [tally(clock, settled_in_ttl=1, expired=9)], clock.now(), 60)
    assert stuck.within_ttl_rate == 0.1
    assert assess(BreakerState.CLOSED, stuck, stuck).reason == "not_settling"


def test_the_breaker_settings_are_read_from_the_environment() -> None:
    from entrypoints.settings import Settings, SettingsError

    default = Settings.from_env({}, env_file="/nonexistent/.env").breaker
    assert (default.failures, default.open_for) == (5, timedelta(seconds=30))
    env = {"PROVIDER_BREAKER_FAILURES": "2", "PROVIDER_BREAKER_OPEN_SECONDS": "4"}
    chosen = Settings.from_env(env, env_file="/nonexistent/.env").breaker
    assert (chosen.failures, chosen.open_for) == (2, timedelta(seconds=4))
    for bad in ({"PROVIDER_BREAKER_FAILURES": "0"}, {"PROVIDER_BREAKER_FAILURES": "x"}):
        with pytest.raises(SettingsError, match="PROVIDER_BREAKER_FAILURES"):
            Settings.from_env(bad, env_file="/nonexistent/.env")
    with pytest.raises(SettingsError, match="PROVIDER_BREAKER_OPEN_SECONDS"):
        Settings.from_env({"PROVIDER_BREAKER_OPEN_SECONDS": "-1"}, env_file="/nonexistent/.env")
