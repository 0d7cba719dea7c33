"""Foreign-affairs offices: which staff account keeps which city's records, and the one rule
that says who may change what (``offices.rules``)."""
