#+ summary: >-
#+   In a first copy's commit: mark its generation as committed but not yet bulk-loaded into the live
#+   default graph (apply_pending loads it). <$generation> is filled in by the package.
INSERT DATA { GRAPH <https://w3id.org/exportgraph/id/graph/meta> { <https://w3id.org/exportgraph/id/store> eg:applying <$generation> } }
