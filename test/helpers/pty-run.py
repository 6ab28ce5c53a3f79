"""Runs a command with stdin and stdout on a pseudo-terminal of a given width, and stderr on a pipe.

usage: pty-run.py <columns> <command> [args...]
Relays what the terminal showed to stdout (the terminal's CRLF line ends as they are) and the
command's stderr to stderr, kept apart so that a test can count the lines of each; exits with the
command's exit code. Tests use it to see casctl's table as a person at a terminal that wide sees it.
"""
import fcntl
import os
import pty
import select
import struct
import sys
import termios

columns, argv = int(sys.argv[1]), sys.argv[2:]
err_read, err_write = os.pipe()
pid, fd = pty.fork()
if pid == 0:
    # The size is set on the terminal before the command starts, so its first look sees it.
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    os.dup2(err_write, 2)
    os.close(err_read)
    os.close(err_write)
    os.execvp(argv[0], argv)
os.close(err_write)

output, errors, open_fds = b"", b"", {fd, err_read}
while open_fds:
    ready, _, _ = select.select(list(open_fds), [], [], 30)
    if not ready:
        break
    for ready_fd in ready:
        try:
            chunk = os.read(ready_fd, 65536)
        except OSError:  # EIO: the terminal's last reader is gone
            chunk = b""
        if not chunk:
            open_fds.discard(ready_fd)
        elif ready_fd == fd:
            output += chunk
        else:
            errors += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(output)
sys.stderr.buffer.write(errors)
sys.exit(os.waitstatus_to_exitcode(status))
