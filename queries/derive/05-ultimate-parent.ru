#+ summary: >-
#+   Derive: the ultimate parent is the top of the chain of subsidiaryOf links (none where the chain loops).
#+   The path starts from a bound party (?x's first parent), which stores such as Virtuoso require.
INSERT { ?x eg:ultimateParent ?top }
WHERE {
  ?x eg:subsidiaryOf ?parent .
  ?parent eg:subsidiaryOf* ?top .
  FILTER NOT EXISTS { ?top eg:subsidiaryOf ?above }
  FILTER(?x != ?top)
}
