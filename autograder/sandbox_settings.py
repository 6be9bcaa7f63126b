"""The sandbox's settings: what one learner's notebook may use (:class:`Limits`), the packages it may not import,
the folders of one kernel run (:class:`Run`) and the launcher's report of it.

The rest of the sandbox: :mod:`autograder.sandbox` (the library the kernel imports from, its file system, the
kernel runs) and :mod:`autograder.sandbox_kernel` (running a grading notebook in one kernel).
"""

import dataclasses
import json
import pathlib

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


def run_status(run):
    """The launcher's report of ``run`` (isolation level, exit code, deadline hit, notes), or ``{}``."""
    try:
        return json.loads((run.control / "status.json").read_text())
    except (OSError, ValueError):
        return {}
