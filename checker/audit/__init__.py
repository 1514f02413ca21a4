"""The auditor's tools: the hash-chained verdict ledger, its re-verification, and the policy what-if
diff.
"""
