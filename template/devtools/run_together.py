"""Run several commands side by side, their output prefixed by name, until Ctrl-C or until
one of them stops (then the others are stopped too): what `make dev` uses to run the
server, the job worker and the mail catcher in one terminal.

    python -m devtools.run_together NAME='command' [NAME='command' ...]
"""

import os
import signal
import subprocess
import sys
import threading
from typing import IO

STOP_SECONDS = 20  # what each command gets to finish after SIGTERM
NAME_WIDTH = 8  # the column of command names before each line


def relay(name: str, stream: IO[str], lock: threading.Lock) -> None:
    for line in stream:
        with lock:
            sys.stdout.write(f"{name:<{NAME_WIDTH}}| {line}")
            sys.stdout.flush()


def stop(processes: dict[str, subprocess.Popen[str]]) -> None:
    for process in processes.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for name, process in processes.items():
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            print(f"{name} ignored SIGTERM for {STOP_SECONDS} s: killed", file=sys.stderr)
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def main(arguments: list[str]) -> int:
    commands = dict(argument.split("=", 1) for argument in arguments if "=" in argument)
    if not commands or len(commands) != len(arguments):
        print(__doc__, file=sys.stderr)
        return 2
    lock = threading.Lock()
    finished = threading.Event()
    processes: dict[str, subprocess.Popen[str]] = {}
    watchers: list[threading.Thread] = []
    for name, command in commands.items():
        process = subprocess.Popen(  # noqa: S602  (the developer's own Makefile commands)
            command,
            shell=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own group: stopped with all its children
        )
        processes[name] = process
        assert process.stdout is not None

        def watch(name: str = name, process: subprocess.Popen[str] = process) -> None:
            assert process.stdout is not None
            relay(name, process.stdout, lock)
            process.wait()
            with lock:
                print(f"{name:<{NAME_WIDTH}}| exited {process.returncode}")
            finished.set()

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        watchers.append(watcher)
    # Ctrl-C reaches this process twice (from the terminal, to the whole process group,
    # and again from `uv run`, which forwards it): a handler that only sets `finished`
    # lets neither interrupt stop(), which would leave the commands running.
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, lambda *_: finished.set())
    # With a timeout: Python runs signal handlers in this thread only, and the kernel
    # may deliver the signal to a watcher thread, which would not wake a plain wait.
    while not finished.wait(timeout=0.2):
        pass
    stop(processes)
    for watcher in watchers:  # each stopped command's last lines and exit status
        watcher.join(timeout=5)
    codes = [process.returncode for process in processes.values()]
    return next((code for code in codes if code not in {0, -signal.SIGTERM, 143}), 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
