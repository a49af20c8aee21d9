"""How the suite runs under CI (CI=true): property tests replay the same examples every run, and no test may skip.

Loaded by conftest.py (and by the test of it, as a plugin of a pytest run in a subprocess).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false")

settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
settings.load_profile("ci" if IN_CI else "default")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """Under CI a skipped test fails: CI installs everything the tests need (Chromium, axe-core, CJK fonts), so a
    skip there means a dependency failed to install, and a green run would hide every test it skipped."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under CI, where nothing may skip: {reason}"
