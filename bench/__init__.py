"""Benchmarks: `python -m bench` runs them all, `python -m bench.<name>` one; each prints figures and nothing asserts on time."""
