#+ summary: >-
#+   Clear a mark of a persistent store in graph/meta (an import's commit clears eg:derived, so that
#+   derived facts are computed again). <$mark> is one of the package's constant IRIs.
DELETE DATA { GRAPH <https://w3id.org/exportgraph/id/graph/meta> { <https://w3id.org/exportgraph/id/store> <$mark> true } }
