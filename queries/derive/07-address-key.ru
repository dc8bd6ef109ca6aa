#+ summary: >-
#+   Derive: an address's matching key is its text lower-cased without spaces or punctuation. Only
#+   addresses with a digit get one (a street number, P.O. box or postcode): "Shenzhen, Guangdong,
#+   China" or "Islamabad" alone is a city, not an address two parties can share.
INSERT { ?addr eg:addressKey ?key }
WHERE {
  ?addr eg:addressText ?t . FILTER(REGEX(?t, "[0-9]"))
  BIND(REPLACE(LCASE(?t), "[^\\p{L}\\p{N}]", "") AS ?key)
}
