"""http_server.py ROOT PORTFILE LOGFILE [LIFETIME]: serves the files of ROOT
over HTTP on 127.0.0.1, on a free port (written to PORTFILE once it
listens), for LIFETIME seconds at most (default 120), logging every request
to LOGFILE as "GET /mode/NAME RANGE". The first part of the path says how
to misbehave:

  /ok/NAME       the file (a Range request gets 206 and the rest)
  /403/NAME      403 Forbidden; /404/NAME, /500/NAME likewise
  /drop/NAME     a request without Range gets half the body, then the
                 connection is closed; with Range it completes (a resume)
  /dropall/NAME  every request is cut half-way through what it asked
  /norange/NAME  Range is ignored: always 200 with the whole file
  /html/NAME     200 with an HTML error page
  /swap/NAME     the other split's file under this name (train <-> t10k)
  /slow/NAME     10 bytes every 0.2 s

For the tests of fmnist download: no internet is needed, nothing is
reached but this process."""
import http.server
import os
import sys
import threading
import time

ROOT, PORTFILE, LOGFILE = sys.argv[1:4]
LIFETIME = float(sys.argv[4]) if len(sys.argv) > 4 else 120.0
log_lock = threading.Lock()


def parse_range(header, size):
    """The first byte asked for by 'bytes=N-' (or 'bytes=N-M'), or None."""
    if not header or not header.startswith("bytes="):
        return None
    first = header[len("bytes="):].split("-", 1)[0]
    return int(first) if first.isdigit() else None


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):  # quiet: the log file says it all
        pass

    def do_GET(self):
        rng = self.headers.get("Range")
        with log_lock, open(LOGFILE, "a") as log:
            log.write("GET %s %s\n" % (self.path, rng or "-"))
        parts = self.path.strip("/").split("/", 1)
        if len(parts) != 2:
            return self.send_error(404)
        mode, name = parts
        if mode in ("403", "404", "500"):
            return self.send_error(int(mode))
        if mode == "html":
            body = b"<!DOCTYPE html><html><body><h1>Service Unavailable</h1></body></html>\n"
            return self.reply(200, body, 0, len(body), "text/html")
        if mode == "swap":
            name = name.replace("train", "@").replace("t10k", "train").replace("@", "t10k")
        path = os.path.join(ROOT, os.path.basename(name))
        if not os.path.isfile(path):
            return self.send_error(404)
        data = open(path, "rb").read()
        start = parse_range(rng, len(data))
        if mode == "norange" or start is None:
            start = None
        if start is not None and start >= len(data):
            self.send_response(416)
            self.send_header("Content-Range", "bytes */%d" % len(data))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        first = start or 0
        cut = None
        if mode == "drop" and start is None:
            cut = len(data) // 2
        if mode == "dropall":
            cut = first + (len(data) - first) // 2
        self.reply(206 if start is not None else 200, data, first, len(data),
                   "application/octet-stream", cut, mode == "slow")

    def reply(self, code, data, first, end, ctype, cut=None, slow=False):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(end - first))
        if code == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (first, end - 1, end))
        self.send_header("Connection", "close")
        self.end_headers()
        stop = cut if cut is not None else end
        try:
            if slow:
                for at in range(first, stop, 10):
                    self.wfile.write(data[at:min(at + 10, stop)])
                    self.wfile.flush()
                    time.sleep(0.2)
            else:
                self.wfile.write(data[first:stop])
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return
        if cut is not None:  # a connection dropped half-way
            self.close_connection = True
            self.connection.shutdown(2)


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(PORTFILE + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(PORTFILE + ".tmp", PORTFILE)
    threading.Timer(LIFETIME, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
