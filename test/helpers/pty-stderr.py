"""Runs a command with only its stderr on a pseudo-terminal, and relays what reached the terminal.

usage: pty-stderr.py <stdout-file> <command> [args...]
The command's stdout goes to <stdout-file>, its stdin is empty; every byte it wrote to the
terminal (stderr) is written to this script's stdout, and its exit code is this script's. Tests use
it to watch progress bars as a person at a terminal would see them, with the data still piped.
"""
import fcntl
import os
import select
import struct
import subprocess
import sys
import termios

stdout_file, argv = sys.argv[1], sys.argv[2:]
master, slave = os.openpty()
# 120 columns, as a terminal window has: a line longer than that would wrap.
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
with open(stdout_file, "wb") as out:
    child = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=slave)
os.close(slave)
output = b""
while True:
    ready, _, _ = select.select([master], [], [], 0.1)
    if ready:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    elif child.poll() is not None:
        break
sys.stdout.buffer.write(output)
sys.exit(child.wait())
