"""Compliance checker for investment projects in Inner Mongolia.

Evaluates a `project.yaml` against declarative rules drawn from the region's 14th Five-Year Plan
and its official briefing, and reports, rule by rule, the decision and the plan sentence behind it.
"""

__version__ = "0.1.0"
