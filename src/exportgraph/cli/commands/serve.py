"""`serve`: the SPARQL endpoint, the named queries and the jobs over HTTP."""

from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType
from typing import TextIO

from ... import settings
from ...errors import InputError
from ..common import EXIT_OK
from ..options import Parents, Verbs


def add_parsers(sub: Verbs, parents: Parents) -> None:
    v = sub.add_parser(
        "serve",
        parents=[parents.common],
        help="a SPARQL 1.1 endpoint at /sparql, the named queries "
        "and the jobs (check, screen, exposure) over HTTP, with a query page at /",
    )
    v.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    v.add_argument("--port", type=int, default=7878)
    v.add_argument("--workers", type=int, default=2, help="SPARQL engine processes (default 2)")
    v.add_argument("--timeout", type=float, default=5.0, help="seconds a SPARQL query may run (default 5)")
    v.add_argument("--max-bytes", type=int, default=50_000_000, help="largest SPARQL result sent (default 50 MB)")
    v.add_argument("--allow-update", action="store_true", help="accept SPARQL Update (needs --token)")
    v.add_argument(
        "--token", default=settings.token(), help="the bearer token updates must carry (default: EXPORTGRAPH_TOKEN)"
    )
    v.add_argument(
        "--job-timeout",
        type=float,
        default=180.0,
        help="seconds a job (/check, /screen, /exposure, /queries/NAME) may run (default 180: "
        "10,000 orders take about 100 s on two cores)",
    )
    v.add_argument("--max-orders", type=int, default=10_000, help="orders per POST /check (default 10,000)")
    v.add_argument("--max-names", type=int, default=100_000, help="names per POST /screen (default 100,000)")
    v.add_argument(
        "--max-connections", type=int, default=64, help="connections served at once; more get 503 (default 64)"
    )
    v.add_argument(
        "--allow-service",
        action="append",
        default=[],
        metavar="ENDPOINT",
        help="a SPARQL endpoint that queries may name in SERVICE (repeatable; default: none, SERVICE is refused)",
    )
    v.add_argument(
        "--cors",
        metavar="ORIGIN",
        default=None,
        help="allow cross-origin requests from this origin (scheme://host[:port], or *; default: off)",
    )


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the server the way Ctrl-C does, engines included


def cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    from ...server import make_app, make_server  # deferred: the server's modules, only for this verb

    if args.endpoint:
        raise InputError("serve runs its own store; --endpoint is for the other verbs")
    app = make_app(
        args.data,
        store_dir=args.store,
        workers=args.workers,
        timeout=args.timeout,
        max_bytes=args.max_bytes,
        allow_update=args.allow_update,
        token=args.token,
        job_timeout=args.job_timeout,
        max_orders=args.max_orders,
        max_names=args.max_names,
        max_connections=args.max_connections,
        allow_service=args.allow_service,
        cors=args.cors,
    )
    try:
        server = make_server(app, args.host, args.port)
    except OSError as exc:
        app.close()
        raise InputError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}") from None
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"exportgraph: warning: listening on {args.host}, reachable from other machines", file=sys.stderr)
    print(
        f"exportgraph: serving http://{args.host}:{server.server_port}/ (SPARQL at /sparql); Ctrl-C stops",
        file=sys.stderr,
    )
    signal.signal(signal.SIGTERM, _stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        app.close()
    return EXIT_OK


VERBS = {"serve": cmd_serve}
