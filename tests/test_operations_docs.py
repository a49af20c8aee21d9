"""The systemd unit on the operations page (docs/operations.md): systemd accepts it without a warning, it has the
settings the page promises, and its command line is one `handout serve` accepts."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import build_parser

PAGE = Path(__file__).parent.parent / "docs" / "operations.md"
INSTALLED = "/opt/patient-handouts/.venv/bin/handout"
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


def _unit() -> str:
    match = re.search(r"### The systemd service.*?```ini\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.DOTALL)
    assert match, "no systemd unit on the operations page"
    return match[1]


def _settings(unit: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in unit.splitlines() if "=" in line)


def test_the_unit_runs_the_server_as_the_page_says() -> None:
    settings = _settings(_unit())
    assert settings["Type"] == "exec" and settings["User"] == "handout" and settings["Restart"] == "on-failure"
    assert settings["ProtectSystem"] == "strict" and settings["StateDirectory"] == "handout"
    command = shlex.split(settings["ExecStart"])
    assert command[0] == INSTALLED
    args = build_parser().parse_args(command[1:])
    assert args.command == "serve" and args.behind_proxy == "127.0.0.1"
    for path in (args.audit_log, args.outbox):
        assert path.startswith("/var/lib/handout/")  # the state directory: writable under ProtectSystem=strict


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd is not installed (.ci/run installs it)")
def test_systemd_accepts_the_unit_without_a_warning(tmp_path: Path) -> None:
    handout = Path(sys.executable).parent / "handout"  # this environment's, for the installed one
    unit = tmp_path / "handout.service"
    unit.write_text(_unit().replace(INSTALLED, str(handout)))
    assert SYSTEMD_ANALYZE is not None
    checked = subprocess.run([SYSTEMD_ANALYZE, "verify", str(unit)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0 and checked.stderr == "", checked.stderr
    unit.write_text(unit.read_text().replace("ProtectSystem=strict", "ProtectSystem=strickt"))
    warned = subprocess.run([SYSTEMD_ANALYZE, "verify", str(unit)], capture_output=True, text=True, check=False)
    assert "ProtectSystem" in warned.stderr or "protect system" in warned.stderr  # the check can fail
