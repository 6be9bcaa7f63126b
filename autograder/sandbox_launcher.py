"""Start one learner's Jupyter kernel inside the grader's sandbox (Linux). Standard library only.

Run by path, never imported by the kernel: ``python -s sandbox_launcher.py CONFIG.json CONNECTION_FILE``
(:mod:`autograder.sandbox` writes the config and puts this command in the kernel spec). Three processes:

* the **launcher** (this process, started by jupyter_client): makes the namespaces, enforces the notebook's wall
  time, and writes what happened (isolation reached, exit code or signal, deadline hit) to ``status.json`` in a
  control folder the kernel never sees;
* an **init** process (PID 1 of a new PID namespace when available; new mount, IPC and network namespaces, so no
  network at all: Jupyter's messages go over Unix sockets in the work folder): builds a file system made of read-only
  bind mounts of what a Python kernel needs (system folders, the interpreter, the venv, a copy of the allowed course
  modules) plus a writable work folder and a private /tmp, pivots into it, and reaps processes; when it exits, the
  kernel's forgotten children die with the namespace. First of all it joins the run's cgroup (``cgroup_procs``,
  made by the grader), so the memory and process limits hold for everything it starts;
* the **kernel**: resource limits (file size, no core files; memory and process count per process only when there
  is no cgroup), no new privileges,
  the unprivileged user ``nobody`` when the grader runs as root, a clean environment, then ``exec`` of the boot
  script, which installs the import guard and starts ipykernel.

When the config names a kernel server (``zygote``: the Unix socket of ``sandbox_zygote.py``, which has imported
TensorFlow, Keras and the rest once for the whole batch), this process only asks the server for a kernel and stands
in for it: the server forks a child that does everything described above (the kernel, instead of ``exec``-ing
Python, starts ipykernel in the already loaded process), reports the exit code back, and stops the kernel when this
process goes away. Without a server, or when it cannot be reached, the kernel starts the slow way described above.

Isolation levels (``status.json`` ``isolation``): ``namespaces`` (root grader: mount, PID and IPC namespaces,
kernel runs as nobody), ``user-namespaces`` (ordinary user: the same inside a user namespace, kernel keeps the
user's uid but no capabilities), ``none`` (rlimits and the import guard only; the answers stay readable on disk).
"""

import ctypes
import json
import os
import platform
import resource
import select
import signal
import socket
import sys
import time

CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID = 0x00020000, 0x08000000, 0x10000000, 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MS_NOATIME, MS_NODIRATIME, MS_RELATIME = 1024, 2048, 1 << 21
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "arm64": 41, "ppc64le": 203, "s390x": 217, "riscv64": 41}
NOBODY = 65534
DEVICES = ("null", "zero", "full", "random", "urandom")

_libc = ctypes.CDLL(None, use_errno=True)


def _call(name, *args):
    result = getattr(_libc, name)(*args)
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{name}{tuple(a.decode() if isinstance(a, bytes) else a for a in args)}: "
                             f"{os.strerror(error)}")


def _bytes(path):
    return None if path is None else os.fsencode(path)


def mount(source, target, fstype=None, flags=0, data=None):
    _call("mount", _bytes(source), _bytes(target), _bytes(fstype), ctypes.c_ulong(flags), _bytes(data))


def prctl(option, value):
    _call("prctl", ctypes.c_int(option), ctypes.c_ulong(value), ctypes.c_ulong(0), ctypes.c_ulong(0),
          ctypes.c_ulong(0))


# ---------------------------------------------------------------------------------------------------------------
# the file system the kernel sees


def _locked_flags(path):
    """The mount flags of ``path`` that a read-only remount must keep (required inside a user namespace)."""
    flags = os.statvfs(path).f_flag
    mapping = {os.ST_NOSUID: MS_NOSUID, os.ST_NODEV: MS_NODEV, os.ST_NOEXEC: MS_NOEXEC,
               os.ST_NOATIME: MS_NOATIME, os.ST_NODIRATIME: MS_NODIRATIME, os.ST_RELATIME: MS_RELATIME}
    return sum(ms for st, ms in mapping.items() if flags & st)


def _bind(source, root, writable=False):
    """Make ``source`` appear at the same path under ``root`` (read-only unless ``writable``)."""
    real = os.path.realpath(source)
    if not os.path.exists(real):
        return
    if real != os.path.abspath(source):  # a symlink somewhere on the way: recreate it, then bind the target
        link = root + os.path.abspath(source)
        if not os.path.lexists(link):
            os.makedirs(os.path.dirname(link), exist_ok=True)
            os.symlink(real, link)
    target = root + real
    if os.path.isdir(real):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if not os.path.exists(target):
            open(target, "w").close()
    mount(real, target, None, MS_BIND | MS_REC)
    extra = MS_NOSUID | _locked_flags(target)
    mount(None, target, None, MS_REMOUNT | MS_BIND | extra | (0 if writable else MS_RDONLY))


def build_root(config, notes):
    """Build the kernel's file system in ``config['root']`` and pivot into it (we are PID 1 of the new namespace)."""
    root = config["root"].rstrip("/")
    # no network either: the kernel talks to the grader over Unix sockets in its work folder (ZeroMQ ipc)
    _call("unshare", ctypes.c_int(CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWNET))
    mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing we mount leaks out to the host
    mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=0755")
    # private /tmp first: the work and library folders usually live under /tmp and are bound on top
    for path, size in (("/tmp", config["tmp_bytes"]), ("/dev/shm", 64 << 20)):
        os.makedirs(root + path, exist_ok=True)
        mount("tmpfs", root + path, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size},mode=1777")
    readonly = sorted({os.path.abspath(p) for p in config["readonly"] if os.path.lexists(p)})
    for path in readonly:
        if os.path.islink(path) and os.path.dirname(path) == "/":  # merged /usr: /bin -> usr/bin
            os.symlink(os.readlink(path), root + path)
    for path in readonly:
        covered = any(path != other and path.startswith(other.rstrip("/") + "/") for other in readonly)
        if not (os.path.islink(path) and os.path.dirname(path) == "/") and not covered:
            _bind(path, root)
    for path in config.get("hide", []):  # e.g. an installed copy of the answers inside the venv
        if os.path.isdir(root + path):
            mount("tmpfs", root + path, "tmpfs", MS_NOSUID | MS_NODEV | MS_RDONLY, "size=4k,mode=0555")
    _bind(config["workdir"], root, writable=True)
    os.makedirs(root + "/dev", exist_ok=True)
    for name in DEVICES:
        _bind(f"/dev/{name}", root)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                         ("stderr", "/proc/self/fd/2")):
        os.symlink(target, f"{root}/dev/{name}")
    os.makedirs(root + "/proc", exist_ok=True)
    try:  # a fresh /proc shows only this namespace's processes
        mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    except OSError as error:
        notes.append(f"no /proc in the sandbox ({error.strerror})")
    mount(None, root, None, MS_REMOUNT | MS_NOSUID | MS_NODEV | MS_RDONLY)
    number = SYS_PIVOT_ROOT.get(platform.machine())
    os.chdir(root)
    if number is None:
        raise OSError(0, f"pivot_root: unknown system call number on {platform.machine()}")
    if _libc.syscall(ctypes.c_long(number), b".", b".") != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"pivot_root: {os.strerror(error)}")
    _call("umount2", b".", ctypes.c_int(MNT_DETACH))  # the old root is gone from this namespace
    os.chdir("/")


# ---------------------------------------------------------------------------------------------------------------
# processes


def _limit(kind, value):
    if value:
        try:
            resource.setrlimit(kind, (value, value))
        except (ValueError, OSError):
            pass


def exec_kernel(config, connection_file, drop_to_nobody, log_fd, start=None):
    """In the kernel process: limits, no privileges, clean environment, then exec the boot script.

    ``start(config, connection_file)``, when given (a process forked from the kernel server), replaces the ``exec``:
    it starts ipykernel in this process, whose libraries are already imported. Every file descriptor but the
    standard three is closed first, so the learner's code holds nothing of the server's.
    """
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    in_cgroup = config.get("in_cgroup", False)
    if not in_cgroup:  # the fallback, per process. RLIMIT_DATA (heap and private writable mappings), not RLIMIT_AS:
        # TensorFlow reserves about 2.4 GB of address space it never touches, so an address-space limit low
        # enough to matter would stop the lesson's own imports
        _limit(resource.RLIMIT_DATA, config["memory_bytes"])
    _limit(resource.RLIMIT_FSIZE, config["file_bytes"])
    _limit(resource.RLIMIT_CORE, 0)
    if drop_to_nobody:
        if not in_cgroup:  # with a cgroup, its pids.max is this kernel's own process limit
            _limit(resource.RLIMIT_NPROC, config["nproc"])
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
    try:
        prctl(PR_SET_NO_NEW_PRIVS, 1)
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass
    os.chdir(config["workdir"])
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.umask(0o077)
    if start is not None:
        os.closerange(3, _max_fd())
        start(config, connection_file)
        os._exit(0)
    os.execve(config["python"], [config["python"], "-s", config["boot"], "-f", connection_file], config["env"])


def _max_fd():
    try:
        return max(int(name) for name in os.listdir("/proc/self/fd")) + 1
    except (OSError, ValueError):
        return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def join_cgroup(procs, notes):
    """Move this process (and so everything it starts) into the run's cgroup; True when every file took it."""
    if not procs:
        return False
    try:
        for path in procs:
            with open(path, "w") as f:
                f.write("0")  # "0": the writing process itself (our PID in this namespace means nothing outside)
    except OSError as error:
        notes.append(f"the kernel could not join its cgroup ({error}); it has per-process limits only")
        return False
    return True


def run_init(config, connection_file, isolation, report_fd, log_fd, start=None, peer=None):
    """PID 1 of the sandbox: build the file system, start the kernel, reap, exit with the kernel's status."""
    if peer is not None:  # the connection to the launcher belongs to the supervising process only
        peer.close()
    notes = []
    config["in_cgroup"] = join_cgroup(config.get("cgroup_procs", []), notes)
    try:
        if isolation != "none":
            build_root(config, notes)
    except OSError as error:
        if config["isolation"] == "require":
            os.write(report_fd, json.dumps({"error": f"building the sandbox failed: {error}"}).encode())
            os._exit(70)
        notes.append(f"the sandbox's file system could not be built ({error}): the kernel sees the grader's files")
        isolation = "none"
    os.write(report_fd, json.dumps({"notes": notes, "isolation": isolation, "cgroup": config["in_cgroup"]}).encode())
    os.close(report_fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    kernel = os.fork()
    if kernel == 0:
        try:
            exec_kernel(config, connection_file, isolation == "namespaces" and config["drop_to_nobody"], log_fd,
                        start)
        except BaseException as error:  # noqa: BLE001 - report why the kernel could not start, then give up
            os.write(2, f"sandbox: starting the kernel failed: {type(error).__name__}: {error}\n".encode())
        os._exit(71)
    os.close(log_fd)
    signal.signal(signal.SIGTERM, lambda *_: os.kill(kernel, signal.SIGKILL))
    while True:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            os._exit(72)
        except InterruptedError:
            continue
        if pid == kernel:
            os._exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))


def _enter_namespaces(config):
    """Unshare the PID (and, for an ordinary user, the user) namespace; returns the isolation level reached."""
    if config["isolation"] == "off":
        return "none"
    root = os.geteuid() == 0 and config["isolation"] != "userns"
    try:
        if root:
            _call("unshare", ctypes.c_int(CLONE_NEWPID))
            return "namespaces"
        uid, gid = os.geteuid(), os.getegid()
        _call("unshare", ctypes.c_int(CLONE_NEWUSER | CLONE_NEWPID))
        inside = uid or 1000  # a nonzero uid inside, so that exec drops every capability
        with open("/proc/self/setgroups", "w") as f:
            f.write("deny")
        with open("/proc/self/uid_map", "w") as f:
            f.write(f"{inside} {uid} 1")
        with open("/proc/self/gid_map", "w") as f:
            f.write(f"{gid or 1000} {gid} 1")
        return "user-namespaces"
    except OSError:
        return "none"


def main(argv):
    config_path, connection_file = argv[1], argv[2]
    with open(config_path) as f:
        config = json.load(f)
    notes = []
    if config.get("zygote"):
        code, problem = through_server(config["zygote"], config_path, connection_file)
        if code is not None:
            return code
        notes.append(f"the kernel started without the preloaded kernel server ({problem})")
    return launch(config, connection_file, notes=notes)


def through_server(address, config_path, connection_file):
    """Have the kernel server start this kernel; ``(exit code, None)``, or ``(None, why)`` when it could not.

    This process then only stands in for the kernel towards jupyter_client: it waits for the server's report of
    the exit code, and when it is terminated or killed, its end of the connection closes, which makes the
    server's child stop the kernel.
    """
    try:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.connect(address)
        connection.sendall(json.dumps({"config": config_path, "connection_file": connection_file}).encode() + b"\n")
    except OSError as error:
        return None, f"cannot reach it: {error.strerror or error}"
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(128 + signal.SIGTERM))
    reader = connection.makefile("rb")
    if not reader.readline():  # the server went away before forking (e.g. its imports failed)
        return None, "it closed the connection before starting a kernel"
    try:
        return int(json.loads(reader.readline() or b"{}")["exit_code"]), None
    except (ValueError, KeyError, TypeError):
        return 1, None


def _closed(peer):
    """True when the other end of the socket ``peer`` has gone (the launcher was terminated or killed)."""
    try:
        readable, _, _ = select.select([peer], [], [], 0)
        return bool(readable) and peer.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except (OSError, ValueError):
        return True


def launch(config, connection_file, start=None, peer=None, notes=()):
    """Start the kernel of ``config`` in its sandbox and wait for it; returns the exit code for the launcher.

    ``start`` and ``peer`` are given in a child of the kernel server: how to start the kernel in the loaded
    process, and the connection to the launcher, whose closing stops the kernel.
    """
    control = config["control"]
    status = {"isolation": "none", "notes": list(notes), "started": time.time()}
    try:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the grader died: so do we (and our namespace)
    except OSError:
        pass
    # the kernel reads its connection file from the work folder (jupyter_client's copy is private to the grader)
    kernel_connection = os.path.join(config["workdir"], "kernel-connection.json")
    with open(connection_file) as source:
        text = source.read()
    descriptor = os.open(kernel_connection, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as copy:
        copy.write(text)
    log_fd = os.open(os.path.join(control, "kernel.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    if config["drop_to_nobody"]:
        os.chown(kernel_connection, NOBODY, NOBODY)
    isolation = _enter_namespaces(config)
    if config["isolation"] == "require" and isolation == "none":
        status.update(error="the sandbox needs namespaces and none could be made (--isolation require)")
        _write_status(control, status)
        return 70
    status["isolation"] = isolation
    read_end, write_end = os.pipe()
    init = os.fork()
    if init == 0:
        os.close(read_end)
        try:
            prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except OSError:
            pass
        try:
            run_init(config, kernel_connection, isolation, write_end, log_fd, start, peer)
        finally:
            os._exit(73)
    os.close(write_end)
    os.close(log_fd)
    report = b""
    while chunk := os.read(read_end, 65536):
        report += chunk
    os.close(read_end)
    try:
        report = json.loads(report.decode() or "{}")
    except ValueError:
        report = {"error": "the sandbox's init process reported nothing"}
    status["notes"] += report.get("notes", [])
    status["isolation"] = report.get("isolation", status["isolation"])
    status["cgroup"] = bool(report.get("cgroup"))
    if report.get("error"):
        status["error"] = report["error"]
    _write_status(control, status)

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: (os.kill(init, signal.SIGKILL), None))
    deadline = config["deadline"]
    while True:
        try:
            pid, wait_status = os.waitpid(init, os.WNOHANG)
        except ChildProcessError:
            break
        if pid:
            code = os.waitstatus_to_exitcode(wait_status)
            status["exit_code"] = code if code >= 0 else 128 - code
            break
        if time.time() > deadline and not status.get("deadline_hit"):
            status["deadline_hit"] = True
            os.kill(init, signal.SIGKILL)
        if peer is not None and _closed(peer):  # the launcher is gone: so is the kernel
            os.kill(init, signal.SIGKILL)
            peer = None
        time.sleep(0.1)
    status["ended"] = time.time()
    _write_status(control, status)
    return status.get("exit_code", 1) if status.get("exit_code", 1) < 256 else 1


def _write_status(control, status):
    path = os.path.join(control, "status.json")
    with open(path + ".partial", "w") as f:
        json.dump(status, f)
    os.replace(path + ".partial", path)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
