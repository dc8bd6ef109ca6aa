#+ summary: >-
#+   Record an import (eg:Import: kind, file, its SHA-256, records read, triples, start time) in
#+   graph/imports. $record is the record's triples, written by pyoxigraph in N-Triples syntax (escaped).
INSERT DATA { GRAPH <https://w3id.org/exportgraph/id/graph/imports> { $record } }
