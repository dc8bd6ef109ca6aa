"""Importers: one module per source format. Each yields rdflib triples and never writes files."""
