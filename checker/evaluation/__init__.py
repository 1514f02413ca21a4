"""Evaluating the rules on a project's facts: the engine adapter and the decision of each rule's
status.
"""
