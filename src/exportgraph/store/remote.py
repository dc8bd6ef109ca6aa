"""A remote SPARQL 1.1 store (Oxigraph server, Virtuoso, Fuseki, GraphDB, ...) through SPARQLWrapper.

Everything exportgraph does runs here as SPARQL: queries on the query endpoint, derived facts
(the 50% rule, ECCN classification) and loading as SPARQL Update on the update endpoint, so the
work happens where the data lives. The server must treat its default graph as the union of its
graphs, as the embedded store does (Oxigraph: ``--union-default-graph``; Virtuoso does by default;
Jena TDB2/Fuseki: ``tdb2:unionDefaultGraph``). Where that union leaves out a default graph of the
store's own (Virtuoso, Jena), ``graph`` (``--graph``) names the graph to write into.

Credentials come from the environment: ``EXPORTGRAPH_ENDPOINT_USER`` and
``EXPORTGRAPH_ENDPOINT_PASSWORD`` (HTTP basic or digest, ``EXPORTGRAPH_ENDPOINT_AUTH=digest``).
Results come back as SPARQL JSON (or N-Triples) and are read with pyoxigraph's parsers, so values
cross the seam exactly as from the embedded store.
"""

from __future__ import annotations

import re
from typing import BinaryIO
from urllib.error import HTTPError, URLError

import pyoxigraph as ox

from .. import settings
from ..errors import ExportGraphError, InputError
from ..prefixes import PREFIXES
from .embedded import Bindings, Row, parse_rdf, to_python, with_values

CHUNK = 1_000  # triples per INSERT DATA request (Virtuoso 7 compiles at most 10,000 lines of SQL per request)
GENID = "https://w3id.org/exportgraph/.well-known/genid/"


class RemoteError(ExportGraphError):
    """The remote endpoint could not be reached or answered with an error."""


def _prologue() -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


class RemoteStore:
    """A SPARQL 1.1 endpoint (and optionally its update endpoint) as an exportgraph ``Store``."""

    def __init__(
        self, endpoint: str, update_endpoint: str | None = None, *, graph: str | None = None, timeout: float = 300
    ) -> None:
        """``graph``: write what belongs in the default graph into this named graph instead, for
        stores whose default graph is the union of the named ones and not writable (Virtuoso)."""
        if not endpoint.startswith(("http://", "https://")):
            raise InputError(f"--endpoint {endpoint!r} is not an http(s) URL")
        if graph is not None and not _IRI.fullmatch(graph):
            raise InputError(f"--graph {graph!r} is not an absolute IRI")
        self.endpoint, self.update_endpoint, self.timeout = endpoint, update_endpoint, timeout
        self.graph = graph  # checked above, so it can stand between <> in an update
        self.writable = bool(update_endpoint)
        self._prologue = _prologue()

    def _wrapper(self, text: str, update: bool = False):
        from SPARQLWrapper import POST, SPARQLWrapper

        if update and not self.update_endpoint:
            raise InputError(
                "this needs to write to the store: give --update-endpoint (the server's SPARQL Update URL)"
            )
        sw = SPARQLWrapper(self.endpoint, updateEndpoint=self.update_endpoint)
        sw.setMethod(POST)
        sw.setTimeout(int(self.timeout))
        credentials = settings.endpoint_credentials()
        if credentials:
            user, password, digest = credentials
            sw.setCredentials(user, password)
            if digest:
                from SPARQLWrapper import DIGEST

                sw.setHTTPAuth(DIGEST)
        # comments go: SPARQLWrapper guesses the operation from keywords, and "#+ returns: [dateAdded]"
        # would read as ADD; then the operation is set, not guessed
        body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        sw.setQuery(self._prologue + body)
        sw.queryType = "INSERT" if update else "SELECT"
        return sw

    def _raw(self, text: str, accept: str) -> bytes:
        sw = self._wrapper(text)
        sw.addCustomHttpHeader("Accept", accept)
        sw.setOnlyConneg(True)
        return self._send(sw)

    def _send(self, sw) -> bytes:
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        try:
            return sw.query().response.read()
        except SPARQLWrapperException as exc:
            message = str(exc)
            if len(message) > 2_000:  # servers echo the whole request; keep the reason, not a megabyte
                message = message[:2_000] + " ..."
            if "syntax" in message.lower() or "QueryBadFormed" in type(exc).__name__:
                raise InputError(f"SPARQL rejected by {self.endpoint}: {message}") from None
            raise RemoteError(f"{self.endpoint}: {message}") from None
        except (HTTPError, URLError, OSError) as exc:
            raise RemoteError(f"cannot reach {self.endpoint}: {exc}") from None

    # -- the Store protocol -------------------------------------------------------------------

    def select(self, sparql: str, bindings: Bindings = None) -> list[Row]:
        data = self._raw(with_values(sparql, bindings), "application/sparql-results+json")
        result = ox.parse_query_results(data, ox.QueryResultsFormat.JSON)
        if not isinstance(result, ox.QuerySolutions):
            raise InputError("expected a SELECT query")
        names = [v.value for v in result.variables]
        return [{n: to_python(sol[n]) for n in names} for sol in result]

    def ask(self, sparql: str, bindings: Bindings = None) -> bool:
        data = self._raw(with_values(sparql, bindings), "application/sparql-results+json")
        result = ox.parse_query_results(data, ox.QueryResultsFormat.JSON)
        if isinstance(result, ox.QuerySolutions):  # Virtuoso 7 answers ASK as a table of one __ASK_RETVAL
            rows = list(result)
            return bool(rows) and str(rows[0][0].value) in ("1", "true")
        return bool(result)

    def construct(self, sparql: str, bindings: Bindings = None) -> bytes:
        data = self._raw(with_values(sparql, bindings), "application/n-triples")
        return ox.serialize(ox.parse(data, ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES) or b""

    def update(self, sparql: str, bindings: Bindings = None) -> None:
        if self.graph:
            sparql = _into_graph(sparql, self.graph)
        self._send(self._wrapper(with_values(sparql, bindings), update=True))

    def load(self, data: bytes, media_type: str, *, name: str = "data", graph: str | None = None) -> None:
        """Parse locally (a file that does not parse sends nothing), then INSERT DATA in chunks.
        Blank nodes become skolem IRIs, so that a chunk boundary cannot split one."""
        quads = parse_rdf(data, media_type, name)

        def term(t):
            return ox.NamedNode(GENID + t.value) if isinstance(t, ox.BlankNode) else t

        lines = [f"{term(q.subject)} {q.predicate} {term(q.object)} ." for q in quads]
        graph = graph or self.graph
        for start in range(0, len(lines), CHUNK):
            body = "\n".join(lines[start : start + CHUNK])
            self.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}" if graph else f"INSERT DATA {{\n{body}\n}}")

    def dump(self, media_type: str = "application/n-triples", *, union: bool = False) -> bytes:
        data = self.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        if media_type == "application/n-triples":
            return data
        fmt = ox.RdfFormat.from_media_type(media_type)
        if fmt is None:
            raise InputError(f"unsupported RDF media type {media_type}")
        return ox.serialize(ox.parse(data, ox.RdfFormat.N_TRIPLES), format=fmt) or b""

    def write_nquads(self, fh: BinaryIO) -> None:
        """Not done here: a server's own export (or ``dump``) gives its quads; the graphs a remote
        store is asked for are the union its default graph shows."""
        raise InputError(
            f"cannot write N-Quads from the remote store {self.endpoint}: "
            "export them with the server's own tools, or use --store DIR"
        )

    def flush(self) -> None:
        """Nothing to do: the server keeps what each update wrote."""

    def persistent(self) -> None:
        """A remote store keeps no import bookkeeping: ``exportgraph import`` needs ``--store DIR``."""
        return None

    def __len__(self) -> int:
        return int(self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"])

    def is_empty(self) -> bool:
        """Holds no exportgraph data: no ontology (a server may hold triples of its own)."""
        return not self.ask('ASK { ?o a owl:Ontology FILTER(STRSTARTS(STR(?o), "https://w3id.org/exportgraph/")) }')


_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]+")
_TEMPLATE = re.compile(r"\b(?:INSERT|DELETE)\s*\{", re.IGNORECASE)  # not INSERT DATA, DELETE DATA, DELETE WHERE


def _into_graph(sparql: str, graph: str) -> str:
    """Every ``INSERT { t }`` and ``DELETE { t }`` template, in every operation of the request, becomes
    ``INSERT { GRAPH <graph> { t } }`` unless it names its graphs: what the derivations add goes where
    the data is, and what they remove is removed from there (a store whose default graph is the
    union of its named graphs does not show, or delete from, a default graph of its own)."""
    out, last = [], 0
    for m in _TEMPLATE.finditer(sparql):
        if m.start() < last:  # within a template moved already
            continue
        depth, end = 1, m.end()
        while depth and end < len(sparql):
            depth += {"{": 1, "}": -1}.get(sparql[end], 0)
            end += 1
        template = sparql[m.end() : end - 1]
        if not re.search(r"\bGRAPH\b", template, re.IGNORECASE):
            out += [sparql[last : m.end()], f" GRAPH <{graph}> {{{template}}} }}"]
            last = end
    return "".join(out) + sparql[last:]
