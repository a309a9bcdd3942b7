"""The embedded run's process manager: honcho's Manager as run.py used it, in this process.

honcho forks a copy of the calling interpreter for every process it manages (and runs each
command through a shell); in the embedded run those copies were ~6 MB of PSS each, for
nothing but reading output. Here one thread per process copies its output, prefixed with
its name; each process runs in its own session (process group). When one process ends, or
on Ctrl-C (SIGINT) or SIGTERM, every group gets SIGTERM, and SIGKILL after KILL_WAIT seconds.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

KILL_WAIT = 5.0
SIGNAL_RETURN_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}
COLOURS = ("36", "33", "32", "35", "34", "31", "96", "93", "92", "95")


class Supervisor:
    def __init__(self, out=None, colour: bool = False):
        self.out = out or sys.stdout
        self.colour = colour
        self.returncode: int | None = None
        # process specs (name, cmd, env, cwd) and gates (callables), started and run in order
        self._specs: list = []
        self._processes: dict[str, subprocess.Popen] = {}
        self._print_lock = threading.Lock()
        self._stop = threading.Event()
        self._width = len("system")

    def add_process(self, name: str, cmd: str, env: dict | None = None, cwd: str | None = None) -> None:
        assert name not in {spec[0] for spec in self._specs if not callable(spec)}, "process names must be unique"
        self._specs.append((name, cmd, env, cwd))
        self._width = max(self._width, len(name))

    def add_gate(self, gate) -> None:
        """`gate()` runs after the processes added before it have started and before the
        ones added after it start (e.g. wait until the workers delivered the demo data)."""
        self._specs.append(gate)

    def _print(self, name: str, text: str, index: int = -1) -> None:
        label = f"{time.strftime('%H:%M:%S')} {name.ljust(self._width)} | "
        if self.colour and index >= 0:
            label = f"\033[{COLOURS[index % len(COLOURS)]}m{label}\033[0m"
        with self._print_lock:
            self.out.write(label + text.rstrip("\n") + "\n")
            self.out.flush()

    def _copy_output(self, name: str, index: int, process: subprocess.Popen) -> None:
        for raw in iter(process.stdout.readline, b""):
            self._print(name, raw.decode("utf-8", "replace"), index)
        code = process.wait()
        self._print("system", f"{name} stopped (rc={code})")
        if self.returncode is None:
            self.returncode = code
        self._stop.set()  # one process ended: the others go too

    def _signalled(self, signum, frame) -> None:
        self._print("system", f"{signal.Signals(signum).name} received")
        if self.returncode is None:
            self.returncode = SIGNAL_RETURN_CODES.get(signum, 1)
        self._stop.set()

    def _signal_all(self, sig: int) -> None:
        # the whole group, also when its leader is gone: a gunicorn or Celery child may be left
        for process in self._processes.values():
            try:
                os.killpg(process.pid, sig)
            except (ProcessLookupError, PermissionError):
                pass

    def loop(self) -> None:
        signal.signal(signal.SIGINT, self._signalled)
        signal.signal(signal.SIGTERM, self._signalled)
        readers = []
        for index, spec in enumerate(self._specs):
            if callable(spec):
                if self._stop.is_set():
                    break
                spec()
                continue
            name, cmd, env, cwd = spec
            # exec: the shell (for the command's quoting) gives its place to the command
            process = subprocess.Popen(["/bin/sh", "-c", "exec " + cmd], env=env, cwd=cwd, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
            self._processes[name] = process
            self._print("system", f"{name} started (pid={process.pid})")
            reader = threading.Thread(target=self._copy_output, args=(name, index, process), daemon=True)
            reader.start()
            readers.append(reader)
        while not self._stop.wait(0.2):
            pass
        self._signal_all(signal.SIGTERM)
        deadline = time.monotonic() + KILL_WAIT
        while time.monotonic() < deadline and any(p.poll() is None for p in self._processes.values()):
            time.sleep(0.1)
        self._signal_all(signal.SIGKILL)
        for reader in readers:
            reader.join(5)
