"""The grader's side of the trust boundary: where and how a learner's code runs while it is graded.

One :class:`Sandbox` per batch prepares a library folder holding *copies* of what a grading notebook may import (the
``autograder`` package's code and the student package ``helpers``, never ``solutions``) and the boot script. Each
kernel run gets a fresh work folder (a tmpfs of its own, the disk quota) and a cgroup of its own (memory of the
whole process tree, processes: :mod:`autograder.limits`); :func:`execute` runs a grading notebook there through
``sandbox_launcher.py`` (namespaces, resource limits, the unprivileged user ``nobody`` when the grader is root) and
``sandbox_boot.py`` (import guard, then ipykernel; Jupyter's messages go over Unix sockets in the work folder, since
the kernel has no network), and returns what the grader needs to judge: which cell was running when a cell timed
out, ran out of memory (the cgroup's counters say so, never the kernel) or the kernel died, which reference modules
each cell tried to import, the launcher's report. Outputs are capped on the grader's side (per cell, per notebook,
per message), so a notebook that prints gigabytes cannot exhaust the grader's memory.

What crosses back: files the probes write in the work folder (parsed as JSON plain data by
:func:`autograder.checks.exercise.parse_probe_result`), the import log, and the Jupyter messages (capped). The files
are read by :mod:`autograder.safe_io` only: regular files of bounded size, no link followed, nothing that can block.
Nothing from the learner's process is ever unpickled or executed by the grader.

The parts: :mod:`autograder.sandbox_settings` (limits, forbidden packages, a run's folders),
:mod:`autograder.sandbox_kernel` (running a notebook in one kernel), this module (the batch's library, its file
system and its kernel runs).
"""

import json
import os
import pathlib
import select
import shutil
import subprocess
import sys
import tempfile
import threading

from autograder import limits as quotas
from autograder.sandbox_kernel import (Execution, MemoryLimitHit, _kernel_manager_class,  # noqa: F401
                                       describe_exit, execute)
from autograder.sandbox_settings import (ANSWER_PACKAGES, BOOT, IMPORT_LOG_NAME, ISOLATION_LEVELS,  # noqa: F401
                                         LAUNCHER, NOBODY, PASSED_THROUGH_ENV, SYSTEM_READONLY, ZYGOTE, Limits, Run,
                                         forbidden_modules, run_status)


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
        self._lock = threading.Lock()
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
        packages = ("solutions", "benchmark", "helpers", "autograder")
        hide = sorted({os.path.join(site, package) for site in site_dirs for package in packages
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

    status = staticmethod(run_status)  # the launcher's report of a run, or {}

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
