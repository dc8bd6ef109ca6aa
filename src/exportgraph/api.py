"""ExportGraph: the one facade that the CLI, the tests and (later) the server go through.

>>> eg = ExportGraph.open()
>>> eg.entity("Inspur Taiwan").listings[0].citations[0].label
'90 FR 14048'
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import exposure as exp
from . import items, lifecycle, paths
from . import routes as rt
from .coverage import Coverage
from .errors import InputError, ParameterError
from .export import View
from .export import graph as graphs
from .model import (
    AffiliatesStatus,
    Entity,
    Exposure,
    Input,
    Item,
    Listing,
    QueryResult,
    Route,
    Screening,
    Verdict,
)
from .parties import Parties
from .queries import NamedQuery, Runner
from .store import EmbeddedStore, Row, Store
from .store.remote import RemoteStore
from .version import __version__

if TYPE_CHECKING:  # check, imports, orders: imported where used (rdflib, shapes; a cold start needs none)
    from . import imports
    from .orders import OrdersInput
    from .screen import Index


def __getattr__(name: str) -> object:
    if name == "RDF_MEDIA_TYPES":  # the file types ``load`` reads, by extension (``orders``)
        from .orders import RDF_MEDIA_TYPES

        return RDF_MEDIA_TYPES
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ExportGraph", "RDF_MEDIA_TYPES"]  # noqa: F822 (RDF_MEDIA_TYPES: from __getattr__)


class ExportGraph:
    """The graph with its queries. ``open()`` loads the ontology, the bundled graph and user data.

    A thin facade: each verb is a module with one noun (``parties``, ``items``, ``check``,
    ``screen``, ``exposure``, ``routes``, ``export``, ``lifecycle``, ``imports``); this class holds
    what they share (the store, its materialised 50% rule, the screening index) and wires them.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.coverage = Coverage(store)
        self.runner = Runner(store, self.coverage.ensure)
        self.parties = Parties(self.runner, self.coverage)
        self._csv_names: dict[str, Path] = {}  # file name -> the file loaded under it

    @classmethod
    def open(
        cls,
        data: Sequence[str | Path] = (),
        *,
        bundled: bool = True,
        endpoint: str | None = None,
        update_endpoint: str | None = None,
        graph: str | None = None,
        store: str | Path | None = None,
        light: bool = False,
    ) -> ExportGraph:
        """Load the ontology and, unless ``bundled=False``, the bundled graph; then ``data`` files.

        ``data`` holds RDF files (by extension) and user CSVs (parties, ownership, listings, supply,
        by header). Derived facts (TPP, subsidiary and ultimate-parent links) are computed last.

        With ``endpoint`` the triples live in a remote SPARQL 1.1 store (``store.remote``): one that
        holds no triples yet gets the ontology and the bundled graph (this needs ``update_endpoint``);
        one that holds them is used as it is. Derived facts are computed on the server. ``graph``
        names the graph to write into where the default graph cannot be written (Virtuoso).

        With ``store`` the triples live on disk in that directory (``--store DIR``): a new one gets
        the ontology and the bundled graph; ``exportgraph import`` adds sources to it (``imports``).
        Otherwise the bundled graph comes from its snapshot (``snapshot``); ``light``: a copy on disk
        that opens in milliseconds, for a session that asks little (a profile, a named query).
        """
        if store is not None:
            if endpoint:
                raise ParameterError("give {store} or {endpoint}, not both", "store", "endpoint")
            if data:
                raise ParameterError(
                    "{data} is not added to a {store} (it would stay there): "
                    "use `exportgraph import KIND FILE --store DIR`",
                    "data",
                    "store",
                )
            disk = EmbeddedStore(str(store))
            persistent = cls(disk)
            lifecycle.open_persistent(disk, persistent.coverage, bundled)
            return persistent
        if endpoint:
            remote = RemoteStore(endpoint, update_endpoint, graph=graph)
            if remote.is_empty():
                if not update_endpoint:
                    raise InputError(
                        f"{endpoint} holds no triples: load the graph with `exportgraph load "
                        "--endpoint URL --update-endpoint URL` first"
                    )
                # the ontology last: it marks the store as loaded, so a load cut short is redone
                lifecycle.load_files(remote, (paths.graph_files() if bundled else []) + paths.ontology_files())
            eg = cls(remote)
        else:
            memory, derived = lifecycle.open_embedded(bundled, light and not data)
            if derived:  # light: a working copy of the snapshot, derived already
                return cls(memory)
            eg = cls(memory)
        eg.load(data)
        return eg

    def load(self, data: Iterable[str | Path]) -> None:
        """Add user data files; each loads whole or not at all. Then recompute derived facts."""
        files = [Path(item) for item in data]
        names = lifecycle.check_data_files(files, self._csv_names)
        for path in files:
            if path.suffix.lower() != ".csv":
                lifecycle.load_rdf(self.store, path)
        csvs = [path for path in files if path.suffix.lower() == ".csv"]
        if csvs:
            from .sources.usercsv import Reader

            reader = Reader(
                self.parties.resolve_name,
                self.parties.country_codes(),
                self.parties.list_names(),
                self.parties.is_record,
            )
            lifecycle.load_csvs(self.store, csvs, reader)
        self._csv_names = names
        self.derive()

    def derive(self) -> None:
        """Run the derivation updates in ``queries/derive/`` in order (idempotent); forget the
        materialised 50% rule and the screening index, which the next use computes again."""
        lifecycle.derive(self.store, self.coverage)
        self.parties.names.reset()

    def import_file(
        self, kind: str, path: str | Path, *, as_of: dt.date | None = None, dry_run: bool = False
    ) -> imports.Summary:
        """Import a source file into the persistent store (``imports``): whole or not at all.
        Returns an ``imports.Summary`` with the entries added, removed and changed. ``dry_run``:
        read, check and compare, write nothing."""
        from . import imports

        summary = imports.run(self, kind, Path(path), as_of=as_of or dt.date.today(), check_only=dry_run)
        if not summary.unchanged and not dry_run:
            lifecycle.after_import(self.store, self.coverage, summary)
            self.parties.names.reset()
        self.store.flush()
        imports.say("done")
        return summary

    def changes(self, list_name: str, since: dt.date, until: dt.date | None = None) -> dict[str, list[Row]]:
        """Entries added to and removed from a list between two dates (both included), with citations."""
        until = until or dt.date.today()
        if until < since:
            raise ParameterError("{until} {u} is before {since} {s}", "until", "since", u=until, s=since)
        lists = self.parties.list_names()
        if list_name not in lists:
            raise ParameterError(
                "{list_name}: unknown {name!r}; expected one of {known}",
                "list_name",
                name=list_name,
                known=", ".join(sorted(lists)),
            )
        args = {"list": list_name, "from": since, "to": until}
        return {"added": self.query("list-additions", **args).rows, "removed": self.query("list-removals", **args).rows}

    def with_scenario(self, path: str | Path) -> ExportGraph:
        """A copy of this graph with a scenario applied (see ``check.scenario_update``)."""
        copy = ExportGraph(lifecycle.scenario_copy(self.store, Path(path)))
        copy.derive()
        return copy

    # -- checking orders ------------------------------------------------------------------------

    def check(self, orders: OrdersInput, *, as_of: dt.date | None = None, engine: str = "store") -> list[Verdict]:
        """Verdicts for orders: a CSV file (``check.COLUMNS``), an RDF file of ``eg:Order``s, or
        rows as dicts with the CSV's keys. Each order is checked as of its date (else ``as_of``,
        else today). ``engine``: ``store`` (default), ``turbo`` or ``pyshacl``; all give the same."""
        day = as_of or dt.date.today()
        from . import check as checking

        return checking.check(self.store, self.coverage, self.queries, orders, day, engine, self.parties.resolve_name)

    def context(self) -> bytes:
        """N-Triples of what the restriction shapes read for the orders loaded for checking
        (``queries/check/context.rq``): what a SHACL engine outside the store is given."""
        from . import check as checking

        return checking.context(self.store)

    # -- named queries -------------------------------------------------------------------------

    @property
    def queries(self) -> Mapping[str, NamedQuery]:
        return self.runner.catalogue

    def query(self, name: str, /, **params: object) -> QueryResult:
        """Run ``queries/<name>.rq`` (or a ``.rq`` file path) with bound parameters.

        ``as_of`` (a date or ``YYYY-MM-DD``) is the date the query answers for, as in every other
        call of the API; it binds the query's ``asOf`` parameter. ``asOf=`` itself still works but
        is deprecated (a ``DeprecationWarning``). Other parameters go by the names the query declares.
        """
        if "asOf" in params:
            if "as_of" in params:
                raise InputError("give as_of (asOf is its deprecated spelling), not both")
            warnings.warn("query(..., asOf=...) is deprecated: use as_of=", DeprecationWarning, stacklevel=2)
        elif "as_of" in params:
            params["asOf"] = params.pop("as_of")
        return self.runner.run(name, params)

    def run_query(self, name: str, params: Mapping[str, object] | None = None) -> QueryResult:
        """``query`` with the parameters by the names the query declares (``asOf``, not ``as_of``),
        as ``--param NAME=VALUE`` and the HTTP API give them: no renaming, no warning."""
        return self.runner.run(name, params)

    def hygiene(self) -> list[str]:
        """Every error string of every ``queries/hygiene/*.rq``; empty means the data is clean."""
        return self.runner.hygiene()

    # -- parties and items ----------------------------------------------------------------------

    def resolve(self, name_or_iri: str) -> str:
        """The IRI of the party with this IRI, name or alias; else the one whose names contain it."""
        return self.parties.resolve(name_or_iri)

    def entity(self, name_or_iri: str, as_of: dt.date | None = None) -> Entity:
        """The profile of one party: names, countries, listings, owners and subsidiaries as of a date."""
        return self.parties.entity(name_or_iri, as_of or dt.date.today())

    def listings(self, parties: Iterable[str], as_of: dt.date) -> dict[str, tuple[Listing, ...]]:
        """The list entries of each party (``queries/party-listings.rq``), in one query for all."""
        return self.parties.listings(parties, as_of)

    def affiliates(self, parties: Iterable[str], as_of: dt.date) -> dict[str, AffiliatesStatus]:
        """Where each party stands under the Affiliates (50%) rule on the date."""
        return self.parties.affiliates(parties, as_of)

    def item(self, name_or_iri: str) -> Item:
        """An item (chip) by IRI or name, matched forgivingly, with the derivation of its ECCN."""
        return items.item(self.runner, name_or_iri, self.parties.resolve_name)

    # -- exposure -------------------------------------------------------------------------------

    def exposure(self, name_or_iri: str, as_of: dt.date | None = None) -> Exposure:
        """One organisation's exposure on a date: its listings; its owners up the chain and the
        ultimate parent with its headquarters; its subsidiaries down the chain; where it stands
        under the 50% rule and the stakes that add up; and, apart from that legal test, the
        integrated (multiplied-through) ownership held in it by listed parties (see ``exposure``)."""
        return exp.of(self.parties, self.runner, name_or_iri, as_of or dt.date.today())

    # -- exports ---------------------------------------------------------------------------------

    def graph_view(
        self,
        focus: str | None = None,
        *,
        depth: int = 2,
        as_of: dt.date | None = None,
        include: str | Sequence[str] | None = None,
    ) -> View:
        """The property-graph view that every export renders (``export.View``): the whole graph, or
        the neighbourhood of ``focus`` (a name, alias or IRI) ``depth`` ownership levels up and down.
        ``include``: some of ``export.INCLUDE`` (comma-separated or a list; default all)."""
        return graphs.view_of(self.runner, self.parties, focus, depth, as_of or dt.date.today(), include)

    def export(
        self,
        fmt: str,
        out: str | Path | None = None,
        *,
        focus: str | None = None,
        depth: int = 2,
        as_of: dt.date | None = None,
        include: str | Sequence[str] | None = None,
    ) -> list[Path]:
        """Write the view (see ``graph_view``) as ``fmt`` (``export.FORMATS``) into ``out``: a file,
        a directory for neo4j, or standard output for the text formats. Returns the paths written."""
        return graphs.export(self.runner, self.parties, fmt, out, focus, depth, as_of or dt.date.today(), include)

    def view(
        self, name_or_iri: str, out: str | Path, *, depth: int = 2, as_of: dt.date | None = None, fmt: str = "html"
    ) -> Path:
        """A picture of one organisation's ownership neighbourhood: ``html`` (interactive, one
        self-contained file), ``svg`` or ``png`` (Graphviz). Returns the path written."""
        return graphs.picture(self.runner, self.parties, name_or_iri, out, depth, as_of or dt.date.today(), fmt)

    # -- routes ---------------------------------------------------------------------------------

    def routes(
        self,
        *,
        to: str | None = None,
        destination: str | None = None,
        via: str | None = None,
        as_of: dt.date | None = None,
        orders: str | Path | list[dict[str, str]] | None = None,
        max_hops: int | None = None,
    ) -> list[Route]:
        """Routes through intermediaries (supply relations and orders in the graph, plus ``orders``:
        a CSV or list of dicts as for ``check``) that reach a listed or covered party or a restricted
        destination, or the party ``to``, or a party in ``destination``; ``via`` keeps those passing
        through that country. Ranked by risk, best first (see ``routes``)."""
        as_of = as_of or dt.date.today()
        codes = self.parties.country_codes()
        for opt, code in (("destination", destination), ("via", via)):
            if code is not None and code.upper() not in codes:
                raise ParameterError(
                    "{" + opt + "}: unknown country code {code!r} (expected ISO 3166 alpha-2)", opt, code=code
                )
        target = self.resolve(to) if to else None
        from . import check as checking

        with checking.loaded(self.store, orders, as_of, self.parties.resolve_name):
            rows = self.query("routes/steps", as_of=as_of).rows
        return rt.rank(
            self.runner,
            self.parties,
            rows,
            as_of,
            to=target,
            destination=destination and destination.upper(),
            via=via and via.upper(),
            max_hops=max_hops or rt.MAX_HOPS,
        )

    # -- screening ------------------------------------------------------------------------------

    def screen_index(self) -> Index:
        """The screening index of every name and alias (built on first use, reset by ``derive``)."""
        return self.parties.names.get()

    def screen(
        self,
        names: str | Path | Iterable[str | dict[str, str] | Input],
        *,
        threshold: int | None = None,
        as_of: dt.date | None = None,
        limit: int = 10,
    ) -> list[Screening]:
        """Screen names against every name and alias in the graph (see ``screen``): a names CSV,
        one name, or a list of names, dicts (``name``, ``country``, ``id``) or ``screen.Input``.
        Each match carries the party's list entries and where it stands under the 50% rule on
        ``as_of`` (default today)."""
        from .screen.run import screen  # the Chinese dictionaries load in 0.2 s: only when screening

        return screen(self.parties, names, threshold=threshold, as_of=as_of, limit=limit)

    # -- the graph as a whole -------------------------------------------------------------------

    def info(self) -> dict[str, int | str]:
        row = self.query("info-counts").rows[0]
        counts: dict[str, int | str] = {k: int(v) for k, v in row.items() if v is not None}
        counts["triples"] = len(self.store)
        counts["version"] = __version__
        return counts

    def currency(self) -> dict[str, list[dict[str, object]]]:
        """How current the graph is: per list, its entries and the newest day one was added or
        removed (``queries/info-currency-lists.rq``); per restriction and per issuing body, the
        newest rule or guidance with its date and citation (``queries/info-currency-rules.rq``)."""

        def plain(row: Row) -> dict[str, object]:
            return {k: (None if v in (None, "") else v if isinstance(v, int) else str(v)) for k, v in row.items()}

        return {
            "lists": [plain(r) for r in self.query("info-currency-lists").rows],
            "rules": [plain(r) for r in self.query("info-currency-rules").rows],
        }

    def validate(self, engine: str = "turbo") -> object:
        """Check the loaded graph against the SHACL shapes in ``shapes/``."""
        from .validate import as_rdflib, validate  # pyshacl loads slowly: only when validating

        return validate(as_rdflib(self.store.dump()), engine=engine)
