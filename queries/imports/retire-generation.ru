#+ summary: >-
#+   In an import's commit: take out of the live default graph the previous copy's triples that no
#+   other source asserts, stop naming the previous copy in graph/meta, and drop it. <$previous> is
#+   the previous generation's IRI, made by the package (a slug and a time) and filled in by it.
DELETE { ?s ?p ?o } WHERE { GRAPH <$previous> { ?s ?p ?o }
  FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } FILTER(?g != <$previous> && STRSTARTS(STR(?g), "https://w3id.org/exportgraph/id/graph/source/")) } } ;
DELETE DATA { GRAPH <https://w3id.org/exportgraph/id/graph/meta> { <https://w3id.org/exportgraph/id/store> eg:sourceGraph <$previous> } } ;
DROP SILENT GRAPH <$previous>
