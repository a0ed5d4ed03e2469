"""Benchmarks and the load test: tooling that measures the portal, kept out of its code, settings and tests.

`make bench` runs bench.http (wrk against gunicorn), bench.screening and bench.queries; `make load` runs bench.load.
"""
