"""The prefixes every query and update runs with, as plain strings.

Spelled apart from ``namespaces`` (the same IRIs as rdflib terms) so that a store opens without
importing rdflib, which takes 0.1 s; ``tests/test_namespaces.py`` holds the two equal.
"""

from __future__ import annotations

PREFIXES: dict[str, str] = {
    "eg": "https://w3id.org/exportgraph/ontology#",
    "egid": "https://w3id.org/exportgraph/id/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
}
