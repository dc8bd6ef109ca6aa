"""The options every verb takes (``--data``, ``--as-of``, the store), and those of the verbs that print
results (``--format``, ``--wide``, ``-o``): the parents of the verbs' parsers."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from .. import settings
from .common import date_arg
from .output import FORMATS

# what `add_subparsers` returns: each command module adds its verbs to it
Verbs = argparse._SubParsersAction


@dataclass(frozen=True)
class Parents:
    """The parent parsers of a verb: ``base`` (what every verb takes) or ``common`` (base, and the
    options of the verbs that print a table, JSON or CSV)."""

    base: argparse.ArgumentParser
    common: argparse.ArgumentParser


def parents() -> Parents:
    base = base_parser()
    return Parents(base=base, common=common_parser(base))


def base_parser() -> argparse.ArgumentParser:
    base = argparse.ArgumentParser(add_help=False)  # what every verb takes
    base.add_argument(
        "--data",
        action="append",
        default=[],
        metavar="PATH",
        help="extra data: Turtle, N-Triples, JSON-LD, RDF/XML, or a parties, "
        "ownership, listings, supply or judgements CSV (repeatable; - reads standard input)",
    )
    base.add_argument(
        "--as-of", type=date_arg, default=None, metavar="YYYY-MM-DD", help="answer as of this date (default: today)"
    )
    base.add_argument(
        "--store",
        default=settings.store_dir(),
        metavar="DIR",
        help="keep the graph on disk in DIR (default: EXPORTGRAPH_STORE; without it, the "
        "bundled graph in memory); a new DIR gets the bundled graph, `import` adds to it",
    )
    base.add_argument(
        "--endpoint",
        default=settings.endpoint(),
        metavar="URL",
        help="work on a remote SPARQL 1.1 store instead of the embedded one (default: "
        "EXPORTGRAPH_ENDPOINT); credentials from EXPORTGRAPH_ENDPOINT_USER/_PASSWORD",
    )
    base.add_argument(
        "--update-endpoint",
        default=settings.update_endpoint(),
        metavar="URL",
        help="its SPARQL Update URL, for loading and for derived facts (the 50%% rule, orders)",
    )
    base.add_argument(
        "--graph",
        default=settings.graph(),
        metavar="IRI",
        help="with --endpoint: write into this named graph (Virtuoso, whose default graph is the union of its graphs)",
    )
    base.add_argument(
        "--spark-master",
        default=settings.spark_master(),
        metavar="URL",
        help="with --engine spark: the cluster (spark://host:7077, yarn, k8s://...; default "
        "EXPORTGRAPH_SPARK_MASTER, else Spark Connect at SPARK_REMOTE, else local[*])",
    )
    return base


ENGINE_CHOICES = ("tables", "sparql", "spark")
ENGINE_HELP = (
    "where the 50%% rule runs: on the columnar tables (the default on an embedded store), as the "
    "SPARQL updates, or on Apache Spark (which screens a names file too; needs pyspark and Java 17); "
    "default: EXPORTGRAPH_ENGINE"
)


def add_engine(verb: argparse.ArgumentParser) -> None:
    """``--engine``, on every verb whose own ``--engine`` does not say it (``check``'s does)."""
    if any("--engine" in a.option_strings for a in verb._actions):
        return
    verb.add_argument("--engine", choices=ENGINE_CHOICES, default=settings.engine(), help=ENGINE_HELP)


def engine_settings(args: argparse.Namespace) -> dict[str, str | None]:
    """The settings ``--engine`` and ``--spark-master`` stand in for while the verb runs."""
    engine = getattr(args, "engine", None)
    chosen = {"EXPORTGRAPH_SPARK_MASTER": args.spark_master}
    if engine == "spark":
        chosen["EXPORTGRAPH_ENGINE"] = "spark"
    elif engine in ("tables", "sparql"):
        chosen["EXPORTGRAPH_COVERAGE_ENGINE"] = engine
    return chosen


def common_parser(base: argparse.ArgumentParser) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False, parents=[base])  # verbs that print a table, JSON or CSV
    common.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="table (wrapped to the terminal), json (one document), jsonl (JSON Lines: one "
        "object a line, the items of json's list) or csv (default: table)",
    )
    common.add_argument(
        "--wide",
        action="store_true",
        help="tables: one line per row, long cells unwrapped (for wide terminals and grep)",
    )
    common.add_argument("-o", "--output", default="-", help="write here instead of stdout")
    return common
