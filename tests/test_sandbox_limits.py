"""Per-kernel quotas (memory of the whole process tree, processes, disk) and the grader's safe reading of files.

The kernels here run tiny notebooks without TensorFlow (no kernel server), under a 256 MiB memory limit, so each
test takes seconds and never stresses the host. The same attacks through the whole grader are in
``test_grade_attacks.py``.
"""

import os
import threading
import time

import pytest

from autograder import grade, limits
from autograder.safe_io import UnsafeFile, read_regular
from autograder.sandbox import Limits, Sandbox, execute
from grading_helpers import forked_children, outputs, shared_mmap, tiny

MEMORY_MB = 256
needs_cgroup = pytest.mark.skipif(limits.cgroups().version is None,
                                  reason=f"no cgroup for kernels here: {limits.cgroups().problem}")
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="the work folder's tmpfs quota needs a root grader")


def _run(notebook, **overrides):
    """Execute ``notebook`` in a fresh sandbox; returns ``(execution, the run's cgroup folders, its memory peak)``."""
    settings = dict(cell_timeout=60, memory_mb=MEMORY_MB, preload=False)
    with Sandbox(Limits(**{**settings, **overrides})) as sandbox:
        run = sandbox.new_run()
        folders = list(run.cgroup.folders) if run.cgroup is not None else []
        execution = execute(sandbox, notebook, run, time.time() + 120)
        peak = run.cgroup.peak_bytes() if run.cgroup is not None else None
        sandbox.discard(run)
    return execution, folders, peak


SHARED_MMAP = shared_mmap(MEMORY_MB)
FORKED_CHILDREN = forked_children(MEMORY_MB)


@needs_cgroup
@pytest.mark.parametrize("source", [SHARED_MMAP, FORKED_CHILDREN], ids=["shared-mmap", "forked-children"])
def test_memory_of_every_kind_and_every_process_is_limited(source):
    notebook = tiny("print('before')", source, "print('never')")
    started = time.monotonic()
    execution, folders, peak = _run(notebook)
    assert execution.fatal == (1, "memory"), execution
    assert time.monotonic() - started < 300  # stopped by the limit, not when the children's 600 s sleep ended
    assert outputs(notebook.cells[0]) == "before\n" and "survived" not in outputs(notebook.cells[1])
    assert 0.5 * (MEMORY_MB << 20) < peak <= MEMORY_MB << 20  # the tree's memory peaked at the limit, not beyond
    assert folders and not any(folder.exists() for folder in folders)  # the run's cgroup is gone


@needs_cgroup
def test_the_process_limit_is_the_kernels_own():
    source = ("import threading, time\nthreading.stack_size(256 << 10)\nstarted = 0\ntry:\n    for _ in range(1000):\n"
              "        threading.Thread(target=time.sleep, args=(30,), daemon=True).start()\n        started += 1\n"
              "except RuntimeError:\n    pass\nprint(started)")
    notebook = tiny(source)
    execution, _, _ = _run(notebook, max_processes=64, memory_mb=1024)  # memory enough for 1000 threads
    assert execution.fatal is None, execution
    assert 10 < int(outputs(notebook.cells[0])) < 64


@needs_root
def test_the_work_folder_has_a_disk_quota():
    source = ("written = 0\ntry:\n    for i in range(4):\n        with open(f'big{i}', 'wb') as f:\n"
              "            f.write(b'x' * (50 << 20))\n        written += 1\nexcept OSError as error:\n"
              "    print(written, error.errno)\nelse:\n    print(written, 0)")
    notebook = tiny(source)
    execution, _, _ = _run(notebook, work_mb=120, memory_mb=512)
    assert execution.fatal is None, execution
    assert outputs(notebook.cells[0]).split() == ["2", "28"]  # ENOSPC after two 50 MiB files in 120 MiB


@needs_cgroup
def test_cgroups_a_killed_grader_left_behind_are_removed():
    stale = [parent / f"{limits.PREFIX}-4194000-1" for parent in limits.cgroups().parents]  # no such process
    for folder in stale:
        folder.mkdir()
    limits.Cgroups()
    assert not any(folder.exists() for folder in stale)


def test_cgroup_v2_is_found_configured_and_read(tmp_path):
    """This machine may have only cgroup v1: v2's files are made here, as the kernel lays them out."""
    mount = tmp_path / "unified"
    parent = mount / "grading.slice"
    parent.mkdir(parents=True)
    (parent / "cgroup.controllers").write_text("cpu memory pids\n")
    (parent / "cgroup.subtree_control").write_text("")
    found = limits.Cgroups._v2([(str(mount), "cgroup2", ["rw"])], {"": "/grading.slice"})
    assert found == (2, [parent]) and (parent / "cgroup.subtree_control").read_text() == "+memory +pids"
    assert "no cgroup v2" in limits.Cgroups._v2([(str(mount), "cgroup", ["memory"])], {"": "/"})
    cgroups = limits.Cgroups.__new__(limits.Cgroups)
    cgroups.version, cgroups.parents, cgroups._count, cgroups._lock = 2, [parent], 0, threading.Lock()
    group = cgroups.create(300 << 20, 50)
    folder = group.folders[0]
    assert (folder / "memory.max").read_text() == str(300 << 20) and (folder / "pids.max").read_text() == "50"
    assert (folder / "memory.oom.group").read_text() == "1" and group.procs == [str(folder / "cgroup.procs")]
    (folder / "memory.events").write_text("low 0\nhigh 0\nmax 3\noom 1\noom_kill 2\noom_group_kill 1\n")
    assert group.oom_kills() == 2 and group.limit_hits() == 3


def test_without_a_cgroup_the_grader_warns_and_limits_per_process(monkeypatch, tmp_path, capsys):
    class NoCgroups:
        version, parents, problem = None, [], "none here, for this test"

    monkeypatch.setitem(limits._SHARED, "cgroups", NoCgroups())
    notebook = tiny("import resource\nprint(resource.getrlimit(resource.RLIMIT_DATA)[0] >> 20)")
    execution, _, _ = _run(notebook)
    assert execution.status.get("cgroup") is False
    assert outputs(notebook.cells[0]).strip() == str(MEMORY_MB)
    (tmp_path / "subs" / "empty").mkdir(parents=True)
    assert grade.main([str(tmp_path / "subs")], str(tmp_path / "out"), quiet=True,
                      limits=Limits(preload=False)) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "no cgroup" in line]
    assert len(warnings) == 1 and "none here, for this test" in warnings[0] and "RLIMIT_DATA" in warnings[0]


# ---------------------------------------------------------------------------------------------------------------
# reading what a kernel could have replaced


@pytest.fixture
def planted(tmp_path):
    base = tmp_path / "work"
    (base / "results").mkdir(parents=True)
    (base / "results" / "good.json").write_text('{"fine": 1}')
    os.mkfifo(base / "results" / "pipe.json")
    (base / "results" / "folder.json").mkdir()
    (base / "results" / "zero.json").symlink_to("/dev/zero")
    (base / "results" / "big.json").write_bytes(b"x" * 2000)
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "good.json").write_text("host file")
    (base / "swapped").symlink_to(tmp_path / "secret")
    return base


@pytest.mark.parametrize("name, found", [("pipe.json", "a named pipe"), ("folder.json", "a folder"),
                                         ("zero.json", "a symbolic link"), ("big.json", "larger than 1000 bytes")])
def test_only_regular_files_of_bounded_size_are_read(planted, name, found):
    assert read_regular("results/good.json", 1000, base=planted) == b'{"fine": 1}'
    started = time.monotonic()
    with pytest.raises(UnsafeFile) as refused:
        read_regular(f"results/{name}", 1000, base=planted)
    assert refused.value.found.startswith(found) and time.monotonic() - started < 60  # and it did not block (a FIFO would forever)


def test_a_folder_swapped_for_a_link_is_not_followed_and_proc_files_are_bounded(planted):
    with pytest.raises(UnsafeFile) as refused:
        read_regular("swapped/good.json", 1000, base=planted)
    assert refused.value.found == "a symbolic link"
    with pytest.raises(UnsafeFile) as endless:  # size 0 on stat, yet it never ends
        read_regular("/proc/kpageflags" if os.access("/proc/kpageflags", os.R_OK) else "/proc/self/pagemap", 1 << 16)
    assert endless.value.found.startswith("larger than 65536 bytes")
