import pytest


@pytest.fixture(scope="session")
def ten_year_instance(tmp_path_factory):
    """One folder for scripts/bench.py's databases (the ten-year data in large/, the demo in demo/),
    built by the first benchmark that needs them and reused by the others: building the ten-year data
    takes minutes, and it is the same data for every budget."""
    return tmp_path_factory.mktemp("bench-instance")
