"""Awards: the award types (named as conferred) and the awards granted to places, pairs of
partners and individuals."""
