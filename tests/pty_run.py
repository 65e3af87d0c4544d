"""pty_run.py [NAME=VALUE]... -- CMD...: runs CMD with its standard output
on a pseudo-terminal (NAME= removes NAME from the environment), prints
what CMD wrote there and exits with CMD's status: for the tests of what
fmnist draws on a terminal."""
import os, pty, sys, subprocess
i = sys.argv.index('--')
env = dict(os.environ)
for kv in sys.argv[1:i]:
    k, v = kv.split('=', 1)
    if v == '':
        env.pop(k, None)
    else:
        env[k] = v
m, s = pty.openpty()
p = subprocess.Popen(sys.argv[i+1:], stdout=s, stderr=subprocess.PIPE, env=env)
os.close(s)
out = b''
while True:
    try:
        d = os.read(m, 65536)
    except OSError:
        break
    if not d:
        break
    out += d
p.wait()
sys.stdout.buffer.write(out)
sys.exit(p.returncode)
