#+ summary: >-
#+   Set a mark of a persistent store in graph/meta (eg:initialised, eg:derived). <$mark> is one of
#+   the package's constant IRIs.
INSERT DATA { GRAPH <https://w3id.org/exportgraph/id/graph/meta> { <https://w3id.org/exportgraph/id/store> <$mark> true } }
