#+ summary: >-
#+   Name a source generation in graph/meta as its source's current copy (an import's commit, or a
#+   bundled file registered with a new store). <$generation> is filled in by the package.
INSERT DATA { GRAPH <https://w3id.org/exportgraph/id/graph/meta> { <https://w3id.org/exportgraph/id/store> eg:sourceGraph <$generation> } }
