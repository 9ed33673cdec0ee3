"""moto's server (DynamoDB, S3 and the rest in one process), one request at a time.

moto's own `moto_server` runs each request on a thread, and its DynamoDB then loses updates under concurrency
(a conditional `SET n = n + :one` from 32 threads: 960 successes, final n 959). genapi's budgets and single-flight
leases need each item updated atomically, so here connections are read on threads but moto's app runs under
one lock. Connections are kept alive (werkzeug's development server closes each one), and each request's
body is read whole before the app sees it. Prints `ready <port>` once listening; exits when its standard
input closes (its parent is gone).

Usage: python3 moto_serial.py [--host 127.0.0.1] [--port 0] [--check]
"""
import argparse
import io
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

NEEDS = 'genapi needs Python 3.9+ with moto[server] 5.x: pip install "moto[server]>=5,<6"'


def load_moto():
    """moto's WSGI app (every service at one address), or one clear line and exit code 3."""
    try:
        if sys.version_info < (3, 9):
            raise ImportError("Python " + sys.version.split()[0])
        import moto
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
        if not moto.__version__.startswith("5."):
            raise ImportError("moto " + moto.__version__)
    except ImportError as missing:
        print(NEEDS + " (found: " + str(missing) + ")", flush=True)
        sys.exit(3)

    class Dispatcher(DomainDispatcherApplication):
        """moto's dispatcher, remembering which backend serves a host: it matches every pattern per request."""

        def __init__(self):
            super().__init__(create_backend_app)
            self.backends_by_host = {}

        def get_backend_for_host(self, host):
            if host not in self.backends_by_host:
                self.backends_by_host[host] = super().get_backend_for_host(host)
            return self.backends_by_host[host]

    return moto.__version__, Dispatcher()


def handler_for(app, lock, port):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: the SDKs reuse their connections
        wbufsize = 64 * 1024  # headers and body leave in one write (flushed after each request) ...
        disable_nagle_algorithm = True  # ... and at once: no 40 ms delayed-ACK stall

        def handle_one_request(self):
            try:
                super().handle_one_request()
            except ConnectionError:
                self.close_connection = True

        def __getattr__(self, name):
            if name.startswith("do_"):
                return self.serve
            raise AttributeError(name)

        def body(self):
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def serve(self):
            body = self.body()
            path, _, query = self.path.partition("?")
            environ = {
                "REQUEST_METHOD": self.command, "SCRIPT_NAME": "", "PATH_INFO": unquote(path, "latin-1"),
                "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1", "SERVER_PORT": str(port),
                "SERVER_PROTOCOL": self.request_version, "REMOTE_ADDR": self.client_address[0],
                "CONTENT_LENGTH": str(len(body)), "wsgi.version": (1, 0), "wsgi.url_scheme": "http",
                "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "wsgi.multithread": True,
                "wsgi.multiprocess": False, "wsgi.run_once": False,
            }
            for name, value in self.headers.items():
                key = name.upper().replace("-", "_")
                if key == "CONTENT_TYPE":
                    environ["CONTENT_TYPE"] = value
                elif key not in ("CONTENT_LENGTH", "TRANSFER_ENCODING"):
                    environ["HTTP_" + key] = value
            started = {}

            def start_response(status, headers, exc_info=None):
                started["status"], started["headers"] = status, headers

            with lock:  # the whole answer inside the lock: moto's backends are not thread-safe
                result = app(environ, start_response)
                try:
                    answer = b"".join(result)
                finally:
                    if hasattr(result, "close"):
                        result.close()
            code, _, reason = started["status"].partition(" ")
            self.send_response(int(code), reason)
            for name, value in started["headers"]:
                if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                    self.send_header(name, value)
            bodiless = self.command == "HEAD" or int(code) in (204, 304) or int(code) < 200
            self.send_header("Content-Length", str(len(answer)) if not bodiless or self.command == "HEAD" else "0")
            self.end_headers()
            if not bodiless:
                self.wfile.write(answer)

        def log_request(self, code="-", size="-"):
            pass  # one line per request is noise; errors are still logged

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--check", action="store_true", help="only check that moto can be imported")
    args = parser.parse_args()
    version, app = load_moto()
    if args.check:
        print("moto " + version + " on Python " + sys.version.split()[0], flush=True)
        return

    lock = threading.Lock()
    server = ThreadingHTTPServer((args.host, args.port), None)
    server.daemon_threads = True
    server.RequestHandlerClass = handler_for(app, lock, server.server_port)
    os.environ.setdefault("MOTO_PORT", str(server.server_port))

    def exit_with_parent():
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=exit_with_parent, daemon=True).start()
    print("ready " + str(server.server_port), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
