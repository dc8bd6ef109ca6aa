#+ summary: >-
#+   In an import's commit: copy the new generation's triples into the live default graph.
#+   <$generation> is the generation's IRI, made by the package and filled in by it.
INSERT { ?s ?p ?o } WHERE { GRAPH <$generation> { ?s ?p ?o } }
