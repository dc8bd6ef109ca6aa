# Derive: the ultimate parent is the top of the chain of subsidiaryOf links (none where the chain loops).
INSERT { ?x eg:ultimateParent ?top }
WHERE {
  ?x eg:subsidiaryOf+ ?top .
  FILTER NOT EXISTS { ?top eg:subsidiaryOf ?above }
  FILTER(?x != ?top)
}
