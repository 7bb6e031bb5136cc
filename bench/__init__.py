"""Benchmarks: each module prints figures; nothing here asserts on time."""
