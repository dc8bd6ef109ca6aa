"""``exportgraph serve``: a SPARQL 1.1 endpoint, the named queries and the main jobs over HTTP.

How it is put together:

- The graph (ontology, bundled graph, ``--data``, derived facts) is opened once, dumped as N-Quads
  and bulk-loaded into an Oxigraph database directory (``--store DIR`` keeps it; a directory that
  already holds a database is served as it is).
- ``/sparql`` is answered by a small pool of Oxigraph servers (``oxigraph serve-read-only``, pip
  ``oxigraph``) on private loopback ports, over that directory. They do the SPARQL 1.1 Protocol:
  content negotiation, 406, service description. This front end forwards each query to the least
  busy one. A query still running at ``--timeout`` is *stopped*: its Oxigraph process is killed
  (Oxigraph's own timeout does not interrupt an aggregate over a cartesian product) and replaced;
  the other queries it was serving are sent again to another process (queries do not change
  anything, so that is safe) and the client gets 503 with a message. Results larger than
  ``--max-bytes`` are refused (413).
- SPARQL Update is refused (403) unless the server is started with ``--allow-update`` and a
  ``--token``; then one read-write Oxigraph process serves, and an update needs
  ``Authorization: Bearer TOKEN``.
- ``/queries``, ``/queries/{name}``, ``/check``, ``/screen`` and ``/exposure`` run on the
  ``ExportGraph`` in this process and return the CLI's JSON. They answer on the facts ``/sparql``
  serves: once an update has landed (or when a kept database was served as it was found), the next
  job first copies the database into memory (``App.jobs_graph``); no facts are derived again.
- ``/`` is a query page; ``/openapi.json`` describes the jobs and the named queries; ``/store`` is the
  read-only SPARQL 1.1 Graph Store Protocol (``GET /store?default``, ``GET /store?graph=IRI``).

What is refused, so that no client can make the server reach elsewhere, run without end or fall
over (the README's "Limits" lists the defaults):

- ``SERVICE`` anywhere in a query and ``LOAD`` in an update: 400, unless ``--allow-service`` names
  the endpoint (``guard.py`` reads the text with a SPARQL parser).
- A job runs under the job time limit and stops at its next checkpoint after it (503); orders and
  names per request are capped (413, the cap in the message); jobs do not wait for one another,
  except two ``/check`` runs, which share the graph of orders, and for a copy of the database being taken.
- The request head and body must arrive within their deadlines; one ``Content-Length`` of ASCII
  digits; at most ``--max-connections`` connections at once (503 beyond); JSON nested too deeply
  or of the wrong types is a 400 naming the item and field.
- The Oxigraph processes get SIGKILL when the server goes, however it goes (the parent-death signal),
  and a temporary database a killed server left behind is removed at the next start.

``make_server(...)`` builds it (the CLI and the tests share it); ``serve_forever()`` runs it.

The package, by concern: ``procs`` (child processes: spawning with the parent-death signal, stale
databases, the Oxigraph binary), ``pool`` (the Oxigraph processes behind ``/sparql``), ``app`` (the
state and ``make_app``), ``handler`` (the HTTP server, the watchdog, the request handler),
``routes`` (the table of method and path to route), ``sparql`` and ``jobs`` (the routes),
``bodies`` (the jobs' request bodies and caps), ``messages`` (request, response, and the status an
error carries) and ``openapi``; the query page, the service description and the static part of the
OpenAPI description are files beside them (``app/``: the web app; ``service.ttl``, ``openapi.json``).
"""

from __future__ import annotations

from .app import (
    BODY_TIMEOUT,
    DEFAULT_JOB_TIMEOUT,
    DEFAULT_MAX_BYTES,
    DEFAULT_TIMEOUT,
    HEAD_TIMEOUT,
    MAX_CONNECTIONS,
    MAX_NAMES,
    MAX_ORDERS,
    App,
    build_store,
    is_exportgraph_store,
    make_app,
)
from .bodies import MAX_JSON_DEPTH, TooMany
from .handler import MAX_BODY, MAX_LENGTH_DIGITS, Handler, Server, Watchdog, make_server
from .openapi import openapi
from .pool import BACKEND_START, Backend, Pool
from .procs import OWNER_FILE, STORE_PREFIX, free_port, oxigraph_binary, remove_stale_stores, spawn
from .sparql import FORWARD_HEADERS

__all__ = [
    "BACKEND_START",
    "BODY_TIMEOUT",
    "DEFAULT_JOB_TIMEOUT",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "FORWARD_HEADERS",
    "HEAD_TIMEOUT",
    "MAX_BODY",
    "MAX_CONNECTIONS",
    "MAX_JSON_DEPTH",
    "MAX_LENGTH_DIGITS",
    "MAX_NAMES",
    "MAX_ORDERS",
    "OWNER_FILE",
    "STORE_PREFIX",
    "App",
    "Backend",
    "Handler",
    "Pool",
    "Server",
    "TooMany",
    "Watchdog",
    "build_store",
    "free_port",
    "is_exportgraph_store",
    "make_app",
    "make_server",
    "openapi",
    "oxigraph_binary",
    "remove_stale_stores",
    "spawn",
]
