"""What speaks to Athena itself: the pre-flight on a user's account
(preflight.py) and ending a dead lock holder's queries (queries.py)."""
