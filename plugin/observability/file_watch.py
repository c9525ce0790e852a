"""Notice, without a system call per record, that a file's path no longer names the open file.

The audit file is checked before each record (rotated, deleted, replaced: reopen at the path). A `stat` per
call is a system call per call; in a server it cost 22 us of CPU per call, of the audit's 80-105 us (median of
45 paired blocks of 100 calls in one process, 2026-12-03), far more than the same `stat` in a tight loop. On
Linux an inotify watch on the open file is registered with the event loop instead: the loop's poll, which runs
anyway before the next request is read, reports a rename, an unlink or a replacement, and a record checks a
flag. Elsewhere (and outside an event loop) there is no watch and the caller keeps its `stat` per record.

The standard library has no inotify binding: the three libc calls are made through ctypes.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ctypes

# <sys/inotify.h>: link count changed (unlink, rename over it), the file itself moved or deleted.
IN_ATTRIB = 0x00000004
IN_MOVE_SELF = 0x00000800
IN_DELETE_SELF = 0x00000400
_EVENTS = IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF


@functools.cache
def _libc() -> ctypes.CDLL | None:
    """libc's inotify calls, looked up at the first watch: importing ctypes costs 2-4 ms of a cold start (measured
    2026-12-03), and the first watch is made at the first tool call's record. `CDLL(None)` is the process's own
    symbol table, libc included (no library search)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.inotify_init1.argtypes = [ctypes.c_int]
        libc.inotify_add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
    except (OSError, AttributeError):  # no inotify in this libc
        return None
    return libc


class FileWatch:
    """An inotify watch on one file, read by one event loop; `changed` turns True when the file may have moved.

    Any event means "check the path" (a chmod also raises IN_ATTRIB: the check then finds the same file). The
    flag is only read and set on the loop's thread, so no lock is needed."""

    def __init__(self, loop: asyncio.AbstractEventLoop, fd: int) -> None:
        self.loop = loop
        self._thread = threading.get_ident()
        self._fd = fd
        self.changed = False
        loop.add_reader(fd, self._drain)

    @classmethod
    def start(cls, path: Path) -> FileWatch | None:
        """A watch on the file `path` names now, read by the running loop; None where none can be made."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None
        libc = _libc()
        if libc is None:
            return None
        fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if fd < 0:
            return None  # out of inotify instances: stat per record instead
        if libc.inotify_add_watch(fd, os.fsencode(path), _EVENTS) < 0:
            os.close(fd)
            return None
        try:
            return cls(loop, fd)
        except (OSError, RuntimeError, NotImplementedError):  # a loop without add_reader (Windows proactor)
            os.close(fd)
            return None

    @staticmethod
    def loop_running() -> bool:
        """Is this thread running an event loop (where `start` would have made a watch if it could)?"""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return False
        return True

    def current(self) -> bool:
        """Can the flag be trusted now: this thread runs the loop that reads the watch? (Not asked through
        `asyncio.get_running_loop()`: before Python 3.12 it makes a `getpid` system call each time.)"""
        return threading.get_ident() == self._thread and self.loop.is_running()

    def _drain(self) -> None:
        self.changed = True
        with contextlib.suppress(OSError):
            while os.read(self._fd, 4096):
                pass

    def close(self) -> None:
        with contextlib.suppress(Exception):  # the loop may be closed already
            self.loop.remove_reader(self._fd)
        with contextlib.suppress(OSError):
            os.close(self._fd)
