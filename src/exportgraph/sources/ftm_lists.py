"""OpenSanctions' lists as FtM entities imply them: an entity whose topics say a list names it
(sanction, export control, debarment) gets an entry on the list of each dataset that names it, dated
as well as the data allows (``ftm`` reads the entities)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from rdflib import Literal, URIRef

from .. import ids
from ..dates import parse_date, to_literal
from ..errors import InputError
from ..namespaces import DCTERMS, EG, RDF, RDFS, SCHEMA
from .common import Triple, dataset_triples


def full_day(text: str, path: Path, line: int, prop: str) -> dt.date | None:
    """A full date; FtM's partial dates (a year, a month) are left out rather than made up."""
    if len(text.strip()) < 10:
        return None
    try:
        return parse_date(text.strip()[:10])
    except InputError:
        raise InputError(
            f"{text.strip()!r} is not a date (expected YYYY-MM-DD, a time after it or not)",
            source=str(path),
            line=line,
            column=prop,
        ) from None


def short_name(dataset: str) -> str:
    """The short name of the list of an OpenSanctions dataset: ``opensanctions-`` and the dataset's
    name, lower case, every run of characters but letters, digits and ``_`` made one ``_``.

    >>> short_name("eu_fsf"), short_name("GB HMT/sanctions")
    ('opensanctions-eu_fsf', 'opensanctions-gb_hmt_sanctions')
    """
    return "opensanctions-" + re.sub(r"[^a-z0-9_]+", "_", dataset.lower()).strip("_")


def dataset(name: str) -> list[Triple]:
    return list(
        dataset_triples(
            f"opensanctions {name}",
            f"OpenSanctions dataset {name}",
            f"https://www.opensanctions.org/datasets/{name}/",
            "A dataset of OpenSanctions, named in the `datasets` of the FtM entities imported.",
        )
    )


def entries(
    record: dict,
    party: URIRef,
    src: URIRef,
    listed: list[str],
    by_dataset: dict[str, dt.date | None],
    path: Path,
    line: int,
) -> list[Triple]:
    """An entry on the list of each dataset that names a listed party: those of the sanctions that
    name it, else the entity's own (a merged entity's topics may come from another of them)."""
    names = list(by_dataset) or record.get("datasets") or []
    if not names:
        raise InputError(
            f"the topics {', '.join(listed)} say a list names the entity, but no 'datasets' say which",
            source=str(path),
            line=line,
        )
    out: list[Triple] = []
    for name in names:
        day, which = _listed_on(record, by_dataset.get(name), path, line)
        short = short_name(name)
        if short == "opensanctions-":
            raise InputError(f"dataset {name!r} has no letter or digit to name its list", source=str(path), line=line)
        lst, entry = ids.restriction_list(short), ids.listing(short, f"ftm {record['id']}")
        out += [
            (lst, RDF.type, EG.RestrictionList),
            (lst, EG.shortName, Literal(short)),
            (lst, RDFS.label, Literal(f"OpenSanctions {name}")),
            (lst, SCHEMA.url, Literal(f"https://www.opensanctions.org/datasets/{name}/")),
            (lst, DCTERMS.source, ids.dataset(f"opensanctions {name}")),
            (
                lst,
                EG.note,
                Literal("OpenSanctions' copy of a list: screening and entities show it, no licence verdict reads it."),
            ),
            *dataset(name),
        ]
        out += [
            (entry, RDF.type, EG.ListEntry),
            (entry, EG.party, party),
            (entry, EG.onList, lst),
            (entry, EG.dateAdded, to_literal(day)),
            (entry, EG.citation, src),
            (entry, DCTERMS.source, src),
            (entry, EG.confidence, EG.Unverified),
            (
                entry,
                EG.note,
                Literal(
                    f"Listed by OpenSanctions' topics {', '.join(listed)}; the date added is "
                    f"{which}, not the day the listing took effect."
                ),
            ),
        ]
        out += [(entry, DCTERMS.subject, Literal(t)) for t in listed]
    return out


def _listed_on(record: dict, sanction_start: dt.date | None, path: Path, line: int) -> tuple[dt.date, str]:
    """The day an entry is dated, and what that day is. In order: the earliest ``startDate`` (else
    ``listingDate``) of the dataset's ``Sanction`` entities naming the party, as OpenSanctions read
    them from the list; the entity's ``createdAt``, the date the source gives the record (the
    designation, for older exports of EU lists); its ``first_seen``, the day OpenSanctions first saw
    it in any dataset, which may be years after the listing. None is the legal effective date."""
    if sanction_start is not None:
        return sanction_start, "the start of the sanction OpenSanctions read from the list"
    for text in (record["properties"].get("createdAt") or [])[:1]:
        if (day := full_day(text, path, line, "createdAt")) is not None:
            return day, "the record's createdAt in OpenSanctions"
    if (day := full_day(record.get("first_seen", ""), path, line, "first_seen")) is not None:
        return day, "the day OpenSanctions first saw the entity (first_seen)"
    raise InputError(
        "the entity is listed but undated: give its first_seen, its createdAt or a Sanction entity with a startDate",
        source=str(path),
        line=line,
    )
