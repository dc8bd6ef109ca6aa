#+ summary: >-
#+   The 50% rule, step 3 (repeated until nothing is added): a party that is not covered is possibly
#+   covered when the stakes held in it by listed, covered or possibly covered parties reach 50% with
#+   each at its upper bound (an unknown stake counts as 100%): a case for review, never a pass.
INSERT { GRAPH <https://w3id.org/exportgraph/id/graph/coverage> {
  ?cov a eg:AffiliateCoverage ; eg:coveredParty ?o ; eg:coverageStatus eg:PossiblyCovered ; rdfs:label ?name ;
       eg:coverageDepth ?depth ; eg:validFrom ?from ; eg:validTo ?to ; eg:aggregatePercentMax ?sum ; eg:explanation ?explanation } }
WHERE {
  { SELECT ?o ?pname (SUM(?high) AS ?sum) (GROUP_CONCAT(?step; separator=", ") AS ?steps)
           (GROUP_CONCAT(?above; separator="; ") AS ?aboves)
    WHERE {
      { SELECT ?o (MIN(?n0) AS ?pname) WHERE {
        { SELECT DISTINCT ?o WHERE {
          GRAPH <https://w3id.org/exportgraph/id/graph/coverage> {
            ?new eg:coverageDepth ?prev ; eg:validFrom ?from ; eg:coverageStatus ?ns ; eg:coveredParty ?newOwner .  }
          ?ns2 eg:owner ?newOwner ; eg:owned ?o } }
        OPTIONAL { ?o eg:name ?n0 } } GROUP BY ?o }
      ?s eg:owned ?o ; eg:owner ?owner .
      GRAPH <https://w3id.org/exportgraph/id/graph/coverage> {
        ?oc eg:validFrom ?from ; eg:coveredParty ?owner ; rdfs:label ?ownerName ; eg:explanation ?above }
      FILTER NOT EXISTS { ?s eg:stakeKind eg:ControlWithoutEquity }
      FILTER NOT EXISTS { ?s eg:validFrom ?vf FILTER(?vf > ?asOf) }
      FILTER NOT EXISTS { ?s eg:validTo ?vt FILTER(?vt < ?asOf) }
      OPTIONAL { ?s eg:percent ?pc }
      OPTIONAL { ?s eg:percentMin ?pmin }
      OPTIONAL { ?s eg:percentMax ?pmax }
      BIND(COALESCE(?pc, ?pmax, 100) AS ?high)
      BIND(IF(BOUND(?pc), CONCAT(STR(?pc), "%"),
              IF(BOUND(?pmin) || BOUND(?pmax),
                 CONCAT(COALESCE(STR(?pmin), "0"), "-", COALESCE(STR(?pmax), "100"), "%"),
                 "an unknown share")) AS ?share)
      BIND(CONCAT(?share, " owned by ", ?ownerName) AS ?step)
    } GROUP BY ?o ?pname }
  FILTER(?sum >= 50)
  FILTER NOT EXISTS { GRAPH <https://w3id.org/exportgraph/id/graph/coverage> {
    ?done eg:coveredParty ?o ; eg:validFrom ?from } }
  BIND(COALESCE(?pname, STR(?o)) AS ?name)
  BIND(CONCAT(STR(?name), " ", STR(?steps), " (50% or more only if the unknown stakes or ranges are high enough)",
              " -> ", STR(?aboves)) AS ?explanation)
  BIND(IRI(CONCAT("https://w3id.org/exportgraph/id/coverage/", SUBSTR(STR(?from), 1, 10), "/", MD5(STR(?o)))) AS ?cov)
}
