"""dagster_k8s: arrives with its own issue; importable now so that installs and imports never break."""
