"""Feature commands of `gridsvc`: each module registers its commands on `gridsvc.cli.app`."""
