"""A debugger usable from a step, even when the step runs in a worker process."""

from __future__ import annotations

import pdb
import sys


class ForkedPdb(pdb.Pdb):
    """``pdb.Pdb`` that reads commands from the controlling terminal instead of the worker's stdin."""

    def interaction(self, *args, **kwargs):
        try:
            terminal = open("/dev/tty")  # noqa: SIM115 - closed below, after the interaction
        except OSError:  # no controlling terminal: use stdin as it is
            return super().interaction(*args, **kwargs)
        saved_stdin = sys.stdin
        sys.stdin = terminal
        try:
            return super().interaction(*args, **kwargs)
        finally:
            sys.stdin = saved_stdin
            terminal.close()
