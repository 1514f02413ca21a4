"""Rendering a checked project in every format, from one list of findings, and writing it safely."""
