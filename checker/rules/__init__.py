"""The rules as data: the condition language, rule files and packs, dated and cited parameters, and
each rule's cases.
"""
