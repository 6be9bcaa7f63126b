"""The kernel server of one grading batch: imports TensorFlow once, then forks a sandboxed kernel per notebook.

A fresh Python that imports TensorFlow and Keras spends about 3.6 s of the 4 s it takes to grade a short lesson. The
server pays that once per batch: :class:`autograder.sandbox.Sandbox` runs it by path from its library folder
(``python -s sandbox_zygote.py SOCKET SANDBOX_DIR``, so that only the library's copies of the course modules can be
imported). It installs the import guard before importing anything (:mod:`sandbox_boot`), imports :data:`PRELOAD`
(never a reference answer: the guard would refuse it), and listens on a Unix socket in a folder only the grader can
enter. For each request from ``sandbox_launcher.py`` it forks a child, which runs
:func:`autograder.sandbox_launcher.launch` exactly as the launcher would (namespaces, a new root, limits, the user
nobody), except that the kernel starts ipykernel in the loaded process instead of ``exec``-ing a new Python.

Nothing of one learner's run reaches another's: each child is a copy of the server as it was before any learner
code ran, and the server itself never runs learner code. The server stops when the grader that started it goes.

Protocol (one line of JSON each way): the launcher sends ``{"config": PATH, "connection_file": PATH}``; the child
answers ``{"forked": PID}`` at once and ``{"exit_code": N}`` when the kernel has ended.
"""

import importlib
import json
import os
import select
import socket
import sys
import time

import sandbox_boot

PRELOAD = (
    "numpy", "tensorflow", "keras", "matplotlib", "matplotlib.pyplot", "IPython", "ipykernel.kernelapp",
    "ipykernel.ipkernel", "matplotlib_inline.backend_inline", "sklearn.decomposition", "sklearn.manifold",
    "autograder", "autograder.checks.runtime", "helpers.config", "helpers.data", "helpers.plotting",
    "helpers.gan_tools", "helpers.evaluation",
)
REQUEST_BYTES = 1 << 16


def preload(names):
    """Import ``names``; returns the ``name: error`` lines of those that failed (their kernels import them later)."""
    failed = []
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as error:  # noqa: BLE001 - an optimisation only
            failed.append(f"{name}: {type(error).__name__}: {error}")
    return failed


def _read_request(connection, sandbox_dir):
    connection.settimeout(10)
    data = b""
    while not data.endswith(b"\n") and len(data) < REQUEST_BYTES:
        chunk = connection.recv(4096)
        if not chunk:
            break
        data += chunk
    request = json.loads(data.decode())
    config = os.path.realpath(request["config"])
    if not config.startswith(os.path.realpath(sandbox_dir) + os.sep):  # only this batch's own run configs
        raise ValueError(f"a config outside the sandbox: {config}")
    connection.settimeout(None)
    return config, str(request["connection_file"])


def _child(launcher, connection, config_path, connection_file):
    """In the forked child: supervise one kernel run with ``launcher`` (the module), report its exit code, exit."""
    code = 1
    try:
        connection.sendall(json.dumps({"forked": os.getpid()}).encode() + b"\n")
        with open(config_path) as f:
            config = json.load(f)
        code = launcher.launch(config, connection_file, start=sandbox_boot.start_in_process, peer=connection)
    except BaseException as error:  # noqa: BLE001 - report and exit; the launcher sees the code
        print(f"kernel server child: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
    try:
        connection.sendall(json.dumps({"exit_code": code}).encode() + b"\n")
    except OSError:
        pass
    os._exit(0)


def _reap():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if not pid:
            return


def serve(server, sandbox_dir, parent):
    from autograder import sandbox_launcher  # standard library only; imported after the guard, once for all children

    while os.getppid() == parent:
        _reap()
        readable, _, _ = select.select([server], [], [], 1.0)
        if not readable:
            continue
        connection, _ = server.accept()
        try:
            config_path, connection_file = _read_request(connection, sandbox_dir)
        except (OSError, ValueError, KeyError, TypeError) as error:
            print(f"kernel server: refused a request ({error})", file=sys.stderr, flush=True)
            connection.close()
            continue
        if os.fork() == 0:
            server.close()
            _child(sandbox_launcher, connection, config_path, connection_file)
        connection.close()


def main(argv):
    address, sandbox_dir = argv[1], argv[2]
    parent = os.getppid()
    sandbox_boot.install_guard()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    umask = os.umask(0o077)  # the socket: the grader's only (its folder is too)
    server.bind(address)
    os.umask(umask)  # the children build the sandbox's folders as the launcher would
    server.listen(64)
    print("listening", flush=True)  # requests wait in the backlog while the libraries load
    os.dup2(2, 1)  # the grader reads that one line only; anything printed later goes to the log
    started = time.monotonic()
    for line in preload(PRELOAD):
        print(f"kernel server: could not preload {line}", file=sys.stderr, flush=True)
    print(f"kernel server: preloaded in {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)
    serve(server, sandbox_dir, parent)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
