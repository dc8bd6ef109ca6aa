#+ summary: >-
#+   A first copy is in the live default graph: remove its eg:applying mark from graph/meta.
#+   <$generation> is filled in by the package.
DELETE DATA { GRAPH <https://w3id.org/exportgraph/id/graph/meta> { <https://w3id.org/exportgraph/id/store> eg:applying <$generation> } }
