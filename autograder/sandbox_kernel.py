"""Running a grading notebook in one sandboxed kernel: :func:`execute` and what it returns (:class:`Execution`).

The Jupyter classes are built lazily (jupyter_client is only needed when grading). The grading client caps the
outputs on the grader's side (per cell, per notebook, per message), attributes import attempts to cells from the
import guard's log, and takes an out-of-memory kill from the kernel's cgroup counters, never from the kernel.
"""

import asyncio
import dataclasses
import json
import time

from autograder.safe_io import UnsafeFile, read_regular
from autograder.sandbox_settings import IMPORT_LOG_NAME, MAX_LOG_BYTES, run_status


class MemoryLimitHit(Exception):
    """The kernel's cgroup killed a process for memory while cell ``cell_index`` ran."""

    def __init__(self, cell_index):
        super().__init__(f"out of memory in cell {cell_index}")
        self.cell_index = cell_index


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
    result.status = run_status(run)
    for _ in range(20):  # the launcher writes its final report as it exits, just after the kernel
        if not (result.fatal and result.fatal[1] == "died") or "exit_code" in result.status:
            break
        time.sleep(0.1)
        result.status = run_status(run)
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
