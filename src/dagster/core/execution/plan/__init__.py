"""The execution plan: one ``<solid handle>.compute`` step per solid, with resolved inputs."""
