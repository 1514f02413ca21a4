"""The command line: a thin edge that maps domain errors to messages and exit codes, in Chinese or
English.
"""
