"""The ladder of schema versions: step N turns a version N-1 database into version N.

A released step is never edited; a schema change is a new step at the end. Each step is a list of SQL
statements run inside one transaction together with the bump of ``PRAGMA user_version``.
"""

from db.migrations import (
    v001_initial,
    v002_fund_lineage,
    v003_receipt_prints,
    v004_sync_upper,
    v005_operation_requests,
    v006_controls,
    v007_approvals,
    v007_documents,
    v007_payouts,
    v007_policies,
    v007_programmes,
)

# Index i holds the step that produces version i + 1.
STEPS: list[list[str]] = [
    v001_initial.STATEMENTS,
    v002_fund_lineage.STATEMENTS,
    v003_receipt_prints.STATEMENTS,
    v004_sync_upper.STATEMENTS,
    v005_operation_requests.STATEMENTS,
    v006_controls.STATEMENTS,
    # Version 7 (payouts, approvals, policies, programmes, documents) is released as one step.
    (v007_payouts.STATEMENTS + v007_approvals.STATEMENTS + v007_policies.STATEMENTS
     + v007_programmes.STATEMENTS + v007_documents.STATEMENTS),
]

LATEST_VERSION = len(STEPS)
