"""Reading files that learner code could have made or replaced, without ever blocking or reading without end.

Every file the grader reads from a kernel's work folder, and every submitted notebook, goes through
:func:`read_regular`: it is opened with ``O_NOFOLLOW | O_NONBLOCK`` (a symbolic link is refused, a named pipe does
not block), checked with ``fstat`` to be a regular file, and read only up to its size limit (a file under ``/proc``
reads as size 0 yet has no end, so the size check is repeated on what was read). Folders on the way are opened
the same way, one at a time, below a folder the grader made (``base``), so a kernel that swaps ``results/`` for a
link to ``/`` cannot make the grader read the host's files.
"""

import os
import stat

CHUNK = 1 << 16
FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)


class UnsafeFile(ValueError):
    """The file is not one the grader reads: ``found`` says what was there (a folder, a named pipe, too large)."""

    def __init__(self, path, found):
        super().__init__(f"{path}: {found}")
        self.path, self.found = str(path), found


def kind_of(mode):
    """Words for the kind of file ``mode`` (from ``stat``) describes."""
    for test, words in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISLNK, "a symbolic link"),
                        (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                        (stat.S_ISSOCK, "a socket"), (stat.S_ISREG, "a regular file")):
        if test(mode):
            return words
    return "a special file"


def _open_part(name, dir_fd, flags, path):
    try:
        return os.open(name, flags, dir_fd=dir_fd)
    except FileNotFoundError:
        raise
    except OSError as error:
        try:
            found = kind_of(os.lstat(name, dir_fd=dir_fd).st_mode)
        except OSError:
            found = f"unreadable ({error.strerror})"
        if found == "a regular file":
            found = f"unreadable ({error.strerror})"
        raise UnsafeFile(path, found) from None


def open_regular(path, base=None):
    """A read-only descriptor of the regular file ``path`` (relative to the trusted folder ``base``, if given).

    Raises FileNotFoundError when it does not exist and :class:`UnsafeFile` when it, or a folder on the way
    below ``base``, is anything but a plain file (folder).
    """
    parts = os.path.normpath(str(path)).split(os.sep) if base is not None else [str(path)]
    if base is not None and (os.path.isabs(str(path)) or ".." in parts):
        raise ValueError(f"{path} is not a path below {base}")
    dir_fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0)) if base is not None else None
    try:
        for part in parts[:-1]:
            folder = _open_part(part, dir_fd, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_NONBLOCK, path)
            os.close(dir_fd)
            dir_fd = folder
        descriptor = _open_part(parts[-1], dir_fd, FLAGS, path)
    finally:
        if dir_fd is not None:
            os.close(dir_fd)
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        raise UnsafeFile(path, kind_of(mode))
    return descriptor


def read_regular(path, max_bytes, base=None, offset=0):
    """The bytes of the regular file ``path`` from ``offset``, at most ``max_bytes`` of them.

    Raises :class:`UnsafeFile` (``found`` names the problem) when the file is not a regular file or holds more than
    ``max_bytes`` from ``offset``; FileNotFoundError when it does not exist.
    """
    descriptor = open_regular(path, base)
    try:
        size = os.fstat(descriptor).st_size
        if size - offset > max_bytes:
            raise UnsafeFile(path, f"larger than {max_bytes} bytes ({size} bytes)")
        if offset:
            os.lseek(descriptor, offset, os.SEEK_SET)
        chunks, total = [], 0
        while total <= max_bytes:
            chunk = os.read(descriptor, CHUNK)  # whole chunks: some /proc files refuse reads of odd sizes
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:  # e.g. a file under /proc, whose size reads as 0
            raise UnsafeFile(path, f"larger than {max_bytes} bytes (it kept growing while read)")
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def size_of(path, base=None):
    """The size of the regular file ``path`` (0 when it is missing or not a regular file); never blocks."""
    try:
        descriptor = open_regular(path, base)
    except (OSError, ValueError):
        return 0
    try:
        return os.fstat(descriptor).st_size
    finally:
        os.close(descriptor)
