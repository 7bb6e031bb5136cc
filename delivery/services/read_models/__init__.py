"""Read models: what the dispatcher's pages show (lists, counts, the day's timeline, a courier's card).

Queries only, never a write: each module builds the plain data one page renders, from the same rules
the use cases in `delivery.services` apply (the free/busy rule, the day an order belongs to...).
"""
