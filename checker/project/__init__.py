"""The project description (format 1): the strict models, the closed word lists and the JSON Schema
editors use.
"""
