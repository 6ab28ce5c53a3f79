"""A real bash completion in a real readline (a pseudo-terminal), recorded.

usage: readline-complete.py <output file> <setup command> <typed line>
Starts an interactive bash without start-up files, runs the setup command (which sources the
completion script), types the line and TAB, then Ctrl-X, bound to append `<buffer>` and the line
as TAB left it to the output file. Readline handles keys in order, so the completion has run
(its helper included) before Ctrl-X is read. Gives up after 20 seconds.
"""
import os
import pty
import select
import shlex
import sys
import time

out, setup, line = sys.argv[1], sys.argv[2], sys.argv[3]
pid, fd = pty.fork()
if pid == 0:
    os.execvp("bash", ["bash", "--norc", "--noprofile", "-i"])

dump = "bind -x '\"\\C-x\": printf \"<buffer>%%s\\n\" \"$READLINE_LINE\" >> %s'" % shlex.quote(out)
os.write(fd, (setup + "\n" + dump + "\n").encode())
os.write(fd, (line + "\t\x18").encode())
deadline = time.time() + 20
while time.time() < deadline:
    # Drain the terminal so bash never blocks writing to it.
    ready, _, _ = select.select([fd], [], [], 0.1)
    if ready:
        try:
            os.read(fd, 65536)
        except OSError:
            break
    if os.path.exists(out) and "<buffer>" in open(out, encoding="utf-8").read():
        break
os.kill(pid, 9)
os.waitpid(pid, 0)
