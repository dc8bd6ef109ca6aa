# Derive: an organisation is a subsidiary of an owner holding more than 50% of it (exact or the whole range).
INSERT { ?owned eg:subsidiaryOf ?owner }
WHERE {
  ?s a eg:OwnershipStake ; eg:owner ?owner ; eg:owned ?owned .
  OPTIONAL { ?s eg:percent ?p }
  OPTIONAL { ?s eg:percentMin ?min }
  FILTER(COALESCE(?p, ?min, 0) > 50)
  FILTER NOT EXISTS { ?s eg:validTo ?to }
  FILTER NOT EXISTS { ?owned eg:subsidiaryOf ?owner }
}
