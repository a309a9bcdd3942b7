"""The embedded run's process manager runs its gates between the processes, in order."""
from __future__ import annotations

import io
import sys
import threading

from deploy.local.supervise import Supervisor


def test_a_gate_runs_after_the_processes_before_it_and_before_those_after_it(tmp_path):
    out = io.StringIO()
    manager = Supervisor(out)
    early, late = tmp_path / "early", tmp_path / "late"
    seen: list[tuple[bool, bool]] = []
    manager.add_process("early", f"{sys.executable} -c \"open('{early}', 'w'); import time; time.sleep(30)\"")

    def gate():
        # the earlier process has started (and soon written its file); the later one has not
        for _ in range(100):
            if early.exists():
                break
            threading.Event().wait(0.05)
        seen.append((early.exists(), late.exists()))

    manager.add_gate(gate)
    manager.add_process("late", f"{sys.executable} -c \"open('{late}', 'w')\"")  # ends at once: all stop
    manager.loop()
    assert seen == [(True, False)]
    assert late.exists()
    assert "late stopped (rc=0)" in out.getvalue()
