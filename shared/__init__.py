"""Code common to the civic-events services: the message contract and small helpers.

Nothing here knows a service's models or business rules.
"""
