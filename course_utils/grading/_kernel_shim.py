"""Stand-in for a kernel process: ``python -I -S _kernel_shim.py SOCKET OPTIONS_JSON -- KERNEL_CMD...``.

Standard library only, run without ``site`` so it starts in a few milliseconds. It asks the warm kernel
server (:mod:`course_utils.grading.kernel_server`) on SOCKET to fork a kernel with this process's
command, working directory, environment and standard streams, then stays in the kernel's place for
jupyter_client: signals it receives (interrupt, terminate) go to the kernel's process group, and it exits
with the kernel's exit code. If it is killed, the server sees the connection close and kills the kernel.
"""

import json
import os
import signal
import socket
import sys


def _read_line(conn, buffer=b""):
    while b"\n" not in buffer:
        chunk = conn.recv(4096)
        if not chunk:
            return None, b""
        buffer += chunk
    line, rest = buffer.split(b"\n", 1)
    return json.loads(line), rest


def main(argv):
    server, options, dashdash, *cmd = argv
    if dashdash != "--" or not cmd:
        sys.exit("usage: _kernel_shim.py SOCKET OPTIONS_JSON -- KERNEL_CMD...")
    for fd in (0, 1, 2):  # the kernel gets these three: make sure they exist
        try:
            os.fstat(fd)
        except OSError:
            os.open(os.devnull, os.O_RDWR)  # takes the lowest free descriptor, i.e. this one
    request = dict(json.loads(options), argv=cmd, cwd=os.getcwd(), env=dict(os.environ))
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(server)
    except OSError as error:
        sys.exit(f"course-grade: the kernel server at {server} is unavailable ({error}); the kernel did not start")
    socket.send_fds(conn, [json.dumps(request).encode() + b"\n"], [0, 1, 2])
    started, rest = _read_line(conn)
    if not started or "pid" not in started:
        sys.exit(f"kernel server did not start the kernel: {started}")
    pid = started["pid"]

    def forward(signum, frame):
        try:
            os.killpg(pid, signum)
        except OSError:
            pass

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(signum, forward)
    finished, _ = _read_line(conn, rest)
    code = finished.get("exit", 1) if finished else 1
    sys.exit(code if code >= 0 else 128 - code)


if __name__ == "__main__":
    main(sys.argv[1:])
