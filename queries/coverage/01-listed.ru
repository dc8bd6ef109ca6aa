#+ summary: >-
#+   The 50% rule, step 1: every party on a list the Affiliates rule names, on ?asOf, is listed.
INSERT { GRAPH <https://w3id.org/exportgraph/id/graph/coverage> {
  ?cov a eg:AffiliateCoverage ; eg:coveredParty ?p ; eg:coverageStatus eg:Listed ; eg:coverageDepth 0 ;
       rdfs:label ?name ; eg:validFrom ?from ; eg:validTo ?to ; eg:explanation ?explanation } }
WHERE {
  { SELECT ?p (MIN(?n) AS ?name) (GROUP_CONCAT(DISTINCT ?fact; separator="; ") AS ?facts)
    WHERE {
      <https://w3id.org/exportgraph/id/rule/affiliates-2025-09> eg:concernsList ?list .
      ?e eg:onList ?list ; eg:party ?p .
      OPTIONAL { ?e eg:dateAdded ?added }
      FILTER(!BOUND(?added) || ?added <= ?asOf)
      FILTER NOT EXISTS { ?e eg:dateRemoved ?removed FILTER(?removed <= ?asOf) }
      OPTIONAL { ?p eg:name ?pn }
      BIND(COALESCE(?pn, STR(?p)) AS ?n)
      ?list rdfs:label ?listName .
      OPTIONAL { SELECT ?e (GROUP_CONCAT(DISTINCT ?cl; separator=", ") AS ?cites)
                 WHERE { ?e eg:citation ?c . ?c rdfs:label ?cl } GROUP BY ?e }
      BIND(CONCAT("on the ", ?listName,
                  IF(BOUND(?added), CONCAT(" since ", SUBSTR(STR(?added), 1, 10)), ""),
                  IF(BOUND(?cites), CONCAT(", ", ?cites), "")) AS ?fact)
    } GROUP BY ?p }
  BIND(CONCAT(STR(?name), " ", STR(?facts)) AS ?explanation)
  BIND(IRI(CONCAT("https://w3id.org/exportgraph/id/coverage/", SUBSTR(STR(?from), 1, 10), "/", MD5(STR(?p)))) AS ?cov)
}
