"""One run per output folder: an exclusive lock held while a run writes its files.

Two runs on one ``--out`` interleave their ``results.jsonl`` lines (a crash on a half line, or more
results than examples, after which resume refuses). The lock is an OS advisory lock (``flock``) on
``<folder>/.lock``, so it disappears with its process: a run killed with ``kill -9`` or a crash
leaves no stale lock to clean up, and the next run simply takes it. While the lock is held the file
holds the owner's pid, host and start time, which the refusal names.

On systems without ``fcntl`` (Windows) the :mod:`filelock` package's lock is used instead; it is
released by the OS as well, but the refusal cannot name the owner.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timezone
from pathlib import Path

from ..errors import AttackRecipeError, UsageError

LOCK_FILE = ".lock"


class RunFolderBusyError(AttackRecipeError):
    """Another live process holds the output folder's lock."""


class RunFolderLock:
    """Exclusive, non-blocking lock on a run folder; a context manager.

    >>> with RunFolderLock("runs/x"):  # doctest: +SKIP
    ...     ...  # write results; a second RunFolderLock("runs/x") raises RunFolderBusyError
    """

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self.path = self.folder / LOCK_FILE
        self._fd: int | None = None
        self._fallback = None

    def acquire(self) -> "RunFolderLock":
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if not self.folder.is_dir():
                raise NotADirectoryError(f"{self.folder} is not a folder")
        except OSError as exc:
            raise UsageError(f"cannot use {self.folder} as the run's output folder: {exc.strerror or exc}; "
                             "pass --out a folder that can be created and written") from None
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            return self._acquire_with_filelock()
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            owner = _read_owner(fd)
            os.close(fd)
            raise RunFolderBusyError(
                f"{self.folder} is in use by another run ({owner}); wait for it to finish, or pass "
                "another --out. Two runs on one folder would mix their results."
            ) from None
        os.ftruncate(fd, 0)
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        os.write(fd, f"pid {os.getpid()} on {socket.gethostname()}, since {started}\n".encode())
        self._fd = fd
        return self

    def _acquire_with_filelock(self) -> "RunFolderLock":  # pragma: no cover - Windows
        import filelock

        lock = filelock.FileLock(str(self.path), timeout=0)
        try:
            lock.acquire()
        except filelock.Timeout:
            raise RunFolderBusyError(
                f"{self.folder} is in use by another run; wait for it to finish, or pass another --out"
            ) from None
        self._fallback = lock
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)  # the file stays (unlinking a lock file races); it names no one now
            os.close(self._fd)  # closing releases the flock
            self._fd = None
        if self._fallback is not None:  # pragma: no cover - Windows
            self._fallback.release()
            self._fallback = None

    def __enter__(self) -> "RunFolderLock":
        return self.acquire()

    def __exit__(self, *exc_info) -> None:
        self.release()


def _read_owner(fd: int) -> str:
    try:
        text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "owner not known yet"


def ensure_folder_free(folder: str | os.PathLike) -> None:
    """Fail fast, before minutes of model loading, when another run holds ``folder`` (nothing is
    created when the folder does not exist). The run takes the lock for real when it starts writing."""
    if (Path(folder) / LOCK_FILE).exists():
        RunFolderLock(folder).acquire().release()
