"""Behaviour shared by every app: partial dates, approximate quantities, search keys,
the abstract base model and the office rule."""
