"""Benchmarks. Speed and memory are measured here, not in unit tests."""
