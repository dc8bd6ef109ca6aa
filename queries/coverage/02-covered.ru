#+ summary: >-
#+   The 50% rule, step 2 (repeated until nothing is added): a party is covered when the direct stakes
#+   held in it by listed or covered parties add up to 50% or more, each at its lower bound.
INSERT { GRAPH <https://w3id.org/exportgraph/id/graph/coverage> {
  ?cov a eg:AffiliateCoverage ; eg:coveredParty ?o ; eg:coverageStatus eg:Covered ; rdfs:label ?name ;
       eg:coverageDepth ?depth ; eg:validFrom ?from ; eg:validTo ?to ; eg:aggregatePercent ?sum ; eg:explanation ?explanation } }
WHERE {
  { SELECT ?o ?pname (SUM(?low) AS ?sum) (COUNT(?s) AS ?stakes) (GROUP_CONCAT(?step; separator=", ") AS ?steps)
           (GROUP_CONCAT(?above; separator="; ") AS ?aboves)
    WHERE {
      { SELECT ?o (MIN(?n0) AS ?pname) WHERE {
        { SELECT DISTINCT ?o WHERE {
          GRAPH <https://w3id.org/exportgraph/id/graph/coverage> {
            ?new eg:coverageDepth ?prev ; eg:validFrom ?from ; eg:coverageStatus ?ns ; eg:coveredParty ?newOwner . FILTER(?ns IN (eg:Listed, eg:Covered)) }
          ?ns2 eg:owner ?newOwner ; eg:owned ?o } }
        OPTIONAL { ?o eg:name ?n0 } } GROUP BY ?o }
      ?s eg:owned ?o ; eg:owner ?owner .
      GRAPH <https://w3id.org/exportgraph/id/graph/coverage> {
        ?oc eg:validFrom ?from ; eg:coverageStatus ?status ; eg:coveredParty ?owner ;
            rdfs:label ?ownerName ; eg:explanation ?above .
        FILTER(?status IN (eg:Listed, eg:Covered)) }
      FILTER NOT EXISTS { ?s eg:stakeKind eg:ControlWithoutEquity }
      # votes are not ownership: a stake known only as voting rights counts in step 3 (review), not here
      FILTER NOT EXISTS { ?s eg:stakeKind eg:Voting FILTER NOT EXISTS { ?s eg:stakeKind eg:Equity } }
      FILTER NOT EXISTS { ?s eg:validFrom ?vf FILTER(?vf > ?asOf) }
      FILTER NOT EXISTS { ?s eg:validTo ?vt FILTER(?vt < ?asOf) }
      OPTIONAL { ?s eg:percent ?pc }
      OPTIONAL { ?s eg:percentMin ?pmin }
      BIND(COALESCE(?pc, ?pmin, 0) AS ?low)
      FILTER(?low > 0)
      BIND(CONCAT(IF(BOUND(?pc), STR(?pc), CONCAT("at least ", STR(?pmin))), "% owned by ", ?ownerName) AS ?step)
    } GROUP BY ?o ?pname }
  FILTER(?sum >= 50)
  FILTER NOT EXISTS { GRAPH <https://w3id.org/exportgraph/id/graph/coverage> {
    ?done eg:coveredParty ?o ; eg:validFrom ?from ; eg:coverageStatus ?ds FILTER(?ds IN (eg:Listed, eg:Covered)) } }
  BIND(COALESCE(?pname, STR(?o)) AS ?name)
  BIND(CONCAT(STR(?name), " ", STR(?steps), IF(?stakes > 1, CONCAT(" (", STR(?sum), "% in aggregate)"), ""),
              " -> ", STR(?aboves)) AS ?explanation)
  BIND(IRI(CONCAT("https://w3id.org/exportgraph/id/coverage/", SUBSTR(STR(?from), 1, 10), "/", MD5(STR(?o)))) AS ?cov)
}
