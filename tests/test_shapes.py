"""The data-quality shapes: valid examples conform, each invalid example fails on exactly its shape,
the two SHACL engines agree, the shapes pass SHACL-SHACL, and the bundled graph conforms."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from exportgraph import paths
from exportgraph.validate import shapes_graph, validate

SHAPES = Path(__file__).parent / "fixtures" / "shapes"
EGSH = "https://w3id.org/exportgraph/shapes#"
VALID = sorted((SHAPES / "valid").glob("*.ttl"))
INVALID = sorted((SHAPES / "invalid").glob("*.ttl"))


def data(path: Path) -> rdflib.Graph:
    g = rdflib.Graph()
    for f in paths.ontology_files():
        g.parse(f)
    g.parse(path)
    return g


def test_folders_are_not_empty():
    assert VALID and INVALID


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
@pytest.mark.parametrize("engine", ["turbo", "pyshacl"])
def test_valid_examples_conform(path, engine):
    report = validate(data(path), engine=engine)
    assert report.conforms, report.violations


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
@pytest.mark.parametrize("engine", ["turbo", "pyshacl"])
def test_invalid_examples_fail_on_their_shape_only(path, engine):
    expected = EGSH + path.stem.split("--")[0]
    report = validate(data(path), engine=engine)
    assert not report.conforms
    assert {v.shape for v in report.violations} == {expected}


def test_every_shape_has_an_invalid_example_and_metadata():
    g = shapes_graph()
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    node_shapes = {str(s) for s in g.subjects(rdflib.RDF.type, SH.NodeShape)}
    covered = {EGSH + p.stem.split("--")[0] for p in INVALID}
    assert node_shapes - covered == set(), "shapes without a failing example"
    for s in node_shapes:
        for p in (SH.name, SH.description, SH.severity):
            assert g.value(rdflib.URIRef(s), p) is not None, f"{s} lacks {p}"


def test_shapes_pass_shacl_shacl():
    from pyshacl import validate as pyshacl_validate

    conforms, _, text = pyshacl_validate(shapes_graph(), meta_shacl=True, inference="none")
    assert conforms, text


def test_bundled_graph_conforms(bundled):
    report = bundled.validate()
    assert report.conforms, report.violations[:10]


def test_restriction_shapes_one_file_per_rule_with_names_and_pass_shacl_shacl():
    from pyshacl import validate as pyshacl_validate

    from exportgraph.check import shapes_graph as restriction_shapes

    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    DCT = rdflib.Namespace("http://purl.org/dc/terms/")
    files = paths.restriction_files()
    rule_files = [f for f in files if f.stem != "prefixes"]
    assert rule_files
    for f in rule_files:
        g = rdflib.Graph().parse(f)
        shapes = set(g.subjects(rdflib.RDF.type, SH.NodeShape))
        assert shapes, f"{f.name} holds no shape"
        # one rule id per file, named after it
        assert {str(g.value(s, DCT.identifier)) for s in shapes} == {f.stem}, f.name
        for s in shapes:
            for p in (SH.name, SH.description, SH.severity):
                assert g.value(s, p) is not None, f"{f.name}: {s} lacks {p}"
    conforms, _, text = pyshacl_validate(restriction_shapes(), meta_shacl=True, inference="none")
    assert conforms, text
