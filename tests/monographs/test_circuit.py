"""The circuit breaker every fallible dependency goes through: skip it for a while after a failure, try again after,
and log one line per outage, never one per request."""

import logging

from monographs.circuit import Circuit


class FakeClock:
    def __init__(self):
        self.now = 500.0

    def __call__(self):
        return self.now


def test_a_failure_opens_the_circuit_for_retry_after_then_lets_the_next_call_try():
    clock = FakeClock()
    circuit = Circuit("Redis cache", retry_after=2, clock=clock)
    assert not circuit.is_open
    circuit.failed(ConnectionError("refused"))
    assert circuit.is_open
    clock.now += 1.9
    assert circuit.is_open
    clock.now += 0.2
    assert not circuit.is_open  # time to try again
    circuit.failed(ConnectionError("refused"))  # tried, failed again: open for another interval
    clock.now += 1.9
    assert circuit.is_open
    circuit.succeeded()
    assert not circuit.is_open


def test_an_outage_logs_one_line_when_it_starts_and_one_when_it_ends(caplog):
    clock = FakeClock()
    circuit = Circuit("Redis cache", retry_after=2, clock=clock)
    with caplog.at_level(logging.WARNING, logger="monographs.circuit"):
        for _ in range(500):  # every request of an eight-second outage
            circuit.failed(TimeoutError("Timeout reading from 127.0.0.1:6379\nsecond line"))
            clock.now += 0.016
        circuit.succeeded()
        circuit.succeeded()
    assert [record.getMessage() for record in caplog.records] == [
        "Redis cache failed (TimeoutError: Timeout reading from 127.0.0.1:6379); skipping it, trying again every 2 s",
        "Redis cache is back after 8.0 s",
    ]
    assert all(record.exc_info is None for record in caplog.records)  # no tracebacks
