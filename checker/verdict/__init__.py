"""Findings and the verdict: one finding per rule, waivers from the register, the figures a message
prints and where it points.
"""
