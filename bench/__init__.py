"""Benchmarks: each prints ratios measured side by side in one run and records them in docs/BENCHMARKS.md."""
