"""Partner-seeking notices: what partner an office seeks, published until a date."""
