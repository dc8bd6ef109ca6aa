"""ISO 3166-1 countries from the datasets/country-codes CSV (PDDL)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from rdflib import Literal

from .. import ids
from ..namespaces import DCTERMS, EG, RDF, RDFS, SKOS
from .common import Triple, dataset_triples, row_source

DATASET = "iso3166-country-codes"


def read(path: Path) -> Iterator[Triple]:
    yield from dataset_triples(
        DATASET,
        "ISO 3166 country codes (datasets/country-codes, country-codes.csv)",
        "https://github.com/datasets/country-codes",
        "commit caa72d1e0e5af8876c170bb36a9e4d64a01bba88; licence ODC PDDL",
    )
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            code = row["ISO3166-1-Alpha-2"].strip()
            if not code:
                continue
            out: list[Triple] = []
            src = row_source(DATASET, f"line {line} ({code})", out)
            node = ids.country(code)
            out += [
                (node, RDF.type, EG.Country),
                (node, RDFS.label, Literal(row["CLDR display name"] or row["official_name_en"], lang="en")),
                (node, EG.alpha2, Literal(code)),
                (node, EG.alpha3, Literal(row["ISO3166-1-Alpha-3"])),
                (node, EG.numericCode, Literal(row["ISO3166-1-numeric"].zfill(3))),
                (node, DCTERMS.source, src),
            ]
            if row["official_name_en"]:
                out.append((node, SKOS.altLabel, Literal(row["official_name_en"], lang="en")))
            if row["official_name_cn"]:
                out.append((node, SKOS.altLabel, Literal(row["official_name_cn"], lang="zh")))
            yield from out
