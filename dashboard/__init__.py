"""The office dashboard: what a foreign-affairs office should look at today."""
