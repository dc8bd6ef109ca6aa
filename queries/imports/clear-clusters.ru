#+ summary: >-
#+   Before an import's commit on a persistent store: undo the merges of queries/derive/00-clusters.ru
#+   for every record that a judgement in any source names (the old copy's judgements included), by
#+   putting back, from the sources' copies, every triple that names such a record; the derivations
#+   merge the clusters again after the commit, from the judgements then current. Without this, a
#+   fact a source no longer asserts would stay on the canonical party it was moved to.
DELETE { ?s ?p ?o }
WHERE {
  { SELECT DISTINCT ?x WHERE {
      GRAPH ?g { ?j eg:record ?x } FILTER(STRSTARTS(STR(?g), "https://w3id.org/exportgraph/id/graph/source/")) } }
  { ?x ?p ?o BIND(?x AS ?s) } UNION { ?s ?p ?x BIND(?x AS ?o) }
} ;
INSERT { ?s ?p ?o }
WHERE {
  { SELECT DISTINCT ?x WHERE {
      GRAPH ?h { ?j eg:record ?x } FILTER(STRSTARTS(STR(?h), "https://w3id.org/exportgraph/id/graph/source/")) } }
  GRAPH ?g { { ?x ?p ?o BIND(?x AS ?s) } UNION { ?s ?p ?x BIND(?x AS ?o) } }
  FILTER(STRSTARTS(STR(?g), "https://w3id.org/exportgraph/id/graph/source/"))
}
