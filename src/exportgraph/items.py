"""Items (chips): one by name or IRI, with its figures and the derivation of its ECCN on each date
(``queries/item-classification.rq``)."""

from __future__ import annotations

from collections.abc import Callable

from .errors import NotFoundError
from .model import Criterion, Item
from .queries import Runner
from .store import Value
from .store.embedded import IRI

CRITERION_KEYS = ("tppMin", "tppBelow", "pdMin", "pdBelow", "interconnectMin", "requiresDatacenter")


def item(queries: Runner, name_or_iri: str, resolve_name: Callable[[str], str | None]) -> Item:
    """An item (chip) by IRI or name, matched forgivingly, with the derivation of its ECCN."""
    iri = name_or_iri
    if not name_or_iri.startswith(("http://", "https://")):
        from .orders import Resolver  # deferred: orders loads rdflib, which a profile does not need

        found, _, problem = Resolver(queries.store, resolve_name).item(name_or_iri)
        if found is None:
            raise NotFoundError(problem or f"no item named {name_or_iri!r}")
        iri = found
    bound: dict[str, Value] = {"i": IRI(iri)}
    facts = queries.internal("item-facts", bound)
    if not facts:
        raise NotFoundError(f"no item <{iri}>")
    r = facts[0]
    return Item(
        iri=iri,
        name=str(r["name"]),
        tpp=r["tpp"],
        performance_density=r["pd"],
        die_area=r["area"],
        datacenter=r["dc"],
        throughput=tuple((str(f["p"]), f["tops"], f["bits"]) for f in queries.internal("item-throughput", bound)),
        eccns=tuple(str(e["code"]) for e in queries.internal("item-eccns", bound)),
        criteria=tuple(
            Criterion(
                str(c["eccn"]),
                str(c["label"]),
                bool(c["holds"]),
                bool(c["unverified"]),
                {k: c[k] for k in CRITERION_KEYS if c[k] is not None},
                c["validFrom"],
                c["validTo"],
                bool(c["mayHold"]),
            )
            for c in queries("item-classification", item=IRI(iri)).rows
        ),
        named_by_rules=tuple(str(x["id"]) for x in queries.internal("item-rules", bound)),
        interconnect=r["bw"],
    )
