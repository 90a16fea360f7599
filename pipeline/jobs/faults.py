"""Named crash points, so tests can kill a process at an exact step (like a power cut)."""

from __future__ import annotations

import os
import signal
from collections.abc import Set


def crash_point(name: str, armed: Set[str]) -> None:
    if name in armed:
        os.kill(os.getpid(), signal.SIGKILL)
