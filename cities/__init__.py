"""Places, partner relationships between them, their stages, the totals reports state and
the offices that keep them."""
