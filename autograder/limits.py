"""Per-kernel quotas the kernel cannot escape or share: a cgroup for memory and processes, a tmpfs for its files.

**Memory and processes.** Each kernel run gets its own cgroup, made by the grader before the kernel starts and
joined by the sandbox's init process (so the kernel and everything it forks are inside). It limits the memory of
the whole process tree, of every kind (heap, shared mappings, ``/tmp`` and ``/dev/shm`` files, forked children),
without swap, and the number of processes and threads. Preferred is cgroup v2 (``memory.max``,
``memory.swap.max``, ``pids.max``, ``memory.oom.group``: an out-of-memory kill stops the whole group); else cgroup
v1 (``memory.limit_in_bytes``, ``memory.memsw.limit_in_bytes`` when present, and the ``pids`` hierarchy). When
neither can be made (not root, no delegated cgroup), kernels fall back to per-process rlimits (``RLIMIT_DATA``,
``RLIMIT_NPROC``), which shared memory and forked children escape: the grader then prints a warning.

Whether the limit stopped the learner's code is decided here, from the cgroup's own counters (``memory.events``
``oom_kill``, v1 ``memory.oom_control``), never from anything the kernel says.

**Disk.** A root grader mounts a size-limited tmpfs on each run's work folder (:func:`mount_quota`), so a kernel can
fill only its own quota; its pages count as the kernel's memory too.
"""

import os
import pathlib
import signal
import threading
import time

CGROUP_ROOT = pathlib.Path("/sys/fs/cgroup")
PREFIX = "course-kernel"


def _read(path):
    try:
        return pathlib.Path(path).read_text()
    except OSError:
        return ""


def _write(path, value):
    pathlib.Path(path).write_text(str(value))


def _mounts():
    """``[(mount point, fstype, super options)]`` of this process's cgroup file systems."""
    found = []
    for line in _read("/proc/self/mountinfo").splitlines():
        left, _, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if len(fields) >= 5 and len(tail) >= 3 and tail[0] in ("cgroup", "cgroup2"):
            found.append((fields[4].replace("\\040", " "), tail[0], tail[2].split(",")))
    return found


def _own_paths():
    """``{controller or "": path}`` of this process's cgroups (``""`` is the v2 one)."""
    paths = {}
    for line in _read("/proc/self/cgroup").splitlines():
        number, _, rest = line.partition(":")
        controllers, _, path = rest.partition(":")
        for controller in controllers.split(",") if controllers else [""]:
            paths[controller] = path
    return paths


def _own_folder(mount, path):
    """This process's cgroup folder under ``mount`` (inside a cgroup namespace the mount is the group itself)."""
    candidate = pathlib.Path(mount) / path.lstrip("/")
    return candidate if candidate.is_dir() else pathlib.Path(mount)


def _counter(text, key):
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name == key:
            return int(value or 0)
    return 0


class KernelCgroup:
    """The cgroup folders of one kernel run; :meth:`oom_kills` reads its OOM counter, :meth:`remove` ends it."""

    def __init__(self, version, folders):
        self.version, self.folders = version, folders

    @property
    def procs(self):
        """The ``cgroup.procs`` files the sandbox's init writes itself into."""
        return [str(folder / "cgroup.procs") for folder in self.folders]

    def oom_kills(self):
        """How many processes the memory limit has killed in this cgroup so far."""
        memory = self.folders[0]
        text = _read(memory / ("memory.events" if self.version == 2 else "memory.oom_control"))
        return _counter(text, "oom_kill")

    def limit_hits(self):
        """How many times the cgroup's memory use reached its limit (a failed allocation may follow, not a kill)."""
        memory = self.folders[0]
        if self.version == 2:
            return _counter(_read(memory / "memory.events"), "max")
        return sum(int(_read(memory / name).strip() or 0) for name in ("memory.failcnt", "memory.memsw.failcnt")
                   if (memory / name).exists())

    def peak_bytes(self):
        """The most memory the cgroup's processes have held at once (0 when the kernel does not say)."""
        memory = self.folders[0]
        name = "memory.peak" if self.version == 2 else "memory.max_usage_in_bytes"
        return int(_read(memory / name).strip() or 0)

    def kill(self):
        """SIGKILL every process still in the cgroup (the kernel's forgotten children included)."""
        for folder in self.folders:
            if self.version == 2 and (folder / "cgroup.kill").exists():
                try:
                    _write(folder / "cgroup.kill", 1)
                    continue
                except OSError:
                    pass
            for pid in _read(folder / "cgroup.procs").split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (OSError, ValueError):
                    pass

    def remove(self):
        """Kill what is left and remove the folders (retried briefly: the killed processes must exit first)."""
        self.kill()
        for folder in self.folders:
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.05)
                    self.kill()


class Cgroups:
    """Makes one cgroup per kernel run, with cgroup v2 or v1, or says why it cannot (:attr:`problem`)."""

    def __init__(self):
        self.version, self.parents, self.problem = None, [], None
        self._count = 0
        self._lock = threading.Lock()
        if os.geteuid() != 0:
            self.problem = "the grader is not root, so it cannot make cgroups"
            return
        mounts = _mounts()
        own = _own_paths()
        problems = []
        for finder in (self._v2, self._v1):
            try:
                found = finder(mounts, own)
            except OSError as error:
                found = f"{error.strerror or error}"
            if isinstance(found, str):
                problems.append(found)
                continue
            self.version, self.parents = found
            self._sweep()
            return
        self.problem = "; ".join(problems)

    @staticmethod
    def _v2(mounts, own):
        mount = next((point for point, fstype, _ in mounts if fstype == "cgroup2"), None)
        if mount is None or "" not in own:
            return "no cgroup v2 file system"
        parent = _own_folder(mount, own[""])
        enabled = _read(parent / "cgroup.subtree_control").split()
        if not {"memory", "pids"} <= set(enabled):
            available = _read(parent / "cgroup.controllers").split()
            if not {"memory", "pids"} <= set(available):
                return f"cgroup v2 at {parent} does not offer the memory and pids controllers"
            try:  # refused when the group holds processes itself (cgroup v2's "no internal processes" rule)
                _write(parent / "cgroup.subtree_control", "+memory +pids")
            except OSError as error:
                return f"cgroup v2 at {parent}: cannot enable memory and pids for subgroups ({error.strerror})"
        return 2, [parent]

    @staticmethod
    def _v1(mounts, own):
        parents = []
        for controller in ("memory", "pids"):
            mount = next((point for point, fstype, options in mounts if fstype == "cgroup" and controller in options),
                         None)
            if mount is None or controller not in own:
                return f"no cgroup v1 {controller} hierarchy"
            parent = _own_folder(mount, own[controller])
            if not os.access(parent, os.W_OK):
                return f"cgroup v1 {controller} folder {parent} is not writable"
            parents.append(parent)
        return 1, parents

    def _sweep(self):
        """Remove the kernel cgroups a grader that was killed left behind (named after its process id)."""
        for parent in self.parents:
            for folder in parent.glob(f"{PREFIX}-*-*"):
                try:
                    os.kill(int(folder.name.split("-")[-2]), 0)
                except ProcessLookupError:
                    KernelCgroup(self.version, [folder]).remove()
                except (ValueError, OSError):
                    pass

    def create(self, memory_bytes, max_processes):
        """A new :class:`KernelCgroup` with these limits; raises OSError when the cgroup cannot be made."""
        with self._lock:
            self._count += 1
            name = f"{PREFIX}-{os.getpid()}-{self._count}"
        folders = [parent / name for parent in self.parents]
        made = []
        try:
            for folder in folders:
                folder.mkdir()
                made.append(folder)
            if self.version == 2:
                group = folders[0]
                _write(group / "memory.max", memory_bytes)
                if (group / "memory.swap.max").exists():
                    _write(group / "memory.swap.max", 0)
                _write(group / "memory.oom.group", 1)
                _write(group / "pids.max", max_processes)
            else:
                memory, pids = folders
                _write(memory / "memory.limit_in_bytes", memory_bytes)
                if (memory / "memory.memsw.limit_in_bytes").exists():
                    _write(memory / "memory.memsw.limit_in_bytes", memory_bytes)  # no swap beyond the limit
                _write(pids / "pids.max", max_processes)
        except OSError:
            KernelCgroup(self.version, made).remove()
            raise
        return KernelCgroup(self.version, folders)


_SHARED = {}


def cgroups():
    """The process's :class:`Cgroups` (detected once)."""
    if "cgroups" not in _SHARED:
        _SHARED["cgroups"] = Cgroups()
    return _SHARED["cgroups"]


# ---------------------------------------------------------------------------------------------------------------
# the work folder's disk quota


def mount_quota(folder, size_bytes):
    """Mount a tmpfs of ``size_bytes`` on ``folder`` (root only); returns None, or why it could not."""
    from autograder.sandbox_launcher import MS_NODEV, MS_NOSUID, mount

    if os.geteuid() != 0:
        return "the grader is not root, so it cannot mount one"
    try:
        mount("tmpfs", str(folder), "tmpfs", MS_NOSUID | MS_NODEV, f"size={int(size_bytes)},mode=0755")
    except OSError as error:
        return str(error)
    return None


def unmount_quota(folder):
    """Unmount the tmpfs of :func:`mount_quota` (its files go with it)."""
    from autograder.sandbox_launcher import MNT_DETACH, _call

    try:
        _call("umount2", os.fsencode(str(folder)), MNT_DETACH)
    except OSError:
        pass
