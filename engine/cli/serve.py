"""``obligations exercise serve EXERCISE [--db FILE.sqlite] [--host 127.0.0.1] [--port 8364]``.

Starts the exercise server and prints two lines: the controller's URL (``http://HOST:PORT/controller?token=
TOKEN``) and the trainees' join URL. The socket is bound before anything is printed, so a port in use is bad
input (exit 2) and ``--port 0`` takes a free port and prints it. The database defaults to a file beside the
exercise; started again on the same file, the server resumes at the same move with every trainee, token and
answer. It listens on 127.0.0.1 unless ``--host`` names another address (e.g. the laptop's address on the
room's network, so that trainees can reach it).
"""

from __future__ import annotations

import argparse
import socket
import sys
from typing import Any

from ..errors import InputError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8364
EXIT_INTERRUPTED = 130  # stopped by Ctrl-C (SIGINT), as shells report it
GRACE_SECONDS = 5  # on Ctrl-C, how long requests under way may take to finish
LISTEN_BACKLOG = 256  # connections waiting to be accepted: a room of trainees joining at once


def add_command(sub: Any) -> None:
    """Register ``serve`` under the ``exercise`` command's subparsers."""
    serve = sub.add_parser("serve", help="serve the exercise to a controller and trainees in their browsers")
    serve.add_argument("exercise")
    serve.add_argument("--db", help="the SQLite file keeping the run (default: beside the exercise, .sqlite)")
    serve.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default: {DEFAULT_HOST})")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT,
                       help=f"port to listen on (default: {DEFAULT_PORT}; 0: any free port)")


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (bad input if it cannot be had)."""
    if not 0 <= port <= 65535:
        raise InputError(f"port {port} is not between 0 and 65535", path="--port")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise InputError(f"cannot listen on {host!r}: {exc}", path="--host") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(LISTEN_BACKLOG)
    except OSError as exc:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}", path="--port") from None
    sock.set_inheritable(True)
    return sock


def serve(engine: Any, args: argparse.Namespace) -> int:
    """Bind, open the exercise and its database, print the two URLs, then serve until stopped (Ctrl-C: 130,
    SIGTERM: ends as that signal, 143; requests under way are given :data:`GRACE_SECONDS` to finish)."""
    import uvicorn

    from ..exercise.server.app import create_app, open_session

    sock = listen(args.host, args.port)
    try:
        session = open_session(engine, args.exercise, args.db)
        try:
            port = sock.getsockname()[1]
            base = f"http://{_url_host(args.host)}:{port}"
            # printed now, not with the command's output at its end: the server runs until it is stopped
            sys.stdout.write(f"{base}/controller?token={session.store.controller_token}\n{base}/join\n")
            sys.stdout.flush()
            config = uvicorn.Config(create_app(session), log_level="warning", access_log=False, lifespan="off",
                                    timeout_graceful_shutdown=GRACE_SECONDS)
            try:
                uvicorn.Server(config).run(sockets=[sock])
            except KeyboardInterrupt:  # uvicorn stops cleanly, then passes Ctrl-C on
                return EXIT_INTERRUPTED
        finally:
            session.store.close()
    finally:
        sock.close()
    return 0
