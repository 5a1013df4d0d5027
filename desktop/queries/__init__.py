"""Named read queries, each with its SQL written once.

The core's services, reports and the window read the books through these functions; a rule such as "paid
as of a date" or "the receipts a filter selects" is defined here and nowhere else.
"""
