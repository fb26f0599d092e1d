"""Benchmarks (never timed tests); see docs/performance.md."""
