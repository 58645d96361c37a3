"""A pure computation run beside this process, on the machine's second core.

``Beside(compute)`` forks a child that runs ``compute`` while the parent goes
on with other work; ``result()`` waits for the child and returns its value
(plain data: it comes back through a pipe as ``marshal`` bytes). The child is
a copy of the parent, so it needs nothing sent to it: it reads what it needs
from memory, writes nothing but its value, and leaves with ``os._exit`` (no
cleanup, no flushing of the parent's buffers, no garbage collection).

Whenever a child cannot be used, ``compute`` runs in this process instead,
when its value is asked for: the answer is the same either way, only slower.
That is so where ``fork`` is missing or unsafe (anything but Linux, or other
threads running: a forked copy of a thread holding a lock would hang), where
this process may run on one core only, if the fork fails, and if the child
fails or sends what does not decode.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
import threading
from collections.abc import Callable
from typing import Any


def can_fork() -> bool:
    """Whether a child may be forked here and now, and would have a core of its own."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork") or threading.active_count() != 1:
        return False
    return len(os.sched_getaffinity(0)) >= 2  # the cores this process may run on (taskset, cpusets)


# Work this process will need anyway, done while it waits on a child: that
# wait is idle time on the command's path (``meanwhile``).
_MEANWHILE: list[Callable[[], object]] = []


def meanwhile(work: Callable[[], object]) -> None:
    """Have ``work`` done while this process first waits on a child
    (``Beside.result``), or else by ``done_meanwhile``, whichever comes first."""
    _MEANWHILE.append(work)


def done_meanwhile() -> None:
    """The work ``meanwhile`` was given that is not done yet, done now."""
    while _MEANWHILE:
        _MEANWHILE.pop(0)()


def _meanwhile_while_waiting() -> None:
    # Work that fails here is left for ``done_meanwhile``, which raises its
    # error where its caller expects it, not inside the computation that waits.
    pending = _MEANWHILE[:]
    _MEANWHILE.clear()
    for work in pending:
        try:
            work()
        except Exception:
            _MEANWHILE.append(work)


class Beside:
    """``compute`` running in a forked child (or, failing that, later in this process)."""

    def __init__(self, compute: Callable[[], Any]) -> None:
        self._compute = compute
        self._pid = 0
        self._stream: Any = None
        if not can_fork():
            return
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return
        if pid == 0:  # the child
            status = 1
            _MEANWHILE.clear()  # this process's work, not the child's
            try:
                os.close(read_end)
                with os.fdopen(write_end, "wb") as stream:
                    stream.write(marshal.dumps(compute()))
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        self._pid = pid
        self._stream = os.fdopen(read_end, "rb")

    @property
    def forked(self) -> bool:
        """Whether a child is computing the value (else ``result`` will)."""
        return self._pid != 0

    def result(self) -> Any:
        """The value of ``compute``: the child's, once it is done, else computed now."""
        if self._pid:
            _meanwhile_while_waiting()
            data = self._stream.read()
            status = self._reap()
            if status == 0:
                with contextlib.suppress(ValueError, EOFError, TypeError):
                    return marshal.loads(data)
        return self._compute()

    def close(self) -> None:
        """Stop a child whose value is no longer wanted (after an exception)."""
        if self._pid:
            with contextlib.suppress(OSError):
                os.kill(self._pid, 9)
            self._reap()

    def _reap(self) -> int:
        pid, self._pid = self._pid, 0
        with contextlib.suppress(OSError):
            self._stream.close()
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            return -1
        return status

    def __enter__(self) -> Beside:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
