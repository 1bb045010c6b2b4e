from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from dagster.core.storage.compute_log_manager import ComputeIOType, ComputeLogFileData
from dagster.core.storage.local_compute_log_manager import LocalComputeLogManager
from dagster.core.storage.noop_compute_log_manager import NoOpComputeLogManager
from dagster.core.storage.pipeline_run import PipelineRun

OUT, ERR = ComputeIOType.STDOUT, ComputeIOType.STDERR


def _run(run_id: str = "run-1") -> PipelineRun:
    return PipelineRun(pipeline_name="pipe", run_id=run_id)


def _read(manager: LocalComputeLogManager, key: str, io_type: ComputeIOType, run_id: str = "run-1") -> str:
    return manager.read_logs_file(run_id, key, io_type).data


def test_captures_print_fd_writes_c_stdio_and_subprocesses(tmp_path):
    manager = LocalComputeLogManager(str(tmp_path))
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    with manager.watch(_run(), "a.compute"):
        print("from print")
        os.write(1, b"from os.write\n")
        libc.printf(b"from C printf, left in the C buffer\n")
        subprocess.run(["echo", "from a subprocess"], check=True)
        subprocess.run([sys.executable, "-c", "import sys; sys.stderr.write('child stderr\\n')"], check=True)
        print("to stderr", file=sys.stderr)
        os.write(2, b"fd 2\n")
        assert not manager.is_watch_completed("run-1", "a.compute")
    assert manager.is_watch_completed("run-1", "a.compute")
    stdout_lines = _read(manager, "a.compute", OUT).splitlines()
    # C stdio may buffer (where its stdout was a file when first used): then its line comes last,
    # flushed when the capture ends, but it is always captured.
    assert [line for line in stdout_lines if "C printf" not in line] == [
        "from print",
        "from os.write",
        "from a subprocess",
    ]
    assert "from C printf, left in the C buffer" in stdout_lines
    assert _read(manager, "a.compute", ERR) == "child stderr\nto stderr\nfd 2\n"
    base = tmp_path / "run-1" / "compute_logs"
    assert sorted(os.listdir(base)) == ["a.compute.err", "a.compute.out", "completed_keys.log"]
    assert (base / "completed_keys.log").read_text() == "-a.compute\n+a.compute\n"


def test_file_layout_and_read_data(tmp_path):
    manager = LocalComputeLogManager(str(tmp_path))
    with manager.watch(_run(), "s.compute"):
        print("hello")
    data = manager.read_logs_file("run-1", "s.compute", OUT)
    path = str(tmp_path / "run-1" / "compute_logs" / "s.compute.out")
    assert data == ComputeLogFileData(
        path=path, data="hello\n", cursor=6, size=6, download_url="/download/run-1/s.compute/stdout"
    )
    assert manager.get_local_path("run-1", "s.compute", ERR).endswith("s.compute.err")
    assert manager.read_logs_file("run-1", "s.compute", OUT, cursor=2, max_bytes=2).data == "ll"
    missing = manager.read_logs_file("run-1", "nope", OUT)
    assert missing.data is None and missing.size == 0


def test_key_defaults_to_pipeline_name(tmp_path):
    manager = LocalComputeLogManager(str(tmp_path))
    with manager.watch(_run()):
        print("whole pipeline")
    assert _read(manager, "pipe", OUT) == "whole pipeline\n"


def test_cursor_never_cuts_a_utf8_character(tmp_path):
    manager = LocalComputeLogManager(str(tmp_path))
    with manager.watch(_run(), "u"):
        print("aé€😀b", end="")
    encoded = "aé€😀b".encode()
    pieces, cursor = [], 0
    while cursor < len(encoded):
        chunk = manager.read_logs_file("run-1", "u", OUT, cursor=cursor, max_bytes=3)
        assert chunk.cursor > cursor
        pieces.append(chunk.data)
        cursor = chunk.cursor
    assert pieces == ["aé", "€", "😀", "b"]


def test_max_bytes_zero_reads_nothing_and_keeps_the_cursor(tmp_path):
    manager = LocalComputeLogManager(str(tmp_path))
    with manager.watch(_run(), "z"):
        print("héllo", end="")
    for cursor in (0, 1, 6):
        chunk = manager.read_logs_file("run-1", "z", OUT, cursor=cursor, max_bytes=0)
        assert (chunk.data, chunk.cursor, chunk.size) == ("", cursor, 6)


def test_long_key_uses_md5(tmp_path):
    manager = LocalComputeLogManager(str(tmp_path))
    key = "k" * 300
    with manager.watch(_run(), key):
        print("long")
    digest = hashlib.md5(key.encode()).hexdigest()
    assert sorted(os.listdir(tmp_path / "run-1" / "compute_logs")) == [
        f"{digest}.err",
        f"{digest}.out",
        "completed_keys.log",
    ]
    assert _read(manager, key, OUT) == "long\n"
    assert manager.is_watch_completed("run-1", key)


def test_retry_appends_and_resets_complete_marker(tmp_path):
    manager = LocalComputeLogManager(str(tmp_path))
    with manager.watch(_run(), "a"):
        print("attempt 1")
    with manager.watch(_run(), "a"):
        assert not manager.is_watch_completed("run-1", "a")
        print("attempt 2")
    assert manager.is_watch_completed("run-1", "a")
    assert _read(manager, "a", OUT) == "attempt 1\nattempt 2\n"


def test_files_complete_when_step_raises(tmp_path):
    manager = LocalComputeLogManager(str(tmp_path))
    with pytest.raises(ValueError):
        with manager.watch(_run(), "boom"):
            print("partial line", end="")
            raise ValueError("x")
    assert manager.is_watch_completed("run-1", "boom")
    assert _read(manager, "boom", OUT) == "partial line"
    print("after the step")  # the real stdout is back
    assert _read(manager, "boom", OUT) == "partial line"


def test_readable_while_the_step_runs(tmp_path):
    manager = LocalComputeLogManager(str(tmp_path))
    with manager.watch(_run(), "live"):
        print("first")
        assert manager.read_logs_file("run-1", "live", OUT).data == "first\n"
        os.write(1, b"second\n")
        assert manager.read_logs_file("run-1", "live", OUT, cursor=6).data == "second\n"


def test_nested_captures_restore_in_order(tmp_path):
    manager = LocalComputeLogManager(str(tmp_path))
    with manager.watch(_run(), "outer"):
        print("outer 1")
        with manager.watch(_run(), "inner"):
            print("inner")
        print("outer 2")
    assert _read(manager, "inner", OUT) == "inner\n"
    # the inner capture's output is mirrored to the stream it replaced: the outer step's file
    assert _read(manager, "outer", OUT) == "outer 1\ninner\nouter 2\n"


def test_capture_in_another_thread_is_skipped_not_corrupted(tmp_path):
    manager = LocalComputeLogManager(str(tmp_path))
    inside = threading.Event()

    def other_step():
        with manager.watch(_run(), "other"):
            inside.set()
            os.write(1, b"other thread\n")

    with manager.watch(_run(), "main"):
        thread = threading.Thread(target=other_step)
        thread.start()
        inside.wait(5)
        thread.join(5)
        print("main thread")
    assert manager.is_watch_completed("run-1", "other")
    assert _read(manager, "other", OUT) is None  # no file of its own: its output went to "main"
    assert _read(manager, "main", OUT) == "other thread\nmain thread\n"


def test_output_is_mirrored_to_the_console(tmp_path):
    script = textwrap.dedent(
        f"""
        import os, subprocess
        from dagster.core.storage.local_compute_log_manager import LocalComputeLogManager
        from dagster.core.storage.pipeline_run import PipelineRun
        manager = LocalComputeLogManager({str(tmp_path)!r})
        print("before", flush=True)
        with manager.watch(PipelineRun(pipeline_name="p", run_id="r"), "s"):
            print("inside")
            subprocess.run(["echo", "child"], check=True)
            os.write(2, b"err inside\\n")
        print("after")
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout == "before\ninside\nchild\nafter\n"
    assert result.stderr == "err inside\n"
    assert (tmp_path / "r" / "compute_logs" / "s.out").read_text() == "inside\nchild\n"


def test_subscription_receives_chunks_then_completes(tmp_path):
    manager = LocalComputeLogManager(str(tmp_path))
    received, completed = [], threading.Event()
    try:
        with manager.watch(_run(), "sub"):
            print("line 1")
            subscription = manager.observable("run-1", "sub", OUT)
            subscription.subscribe(lambda chunk: received.append(chunk.data), on_completed=completed.set)
            assert received == ["line 1\n"]
            print("line 2")
            deadline = time.time() + 5
            while len(received) < 2 and time.time() < deadline:
                time.sleep(0.02)
            assert received == ["line 1\n", "line 2\n"]
            print("line 3")
        assert completed.wait(5)
        assert "".join(received) == "line 1\nline 2\nline 3\n"
        assert subscription.is_disposed
    finally:
        manager.dispose()


def test_subscription_to_a_finished_step(tmp_path):
    manager = LocalComputeLogManager(str(tmp_path))
    with manager.watch(_run(), "done"):
        print("all")
    received, completed = [], []
    manager.observable("run-1", "done", OUT, cursor=1).subscribe(
        received.append, on_completed=lambda: completed.append(True)
    )
    assert [chunk.data for chunk in received] == ["ll\n"]
    assert completed == [True]


def test_config_and_noop_manager(tmp_path):
    assert LocalComputeLogManager.from_config_value(None, {"base_dir": str(tmp_path)}).get_local_path(
        "r", "k", OUT
    ) == str(tmp_path / "r" / "compute_logs" / "k.out")
    noop = NoOpComputeLogManager()
    with noop.watch(_run(), "x"):
        pass
    assert not noop.enabled(_run(), "x")
    assert noop.is_watch_completed("r", "x")
    assert noop.read_logs_file("r", "x", OUT).data is None


def test_c_stdio_buffer_is_flushed_into_the_step_log(tmp_path):
    # stdout is a file here, so C stdio buffers fully: without a flush at the end of the step, the
    # line would reach the console after the step instead of the step's log.
    script = textwrap.dedent(
        f"""
        import ctypes
        from dagster.core.storage.local_compute_log_manager import LocalComputeLogManager
        from dagster.core.storage.pipeline_run import PipelineRun
        manager = LocalComputeLogManager({str(tmp_path)!r})
        with manager.watch(PipelineRun(pipeline_name="p", run_id="r"), "s"):
            ctypes.CDLL(None).printf(b"buffered by C\\n")
        """
    )
    with open(tmp_path / "console.txt", "w") as console:
        subprocess.run([sys.executable, "-c", script], stdout=console, check=True)
    assert (tmp_path / "r" / "compute_logs" / "s.out").read_text() == "buffered by C\n"
    assert (tmp_path / "console.txt").read_text() == "buffered by C\n"  # mirrored


def test_unusable_log_directory_does_not_fail_the_step(tmp_path, capfd):
    (tmp_path / "run-1").write_text("a file where the run's directory should be")
    manager = LocalComputeLogManager(str(tmp_path))
    with manager.watch(_run(), "s"):
        print("still printed")
        result = "the step ran"
    assert result == "the step ran"
    out, err = capfd.readouterr()
    assert "still printed" in out
    path = tmp_path / "run-1" / "compute_logs" / "s.out"
    assert err.splitlines() == [
        f'dagster: the output of "s" in run run-1 is not captured to its compute log (Not a directory: {path}); '
        "it goes to the console instead.",
        f'dagster: cannot mark the compute log of "s" in run run-1 complete (Not a directory: '
        f"{tmp_path / 'run-1' / 'compute_logs' / 'completed_keys.log'}).",
    ]
    print("the console is intact")
    assert capfd.readouterr().out == "the console is intact\n"


def test_subscribe_with_an_observer_object(tmp_path):
    manager = LocalComputeLogManager(str(tmp_path))
    with manager.watch(_run(), "obs"):
        os.write(2, b"to stderr\n")

    class Observer:
        def __init__(self):
            self.chunks, self.done = [], False

        def on_next(self, chunk):
            self.chunks.append(chunk.data)

        def on_error(self, error):
            raise AssertionError(error)

        def on_completed(self):
            self.done = True

    observer = Observer()
    manager.observable("run-1", "obs", ERR).subscribe(observer)
    assert observer.chunks == ["to stderr\n"] and observer.done


FIXTURE_HOME = os.path.join(
    os.path.dirname(__file__), "..", "..", "..", "..", "shared", "fixtures", "dagster-0.7.16-home"
)


def test_reads_compute_logs_written_by_dagster_0_7(tmp_path):
    import shutil

    shutil.copytree(os.path.join(FIXTURE_HOME, "storage"), tmp_path / "storage")
    manager = LocalComputeLogManager(str(tmp_path / "storage"))
    run_id = "323c7a7a-8661-4047-a22e-d810f111f3e1"
    assert manager.read_logs_file(run_id, "extract.compute", OUT).data == "extracting 4 rows\n"
    assert manager.read_logs_file(run_id, "transform.compute", ERR).data == "transforming\n"
    assert manager.is_watch_completed(run_id, "load.compute")
    failed = manager.read_logs_file("1b28093c-2df8-4b5f-b830-036220a9564b", "explode.compute", ERR).data
    assert 'raise ValueError("fixture failure")' in failed


def test_a_raising_subscriber_is_dropped_without_failing_the_step(tmp_path, capfd):
    manager = LocalComputeLogManager(str(tmp_path))
    good = []

    def bad(chunk):
        raise RuntimeError("subscriber bug")

    try:
        with manager.watch(_run(), "s"):
            manager.observable("run-1", "s", OUT).subscribe(bad)
            manager.observable("run-1", "s", OUT).subscribe(lambda chunk: good.append(chunk.data))
            print("line")
        console_err = capfd.readouterr().err
    finally:
        manager.dispose()
    assert good == ["line\n"]
    assert manager.is_watch_completed("run-1", "s")
    # told once on stderr (directly, or mirrored from the step's log if the poller got there first)
    message = 'dagster: dropped a subscription to the compute log of "s" in run run-1: its callback raised'
    assert console_err.count(f"{message} RuntimeError: subscriber bug") == 1


def test_key_that_is_not_a_plain_file_name(tmp_path):
    manager = LocalComputeLogManager(str(tmp_path))
    run = PipelineRun(pipeline_name="../../escape", run_id="run-1")
    with manager.watch(run):
        print("contained")
    digest = hashlib.md5(b"../../escape").hexdigest()
    assert sorted(os.listdir(tmp_path / "run-1" / "compute_logs")) == [
        f"{digest}.err",
        f"{digest}.out",
        "completed_keys.log",
    ]
    assert _read(manager, "../../escape", OUT) == "contained\n"


def test_console_shows_output_while_the_step_runs(tmp_path):
    release = tmp_path / "release"
    script = textwrap.dedent(
        f"""
        import os, time
        from dagster.core.storage.local_compute_log_manager import LocalComputeLogManager
        from dagster.core.storage.pipeline_run import PipelineRun
        manager = LocalComputeLogManager({str(tmp_path)!r})
        with manager.watch(PipelineRun(pipeline_name="p", run_id="r"), "s"):
            print("halfway")
            deadline = time.time() + 30
            while not os.path.exists({str(release)!r}) and time.time() < deadline:
                time.sleep(0.01)
            print("done")
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        started = time.time()
        assert child.stdout.readline() == "halfway\n"  # the step is still running: it waits for us
        assert time.time() - started < 25
        release.write_text("go")
        assert child.stdout.read() == "done\n"
        assert child.wait(30) == 0
    finally:
        child.kill()
        child.stdout.close()
    assert (tmp_path / "r" / "compute_logs" / "s.out").read_text() == "halfway\ndone\n"


def test_completion_is_shared_between_processes_and_honours_old_markers(tmp_path):
    first, second = LocalComputeLogManager(str(tmp_path)), LocalComputeLogManager(str(tmp_path))
    with first.watch(_run(), "a"):
        pass
    assert second.is_watch_completed("run-1", "a")
    with second.watch(_run(), "a"):  # a retry elsewhere: running again, so not complete
        assert not first.is_watch_completed("run-1", "a")
    assert first.is_watch_completed("run-1", "a")
    assert not first.is_watch_completed("run-1", "never-ran")
    (tmp_path / "run-1" / "compute_logs" / "old.compute.complete").write_text("")  # as Dagster 0.7 left it
    assert first.is_watch_completed("run-1", "old.compute")


def _child_status(pid: int, timeout: float = 60.0) -> int:
    """The wait status of a forked child; a child that hangs is killed and the test fails."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    raise AssertionError(f"the forked child (pid {pid}) did not finish in {timeout} s")


def test_forked_child_captures_its_own_step(tmp_path):
    manager = LocalComputeLogManager(str(tmp_path))
    with manager.watch(_run(), "parent"):
        print("parent line")
        pid = os.fork()
        if pid == 0:  # the child runs a step of its own while the parent's capture is open
            try:
                with manager.watch(_run(), "child"):
                    print("child line")
            finally:
                os._exit(0)
        assert _child_status(pid) == 0
    assert _read(manager, "child", OUT) == "child line\n"
    assert _read(manager, "parent", OUT) == "parent line\nchild line\n"  # the child mirrors into it
    assert manager.is_watch_completed("run-1", "child")


def _open_fds(under: object) -> set[str]:
    """The files under ``under`` this process has open (other tests of this process may open or
    close their own files meanwhile: a collected manager closes its index at any moment)."""
    prefix = str(under)
    targets = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # the fd of the listing itself, closed meanwhile
            continue
        if target.startswith(prefix):
            targets.add(target)
    return targets


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to list open fds")
def test_one_index_fd_open_at_a_time_across_many_runs(tmp_path):
    manager = LocalComputeLogManager(str(tmp_path))
    before = _open_fds(tmp_path)
    for number in range(300):
        for key in ("a.compute", "b.compute"):
            with manager.watch(_run(f"run-{number}"), key):
                pass
    assert _open_fds(tmp_path) - before == {str(tmp_path / "run-299" / "compute_logs" / "completed_keys.log")}
    for number in (0, 150, 299):
        index = tmp_path / f"run-{number}" / "compute_logs" / "completed_keys.log"
        assert index.read_text() == "-a.compute\n+a.compute\n-b.compute\n+b.compute\n"
        assert manager.is_watch_completed(f"run-{number}", "b.compute")
    manager.dispose()
    assert _open_fds(tmp_path) == before


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to list open fds")
def test_a_manager_dropped_without_dispose_closes_its_index(tmp_path):
    import gc

    before = _open_fds(tmp_path)
    manager = LocalComputeLogManager(str(tmp_path))
    with manager.watch(_run(), "s"):
        pass
    assert _open_fds(tmp_path) - before == {str(tmp_path / "run-1" / "compute_logs" / "completed_keys.log")}
    del manager
    gc.collect()
    assert _open_fds(tmp_path) == before


def test_marks_of_runs_interleaved_by_threads_land_in_their_own_index(tmp_path):
    manager = LocalComputeLogManager(str(tmp_path))

    def steps(run_id):
        for number in range(200):
            with manager.watch(_run(run_id), f"s{number}"):
                pass

    threads = [threading.Thread(target=steps, args=(run_id,)) for run_id in ("run-a", "run-b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    manager.dispose()
    expected = "".join(f"-s{number}\n+s{number}\n" for number in range(200))
    for run_id in ("run-a", "run-b"):
        assert (tmp_path / run_id / "compute_logs" / "completed_keys.log").read_text() == expected


def test_forked_child_marks_through_the_inherited_index_and_leaves_the_parents_alone(tmp_path):
    manager = LocalComputeLogManager(str(tmp_path))
    with manager.watch(_run("run-1"), "a"):  # the parent now holds run-1's index open
        pass
    pid = os.fork()
    if pid == 0:
        try:
            with manager.watch(_run("run-1"), "b"):
                print("child in run-1")
            with manager.watch(_run("run-2"), "c"):  # closes the child's copy of run-1's index
                print("child in run-2")
        finally:
            os._exit(0)
    assert _child_status(pid) == 0
    with manager.watch(_run("run-1"), "d"):
        print("parent again")
    manager.dispose()
    index = tmp_path / "run-1" / "compute_logs" / "completed_keys.log"
    assert index.read_text() == "-a\n+a\n-b\n+b\n-d\n+d\n"
    assert (tmp_path / "run-2" / "compute_logs" / "completed_keys.log").read_text() == "-c\n+c\n"
    assert _read(manager, "b", OUT) == "child in run-1\n"
    assert _read(manager, "c", OUT, run_id="run-2") == "child in run-2\n"
    assert _read(manager, "d", OUT) == "parent again\n"


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to list open fds")
def test_programs_started_by_a_step_do_not_inherit_the_index(tmp_path):
    manager = LocalComputeLogManager(str(tmp_path))
    listing = textwrap.dedent(
        """
        import os
        for fd in os.listdir("/proc/self/fd"):
            if os.path.exists(f"/proc/self/fd/{fd}"):  # not the fd of the listing, closed by now
                print(os.readlink(f"/proc/self/fd/{fd}"))
        """
    )
    with manager.watch(_run(), "first"):
        pass
    with manager.watch(_run(), "lister"):  # the index of run-1 is open in this process meanwhile
        subprocess.run([sys.executable, "-c", listing], check=True)
    child_fds = _read(manager, "lister", OUT).splitlines()
    assert str(tmp_path / "run-1" / "compute_logs" / "lister.out") in child_fds  # its stdout
    assert not [target for target in child_fds if target.endswith("completed_keys.log")]


def test_run_directory_deleted_under_the_manager_is_created_again(tmp_path, capfd):
    import shutil

    manager = LocalComputeLogManager(str(tmp_path))
    with manager.watch(_run(), "before"):
        print("first")
    shutil.rmtree(tmp_path / "run-1")
    with manager.watch(_run(), "after"):
        print("second")
    manager.dispose()
    assert capfd.readouterr().err == ""
    assert _read(manager, "after", OUT) == "second\n"
    assert (tmp_path / "run-1" / "compute_logs" / "completed_keys.log").read_text() == "-after\n+after\n"
    assert manager.is_watch_completed("run-1", "after")
    assert not manager.is_watch_completed("run-1", "before")


def test_a_step_that_closes_sys_stdout_does_not_break_the_next_one(tmp_path):
    manager = LocalComputeLogManager(str(tmp_path))
    with manager.watch(_run(), "closer"):
        print("then closed")
        sys.stdout.close()
    with manager.watch(_run(), "next"):
        print("still printed")
    assert _read(manager, "closer", OUT) == "then closed\n"
    assert _read(manager, "next", OUT) == "still printed\n"


def test_a_retry_mirrors_only_its_own_output(tmp_path):
    script = textwrap.dedent(
        f"""
        from dagster.core.storage.local_compute_log_manager import LocalComputeLogManager
        from dagster.core.storage.pipeline_run import PipelineRun
        manager = LocalComputeLogManager({str(tmp_path)!r})
        for attempt in ("attempt 1", "attempt 2"):
            with manager.watch(PipelineRun(pipeline_name="p", run_id="r"), "s"):
                print(attempt)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout == "attempt 1\nattempt 2\n"
    assert (tmp_path / "r" / "compute_logs" / "s.out").read_text() == "attempt 1\nattempt 2\n"


class _RecordingManager(NoOpComputeLogManager):
    """A manager whose hooks record the order in which ``watch`` calls them."""

    def __init__(self, fail_capture: bool = False):
        super().__init__()
        self.calls: list[str] = []
        self.fail_capture = fail_capture

    def enabled(self, pipeline_run, step_key):
        return step_key != "disabled"

    def on_watch_start(self, pipeline_run, step_key):
        self.calls.append(f"start {step_key}")

    def on_watch_finish(self, pipeline_run, step_key):
        self.calls.append(f"finish {step_key}")

    @contextlib.contextmanager
    def _watch_logs(self, pipeline_run, step_key=None):
        if self.fail_capture:
            raise OSError("no capture")
        self.calls.append("capture on")
        try:
            yield
        finally:
            self.calls.append("capture off")


def test_watch_calls_the_hooks_of_a_manager_in_order():
    manager = _RecordingManager()
    with manager.watch(_run(), "s"):
        manager.calls.append("body")
    with pytest.raises(ValueError, match="step failed"):
        with manager.watch(_run(), "t"):
            raise ValueError("step failed")
    with manager.watch(_run(), "disabled"):
        manager.calls.append("unwatched body")
    assert manager.calls == [
        "start s",
        "capture on",
        "body",
        "capture off",
        "finish s",
        "start t",
        "capture on",
        "capture off",
        "finish t",
        "unwatched body",
    ]
    failing = _RecordingManager(fail_capture=True)
    with pytest.raises(OSError, match="no capture"):
        with failing.watch(_run(), "u"):
            failing.calls.append("never runs")
    assert failing.calls == ["start u", "finish u"]


def test_a_console_in_an_unknown_encoding_is_captured_as_utf8(tmp_path, monkeypatch):
    class OddConsole:  # a stand-in for sys.stdout as some tools install one
        encoding = "no-such-codec"

        def __init__(self):
            self.written = []

        def write(self, text):
            self.written.append(text)

        def flush(self):
            pass

    console = OddConsole()
    monkeypatch.setattr(sys, "stdout", console)
    manager = LocalComputeLogManager(str(tmp_path))
    with manager.watch(_run(), "odd"):
        print("né")
    assert sys.stdout is console
    assert _read(manager, "odd", OUT) == "né\n"


def test_a_capture_that_cannot_start_leaves_the_key_complete_and_the_fds_alone(tmp_path, monkeypatch):
    class BrokenConsole:
        encoding = "utf-8"

        def write(self, text):
            return len(text)

        def flush(self):
            raise RuntimeError("console broke")

    console = BrokenConsole()
    monkeypatch.setattr(sys, "stdout", console)
    manager = LocalComputeLogManager(str(tmp_path))
    stdout_target = os.readlink("/proc/self/fd/1") if os.path.isdir("/proc/self/fd") else None
    with pytest.raises(RuntimeError, match="console broke"):
        with manager.watch(_run(), "s"):
            pass
    assert manager.is_watch_completed("run-1", "s")
    assert sys.stdout is console
    if stdout_target is not None:
        assert os.readlink("/proc/self/fd/1") == stdout_target
