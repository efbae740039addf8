"""Governance for officials (issue 12): zones, information reports and their yearly table,
sizing, staff coverage and the indicators of the dashboards. Tables in the Tortoise app
`governance` (migrations in gridsvc/store/migrations/governance/)."""
