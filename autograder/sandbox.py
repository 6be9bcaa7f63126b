"""The grader's side of the trust boundary: where and how a learner's code runs while it is graded.

One :class:`Sandbox` per batch prepares a library folder holding *copies* of what a grading notebook may import (the
``autograder`` package's code and the student package ``helpers``, never ``solutions``) and the boot script.
Each kernel run gets a fresh work folder (a tmpfs of its own, the disk quota) and a cgroup of its own (memory of
the whole process tree, processes: :mod:`autograder.limits`); :func:`execute` runs a grading notebook there through
``sandbox_launcher.py`` (namespaces, resource limits, the unprivileged user ``nobody`` when the grader is root) and
``sandbox_boot.py`` (import guard, then ipykernel; Jupyter's messages go over Unix sockets in the work folder,
since the kernel has no network), and returns what the grader needs to judge: which cell was
running when a cell timed out, ran out of memory (the cgroup's counters say so, never the kernel) or the kernel
died, which reference modules each cell tried to import, the launcher's report. Outputs are capped on the grader's side (per cell, per notebook, per message), so a notebook
that prints gigabytes cannot exhaust the grader's memory.

What crosses back: files the probes write in the work folder (parsed as JSON plain data by
:func:`autograder.checks.exercise.parse_probe_result`), the import log, and the Jupyter messages (capped). The files are
read by :mod:`autograder.safe_io` only: regular files of bounded size, no link followed, nothing that can block. Nothing from
the learner's process is ever unpickled or executed by the grader.
"""

import asyncio
import dataclasses
import json
import os
import pathlib
import select
import shutil
import subprocess
import sys
import tempfile
import time

from autograder import checks, limits as quotas
from autograder.safe_io import UnsafeFile, read_regular

NOBODY = 65534
LAUNCHER = pathlib.Path(__file__).resolve().with_name("sandbox_launcher.py")
BOOT = pathlib.Path(__file__).resolve().with_name("sandbox_boot.py")
ZYGOTE = pathlib.Path(__file__).resolve().with_name("sandbox_zygote.py")
SYSTEM_READONLY = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
PASSED_THROUGH_ENV = ("KERAS_BACKEND", "OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS",
                      "TF_ENABLE_ONEDNN_OPTS", "LANG", "LC_ALL")
ISOLATION_LEVELS = ("auto", "require", "userns", "off")
IMPORT_LOG_NAME = "imports.log"
MAX_LOG_BYTES = 1 << 20


class MemoryLimitHit(Exception):
    """The kernel's cgroup killed a process for memory while cell ``cell_index`` ran."""

    def __init__(self, cell_index):
        super().__init__(f"out of memory in cell {cell_index}")
        self.cell_index = cell_index


@dataclasses.dataclass(frozen=True)
class Limits:
    """What one learner's notebook may use while it is graded.

    Attributes:
        cell_timeout: seconds one answer or probe cell may run before the kernel is killed and the notebook is run
            again without that cell.
        notebook_timeout: seconds of wall time for the whole notebook, every rerun included.
        setup_timeout: seconds for one of the lesson's own setup cells (imports; slow on a loaded machine).
        memory_mb: memory limit of the kernel's whole process tree in MiB, every kind of memory, no swap: a cgroup
            per kernel (:mod:`autograder.limits`). Without one (not root, no cgroup), RLIMIT_DATA per process (heap
            and private writable mappings; not RLIMIT_AS: a TensorFlow kernel reserves about 2.4 GB of address
            space it never touches), which shared mappings and forked children escape: a warning says so.
        max_processes: processes and threads the kernel's tree may have (its cgroup's ``pids.max``; without a
            cgroup, RLIMIT_NPROC of the user ``nobody``, which concurrent kernels share).
        work_mb: size of the kernel's work folder in MiB (a tmpfs of its own when the grader is root).
        output_bytes: output kept per cell (the rest is dropped, with a note).
        total_output_bytes: output kept per notebook.
        message_bytes: the largest single message accepted from the kernel. A larger one makes ZeroMQ drop the
            output connection for the rest of that run: a safety net for the grader's memory against deliberate
            floods (the kernel side already caps and chunks printed output; errors are read from the replies).
        file_bytes: the largest file the kernel may write (RLIMIT_FSIZE).
        tmp_mb: size of the kernel's private /tmp, in MiB.
        isolation: ``auto`` (the best available; a warning when it is only rlimits), ``require`` (refuse to grade
            without namespaces), ``userns`` (user namespaces even as root; for tests) or ``off``.
        preload: fork every kernel from the batch's kernel server, which has imported TensorFlow and the other
            libraries once (``sandbox_zygote.py``); off, each kernel is a fresh Python. Grades do not depend on it.
    """

    cell_timeout: float = 120.0
    notebook_timeout: float = 900.0
    setup_timeout: float = 600.0
    memory_mb: int = 4096
    max_processes: int = 1024
    work_mb: int = 512
    output_bytes: int = 1 << 20
    total_output_bytes: int = 4 << 20
    message_bytes: int = 32 << 20
    file_bytes: int = 256 << 20
    tmp_mb: int = 256
    isolation: str = "auto"
    preload: bool = True

    def __post_init__(self):
        if self.isolation not in ISOLATION_LEVELS:
            raise ValueError(f"isolation must be one of {', '.join(ISOLATION_LEVELS)}, not {self.isolation!r}")
        for field in ("cell_timeout", "notebook_timeout", "setup_timeout", "memory_mb", "output_bytes",
                      "max_processes", "work_mb"):
            if getattr(self, field) <= 0:
                raise ValueError(f"{field} must be positive, not {getattr(self, field)!r}")

    def fingerprint(self):
        """The limits that can change a grade (used to key cached per-notebook results)."""
        return {key: value for key, value in dataclasses.asdict(self).items() if key not in ("isolation", "preload")}


ANSWER_PACKAGES = ("solutions", "benchmark")  # the reference answers, and the benchmark that trains them


def forbidden_modules():
    """The packages learner code may not import: the reference answers and the benchmark (which imports them)."""
    return list(ANSWER_PACKAGES)


@dataclasses.dataclass
class Run:
    """The folders of one kernel run: ``workdir`` (the kernel's, writable by it) and ``control`` (grader only);
    the run's ``cgroup`` (a :class:`autograder.limits.KernelCgroup`, or None) and whether ``workdir`` is a tmpfs
    of its own (``quota``)."""

    workdir: pathlib.Path
    control: pathlib.Path
    results: pathlib.Path
    import_log: pathlib.Path
    cgroup: object = None
    quota: bool = False


class Sandbox:
    """A batch's library of allowed modules and the kernel runs made from it. Use as a context manager."""

    def __init__(self, limits=None, base=None):
        self.limits = limits or Limits()
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="course-grading-", dir=base))
        os.chmod(self.dir, 0o711)  # nobody may pass through to its own work folder, not list the others
        self.lib = self.dir / "lib"
        self.forbidden = forbidden_modules()
        self._copy_library()
        self.readonly, self.hide, self.extra_paths = self._file_system()
        self._runs = 0
        self._lock = __import__("threading").Lock()
        self.isolation_seen = set()  # the isolation levels the launcher reached, over every run
        # a root grader runs kernels as nobody (in user namespaces the kernel keeps the grader's uid, unprivileged)
        self.drop_to_nobody = os.geteuid() == 0 and self.limits.isolation in ("auto", "require")
        self.cgroups = quotas.cgroups()
        self.problems = set()  # limits that fell back to weaker ones, in words (the grader warns once)
        if self.cgroups.version is None:
            self.problems.add(f"no cgroup for the kernels ({self.cgroups.problem}): memory is limited per process "
                              "(RLIMIT_DATA), which shared memory and forked children escape, and the process "
                              "limit is shared by concurrent kernels")
        self._active = {}
        self.server, self.server_address, self.server_problem = None, None, None
        if self.limits.preload:
            self._start_server()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        with self._lock:
            leftover = list(self._active.values())
        for run in leftover:
            self.discard(run)
        if self.server is not None:
            self.server.kill()
            self.server.wait()
            self.server = None
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- the kernel server -------------------------------------------------------------------------------------------

    def _start_server(self):
        """Start the batch's kernel server (it preloads in the background); on failure kernels start the slow way."""
        folder = self.dir / "server"  # only the grader may enter: the socket accepts run configs from here
        folder.mkdir(mode=0o700)
        home = folder / "home"
        self._make_home(home)
        address = folder / "kernels.sock"
        if len(os.fsencode(address)) >= 100:  # the limit of a Unix socket's path
            self.server_problem = f"its socket path is too long ({address})"
            return
        env = {**self._common_env(), **_home_env(home)}
        with open(folder / "server.log", "wb") as log:
            process = subprocess.Popen([sys.executable, "-s", str(self.lib / ZYGOTE.name), str(address), str(self.dir)],
                                       cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=log, start_new_session=True)
        ready, _, _ = select.select([process.stdout], [], [], 60)  # its first line comes before any heavy import
        first = process.stdout.readline() if ready else b""
        process.stdout.close()
        if first.strip() != b"listening":
            process.kill()
            process.wait()
            self.server_problem = "it did not start: " + self.server_log()[-300:]
            return
        self.server, self.server_address = process, str(address)

    def server_log(self):
        """The kernel server's log (what it could not preload, requests it refused), or ``""``."""
        try:
            return (self.dir / "server" / "server.log").read_text("utf-8", "replace")
        except OSError:
            return ""

    # -- the library the kernel imports from --------------------------------------------------------------------

    def _copy_library(self):
        import autograder
        import helpers

        autograder_dir = pathlib.Path(autograder.__file__).parent
        for source in autograder_dir.rglob("*.py"):
            if "__pycache__" not in source.parts:
                self._copy(source, self.lib / "autograder" / source.relative_to(autograder_dir))
        helpers_dir = pathlib.Path(helpers.__file__).parent
        for source in helpers_dir.glob("*.py"):  # the student package, whole
            self._copy(source, self.lib / "helpers" / source.name)
        self._copy(BOOT, self.lib / BOOT.name)
        self._copy(ZYGOTE, self.lib / ZYGOTE.name)
        self.font_cache = _matplotlib_font_cache()
        for folder in [self.lib, *(p for p in self.lib.rglob("*") if p.is_dir())]:
            os.chmod(folder, 0o755)

    @staticmethod
    def _copy(source, target):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        os.chmod(target, 0o644)

    def _file_system(self):
        """Read-only paths of the kernel's file system, paths to hide inside them, extra import paths."""
        prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
                    os.path.dirname(os.path.realpath(sys.executable))}
        site_dirs = [p for p in sys.path if os.path.basename(p.rstrip("/")) in ("site-packages", "dist-packages")
                     and os.path.isdir(p)]
        readonly = sorted({*SYSTEM_READONLY, *prefixes, *site_dirs, str(self.lib)})
        hide = sorted({os.path.join(site, package) for site in site_dirs for package in ("solutions", "benchmark", "helpers", "autograder")
                       if os.path.isdir(os.path.join(site, package))})
        extra = [p for p in site_dirs if not any(p.startswith(prefix + os.sep) for prefix in prefixes)]
        return readonly, hide, extra

    # -- kernel runs ------------------------------------------------------------------------------------------------

    def new_run(self):
        with self._lock:
            self._runs += 1
            number = self._runs
        workdir = self.dir / f"run-{number:04d}"
        control = self.dir / f"control-{number:04d}"
        workdir.mkdir()
        run = Run(workdir, control, workdir / "results", workdir / IMPORT_LOG_NAME)
        with self._lock:
            self._active[number] = run
        problem = quotas.mount_quota(workdir, self.limits.work_mb << 20)
        run.quota = problem is None
        if problem:
            self.problems.add(f"no disk quota for the kernels' work folders ({problem}): only the size of each "
                              "file is limited")
        for folder in (workdir / "results", control, control / "root"):
            folder.mkdir(parents=True)
        os.chmod(control, 0o700)
        self._make_home(workdir / "home")
        if self.drop_to_nobody:
            for folder in [workdir, *workdir.rglob("*")]:
                os.chown(folder, NOBODY, NOBODY)
        if self.cgroups.version is not None:
            try:
                run.cgroup = self.cgroups.create(self.limits.memory_mb << 20, self.limits.max_processes)
            except OSError as error:
                self.problems.add(f"a kernel's cgroup could not be made ({error}): that kernel had per-process "
                                  "limits only")
        return run

    def _make_home(self, home):
        """A kernel's (or the kernel server's) home folder, with matplotlib's font list, which saves rebuilding it."""
        home.mkdir(parents=True)
        if self.font_cache is not None:
            (home / ".matplotlib").mkdir()
            shutil.copyfile(self.font_cache, home / ".matplotlib" / self.font_cache.name)

    def _common_env(self):
        """The environment every kernel of the batch shares (the kernel server starts with it)."""
        env = {
            "PATH": os.pathsep.join([os.path.join(sys.prefix, "bin"), "/usr/local/bin", "/usr/bin", "/bin"]),
            "TMPDIR": "/tmp", "COURSE_FAST": "1", "COURSE_GRADING": "1", "MPLBACKEND": "Agg",
            "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONNOUSERSITE": "1", "LANG": "C.UTF-8", "COURSE_FORBIDDEN_MODULES": ",".join(self.forbidden),
            "COURSE_OUTPUT_LIMIT": str(self.limits.output_bytes),
        }
        if self.extra_paths:
            env["PYTHONPATH"] = os.pathsep.join(self.extra_paths)
        env.update({key: os.environ[key] for key in PASSED_THROUGH_ENV if key in os.environ})
        return env

    def kernel_env(self, run):
        return {**self._common_env(), **_home_env(run.workdir / "home"), "COURSE_IMPORT_LOG": str(run.import_log)}

    def kernel_manager(self, run, deadline):
        """A kernel manager whose kernel is started by the launcher in ``run``'s sandbox."""
        limits = self.limits
        config = {
            "python": sys.executable, "boot": str(self.lib / BOOT.name), "workdir": str(run.workdir),
            "control": str(run.control), "root": str(run.control / "root"), "deadline": deadline,
            "memory_bytes": limits.memory_mb << 20, "file_bytes": limits.file_bytes, "nproc": 4096,
            "cgroup_procs": run.cgroup.procs if run.cgroup is not None else [],
            "tmp_bytes": limits.tmp_mb << 20, "isolation": limits.isolation, "readonly": self.readonly,
            "hide": self.hide, "env": self.kernel_env(run), "drop_to_nobody": self.drop_to_nobody,
            "zygote": self.server_address if self.server is not None and self.server.poll() is None else None,
        }
        config_path = run.control / "launcher.json"
        config_path.write_text(json.dumps(config, indent=1))
        argv = [sys.executable, "-s", str(LAUNCHER), str(config_path), "{connection_file}"]
        # ZeroMQ over Unix sockets in the work folder: the kernel has no network namespace to reach the grader by
        return _kernel_manager_class()(argv=argv, max_message_bytes=limits.message_bytes, transport="ipc",
                                       ip=str(run.workdir / "kernel"))

    def discard(self, run):
        """Remove a finished run's folders, quota and cgroup (its results have been read)."""
        if run.cgroup is not None:
            run.cgroup.kill()
        if run.quota:
            quotas.unmount_quota(run.workdir)
        if run.cgroup is not None:
            run.cgroup.remove()
        with self._lock:
            self._active = {key: value for key, value in self._active.items() if value is not run}
        shutil.rmtree(run.workdir, ignore_errors=True)
        shutil.rmtree(run.control, ignore_errors=True)

    @staticmethod
    def status(run):
        """The launcher's report of ``run`` (isolation level, exit code, deadline hit, notes), or ``{}``."""
        try:
            return json.loads((run.control / "status.json").read_text())
        except (OSError, ValueError):
            return {}

    @staticmethod
    def kernel_log(run, limit=2000):
        try:
            with open(run.control / "kernel.log", "rb") as log:  # in the control folder: the kernel cannot reach it
                log.seek(max(0, os.fstat(log.fileno()).st_size - limit))
                return log.read(limit).decode("utf-8", "replace")
        except OSError:
            return ""


def _home_env(home):
    """The variables that point a kernel's (or the kernel server's) configuration and caches into ``home``."""
    return {"HOME": str(home), "MPLCONFIGDIR": str(home / ".matplotlib"), "IPYTHONDIR": str(home / ".ipython"),
            "JUPYTER_CONFIG_DIR": str(home / ".jupyter"), "JUPYTER_DATA_DIR": str(home / ".local"),
            "JUPYTER_RUNTIME_DIR": str(home / ".runtime")}


def _matplotlib_font_cache():
    """The grader's own matplotlib font list (same installation, same fonts), or None."""
    try:
        import matplotlib

        found = sorted(pathlib.Path(matplotlib.get_cachedir()).glob("fontlist-v*.json"))
    except Exception:  # noqa: BLE001 - an optimisation only
        return None
    return found[-1] if found else None


# ---------------------------------------------------------------------------------------------------------------
# Jupyter classes (built lazily: jupyter_client is only needed when grading)

_CLASSES = {}


def _kernel_manager_class():
    if "manager" in _CLASSES:
        return _CLASSES["manager"]
    import zmq
    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.connect import channel_socket_types
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    class CappedKernelClient(AsyncKernelClient):
        """A kernel client whose sockets refuse messages larger than the manager's ``max_message_bytes``."""

        def _create_connected_socket(self, channel, identity=None):
            sock = self.context.socket(channel_socket_types[channel])
            sock.linger = 1000
            limit = getattr(self.parent, "max_message_bytes", None)
            if limit:
                sock.setsockopt(zmq.MAXMSGSIZE, int(limit))  # before connect: applies to this connection
            if identity:
                sock.identity = identity
            if getattr(self, "curve_publickey", None) is not None:
                sock.curve_secretkey = self.curve_secretkey
                sock.curve_publickey = self.curve_publickey
                sock.curve_serverkey = self.curve_publickey
            sock.connect(self._make_url(channel))
            return sock

    class SandboxKernelManager(AsyncKernelManager):
        """Starts the kernel through ``sandbox_launcher.py`` with the given command line."""

        def __init__(self, argv, max_message_bytes, **kwargs):
            super().__init__(**kwargs)
            self.client_factory = CappedKernelClient
            self.max_message_bytes = max_message_bytes
            self._kernel_spec = KernelSpec(argv=argv, display_name="course grading sandbox", language="python",
                                           interrupt_mode="signal")

    _CLASSES.update(manager=SandboxKernelManager, client=CappedKernelClient)
    return SandboxKernelManager


def _grading_client_class():
    if "notebook" in _CLASSES:
        return _CLASSES["notebook"]
    from nbclient import NotebookClient
    from nbformat.v4 import output_from_msg

    class GradingClient(NotebookClient):
        """Runs a grading notebook: per-role timeouts, capped outputs, import attempts attributed to cells."""

        def __init__(self, *args, limits, run, **kwargs):
            super().__init__(*args, **kwargs)
            self.limits = limits
            self.run = run
            self.current_index = None
            self.imports_by_cell = {}
            self.tampered_by_cell = {}
            self.kept = {}
            self.kept_total = 0
            self.truncated = set()
            self.oom_kills = run.cgroup.oom_kills() if run.cgroup is not None else 0
            self.limit_hits = run.cgroup.limit_hits() if run.cgroup is not None else 0

        async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
            self.current_index = cell_index
            if self.run.cgroup is not None:
                self.limit_hits = self.run.cgroup.limit_hits()
            before = self._log_size()
            watcher = asyncio.ensure_future(self._watch_memory()) if self.run.cgroup is not None else None
            try:
                return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
            finally:
                if watcher is not None:
                    watcher.cancel()
                attempts = self._read_log(before, cell_index)
                if attempts:
                    self.imports_by_cell[cell_index] = attempts
                kills = self.run.cgroup.oom_kills() if self.run.cgroup is not None else 0
                if kills > self.oom_kills:  # the grader's own evidence: the cgroup's counter, not the kernel's word
                    self.oom_kills = kills
                    raise MemoryLimitHit(cell_index)  # noqa: B012 - replaces a DeadKernelError from the same kill

        async def _watch_memory(self):
            """While a cell runs: after an out-of-memory kill in the kernel's cgroup, stop the whole kernel (what
            cgroup v2's ``memory.oom.group`` does), so that a kernel waiting on a killed child does not hang."""
            while True:
                await asyncio.sleep(0.2)
                if self.run.cgroup.oom_kills() > self.oom_kills:
                    self.run.cgroup.kill()
                    return

        def _log_size(self):
            try:
                return len(read_regular(IMPORT_LOG_NAME, MAX_LOG_BYTES, base=self.run.workdir))
            except (OSError, ValueError):
                return 0

        def _read_log(self, start, cell_index):
            """The modules the guard logged from ``start``; a log the kernel replaced is recorded as tampering."""
            try:
                data = read_regular(IMPORT_LOG_NAME, MAX_LOG_BYTES, base=self.run.workdir)[start:start + 65536]
            except FileNotFoundError:
                return []
            except UnsafeFile as error:  # blamed on the first cell after which it is seen: that cell's code did it
                if not self.tampered_by_cell:
                    self.tampered_by_cell[cell_index] = (f"the grader's import log ({IMPORT_LOG_NAME}) was "
                                                         f"tampered with: it is {error.found}")
                return []
            except OSError:
                return []
            modules = []
            for line in data.decode("utf-8", "replace").splitlines():
                try:
                    modules.append(str(json.loads(line)["module"])[:200])
                except (ValueError, KeyError, TypeError):
                    modules.append("(an unreadable record)")
            return sorted(set(modules))

        async def _check_raise_for_error(self, cell, cell_index, exec_reply):
            # the reply on the shell channel says whether the cell raised, even when IOPub output was lost
            content = (exec_reply or {}).get("content", {})
            if content.get("status") == "error":
                cell.metadata["reply_error"] = [str(content.get("ename", "Error"))[:200],
                                                str(content.get("evalue", ""))[:1000]]
            return await super()._check_raise_for_error(cell, cell_index, exec_reply)

        def output(self, outs, msg, display_id, cell_index):
            size = _message_size(msg)
            if msg["msg_type"] == "error":  # keep errors (the grader reads them), trimmed
                content = msg["content"]
                content["traceback"] = [line[:2000] for line in content.get("traceback", [])[-20:]]
                content["evalue"] = str(content.get("evalue", ""))[:2000]
                return super().output(outs, msg, display_id, cell_index)
            kept = self.kept.get(cell_index, 0)
            room = min(self.limits.output_bytes - kept, self.limits.total_output_bytes - self.kept_total)
            if msg["msg_type"] == "stream" and 0 < room < size:  # keep the beginning of a long stream
                msg["content"]["text"] = str(msg["content"].get("text", ""))[:room]
                size = room
            if size > room:
                if cell_index not in self.truncated:
                    self.truncated.add(cell_index)
                    outs.append(output_from_msg({"header": {"msg_type": "stream"}, "msg_type": "stream",
                                                 "content": {"name": "stderr",
                                                             "text": "\n[output truncated by the grader]\n"}}))
                return None
            self.kept[cell_index] = kept + size
            self.kept_total += size
            return super().output(outs, msg, display_id, cell_index)

    _CLASSES["notebook"] = GradingClient
    return GradingClient


def _message_size(msg):
    content = msg.get("content", {})
    size = len(str(content.get("text", "")))
    for value in (content.get("data") or {}).values():
        size += len(value) if isinstance(value, str) else len(json.dumps(value))
    return size


@dataclasses.dataclass
class Execution:
    """What happened when a grading notebook ran.

    ``fatal`` is ``None`` when every cell ran, else ``(cell index or None, kind)`` with kind ``timeout`` (a cell
    ran past its limit), ``memory`` (the kernel's cgroup killed a process for memory while that cell ran: the
    kernel was then stopped), ``died`` (the kernel process ended), ``deadline`` (the notebook's wall time ran out)
    or ``start`` (the kernel never started); ``message`` explains it. ``tampered_by_cell`` names the grader's files
    that a cell replaced (e.g. the import log made a named pipe).
    """

    fatal: tuple = None
    message: str = ""
    imports_by_cell: dict = dataclasses.field(default_factory=dict)
    tampered_by_cell: dict = dataclasses.field(default_factory=dict)
    truncated: set = dataclasses.field(default_factory=set)
    status: dict = dataclasses.field(default_factory=dict)
    seconds: float = 0.0


def execute(sandbox, notebook, run, deadline):
    """Run ``notebook`` (cells tagged ``metadata.role``) in a fresh sandboxed kernel; returns an :class:`Execution`."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    limits = sandbox.limits
    started = time.monotonic()

    def timeout_of(cell):
        base = limits.setup_timeout if cell.metadata.get("role") == "setup" else limits.cell_timeout
        return max(1, min(base, deadline - time.time() + 5))

    client = _grading_client_class()(
        notebook, km=sandbox.kernel_manager(run, deadline), timeout_func=timeout_of, allow_errors=True,
        interrupt_on_timeout=False, shutdown_kernel="immediate", startup_timeout=180, iopub_timeout=3,
        resources={"metadata": {"path": str(run.workdir)}}, limits=limits, run=run,
    )
    result = Execution()
    try:
        client.execute(cwd=str(run.workdir), cleanup_kc=True)
    except MemoryLimitHit as hit:
        result.fatal = (hit.cell_index, "memory")
    except CellTimeoutError:
        result.fatal = (client.current_index, "timeout")
    except DeadKernelError:
        result.fatal = (client.current_index, "died")
    except RuntimeError as error:  # the kernel did not start (nbclient raises RuntimeError on startup timeout)
        result.fatal, result.message = (None, "start"), f"the kernel did not start ({error})"
    except Exception as error:  # any other failure of the machinery: report it, keep grading the batch
        result.fatal, result.message = (client.current_index, "died"), f"{type(error).__name__}: {error}"
    finally:
        _stop(client)
    result.status = Sandbox.status(run)
    for _ in range(20):  # the launcher writes its final report as it exits, just after the kernel
        if not (result.fatal and result.fatal[1] == "died") or "exit_code" in result.status:
            break
        time.sleep(0.1)
        result.status = Sandbox.status(run)
    if result.fatal and result.fatal[1] == "died" and run.cgroup is not None and (
            run.cgroup.oom_kills() > client.oom_kills or run.cgroup.limit_hits() > client.limit_hits):
        result.fatal = (result.fatal[0], "memory")  # died at the memory limit (killed, or an allocation failed)
    if result.fatal and result.fatal[1] != "memory" and (result.status.get("deadline_hit") or time.time() >= deadline):
        result.fatal = (client.current_index, "deadline")
    if result.status.get("error") and (result.fatal is None or result.fatal[1] in ("died", "start")):
        result.fatal, result.message = (None, "start"), result.status["error"]
    if result.status.get("isolation"):
        sandbox.isolation_seen.add(result.status["isolation"])
    result.imports_by_cell = client.imports_by_cell
    result.tampered_by_cell = client.tampered_by_cell
    result.truncated = client.truncated
    result.seconds = time.monotonic() - started
    return result


def _stop(client):
    """Make sure the kernel is gone and nbclient's exit hook is not left behind."""
    import atexit

    from jupyter_core.utils import run_sync

    atexit.unregister(client._cleanup_kernel)
    km = client.km
    if km is not None and km.has_kernel:
        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - already dead
            pass


def describe_exit(status):
    """Words for how the kernel process ended, from the launcher's report."""
    code = status.get("exit_code")
    if code is None:
        return "the kernel died"
    if code > 128:
        import signal

        number = code - 128
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        hint = " (your code killed it, or it ran out of memory)" if number in (6, 9) else ""
        return f"the kernel was killed by {name}{hint}"
    return f"the kernel process exited with code {code} (os._exit, sys.exit in a thread, or a crash)"
