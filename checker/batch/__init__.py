"""Checking many projects: the files to check, worker processes, and what a batch adds to each
project's report.
"""
