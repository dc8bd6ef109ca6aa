#+ summary: >-
#+   Ultimate parents, step 2: the top of each chain of the period's parent links (06-parent-links.ru)
#+   is the party's ultimate parent over the period (none where the chain loops). A chain that needs a
#+   possible link (eg:mayBeSubsidiaryOf) gives a possible ultimate parent (eg:parentageUncertain
#+   true), a case for review. The working graph is dropped afterwards. The headquarters rule
#+   (shapes/restrictions/headquarters-d5.ttl) reads these.
INSERT { GRAPH <https://w3id.org/exportgraph/id/graph/coverage> {
  ?n a eg:UltimateParentage ; eg:parentageOf ?x ; eg:parentageTop ?top ; eg:validFrom ?from ; eg:validTo ?to } }
WHERE {
  GRAPH <https://w3id.org/exportgraph/id/graph/parent-links> {
    ?x eg:subsidiaryOf ?parent .
    ?parent eg:subsidiaryOf* ?top .
    FILTER NOT EXISTS { ?top eg:subsidiaryOf ?above }
  }
  FILTER(?x != ?top)
  BIND(IRI(CONCAT("https://w3id.org/exportgraph/id/parentage/", SUBSTR(STR(?from), 1, 10), "/",
                  MD5(CONCAT(STR(?x), " ", STR(?top))))) AS ?n)
} ;
INSERT { GRAPH <https://w3id.org/exportgraph/id/graph/coverage> {
  ?n a eg:UltimateParentage ; eg:parentageOf ?x ; eg:parentageTop ?top ; eg:parentageUncertain true ;
     eg:validFrom ?from ; eg:validTo ?to } }
WHERE {
  GRAPH <https://w3id.org/exportgraph/id/graph/parent-links> {
    ?x eg:subsidiaryOf|eg:mayBeSubsidiaryOf ?parent .
    ?parent (eg:subsidiaryOf|eg:mayBeSubsidiaryOf)* ?top .
    FILTER NOT EXISTS { ?top eg:subsidiaryOf|eg:mayBeSubsidiaryOf ?above }
    FILTER NOT EXISTS { ?x eg:subsidiaryOf+ ?top }
  }
  FILTER(?x != ?top)
  BIND(IRI(CONCAT("https://w3id.org/exportgraph/id/parentage/", SUBSTR(STR(?from), 1, 10), "/",
                  MD5(CONCAT(STR(?x), " ", STR(?top))))) AS ?n)
} ;
DROP SILENT GRAPH <https://w3id.org/exportgraph/id/graph/parent-links>
