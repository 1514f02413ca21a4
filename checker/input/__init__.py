"""Reading what the user gives: YAML decoded and parsed with every key's line, and validation errors
named by file, key path and line.
"""
