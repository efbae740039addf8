"""The `gridsvc` commands by feature: each module registers its commands on the Typer app of
`commands.base` and imports nothing but `base` from here; `gridsvc.cli` imports them all."""
