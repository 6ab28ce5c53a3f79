"""Runs a command on a pseudo-terminal, answers one prompt, and relays the output and exit code.

usage: pty-answer.py <prompt-regex> <answer> <command> [args...]
Tests use it to drive casctl's confirmation prompt as a person at a terminal would.
PTY_BEFORE_ANSWER, a JSON argv, runs (to its end) between the prompt and the answer: another
admin's command in the moment a person hesitates.
"""
import json
import os
import subprocess
import pty
import re
import select
import sys
import time

pattern, answer, argv = re.compile(sys.argv[1].encode()), sys.argv[2], sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)

output = b""
answered = False
deadline = time.time() + 30
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.1)
    if ready:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    if not answered and pattern.search(output):
        if os.environ.get("PTY_BEFORE_ANSWER"):
            subprocess.run(json.loads(os.environ["PTY_BEFORE_ANSWER"]), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.write(fd, answer.encode().decode("unicode_escape").encode())
        answered = True
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(output)
sys.exit(os.waitstatus_to_exitcode(status) if answered else 99)
