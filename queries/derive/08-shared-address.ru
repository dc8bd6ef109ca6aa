#+ summary: >-
#+   Derive: two parties share an address when their addresses have the same key (07-address-key.ru).
INSERT { ?a eg:sharesAddressWith ?b }
WHERE {
  ?a eg:hasAddress/eg:addressKey ?key .
  ?b eg:hasAddress/eg:addressKey ?key .
  FILTER(?a != ?b)
}
