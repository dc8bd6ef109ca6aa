#+ summary: >-
#+   Ultimate parents, step 1: the parent links that hold on ?asOf, into a working graph.
#+   - eg:subsidiaryOf: a party's asserted subsidiary links (a source calls it a subsidiary; no period
#+   is recorded), and equity stakes of more than 50% (exact, or a range whose minimum is above 50)
#+   valid on ?asOf;
#+   - eg:mayBeSubsidiaryOf: stakes valid on ?asOf that may be above 50% but are not known to be (a
#+   stake of unknown size, or a range reaching above 50): the owner may be the parent, for review.
#+   (Three operations rather than a UNION: a filter inside a UNION's branch cannot see ?asOf.)
DROP SILENT GRAPH <https://w3id.org/exportgraph/id/graph/parent-links> ;
INSERT { GRAPH <https://w3id.org/exportgraph/id/graph/parent-links> { ?owned eg:subsidiaryOf ?owner } }
WHERE {
  ?owned eg:subsidiaryOf ?owner .
  FILTER(?owned != ?owner)
} ;
INSERT { GRAPH <https://w3id.org/exportgraph/id/graph/parent-links> { ?owned ?link ?owner } }
WHERE {
  ?s a eg:OwnershipStake ; eg:owner ?owner ; eg:owned ?owned .
  FILTER(?owned != ?owner)
  FILTER NOT EXISTS { ?s eg:stakeKind eg:ControlWithoutEquity }
  FILTER NOT EXISTS { ?s eg:validFrom ?vf FILTER(?vf > ?asOf) }
  FILTER NOT EXISTS { ?s eg:validTo ?vt FILTER(?vt < ?asOf) }
  OPTIONAL { ?s eg:percent ?p }
  OPTIONAL { ?s eg:percentMin ?min }
  OPTIONAL { ?s eg:percentMax ?max }
  BIND(IF(COALESCE(?p, ?min, 0) > 50, eg:subsidiaryOf,
          IF(!BOUND(?p) && COALESCE(?max, 100) > 50, eg:mayBeSubsidiaryOf, ?unbound)) AS ?link)
  FILTER(BOUND(?link))
}
