#+ summary: >-
#+   Derive: an organisation is a subsidiary of an owner holding more than 50% of it (exact or the whole range),
#+   by an undated stake.
INSERT { ?owned eg:subsidiaryOf ?owner }
WHERE {
  ?s a eg:OwnershipStake ; eg:owner ?owner ; eg:owned ?owned .
  OPTIONAL { ?s eg:percent ?p }
  OPTIONAL { ?s eg:percentMin ?min }
  FILTER(COALESCE(?p, ?min, 0) > 50)
  # undated stakes only: the link and the ultimate parent derived from it hold on every date, while
  # a dated stake (eg:validFrom/eg:validTo) holds on some only; the 50% rule applies those per date
  FILTER NOT EXISTS { ?s eg:validTo ?to }
  FILTER NOT EXISTS { ?s eg:validFrom ?from }
  FILTER NOT EXISTS { ?owned eg:subsidiaryOf ?owner }
}
