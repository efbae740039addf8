"""Governance for officials (issue 12): what the civil-affairs bureau checks every year.

Pure rules, no I/O: the targets and their settings (`targets`), the rating of information
reports and the seed-000 table layout (`reports`, `report_table`), community and grid sizing
with neighbours by shared boundary (`sizing`), staff coverage (`coverage`).
"""
