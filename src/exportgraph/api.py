"""ExportGraph: the one facade that the CLI, the tests and (later) the server go through.

>>> eg = ExportGraph.open()
>>> eg.entity("Inspur Taiwan").listings[0].citations[0].label
'90 FR 14048'
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from . import check as checking
from . import orders as order_input
from . import paths, restrictions
from .check import Verdict, prefer_names
from .errors import AmbiguousError, InputError, NotFoundError
from .limits import checkpoint
from .model import (
    AffiliatesStatus,
    Citation,
    Criterion,
    Entity,
    Item,
    Listing,
    Match,
    Member,
    QueryResult,
    Screening,
    Stake,
)
from .numeric import check_rdf
from .orders import ORDERS_GRAPH
from .queries import NamedQuery, catalogue, parse
from .queries import load as load_query
from .sources.usercsv import Reader
from .store import EmbeddedStore, Row, Store, Value
from .store.embedded import IRI

RDF_MEDIA_TYPES = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".nq": "application/n-quads",
    ".jsonld": "application/ld+json",
    ".json": "application/ld+json",
    ".rdf": "application/rdf+xml",
    ".owl": "application/rdf+xml",
    ".xml": "application/rdf+xml",
    ".trig": "application/trig",
}


class ExportGraph:
    """The graph with its queries. ``open()`` loads the ontology, the bundled graph and user data."""

    def __init__(self, store: Store) -> None:
        from .coverage import Coverage

        self.store = store
        self._queries: dict[str, NamedQuery] | None = None
        self._screen_index = None
        self._csv_names: dict[str, Path] = {}  # file name -> the file loaded under it
        self.coverage = Coverage(store)

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
        """
        if store is not None:
            if endpoint:
                raise InputError("give --store or --endpoint, not both")
            if data:
                raise InputError(
                    "--data is not added to a --store (it would stay there): "
                    "use `exportgraph import KIND FILE --store DIR`"
                )
            persistent = cls(EmbeddedStore(str(store)))
            persistent._open_persistent(bundled)
            return persistent
        if endpoint:
            from .store.remote import RemoteStore

            remote = RemoteStore(endpoint, update_endpoint, graph=graph)
            eg = cls(remote)
            if remote.is_empty():
                if not update_endpoint:
                    raise InputError(
                        f"{endpoint} holds no triples: load the graph with `exportgraph load "
                        "--endpoint URL --update-endpoint URL` first"
                    )
                # the ontology last: it marks the store as loaded, so a load cut short is redone
                eg._load_files((paths.graph_files() if bundled else []) + paths.ontology_files())
            eg.load(data)
            return eg
        eg = cls(EmbeddedStore())
        eg._load_files(paths.ontology_files() + (paths.graph_files() if bundled else []))
        eg.load(data)
        return eg

    def _open_persistent(self, bundled: bool) -> None:
        """First open: the ontology and the bundled graph (the Entity List as the first generation
        of its source graph, which imports replace), derived facts, then the marks that say so.
        Later opens: remove what a killed import left, and derive again if an import was cut
        short after its commit."""
        from . import imports

        store = self.store
        assert isinstance(store, EmbeddedStore)  # open() made it one, with a directory
        imports.apply_pending(store)
        imports.drop_unnamed(store)
        if not imports.marked(store, imports.INITIALISED):
            store.update("DROP SILENT ALL")  # a first open cut short starts again
            for path in paths.ontology_files():
                store.load(path.read_bytes(), "text/turtle", name=str(path))
            for path in paths.graph_files() if bundled else []:  # the Entity List is what imports replace
                key = "entity-list" if path == paths.GENERATED / "entity-list.ttl" else "bundled-" + path.stem
                imports.register(store, key, path.read_bytes(), str(path))
            imports.mark(store, imports.INITIALISED)
        if not imports.marked(store, imports.DERIVED):
            self.derive()
            imports.mark(store, imports.DERIVED)
        self.coverage.reset()  # the 50% rule is recomputed for this session's dates
        store.flush()

    def import_file(self, kind: str, path: str | Path, *, as_of: dt.date | None = None, dry_run: bool = False):
        """Import a source file into the persistent store (``imports``): whole or not at all.
        Returns an ``imports.Summary`` with the entries added, removed and changed. ``dry_run``:
        read, check and compare, write nothing."""
        from . import imports

        summary = imports.run(self, kind, Path(path), as_of=as_of or dt.date.today(), check_only=dry_run)
        if not summary.unchanged and not dry_run:
            imports.say("deriving facts")
            self.derive()
            imports.mark(self.store, imports.DERIVED)
            imports.say("looking for records that may be listed parties")
            imports.propose(self.store, summary)
        if isinstance(self.store, EmbeddedStore):  # imports.run checked it is on disk
            self.store.flush()
        imports.say("done")
        return summary

    def changes(self, list_name: str, since: dt.date, until: dt.date | None = None) -> dict[str, list[Row]]:
        """Entries added to and removed from a list between two dates (both included), with citations."""
        until = until or dt.date.today()
        if until < since:
            raise InputError(f"--until {until} is before --since {since}")
        lists = {
            str(r["name"])
            for r in self.store.select("SELECT ?name WHERE { ?l a eg:RestrictionList ; eg:shortName ?name }")
        }
        if list_name not in lists:
            raise InputError(f"--list: unknown {list_name!r}; expected one of {', '.join(sorted(lists))}")
        args = {"list": list_name, "from": since, "to": until}
        return {"added": self.query("list-additions", **args).rows, "removed": self.query("list-removals", **args).rows}

    def _load_files(self, files: Sequence[Path]) -> None:
        for path in files:
            self.store.load(path.read_bytes(), "text/turtle", name=str(path))

    def load(self, data: Iterable[str | Path]) -> None:
        """Add user data files; each loads whole or not at all. Then recompute derived facts."""
        paths_ = [Path(item) for item in data]
        names = dict(self._csv_names)
        for path in paths_:
            if not path.is_file():
                raise InputError("no such file", source=str(path))
            # a CSV's rows are named after its file name: two different files of one name would merge
            if path.suffix.lower() == ".csv":
                other = names.setdefault(path.name, path.resolve())
                if other != path.resolve():
                    raise InputError(
                        f"another data file has the same name ({other}); rename one of them", source=str(path)
                    )
        csvs: list[Path] = []
        for path in paths_:
            if path.suffix.lower() == ".csv":
                csvs.append(path)
                continue
            media = RDF_MEDIA_TYPES.get(path.suffix.lower())
            if media is None:
                raise InputError(
                    f"unknown file type {path.suffix!r}; expected .csv or one of " + ", ".join(sorted(RDF_MEDIA_TYPES)),
                    source=str(path),
                )
            content = path.read_bytes()
            check_rdf(content, media, str(path))  # a NaN or infinite number is refused before anything loads
            self.store.load(content, media, name=str(path))
        if csvs:
            self._load_csvs(csvs)
        self._csv_names = names
        self.derive()

    def _load_csvs(self, csvs: list[Path]) -> None:
        from rdflib import Graph

        from .sources.usercsv import kind_of

        order = {"parties": 0, "ownership": 1, "listings": 2, "supply": 3, "judgements": 4}
        csvs.sort(key=lambda p: order[kind_of(p)])
        codes = self._country_codes()
        lists = {
            str(r["name"])
            for r in self.store.select("SELECT ?name WHERE { ?l a eg:RestrictionList ; eg:shortName ?name }")
        }
        reader = Reader(self._resolve_org, codes, lists, self._is_record)
        for path in csvs:
            g = Graph()
            for t in reader.read(path):
                g.add(t)
            self.store.load(g.serialize(format="nt", encoding="utf-8"), "application/n-triples", name=str(path))

    def _is_record(self, iri: str) -> bool:
        """Whether a party record has this IRI: a party, or a record merged into its cluster's party."""
        return self.store.ask(
            "ASK { { ?p a/rdfs:subClassOf* eg:Party } UNION { ?p eg:mergedInto ?c } }", {"p": IRI(iri)}
        )

    def _country_codes(self) -> set[str]:
        return {str(r["code"]) for r in self.store.select("SELECT ?code WHERE { ?c a eg:Country ; eg:alpha2 ?code }")}

    @contextmanager
    def _orders(self, orders, default_day: dt.date):
        """Orders loaded into their own graph for the duration (``None``: none); yields
        (order IRI, order id, day) per order. The graph is dropped afterwards, whatever happens."""
        self.store.update(f"DROP SILENT GRAPH <{ORDERS_GRAPH}>")
        try:
            yield [] if orders is None else self._load_orders(orders, default_day)
        finally:
            self.store.update(f"DROP SILENT GRAPH <{ORDERS_GRAPH}>")

    def derive(self) -> None:
        """Run the derivation updates in ``queries/derive/`` in order (idempotent); forget the
        materialised 50% rule, which the next check recomputes for the new data. A remote store
        opened without an update endpoint is read-only: its facts were derived when it was loaded."""
        if not getattr(self.store, "writable", True):
            return
        for path in sorted((paths.QUERIES / "derive").glob("*.ru")):
            self.store.update(path.read_text(encoding="utf-8"))
        self.coverage.reset()
        self._screen_index = None

    # -- checking orders ------------------------------------------------------------------------

    def check(
        self, orders: str | Path | list[dict[str, str]], *, as_of: dt.date | None = None, engine: str = "store"
    ) -> list[Verdict]:
        """Verdicts for orders: a CSV file (``check.COLUMNS``), an RDF file of ``eg:Order``s, or
        rows as dicts with the CSV's keys. Each order is checked as of its date (else ``as_of``,
        else today). ``engine``: ``store`` (default), ``turbo`` or ``pyshacl``; all give the same."""
        if engine not in restrictions.ENGINES:
            raise InputError(f"unknown engine {engine!r}; expected one of {', '.join(restrictions.ENGINES)}")
        with self._orders(orders, as_of or dt.date.today()) as listed:
            checkpoint()  # the server's time limit is checked between the stages (and the shapes)
            self._prepare(listed)
            checkpoint()
            if engine == "store":
                results = restrictions.run_store(self.store)
            else:
                results = restrictions.run_shacl(self.context(), engine)
            checkpoint()
            return checking.details(self.store, self.queries, listed, checking.verdicts(listed, results))

    def _prepare(self, listed: list[tuple[str, str, dt.date]]) -> None:
        """What the shapes read besides the orders: the derive steps of ``queries/check/`` (each
        order's item classified with the criteria of its date, its parties in their roles, the rules
        in force on its date), and the 50% rule and ultimate parents of the periods the orders' dates
        fall in."""
        for name in checking.PREPARE:
            self.store.update(load_query(name).text)
        self.coverage.ensure({day for _, _, day in listed})

    def context(self) -> bytes:
        """N-Triples of what the restriction shapes read for the orders loaded for checking
        (``queries/check/context.rq``): what a SHACL engine outside the store is given."""
        return self.store.construct(load_query("check/context").text)

    def _load_orders(self, orders, default_day: dt.date) -> list[tuple[str, str, dt.date]]:
        return order_input.load(self.store, orders, default_day, self._resolve_org)

    def _load_rdf_orders(self, path: Path, default_day: dt.date) -> list[tuple[str, str, dt.date]]:
        return order_input.load_rdf(self.store, path, default_day)

    def with_scenario(self, path: str | Path) -> ExportGraph:
        """A copy of this graph with a scenario applied (see ``check.scenario_update``)."""
        from .check import scenario_update

        if Path(path).suffix.lower() != ".ru" and Path(path).is_file():  # a Turtle scenario's numbers
            check_rdf(Path(path).read_bytes(), "text/turtle", str(path))
        update = scenario_update(Path(path))
        copy = ExportGraph(EmbeddedStore())
        copy.store.load(self.store.dump(), "application/n-triples", name="base")
        try:
            copy.store.update(update)
        except InputError as exc:
            raise InputError(str(exc), source=str(path)) from None
        copy.derive()
        return copy

    # -- named queries -------------------------------------------------------------------------

    @property
    def queries(self) -> dict[str, NamedQuery]:
        if self._queries is None:
            self._queries = catalogue()
        return self._queries

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
        return self.run_query(name, params)

    def run_query(self, name: str, params: Mapping[str, object] | None = None) -> QueryResult:
        """``query`` with the parameters by the names the query declares (``asOf``, not ``as_of``),
        as ``--param NAME=VALUE`` and the HTTP API give them: no renaming, no warning."""
        params = dict(params or {})
        if name.endswith(".rq"):
            q = parse(Path(name), strict=False)
        elif name in self.queries:
            q = self.queries[name]
        else:
            raise InputError(f"no query named {name!r}; known: " + ", ".join(sorted(self.queries)))
        bindings = q.bind(params)
        if "coverage" in q.needs:
            self.coverage.ensure([bindings["asOf"]])  # type: ignore[list-item]
        rows = self.store.select(q.text, bindings)
        columns = q.returns or tuple(rows[0]) if rows else q.returns
        return QueryResult(tuple(columns), rows)

    def hygiene(self) -> list[str]:
        """Every error string of every ``queries/hygiene/*.rq``; empty means the data is clean."""
        return [
            str(r["error"])
            for name, q in sorted(self.queries.items())
            if name.startswith("hygiene/")
            for r in self.store.select(q.text)
        ]

    # -- parties --------------------------------------------------------------------------------

    def _resolve_org(self, name: str) -> str | None:
        """The party with this name or alias: as written if one has it (index lookups; a party
        spelled the same in upper, lower or title case makes the name ambiguous), else ignoring case
        (a scan of every name). A party whose name it is outranks parties that have it as an alias,
        unless only those are listed (``check.prefer_names``)."""
        rows = self.query("find-party-exact", query=name).rows
        if rows:
            for variant in {name.upper(), name.lower(), name.title()} - {name}:
                rows += self.query("find-party-exact", query=variant).rows
        else:
            rows = self.query("find-party", query=name).rows
        rows = prefer_names(rows)
        parties = {str(r["party"]) for r in rows}
        if len(parties) > 1:
            raise AmbiguousError(name, sorted((str(r["party"]), str(r["name"])) for r in rows))
        return next(iter(parties), None)

    def resolve(self, name_or_iri: str) -> str:
        """The IRI of the party with this IRI, name or alias; else the one whose names contain it."""
        if name_or_iri.startswith(("http://", "https://")):
            merged = self.store.select("SELECT ?c WHERE { ?m eg:mergedInto ?c }", {"m": IRI(name_or_iri)})
            if merged:  # a record merged into its cluster's party is that party
                return str(merged[0]["c"])
            if self.store.ask("ASK { ?p a/rdfs:subClassOf* eg:Party }", {"p": IRI(name_or_iri)}):
                return name_or_iri
            raise NotFoundError(f"no party with IRI <{name_or_iri}>")
        found = self._resolve_org(name_or_iri)
        if found:
            return found
        rows = self.query("search-party", query=name_or_iri).rows
        parties = sorted({(str(r["party"]), str(r["name"])) for r in rows})
        if len(parties) == 1:
            return parties[0][0]
        if parties:
            raise AmbiguousError(name_or_iri, parties)
        near = self.screen_index().nearest(name_or_iri)  # the names that come nearest, to suggest
        raise NotFoundError(
            f"no party named {name_or_iri!r}" + (f"; did you mean {', '.join(map(repr, near))}?" if near else "")
        )

    def entity(self, name_or_iri: str, as_of: dt.date | None = None) -> Entity:
        """The profile of one party: names, countries, listings, owners and subsidiaries as of a date."""
        as_of = as_of or dt.date.today()
        iri = self.resolve(name_or_iri)
        facts: dict[str, list[Row]] = {}
        for r in self.query("party-facts", party=IRI(iri)).rows:
            facts.setdefault(str(r["fact"]), []).append(r)

        def values(fact: str) -> tuple[str, ...]:
            return tuple(dict.fromkeys(str(r["label"] or r["value"]) for r in facts.get(fact, [])))

        names = values("name")
        parent = facts.get("ultimateParent", [])
        return Entity(
            iri=iri,
            name=names[0] if names else iri,
            kinds=tuple(sorted({str(r["value"]).rsplit("#", 1)[-1] for r in facts.get("type", [])})),
            aliases=tuple(a for a in values("alias") if a not in names),
            native_names=values("nativeName"),
            countries=values("country"),
            incorporated_in=values("incorporatedIn"),
            headquartered_in=values("headquarteredIn"),
            identifiers={k: v for k in ("lei", "uscc", "website") for v in values(k)[:1]},
            addresses=values("address"),
            ultimate_parent=str(parent[0]["label"] or parent[0]["value"]) if parent else None,
            listings=self._listings(iri, as_of),
            owners=self._stakes("party-owners", "owner", iri, as_of),
            subsidiaries=self._stakes("party-subsidiaries", "owned", iri, as_of),
            as_of=as_of,
            ultimate_parent_iri=str(parent[0]["value"]) if parent else None,
            members=self._members(iri),
        )

    def _members(self, iri: str) -> tuple[Member, ...]:
        by_member: dict[str, list[Row]] = {}
        for r in self.query("party-members", party=IRI(iri)).rows:
            by_member.setdefault(str(r["member"]), []).append(r)
        return tuple(
            Member(
                iri=m,
                name=rs[0]["memberName"] and str(rs[0]["memberName"]),
                judgements=tuple(dict.fromkeys(str(r["judgement"]) for r in rs if r["judgement"])),
                sources=tuple(
                    dict.fromkeys((str(r["source"]), str(r["sourceLabel"] or r["source"])) for r in rs if r["source"])
                ),
                notes=tuple(dict.fromkeys(str(r["note"]) for r in rs if r["note"])),
            )
            for m, rs in by_member.items()
        )

    def _listings(self, iri: str, as_of: dt.date) -> tuple[Listing, ...]:
        return self.listings([iri], as_of).get(iri, ())

    def listings(self, parties: Iterable[str], as_of: dt.date) -> dict[str, tuple[Listing, ...]]:
        """The list entries of each party (``queries/party-listings.rq``), in one query for all."""
        rows: list[dict[str, Value]] = [{"party": IRI(p), "asOf": as_of} for p in dict.fromkeys(parties)]
        if not rows:
            return {}
        grouped: dict[str, dict[str, list[Row]]] = {}
        for r in self.store.select(self.queries["party-listings"].text, rows):
            grouped.setdefault(str(r["party"]), {}).setdefault(str(r["entry"]), []).append(r)
        return {
            party: tuple(
                sorted(
                    (_listing(entry, rs) for entry, rs in entries.items()),
                    key=lambda x: (x.list, x.date_added or dt.date.min, x.entry),
                )
            )
            for party, entries in grouped.items()
        }

    def _stakes(self, query: str, side: str, iri: str, as_of: dt.date) -> tuple[Stake, ...]:
        by_stake: dict[str, list[Row]] = {}
        for r in self.query(query, party=IRI(iri), as_of=as_of).rows:
            by_stake.setdefault(str(r["stake"]), []).append(r)
        return tuple(
            Stake(
                party=str(r[side]),
                name=r[side + "Name"] and str(r[side + "Name"]),
                percent=r["percent"],
                percent_min=r["percentMin"],
                percent_max=r["percentMax"],
                kind=r["kind"] and str(r["kind"]),
                valid_from=r["validFrom"],
                valid_to=r["validTo"],
                listed=bool(r[side + "Listed"]),
                source=r["source"] and str(r["source"]),
                source_label=r["sourceLabel"] and str(r["sourceLabel"]),
            )
            for r in (rows[0] for rows in by_stake.values())
        )

    # -- exposure -------------------------------------------------------------------------------

    def exposure(self, name_or_iri: str, as_of: dt.date | None = None):
        """One organisation's exposure on a date: its listings; its owners up the chain and the
        ultimate parent with its headquarters; its subsidiaries down the chain; where it stands
        under the 50% rule and the stakes that add up; and, apart from that legal test, the
        integrated (multiplied-through) ownership held in it by listed parties (see ``exposure``)."""
        from .exposure import build

        as_of = as_of or dt.date.today()
        ent = self.entity(name_or_iri, as_of)
        up = self.query("owners-chain", party=IRI(ent.iri), as_of=as_of).rows
        down = self.query("subsidiaries-chain", party=IRI(ent.iri), as_of=as_of).rows
        parent = None
        if ent.ultimate_parent_iri:
            hq = self.store.select(
                "SELECT ?code WHERE { ?p eg:headquarteredIn/eg:alpha2 ?code } ORDER BY ?code",
                {"p": IRI(ent.ultimate_parent_iri)},
            )
            parent = (ent.ultimate_parent_iri, ent.ultimate_parent, tuple(str(r["code"]) for r in hq))
        involved = [ent.iri] + [str(r["owned"]) for r in down]
        standing = self.affiliates(involved, as_of)
        covering = self.query("affiliates-stakes", party=IRI(ent.iri), as_of=as_of).rows
        listings = self.listings([str(r["owned"]) for r in down], as_of)
        return build(ent, up, down, parent, standing, covering, listings)

    # -- exports ---------------------------------------------------------------------------------

    def graph_view(
        self,
        focus: str | None = None,
        *,
        depth: int = 2,
        as_of: dt.date | None = None,
        include: str | Sequence[str] | None = None,
    ):
        """The property-graph view that every export renders (``export.View``): the whole graph, or
        the neighbourhood of ``focus`` (a name, alias or IRI) ``depth`` ownership levels up and down.
        ``include``: some of ``export.INCLUDE`` (comma-separated or a list; default all)."""
        from .export import build, parse_include

        as_of = as_of or dt.date.today()
        kinds = parse_include(include if include is None or isinstance(include, str) else ",".join(include))
        focus_iri = self.resolve(focus) if focus else None
        return build(
            self.query("export/nodes", as_of=as_of).rows,
            self.query("export/edges", as_of=as_of).rows,
            self.query("export/citations").rows,
            as_of=as_of,
            focus=focus_iri,
            depth=depth,
            include=kinds,
        )

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
        from .export import check_target, parse_include, write

        check_target(fmt, out)  # before any work
        if isinstance(include, str):
            parse_include(include)
        if depth < 0:
            raise InputError(f"--depth must be 0 or more, not {depth}")
        view = self.graph_view(focus, depth=depth, as_of=as_of, include=include)
        data = None
        if fmt in ("jsonld", "turtle"):
            describe = self.queries["export/describe"].text  # the 50% rule of the date: graph_view computed it
            data = self.store.construct(
                describe,
                [
                    {"resource": IRI(r), "asOf": view.as_of}  # type: ignore[arg-type]
                    for r in view.resources()
                ],
            )
        return write(view, fmt, out, data)

    def view(
        self, name_or_iri: str, out: str | Path, *, depth: int = 2, as_of: dt.date | None = None, fmt: str = "html"
    ) -> Path:
        """A picture of one organisation's ownership neighbourhood: ``html`` (interactive, one
        self-contained file), ``svg`` or ``png`` (Graphviz). Returns the path written."""
        from .export import atomic, check_target, write
        from .export.html import picture
        from .picture import render_html

        if fmt not in ("html", "svg", "png"):
            raise InputError(f"--format: unknown {fmt!r}; expected html, svg or png")
        check_target("svg" if fmt == "html" else fmt, out)  # a file in an existing directory
        if depth < 0:
            raise InputError(f"--depth must be 0 or more, not {depth}")
        view = self.graph_view(name_or_iri, depth=depth, as_of=as_of, include="owners,subsidiaries,listings")
        if fmt != "html":
            view.edges = [e for e in view.edges if e.attrs["type"] != "listing"]
            view.nodes = {k: n for k, n in view.nodes.items() if n.attrs["kind"] != "list-entry"}
            return write(view, fmt, out)[0]
        title = str(view.nodes[view.focus].attrs["label"]) if view.focus else "exportgraph"
        path = Path(out)
        with atomic(path) as tmp:
            tmp.write_text(render_html(picture(view, title)), encoding="utf-8")
        return path

    # -- routes ---------------------------------------------------------------------------------

    def routes(
        self,
        *,
        to: str | None = None,
        destination: str | None = None,
        via: str | None = None,
        as_of: dt.date | None = None,
        orders=None,
        max_hops: int | None = None,
    ):
        """Routes through intermediaries (supply relations and orders in the graph, plus ``orders``:
        a CSV or list of dicts as for ``check``) that reach a listed or covered party or a restricted
        destination, or the party ``to``, or a party in ``destination``; ``via`` keeps those passing
        through that country. Ranked by risk, best first (see ``routes``)."""
        from . import routes as rt

        as_of = as_of or dt.date.today()
        codes = self._country_codes()
        for opt, code in (("destination", destination), ("via", via)):
            if code is not None and code.upper() not in codes:
                raise InputError(f"--{opt}: unknown country code {code!r} (expected ISO 3166 alpha-2)")
        target = self.resolve(to) if to else None
        with self._orders(orders, as_of):
            rows = self.query("routes/steps", as_of=as_of).rows
        factors: dict[str, list] = {}
        for r in self.query("routes/risk", as_of=as_of).rows:
            key = str(r["code"] or r["subject"])
            factors.setdefault(key, []).append(
                rt.Factor(
                    str(r["factor"]),
                    int(r["weight"]),
                    str(r["detail"]),
                    key,
                    bool(r["target"]),
                )
            )
        names = {str(r["party"]): str(r["name"]) for r in rows if r["party"] and r["name"]}
        if target and target not in names:
            names[target] = self.entity(target, as_of).name
        return rt.find(
            rt.steps_from_rows(rows),
            factors,
            names,
            to=target,
            destination=destination and destination.upper(),
            via=via and via.upper(),
            max_hops=max_hops or rt.MAX_HOPS,
        )

    # -- screening ------------------------------------------------------------------------------

    def screen_index(self):
        """The screening index of every name and alias (built on first use, reset by ``derive``)."""
        from .screen import Entry, Index

        if self._screen_index is None:
            self._screen_index = Index(
                Entry(
                    str(r["party"]),
                    str(r["name"]),
                    str(r["matched"]),
                    str(r["kind"]),
                    tuple(str(r["countries"] or "").split()),
                )
                for r in self.query("screen/names").rows
            )
        return self._screen_index

    def screen(self, names, *, threshold: int | None = None, as_of: dt.date | None = None, limit: int = 10):
        """Screen names against every name and alias in the graph (see ``screen``): a names CSV,
        one name, or a list of names, dicts (``name``, ``country``, ``id``) or ``screen.Input``.
        Each match carries the party's list entries and where it stands under the 50% rule on
        ``as_of`` (default today)."""
        from .screen import DEFAULT_THRESHOLD, read_inputs

        as_of = as_of or dt.date.today()
        codes = self._country_codes()
        inputs = read_inputs(names, codes)
        hits = self.screen_index().match(
            [i.name for i in inputs],
            [i.country for i in inputs],
            threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
            limit=limit,
        )
        parties = {h.party for hs in hits for h in hs}
        lists = self.listings(parties, as_of)
        standing = self.affiliates(parties, as_of)
        return [
            Screening(
                i,
                tuple(
                    Match(
                        h.party,
                        h.name,
                        h.matched_name,
                        h.matched_kind,
                        h.score,
                        tuple(h.why),
                        h.countries,
                        lists.get(h.party, ()),
                        standing[h.party],
                    )
                    for h in hs
                ),
            )
            for i, hs in zip(inputs, hits, strict=True)
        ]

    def affiliates(self, parties: Iterable[str], as_of: dt.date):
        """Where each party stands under the Affiliates (50%) rule on the date
        (``queries/affiliates-status.rq`` over the materialised rule)."""
        parties = list(dict.fromkeys(parties))
        self.coverage.ensure([as_of])
        rule = {str(r["ruleId"]): str(r["status"]) for r in self.query("rules-in-force", as_of=as_of).rows}
        rule_status = rule.get("affiliates-2025-09", "unknown")
        found = (
            {
                str(r["party"]): r
                for r in self.store.select(
                    self.queries["affiliates-status"].text, [{"party": IRI(p), "asOf": as_of} for p in parties]
                )
            }
            if parties
            else {}
        )
        out = {}
        for p in parties:
            r = found.get(p)
            status = str(r["status"]) if r else "not covered"
            out[p] = AffiliatesStatus(
                status,
                status in ("listed", "covered"),
                rule_status,
                str(r["reach"]) if r else "not covered",
                str(r["explanation"]) if r else None,
                r["aggregatePercent"] if r else None,
                r["aggregatePercentMax"] if r else None,
            )
        return out

    def item(self, name_or_iri: str) -> Item:
        """An item (chip) by IRI or name, matched forgivingly, with the derivation of its ECCN."""
        from .check import Resolver

        iri = name_or_iri
        if not name_or_iri.startswith(("http://", "https://")):
            found, _, problem = Resolver(self.store, self._resolve_org).item(name_or_iri)
            if found is None:
                raise NotFoundError(problem or f"no item named {name_or_iri!r}")
            iri = found
        row = self.store.select(
            "SELECT ?name ?tpp ?pd ?area ?dc ?bw WHERE { ?i eg:name ?name OPTIONAL { ?i eg:tpp ?tpp } "
            "OPTIONAL { ?i eg:performanceDensity ?pd } OPTIONAL { ?i eg:dieArea ?area } "
            "OPTIONAL { ?i eg:datacenterDesigned ?dc } OPTIONAL { ?i eg:interconnectBandwidth ?bw } }",
            {"i": IRI(iri)},
        )
        if not row:
            raise NotFoundError(f"no item <{iri}>")
        r = row[0]
        flows = self.store.select(
            "SELECT ?p ?tops ?bits WHERE { ?i eg:throughput ?f . ?f eg:precision ?p ; "
            "eg:denseTops ?tops ; eg:bitLength ?bits } ORDER BY DESC(?tops * ?bits)",
            {"i": IRI(iri)},
        )
        eccns = self.store.select(
            "SELECT ?code WHERE { ?i eg:eccn/skos:notation ?code } ORDER BY ?code", {"i": IRI(iri)}
        )
        rules = self.store.select(
            "SELECT ?id WHERE { ?r eg:appliesToItem ?i ; eg:ruleId ?id } ORDER BY ?id", {"i": IRI(iri)}
        )
        keys = ("tppMin", "tppBelow", "pdMin", "pdBelow", "interconnectMin", "requiresDatacenter")
        return Item(
            iri=iri,
            name=str(r["name"]),
            tpp=r["tpp"],
            performance_density=r["pd"],
            die_area=r["area"],
            datacenter=r["dc"],
            throughput=tuple((str(f["p"]), f["tops"], f["bits"]) for f in flows),
            eccns=tuple(str(e["code"]) for e in eccns),
            criteria=tuple(
                Criterion(
                    str(c["eccn"]),
                    str(c["label"]),
                    bool(c["holds"]),
                    bool(c["unverified"]),
                    {k: c[k] for k in keys if c[k] is not None},
                    c["validFrom"],
                    c["validTo"],
                    bool(c["mayHold"]),
                )
                for c in self.query("item-classification", item=IRI(iri)).rows
            ),
            named_by_rules=tuple(str(x["id"]) for x in rules),
            interconnect=r["bw"],
        )

    def info(self) -> dict[str, int | str]:
        from . import __version__

        row = self.query("info-counts").rows[0]
        counts: dict[str, int | str] = {k: int(v) for k, v in row.items() if v is not None}
        counts["triples"] = len(self.store)
        counts["version"] = __version__
        return counts

    def currency(self) -> dict[str, list[dict]]:
        """How current the graph is: per list, its entries and the newest day one was added or
        removed (``queries/info-currency-lists.rq``); per restriction and per issuing body, the
        newest rule or guidance with its date and citation (``queries/info-currency-rules.rq``)."""

        def plain(row: dict) -> dict:
            return {k: (None if v in (None, "") else v if isinstance(v, int) else str(v)) for k, v in row.items()}

        return {
            "lists": [plain(r) for r in self.query("info-currency-lists").rows],
            "rules": [plain(r) for r in self.query("info-currency-rules").rows],
        }

    def validate(self, engine: str = "turbo"):
        """Check the loaded graph against the SHACL shapes in ``shapes/``."""
        from .validate import as_rdflib, validate

        return validate(as_rdflib(self.store.dump()), engine=engine)


def _listing(entry: str, rows: list[Row]) -> Listing:
    first = rows[0]
    cites = {
        str(r["citation"]): Citation(
            label=str(r["citationLabel"] or r["citation"]),
            iri=str(r["citation"]),
            published=r["published"],
            rule=r["rule"] and str(r["rule"]),
            rule_title=r["ruleTitle"] and str(r["ruleTitle"]),
            effective=r["effective"],
        )
        for r in rows
        if r["citation"]
    }
    return Listing(
        list=str(first["list"]),
        list_name=first["listName"] and str(first["listName"]),
        entry=entry,
        date_added=first["dateAdded"],
        date_removed=first["dateRemoved"],
        in_force=bool(first["inForce"]),
        license_requirement=first["licenseRequirement"] and str(first["licenseRequirement"]),
        review_policy=first["reviewPolicy"] and str(first["reviewPolicy"]),
        footnotes=tuple(sorted({int(r["footnote"]) for r in rows if r["footnote"] is not None})),
        citations=tuple(sorted(cites.values(), key=lambda c: (c.published or dt.date.min, c.label))),
        confidence=first["confidence"] and str(first["confidence"]).rsplit("#", 1)[-1],
        record=first.get("record") and str(first["record"]),
        record_name=first.get("recordName") and str(first["recordName"]),
    )
