"""A debugger usable from a step, even when the step runs in a worker process."""

from __future__ import annotations

import pdb
import sys


class ForkedPdb(pdb.Pdb):
    """``pdb.Pdb`` that reads commands from the controlling terminal instead of the worker's stdin."""

    def interaction(self, *args, **kwargs):
        saved_stdin = sys.stdin
        try:
            with open("/dev/tty") as terminal:
                sys.stdin = terminal
                return super().interaction(*args, **kwargs)
        except OSError:
            sys.stdin = saved_stdin
            return super().interaction(*args, **kwargs)
        finally:
            sys.stdin = saved_stdin
