"""Property and API fuzzing. FUZZ: hypothesis settings for these tests, derandomised
(the same examples on every run) and without deadlines (nothing is timed)."""

from hypothesis import HealthCheck, settings

FUZZ = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
