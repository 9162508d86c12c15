#!/usr/bin/env python3
"""Certifies the Glassbox Jupyter kernel from the outside, as Jupyter's own tools see it.

    kernel_suite.py suite GLASSBOX
        jupyter_kernel_test's protocol suite (kernel_info, execute, stdout/stderr, errors,
        display data, completion, inspect, is_complete, history), then this kernel's own
        checks: interrupt in message and signal mode, bad and unsigned messages, rich output,
        silent execution, shutdown.

    kernel_suite.py notebooks GLASSBOX CWD OUT NOTEBOOK.ipynb...
        Executes each notebook with nbclient on the glassbox kernel (working directory CWD)
        and writes the executed copy to OUT/ under the same name.

GLASSBOX is the binary; its kernelspec is installed in a temporary prefix (`glassbox kernel
install --prefix`), which JUPYTER_PATH points to, so nothing outside it is touched.
Exit status 0 when everything passed.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

GLASSBOX = ""


def install_kernelspec(glassbox: str) -> tempfile.TemporaryDirectory:
    prefix = tempfile.TemporaryDirectory(prefix="glassbox-kernelspec-")
    subprocess.run([glassbox, "kernel", "install", "--prefix", prefix.name], check=True, stdout=subprocess.DEVNULL)
    os.environ["JUPYTER_PATH"] = os.path.join(prefix.name, "share", "jupyter")
    return prefix


# MARK: - jupyter_kernel_test


def protocol_suite() -> type:
    import jupyter_kernel_test

    class GlassboxProtocolTests(jupyter_kernel_test.KernelTests):
        kernel_name = "glassbox"
        language_name = "glassbox"
        file_extension = ".gbx"

        code_hello_world = 'print("hello, world")'
        # A problem with a :command is reported on stderr, as at the prompt.
        code_stderr = ":nosuchcommand"
        code_generate_error = "[1, 2] @ [[1, 2, 3]]"
        code_execute_result = [
            {"code": "1 + 2", "result": "3"},
            {"code": "sum([1, 2, 3])", "result": "6"},
            {"code": "mean([2, 4]) * 10", "result": "30"},
        ]
        # A value before the last is shown as display_data; plot sends a picture.
        code_display_data = [
            {"code": "plot([1, 4, 9])\n1", "mime": "image/svg+xml"},
            {"code": "heatmap([[0, 1], [2, 3]])\n1", "mime": "text/plain"},
        ]
        code_history_pattern = "1 +*"
        supported_history_operations = ("tail", "range", "search")
        code_inspect_sample = "softmax"
        completion_samples = [
            {"text": "softm", "matches": {"softmax"}},
            {"text": "log_s", "matches": {"log_softmax"}},
            {"text": "zeros(3).sh", "matches": {"shape"}},
        ]
        complete_code_samples = ["1 + 1", "x = [1, 2]", "f(x) = x ^ 2", ":vars", "?softmax"]
        incomplete_code_samples = ["f(x) = {", "[1, 2,", "for i in 1...3 {", "1 +"]
        invalid_code_samples = ["1 + )", "x = ]"]

    return GlassboxProtocolTests


# MARK: - This kernel's own checks


class GlassboxKernelTests(unittest.TestCase):
    """Interrupts, robustness and rich output, on one kernel (a fresh one where a test ends it)."""

    @classmethod
    def setUpClass(cls) -> None:
        from jupyter_client.manager import start_new_kernel

        cls.km, cls.kc = start_new_kernel(kernel_name="glassbox")

    @classmethod
    def tearDownClass(cls) -> None:
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)

    def run_cell(self, code: str, timeout: float = 20, **kwargs):
        """Executes `code`; returns the reply content and the iopub messages it caused."""
        messages = []
        reply = self.kc.execute_interactive(code, output_hook=messages.append, timeout=timeout, **kwargs)
        return reply["content"], messages

    def value_text(self, code: str) -> str:
        reply, messages = self.run_cell(code)
        self.assertEqual(reply["status"], "ok", reply)
        results = [m for m in messages if m["msg_type"] == "execute_result"]
        self.assertEqual(len(results), 1, messages)
        return results[0]["content"]["data"]["text/plain"]

    def interrupt_long_loop(self, interrupt) -> None:
        self.run_cell("a = 5\nb = 0")
        msg_id = self.kc.execute("for i in 1...100000000 { b = i }")
        time.sleep(0.5)
        started = time.monotonic()
        interrupt()
        reply = self.kc.get_shell_msg(timeout=10)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertLess(time.monotonic() - started, 5, "the loop stopped soon after the interrupt")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "KeyboardInterrupt")
        # Every variable stays, as after Ctrl-C in the REPL; the loop got partway.
        self.assertEqual(self.value_text("a"), "5")
        self.assertGreater(float(self.value_text("b")), 0)
        self.assertEqual(self.value_text("a + 1"), "6", "the kernel runs cells after an interrupt")

    def test_interrupt_message_mode(self) -> None:
        # The kernelspec says interrupt_mode "message": interrupt_request on the control channel.
        self.assertEqual(self.km.kernel_spec.interrupt_mode, "message")
        self.interrupt_long_loop(self.km.interrupt_kernel)

    def test_interrupt_signal_mode(self) -> None:
        self.interrupt_long_loop(lambda: self.km.signal_kernel(signal.SIGINT))

    def test_interrupt_while_idle_does_not_stop_the_next_cell(self) -> None:
        self.km.interrupt_kernel()
        time.sleep(0.2)
        self.assertEqual(self.value_text("2 * 21"), "42")
        # More SIGINTs at an idle kernel than the REPL's escape allows (it exits after five
        # unanswered ones) are forgotten, not counted.
        for _ in range(7):
            self.km.signal_kernel(signal.SIGINT)
            time.sleep(0.1)
        self.assertTrue(self.km.is_alive())
        self.assertEqual(self.value_text("2 * 22"), "44")

    def test_bad_and_unsigned_messages_are_dropped(self) -> None:
        import zmq

        info = self.km.get_connection_info()
        socket = zmq.Context.instance().socket(zmq.DEALER)
        socket.connect(f"{info['transport']}://{info['ip']}:{info['shell_port']}")
        header = b'{"msg_id": "x", "msg_type": "execute_request", "session": "s", "username": "u", "date": "", "version": "5.3"}'
        socket.send_multipart([b"<IDS|MSG>", b"", header, b"{}", b"{}", b'{"code": "quit_here = 1"}'])   # unsigned
        socket.send_multipart([b"<IDS|MSG>", b"0" * 64, header, b"{}", b"{}", b'{"code": "quit_here = 1"}'])   # forged
        socket.send_multipart([b"garbage"])
        socket.send_multipart([b"<IDS|MSG>", b"", b"\xff\xfe", b"{", b"}", b"[]"])
        time.sleep(0.3)
        self.assertFalse(socket.poll(200), "no reply to a dropped message")
        socket.close(linger=0)
        self.assertTrue(self.km.is_alive())
        reply, _ = self.run_cell("quit_here")
        self.assertEqual(reply["status"], "error", "the unsigned cell never ran")
        self.assertEqual(self.value_text("1 + 1"), "2")

    def test_heartbeat_echoes_even_while_a_cell_runs(self) -> None:
        import zmq

        info = self.km.get_connection_info()
        socket = zmq.Context.instance().socket(zmq.REQ)
        socket.connect(f"{info['transport']}://{info['ip']}:{info['hb_port']}")
        msg_id = self.kc.execute("for i in 1...100000000 { spin = i }")
        time.sleep(0.3)
        socket.send(b"ping \x00\xff")
        self.assertTrue(socket.poll(2000), "the heartbeat answered while the shell thread was busy")
        self.assertEqual(socket.recv(), b"ping \x00\xff")
        socket.close(linger=0)
        self.km.interrupt_kernel()
        reply = self.kc.get_shell_msg(timeout=10)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)

    def test_rich_output(self) -> None:
        _, messages = self.run_cell("plot(linspace(0, 1, 20) ^ 2)")
        data = [m for m in messages if m["msg_type"] == "execute_result"][0]["content"]["data"]
        self.assertTrue(data["image/svg+xml"].startswith("<svg"), data.keys())
        self.assertIn("polyline", data["image/svg+xml"])
        self.assertIn("┌", data["text/plain"], "text/plain is the REPL's braille chart")
        _, messages = self.run_cell("heatmap([[0, 1], [2, 3]])")
        svg = [m for m in messages if m["msg_type"] == "execute_result"][0]["content"]["data"]["image/svg+xml"]
        self.assertEqual(svg.count("<rect"), 1 + 4, "a background and four cells")
        _, messages = self.run_cell("x = param([1.0, -2.0])\nexplain sum(tanh(x))")
        data = [m for m in messages if m["msg_type"] == "execute_result"][0]["content"]["data"]
        self.assertIn("tanh", data["text/markdown"])
        self.assertIn("explain", data["text/plain"])
        self.assertIsInstance(data["application/json"], dict)

    def test_counts_outputs_and_streams(self) -> None:
        reply, messages = self.run_cell('x = 2\nprint("x is", x)\nx * 3')
        n = reply["execution_count"]
        kinds = [m["msg_type"] for m in messages]
        self.assertEqual(kinds, ["status", "execute_input", "stream", "execute_result", "status"])
        self.assertEqual(messages[2]["content"], {"name": "stdout", "text": "x is 2\n"})
        self.assertEqual(messages[3]["content"]["execution_count"], n)
        reply, _ = self.run_cell("_ + 1")
        self.assertEqual(reply["execution_count"], n + 1)
        self.assertEqual(self.value_text(f"Out[{n}]"), "6")

    def test_error_traceback_is_the_caret_diagnostic(self) -> None:
        reply, messages = self.run_cell("zeroes(3)")
        self.assertEqual(reply["status"], "error")
        self.assertEqual(reply["ename"], "UnknownNameError")
        self.assertIn("did you mean `zeros`", reply["evalue"])
        errors = [m for m in messages if m["msg_type"] == "error"]
        self.assertEqual(len(errors), 1)
        plain = [line.replace("\x1b[31m", "").replace("\x1b[1;31m", "").replace("\x1b[0m", "") for line in errors[0]["content"]["traceback"]]
        self.assertIn("  zeroes(3)", plain)
        self.assertIn("  ^~~~~~", plain)

    def test_silent_execution_shows_and_counts_nothing(self) -> None:
        before, _ = self.run_cell("1")
        reply, messages = self.run_cell("y_silent = 7\ny_silent", silent=True)
        self.assertEqual([m["msg_type"] for m in messages], ["status", "status"])
        after, _ = self.run_cell("y_silent")
        self.assertEqual(after["execution_count"], before["execution_count"] + 1)

    def test_cells_queued_behind_an_error_are_aborted(self) -> None:
        # As JupyterLab's Run All: every cell sent at once; the failure stops the rest. The first
        # cell runs long enough (a loop of some tens of milliseconds) for the others to be queued
        # behind it before the failure, as a notebook's cells are.
        codes = ["for i in 1...500000 { before_error = i }", "nope_nope", "after_error = 1", "after_error = 2"]
        ids = [self.kc.execute(code) for code in codes]
        statuses = {}
        while len(statuses) < len(ids):
            reply = self.kc.get_shell_msg(timeout=10)
            statuses[reply["parent_header"]["msg_id"]] = reply["content"]["status"]
        self.assertEqual([statuses[i] for i in ids], ["ok", "error", "aborted", "aborted"])
        reply, _ = self.run_cell("after_error")
        self.assertEqual(reply["status"], "error", "the aborted cells never ran")
        reply, _ = self.run_cell("nope_again", stop_on_error=False)
        self.assertEqual(self.value_text("before_error"), "500000")

    def test_is_complete_indents_per_open_brace(self) -> None:
        self.kc.is_complete("f(x) = {\n    a = [1,")
        reply = self.kc.get_shell_msg(timeout=5)["content"]
        self.assertEqual(reply, {"status": "incomplete", "indent": "        "})

    def test_commands_and_help_run_as_at_the_prompt(self) -> None:
        reply, messages = self.run_cell(":precision 2")
        self.assertEqual(reply["status"], "ok")
        self.assertEqual(self.value_text("1 / 3"), "0.33")
        self.run_cell(":precision 4")
        _, messages = self.run_cell("?relu")
        text = "".join(m["content"]["text"] for m in messages if m["msg_type"] == "stream")
        self.assertIn("relu(x)", text)

    def test_comm_info_and_kernel_info_on_control(self) -> None:
        self.kc.comm_info()
        self.assertEqual(self.kc.get_shell_msg(timeout=5)["content"], {"status": "ok", "comms": {}})
        msg = self.kc.session.msg("kernel_info_request", {})
        self.kc.control_channel.send(msg)
        reply = self.kc.control_channel.get_msg(timeout=5)
        self.assertEqual(reply["content"]["language_info"]["file_extension"], ".gbx")
        self.assertEqual(reply["content"]["protocol_version"], "5.3")


class ShutdownTests(unittest.TestCase):
    def test_shutdown_request_ends_the_process(self) -> None:
        from jupyter_client.manager import start_new_kernel

        km, kc = start_new_kernel(kernel_name="glassbox")
        kc.shutdown()
        reply = kc.get_control_msg(timeout=5) if hasattr(kc, "get_control_msg") else kc.control_channel.get_msg(timeout=5)
        self.assertEqual(reply["content"]["status"], "ok")
        deadline = time.monotonic() + 5
        while km.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertFalse(km.is_alive(), "the kernel exited after shutdown_request")
        kc.stop_channels()
        km.cleanup_resources()


# MARK: - nbclient


def run_notebooks(cwd: str, out: str, paths: list[str]) -> int:
    import nbformat
    from nbclient import NotebookClient

    failures = 0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        started = time.monotonic()
        try:
            NotebookClient(nb, kernel_name="glassbox", timeout=120, resources={"metadata": {"path": cwd}}).execute()
        except Exception as error:   # a failing cell: report it, go on with the next notebook
            failures += 1
            print(f"{os.path.basename(path)}: {type(error).__name__}: {error}", file=sys.stderr)
        nbformat.write(nb, os.path.join(out, os.path.basename(path)))
        print(f"{os.path.basename(path)}: ran in {time.monotonic() - started:.1f} s")
    return 1 if failures else 0


def main() -> int:
    global GLASSBOX
    if len(sys.argv) < 3 or sys.argv[1] not in ("suite", "notebooks"):
        print(__doc__, file=sys.stderr)
        return 2
    GLASSBOX = os.path.abspath(sys.argv[2])
    prefix = install_kernelspec(GLASSBOX)
    try:
        if sys.argv[1] == "notebooks":
            return run_notebooks(sys.argv[3], sys.argv[4], sys.argv[5:])
        loader = unittest.TestLoader()
        suite = unittest.TestSuite()
        for case in (protocol_suite(), GlassboxKernelTests, ShutdownTests):
            suite.addTests(loader.loadTestsFromTestCase(case))
        result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
        return 0 if result.wasSuccessful() else 1
    finally:
        prefix.cleanup()


if __name__ == "__main__":
    sys.exit(main())
