"""`tarjama run` stops everything it started, whenever the signal comes, start-up included."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.conftest import free_port, start_run

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        bool(os.environ.get("TARJAMA_TEST_DATABASE_URL")),
        reason="the stack runs on its own SQLite database: once per CI run is enough",
    ),
]


def processes_in(session: int) -> dict[int, str]:
    """Live processes of a session (`tarjama run` starts its own): pid -> command line.

    The session stays with every child even when its parent dies, so orphans show up too.
    """
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError):
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            found[int(entry.name)] = command
    return found


@pytest.mark.parametrize(
    ("moment", "how"),
    [
        ("", "SIGTERM"),
        ("redis-server", "SIGTERM"),
        ("gunicorn", "Ctrl-C"),
        ("celery -A workers beat", "SIGTERM"),
    ],
    ids=["at-once", "redis-just-started", "web-just-started", "beat-just-started"],
)
def test_a_signal_during_start_up_leaves_no_process_behind(tmp_path, moment, how):
    stack = start_run(tmp_path, free_port())
    try:
        deadline = time.monotonic() + 60
        while moment and not any(moment in command for command in processes_in(stack.pid).values()):
            assert stack.poll() is None and time.monotonic() < deadline, (tmp_path / "run.log").read_text()
            time.sleep(0.01)
        if how == "Ctrl-C":
            os.killpg(stack.pid, signal.SIGINT)  # the terminal signals its whole foreground group
        else:
            stack.send_signal(signal.SIGTERM)  # systemd, docker stop, kill
        stack.wait(timeout=60)
        deadline = time.monotonic() + 10
        while processes_in(stack.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert processes_in(stack.pid) == {}, (tmp_path / "run.log").read_text()
    finally:
        for pid in processes_in(stack.pid):
            os.kill(pid, signal.SIGKILL)
