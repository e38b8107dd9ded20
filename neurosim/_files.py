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
- **Every error names the target**, not the temporary, and is a
  :class:`~neurosim.errors.NeurosimError` deriving from the matching built-in
  (``PermissionError``, ``IsADirectoryError``, ...).
- **Long names work**: a target whose name leaves no room for the
  temporary's additions gets a temporary named after a shortened name
  and a hash of the whole one.

Reading (:func:`open_existing`) accepts regular files only — never a pipe, a
device such as ``/dev/zero`` or a folder — and :func:`read_bounded` never
reads more than its limit and one byte.

Examples
--------
>>> import os, pathlib, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "note.txt")
>>> atomic_write(path, lambda temporary: pathlib.Path(temporary).write_text("hello"))
>>> pathlib.Path(path).read_text(), os.listdir(os.path.dirname(path))
('hello', ['note.txt'])
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import uuid
from collections.abc import Callable, Iterable

from .errors import DataNotFoundError, FormatError, NotAFileError, file_error

__all__ = ["atomic_write", "atomic_write_text", "open_existing", "read_bounded"]

_SUFFIX = ".neurosim-tmp"
# File names are at most 255 bytes; the temporary adds ".", "." and
# "<pid>-<12 hex>" and the suffix: a stem of at most this many bytes leaves room.
_STEM_BYTES = 160
_EXTENSION_BYTES = 16


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
    try:
        target = os.path.realpath(os.fspath(path))
        folder = os.path.dirname(target)
        if make_folder:
            os.makedirs(folder, exist_ok=True)
        elif not os.path.isdir(folder):
            raise DataNotFoundError(
                f"cannot write {os.fspath(path)!r}: the folder {folder!r} does not "
                "exist; create it first (os.makedirs) or choose another path"
            )
        if os.path.isdir(target):
            raise NotAFileError(
                f"cannot write {os.fspath(path)!r}: it is a folder; give a file's path"
            )
        _check_name_length(target)
        _remove_stale_temporaries(target)
        prefix, extension = _temporary_parts(os.path.basename(target))
        temporary = os.path.join(
            folder,
            f"{prefix}{os.getpid()}-{uuid.uuid4().hex[:12]}{_SUFFIX}{extension}",
        )
        # Created like any new file (0o666 less the umask), exclusively.
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except OSError as error:
        if isinstance(error, DataNotFoundError | NotAFileError):
            raise
        raise file_error(error, path, "writing") from None
    try:
        write(temporary)
        with open(temporary, "rb+") as file:
            os.fsync(file.fileno())
        try:
            os.chmod(temporary, stat.S_IMODE(os.stat(target).st_mode))
        except FileNotFoundError:
            pass
        os.replace(temporary, target)
    except OSError as error:
        # The writer's own errors too (a full disk): named by the target.
        if isinstance(error, DataNotFoundError | NotAFileError):
            raise
        raise file_error(error, path, "writing") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def atomic_write_text(path: str | os.PathLike, text: str | Iterable[str]) -> None:
    """Write ``text`` to ``path`` as UTF-8, atomically (see :func:`atomic_write`).

    ``text`` may come in pieces (an iterable of strings): a large file is
    then never held whole in memory. If making a piece fails, nothing is
    written.
    """

    def write(temporary: str) -> None:
        with open(temporary, "w", encoding="utf-8") as file:
            if isinstance(text, str):
                file.write(text)
            else:
                file.writelines(text)

    atomic_write(path, write)


def _check_name_length(target: str) -> None:
    """A target name the file system cannot hold is refused before anything is made."""
    limit = os.pathconf(os.path.dirname(target), "PC_NAME_MAX")
    if len(os.fsencode(os.path.basename(target))) > limit:
        raise OSError(errno.ENAMETOOLONG, "File name too long")


def _temporary_parts(name: str) -> tuple[str, str]:
    """The start and the end of a temporary's name for the target ``name``.

    ``.<name>.`` and the extension, or for a long name a shortened name with
    a hash of the whole one, so that the temporary's name always fits.
    """
    extension = os.path.splitext(name)[1]
    if len(os.fsencode(extension)) > _EXTENSION_BYTES:
        extension = ""
    stem = name
    if len(os.fsencode(name)) > _STEM_BYTES:
        digest = hashlib.sha1(os.fsencode(name)).hexdigest()[:12]
        # Cut in bytes; a character cut in two is dropped.
        head = os.fsencode(name)[: _STEM_BYTES - 13].decode("utf-8", "ignore")
        stem = head + "~" + digest
    return f".{stem}.", extension


def open_existing(path: str | os.PathLike, what: str, hint: str):
    """Open a regular file to read in binary, or raise a NeurosimError naming it.

    A missing file, a folder and a path through a non-folder all get the
    same message: there is no ``what`` at ``path``, and ``hint`` says what
    is expected instead. A pipe, a socket or a device (``/dev/zero``) is
    refused before it is opened, so reading can neither block nor run on
    for ever; a link loop or a permission problem gets its own message.
    """
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise DataNotFoundError(
            f"no {what} at {path!r}: expected a path (a string or a pathlib.Path); {hint}"
        )
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISREG(mode):
            # O_NONBLOCK: should a pipe replace the file in between, opening
            # it does not wait for a writer.
            descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            if stat.S_ISREG(os.fstat(descriptor).st_mode):
                os.set_blocking(descriptor, True)
                return os.fdopen(descriptor, "rb")
            os.close(descriptor)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as error:
        raise DataNotFoundError(
            f"no {what} at {os.fspath(path)!r} ({error.strerror.lower()}); {hint}"
        ) from None
    except OSError as error:
        raise file_error(error, path, "reading") from None
    if stat.S_ISDIR(mode):
        raise DataNotFoundError(
            f"no {what} at {os.fspath(path)!r} (is a directory, not a file); {hint}"
        )
    raise NotAFileError(
        f"cannot read {os.fspath(path)!r}: it is a {_file_kind(mode)}, not a regular "
        f"file; {hint}"
    )


def read_bounded(file, limit: int, name: str) -> bytes:
    """Read a whole file of at most ``limit`` bytes, or raise FormatError.

    Never reads more than ``limit + 1`` bytes, whatever the file claims.
    """
    # As much as the file says it holds (never a buffer of the limit's size),
    # then whatever it may have grown by, in pieces, up to the limit and a byte.
    size = os.fstat(file.fileno()).st_size
    data = file.read(min(size, limit) + 1)
    while len(data) <= limit:
        more = file.read(min(1 << 20, limit + 1 - len(data)))
        if not more:
            break
        data += more
    if len(data) > limit:
        raise FormatError(
            f"{name}: the file is larger than {limit:,} bytes, the most neurosim reads"
        )
    return data


def _file_kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISFIFO, "named pipe (FIFO)"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISSOCK, "socket"),
    ):
        if test(mode):
            return kind
    return "special file"


def _remove_stale_temporaries(target: str) -> None:
    """Delete temporaries of ``target`` left by saves whose process has ended."""
    folder, name = os.path.split(target)
    prefix, extension = _temporary_parts(name)
    pattern = re.compile(
        re.escape(prefix) + r"(\d+)-[0-9a-f]+" + re.escape(_SUFFIX + extension)
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
