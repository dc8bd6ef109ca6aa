#+ summary: >-
#+   Give a store on disk a new data stamp (graph/meta): the columnar tables saved before it are stale.
#+ params:
#+   - {name: stamp, type: string, example: "3f2a9c0e5b7d4e1f8a6c2b9d0e4f7a1c"}
DELETE { GRAPH <https://w3id.org/exportgraph/id/graph/meta> { <https://w3id.org/exportgraph/id/store> eg:dataStamp ?old } }
INSERT { GRAPH <https://w3id.org/exportgraph/id/graph/meta> { <https://w3id.org/exportgraph/id/store> eg:dataStamp ?stamp } }
WHERE { OPTIONAL { GRAPH <https://w3id.org/exportgraph/id/graph/meta> { <https://w3id.org/exportgraph/id/store> eg:dataStamp ?old } } }
