"""First code in a learner's kernel while grading: the import guard, then ipykernel. Standard library only.

The grader copies this file into the sandbox's library folder and runs it by path (``python -s
sandbox_boot.py -f CONNECTION_FILE``), so the folder holding it, where only copies of the allowed course modules
live, is first on ``sys.path``. Before any learner code runs it

* puts :class:`ForbiddenImportGuard` first on ``sys.meta_path``: importing a reference answer module
  (``COURSE_FORBIDDEN_MODULES``, comma separated) raises ModuleNotFoundError and appends a line to
  ``COURSE_IMPORT_LOG``, which the grader reads after every cell;
* removes the finders of an editable install of the course, which would map ``solutions`` to the repository;
* caps printed output per cell (``COURSE_OUTPUT_LIMIT`` characters) and sends it in small messages, so that
  ordinary heavy printing never reaches the grader's hard limit on message size (which, when a message exceeds it,
  costs the rest of the notebook its printed output).

With a kernel server (``sandbox_zygote.py``) this module is imported once by the server, which installs the guard
before it imports anything else; :func:`start_in_process` then makes each forked child the kernel of its run.

The guard is a tripwire, not the wall: learner code can remove it, but the answer modules are not in the copied
library and, in the sandbox, the repository is not in the kernel's file system at all.
"""

import importlib.abc
import json
import os
import sys
import time

CHUNK = 256 * 1024
FORBIDDEN, IMPORT_LOG, OUTPUT_LIMIT = (), "", 0  # set from the environment by _read_settings


class ForbiddenImportGuard(importlib.abc.MetaPathFinder):
    """Refuse, and record, imports of the reference answer modules."""

    def find_spec(self, fullname, path=None, target=None):
        if any(fullname == name or fullname.startswith(name + ".") for name in FORBIDDEN):
            _record(fullname)
            raise ModuleNotFoundError(f"No module named {fullname!r}: the reference answers cannot be imported "
                                      "while grading", name=fullname)
        return None


def _record(module):
    if not IMPORT_LOG:
        return
    line = json.dumps({"module": module, "time": time.time()}) + "\n"
    try:
        descriptor = os.open(IMPORT_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(descriptor, line.encode())
        finally:
            os.close(descriptor)
    except OSError:
        pass


def _without_editable_install():
    def editable(thing):
        module = getattr(thing, "__module__", "") or getattr(type(thing), "__module__", "")
        return "__editable__" in str(module) or "__editable__" in repr(thing)

    sys.meta_path[:] = [finder for finder in sys.meta_path if not editable(finder)]
    sys.path_hooks[:] = [hook for hook in sys.path_hooks if not editable(hook)]
    sys.path[:] = [entry for entry in sys.path if "__editable__" not in entry]
    sys.path_importer_cache.clear()


def _cap_stream_output(limit):
    """Keep at most ``limit`` characters of stdout and stderr per executed cell, sent in chunks."""
    from ipykernel import iostream

    flush_buffers = iostream.OutStream._flush_buffers
    sent = {}

    def capped(self):
        for parent, data in flush_buffers(self):
            key = parent.get("msg_id") if isinstance(parent, dict) else None
            used = sent.get(key, 0)
            if used > limit:
                continue
            kept = data[:limit - used]
            sent[key] = used + len(kept) + (len(kept) < len(data))
            for start in range(0, len(kept), CHUNK):
                yield parent, kept[start:start + CHUNK]
            if len(kept) < len(data):
                yield parent, "\n[output truncated while grading]\n"

    iostream.OutStream._flush_buffers = capped


def install_guard():
    """The first thing to do in a process that will run learner code, before any other import."""
    _without_editable_install()
    sys.meta_path.insert(0, ForbiddenImportGuard())


def _read_settings():
    """The guard's and the output cap's settings, from this process's environment."""
    global FORBIDDEN, IMPORT_LOG, OUTPUT_LIMIT
    FORBIDDEN = tuple(name for name in os.environ.get("COURSE_FORBIDDEN_MODULES", "").split(",") if name)
    IMPORT_LOG = os.environ.get("COURSE_IMPORT_LOG", "")
    OUTPUT_LIMIT = int(os.environ.get("COURSE_OUTPUT_LIMIT", "0") or 0)


_read_settings()


def _start_kernel():
    if OUTPUT_LIMIT > 0:
        _cap_stream_output(OUTPUT_LIMIT)
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


def start_in_process(config, connection_file):
    """In a child of the kernel server (guard installed, libraries imported): become the kernel of ``config``'s run.

    Takes the run's environment (the server started with the batch's common one), then starts ipykernel.
    """
    os.environ.clear()
    os.environ.update(config["env"])
    _read_settings()
    keras_config = sys.modules.get("keras.src.backend.config")
    if keras_config is not None:  # Keras fixed its folder at import, in the server's home: use this run's
        keras_config._KERAS_DIR = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    sys.argv = [config["boot"], "-f", connection_file]
    _start_kernel()


def main():
    install_guard()
    _start_kernel()


if __name__ == "__main__":
    main()
