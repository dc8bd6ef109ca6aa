"""The ontology with the bundled graph is OWL 2 DL and consistent: HermiT through owlready2.

owlready2 reads N-Triples, not Turtle, and would fetch owl:imports from the web, so the test merges
the ontology modules and the graph into one N-Triples file without the imports.
"""

from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import OWL

from exportgraph import paths

pytestmark = pytest.mark.reasoner


@pytest.mark.needs("java")
def test_hermit_finds_ontology_and_graph_consistent(tmp_path):
    owlready2 = pytest.importorskip("owlready2")
    g = rdflib.Graph()
    for f in paths.ontology_files() + paths.graph_files():
        g.parse(f)
    g.remove((None, OWL.imports, None))
    nt = tmp_path / "all.nt"
    g.serialize(nt, format="nt", encoding="utf-8")
    world = owlready2.World()
    onto = world.get_ontology(nt.as_uri()).load()
    owlready2.reasoning.JAVA_MEMORY = 4000
    with onto:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    assert list(world.inconsistent_classes()) == []


@pytest.mark.needs("java")
def test_an_inconsistent_graph_is_caught(tmp_path):
    """The same check fails on a party typed both organisation and person (disjoint classes)."""
    owlready2 = pytest.importorskip("owlready2")
    g = rdflib.Graph()
    for f in paths.ontology_files():
        g.parse(f)
    g.remove((None, OWL.imports, None))
    g.parse(
        data="""@prefix eg: <https://w3id.org/exportgraph/ontology#> .
        <https://w3id.org/exportgraph/id/party/x> a eg:Company , eg:Person .""",
        format="turtle",
    )
    nt = tmp_path / "bad.nt"
    g.serialize(nt, format="nt", encoding="utf-8")
    world = owlready2.World()
    onto = world.get_ontology(nt.as_uri()).load()
    with onto, pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        owlready2.sync_reasoner_hermit(world, debug=0)
