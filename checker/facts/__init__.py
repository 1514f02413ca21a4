"""What the rules read: a project's flat facts by key path, and the derived figures computed once
before the rules run.
"""
