"""Minting instance IRIs: the one slug rule, and one function per kind of node.

Every IRI of the bundled graph is ``https://w3id.org/exportgraph/id/<kind>/<slug>``. The slug
of a name is its NFKD form reduced to ASCII, lower case, with every run of other characters
replaced by one hyphen (``Inspur (HK) Electronics Co., Ltd.`` -> ``inspur-hk-electronics-co-ltd``).
Hand-written Turtle in ``graph/curated/`` follows the same rule, so the importers and the
curators name one organisation with one IRI.

>>> party("Inspur Group Co., Ltd.")
rdflib.term.URIRef('https://w3id.org/exportgraph/id/party/inspur-group-co-ltd')
"""

from __future__ import annotations

import functools
import re
import unicodedata

from rdflib import URIRef

from .namespaces import ID


def slug(text: str) -> str:
    """The slug of a name; names in other scripts keep a hex form so that no two collide."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not s:
        s = "u" + text.encode("utf-8", "surrogatepass").hex()  # (a lone surrogate, "\ud800" in JSON, too)
    return s


def _mint(kind: str, *parts: str) -> URIRef:
    return URIRef(str(ID) + kind + "/" + "/".join(parts))


def party(name: str) -> URIRef:
    return _mint("party", slug(name))


def country(alpha2: str) -> URIRef:
    return _mint("country", alpha2.upper())


def group(code: str) -> URIRef:
    return _mint("group", slug(code))


def membership(group_code: str, alpha2: str) -> URIRef:
    return _mint("membership", slug(group_code), alpha2.upper())


def restriction_list(short_name: str) -> URIRef:
    return _mint("list", slug(short_name))


def listing(short_name: str, party_name: str) -> URIRef:
    return _mint("listing", slug(short_name), slug(party_name))


def address(party_name: str, index: int) -> URIRef:
    return _mint("address", slug(party_name), str(index))


def stake(owner_name: str, owned_name: str) -> URIRef:
    return _mint("stake", slug(owner_name), slug(owned_name))


def fr_citation(volume: int, page: int) -> URIRef:
    return _mint("source", "fr", f"{volume}-{page}")


def source(name: str) -> URIRef:
    return _mint("source", slug(name))


def dataset(name: str) -> URIRef:
    return _mint("source", "dataset", slug(name))


def dataset_row(dataset_name: str, key: str) -> URIRef:
    return _mint("source", "dataset", slug(dataset_name), slug(key))


def rule(name: str) -> URIRef:
    return _mint("rule", slug(name))


def eccn(code: str) -> URIRef:
    return _mint("eccn", slug(code))


def end_use(name: str) -> URIRef:
    return _mint("end-use", slug(name))


def item(name: str) -> URIRef:
    return _mint("item", slug(name))


def throughput(item_name: str, precision: str) -> URIRef:
    return _mint("item", slug(item_name), "throughput", slug(precision))


def order(order_id: str) -> URIRef:
    return _mint("order", slug(order_id))


def leg(order_id: str, index: int) -> URIRef:
    return _mint("order", slug(order_id), "leg", str(index))


def user_party(party_id: str) -> URIRef:
    """A party from a user's parties CSV, named by the user's own id."""
    return _mint("user", "party", slug(party_id))


def user_row(file_name: str, line: int, kind: str) -> URIRef:
    """A node made from one row of a user's file (a stake, a listing, the row's source)."""
    return _mint("user", kind, _file_slug(file_name), str(line))


@functools.lru_cache(maxsize=64)
def _file_slug(file_name: str) -> str:
    return slug(file_name)  # (the same file name on every row)
