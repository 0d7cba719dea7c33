"""Exchanges: the projects, events, delegations, trainings, offices and conferences that
give a partnership its substance."""
