"""Columnar tables of the facts the 50% rule reads, derived from an embedded store.

The store stays the system of record; the tables are read from it a property at a time
(``read``: a scan each, much faster than joining in SPARQL), held per column (``columns``: numpy
arrays, parties as integer ids) and rebuilt when the data changes. A store on disk keeps them in
``<store>/tables.npz`` (``files``), stamped with the data stamp that every derivation renews, so a
later process opens them instead of scanning the store and never reads stale ones. The 50% rule
runs on them (``affiliates``), step for step as ``queries/coverage/`` runs in SPARQL.

The tables hold exactly what the rule's SPARQL reads, or refuse: a stake with two values of one
property, a percent that is not an ``xsd:integer`` or ``xsd:decimal``, a date that is not a day at
midnight, a blank node where a stake is named. For such data ``Unsupported`` is raised and the
SPARQL of ``queries/coverage/`` runs instead, so the answer never depends on the engine.

The modules are imported by name (``tables.stamp`` needs no numpy; the others load it).
"""
