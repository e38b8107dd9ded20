"""Atomic file writes, shared by every writer in neurosim (JSON, GraphML, pictures).

A file is written to a *temporary* beside its target, flushed to disk, and
renamed over the target in one step, so a crash or a full disk never leaves
a half-written file under the real name. The rules:

- **Symlinks are followed**: saving to a link updates the file it points to
  and keeps the link.
- **Permissions are kept**: re-saving over a file of mode 0600 leaves 0600; a
  new file gets the usual mode (0666 less the umask).
- **Stale temporaries are removed**: a temporary is named
  ``.<target name>.<pid>-<random>.neurosim-tmp<extension>`` (the
  extension kept so that writers choosing a format by it still work). A save killed mid-write
  leaves one behind; the next save of the same target deletes those whose
  process no longer runs (the temporaries of a save still in progress, in
  another process, are left alone).
- **A missing folder is reported by the target's name**, not the temporary's.

Examples
--------
>>> import os, pathlib, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "note.txt")
>>> atomic_write(path, lambda temporary: pathlib.Path(temporary).write_text("hello"))
>>> pathlib.Path(path).read_text(), os.listdir(os.path.dirname(path))
('hello', ['note.txt'])
"""

from __future__ import annotations

import os
import re
import stat
import uuid
from collections.abc import Callable

from .errors import DataNotFoundError

__all__ = ["atomic_write", "open_existing"]

_SUFFIX = ".neurosim-tmp"


def atomic_write(
    path: str | os.PathLike, write: Callable[[str], object], make_folder: bool = False
) -> None:
    """Write ``path`` atomically: ``write(temporary)`` fills a temporary, then it is renamed.

    Parameters
    ----------
    path : str or path-like
        The target; a symlink is followed to the file it points to.
    write : callable
        Called with the temporary's path; it writes the whole content there.
    make_folder : bool, default False
        Create a missing folder (pictures); otherwise a missing folder is an
        error naming the target.

    Raises
    ------
    DataNotFoundError
        If the folder does not exist and ``make_folder`` is False.
    """
    target = os.path.realpath(os.fspath(path))
    folder = os.path.dirname(target)
    if make_folder:
        os.makedirs(folder, exist_ok=True)
    elif not os.path.isdir(folder):
        raise DataNotFoundError(
            f"cannot write {os.fspath(path)!r}: the folder {folder!r} does not exist; "
            "create it first (os.makedirs) or choose another path"
        )
    _remove_stale_temporaries(target)
    name = os.path.basename(target)
    temporary = os.path.join(
        folder,
        f".{name}.{os.getpid()}-{uuid.uuid4().hex[:12]}{_SUFFIX}"
        f"{os.path.splitext(name)[1]}",
    )
    # Created like any new file (0o666 less the umask), exclusively.
    os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        write(temporary)
        with open(temporary, "rb+") as file:
            os.fsync(file.fileno())
        try:
            os.chmod(temporary, stat.S_IMODE(os.stat(target).st_mode))
        except FileNotFoundError:
            pass
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def open_existing(path: str | os.PathLike, what: str, hint: str):
    """Open a file to read in binary, or raise DataNotFoundError naming it.

    A missing file, a folder and a path through a non-folder all get the
    same message: there is no ``what`` at ``path``, and ``hint`` says what
    is expected instead.
    """
    try:
        return open(path, "rb")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as error:
        raise DataNotFoundError(
            f"no {what} at {os.fspath(path)!r} ({error.strerror.lower()}); {hint}"
        ) from None


def _remove_stale_temporaries(target: str) -> None:
    """Delete temporaries of ``target`` left by saves whose process has ended."""
    folder, name = os.path.split(target)
    pattern = re.compile(
        re.escape(f".{name}.")
        + r"(\d+)-[0-9a-f]+"
        + re.escape(_SUFFIX + os.path.splitext(name)[1])
    )
    for entry in os.listdir(folder):
        match = pattern.fullmatch(entry)
        if match and not _process_runs(int(match.group(1))):
            try:
                os.unlink(os.path.join(folder, entry))
            except FileNotFoundError:
                pass


def _process_runs(pid: int) -> bool:
    if pid == os.getpid():
        return True  # another thread of ours may be saving the same target
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
